//! Appending: lock, find the previous hash at the end of the file, write one whole line, and
//! rotate by size.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Record;
use super::chain::{GENESIS, read_link};
use super::line::Prepared;
use crate::{Error, Result};

/// How many times an append starts over because another process rotated the log under it.
const ATTEMPTS: usize = 16;
/// How long an append waits for the lock before giving up: a hook must answer in time even
/// if another process holds the log (the runner's deadline is 2 s).
const LOCK_PATIENCE: Duration = Duration::from_millis(1500);
/// The first window read from the end of the log when looking for the last record.
const TAIL_WINDOW: u64 = 16 * 1024;

/// Appends one record to the log at `path`; see [`super::Trail::append`].
pub(crate) fn append(path: &Path, max_bytes: u64, record: &Record) -> Result<()> {
    let fail = |action: &str, e: io::Error| Error::Audit {
        path: path.to_path_buf(),
        message: format!("{action}: {e}"),
    };
    let prepared = Prepared::new(record);
    create_parent(path).map_err(|e| fail("creating its directory", e))?;
    for _ in 0..ATTEMPTS {
        let mut file = open_for_append(path).map_err(|e| fail("opening", e))?;
        lock_within(&file, LOCK_PATIENCE).map_err(|e| fail("locking", e))?;
        // Another process may have rotated the log between our open and our lock: then our
        // handle points at `<log>.1`, and we start over on the new file.
        if !still_current(&file, path).map_err(|e| fail("checking", e))? {
            continue;
        }
        let len = file.metadata().map_err(|e| fail("reading size", e))?.len();
        if len > 0 && len >= max_bytes {
            rotate(path).map_err(|e| fail("rotating", e))?;
            continue;
        }
        let tail = last_link(&mut file, len).map_err(|e| fail("reading its end", e))?;
        let (seq, prev, skipped) = match tail.last {
            Some((seq, hash)) => (seq + 1, hash, tail.skipped),
            None => match previous_file_link(path).map_err(|e| fail("reading <log>.1", e))? {
                Some((seq, hash, skipped)) => (seq + 1, hash, tail.skipped || skipped),
                None => (1, GENESIS.to_owned(), tail.skipped),
            },
        };
        let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let (line, _) = prepared.seal(&time, seq, &prev, skipped);
        let mut bytes = Vec::with_capacity(line.len() + 1);
        if tail.unterminated {
            // End the torn line first so that it stays a line of its own.
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        if let Err(e) = file.write_all(&bytes) {
            // A partial write (disk full) would leave a torn line: take it back.
            let _ = file.set_len(len);
            return Err(fail("writing", e));
        }
        return Ok(());
    }
    Err(Error::Audit {
        path: path.to_path_buf(),
        message: format!("the log was rotated under this append {ATTEMPTS} times in a row"),
    })
}

/// Takes the exclusive lock, polling with a growing pause, for at most `patience`.
fn lock_within(file: &File, patience: Duration) -> io::Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_micros(50);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if started.elapsed() < patience => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another process held the lock for over {} ms",
                        patience.as_millis()
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

fn create_parent(path: &Path) -> io::Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn open_for_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(unix)]
fn still_current(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(held.dev() == named.dev() && held.ino() == named.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn still_current(_file: &File, _path: &Path) -> io::Result<bool> {
    Ok(true)
}

/// `<log>.<n>`.
pub(crate) fn rotated_path(path: &Path, n: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// The numbers of the rotated files `<log>.<n>` that exist, highest (oldest) first. Gaps are
/// kept as they are, so that `verify` can report a rotated file that went missing.
fn rotated_numbers(path: &Path) -> Vec<usize> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut numbers: Vec<usize> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let file_name = entry.file_name();
            let n = file_name.to_str()?.strip_prefix(&prefix)?;
            // Only plain numbers: `<log>.1`, not `<log>.1.gz` or `<log>.01`.
            (!n.starts_with('0'))
                .then(|| n.parse::<usize>().ok())
                .flatten()
        })
        .collect();
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    numbers
}

/// The log's files, oldest first: `<log>.N`, ..., `<log>.1`, then `<log>` when it exists.
pub fn rotated_files(path: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = rotated_numbers(path)
        .into_iter()
        .map(|n| rotated_path(path, n))
        .collect();
    if path.exists() {
        files.push(path.to_path_buf());
    }
    files
}

/// Shifts every `<log>.n` to `<log>.n+1` (highest first) and renames the log to `<log>.1`.
/// Runs under the current log's lock, so rotations never overlap.
fn rotate(path: &Path) -> io::Result<()> {
    for n in rotated_numbers(path) {
        std::fs::rename(rotated_path(path, n), rotated_path(path, n + 1))?;
    }
    std::fs::rename(path, rotated_path(path, 1))
}

/// What the end of a log holds.
#[derive(Debug, Default)]
pub(crate) struct TailLink {
    /// The `seq` and `hash` of the last intact record, if any.
    pub last: Option<(u64, String)>,
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
                    last: Some((link.seq, link.hash.into_owned())),
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
fn previous_file_link(path: &Path) -> io::Result<Option<(u64, String, bool)>> {
    let mut file = match File::open(rotated_path(path, 1)) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let tail = last_link(&mut file, len)?;
    Ok(tail.last.map(|(seq, hash)| (seq, hash, tail.skipped)))
}
