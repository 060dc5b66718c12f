//! Names of the environment variables hookkit reads, in one place.

/// The project root, set by Claude Code for every hook.
pub const PROJECT_DIR: &str = "CLAUDE_PROJECT_DIR";
/// How Claude Code was started; `sdk-cli` in every observed `claude -p` run.
pub const ENTRYPOINT: &str = "CLAUDE_CODE_ENTRYPOINT";
/// `0` in every observed `claude -p` run: nobody is at a prompt.
pub const SESSION_ATTENDED: &str = "CLAUDE_CODE_SESSION_ATTENDED";
/// An explicit policy file that replaces discovery.
pub const POLICY: &str = "HOOKKIT_POLICY";
/// An explicit audit log path.
pub const AUDIT_LOG: &str = "HOOKKIT_AUDIT_LOG";
/// Where hookkit keeps per-session state (denial counters and the like).
pub const STATE_DIR: &str = "HOOKKIT_STATE_DIR";
/// The review queue directory of `defer-for-review`.
pub const REVIEW_DIR: &str = "HOOKKIT_REVIEW_DIR";
/// The user's home directory.
pub const HOME: &str = "HOME";
/// Disables colour in human-facing output when set to any value.
pub const NO_COLOR: &str = "NO_COLOR";

use std::path::{Path, PathBuf};

/// The project root: `CLAUDE_PROJECT_DIR` when Claude Code set it, else the session cwd.
pub fn project_dir(cwd: &Path) -> PathBuf {
    match std::env::var_os(PROJECT_DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => cwd.to_path_buf(),
    }
}

/// The user's home directory, from `HOME`.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os(HOME)
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}
