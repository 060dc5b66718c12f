//! Files and directories only their owner may open: everything hookkit creates under its state
//! and key directories.
//!
//! Denial streaks, the audit key and checkpoints, used approvals, install records and signing
//! keys say what the user's agent did or are secrets; other users of the machine have no
//! business reading them. Every directory hookkit creates there is `0700` and every file
//! `0600` from the moment it exists (set at creation, never by a later `chmod` that would
//! leave a window). A directory that already exists is left as it is: `hookkit status` warns
//! when the state or key directory can be entered by others ([`loose_mode`]), and
//! `hookkit status --fix` tightens it ([`tighten`]).

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The mode of a directory hookkit creates under its state or key directory.
pub const DIR_MODE: u32 = 0o700;
/// The mode of a file hookkit creates there.
pub const FILE_MODE: u32 = 0o600;
/// The permission bits of the group and of others.
const OTHERS: u32 = 0o077;

/// Creates `dir` and its missing parents, each `0700`; those that exist are left as they are.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// Options that create a missing file `0600` (add `read`, `write`, `create`, ... as needed).
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(FILE_MODE);
    options
}

/// Writes a private file: `0600`, its directory created `0700`, the content complete or not
/// there at all (a temporary file renamed into place). Refuses to replace an existing file
/// unless `replace`.
pub fn write(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    }
    if !replace && fs::symlink_metadata(path).is_ok() {
        return Err(Error::Other(format!(
            "`{}` already exists; not replacing it",
            path.display()
        )));
    }
    let temp = temp_beside(path);
    let written = options()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(Error::io("writing", &temp, e));
    }
    let placed = if replace {
        fs::rename(&temp, path)
    } else {
        // A link never replaces what appeared meanwhile.
        fs::hard_link(&temp, path)
    };
    let _ = fs::remove_file(&temp);
    placed.map_err(|e| Error::io("writing", path, e))
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Whether a file can be read by others than its owner (group or world bits set).
pub fn readable_by_others(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & OTHERS != 0)
}

/// The mode of `path` (of what it points at, if it is a link) when the group or others have
/// any access to it; `None` when it is private or missing.
pub fn loose_mode(path: &Path) -> Option<u32> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & OTHERS != 0).then_some(mode)
}

/// Takes the group's and others' access to the directory `dir` away; `Ok(false)` when there
/// was none (or no such directory). A link is refused, never followed: the mode of whatever it
/// points at is not hookkit's to change.
pub fn tighten(dir: &Path) -> io::Result<bool> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` is not a directory (a link?)", dir.display()),
        ));
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & OTHERS == 0 {
        return Ok(false);
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(mode & !OTHERS))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_directories_and_files_are_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("state/streaks");
        create_dir_all(&deep).unwrap();
        assert_eq!(mode(&dir.path().join("state")), 0o700);
        assert_eq!(mode(&deep), 0o700);
        let file = deep.join("f");
        options().write(true).create(true).open(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        let written = dir.path().join("keys/k");
        write(&written, b"x", false).unwrap();
        assert_eq!(
            (mode(&written), mode(&dir.path().join("keys"))),
            (0o600, 0o700)
        );
        assert!(write(&written, b"y", false).is_err(), "not replaced");
        write(&written, b"y", true).unwrap();
        assert_eq!(fs::read(&written).unwrap(), b"y");
    }

    #[test]
    fn a_loose_directory_is_found_and_tightened_but_a_link_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let loose = dir.path().join("loose");
        fs::create_dir(&loose).unwrap();
        fs::set_permissions(&loose, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(loose_mode(&loose), Some(0o755));
        assert!(tighten(&loose).unwrap());
        assert_eq!((mode(&loose), loose_mode(&loose)), (0o700, None));
        assert!(!tighten(&loose).unwrap(), "nothing left to do");
        assert!(!tighten(&dir.path().join("missing")).unwrap());
        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(tighten(&link).is_err());
        assert_eq!(mode(&target), 0o755, "the link's target is left alone");
    }
}
