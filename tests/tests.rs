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

/// The built-in risk classifier against the destructive and everyday command corpus.
mod classify;
