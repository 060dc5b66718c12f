//! Installing hookkit: copying the binaries, merging the wiring into the right settings file,
//! keeping the project's new files out of git, and recording what was installed so that
//! `hookkit status --fix` can repair it the same way.
//!
//! The record lives in hookkit's state directory (`~/.local/state/hookkit/installs/`), outside
//! the project: a repository can ship files under `.claude/`, record included, but not there.
//! It names each binary by its file's identity (inode, size, modification time), so `status`
//! runs only the programs an install put in place, never one a checkout brought.
//!
//! Nothing here needs a Rust toolchain: the binaries come from a directory (a release archive's
//! `bin/`, or a build's output), and the merge is [`super::Plan`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{BINARIES, BinaryLocation, Change, LOGGER, Plan, REVIEW, ignore};
use crate::{Error, Result};

/// The directory of install records under hookkit's state directory.
pub const RECORDS: &str = "installs";

/// How long a binary may take to print its version before it counts as not runnable.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an install goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Target {
    /// A project. `shared: false` (the default) wires `.claude/settings.local.json`, which is
    /// never committed, and lists the installed files in git's `info/exclude`; `shared: true`
    /// wires the committed `.claude/settings.json` and writes `.claude/.gitignore`.
    Project {
        /// The project root.
        dir: PathBuf,
        /// Wire the committed settings file.
        shared: bool,
    },
    /// Every project of the user: `~/.claude/settings.json`, with absolute paths.
    User {
        /// The home directory.
        home: PathBuf,
    },
}

impl Target {
    /// The `.claude` directory that holds the settings and the binaries.
    pub fn claude_dir(&self) -> PathBuf {
        match self {
            Self::Project { dir, .. } => dir.join(".claude"),
            Self::User { home } => home.join(".claude"),
        }
    }

    /// Where the binaries are copied.
    pub fn hooks_dir(&self) -> PathBuf {
        self.claude_dir().join("hooks")
    }

    /// The settings file the wiring goes into.
    pub fn settings_file(&self) -> PathBuf {
        let name = match self {
            Self::Project { shared: false, .. } => "settings.local.json",
            Self::Project { shared: true, .. } | Self::User { .. } => "settings.json",
        };
        self.claude_dir().join(name)
    }

    /// How the wired commands name the binaries.
    pub fn location(&self) -> BinaryLocation {
        match self {
            Self::Project { .. } => BinaryLocation::Project,
            Self::User { .. } => BinaryLocation::Absolute(self.hooks_dir().display().to_string()),
        }
    }

    /// The other settings file of a project install, which an earlier install (or the other
    /// scope) may have wired too.
    pub fn other_settings_file(&self) -> Option<PathBuf> {
        match self {
            Self::Project { dir, shared } => Some(Self::Project {
                dir: dir.clone(),
                shared: !shared,
            })
            .map(|t| t.settings_file()),
            Self::User { .. } => None,
        }
    }
}

/// One install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Install {
    /// Where it goes.
    pub target: Target,
    /// The directory the binaries are copied from.
    pub source: PathBuf,
    /// Also wire `defer-for-review` (headless review).
    pub with_review: bool,
    /// Also wire `permission-denied-logger`.
    pub with_logger: bool,
}

/// What an install did.
#[derive(Debug, Clone)]
pub struct Installed {
    /// Each installed binary and the version line it printed.
    pub versions: Vec<(String, String)>,
    /// The settings file and what happened to it.
    pub settings: (PathBuf, Change),
    /// Where the installed files were listed for git (`info/exclude` or `.claude/.gitignore`),
    /// if anywhere.
    pub ignored_in: Option<PathBuf>,
    /// Another settings file of the project that wires hookkit too (each call then runs the
    /// gate twice).
    pub also_wired: Option<PathBuf>,
}

impl Install {
    /// The wiring plan.
    pub fn plan(&self) -> Plan {
        Plan {
            location: self.target.location(),
            with_review: self.with_review,
            with_logger: self.with_logger,
        }
    }

