//! End to end: the real Claude Code CLI, pinned, runs offline against a fake Anthropic API in a
//! throwaway project where `install.sh` wired our binaries in, and each scenario asserts on what
//! happened on disk and in the CLI's JSON result.
//!
//! Without the CLI installed the scenarios print a skip line naming
//! `tests/e2e/install-claude.sh`; in CI a missing CLI is a failure. Scenarios that need a
//! binary still at its placeholder stage print a skip line too, and run once it is merged.

/// Finding the pinned CLI.
mod cli;
/// The fake Messages API.
mod fake_api;
/// Finding the CLI, building scenario projects, running `claude -p`.
mod harness;
/// Child processes with a time limit.
mod process;

/// The wiring examples under hooks-examples/.
mod examples;
/// Crashing, killed and hanging guards.
mod failure;
/// The gate: deny, allow, ask and prompt blocking.
mod gate;
/// install.sh: merge, backup, idempotence, uninstall, lint, user installs.
mod install;
/// Auto mode denials and the audit log.
mod logger;
/// The plugin layout, validated and loaded by the CLI.
mod plugin;
/// Self-protection in bypassPermissions: hookkit's own files stay as they were.
mod protect;
/// Headless review: defer, approve or deny, resume.
mod review;
/// The trust model: never looser than Claude Code alone; the tools hookkit models.
mod trust;
