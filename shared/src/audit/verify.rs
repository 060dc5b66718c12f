//! Checking the trail: every record intact, in order, none missing, across rotated files;
//! sealed with this machine's audit key; and reaching the record hookkit last wrote.
//!
//! What each check proves, and what none of them can, is spelled out by [`Verification`]'s
//! `Display`, which `permission-denied-logger verify` prints.

use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::Trail;
use super::anchor::{Anchor, canonical, checkpoint_path};
use super::chain::{GENESIS, read_link};
use super::files::LogFiles;
use super::mac::AuditKey;
use crate::{Error, Result};

/// An intact trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Records checked.
    pub records: u64,
    /// Files walked, oldest first.
    pub files: Vec<PathBuf>,
    /// The `seq` of the last record.
    pub last_seq: u64,
    /// The hash of the last record: write it down to check later that nothing was cut from
    /// the end.
    pub head: String,
    /// Torn lines (interrupted writes) that the next record flagged and skipped.
    pub torn_skipped: u64,
}

/// The first place where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line in that file.
    pub line: u64,
    /// The record's `seq`, when the line is a record.
    pub seq: Option<u64>,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong at a [`Break`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The record's content no longer matches its hash.
    Altered,
    /// Records `expected..seq` are missing before this one.
    Removed {
        /// The `seq` that should have come here.
        expected: u64,
    },
    /// The record is out of place: an earlier `seq` follows it, or it repeats one.
    Reordered {
        /// The `seq` that should have come here.
        expected: u64,
    },
    /// The `seq` is right but `prev` is not the hash of the record before (a record was
    /// replaced by a forged one).
    Relinked,
    /// The first record chains to a record that is not there: the start of the log (or an
    /// older rotated file) was removed.
    MissingStart,
    /// The last line is incomplete: the file was truncated or a write was torn.
    Torn,
    /// A line that is not a record, and that the next record does not flag as a torn write.
    NotARecord,
    /// `--head` named a record that is not there, or that has another hash.
    HeadMissing {
        /// The expected `seq`.
        seq: u64,
    },
    /// The record's MAC does not match this machine's audit key: forged, or edited and
    /// re-hashed by someone without the key.
    Forged,
    /// The record carries no MAC, in a log this machine's key seals.
    Unsealed,
    /// The log no longer holds the record hookkit last wrote to it (its checkpoint).
    CheckpointMissing {
        /// The `seq` the checkpoint names.
        seq: u64,
    },
    /// The log is gone, but its checkpoint says hookkit wrote to it.
    LogGone {
        /// The `seq` the checkpoint names.
        seq: u64,
    },
    /// The records are sealed with this machine's key, but the log's checkpoint is missing.
    NoCheckpoint,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {} of ", self.line)?;
        }
        write!(f, "{}", self.file.display())?;
        if let Some(seq) = self.seq {
            write!(f, " (seq {seq})")?;
        }
        match &self.problem {
            Problem::Altered => {
                f.write_str(": record altered (its hash does not match its content)")
            }
            Problem::Removed { expected } => {
                let last = self.seq.unwrap_or(*expected).saturating_sub(1);
                if last == *expected {
                    write!(f, ": record seq {expected} before it was removed")
                } else {
                    write!(f, ": records seq {expected}-{last} before it were removed")
                }
            }
            Problem::Reordered { expected } => {
                write!(f, ": records reordered (seq {expected} expected here)")
            }
            Problem::Relinked => {
                f.write_str(": does not chain to the record before it (a record was replaced)")
            }
            Problem::MissingStart => f.write_str(
                ": chains to a record that is not there (the start of the log was removed)",
            ),
            Problem::Torn => f.write_str(": incomplete last record (file truncated or write torn)"),
            Problem::NotARecord => f.write_str(": not an audit record"),
            Problem::HeadMissing { seq } => write!(
                f,
                ": the log ends before record seq {seq} with the expected hash (records cut from the end)"
            ),
            Problem::Forged => f.write_str(
                ": record not sealed with this machine's audit key (forged, edited and re-hashed, \
                 or the key was replaced)",
            ),
            Problem::Unsealed => f.write_str(
                ": record carries no MAC, where this machine's audit key seals the log (forged, \
                 or written while the key could not be opened)",
            ),
            Problem::CheckpointMissing { seq } => write!(
                f,
                ": the log no longer holds record seq {seq}, the last one hookkit wrote \
                 (its checkpoint): records were cut from the end, or the log was replaced"
            ),
            Problem::LogGone { seq } => write!(
                f,
                ": the log is gone, but hookkit wrote {seq} records to it (its checkpoint)"
            ),
            Problem::NoCheckpoint => f.write_str(
                ": its records are sealed with this machine's audit key, but its checkpoint is \
                 missing (removed; or the log was moved: check a moved log with --head SEQ:HASH)",
            ),
        }
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every record is intact and chained.
    Intact(Summary),
    /// The first break.
    Broken(Break),
}

