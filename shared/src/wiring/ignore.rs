//! Keeping what an install puts in a project out of git.
//!
//! - An install for this checkout only (the default) lists its files in the repository's own
//!   `info/exclude`, which git reads but never commits: `git status` shows nothing new.
//! - A shared install (`--shared`) commits `.claude/settings.json`, so it also writes
//!   `.claude/.gitignore`, committed with it: every checkout then ignores the binaries and what
//!   the hooks write (`hooks/`, `logs/`, `hookkit-state/`, `reviews/`).
//!
//! Either way the lines sit in a marked block that a second install rewrites and an uninstall
//! takes out, leaving the rest of the file as it was.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// What the hooks and the installer put under `.claude/`, relative to it.
pub const GENERATED: [&str; 5] = [
    "hooks/",
    "logs/",
    "hookkit-state/",
    "reviews/",
    "*.hookkit-backup",
];

const BEGIN: &str = "# >>> hookkit: installed binaries and what the hooks write";
const END: &str = "# <<< hookkit";

/// The repository around `dir`: its work tree root and the `info/exclude` file git reads for
/// it (in the common directory, for a linked worktree). `None` outside a repository.
pub fn git_exclude(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    for root in dir.ancestors() {
        let dot_git = root.join(".git");
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else if dot_git.is_file() {
            // A linked worktree or a submodule: `gitdir: <path>`.
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            root.join(target)
        } else {
            continue;
        };
        let common = std::fs::read_to_string(git_dir.join("commondir"))
            .map_or_else(|_| git_dir.clone(), |c| git_dir.join(c.trim()));
        return Some((root.to_path_buf(), common.join("info").join("exclude")));
    }
    None
}

/// Lists the installed files of `project` (settings for this checkout, binaries, hook output)
/// in the repository's `info/exclude`. `Ok(None)` outside a git repository, where there is
/// nothing to keep out.
pub fn exclude_locally(project: &Path) -> Result<Option<PathBuf>> {
    let Some((root, exclude)) = git_exclude(project) else {
        return Ok(None);
    };
    let rel = project
        .strip_prefix(&root)
        .map(|rel| escape(&rel.to_string_lossy()))
        .unwrap_or_default();
    let prefix = if rel.is_empty() {
        "/.claude/".to_owned()
    } else {
        format!("/{rel}/.claude/")
    };
    let mut lines = vec![format!("{prefix}settings.local.json")];
    lines.extend(GENERATED.iter().map(|p| format!("{prefix}{p}")));
    write_block(&exclude, &lines)?;
    Ok(Some(exclude))
}

/// Writes `.claude/.gitignore` for a shared install; returns its path.
pub fn ignore_shared(project: &Path) -> Result<PathBuf> {
    let path = project.join(".claude").join(".gitignore");
    let lines: Vec<String> = GENERATED.iter().map(|p| format!("/{p}")).collect();
    write_block(&path, &lines)?;
    Ok(path)
}

/// Takes hookkit's block out of `.claude/.gitignore` (removing the file when nothing else is
/// left) and out of the repository's `info/exclude`.
pub fn remove(project: &Path) -> Result<()> {
    let gitignore = project.join(".claude").join(".gitignore");
    if remove_block(&gitignore)? && read(&gitignore)?.is_some_and(|t| t.trim().is_empty()) {
        std::fs::remove_file(&gitignore).map_err(|e| Error::io("removing", &gitignore, e))?;
    }
    if let Some((_, exclude)) = git_exclude(project) {
        remove_block(&exclude)?;
    }
    Ok(())
}

/// `text` with the characters gitignore patterns give a meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | '\\' | '!' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn read(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("reading", path, e)),
    }
}

/// `text` without hookkit's block, and whether it had one.
fn without_block(text: &str) -> (String, bool) {
    let mut kept = String::with_capacity(text.len());
    let mut inside = false;
    let mut found = false;
    for line in text.split_inclusive('\n') {
        match line.trim_end() {
            BEGIN => {
                inside = true;
                found = true;
            }
            END if inside => inside = false,
            _ if inside => {}
            _ => kept.push_str(line),
        }
    }
    (kept, found)
}

/// Replaces (or appends) hookkit's block in `path` with `lines`.
fn write_block(path: &Path, lines: &[String]) -> Result<()> {
    let (mut text, _) = without_block(&read(path)?.unwrap_or_default());
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(BEGIN);
    text.push('\n');
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(END);
    text.push('\n');
    super::setup::write_atomically(path, text.as_bytes())
}

/// Takes hookkit's block out of `path`; whether there was one.
fn remove_block(path: &Path) -> Result<bool> {
    let Some(text) = read(path)? else {
        return Ok(false);
    };
    let (kept, found) = without_block(&text);
    if found {
        super::setup::write_atomically(path, kept.as_bytes())?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_rewritten_in_place_and_removed_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exclude");
        std::fs::write(&path, "# mine\n*.log").unwrap();
        write_block(&path, &["/a".into()]).unwrap();
        write_block(&path, &["/a".into(), "/b".into()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(BEGIN).count(), 1, "{text}");
        assert!(
            text.starts_with("# mine\n*.log\n") && text.contains("/b\n"),
            "{text}"
        );
        assert!(remove_block(&path).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n*.log\n");
    }

    #[test]
    fn a_linked_worktree_uses_the_common_exclude_file() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main");
        let linked = dir.path().join("linked");
        std::fs::create_dir_all(main.join(".git/worktrees/linked")).unwrap();
        std::fs::write(main.join(".git/worktrees/linked/commondir"), "../..\n").unwrap();
        std::fs::create_dir_all(linked.join("sub")).unwrap();
        std::fs::write(
            linked.join(".git"),
            format!("gitdir: {}\n", main.join(".git/worktrees/linked").display()),
        )
        .unwrap();
        let (root, exclude) = git_exclude(&linked.join("sub")).unwrap();
        assert_eq!(root, linked);
        assert_eq!(
            std::fs::canonicalize(exclude.parent().unwrap().parent().unwrap()).unwrap(),
            std::fs::canonicalize(main.join(".git")).unwrap()
        );
        assert_eq!(escape("a*b #c"), "a\\*b \\#c");
    }
}
