//! Opening the trail's files without following links.
//!
//! The log lives where the agent can write (`<project>/.claude/logs/`), so a link planted
//! there (`ln -sf ~/.bashrc hookkit-audit.jsonl`) would make every hook append agent-chosen
//! text to a file the shell runs at login. Every file of the trail (the log, its rotated
//! files, the key and the checkpoints) is therefore opened through a [`SafeDir`]:
//!
//! - the directory is reached from a trusted base (the project directory when the file is
//!   under it, else the directory's own parent) one component at a time, each opened with
//!   `O_NOFOLLOW | O_DIRECTORY` and created `0700` when missing, so no component below the base
//!   can be a link, and a link swapped in after the check is not followed either;
//! - files are opened relative to that directory with `O_NOFOLLOW` (and `O_NONBLOCK`, so that a
//!   FIFO cannot hang a hook), and must be a regular file owned by the user running hookkit
//!   with a single link (a hard link to `~/.bashrc` is a regular file owned by the user too);
//! - directories below the base must be owned by that user as well.
//!
//! Anything else is refused with an error naming the path and what is wrong with it.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read only; the file must exist.
    Read,
    /// Read and append, created `0600` when missing.
    Append,
    /// Read and write in place, created `0600` when missing.
    Update,
}

/// A directory of the trail, opened without following links.
#[derive(Debug)]
pub(crate) struct SafeDir {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

/// An error about `path` that says what is wrong with it.
fn refused(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("refusing `{}`: {what}", path.display()),
    )
}

/// The trusted base and the components below it that must be real directories.
fn split_at_base<'a>(dir: &'a Path, root: Option<&'a Path>) -> (PathBuf, Vec<&'a OsStr>) {
    let normal = |rest: &'a Path| -> Option<Vec<&'a OsStr>> {
        rest.components()
            .filter(|c| *c != Component::CurDir)
            .map(|c| match c {
                Component::Normal(name) => Some(name),
                _ => None,
            })
            .collect()
    };
    if let Some(root) = root
        && let Ok(rest) = dir.strip_prefix(root)
        && let Some(names) = normal(rest)
    {
        return (root.to_path_buf(), names);
    }
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            (parent.to_path_buf(), vec![name])
        }
        _ => (dir.to_path_buf(), Vec::new()),
    }
}

impl SafeDir {
    /// The directory's path, as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The path of `name` in this directory.
    pub(crate) fn join(&self, name: impl AsRef<OsStr>) -> PathBuf {
        self.path.join(name.as_ref())
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::{OsStr, OsString};
    use std::fs::File;
    use std::io;
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{FileExt, MetadataExt};
    use std::path::{Path, PathBuf};

    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};

    use super::{Access, SafeDir, refused, split_at_base};
    use crate::owner_only::{DIR_MODE, FILE_MODE};

    /// The user running hookkit (asked once).
    fn uid() -> u32 {
        static UID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        *UID.get_or_init(|| rustix::process::geteuid().as_raw())
    }

