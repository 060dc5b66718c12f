//! Policy files: finding the layers, reading them, and reading one section across layers.
//!
//! The layers, lowest first: the built-in defaults embedded in every binary, the user file
//! `~/.claude/hookkit.toml`, the project file `$CLAUDE_PROJECT_DIR/.claude/hookkit.toml`. An
//! explicit file (`--policy FILE` or `HOOKKIT_POLICY`) replaces the user and project files.
//! How layers combine is up to each section's reader: [`section`] lets later layers override
//! earlier keys, while the gate's rule lists are merged so that a deny anywhere wins.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// The built-in policy, embedded at compile time.
pub const BUILT_IN: &str = include_str!("../policy/default.toml");

/// Where a layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    /// The embedded defaults.
    BuiltIn,
    /// `~/.claude/hookkit.toml`.
    User(PathBuf),
    /// `$CLAUDE_PROJECT_DIR/.claude/hookkit.toml`.
    Project(PathBuf),
    /// `--policy FILE` or `HOOKKIT_POLICY`.
    Explicit(PathBuf),
}

impl LayerSource {
    /// The file, or `None` for the built-in layer.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::BuiltIn => None,
            Self::User(p) | Self::Project(p) | Self::Explicit(p) => Some(p),
        }
    }

    /// `built-in`, `user`, `project` or `explicit`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BuiltIn => "built-in",
            Self::User(_) => "user",
            Self::Project(_) => "project",
            Self::Explicit(_) => "explicit",
        }
    }
}

impl fmt::Display for LayerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(path) => write!(f, "{}", path.display()),
            None => f.write_str("<built-in>"),
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
    /// Its parsed table.
    pub table: toml::Table,
    /// Byte offsets where each line starts, built on the first [`Layer::line_of`].
    line_starts: OnceLock<Vec<usize>>,
    /// Where the last [`Layer::line_of`] match ended: callers look rules up in file order,
    /// so searching on from there keeps a policy of thousands of rules linear.
    cursor: AtomicUsize,
}

impl Clone for Layer {
    fn clone(&self) -> Self {
        Self {
            source: self.source.clone(),
            text: self.text.clone(),
            table: self.table.clone(),
            line_starts: self.line_starts.clone(),
            cursor: AtomicUsize::new(0),
        }
    }
}

impl Layer {
    /// Parses a layer from its text.
    pub fn parse(source: LayerSource, text: String) -> Result<Self> {
        let table = text.parse::<toml::Table>().map_err(|e| Error::Policy {
            path: source
                .path()
                .map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        Ok(Self {
            source,
            text,
            table,
            line_starts: OnceLock::new(),
            cursor: AtomicUsize::new(0),
        })
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
}

/// Where to look for policy files.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// An explicit file that replaces the user and project files.
    pub explicit: Option<PathBuf>,
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home, if known.
    pub home: Option<PathBuf>,
}

impl Discovery {
    /// Discovery for a project, with the explicit file taken from `HOOKKIT_POLICY` when
    /// `explicit` is `None`.
    pub fn for_project(explicit: Option<PathBuf>, project_dir: PathBuf) -> Self {
        let explicit = explicit.or_else(|| {
            std::env::var_os(crate::env::POLICY)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        });
        Self {
            explicit,
            project_dir,
            home: crate::env::home_dir(),
        }
    }

    /// Reads every layer that applies, lowest first. A missing user or project file is
    /// skipped; a missing explicit file, or any file that does not parse, is an error.
    pub fn load(&self) -> Result<Vec<Layer>> {
        let mut layers = vec![Layer::parse(LayerSource::BuiltIn, BUILT_IN.to_owned())?];
        if let Some(path) = &self.explicit {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::io("reading policy file", path, e))?;
            layers.push(Layer::parse(LayerSource::Explicit(path.clone()), text)?);
            return Ok(layers);
        }
        let candidates = [
            self.home
                .as_ref()
                .map(|h| LayerSource::User(h.join(".claude").join("hookkit.toml"))),
            Some(LayerSource::Project(
                self.project_dir.join(".claude").join("hookkit.toml"),
            )),
        ];
        for source in candidates.into_iter().flatten() {
            let path = source.path().unwrap_or(Path::new("")).to_path_buf();
            match std::fs::read_to_string(&path) {
                Ok(text) => layers.push(Layer::parse(source, text)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("reading policy file", path, e)),
            }
        }
        Ok(layers)
    }
}

/// Reads one top-level table (`[review]`, `[audit]`, ...) across layers into `T`: keys of a
/// later layer override the same keys of earlier ones; absent sections give `T::default()`.
pub fn section<T: DeserializeOwned + Default>(layers: &[Layer], name: &str) -> Result<T> {
    let mut merged = toml::Table::new();
    let mut last_source = None;
    for layer in layers {
        if let Some(toml::Value::Table(table)) = layer.table.get(name) {
            for (key, value) in table {
                merged.insert(key.clone(), value.clone());
            }
            last_source = Some(&layer.source);
        }
    }
    if merged.is_empty() {
        return Ok(T::default());
    }
    toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| Error::Policy {
            path: last_source
                .and_then(LayerSource::path)
                .map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf),
            message: format!("[{name}]: {}", e.message()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize, PartialEq)]
    struct Gate {
        mode: Option<String>,
        escalate_after: Option<u32>,
    }

