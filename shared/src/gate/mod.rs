//! The policy gate behind `pretooluse-gate`.
//!
//! INTERFACE STUB (foundation): denies what the classifier rates high, allows what it rates
//! low, and has no opinion otherwise. The policy work replaces the body with the full
//! pipeline (input filter, rules, protected paths, classifier, modes, escalation, explain).

use crate::classify::{self, Context, Risk};
use crate::protocol::{Event, HookInput, PermissionDecision, Reply};
use crate::{Outcome, Result, env};

/// Decides one hook input.
pub fn handle(input: &HookInput) -> Result<Outcome> {
    let Event::PreToolUse { call, .. } = &input.event else {
        return Ok(Outcome::Reply(Reply::no_opinion()));
    };
    let ctx = Context {
        cwd: input.common.cwd.clone(),
        project_dir: env::project_dir(&input.common.cwd),
        home: env::home_dir(),
        allowed_hosts: Vec::new(),
    };
    let assessment = classify::assess(call, &ctx)?;
    let reply = match assessment.worst() {
        Some(f) if f.risk == Risk::High => {
            Reply::permission(&input.event_name, PermissionDecision::Deny, &f.message)
        }
        Some(f) if f.risk == Risk::Low && assessment.unrecognised.is_empty() => {
            Reply::permission(&input.event_name, PermissionDecision::Allow, &f.reason)
        }
        _ => Reply::no_opinion(),
    };
    Ok(Outcome::Reply(reply))
}