    const DIR_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC)
        .union(OFlags::NOCTTY);

    impl SafeDir {
        /// Opens `dir`, reaching it from its trusted base without following links (see the
        /// module docs); with `create`, missing directories are created `0700`.
        pub(crate) fn open(dir: &Path, root: Option<&Path>, create: bool) -> io::Result<Self> {
            let (base, below) = split_at_base(dir, root);
            let open_base = || rustix::fs::openat(CWD, &base, DIR_FLAGS, Mode::empty());
            let mut fd = match open_base() {
                Err(rustix::io::Errno::NOENT) if create => {
                    crate::owner_only::create_dir_all(&base)?;
                    open_base()?
                }
                other => other?,
            };
            let mut path = base;
            for name in below {
                path.push(name);
                fd = open_below(&fd, name, &path, create)?;
            }
            Ok(Self { path, fd })
        }

        /// The directory's canonical path, as the kernel knows the directory opened (on Linux
        /// one look-up; elsewhere the path is resolved again).
        pub(crate) fn real_path(&self) -> io::Result<PathBuf> {
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                if let Ok(path) =
                    std::fs::read_link(format!("/proc/self/fd/{}", self.fd.as_raw_fd()))
                {
                    return Ok(path);
                }
            }
            std::fs::canonicalize(&self.path)
        }

        /// The directory `name` in this one, reached without following a link.
        pub(crate) fn subdir(&self, name: &OsStr, create: bool) -> io::Result<Self> {
            let path = self.join(name);
            let fd = open_below(&self.fd, name, &path, create)?;
            Ok(Self { path, fd })
        }

        /// Opens the file `name` of this directory; see the module docs for what is refused.
        /// `Ok(None)` when it does not exist and `access` does not create it.
        pub(crate) fn file(&self, name: &OsStr, access: Access) -> io::Result<Option<File>> {
            let path = self.join(name);
            // The log's directory is the agent's to write: what is there is looked at before
            // it is opened, so that a FIFO or a device is never opened at all. (Elsewhere the
            // open itself refuses a link, and the check after it anything else.)
            if access == Access::Append
                && let Some(kind) = self.stat(name)?
                && kind != FileType::RegularFile
            {
                return Err(refused(&path, &describe(kind)));
            }
            let mut flags = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
            flags |= match access {
                Access::Read => OFlags::RDONLY,
                Access::Append => OFlags::RDWR | OFlags::APPEND | OFlags::CREATE,
                Access::Update => OFlags::RDWR | OFlags::CREATE,
            };
            let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(FILE_MODE))
            {
                Ok(fd) => fd,
                Err(rustix::io::Errno::NOENT) if access == Access::Read => return Ok(None),
                Err(rustix::io::Errno::LOOP | rustix::io::Errno::MLINK) => {
                    return Err(refused(&path, "it is a symbolic link"));
                }
                Err(e) => return Err(e.into()),
            };
            let file = File::from(fd);
            check_file(&file, &path)?;
            Ok(Some(file))
        }

        /// The type of `name`, without following a link; `None` when it does not exist.
        fn stat(&self, name: &OsStr) -> io::Result<Option<FileType>> {
            match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => Ok(Some(FileType::from_raw_mode(stat.st_mode))),
                Err(rustix::io::Errno::NOENT) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }

        /// Whether `name` is still the file `file` (another process may have renamed it).
        pub(crate) fn holds(&self, name: &OsStr, file: &File) -> io::Result<bool> {
            let held = rustix::fs::fstat(file)?;
            match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(named) => Ok(named.st_dev == held.st_dev && named.st_ino == held.st_ino),
                Err(rustix::io::Errno::NOENT) => Ok(false),
                Err(e) => Err(e.into()),
            }
        }

        /// Renames `from` to `to` in this directory (a link is renamed, never followed).
        pub(crate) fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?)
        }

        /// The names in this directory.
        pub(crate) fn names(&self) -> io::Result<Vec<OsString>> {
            let mut names = Vec::new();
            for entry in rustix::fs::Dir::read_from(&self.fd)? {
                let entry = entry?;
                let name = OsStr::from_bytes(entry.file_name().to_bytes());
                if name != "." && name != ".." {
                    names.push(name.to_owned());
                }
            }
            Ok(names)
        }

        /// Creates `name` holding `bytes` unless it exists, atomically: readers see either no
        /// file or the whole content. `Ok(false)` when another process created it first.
        pub(crate) fn create_once(&self, name: &OsStr, bytes: &[u8]) -> io::Result<bool> {
            let scratch = format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id());
            let _ = rustix::fs::unlinkat(&self.fd, scratch.as_str(), AtFlags::empty());
            let flags =
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(
                &self.fd,
                scratch.as_str(),
                flags,
                Mode::from_raw_mode(FILE_MODE),
            )?;
            let written = File::from(fd).write_all_at(bytes, 0).and_then(|()| {
                match rustix::fs::linkat(
                    &self.fd,
                    scratch.as_str(),
                    &self.fd,
                    name,
                    AtFlags::empty(),
                ) {
                    Ok(()) => Ok(true),
                    Err(rustix::io::Errno::EXIST) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            });
            let _ = rustix::fs::unlinkat(&self.fd, scratch.as_str(), AtFlags::empty());
            written
        }
    }

    /// Opens the directory `name` under `parent` without following a link, creating it when
    /// asked; it must be owned by the user.
    fn open_below(
        parent: &OwnedFd,
        name: &OsStr,
        path: &Path,
        create: bool,
    ) -> io::Result<OwnedFd> {
        let open = || rustix::fs::openat(parent, name, DIR_FLAGS | OFlags::NOFOLLOW, Mode::empty());
        let fd = match open() {
            Err(rustix::io::Errno::NOENT) if create => {
                match rustix::fs::mkdirat(parent, name, Mode::from_raw_mode(DIR_MODE)) {
                    Ok(()) | Err(rustix::io::Errno::EXIST) => open(),
                    Err(e) => Err(e),
                }
            }
            other => other,
        };
        let fd = fd.map_err(|e| match e {
            rustix::io::Errno::LOOP | rustix::io::Errno::MLINK | rustix::io::Errno::NOTDIR => {
                let kind = rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)
                    .map(|s| describe(FileType::from_raw_mode(s.st_mode)));
                refused(
                    path,
                    &kind.unwrap_or_else(|_| "it is not a directory".into()),
                )
            }
            e => e.into(),
        })?;
        let owner = rustix::fs::fstat(&fd)?.st_uid;
        if owner != uid() {
            return Err(refused(path, &not_yours(owner)));
        }
        Ok(fd)
    }

    /// A regular file owned by the user, with one link.
    fn check_file(file: &File, path: &Path) -> io::Result<()> {
        use std::os::unix::fs::FileTypeExt;
        let meta = file.metadata()?;
        let kind = meta.file_type();
        if !kind.is_file() {
            let what = if kind.is_fifo() {
                "it is a FIFO"
            } else if kind.is_dir() {
                "it is a directory"
            } else if kind.is_socket() {
                "it is a socket"
            } else if kind.is_char_device() || kind.is_block_device() {
                "it is a device"
            } else {
                "it is not a regular file"
            };
            return Err(refused(path, what));
        }
        if meta.uid() != uid() {
            return Err(refused(path, &not_yours(meta.uid())));
        }
        if meta.nlink() > 1 {
            return Err(refused(
                path,
                &format!(
                    "it has {} hard links (it may be another file, such as a shell start-up file)",
                    meta.nlink()
                ),
            ));
        }
        Ok(())
    }

    fn not_yours(owner: u32) -> String {
        format!("it is owned by uid {owner}, not by you (uid {})", uid())
    }

    fn describe(kind: FileType) -> String {
        match kind {
            FileType::Symlink => "it is a symbolic link".into(),
            FileType::Directory => "it is a directory".into(),
            FileType::Fifo => "it is a FIFO".into(),
            FileType::Socket => "it is a socket".into(),
            FileType::CharacterDevice | FileType::BlockDevice => "it is a device".into(),
            _ => "it is not a regular file".into(),
        }
    }
}

