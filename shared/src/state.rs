//! Per-session state shared by parallel hook processes: the gate's denial streak.
//!
//! Claude Code runs hooks in parallel, so every update is a read-modify-write of the session's
//! file under an exclusive lock on it (std `File::lock`): no update is lost and nobody reads a
//! half-written value. A state problem never decides anything on its own: callers treat an
//! error as "no escalation", and an unreadable value counts as no streak.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use crate::{Error, Result, owner_only};

/// Consecutive denials per session, kept in files under one directory.
#[derive(Debug, Clone)]
pub struct DenialStreak {
    dir: PathBuf,
}

impl DenialStreak {
    /// The streak kept under `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// Counts one more denial for the session and returns the streak including it.
    pub fn record_denial(&self, session_id: &str) -> Result<u32> {
        let (mut file, path) = self.open_locked(session_id)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| Error::io("reading state file", &path, e))?;
        let next = text.trim().parse::<u32>().unwrap_or(0).saturating_add(1);
        // Rewritten in place under the lock: a rename over the old file would make ext4 flush
        // it (auto_da_alloc), which costs milliseconds on every denial.
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(next.to_string().as_bytes()))
            .and_then(|()| file.set_len(u64::from(next.ilog10() + 1)))
            .map_err(|e| Error::io("writing state file", &path, e))?;
        Ok(next)
    }

    /// Ends the session's streak. Cheap when there is none: one `stat`, no lock.
    pub fn reset(&self, session_id: &str) -> Result<()> {
        let path = self.data_path(session_id);
        match fs::metadata(&path) {
            Ok(meta) if meta.len() > 0 => {}
            _ => return Ok(()),
        }
        let (file, path) = self.open_locked(session_id)?;
        file.set_len(0)
            .map_err(|e| Error::io("resetting state file", path, e))
    }

    /// The current streak, without changing it.
    pub fn current(&self, session_id: &str) -> u32 {
        fs::read_to_string(self.data_path(session_id))
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Opens the session's file and takes its exclusive lock; the lock ends with the handle.
    fn open_locked(&self, session_id: &str) -> Result<(File, PathBuf)> {
        owner_only::create_dir_all(&self.dir)
            .map_err(|e| Error::io("creating state directory", &self.dir, e))?;
        let path = self.data_path(session_id);
        let file = owner_only::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("opening state file", &path, e))?;
        file.lock()
            .map_err(|e| Error::io("locking state file", &path, e))?;
        Ok((file, path))
    }

    fn data_path(&self, session_id: &str) -> PathBuf {
        self.dir.join(format!("{}.denials", file_stem(session_id)))
    }
}

/// A file-name-safe form of a session id (`served:<id>` and the like).
fn file_stem(session_id: &str) -> String {
    let stem: String = session_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(128)
        .collect();
    if stem.is_empty() {
        "unknown-session".to_owned()
    } else {
        format!("session-{stem}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_resets() {
        let dir = tempfile::tempdir().unwrap();
        let streak = DenialStreak::new(dir.path().join("state"));
        assert_eq!(streak.record_denial("s1").unwrap(), 1);
        assert_eq!(streak.record_denial("s1").unwrap(), 2);
        assert_eq!(streak.record_denial("s2").unwrap(), 1);
        streak.reset("s1").unwrap();
        assert_eq!(streak.current("s1"), 0);
        assert_eq!(streak.current("s2"), 1);
        streak.reset("never-seen").unwrap();
    }

    #[test]
    fn parallel_updates_are_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let streak = DenialStreak::new(dir.path().to_path_buf());
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..10 {
                        streak.record_denial("served:abc").unwrap();
                    }
                });
            }
        });
        assert_eq!(streak.current("served:abc"), 80);
    }
}
