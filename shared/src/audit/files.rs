//! The log's files: the current log and its rotated files `<log>.1`, `<log>.2`, ..., all in
//! one directory opened without following links (see [`super::dir`]).

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::Trail;
use super::dir::{Access, SafeDir};
use crate::{Error, Result};

/// Why a log cannot be read: a wrong `--log` should not read as "nothing happened".
const NO_LOG: &str = "no such log (nothing recorded yet, or a wrong --log)";

/// The directory of a log, opened safely, and the log's name in it.
#[derive(Debug)]
pub(crate) struct LogFiles {
    dir: SafeDir,
    name: OsString,
    path: PathBuf,
}

impl LogFiles {
    /// Opens the log's directory; with `create`, it and its missing parents below the trail's
    /// root are created `0700`.
    pub(crate) fn open(trail: &Trail, create: bool) -> Result<Self> {
        let fail = |message: String| Error::Audit {
            path: trail.path.clone(),
            message,
        };
        let name = trail
            .path
            .file_name()
            .ok_or_else(|| fail("not a file name".into()))?;
        let parent = trail
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = SafeDir::open(parent, trail.root.as_deref(), create).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                fail(NO_LOG.into())
            } else {
                fail(format!("opening its directory: {e}"))
            }
        })?;
        Ok(Self {
            dir,
            name: name.to_owned(),
            path: trail.path.clone(),
        })
    }

    /// The directory.
    pub(crate) fn dir(&self) -> &SafeDir {
        &self.dir
    }

    /// The current log's name.
    pub(crate) fn name(&self) -> &OsStr {
        &self.name
    }

    /// The current log's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// `<log>.<n>`.
    pub(crate) fn rotated_name(&self, n: usize) -> OsString {
        rotated_name(&self.name, n)
    }

    /// The path of a file of the log.
    pub(crate) fn path_of(&self, name: &OsStr) -> PathBuf {
        self.dir.join(name)
    }

    /// The numbers of the rotated files that exist, highest (oldest) first.
    pub(crate) fn rotated_numbers(&self) -> io::Result<Vec<usize>> {
        Ok(rotated_numbers(self.dir.names()?, &self.name))
    }

    /// The log's files that exist, oldest first: `<log>.N`, ..., `<log>.1`, then `<log>`.
    pub(crate) fn files(&self) -> io::Result<Vec<OsString>> {
        let names = self.dir.names()?;
        let current = names.contains(&self.name);
        let mut files: Vec<OsString> = rotated_numbers(names, &self.name)
            .into_iter()
            .map(|n| self.rotated_name(n))
            .collect();
        if current {
            files.push(self.name.clone());
        }
        Ok(files)
    }

    /// The log's files, oldest first, as an error when there is none.
    pub(crate) fn existing(&self) -> Result<Vec<OsString>> {
        let files = self
            .files()
            .map_err(|e| Error::io("listing audit log", self.dir.path(), e))?;
        if files.is_empty() {
            return Err(Error::Audit {
                path: self.path.clone(),
                message: NO_LOG.into(),
            });
        }
        Ok(files)
    }

    /// Opens a file of the log for reading; `None` when it does not exist.
    pub(crate) fn read(&self, name: &OsStr) -> io::Result<Option<File>> {
        self.dir.file(name, Access::Read)
    }

    /// Opens a file of the log for reading, as an error naming it when it is missing or
    /// refused.
    pub(crate) fn read_existing(&self, name: &OsStr) -> Result<File> {
        let path = self.path_of(name);
        match self.read(name) {
            Ok(Some(file)) => Ok(file),
            Ok(None) => Err(Error::io(
                "reading audit log",
                &path,
                io::ErrorKind::NotFound.into(),
            )),
            Err(e) => Err(Error::io("reading audit log", &path, e)),
        }
    }
}

/// What follows `<log>.` in the name of a log moved aside because it predates sealing:
/// `<log>.unsealed-<time>`.
pub(crate) const UNSEALED: &str = "unsealed-";

/// `<name>.<n>`.
pub(crate) fn rotated_name(name: &OsStr, n: usize) -> OsString {
    let mut rotated = name.to_owned();
    rotated.push(format!(".{n}"));
    rotated
}

/// The numbers `n` of the names `<name>.<n>`, highest first. Gaps are kept as they are, so
/// that `verify` can report a rotated file that went missing.
fn rotated_numbers(names: impl IntoIterator<Item = OsString>, name: &OsStr) -> Vec<usize> {
    let prefix = format!("{}.", name.to_string_lossy());
    let mut numbers: Vec<usize> = names
        .into_iter()
        .filter_map(|file_name| {
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

/// The names in the directory of the log at `path`, and the log's own name.
fn beside(path: &Path) -> Option<(Vec<OsString>, &OsStr)> {
    let (dir, name) = (path.parent()?, path.file_name()?);
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let names = std::fs::read_dir(dir).map_or_else(
        |_| Vec::new(),
        |entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.file_name()))
                .collect()
        },
    );
    Some((names, name))
}

/// The logs that were moved aside from `path` because they predate sealing
/// (`<log>.unsealed-<time>`, without their rotated files), oldest first. Only lists them.
pub fn unsealed_logs(path: &Path) -> Vec<PathBuf> {
    let Some((names, name)) = beside(path) else {
        return Vec::new();
    };
    let prefix = format!("{}.{UNSEALED}", name.to_string_lossy());
    let mut found: Vec<PathBuf> = names
        .into_iter()
        .filter_map(|n| n.into_string().ok())
        .filter(|n| {
            n.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('.'))
        })
        .map(|n| path.with_file_name(n))
        .collect();
    found.sort();
    found
}

/// The paths of a log's files that exist, oldest first: `<log>.N`, ..., `<log>.1`, then
/// `<log>`. Only lists them; reading goes through the trail, which refuses links.
pub fn rotated_files(path: &Path) -> Vec<PathBuf> {
    let Some((names, name)) = beside(path) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rotated_numbers(names, name)
        .into_iter()
        .map(|n| PathBuf::from(rotated_name(path.as_os_str(), n)))
        .collect();
    if std::fs::symlink_metadata(path).is_ok() {
        files.push(path.to_path_buf());
    }
    files
}