#[cfg(not(unix))]
mod imp {
    //! Without `openat`, links are looked for before each open: a race remains.

    use std::ffi::{OsStr, OsString};
    use std::fs::{File, OpenOptions};
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};

    use super::{Access, SafeDir, refused, split_at_base};

    impl SafeDir {
        pub(crate) fn open(dir: &Path, root: Option<&Path>, create: bool) -> io::Result<Self> {
            let (base, below) = split_at_base(dir, root);
            let mut path = base;
            if create {
                std::fs::create_dir_all(&path)?;
            }
            for name in below {
                path.push(name);
                if create && std::fs::symlink_metadata(&path).is_err() {
                    std::fs::create_dir(&path)?;
                }
                let meta = std::fs::symlink_metadata(&path)?;
                if !meta.is_dir() {
                    return Err(refused(&path, "it is not a directory"));
                }
            }
            Ok(Self { path })
        }

        pub(crate) fn subdir(&self, name: &OsStr, create: bool) -> io::Result<Self> {
            Self::open(&self.join(name), Some(&self.path), create)
        }

        pub(crate) fn real_path(&self) -> io::Result<PathBuf> {
            std::fs::canonicalize(&self.path)
        }

        pub(crate) fn file(&self, name: &OsStr, access: Access) -> io::Result<Option<File>> {
            let path = self.join(name);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if !meta.is_file() => {
                    return Err(refused(&path, "it is not a regular file"));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound && access == Access::Read => {
                    return Ok(None);
                }
                _ => {}
            }
            let mut options = OpenOptions::new();
            match access {
                Access::Read => options.read(true),
                Access::Append => options.read(true).append(true).create(true),
                Access::Update => options.read(true).write(true).create(true),
            };
            options.open(&path).map(Some)
        }

        pub(crate) fn holds(&self, name: &OsStr, _file: &File) -> io::Result<bool> {
            Ok(self.join(name).exists())
        }

        pub(crate) fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            std::fs::rename(self.join(from), self.join(to))
        }

        pub(crate) fn names(&self) -> io::Result<Vec<OsString>> {
            std::fs::read_dir(&self.path)?
                .map(|entry| entry.map(|e| e.file_name()))
                .collect()
        }

        pub(crate) fn create_once(&self, name: &OsStr, bytes: &[u8]) -> io::Result<bool> {
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.join(name))
            {
                Ok(mut file) => file.write_all(bytes).map(|()| true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                Err(e) => Err(e),
            }
        }
    }
}

/// Reads a small file whole, refusing one larger than `limit` bytes.
pub(crate) fn read_small(mut file: File, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(limit + 1).unwrap_or(usize::MAX));
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(refused(path, &format!("it is larger than {limit} bytes")));
    }
    Ok(bytes)
}

/// Replaces the content of `file` (`old_len` bytes) with `bytes`, in place: no rename, which
/// some file systems flush to disk at a cost of milliseconds.
pub(crate) fn overwrite(file: &mut File, old_len: u64, bytes: &[u8]) -> io::Result<()> {
    #[cfg(unix)]
    std::os::unix::fs::FileExt::write_all_at(file, bytes, 0)?;
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom, Write};
        file.seek(SeekFrom::Start(0))?;
        file.write_all(bytes)?;
    }
    if old_len > bytes.len() as u64 {
        file.set_len(bytes.len() as u64)?;
    }
    Ok(())
}
