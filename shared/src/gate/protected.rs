//! Protected paths: writes to them always ask, and no allow rule overrides that.
//!
//! Built in: any `.git/`, `.claude/`, `.vscode/` or `.idea/` directory, and the shell start-up
//! files in home (`~/.bashrc`, `~/.zshrc`, `~/.profile`, ...). `[gate] protected_paths` adds
//! patterns in the file rules' syntax (`//abs`, `~/x`, `/x` from the project, `x`).

use std::path::{Component, Path, PathBuf};

use crate::Result;
use crate::policy::{Anchors, PathPattern, normalise};
use crate::shell::Command;

/// Directory names protected wherever they appear.
const PROTECTED_DIRS: &[&str] = &[".git", ".claude", ".vscode", ".idea"];

/// Files under home that a shell runs at start-up.
const SHELL_RC_FILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".config/fish/config.fish",
];

/// Whether a write to the protected entry `entry` is refused outright (hookkit's own files,
/// Claude Code's settings, git's internals and shell start-up files: what runs later), rather
/// than left to a person (`.vscode/`, `.idea/`, a policy's `protected_paths`).
pub(crate) fn refused(entry: &str) -> bool {
    entry == ".claude/" || entry == ".git/" || entry.starts_with("~/.")
}

/// Programs whose non-option arguments are files they change.
const WRITERS: &[&str] = &[
    "rm", "mv", "cp", "tee", "touch", "truncate", "ln", "chmod", "chown", "chgrp", "install",
    "mkdir", "rmdir", "unlink", "shred", "rsync",
];

/// The protected-path list of one policy.
#[derive(Debug)]
pub(crate) struct ProtectedPaths {
    extra: Vec<(String, PathPattern)>,
}

impl ProtectedPaths {
    /// The built-in list plus the policy's patterns (`/x` is relative to the project).
    pub(crate) fn new(patterns: &[String], project_dir: &Path) -> Self {
        Self {
            extra: patterns
                .iter()
                .map(|p| (p.clone(), PathPattern::new(p, project_dir)))
                .collect(),
        }
    }

    /// Which protected entry covers `path` (absolute, normalised), if any.
    pub(crate) fn covering(&self, path: &Path, anchors: Anchors<'_>) -> Result<Option<String>> {
        for component in path.components() {
            if let Component::Normal(name) = component
                && let Some(dir) = PROTECTED_DIRS.iter().find(|d| name == **d)
            {
                return Ok(Some(format!("{dir}/")));
            }
        }
        if let Some(home) = anchors.home {
            for file in SHELL_RC_FILES {
                if path == home.join(file) {
                    return Ok(Some(format!("~/{file}")));
                }
            }
        }
        for (text, pattern) in &self.extra {
            if pattern.matches(path, anchors, false)? {
                return Ok(Some(text.clone()));
            }
        }
        Ok(None)
    }

    /// The first protected path a simple command writes to (a redirection target, or a file
    /// argument of a program that changes files), with the entry that covers it.
    pub(crate) fn written_by(
        &self,
        command: &Command,
        anchors: Anchors<'_>,
    ) -> Result<Option<(PathBuf, String)>> {
        for target in write_targets(command) {
            let expanded = match (target.strip_prefix("~/"), anchors.home) {
                (Some(rest), Some(home)) => home.join(rest),
                _ => PathBuf::from(&target),
            };
            let path = normalise(&expanded, anchors.cwd);
            if let Some(entry) = self.covering(&path, anchors)? {
                return Ok(Some((path, entry)));
            }
        }
        Ok(None)
    }
}

/// Redirection targets in the command's text, plus file arguments of known writers.
fn write_targets(command: &Command) -> Vec<String> {
    let mut targets = Vec::new();
    let words: Vec<&str> = command.text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let op_end = word
            .find('>')
            .filter(|&at| word[..at].chars().all(|c| c.is_ascii_digit() || c == '&'));
        if let Some(at) = op_end {
            let rest = word[at..].trim_start_matches(['>', '|']);
            if rest.is_empty() {
                if let Some(next) = words.get(i + 1) {
                    targets.push(unquote(next));
                    i += 1;
                }
            } else if !rest.starts_with('&') {
                targets.push(unquote(rest));
            }
        }
        i += 1;
    }
    if let Some(program) = command.program() {
        let name = program.rsplit('/').next().unwrap_or(program);
        let in_place_sed = name == "sed" && command.effective.iter().any(|a| a.starts_with("-i"));
        if WRITERS.contains(&name) || in_place_sed {
            targets.extend(
                command.effective[1..]
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .cloned(),
            );
        }
    }
    targets
}

fn unquote(word: &str) -> String {
    word.trim_matches(|c| c == '"' || c == '\'').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(line: &str) -> Option<String> {
        let anchors = Anchors {
            cwd: Path::new("/p"),
            home: Some(Path::new("/home/u")),
        };
        let paths = ProtectedPaths::new(&["/deploy/**".to_owned()], Path::new("/p"));
        crate::shell::parse(line)
            .unwrap()
            .iter()
            .find_map(|c| paths.written_by(c, anchors).unwrap())
            .map(|(_, entry)| entry)
    }

    #[test]
    fn finds_protected_writes_in_commands() {
        assert_eq!(
            protected("echo x >> ~/.bashrc").as_deref(),
            Some("~/.bashrc")
        );
        assert_eq!(protected("echo x >.git/config").as_deref(), Some(".git/"));
        assert_eq!(protected("rm -rf .git").as_deref(), Some(".git/"));
        assert_eq!(
            protected("cp a deploy/x.yml").as_deref(),
            Some("/deploy/**")
        );
        assert_eq!(protected("cat .git/config"), None);
        assert_eq!(protected("ls 2>/dev/null"), None);
    }
}
