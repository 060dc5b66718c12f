//! Policy files: finding the layers, reading them, and merging them by the rules of the
//! [`schema`] catalogue.
//!
//! The layers, lowest first:
//!
//! 1. the built-in defaults, embedded in every binary (trusted);
//! 2. the user file `~/.claude/hookkit.toml` (trusted), then its section for this project,
//!    `[project."/abs/path/of/project"]` (trusted: an opt-in for one project lives in the
//!    user's home, never in a file the repository could commit);
//! 3. the project file `<project>/.claude/hookkit.toml` (untrusted: whoever controls the
//!    repository, or the agent, may have written it);
//! 4. in a hook, `HOOKKIT_POLICY` (untrusted: a committed settings `env` block can set it).
//!
//! An explicit file (`--policy FILE`, or `HOOKKIT_POLICY` for a person at a terminal) replaces
//! 2 and 3 and is trusted. Untrusted layers can only tighten: see [`schema`] for how each key
//! merges, and [`Effective`] for the merged result.

mod merge;
pub mod schema;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use merge::{Effective, Ignored, loosens};

use crate::env::{Env, Role};
use crate::{Error, Result};

/// The built-in policy, embedded at compile time.
pub const BUILT_IN: &str = include_str!("../../policy/default.toml");

/// Whether a layer may loosen what the layers below it decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trust {
    /// Written by someone who controls the repository or the session's environment: it can
    /// only tighten.
    Untrusted,
    /// The built-in defaults, the user's own file, or a file a person named.
    Trusted,
}

/// Where a layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    /// The embedded defaults.
    BuiltIn,
    /// `~/.claude/hookkit.toml`.
    User(PathBuf),
    /// The user file's section for this project (`[project."<dir>"]`).
    UserProject(PathBuf),
    /// `<project>/.claude/hookkit.toml`.
    Project(PathBuf),
    /// `--policy FILE`, or `HOOKKIT_POLICY` for a person.
    Explicit(PathBuf),
    /// `HOOKKIT_POLICY` in a hook.
    Environment(PathBuf),
}

impl LayerSource {
    /// The file, or `None` for the built-in layer.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::BuiltIn => None,
            Self::User(p)
            | Self::UserProject(p)
            | Self::Project(p)
            | Self::Explicit(p)
            | Self::Environment(p) => Some(p),
        }
    }

    /// `built-in`, `user`, `user (this project)`, `project`, `explicit` or `environment`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BuiltIn => "built-in",
            Self::User(_) => "user",
            Self::UserProject(_) => "user (this project)",
            Self::Project(_) => "project",
            Self::Explicit(_) => "explicit",
            Self::Environment(_) => "environment",
        }
    }

    /// Whether the layer may loosen.
    pub fn trust(&self) -> Trust {
        match self {
            Self::BuiltIn | Self::User(_) | Self::UserProject(_) | Self::Explicit(_) => {
                Trust::Trusted
            }
            Self::Project(_) | Self::Environment(_) => Trust::Untrusted,
        }
    }

    /// The file for messages: its path, or `<built-in>`.
    pub fn display_path(&self) -> PathBuf {
        self.path()
            .map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf)
    }
}

impl fmt::Display for LayerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BuiltIn => f.write_str("<built-in>"),
            Self::UserProject(p) => write!(f, "{} [project]", p.display()),
            other => write!(f, "{}", other.display_path().display()),
        }
    }
}

/// One policy file, read and parsed.
#[derive(Debug)]
pub struct Layer {
    /// Where it came from.
    pub source: LayerSource,
    /// Its text, kept for line numbers in messages.
    pub text: String,
    /// Its parsed table (for the user file, without its `[project]` sections).
    pub table: toml::Table,
    /// Byte offsets where each line starts, built on the first [`Layer::line_of`].
    line_starts: OnceLock<Vec<usize>>,
    /// Where the last [`Layer::line_of`] match ended: callers look rules up in file order,
    /// so searching on from there keeps a policy of thousands of rules linear.
    cursor: AtomicUsize,
}

impl Clone for Layer {
    fn clone(&self) -> Self {
        Self::from_table(self.source.clone(), self.text.clone(), self.table.clone())
    }
}