    /// The binaries this install needs: the wired ones, the linter and `hookkit` itself.
    pub fn binaries(&self) -> Vec<&'static str> {
        BINARIES
            .into_iter()
            .filter(|b| (*b != REVIEW || self.with_review) && (*b != LOGGER || self.with_logger))
            .collect()
    }

    /// Copies the binaries, checks that each runs here, merges the wiring, keeps the new files
    /// out of git and records the install. Nothing is wired unless every binary is in place
    /// and runs.
    pub fn run(&self, state_dir: &Path) -> Result<Installed> {
        let hooks_dir = self.target.hooks_dir();
        let binaries = self.binaries();
        copy_binaries(&self.source, &hooks_dir, &binaries)?;
        let mut versions = Vec::new();
        for binary in &binaries {
            versions.push(((*binary).to_owned(), version_of(&hooks_dir.join(binary))?));
        }
        let settings = self.target.settings_file();
        let change = super::install_file(&settings, &self.plan())?;
        let ignored_in = match &self.target {
            Target::Project { dir, shared: false } => ignore::exclude_locally(dir)?,
            Target::Project { dir, shared: true } => Some(ignore::ignore_shared(dir)?),
            Target::User { .. } => None,
        };
        self.record(state_dir)?;
        let also_wired = self
            .target
            .other_settings_file()
            .filter(|other| wires_hookkit(other));
        Ok(Installed {
            versions,
            settings: (settings, change),
            ignored_in,
            also_wired,
        })
    }

    /// Writes the record of this install into `state_dir`.
    fn record(&self, state_dir: &Path) -> Result<()> {
        let hooks_dir = self.target.hooks_dir();
        let binaries = self
            .binaries()
            .into_iter()
            .filter_map(|b| Some((b.to_owned(), Fingerprint::of(&hooks_dir.join(b))?)))
            .collect();
        let record = Record {
            install: self.clone(),
            binaries,
        };
        let mut text = serde_json::to_string_pretty(&record)
            .map_err(|e| Error::Other(format!("serialising the install record: {e}")))?;
        text.push('\n');
        // Owner-only like everything in the state directory: it lists where hookkit runs.
        crate::owner_only::write(&record_path(state_dir, &self.target), text.as_bytes(), true)
    }
}

/// What an install left, as recorded in hookkit's state directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The install, as it was run.
    pub install: Install,
    /// Each installed binary's file, as the install left it.
    pub binaries: BTreeMap<String, Fingerprint>,
}

impl Record {
    /// The record of the install into `target`, if there is a readable one.
    pub fn read(state_dir: &Path, target: &Target) -> Option<Self> {
        let text = std::fs::read_to_string(record_path(state_dir, target)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Whether `path` is the file this install put there for `binary`, untouched since.
    pub fn installed(&self, binary: &str, path: &Path) -> bool {
        self.binaries
            .get(binary)
            .is_some_and(|f| Fingerprint::of(path).as_ref() == Some(f))
    }
}

/// A file's identity: a copy, a checkout or an edit gives another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    inode: u64,
    size: u64,
    modified: i64,
    modified_ns: i64,
}

impl Fingerprint {
    /// The identity of the file at `path` (through links), if it exists.
    pub fn of(path: &Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            inode: meta.ino(),
            size: meta.size(),
            modified: meta.mtime(),
            modified_ns: meta.mtime_nsec(),
        })
    }
}

/// Where the record of an install into `target` lives.
fn record_path(state_dir: &Path, target: &Target) -> PathBuf {
    let key = crate::digest::hex_sha256(target.claude_dir().display().to_string().as_bytes());
    state_dir
        .join(RECORDS)
        .join(format!("{}.json", key.get(..16).unwrap_or(&key)))
}

/// Whether the settings file at `path` wires one of our binaries.
pub fn wires_hookkit(path: &Path) -> bool {
    let Ok(Some(settings)) = super::read_settings(path) else {
        return false;
    };
    settings != super::uninstall(&settings)
}

/// What an uninstall did.
#[derive(Debug, Clone)]
pub struct Removed {
    /// Each settings file looked at and what happened to it.
    pub settings: Vec<(PathBuf, Change)>,
    /// The binaries removed.
    pub binaries: Vec<PathBuf>,
}

/// Takes hookkit out of `target`: the wiring from every settings file of the project (or the
/// user's), the binaries, the lines that kept them out of git, and the install record in
/// `state_dir`. Files it did not write are left as they are.
pub fn uninstall(target: &Target, state_dir: &Path) -> Result<Removed> {
    let mut files = vec![target.settings_file()];
    files.extend(target.other_settings_file());
    let mut settings = Vec::new();
    for file in files {
        let change = super::uninstall_file(&file)?;
        settings.push((file, change));
    }
    let hooks_dir = target.hooks_dir();
    let mut binaries = Vec::new();
    for name in BINARIES {
        let path = hooks_dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => binaries.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("removing", &path, e)),
        }
    }
    // Only when nothing else is left in it.
    let _ = std::fs::remove_dir(&hooks_dir);
    if let Target::Project { dir, .. } = target {
        ignore::remove(dir)?;
    }
    let record = record_path(state_dir, target);
    match std::fs::remove_file(&record) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("removing", &record, e)),
    }
    Ok(Removed { settings, binaries })
}

/// Copies `names` from `source` into `dest` (created if needed). Every source is checked
/// first, so a missing one copies nothing. Each copy is written beside its target and renamed
/// over it, so a hook running right now keeps its old file.
pub fn copy_binaries(source: &Path, dest: &Path, names: &[&str]) -> Result<()> {
    for name in names {
        let from = source.join(name);
        if !is_executable(&from) {
            return Err(Error::Other(format!(
                "{} is missing or not executable: build first (scripts/build-release.sh), or \
                 pass --bin-dir with the directory of hookkit's binaries",
                from.display()
            )));
        }
    }
    std::fs::create_dir_all(dest).map_err(|e| Error::io("creating", dest, e))?;
    for name in names {
        let from = source.join(name);
        let to = dest.join(name);
        if same_file(&from, &to) {
            continue;
        }
        let temporary = dest.join(format!(".{name}.hookkit-tmp"));
        std::fs::copy(&from, &temporary).map_err(|e| Error::io("copying", &from, e))?;
        set_executable(&temporary)?;
        std::fs::rename(&temporary, &to).map_err(|e| Error::io("installing", &to, e))?;
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether `path` is a regular file (through links) with an execute bit.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("making executable", path, e))
}

