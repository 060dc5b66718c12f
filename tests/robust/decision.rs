//! Decisions ranked by strength, computed in-process through `hookkit::gate::handle` (fast,
//! for thousands of cases) or through the real `pretooluse-gate` binary (for a sample).

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use hookkit::Outcome;
use hookkit::protocol::HookInput;
use serde_json::{Value, json};

use crate::util::{Sandbox, fixture_json};

/// What the gate answered, weakest first: `allow < none < ask/defer < deny/block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Strength {
    /// The call goes ahead without a prompt.
    Allow,
    /// No opinion: Claude Code's own permission flow decides.
    NoOpinion,
    /// A person decides: `ask`, or `defer` for a later review.
    Ask,
    /// The call is cancelled: `deny`, or exit 2.
    Deny,
}

/// One decision: its strength and the wire value it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    /// How strong it is.
    pub(crate) strength: Strength,
    /// `allow`, `ask`, `defer`, `deny`, `none`, `block`, `error: ...` or `panic: ...`.
    pub(crate) wire: String,
}

impl Decision {
    /// Ranks a wire decision as `Run::decision` spells it.
    pub(crate) fn from_wire(wire: &str) -> Self {
        let strength = match wire {
            "allow" => Strength::Allow,
            "none" => Strength::NoOpinion,
            "ask" | "defer" => Strength::Ask,
            "deny" | "block" => Strength::Deny,
            other => panic!("unknown PreToolUse decision {other:?}"),
        };
        Self {
            strength,
            wire: wire.to_owned(),
        }
    }

    /// The same decision, with the reason given for it appended (shortened) for reports.
    fn because(mut self, reason: &str) -> Self {
        let reason = reason.trim();
        if !reason.is_empty() {
            let short: String = reason.chars().take(120).collect();
            let more = if short.len() < reason.len() {
                "..."
            } else {
                ""
            };
            self.wire = format!("{} ({short}{more})", self.wire);
        }
        self
    }

    /// Whether this is a panic of the gate: a bug whatever it decided.
    pub(crate) fn is_panic(&self) -> bool {
        self.wire.starts_with("panic")
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wire)
    }
}

/// A `PreToolUse` payload for a Bash command, in the shape Claude Code sends, with a session
/// id of its own so that no decision depends on an earlier one (denial escalation).
pub(crate) fn bash_payload(command: &str, cwd: &Path) -> Value {
    static SESSION: AtomicU64 = AtomicU64::new(0);
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    let session = SESSION.fetch_add(1, Ordering::Relaxed);
    let mut payload = TEMPLATE
        .get_or_init(|| fixture_json("captures/pretooluse-bash-rm.json"))
        .clone();
    payload["session_id"] = json!(format!("metamorphic-{}-{session}", std::process::id()));
    payload["cwd"] = json!(cwd.display().to_string());
    payload["tool_input"] = json!({ "command": command, "description": "metamorphic test" });
    payload
}

/// What the gate answers when it cannot decide (`[gate] on_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnError {
    /// The default.
    Ask,
    /// Fail closed.
    Deny,
}

impl OnError {
    fn policy(self) -> &'static str {
        match self {
            Self::Ask => "[gate]\non_error = \"ask\"\n",
            Self::Deny => "[gate]\non_error = \"deny\"\n",
        }
    }

    /// Writes the policy into a sandbox's project, for runs through the binary.
    pub(crate) fn install(self, sandbox: &Sandbox) {
        sandbox.write("project/.claude/hookkit.toml", self.policy());
    }
}

/// The gate's decision on a Bash command, in-process, with the given failure decision. An
/// error is answered as the runner answers it; a panic is reported as such (the runner
/// would block).
pub(crate) fn in_process(command: &str, project: &Path, on_error: OnError) -> Decision {
    let input = HookInput::from_value(bash_payload(command, project))
        .expect("a constructed PreToolUse payload parses");
    // An explicit policy keeps the developer's own ~/.claude/hookkit.toml out of it.
    let policy = project.join(match on_error {
        OnError::Ask => "metamorphic-ask.toml",
        OnError::Deny => "metamorphic-deny.toml",
    });
    if !policy.exists() {
        std::fs::write(&policy, on_error.policy()).expect("writing the policy");
    }
    // The environment is empty: nothing of the developer's leaks in.
    let options = hookkit::gate::Options {
        env: hookkit::env::Env::default(),
        role: hookkit::env::Role::Hook,
        policy: Some(policy),
        log: Some(project.join("metamorphic-audit.jsonl")),
    };
    match std::panic::catch_unwind(AssertUnwindSafe(|| hookkit::gate::handle(&input, &options))) {
        Ok(Ok(Outcome::Reply(reply))) => {
            let reason = reply
                .hook_specific_output
                .as_ref()
                .and_then(|o| o.get("permissionDecisionReason"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            Decision::from_wire(reply.permission_decision().unwrap_or("none")).because(reason)
        }
        Ok(Ok(Outcome::Block { reason })) => Decision::from_wire("block").because(&reason),
        Ok(Err(error)) => match on_error {
            OnError::Ask => Decision {
                strength: Strength::Ask,
                wire: format!("ask (error: {error})"),
            },
            OnError::Deny => Decision {
                strength: Strength::Deny,
                wire: format!("block (error: {error})"),
            },
        },
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Decision {
                strength: Strength::Deny,
                wire: format!("panic: {message}"),
            }
        }
    }
}

/// The decision of the real `pretooluse-gate` binary, asserting the hook protocol.
pub(crate) fn through_binary(sandbox: &Sandbox, command: &str) -> Decision {
    let run = sandbox
        .hook(env!("CARGO_BIN_EXE_pretooluse-gate"))
        .payload(bash_payload(command, &sandbox.project()))
        .run();
    Decision::from_wire(&run.decision()).because(&run.reason())
}

#[test]
fn strengths_are_ordered_as_the_protocol_means_them() {
    let order = ["allow", "none", "ask", "deny"].map(|w| Decision::from_wire(w).strength);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(
        Decision::from_wire("defer").strength,
        Decision::from_wire("ask").strength
    );
    assert_eq!(
        Decision::from_wire("block").strength,
        Decision::from_wire("deny").strength
    );
}
