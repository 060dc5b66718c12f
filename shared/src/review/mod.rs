//! The review queue behind `defer-for-review`: headless runs stop at a sensitive call, a
//! person approves or denies it, and the resumed run gets that decision.
//!
//! # The flow
//!
//! 1. [`hook::handle`] sees a `PreToolUse` call. [`policy::Settings::trigger`] says whether it
//!    needs a person (by default: Bash, Write and Edit calls the classifier rates medium or
//!    high; unrecognised actions count as medium).
//! 2. In an interactive session the hook answers `ask` (Claude Code ignores `defer` there).
//!    In a headless run it asks the approval service when one is configured, and otherwise
//!    records the call in the [`queue`] and answers `defer`, which stops the run.
//! 3. A person runs the [`reviewer`] commands: `list`, `show`, `approve`, `deny`, then
//!    `resume`, which prints (or runs) `claude -p --resume <session> --permission-mode <mode>`.
//!    `approve` and `deny` sign a [`decision`] with the reviewer's key ([`keys`]).
//! 4. The resumed run re-sends the same `tool_use_id` through `PreToolUse`. The hook honours
//!    only a signed decision: it verifies the signature against `[review] trusted_keys` of
//!    the user's own policy, checks that the decision names this very call (session, cwd,
//!    permission mode, tool, exact input), that an approval has not expired, and consumes an
//!    approval once. It allows the call, denies it with the reviewer's reason (or with why the
//!    decision does not hold), or defers again while it is still pending.
//!
//! Before any of this, the hook asks the gate's own evaluation under the same policy: a call
//! the gate refuses is never queued (it would wait for a review nobody is told about).
//!
//! Claude Code 2.1.329 keeps only the last of several calls deferred in one assistant message,
//! so a session never holds two undecided deferrals: while one waits, the hook denies further
//! sensitive calls of that session with a message telling the model to retry later. The check
//! and the enqueue happen under an exclusive per-session file lock, because Claude Code runs
//! the hooks of one message's calls in parallel.

pub mod decision;
mod digest;
pub mod endpoint;
pub mod hook;
pub mod keys;
pub mod policy;
pub mod queue;
pub mod reviewer;
pub mod service;
mod shell_quote;
mod time;

pub use digest::{input_sha256, redact_value, summary};
pub(crate) use hook::clip;
pub use shell_quote::quote as shell_quote;
pub use time::{format_age, parse_ttl};