/// A record expected in the log, as printed by an earlier `verify`: `seq` and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The record's `seq`.
    pub seq: u64,
    /// Its hash.
    pub hash: String,
}

impl std::str::FromStr for Head {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (seq, hash) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}` is not SEQ:HASH"))?;
        let seq = seq
            .parse()
            .map_err(|_| format!("`{seq}` is not a record number"))?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{hash}` is not a SHA-256 in hex"));
        }
        Ok(Self {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The position of the line being checked.
struct Position<'a> {
    file: &'a Path,
    line: u64,
}

impl Position<'_> {
    fn at(&self, seq: Option<u64>, problem: Problem) -> Break {
        Break {
            file: self.file.to_path_buf(),
            line: self.line,
            seq,
            problem,
        }
    }
}

impl fmt::Display for Verification {
    /// What was checked and what it proves, then what it cannot prove; one line for a break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let summary = match &self.verdict {
            Verdict::Broken(broken) => return writeln!(f, "broken: {broken}"),
            Verdict::Intact(summary) => summary,
        };
        let files = summary.files.len();
        writeln!(
            f,
            "ok: {} records in {files} file{}, chain intact (seq 1-{})",
            summary.records,
            if files == 1 { "" } else { "s" },
            summary.last_seq
        )?;
        if summary.torn_skipped > 0 {
            writeln!(
                f,
                "note: {} torn line(s) from interrupted writes were skipped and flagged by the next record",
                summary.torn_skipped
            )?;
        }
        writeln!(f, "{}", self.sealing)?;
        writeln!(f, "{}", self.checkpoint)?;
        writeln!(f, "head: {}:{}", summary.last_seq, summary.head)?;
        writeln!(f, "{LIMITS}")
    }
}

/// What no check of the trail can prove, said after every intact verdict.
pub const LIMITS: &str = "cannot prove: that records appended after the checkpoint was read \
     were not cut (they cannot be told from records never written); nor anything against code \
     running as you: the key and the checkpoint are your files, which a test or build script \
     the agent starts can read and rewrite (hookkit keeps only the agent's own tools from them)";

impl fmt::Display for Sealing {
    /// What the key proved, in one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sealing::Sealed { key } => write!(
                f,
                "sealed: every record carries a MAC made with this machine's audit key ({}): \
                 none was forged or edited by anyone without the key",
                key.display()
            ),
            Sealing::NoKey { key } => write!(
                f,
                "not sealed: no audit key{} (another machine, or nothing written here yet): only \
                 the chain was checked, and a log rewritten with recomputed hashes would pass too",
                key.as_ref()
                    .map(|k| format!(" at {}", k.display()))
                    .unwrap_or_default()
            ),
            Sealing::Predates => f.write_str(
                "not sealed: no record carries a MAC: the log predates sealing (written by an \
                 earlier build of hookkit, or while the audit key could not be opened): only the \
                 chain was checked, and a log rewritten with recomputed hashes would pass too; \
                 hooks never continue such a log, they move it aside to <log>.unsealed-<time> \
                 and begin a sealed one",
            ),
            Sealing::Foreign { key } => write!(
                f,
                "not sealed here: the records are not sealed with this machine's audit key ({}) \
                 and no checkpoint names this log (a copy from another machine?): only the chain \
                 was checked",
                key.display()
            ),
        }
    }
}

impl fmt::Display for Checkpointing {
    /// What the checkpoint proved, in one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checkpointing::Reached { path, seq, after } => {
                write!(
                    f,
                    "anchored: the log still holds record seq {seq}, the last one hookkit noted in \
                     its checkpoint ({}): nothing was cut from the end or replaced",
                    path.display()
                )?;
                if *after > 0 {
                    write!(
                        f,
                        "; {after} record(s) after it were appended since the checkpoint was read, \
                         or by an append interrupted before its update"
                    )?;
                }
                Ok(())
            }
            Checkpointing::Missing { path } => write!(
                f,
                "not anchored: no checkpoint{}: records cut from the end, or a log replaced \
                 wholesale, cannot be detected; note the head below and check it with --head",
                path.as_ref()
                    .map(|p| format!(" at {}", p.display()))
                    .unwrap_or_default()
            ),
        }
    }
}

