//! File rules' gitignore-style path patterns, anchored the way Claude Code anchors them.
//!
//! - `//abs/x` is absolute from `/`;
//! - `~/x` is under the home directory;
//! - `/x` is under the policy file's root (the project for a project file, home for the user
//!   file): it is *not* absolute;
//! - `./x` and `x` are under the session cwd; a pattern with no `/` (other than a trailing one)
//!   matches a file or directory of that name at any depth below it, as in `.gitignore`;
//! - a trailing `/` matches directories only; a pattern that matches a directory covers
//!   everything inside it.
//!
//! Only the part after the anchor is a glob, so the anchor directory never needs escaping.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use crate::glob::Pattern;

/// A path component no real file has, standing for "anything inside this directory".
const INSIDE: &str = "\u{1}";

/// Where a path pattern is anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Anchor {
    /// `//...`: the filesystem root.
    Root,
    /// `~/...`: the home directory.
    Home,
    /// `/...`: the policy file's root.
    Settings(PathBuf),
    /// `./...` or a bare pattern: the session cwd.
    Cwd,
}

/// One compiled-on-demand path pattern.
#[derive(Debug)]
pub(crate) struct PathPattern {
    anchor: Anchor,
    /// Leading `../` steps, applied to the anchor directory.
    ups: usize,
    /// The glob after the anchor, without a trailing `/`; empty for "everything below".
    glob: String,
    /// A bare name: matched against every path component.
    basename: bool,
    /// A trailing `/`: directories only.
    dir_only: bool,
    compiled: OnceLock<Result<Pattern, String>>,
}

/// The directories a pattern can be anchored at, for one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Anchors<'a> {
    /// The session cwd.
    pub(crate) cwd: &'a Path,
    /// The user's home, if known.
    pub(crate) home: Option<&'a Path>,
}

impl PathPattern {
    /// Reads a pattern; `settings_root` is what `/x` is relative to.
    pub(crate) fn new(pattern: &str, settings_root: &Path) -> Self {
        let (anchor, rest, bare) = if let Some(rest) = pattern.strip_prefix("//") {
            (Anchor::Root, rest, false)
        } else if pattern == "~" {
            (Anchor::Home, "", false)
        } else if let Some(rest) = pattern.strip_prefix("~/") {
            (Anchor::Home, rest, false)
        } else if let Some(rest) = pattern.strip_prefix('/') {
            (Anchor::Settings(settings_root.to_path_buf()), rest, false)
        } else if let Some(rest) = pattern.strip_prefix("./") {
            (Anchor::Cwd, rest, false)
        } else {
            (Anchor::Cwd, pattern, true)
        };
        let mut rest = rest;
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("../") {
            ups += 1;
            rest = r;
        }
        let dir_only = rest.ends_with('/');
        let glob = rest.trim_end_matches('/').to_owned();
        let basename = bare && ups == 0 && !glob.contains('/') && !glob.is_empty();
        Self {
            anchor,
            ups,
            glob,
            basename,
            dir_only,
            compiled: OnceLock::new(),
        }
    }

    /// Whether `path` (absolute and normalised) is matched, or is inside a matched directory.
    /// With `searched_dir`, `path` is a directory a search reads below, so a pattern that
    /// matches what is inside it (`src/**` for `src`) matches too.
    pub(crate) fn matches(
        &self,
        path: &Path,
        anchors: Anchors<'_>,
        searched_dir: bool,
    ) -> crate::Result<bool> {
        let mut base = match &self.anchor {
            Anchor::Root => PathBuf::from("/"),
            Anchor::Home => match anchors.home {
                Some(home) => home.to_path_buf(),
                None => return Ok(false),
            },
            Anchor::Settings(root) => root.clone(),
            Anchor::Cwd => anchors.cwd.to_path_buf(),
        };
        for _ in 0..self.ups {
            base.pop();
        }
        let Ok(relative) = path.strip_prefix(&base) else {
            return Ok(false);
        };
        if self.glob.is_empty() || self.glob == "**" {
            return Ok(!self.dir_only || relative.components().next().is_some());
        }
        let pattern = self.pattern()?;
        let mut parts: Vec<&str> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect();
        if searched_dir {
            // Stands for any entry below the directory: matches `*` and `**`, no literal name.
            parts.push(INSIDE);
        }
        // Directories only: the last component (the file itself) is not a candidate.
        let candidates = if self.dir_only {
            parts.len().saturating_sub(1)
        } else {
            parts.len()
        };
        if self.basename {
            return Ok(parts[..candidates].iter().any(|part| pattern.matches(part)));
        }
        Ok((1..=candidates).any(|n| pattern.matches(&parts[..n].join("/"))))
    }

    fn pattern(&self) -> crate::Result<&Pattern> {
        self.compiled
            .get_or_init(|| Pattern::new(&self.glob).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| crate::Error::Rule {
                rule: self.glob.clone(),
                message: message.clone(),
            })
    }
}

/// Makes `path` absolute (against `cwd`) and removes `.` and `..` without touching the disk.
pub(crate) fn normalise(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, path: &str) -> bool {
        let anchors = Anchors {
            cwd: Path::new("/work/proj"),
            home: Some(Path::new("/home/me")),
        };
        PathPattern::new(pattern, Path::new("/settings"))
            .matches(&normalise(Path::new(path), anchors.cwd), anchors, false)
            .unwrap()
    }

    #[test]
    fn anchors_like_claude_code() {
        assert!(check("//etc/passwd", "/etc/passwd"));
        assert!(!check("//etc/passwd", "/work/proj/etc/passwd"));
        assert!(check("~/.ssh/**", "/home/me/.ssh/id_rsa"));
        assert!(check("/deploy/**", "/settings/deploy/a.yml"));
        assert!(!check("/deploy/**", "/deploy/a.yml"));
        assert!(check("./.env", "/work/proj/.env"));
        assert!(!check("./.env", "/work/proj/sub/.env"));
        assert!(check(".env", "/work/proj/sub/.env"));
        assert!(check("src/**", "/work/proj/src/a/b.rs"));
        assert!(!check("src/**", "/work/other/src/a.rs"));
        assert!(check("../common/**", "/work/common/x"));
    }

    #[test]
    fn directories_cover_their_contents() {
        assert!(check("./secrets", "/work/proj/secrets/prod.key"));
        assert!(check("secrets/", "/work/proj/a/secrets/prod.key"));
        assert!(!check("secrets/", "/work/proj/a/secrets"));
        assert!(check("*.key", "/work/proj/secrets/prod.key"));
    }

    #[test]
    fn normalises_dots() {
        assert_eq!(
            normalise(Path::new("a/../b/./c"), Path::new("/p")),
            PathBuf::from("/p/b/c")
        );
    }
}
