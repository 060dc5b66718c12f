//! Appending: open without following links, lock, find what to chain to, write one whole
//! sealed line, update the checkpoint, and rotate by size.
//!
//! A log written before records were sealed (its records carry no `mac`, and no checkpoint
//! names it) is never continued: its records could have been written by anyone, and a sealed
//! record chained to them would vouch for them. The first sealed append moves it, with its
//! rotated files, aside to `<log>.unsealed-<time>` (`<log>.unsealed-<time>.1`, ...), where
//! `verify` still checks its chain and says that it predates sealing, and begins a new log.

use std::fs::{File, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use super::anchor::Anchor;
use super::chain::{GENESIS, read_link};
use super::dir::Access;
use super::files::{LogFiles, UNSEALED};
use super::line::Prepared;
use super::verify::Head;
use super::{Appended, Record, Trail};
use crate::{Error, Result};

/// How many times an append starts over because another process rotated the log under it.
const ATTEMPTS: usize = 16;
/// How long an append waits for the lock, in all, before giving up: a hook must answer in
/// time even if another process holds the log (the runner's deadline is 2 s).
const LOCK_PATIENCE: Duration = Duration::from_millis(1500);
/// The first window read from the end of the log when looking for the last record.
const TAIL_WINDOW: u64 = 16 * 1024;

/// Appends one record to the trail; see [`super::Trail::append`].
pub(crate) fn append(trail: &Trail, record: &Record) -> Result<Appended> {
    let path = &trail.path;
    let fail = |action: &str, e: io::Error| Error::Audit {
        path: path.clone(),
        message: format!("{action}: {e}"),
    };
    let prepared = Prepared::new(record);
    let log = LogFiles::open(trail, true)?;
    // Without its key and checkpoint the record is still written, unsealed: `verify` then
    // shows where the trail lost its anchor, where a missing record would show nothing.
    let (anchor, unanchored) = match trail
        .state_dir
        .as_deref()
        .map(|s| Anchor::for_writing(s, log.dir(), log.name()))
    {
        Some(Ok(anchor)) => (Some(anchor), None),
        Some(Err(e)) => (
            None,
            Some(format!(
                "the record was written without its seal and checkpoint, which could not be \
                 opened: {e}"
            )),
        ),
        None => (None, None),
    };
    let give_up = Instant::now() + LOCK_PATIENCE;
    let mut set_aside = None;
    for _ in 0..ATTEMPTS {
        let mut file = log
            .dir()
            .file(log.name(), Access::Append)
            .map_err(|e| fail("opening", e))?
            .ok_or_else(|| fail("opening", io::ErrorKind::NotFound.into()))?;
        lock_within(&file, give_up).map_err(|e| fail("locking", e))?;
        // Another process may have rotated the log between our open and our lock: then our
        // handle points at `<log>.1`, and we start over on the new file.
        if !log
            .dir()
            .holds(log.name(), &file)
            .map_err(|e| fail("checking", e))?
        {
            continue;
        }
        let len = file.metadata().map_err(|e| fail("reading size", e))?.len();
        if len > 0 && len >= trail.max_bytes {
            rotate(&log).map_err(|e| fail("rotating", e))?;
            continue;
        }
        let ending = last_link(&mut file, len).map_err(|e| fail("reading its end", e))?;
        let mut checkpoint = match &anchor {
            Some(anchor) => Some(
                anchor
                    .checkpoint
                    .open()
                    .map_err(|e| fail("reading its checkpoint", e))?,
            ),
            None => None,
        };
        let noted = checkpoint.as_mut().and_then(|c| c.head.take());
        if anchor.is_some()
            && noted.is_none()
            && let Some(notice) = set_aside_if_unsealed(&log, &ending)?
        {
            set_aside = Some(notice);
            continue;
        }
        let place = place(&log, &ending, noted).map_err(|e| fail("reading <log>.1", e))?;
        let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let key = anchor.as_ref().and_then(|a| a.key.as_ref());
        let (line, hash) = prepared.seal(&time, place.seq, &place.prev, place.after_torn, key);
        let mut bytes = Vec::with_capacity(line.len() + 1);
        if ending.unterminated {
            // End the torn line first so that it stays a line of its own.
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        if let Err(e) = file.write_all(&bytes) {
            // A partial write (disk full) would leave a torn line: take it back.
            let _ = file.set_len(len);
            return Err(fail("writing", e));
        }
        let mut notice = unanchored.or(set_aside).or(place.notice);
        if let (Some(anchor), Some(checkpoint)) = (&anchor, &mut checkpoint) {
            let head = Head {
                seq: place.seq,
                hash: hash.clone(),
            };
            if let Err(e) = checkpoint.write(&head) {
                notice = Some(format!(
                    "the record was written but its checkpoint `{}` was not updated: {e}",
                    anchor.checkpoint.path().display()
                ));
            }
        }
        return Ok(Appended {
            seq: place.seq,
            hash,
            notice,
        });
    }
    Err(Error::Audit {
        path: path.clone(),
        message: format!("the log was rotated under this append {ATTEMPTS} times in a row"),
    })
}

/// Where a new record goes in the chain.
struct Place {
    seq: u64,
    prev: String,
    after_torn: bool,
    /// Why the log did not end where its checkpoint says it did.
    notice: Option<String>,
}

/// Decides what the next record chains to. Without a checkpoint, the last record of the log
/// (or of `<log>.1` after a rotation). With one, the checkpoint wins whenever the log does
/// not end with the record it names: a log that was cut, replaced or removed is then not
/// silently continued, and the new record's link to the checkpoint shows `verify` the break.
fn place(log: &LogFiles, tail: &TailLink, checkpoint: Option<Head>) -> io::Result<Place> {
    let after = |seq: u64, prev: &str, after_torn: bool, notice: Option<String>| Place {
        seq: seq + 1,
        prev: prev.to_owned(),
        after_torn,
        notice,
    };
    let previous = || match &tail.last {
        Some(last) => Ok(Some((last.seq, last.hash.clone(), tail.skipped))),
        None => previous_file_link(log)
            .map(|found| found.map(|(seq, hash, skipped)| (seq, hash, tail.skipped || skipped))),
    };
    let Some(head) = checkpoint else {
        return Ok(match previous()? {
            Some((seq, hash, skipped)) => after(seq, &hash, skipped, None),
            None => after(0, GENESIS, tail.skipped, None),
        });
    };
    let found = previous()?;
    let continues = found
        .as_ref()
        .is_some_and(|(seq, hash, _)| (*seq, hash.as_str()) == (head.seq, head.hash.as_str()))
        || tail.last.as_ref().is_some_and(|last| {
            // The append before this one wrote its record but not its checkpoint.
            last.seq == head.seq + 1 && last.prev == head.hash
        });
    if continues {
        let (seq, hash, skipped) = found.unwrap_or_default();
        return Ok(after(seq, &hash, skipped, None));
    }
    let ended = match &found {
        Some((seq, _, _)) => format!("ends at record seq {seq}"),
        None => "holds no record".into(),
    };
    let notice = format!(
        "the audit log {ended}, but hookkit last wrote record seq {} (checkpoint): records \
         were cut, removed or replaced since; this record continues from the checkpoint, and \
         `verify` shows the break",
        head.seq
    );
    Ok(after(head.seq, &head.hash, false, Some(notice)))
}

/// Takes the exclusive lock, polling with a growing pause, until `give_up`.
fn lock_within(file: &File, give_up: Instant) -> io::Result<()> {
    let mut pause = Duration::from_micros(50);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if Instant::now() < give_up => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another process held the lock for over {} ms",
                        LOCK_PATIENCE.as_millis()
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Shifts every `<log>.n` to `<log>.n+1` (highest first) and renames the log to `<log>.1`.
/// Runs under the current log's lock, so rotations never overlap. Renaming never follows a
/// link: a link planted as `<log>.3` is moved, not written through.
fn rotate(log: &LogFiles) -> io::Result<()> {
    for n in log.rotated_numbers()? {
        log.dir()
            .rename(&log.rotated_name(n), &log.rotated_name(n + 1))?;
    }
    log.dir().rename(log.name(), &log.rotated_name(1))
}

/// Moves the log aside when it predates sealing (see the module docs); the notice saying so.
fn set_aside_if_unsealed(log: &LogFiles, ending: &TailLink) -> Result<Option<String>> {
    let fail = |action: &str, e: io::Error| Error::Audit {
        path: log.path().to_path_buf(),
        message: format!("{action}: {e}"),
    };
    if !predates_sealing(log, ending).map_err(|e| fail("reading <log>.1", e))? {
        return Ok(None);
    }
    let aside = move_aside(log).map_err(|e| fail("moving it aside", e))?;
    Ok(Some(format!(
        "the audit log predates sealing (its records carry no MAC): it was moved to `{}` \
         (`hookkit log verify --log` it), and a new, sealed log begins",
        log.path_of(&aside).display()
    )))
}

/// Whether the record the next one would chain to (the log's last, or `<log>.1`'s when the
/// log holds none) carries no MAC: the log was written before records were sealed.
fn predates_sealing(log: &LogFiles, tail: &TailLink) -> io::Result<bool> {
    Ok(match &tail.last {
        Some(last) => !last.sealed,
        None => previous_file_tail(log)?
            .and_then(|t| t.last)
            .is_some_and(|l| !l.sealed),
    })
}

/// Moves the log and its rotated files aside, under `<log>.unsealed-<time>` (and
/// `<log>.unsealed-<time>.<n>`), which no later rotation or append touches; returns that name.
/// Runs under the log's lock; a name already taken is never replaced.
fn move_aside(log: &LogFiles) -> io::Result<std::ffi::OsString> {
    let names = log.dir().names()?;
    let time = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let stem = (0..1000)
        .map(|n| {
            let mut stem = log.name().to_owned();
            stem.push(format!(".{UNSEALED}{time}"));
            if n > 0 {
                stem.push(format!("-{n}"));
            }
            stem
        })
        .find(|stem| {
            !names.iter().any(|taken| {
                taken
                    .as_encoded_bytes()
                    .starts_with(stem.as_encoded_bytes())
            })
        })
        .ok_or_else(|| io::Error::other("no free name to move it to"))?;
    for n in log.rotated_numbers()? {
        log.dir()
            .rename(&log.rotated_name(n), &super::files::rotated_name(&stem, n))?;
    }
    log.dir().rename(log.name(), &stem)?;
    Ok(stem)
}

/// The last record of a file.
#[derive(Debug, Clone)]
pub(crate) struct LastRecord {
    pub seq: u64,
    pub hash: String,
    pub prev: String,
    /// It carries a MAC.
    pub sealed: bool,
}

/// What the end of a log holds.
#[derive(Debug, Default)]
pub(crate) struct TailLink {
    /// The last intact record, if any.
    pub last: Option<LastRecord>,
    /// Lines after that record that are not records (torn writes).
    pub skipped: bool,
    /// The file does not end with a newline.
    pub unterminated: bool,
}

/// Finds the last intact record by reading backwards from `len`, a window at a time.
pub(crate) fn last_link(file: &mut File, len: u64) -> io::Result<TailLink> {
    let mut window = TAIL_WINDOW;
    loop {
        let start = len.saturating_sub(window);
        let mut buf = vec![0; usize::try_from(len - start).unwrap_or(usize::MAX)];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf)?;
        let unterminated = buf.last().is_some_and(|&b| b != b'\n');
        let mut skipped = unterminated;
        // Complete lines end at `complete`; walk them from the last one backwards.
        let mut end = buf.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        while end > 0 {
            let newline = end - 1;
            let line_start = match buf[..newline].iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                None if start == 0 => 0,
                // The window cut this line: read a larger window.
                None => break,
            };
            if let Some(link) = read_link(&buf[line_start..newline]) {
                return Ok(TailLink {
                    last: Some(LastRecord {
                        seq: link.seq,
                        hash: link.hash.into_owned(),
                        prev: link.prev.into_owned(),
                        sealed: link.mac.is_some(),
                    }),
                    skipped,
                    unterminated,
                });
            }
            skipped = true;
            end = line_start;
        }
        if start == 0 {
            return Ok(TailLink {
                last: None,
                skipped,
                unterminated,
            });
        }
        window = window.saturating_mul(4);
    }
}

/// The last record of `<log>.1`, for the first record of a fresh log.
fn previous_file_link(log: &LogFiles) -> io::Result<Option<(u64, String, bool)>> {
    let tail = previous_file_tail(log)?;
    Ok(tail.and_then(|tail| {
        let skipped = tail.skipped;
        tail.last.map(|last| (last.seq, last.hash, skipped))
    }))
}

/// The end of `<log>.1`, when there is one.
fn previous_file_tail(log: &LogFiles) -> io::Result<Option<TailLink>> {
    let Some(mut file) = log.read(&log.rotated_name(1))? else {
        return Ok(None);
    };
    let len = file.metadata()?.len();
    last_link(&mut file, len).map(Some)
}