/// The first line `binary --version` prints, which also proves that it runs on this machine
/// (a binary for another platform, a truncated download or a missing library fails here).
pub fn version_of(binary: &Path) -> Result<String> {
    let not_runnable = |why: String| {
        Error::Other(format!(
            "{} does not run on this machine: {why}",
            binary.display()
        ))
    };
    let mut child = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| not_runnable(e.to_string()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < VERSION_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(not_runnable(format!(
                    "`--version` did not answer within {} s",
                    VERSION_TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(not_runnable(e.to_string())),
        }
    };
    let output = child
        .wait_with_output()
        .map_err(|e| not_runnable(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().next().unwrap_or("").trim().to_owned();
    if !status.success() || line.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(not_runnable(format!(
            "`--version` exited with {status}: {}",
            stderr.lines().next().unwrap_or("no output").trim()
        )));
    }
    Ok(line)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that a crash never
/// leaves half a file; the parent directory is created if needed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".hookkit-tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).map_err(|e| Error::io("writing", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| Error::io("replacing", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiring::GATE;

    fn fake_binaries(dir: &Path) {
        for name in BINARIES {
            let path = dir.join(name);
            std::fs::write(
                &path,
                format!("#!/bin/sh\necho '{name} 9.9.9 (commit test)'\n"),
            )
            .unwrap();
            set_executable(&path).unwrap();
        }
    }

    #[test]
    fn a_local_install_wires_the_uncommitted_file_and_excludes_it_from_git() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("bin");
        let project = dir.path().join("project");
        std::fs::create_dir_all(&source).unwrap();
        std::fs::create_dir_all(project.join(".git/info")).unwrap();
        fake_binaries(&source);
        let install = Install {
            target: Target::Project {
                dir: project.clone(),
                shared: false,
            },
            source,
            with_review: false,
            with_logger: true,
        };
        let state = dir.path().join("state");
        let done = install.run(&state).unwrap();
        assert_eq!(done.settings.0, project.join(".claude/settings.local.json"));
        assert!(!project.join(".claude/settings.json").exists());
        assert!(!project.join(".claude/hooks/defer-for-review").exists());
        assert_eq!(done.versions[0].1, "pretooluse-gate 9.9.9 (commit test)");
        let exclude = std::fs::read_to_string(project.join(".git/info/exclude")).unwrap();
        assert!(exclude.contains("/.claude/hooks/\n"), "{exclude}");
        assert!(
            exclude.contains("/.claude/settings.local.json\n"),
            "{exclude}"
        );
        let record = Record::read(&state, &install.target).expect("a record");
        assert_eq!(record.install, install);
        let gate = project.join(".claude/hooks/pretooluse-gate");
        assert!(record.installed(GATE, &gate));
        // A file put there otherwise (a checkout, an edit) is not the one installed.
        std::fs::remove_file(&gate).unwrap();
        std::fs::copy(install.source.join(GATE), &gate).unwrap();
        assert!(!record.installed(GATE, &gate));

        let removed = uninstall(&install.target, &state).unwrap();
        assert!(!project.join(".claude/hooks").exists(), "{removed:?}");
        assert!(!project.join(".claude/settings.local.json").exists());
        let exclude = std::fs::read_to_string(project.join(".git/info/exclude")).unwrap();
        assert!(!exclude.contains("hookkit"), "{exclude}");
        assert!(Record::read(&state, &install.target).is_none());
    }

    #[test]
    fn nothing_is_copied_when_a_binary_is_missing_and_a_broken_one_is_not_wired() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("bin");
        std::fs::create_dir_all(&source).unwrap();
        fake_binaries(&source);
        std::fs::remove_file(source.join(LOGGER)).unwrap();
        let dest = dir.path().join("dest");
        let error = copy_binaries(&source, &dest, &BINARIES).unwrap_err();
        assert!(error.to_string().contains(LOGGER), "{error}");
        assert!(!dest.exists());

        fake_binaries(&source);
        std::fs::write(source.join(GATE), "#!/bin/sh\nexit 3\n").unwrap();
        let install = Install {
            target: Target::User {
                home: dir.path().join("home"),
            },
            source,
            with_review: true,
            with_logger: true,
        };
        let error = install
            .run(&dir.path().join("state"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not run on this machine"), "{error}");
        assert!(!dir.path().join("home/.claude/settings.json").exists());
    }
}
