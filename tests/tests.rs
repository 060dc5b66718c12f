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

/// Robustness machinery: the seeded generator, disguises of command lines, decision strength.
mod robust;

/// Metamorphic tests: a disguised command never gets a weaker decision than the original.
mod metamorphic;

/// Stress cases: inputs built to exhaust stack, memory or time never end in an allow.
mod stress;
