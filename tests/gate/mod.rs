//! `pretooluse-gate` end to end: decisions, rule forms, layering, protected paths, modes,
//! escalation, the other events it answers, failure decisions, audit, explain and replay.

mod cli;
mod decisions;
mod escalation;
mod events;
mod failure;
mod layering;
mod table;

use crate::util::{Hook, Sandbox};

pub(crate) const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");

/// A gate run in `sandbox` with a project policy file holding `policy`.
pub(crate) fn with_project_policy(sandbox: &Sandbox, policy: &str) -> Hook {
    sandbox.write("project/.claude/hookkit.toml", policy);
    sandbox.hook(GATE)
}

/// A gate run in `sandbox` with the user's own policy file (`~/.claude/hookkit.toml`) holding
/// `policy`: the only file that may allow, opt into a looser mode or name locations.
pub(crate) fn with_user_policy(sandbox: &Sandbox, policy: &str) -> Hook {
    sandbox.write("home/.claude/hookkit.toml", policy);
    sandbox.hook(GATE)
}