/// What the audit key could check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealing {
    /// Every record's MAC matched this machine's audit key.
    Sealed {
        /// The key.
        key: PathBuf,
    },
    /// There is no audit key here: only the chain was checked.
    NoKey {
        /// Where the key would be; `None` when the trail is not anchored at all.
        key: Option<PathBuf>,
    },
    /// No record carries a MAC and no checkpoint names the log: it was written before records
    /// were sealed (or entirely while the key could not be opened). Only the chain was checked.
    Predates,
    /// The log has no checkpoint here and its records are not sealed with this machine's key
    /// (a copy from another machine): only the chain was checked.
    Foreign {
        /// The key.
        key: PathBuf,
    },
}

/// What the head checkpoint could check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkpointing {
    /// The log reaches the record the checkpoint names.
    Reached {
        /// The checkpoint file.
        path: PathBuf,
        /// The record it names.
        seq: u64,
        /// Records after it (appended after the checkpoint was read, or by an append that
        /// was interrupted before it updated the checkpoint).
        after: u64,
    },
    /// No checkpoint for this log.
    Missing {
        /// Where it would be; `None` when the trail is not anchored.
        path: Option<PathBuf>,
    },
}

/// How a verification ended, in short: what a person's exit code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The chain is intact (sealed or not, as [`Verification::sealing`] says).
    Intact,
    /// The chain is intact, but no record carries a MAC: the log predates sealing
    /// ([`Sealing::Predates`]). Not evidence of tampering, and no evidence against it either.
    PredatesSealing,
    /// The chain is broken: tampering, or an accident the break names.
    Broken,
}

/// The outcome of [`verify`]: the verdict, and what the key and the checkpoint could check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Intact, or the first break.
    pub verdict: Verdict,
    /// What the audit key checked.
    pub sealing: Sealing,
    /// What the checkpoint checked.
    pub checkpoint: Checkpointing,
}

impl Verification {
    /// Whether the trail verified.
    pub fn is_intact(&self) -> bool {
        matches!(self.verdict, Verdict::Intact(_))
    }

    /// How it ended, for a person's exit code.
    pub fn standing(&self) -> Standing {
        match (&self.verdict, &self.sealing) {
            (Verdict::Broken(_), _) => Standing::Broken,
            (Verdict::Intact(_), Sealing::Predates) => Standing::PredatesSealing,
            (Verdict::Intact(_), _) => Standing::Intact,
        }
    }

    /// Whether it verified with every check: chain, MACs and checkpoint.
    pub fn is_anchored(&self) -> bool {
        self.is_intact()
            && matches!(self.sealing, Sealing::Sealed { .. })
            && matches!(self.checkpoint, Checkpointing::Reached { .. })
    }
}

/// Walks the trail's log and its rotated files, oldest first, checking every record's hash,
/// `seq`, `prev` and MAC, and that the log still reaches the record its checkpoint names.
/// With `head`, also checks that the record it names is there. A file of the log that is a
/// link, or otherwise refused (see [`super::Trail::append`]), is an error.
pub fn verify(trail: &Trail, head: Option<&Head>) -> Result<Verification> {
    let path = trail.path.as_path();
    let anchored = Anchored::read(trail)?;
    let key = anchored.anchor.as_ref().and_then(|a| a.key.as_ref());
    let log = LogFiles::open(trail, false);
    let files = match &log {
        Ok(log) => log
            .files()
            .map_err(|e| Error::io("listing audit log", log.dir().path(), e))?,
        Err(_) => Vec::new(),
    };
    let log = match (log, files.is_empty(), &anchored.noted) {
        (Ok(log), false, _) => log,
        // Nothing to read where hookkit wrote: the log is gone.
        (_, _, Some(noted)) => {
            return Ok(Verification {
                verdict: Verdict::Broken(Break {
                    file: path.to_path_buf(),
                    line: 0,
                    seq: None,
                    problem: Problem::LogGone { seq: noted.seq },
                }),
                sealing: sealing(trail.key_path(), key.is_some(), true),
                checkpoint: Checkpointing::Missing {
                    path: anchored.path,
                },
            });
        }
        (Ok(log), true, None) => {
            return Err(log
                .existing()
                .err()
                .unwrap_or_else(|| Error::Other("no such log".into())));
        }
        (Err(e), _, None) => return Err(e),
    };
    let mut walk = Walk::new(head, key, anchored.noted.as_ref());
    let broken = walk_files(&log, &files, &mut walk)?;
    let checkpoint = match &anchored.noted {
        Some(noted) => Checkpointing::Reached {
            path: anchored.path.clone().unwrap_or_default(),
            seq: noted.seq,
            after: walk.after_checkpoint,
        },
        None => Checkpointing::Missing {
            path: anchored.path.clone(),
        },
    };
    let enforced = anchored.noted.is_some() || walk.sealed_here > 0;
    let predates = broken.is_none()
        && anchored.noted.is_none()
        && walk.records > 0
        && walk.without_mac == walk.records;
    let sealing = if predates {
        Sealing::Predates
    } else {
        sealing(trail.key_path(), key.is_some(), enforced)
    };
    let last_file = files.last().map_or(path.to_path_buf(), |n| log.path_of(n));
    let verdict = match broken {
        Some(found) => Verdict::Broken(found),
        None => walk.finish(&last_file, files.iter().map(|n| log.path_of(n)).collect()),
    };
    Ok(Verification {
        verdict,
        sealing,
        checkpoint,
    })
}

