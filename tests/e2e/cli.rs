//! Finding the pinned Claude Code CLI: `HOOKKIT_E2E_CLAUDE`, else the cache that
//! `tests/e2e/install-claude.sh` fills; and deciding whether a machine without it skips or fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Claude Code version the suite is pinned to.
pub(crate) const CLAUDE_VERSION: &str = "2.1.332";

/// The cache directory `tests/e2e/install-claude.sh` installs into.
fn cache_dir() -> PathBuf {
    if let Some(explicit) = std::env::var_os("HOOKKIT_E2E_CACHE").filter(|v| !v.is_empty()) {
        return PathBuf::from(explicit);
    }
    let home =
        std::env::var_os("HOME").map_or_else(|| PathBuf::from("/nonexistent"), PathBuf::from);
    home.join(".cache/hookkit-e2e")
        .join(format!("claude-{CLAUDE_VERSION}"))
}

/// The marker the install script leaves when npm itself could not be reached.
fn npm_unreachable_marker() -> PathBuf {
    cache_dir().join("npm-unreachable")
}

/// The native `claude` binary: `HOOKKIT_E2E_CLAUDE`, else the install script's cache.
fn find_claude() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("HOOKKIT_E2E_CLAUDE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(explicit)).filter(|p| p.is_file());
    }
    let scope = cache_dir().join("node_modules/@anthropic-ai");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&scope)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("claude-code-linux-")
        })
        .map(|e| e.path().join("claude"))
        .filter(|p| p.is_file())
        .collect();
    candidates.sort();
    candidates.into_iter().next()
}

/// The CLI to run, or `None` (after printing why) when this machine cannot run the suite.
///
/// A developer without the CLI gets a skip line naming the install script. In CI (`CI=true`)
/// a missing CLI fails the test, unless the install script recorded that npm was unreachable.
#[expect(
    clippy::print_stderr,
    reason = "the skip line is for the person running the tests"
)]
pub(crate) fn claude() -> Option<PathBuf> {
    if let Some(path) = find_claude() {
        assert_pinned(&path);
        return Some(path);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci || npm_unreachable_marker().exists(),
        "e2e: Claude Code {CLAUDE_VERSION} is not installed (looked in {} and \
         HOOKKIT_E2E_CLAUDE); CI must run tests/e2e/install-claude.sh first",
        cache_dir().display()
    );
    eprintln!(
        "e2e: SKIPPED: Claude Code {CLAUDE_VERSION} not found; run tests/e2e/install-claude.sh \
         (or set HOOKKIT_E2E_CLAUDE to the native claude binary) to run the end-to-end suite"
    );
    record_skip();
    None
}

/// Appends the running test's name to `HOOKKIT_E2E_SKIPPED` (set by scripts/test.sh), so that
/// the suite's summary lists skipped scenarios as skipped rather than passed.
pub(crate) fn record_skip() {
    use std::io::Write;
    let Some(path) = std::env::var_os("HOOKKIT_E2E_SKIPPED").filter(|v| !v.is_empty()) else {
        return;
    };
    let name = std::thread::current()
        .name()
        .unwrap_or("an end-to-end test")
        .to_owned();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(file, "{name}");
    }
}

/// Panics (once per run) unless `path` is the pinned version: scenarios are written against
/// its exact behaviour.
fn assert_pinned(path: &Path) {
    static CHECKED: OnceLock<String> = OnceLock::new();
    let version = CHECKED.get_or_init(|| {
        let output = Command::new(path)
            .arg("--version")
            .env("HOME", std::env::temp_dir())
            .env("DISABLE_AUTOUPDATER", "1")
            .output()
            .unwrap_or_else(|e| panic!("running {} --version: {e}", path.display()));
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    });
    assert!(
        version.starts_with(&format!("{CLAUDE_VERSION} ")),
        "e2e: {} is Claude Code `{version}`, the suite is pinned to {CLAUDE_VERSION}; \
         run tests/e2e/install-claude.sh",
        path.display()
    );
}
