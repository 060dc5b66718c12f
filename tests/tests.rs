//! The one integration-test binary: every test drives a real hookkit binary through
//! assert_cmd with real Claude Code payloads.
#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up should panic with the error"
)]

/// The builder that runs binaries in a sandbox.
#[allow(
    dead_code,
    reason = "each test module uses a different part of the builder"
)]
mod util;

/// The hook runtime: protocol answers to every real payload, and every failure path.
mod runtime;

/// `pretooluse-gate`: decisions, layering, modes, escalation, events, explain and replay.
mod gate;

/// `permission-denied-logger` as a hook: retry policy, the record, never blocking.
mod logger;

/// The audit trail: concurrency, tampering, rotation, and the verify/report/tail outputs.
mod audit;

/// `defer-for-review`: defer, review, resume, with nothing lost.
mod review;

/// rules-lint: one fixture per finding id, output snapshots, exit codes, verify.
mod lint;

/// End to end with the real Claude Code CLI against a fake API.
mod e2e;

/// Robustness machinery: the seeded generator, disguises of command lines, decision strength.
mod robust;

/// Metamorphic tests: a disguised command never gets a weaker decision than the original.
mod metamorphic;

/// Stress cases: inputs built to exhaust stack, memory or time never end in an allow.
mod stress;

/// The built-in risk classifier against the destructive and everyday command corpus.
mod classify;

/// The protected set through the library: links, hard links, globs and locations on disk.
mod protect;

/// Shell completions and man pages generated from the CLI definitions.
mod generate;

/// The `hookkit` command: install, status, init, project discovery, the shared command line.
mod hookkit;