/// What anchors a trail on this machine, as far as it exists.
struct Anchored {
    anchor: Option<Anchor>,
    /// Where the log's checkpoint is (or would be).
    path: Option<PathBuf>,
    /// The record it names.
    noted: Option<Head>,
}

impl Anchored {
    fn read(trail: &Trail) -> Result<Self> {
        let path = trail.path.as_path();
        let fail = |what: &str, e: std::io::Error| Error::Audit {
            path: path.to_path_buf(),
            message: format!("{what}: {e}"),
        };
        let Some(state) = &trail.state_dir else {
            return Ok(Self {
                anchor: None,
                path: None,
                noted: None,
            });
        };
        let anchor = Anchor::for_reading(state, path)
            .map_err(|e| fail("reading its key and checkpoint", e))?;
        let noted = match &anchor {
            Some(anchor) => anchor
                .checkpoint
                .read()
                .map_err(|e| fail("reading its checkpoint", e))?,
            None => None,
        };
        Ok(Self {
            anchor,
            path: Some(checkpoint_path(
                state,
                &canonical(path).map_err(|e| fail("finding its checkpoint", e))?,
            )),
            noted,
        })
    }
}

/// Walks every line of the log's files, oldest first; the first break, if any.
fn walk_files(log: &LogFiles, files: &[OsString], walk: &mut Walk<'_>) -> Result<Option<Break>> {
    let mut buf = Vec::with_capacity(1024);
    for name in files {
        let file_path = log.path_of(name);
        let read_err = |e| Error::io("reading audit log", &file_path, e);
        let mut reader = BufReader::with_capacity(1 << 20, log.read_existing(name)?);
        let mut number = 0;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf).map_err(read_err)? == 0 {
                break;
            }
            number += 1;
            let here = Position {
                file: &file_path,
                line: number,
            };
            if let Some(found) = walk.line(&here, &buf) {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

/// What the key checked: `enforced` when the log is anchored here (a checkpoint, or records
/// sealed with this key), so that every record had to match.
fn sealing(key: Option<PathBuf>, have_key: bool, enforced: bool) -> Sealing {
    match key {
        Some(key) if have_key && enforced => Sealing::Sealed { key },
        Some(key) if have_key => Sealing::Foreign { key },
        key => Sealing::NoKey { key },
    }
}

/// The state of a walk along the chain.
struct Walk<'h> {
    /// The `seq` and `prev` the next record must have; `None` before the first.
    expected: Option<(u64, String)>,
    records: u64,
    torn_skipped: u64,
    /// A line that is not a record, forgiven only if the next record flags a torn write.
    garbage: Option<Break>,
    /// `seq` jumped ahead: a removal, unless the next record is the one expected here.
    jumped: Option<Break>,
    head: Option<&'h Head>,
    head_seen: bool,
    key: Option<&'h AuditKey>,
    /// The record the checkpoint names, and whether it was seen.
    checkpoint: Option<&'h Head>,
    checkpoint_seen: bool,
    after_checkpoint: u64,
    /// Records whose MAC matched the key.
    sealed_here: u64,
    /// Records that carry no MAC at all.
    without_mac: u64,
    /// The first record that is not sealed with the key, when the log may be foreign.
    first_unsealed: Option<Break>,
}

impl<'h> Walk<'h> {
    fn new(
        head: Option<&'h Head>,
        key: Option<&'h AuditKey>,
        checkpoint: Option<&'h Head>,
    ) -> Self {
        Self {
            expected: None,
            records: 0,
            torn_skipped: 0,
            garbage: None,
            jumped: None,
            head,
            head_seen: head.is_none(),
            key,
            checkpoint,
            checkpoint_seen: false,
            after_checkpoint: 0,
            sealed_here: 0,
            without_mac: 0,
            first_unsealed: None,
        }
    }

    /// Checks the record's MAC; with a checkpoint (the log is anchored here) a mismatch is
    /// a break at once, else the first one is kept until the end shows whether any record
    /// was sealed here.
    fn seal(
        &mut self,
        here: &Position<'_>,
        seq: u64,
        hash: &str,
        mac: Option<&str>,
    ) -> Option<Break> {
        if mac.is_none() {
            self.without_mac += 1;
        }
        let key = self.key?;
        if mac.is_some_and(|mac| key.check(hash, mac)) {
            self.sealed_here += 1;
            // Sealed here after records that were not: those were forged.
            return self.first_unsealed.take();
        }
        let problem = if mac.is_some() {
            Problem::Forged
        } else {
            Problem::Unsealed
        };
        let broken = here.at(Some(seq), problem);
        if self.checkpoint.is_some() || self.sealed_here > 0 {
            return Some(broken);
        }
        self.first_unsealed.get_or_insert(broken);
        None
    }

    /// Checks one line (with its newline, if it has one); returns the first break.
    fn line(&mut self, here: &Position<'_>, bytes: &[u8]) -> Option<Break> {
        let terminated = bytes.last() == Some(&b'\n');
        let line = if terminated {
            &bytes[..bytes.len() - 1]
        } else {
            bytes
        };
        let Some(record) = read_link(line) else {
            if self.garbage.is_none() {
                let problem = if terminated {
                    Problem::NotARecord
                } else {
                    Problem::Torn
                };
                self.garbage = Some(here.at(None, problem));
            }
            return None;
        };
        let seq = record.seq;
        if !record.hash_matches(line) {
            return Some(here.at(Some(seq), Problem::Altered));
        }
        if let Some(broken) = self.seal(here, seq, &record.hash, record.mac.as_deref()) {
            return Some(broken);
        }
        if let Some(gap) = self.garbage.take() {
            if !record.after_torn {
                return Some(gap);
            }
            self.torn_skipped += 1;
        }
        if let Some(jump) = self.jumped.take() {
            // The record after a jump decides: the one that was expected means a swap.
            let problem = match jump.problem {
                Problem::Removed { expected } if seq == expected => Problem::Reordered { expected },
                other => other,
            };
            return Some(Break { problem, ..jump });
        }
        match &self.expected {
            None if record.prev != GENESIS => {
                return Some(here.at(Some(seq), Problem::MissingStart));
            }
            None => {}
            Some((want, prev)) if seq == *want && record.prev == *prev => {}
            Some((want, _)) if seq > *want => {
                self.jumped = Some(here.at(Some(seq), Problem::Removed { expected: *want }));
            }
            Some((want, _)) if seq < *want => {
                return Some(here.at(Some(seq), Problem::Reordered { expected: *want }));
            }
            Some(_) => return Some(here.at(Some(seq), Problem::Relinked)),
        }
        if let Some(h) = self.head.filter(|h| h.seq == seq) {
            self.head_seen = h.hash == record.hash;
        }
        if let Some(c) = self.checkpoint {
            if c.seq == seq {
                self.checkpoint_seen = c.hash == record.hash;
            } else if c.seq < seq {
                self.after_checkpoint += 1;
            }
        }
        self.records += 1;
        self.expected = Some((seq + 1, record.hash.into_owned()));
        None
    }

    fn finish(self, last_file: &Path, files: Vec<PathBuf>) -> Verdict {
        if let Some(broken) = self.jumped.or(self.garbage) {
            return Verdict::Broken(broken);
        }
        let at_end = |problem| {
            Verdict::Broken(Break {
                file: last_file.to_path_buf(),
                line: 0,
                seq: None,
                problem,
            })
        };
        if let (Some(c), false) = (self.checkpoint, self.checkpoint_seen) {
            return at_end(Problem::CheckpointMissing { seq: c.seq });
        }
        if self.checkpoint.is_none() && self.sealed_here > 0 {
            return at_end(Problem::NoCheckpoint);
        }
        if let (Some(h), false) = (self.head, self.head_seen) {
            return at_end(Problem::HeadMissing { seq: h.seq });
        }
        let (next, head) = self.expected.unwrap_or((1, GENESIS.to_owned()));
        Verdict::Intact(Summary {
            records: self.records,
            files,
            last_seq: next - 1,
            head,
            torn_skipped: self.torn_skipped,
        })
    }
}