impl Layer {
    /// Parses a layer from its text.
    pub fn parse(source: LayerSource, text: String) -> Result<Self> {
        let table = text.parse::<toml::Table>().map_err(|e| Error::Policy {
            path: source.display_path(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        Ok(Self::from_table(source, text, table))
    }

    fn from_table(source: LayerSource, text: String, table: toml::Table) -> Self {
        Self {
            source,
            text,
            table,
            line_starts: OnceLock::new(),
            cursor: AtomicUsize::new(0),
        }
    }

    /// The layer's trust.
    pub fn trust(&self) -> Trust {
        self.source.trust()
    }

    /// The 1-based line of an occurrence of `needle` in the file, for messages that point a
    /// person at a rule: the first one after the previous lookup's match, else the first one
    /// in the file.
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        let from = self.cursor.load(Ordering::Relaxed).min(self.text.len());
        let at = self
            .text
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|offset| from + offset)
            .or_else(|| self.text.find(needle))?;
        self.cursor.store(at + needle.len(), Ordering::Relaxed);
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        Some(starts.partition_point(|&start| start <= at))
    }

    /// Splits the user file's `[project."<dir>"]` sections off its table and returns the one
    /// for `project_dir` as a layer of its own, if there is one.
    fn take_project_section(&mut self, project_dir: &Path, home: Option<&Path>) -> Option<Self> {
        let toml::Value::Table(projects) = self.table.remove(schema::PROJECT_SECTIONS)? else {
            return None;
        };
        let wanted = comparable(project_dir);
        let (_, section) = projects.into_iter().find(|(dir, _)| {
            let dir = match (dir.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => home.join(rest),
                _ => PathBuf::from(dir),
            };
            comparable(&dir) == wanted
        })?;
        let toml::Value::Table(table) = section else {
            return None;
        };
        let path = self
            .source
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Some(Self::from_table(
            LayerSource::UserProject(path),
            self.text.clone(),
            table,
        ))
    }
}

/// A directory as compared with a `[project."<dir>"]` key: resolved through links where it
/// exists, without a trailing slash.
fn comparable(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| {
        let text = dir.to_string_lossy();
        PathBuf::from(text.trim_end_matches('/'))
    })
}

/// Where to look for policy files.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// A trusted file that replaces the user and project files (`--policy`, or
    /// `HOOKKIT_POLICY` for a person).
    pub explicit: Option<PathBuf>,
    /// An untrusted file added on top (`HOOKKIT_POLICY` in a hook).
    pub untrusted: Option<PathBuf>,
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home, if known.
    pub home: Option<PathBuf>,
}

impl Discovery {
    /// Discovery for a project: `flag` is `--policy FILE`; `HOOKKIT_POLICY` counts as a
    /// trusted explicit file for a person and as an untrusted extra layer in a hook.
    pub fn new(env: &Env, role: Role, flag: Option<PathBuf>, project_dir: PathBuf) -> Self {
        let from_env = env.policy_file().map(Path::to_path_buf);
        let (explicit, untrusted) = match (flag, role) {
            (Some(flag), _) => (Some(flag), None),
            (None, Role::Person) => (from_env, None),
            (None, Role::Hook) => (None, from_env),
        };
        Self {
            explicit,
            untrusted,
            project_dir,
            home: env.home.clone(),
        }
    }

    /// The user file, when the home is known.
    pub fn user_file(&self) -> Option<PathBuf> {
        self.home
            .as_ref()
            .map(|h| h.join(".claude").join("hookkit.toml"))
    }

    /// The project file.
    pub fn project_file(&self) -> PathBuf {
        self.project_dir.join(".claude").join("hookkit.toml")
    }

    /// Every file that applies, lowest first, with its source (whether or not it exists).
    pub fn candidates(&self) -> Vec<LayerSource> {
        let mut sources = Vec::new();
        if let Some(path) = &self.explicit {
            sources.push(LayerSource::Explicit(path.clone()));
        } else {
            sources.extend(self.user_file().map(LayerSource::User));
            sources.push(LayerSource::Project(self.project_file()));
        }
        if let Some(path) = &self.untrusted {
            sources.push(LayerSource::Environment(path.clone()));
        }
        sources
    }

    /// Reads every layer that applies, lowest first. A missing user or project file is
    /// skipped; a missing explicit or environment file, or any file that does not parse, is an
    /// error.
    pub fn load(&self) -> Result<Vec<Layer>> {
        let (layers, errors) = self.load_lenient();
        match errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(layers),
        }
    }

    /// Reads every layer that applies, skipping the ones that cannot be read or parsed and
    /// returning their errors, for read-only commands that must work on a broken policy and for
    /// the failure decision of a hook.
    pub fn load_lenient(&self) -> (Vec<Layer>, Vec<Error>) {
        let mut layers = Vec::new();
        let mut errors = Vec::new();
        match Layer::parse(LayerSource::BuiltIn, BUILT_IN.to_owned()) {
            Ok(layer) => layers.push(layer),
            Err(error) => errors.push(error),
        }
        for source in self.candidates() {
            let path = source.display_path();
            let must_exist = matches!(
                source,
                LayerSource::Explicit(_) | LayerSource::Environment(_)
            );
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => continue,
                Err(e) => {
                    errors.push(Error::io("reading policy file", path, e));
                    continue;
                }
            };
            let is_user = matches!(source, LayerSource::User(_));
            match Layer::parse(source, text) {
                Ok(mut layer) => {
                    // Only the user file may hold per-project sections; anywhere else the
                    // section is left for validation to refuse.
                    let project = if is_user {
                        layer.take_project_section(&self.project_dir, self.home.as_deref())
                    } else {
                        None
                    };
                    layers.push(layer);
                    layers.extend(project);
                }
                Err(error) => errors.push(error),
            }
        }
        (layers, errors)
    }
}

#[cfg(test)]
mod tests;