    #[test]
    fn built_in_layer_parses() {
        let layers = Discovery::default().load().unwrap();
        assert_eq!(layers[0].source, LayerSource::BuiltIn);
        let gate: Gate = section(&layers, "gate").unwrap();
        assert_eq!(gate.mode.as_deref(), Some("auto"));
    }

    #[test]
    fn project_overrides_user_and_explicit_replaces_both() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let project = dir.path().join("project");
        std::fs::create_dir_all(home.join(".claude")).unwrap();
        std::fs::create_dir_all(project.join(".claude")).unwrap();
        std::fs::write(
            home.join(".claude/hookkit.toml"),
            "[gate]\nmode = \"strict\"\nescalate_after = 5\n",
        )
        .unwrap();
        std::fs::write(
            project.join(".claude/hookkit.toml"),
            "[gate]\nmode = \"guard\"\n",
        )
        .unwrap();
        let discovery = Discovery {
            explicit: None,
            project_dir: project.clone(),
            home: Some(home),
        };
        let layers = discovery.load().unwrap();
        assert_eq!(layers.len(), 3);
        let gate: Gate = section(&layers, "gate").unwrap();
        assert_eq!(
            gate,
            Gate {
                mode: Some("guard".into()),
                escalate_after: Some(5)
            }
        );

        let explicit = dir.path().join("p.toml");
        std::fs::write(&explicit, "[gate]\nescalate_after = 1\n").unwrap();
        let layers = Discovery {
            explicit: Some(explicit),
            ..discovery
        }
        .load()
        .unwrap();
        assert_eq!(layers.len(), 2);
        let gate: Gate = section(&layers, "gate").unwrap();
        assert_eq!(
            gate,
            Gate {
                mode: Some("auto".into()),
                escalate_after: Some(1)
            }
        );
    }

    #[test]
    fn line_of_finds_lines_in_order_and_falls_back_to_the_start() {
        let text = "[permissions]\ndeny = [\n  \"a\",\n  \"b\",\n]\n".to_owned();
        let layer = Layer::parse(LayerSource::BuiltIn, text).unwrap();
        assert_eq!(layer.line_of("\"a\""), Some(3));
        assert_eq!(layer.line_of("\"b\""), Some(4));
        assert_eq!(
            layer.line_of("deny"),
            Some(2),
            "falls back to a search from the start"
        );
        assert_eq!(layer.line_of("[permissions]"), Some(1));
        assert_eq!(layer.line_of("missing"), None);
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let err =
            Layer::parse(LayerSource::Project("x.toml".into()), "[gate\n".into()).unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
    }
}
