//! `hookkit`: the core library behind the hookkit hook binaries for Claude Code.
//!
//! Every tool call an agent makes passes through these binaries, so the library is built to be
//! correct, to fail safe and to start fast.
//!
//! # Sections
//!
//! - [`protocol`]: the hook wire protocol: typed inputs for every event, reply builders.
//! - [`runner`]: the one runner every binary uses; reads stdin, answers once, fails safe.
//! - [`config`]: finding, reading and merging the layered policy files; the policy schema.
//! - [`locations`]: where hookkit keeps every file it reads or writes.
//! - [`owner_only`]: the `0700`/`0600` modes of everything created under the state and key
//!   directories.
//! - [`jq`]: jq conditions over a hook input.
//! - [`glob`]: gitignore-style path globs.
//! - [`permission`]: Claude Code's permission-rule syntax.
//! - [`policy`]: the gate's policy: layered settings and rules, matched with Claude Code's semantics.
//! - [`state`]: per-session state shared by parallel hook processes (the denial streak).
//! - [`lint`]: finding the rules and hooks that silently do nothing, for `rules-lint`.
//! - [`shell`]: reading shell command lines into the simple commands they run.
//! - [`classify`]: the built-in risk classifier.
//! - [`secrets`]: finding and masking secrets.
//! - [`crypto`]: Ed25519 keys, signatures and passphrase-protected key files.
//! - [`protect`]: the protected set: what the agent may never change, and how a path is
//!   compared with it.
//! - [`audit`]: the append-only, hash-chained audit trail.
//! - [`denied`]: the PermissionDenied hook: record the classifier's denial, answer retry.
//! - [`review`]: the review queue of `defer-for-review`: defer, review, resume.
//! - [`env`](mod@env): the environment, read once at a binary's entry point.
//! - [`wiring`]: installing hookkit (the settings merge, binaries, opt-ins), taking it out, and
//!   `status`.
//! - [`Error`]: the one error type.
#![warn(missing_docs)]

pub mod audit;
pub mod classify;
pub mod config;
pub mod crypto;
pub mod denied;
mod digest;
pub mod env;
mod error;
pub mod gate;
pub mod glob;
pub mod jq;
pub mod lint;
pub mod locations;
pub mod owner_only;
pub mod permission;
pub mod policy;
pub mod protect;
pub mod protocol;
pub mod review;
pub mod runner;
pub mod secrets;
pub mod shell;
pub mod state;
pub mod wiring;

pub use error::{Error, Result};
pub use runner::{FailureDecision, HookSpec, Outcome, run_hook};

/// The hookkit version, recorded in audit records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
