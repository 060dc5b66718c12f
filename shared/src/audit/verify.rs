//! Checking the chain: every record intact, in order, none missing, across rotated files.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::chain::{GENESIS, hash_matches, read_link};
use super::writer::rotated_files;
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

/// Walks the log at `path` and its rotated files, oldest first, checking every record's hash,
/// `seq` and `prev`. With `head`, also checks that the record it names is still there.
pub fn verify(path: &Path, head: Option<&Head>) -> Result<Verdict> {
    let files = rotated_files(path);
    if files.is_empty() {
        return Err(Error::Audit {
            path: path.to_path_buf(),
            message: "no such log".into(),
        });
    }
    let mut expected: Option<(u64, String)> = None;
    let mut records = 0;
    let mut torn_skipped = 0;
    // A line that is not a record, forgiven only if the next record flags a torn write.
    let mut garbage: Option<Break> = None;
    // seq jumped ahead: removal, unless the next record is the one that was expected.
    let mut jumped: Option<Break> = None;
    let mut head_seen = head.is_none();
    let mut buf = Vec::with_capacity(1024);
    for file_path in &files {
        let file =
            File::open(file_path).map_err(|e| Error::io("reading audit log", file_path, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut number = 0;
        loop {
            buf.clear();
            let read = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::io("reading audit log", file_path, e))?;
            if read == 0 {
                break;
            }
            number += 1;
            let here = Position {
                file: file_path,
                line: number,
            };
            let terminated = buf.last() == Some(&b'\n');
            let line = if terminated {
                &buf[..buf.len() - 1]
            } else {
                &buf[..]
            };
            let Some(link) = read_link(line) else {
                if garbage.is_none() {
                    let problem = if terminated {
                        Problem::NotARecord
                    } else {
                        Problem::Torn
                    };
                    garbage = Some(here.at(None, problem));
                }
                continue;
            };
            if !hash_matches(line, &link.hash) {
                return Ok(Verdict::Broken(here.at(Some(link.seq), Problem::Altered)));
            }
            if let Some(gap) = garbage.take() {
                if !link.after_torn {
                    return Ok(Verdict::Broken(gap));
                }
                torn_skipped += 1;
            }
            if let Some(jump) = jumped.take() {
                let Problem::Removed { expected: wanted } = jump.problem else {
                    return Ok(Verdict::Broken(jump));
                };
                let problem = if link.seq == wanted {
                    Problem::Reordered { expected: wanted }
                } else {
                    jump.problem.clone()
                };
                return Ok(Verdict::Broken(Break { problem, ..jump }));
            }
            let seq = link.seq;
            match &expected {
                None if link.prev != GENESIS => {
                    return Ok(Verdict::Broken(here.at(Some(seq), Problem::MissingStart)));
                }
                None => {}
                Some((want, prev)) if seq == *want && link.prev == *prev => {}
                Some((want, _)) if seq > *want => {
                    jumped = Some(here.at(Some(seq), Problem::Removed { expected: *want }));
                }
                Some((want, _)) if seq < *want => {
                    return Ok(Verdict::Broken(
                        here.at(Some(seq), Problem::Reordered { expected: *want }),
                    ));
                }
                Some(_) => return Ok(Verdict::Broken(here.at(Some(seq), Problem::Relinked))),
            }
            if let Some(h) = head.filter(|h| h.seq == seq) {
                head_seen = h.hash == link.hash;
            }
            records += 1;
            expected = Some((seq + 1, link.hash.into_owned()));
        }
    }
    let last_file = files.last().map_or(path, PathBuf::as_path);
    if let Some(broken) = jumped.or(garbage) {
        return Ok(Verdict::Broken(broken));
    }
    if let (Some(h), false) = (head, head_seen) {
        return Ok(Verdict::Broken(Break {
            file: last_file.to_path_buf(),
            line: 0,
            seq: None,
            problem: Problem::HeadMissing { seq: h.seq },
        }));
    }
    let (next, head_hash) = expected.unwrap_or((1, GENESIS.to_owned()));
    Ok(Verdict::Intact(Summary {
        records,
        files,
        last_seq: next - 1,
        head: head_hash,
        torn_skipped,
    }))
}
