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
    let mut walk = Walk::new(head);
    let mut buf = Vec::with_capacity(1024);
    for file_path in &files {
        let read_err = |e| Error::io("reading audit log", file_path, e);
        let mut reader =
            BufReader::with_capacity(1 << 20, File::open(file_path).map_err(read_err)?);
        let mut number = 0;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf).map_err(read_err)? == 0 {
                break;
            }
            number += 1;
            let here = Position {
                file: file_path,
                line: number,
            };
            if let Some(broken) = walk.line(&here, &buf) {
                return Ok(Verdict::Broken(broken));
            }
        }
    }
    let last_file = files.last().map_or(path, PathBuf::as_path);
    Ok(walk.finish(last_file, files.clone()))
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
}

impl<'h> Walk<'h> {
    fn new(head: Option<&'h Head>) -> Self {
        Self {
            expected: None,
            records: 0,
            torn_skipped: 0,
            garbage: None,
            jumped: None,
            head,
            head_seen: head.is_none(),
        }
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
        if !hash_matches(line, &record.hash) {
            return Some(here.at(Some(seq), Problem::Altered));
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
        self.records += 1;
        self.expected = Some((seq + 1, record.hash.into_owned()));
        None
    }

    fn finish(self, last_file: &Path, files: Vec<PathBuf>) -> Verdict {
        if let Some(broken) = self.jumped.or(self.garbage) {
            return Verdict::Broken(broken);
        }
        if let (Some(h), false) = (self.head, self.head_seen) {
            return Verdict::Broken(Break {
                file: last_file.to_path_buf(),
                line: 0,
                seq: None,
                problem: Problem::HeadMissing { seq: h.seq },
            });
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
