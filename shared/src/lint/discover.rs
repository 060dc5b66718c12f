//! Finding the files to lint: the settings layers and policy files that apply to a project,
//! as Claude Code and hookkit look for them, or the files named on the command line.

use std::path::{Path, PathBuf};

use super::{FileKind, SourceFile};
use crate::Result;

/// Claude Code's managed (enterprise) settings on Linux.
pub const MANAGED_SETTINGS: &str = "/etc/claude-code/managed-settings.json";

/// The files that apply to `project_dir`, lowest layer first, that exist: managed, user,
/// project and local settings, a plugin's `hooks/hooks.json` when the project is a plugin,
/// and the user and project hookkit policies, or `policy` instead of those two when given
/// (`HOOKKIT_POLICY`, as the binaries read it).
pub fn for_project(
    project_dir: &Path,
    home: Option<&Path>,
    policy: Option<&Path>,
    cwd: &Path,
) -> Result<Vec<SourceFile>> {
    let mut candidates: Vec<(PathBuf, FileKind, &'static str)> = vec![(
        PathBuf::from(MANAGED_SETTINGS),
        FileKind::Settings,
        "managed",
    )];
    if let Some(home) = home {
        candidates.push((
            home.join(".claude/settings.json"),
            FileKind::Settings,
            "user",
        ));
    }
    candidates.extend([
        (
            project_dir.join(".claude/settings.json"),
            FileKind::Settings,
            "project",
        ),
        (
            project_dir.join(".claude/settings.local.json"),
            FileKind::Settings,
            "local",
        ),
        (
            project_dir.join("hooks/hooks.json"),
            FileKind::PluginHooks,
            "plugin",
        ),
    ]);
    let mut files: Vec<SourceFile> = candidates
        .into_iter()
        .filter(|(path, _, _)| path.is_file())
        .map(|(path, kind, layer)| SourceFile::read(&path, display(&path, cwd), kind, layer))
        .collect::<Result<_>>()?;
    let policies = match policy {
        // An explicit policy replaces the user and project files, and must exist.
        Some(policy) => vec![cwd.join(policy)],
        None => home
            .map(|h| h.join(".claude/hookkit.toml"))
            .into_iter()
            .chain([project_dir.join(".claude/hookkit.toml")])
            .filter(|p| p.is_file())
            .collect(),
    };
    for path in policies {
        let shown = display(&path, cwd);
        files.push(SourceFile::read(&path, shown, FileKind::Policy, "policy")?);
    }
    Ok(files)
}

/// The files named on the command line, their kind guessed from the name.
pub fn explicit(paths: &[PathBuf], cwd: &Path) -> Result<Vec<SourceFile>> {
    paths
        .iter()
        .map(|path| {
            let absolute = cwd.join(path);
            SourceFile::read(
                &absolute,
                display(&absolute, cwd),
                FileKind::from_path(path),
                "file",
            )
        })
        .collect()
}

/// `path` relative to `cwd` when it is inside it, for shorter messages.
pub fn display(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}
