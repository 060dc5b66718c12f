//! The anchor of a trail outside the project: the audit key and the head checkpoint.
//!
//! A keyed MAC stops a forger who lacks the key, but not someone who deletes records: a log
//! cut at a record boundary, or removed, is still a valid chain of valid MACs. The newest
//! record's `seq:hash` is therefore also kept in
//! `<state_dir>/audit-heads/<SHA-256 of the log's canonical path>`, updated under the log's
//! lock after every append (in place: a rename would cost a flush of the directory), so that
//! `verify` can tell that the log still reaches the record hookkit last wrote, and the next
//! append can tell that the log no longer ends where hookkit left it.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::dir::{Access, SafeDir, overwrite, read_small};
use super::mac::AuditKey;
use super::verify::Head;
use crate::digest::hex_sha256;

/// The checkpoints' directory in the state directory.
pub const HEADS_DIR: &str = "audit-heads";

/// The state directory, opened without following links (its parent is trusted).
pub(crate) fn state_dir(state: &Path, create: bool) -> io::Result<SafeDir> {
    SafeDir::open(state, None, create)
}

/// The checkpoint file of one log.
#[derive(Debug)]
pub(crate) struct Checkpoint {
    dir: Option<SafeDir>,
    name: OsString,
    path: PathBuf,
}

impl Checkpoint {
    /// The checkpoint of the log whose canonical path is `log`, in `state`'s `audit-heads/`
    /// (created when `create`; without it, a missing directory means no checkpoint).
    pub(crate) fn of(state: &SafeDir, log: &Path, create: bool) -> io::Result<Self> {
        let path = checkpoint_path(state.path(), log);
        let file = path.file_name().unwrap_or_default().to_owned();
        let dir = match state.subdir(OsStr::new(HEADS_DIR), create) {
            Ok(dir) => Some(dir),
            Err(e) if !create && e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        Ok(Self {
            dir,
            name: file,
            path,
        })
    }

    /// The file's path, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The head it holds; `None` when there is no checkpoint yet.
    pub(crate) fn read(&self) -> io::Result<Option<Head>> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        match dir.file(&self.name, Access::Read)? {
            Some(file) => self.parse(&read_small(file, &self.path, 256)?),
            None => Ok(None),
        }
    }

    /// Opens the checkpoint to read it now and update it after the append (one open for
    /// both), creating it when missing.
    pub(crate) fn open(&self) -> io::Result<OpenCheckpoint> {
        let dir = self
            .dir
            .as_ref()
            .ok_or_else(|| io::Error::other("the checkpoint directory was not opened"))?;
        let mut file = dir
            .file(&self.name, Access::Update)?
            .ok_or_else(|| io::Error::other("the checkpoint could not be created"))?;
        let mut text = Vec::with_capacity(128);
        (&mut file).take(256).read_to_end(&mut text)?;
        Ok(OpenCheckpoint {
            head: self.parse(&text)?,
            len: text.len() as u64,
            file,
        })
    }

    fn parse(&self, text: &[u8]) -> io::Result<Option<Head>> {
        let text = String::from_utf8_lossy(text);
        if text.trim().is_empty() {
            return Ok(None);
        }
        text.trim().parse().map(Some).map_err(|e: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the checkpoint `{}` is unreadable: {e}",
                    self.path.display()
                ),
            )
        })
    }
}

/// A checkpoint opened for an append: what it held, and the file to update.
#[derive(Debug)]
pub(crate) struct OpenCheckpoint {
    /// The head it held when opened.
    pub(crate) head: Option<Head>,
    len: u64,
    file: File,
}

impl OpenCheckpoint {
    /// Records `head` as the newest record.
    pub(crate) fn write(&mut self, head: &Head) -> io::Result<()> {
        let text = format!("{}:{}\n", head.seq, head.hash);
        overwrite(&mut self.file, self.len, text.as_bytes())?;
        self.len = text.len() as u64;
        Ok(())
    }
}

/// What anchors one log: the key its records are sealed with and its checkpoint.
#[derive(Debug)]
pub(crate) struct Anchor {
    /// The audit key; `None` only when reading and there is none.
    pub(crate) key: Option<AuditKey>,
    /// The head checkpoint.
    pub(crate) checkpoint: Checkpoint,
}

impl Anchor {
    /// The anchor of the log `name` in `log_dir`, for writing: the key and the checkpoint's
    /// directory are created when missing.
    pub(crate) fn for_writing(state: &Path, log_dir: &SafeDir, name: &OsStr) -> io::Result<Self> {
        let state = state_dir(state, true)?;
        let log = log_dir.real_path()?.join(name);
        Ok(Self {
            key: Some(AuditKey::load_or_create(&state)?),
            checkpoint: Checkpoint::of(&state, &log, true)?,
        })
    }

    /// The anchor of the log at `log`, for reading: nothing is created. `None` when the state
    /// directory does not exist.
    pub(crate) fn for_reading(state: &Path, log: &Path) -> io::Result<Option<Self>> {
        let state = match state_dir(state, false) {
            Ok(state) => state,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(Self {
            key: AuditKey::load(&state)?,
            checkpoint: Checkpoint::of(&state, &canonical(log)?, false)?,
        }))
    }
}

/// Where the checkpoint of the log whose canonical path is `log` is kept in the state
/// directory `state`.
pub(crate) fn checkpoint_path(state: &Path, log: &Path) -> PathBuf {
    let name = hex_sha256(log.as_os_str().as_encoded_bytes());
    state.join(HEADS_DIR).join(name)
}

/// The canonical form of `path`, which may not exist: the nearest existing ancestor
/// canonicalised, then the rest as written. Every spelling of a log's path that reaches the
/// same file names the same checkpoint.
pub(crate) fn canonical(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        match std::fs::canonicalize(existing) {
            Ok(mut found) => {
                found.extend(rest.iter().rev());
                return Ok(found);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(e);
                };
                rest.push(name);
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_log_names_one_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).unwrap();
        let plain = canonical(&logs.join("a.jsonl")).unwrap();
        assert_eq!(canonical(&logs.join("../logs/./a.jsonl")).unwrap(), plain);
        // A log that does not exist yet, in a directory that does not either.
        let missing = canonical(&dir.path().join("new/b.jsonl")).unwrap();
        assert!(missing.ends_with("new/b.jsonl"), "{}", missing.display());
    }

    #[test]
    fn a_checkpoint_is_written_in_place_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_dir(&dir.path().join("state"), true).unwrap();
        let log = dir.path().join("log.jsonl");
        let checkpoint = Checkpoint::of(&state, &canonical(&log).unwrap(), true).unwrap();
        assert_eq!(checkpoint.read().unwrap(), None);
        let head = |seq: u64| Head {
            seq,
            hash: format!("{seq:064}"),
        };
        let mut open = checkpoint.open().unwrap();
        assert_eq!(open.head, None);
        open.write(&head(1000)).unwrap();
        open.write(&head(7)).unwrap();
        assert_eq!(checkpoint.read().unwrap(), Some(head(7)));
        assert_eq!(checkpoint.open().unwrap().head, Some(head(7)));
        assert_eq!(
            std::fs::read_to_string(checkpoint.path()).unwrap(),
            format!("7:{}\n", head(7).hash)
        );
    }
}
