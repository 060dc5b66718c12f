//! The policy gate behind `pretooluse-gate`.
//!
//! [`handle`] answers three events:
//!
//! - `PreToolUse`: the full pipeline ([`evaluate`]), then the denial streak (after
//!   `escalate_after` consecutive denials in a session the gate asks instead, so that a person
//!   sees what the agent keeps trying), then the audit trail;
//! - `PermissionRequest`: deny what the gate denies, allow only what it would allow (never
//!   with the default policy), otherwise no opinion (the prompt is shown);
//! - `UserPromptSubmit`: block a prompt that carries a secret, without echoing it.
//!
//! Every other event gets `{}`. The policy's `on_error` becomes the runner's failure decision
//! as soon as the policy is read; when a policy file is broken, the `on_error` of the layers
//! that still parse applies.
//!
//! [`explain`] and [`replay`] run the same pipeline for people, without touching the session
//! state or the audit trail.

pub mod decision;
mod egress;
mod evaluate;
pub mod explain;
mod protected;
pub mod replay;
mod verdict;

use std::path::PathBuf;
use std::time::Instant;

pub use evaluate::{Request, evaluate};
pub use verdict::{Basis, Opinion, Verdict};

use crate::audit::{Record, Trail};
use crate::classify::Risk;
use crate::config::Discovery;
use crate::env::{Env, Role};
use crate::locations::{Flags, Locations};
use crate::policy::{self, LogAllows, Policy};
use crate::protect::ProtectedSet;
use crate::protocol::{Event, HookInput, Reply, ToolCall};
use crate::state::DenialStreak;
use crate::{Outcome, Result, runner, secrets};
use decision::Situation;

/// The binary's name, as recorded in the audit trail.
const BINARY: &str = "pretooluse-gate";

/// What a run of the gate works with: the environment, read once in `main`, who is running
/// it, and the command line's flags.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The environment.
    pub env: Env,
    /// A hook answering Claude Code, or a person running `explain` or `replay`.
    pub role: Role,
    /// `--policy FILE`: replaces the user and project files.
    pub policy: Option<PathBuf>,
    /// `--log FILE`: the audit log.
    pub log: Option<PathBuf>,
}

impl Options {
    /// A hook run with no flags in this environment.
    pub fn hook(env: Env) -> Self {
        Self {
            env,
            ..Self::default()
        }
    }

    /// What the agent must not touch in this run, for a policy already loaded.
    pub fn protected_set(&self, policy: &Policy) -> ProtectedSet {
        ProtectedSet::new(
            &self.locations(policy),
            &self.env,
            &policy.gate.protected_paths,
        )
    }

    /// Where this run's files are, for a policy already loaded.
    pub fn locations(&self, policy: &Policy) -> Locations {
        Locations::resolve(
            &self.env,
            self.role,
            &policy.project_dir,
            &policy.effective,
            &Flags {
                log: self.log.clone(),
                queue: None,
            },
        )
    }
}

/// Decides one hook input.
pub fn handle(input: &HookInput, options: &Options) -> Result<Outcome> {
    let started = Instant::now();
    let reply = match &input.event {
        Event::PreToolUse { call, .. } => pre_tool_use(input, call, options, started)?,
        Event::PermissionRequest { call, .. } => permission_request(input, call, options, started)?,
        Event::UserPromptSubmit { prompt } => user_prompt(input, prompt, options, started),
        _ => Reply::no_opinion(),
    };
    Ok(Outcome::Reply(reply))
}

/// Reads the policy for the input's project and makes its `on_error` the failure decision.
pub fn load_policy(input: &HookInput, options: &Options) -> Result<Policy> {
    policy_for(&input.common.cwd, options)
}

/// Reads the policy for the project of `cwd` (`CLAUDE_PROJECT_DIR` when set) and makes its
/// `on_error` the failure decision; when a file is broken, the strictest `on_error` of the
/// layers that parse.
pub fn policy_for(cwd: &std::path::Path, options: &Options) -> Result<Policy> {
    let discovery = Discovery::new(
        &options.env,
        options.role,
        options.policy.clone(),
        options.env.project_dir_for(cwd),
    );
    match Policy::load(&discovery) {
        Ok(policy) => {
            runner::set_failure_decision(policy.gate.on_error);
            Ok(policy)
        }
        Err(error) => {
            runner::set_failure_decision(policy::failure_decision_despite_errors(&discovery));
            Err(error)
        }
    }
}

fn request<'a>(
    input: &'a HookInput,
    call: &'a ToolCall,
    protected: &'a ProtectedSet,
) -> Request<'a> {
    Request {
        call,
        hook_input: &input.raw,
        cwd: &input.common.cwd,
        permission_mode: input.common.permission_mode.as_deref(),
        protected,
    }
}

fn pre_tool_use(
    input: &HookInput,
    call: &ToolCall,
    options: &Options,
    started: Instant,
) -> Result<Reply> {
    let policy = load_policy(input, options)?;
    let locations = options.locations(&policy);
    let situation = situation(&policy, input);
    let protected = options.protected_set(&policy);
    let mut verdict = evaluate(&policy, &request(input, call, &protected))?;
    settle_by_review(input, options, situation, &mut verdict);
    track_denials(
        &policy,
        &locations,
        situation,
        &input.common.session_id,
        &mut verdict,
    );
    record(
        &policy,
        options,
        input,
        &verdict,
        verdict.opinion.as_str(),
        started,
    );
    Ok(match verdict.opinion.permission_decision() {
        Some(decision) => Reply::permission(&input.event_name, decision, &verdict.reply_text()),
        None => Reply::no_opinion(),
    })
}

/// A call a person approved in review (a signed approval of exactly this call, checked but not
/// used up: `defer-for-review` does that) needs no second question: the gate's `ask` (or its
/// denial where nobody is at the prompt) would otherwise beat the review's `allow`, since
/// Claude Code ranks ask above allow. What the table always refuses stays refused.
fn settle_by_review(
    input: &HookInput,
    options: &Options,
    situation: Situation,
    verdict: &mut Verdict,
) {
    let settles = verdict.opinion >= Opinion::Ask
        && verdict
            .conclusion
            .is_some_and(|c| situation.person_may_decide(c));
    if settles
        && crate::review::hook::approval_holds(
            input,
            &options.env,
            &crate::review::policy::Overrides::default(),
        )
    {
        verdict.opinion = Opinion::None;
        verdict
            .trace
            .push("a person approved exactly this call in review: no second question".into());
        verdict.reason = format!("approved in review; {}", verdict.reason);
    }
}

/// The decision table's view of this call's session.
fn situation(policy: &Policy, input: &HookInput) -> Situation {
    Situation::new(
        policy.gate.mode,
        policy.gate.high_risk,
        input.common.permission_mode.as_deref(),
    )
}

/// Counts denials per session and turns a deny into an ask past `escalate_after`, where a
/// person is at the prompt; any other answer ends the streak. A state-file problem leaves the verdict
/// as it was.
fn track_denials(
    policy: &Policy,
    locations: &Locations,
    situation: Situation,
    session_id: &str,
    verdict: &mut Verdict,
) {
    let limit = policy.gate.escalate_after;
    let streak = DenialStreak::new(locations.streak_dir());
    match verdict.opinion {
        Opinion::Deny if limit > 0 && situation.may_escalate(verdict.conclusion) => {
            if let Ok(count) = streak.record_denial(session_id)
                && count > limit
            {
                verdict.opinion = Opinion::Ask;
                verdict.escalated = true;
                verdict.reason = format!(
                    "the agent has been denied {} times in a row in this session; a person \
                     decides this one: {}",
                    count - 1,
                    verdict.reason
                );
                verdict
                    .trace
                    .push(format!("denial {count} in a row: escalated to ask"));
            }
        }
        Opinion::Deny => {}
        _ => {
            // Any answer but a denial ends the streak. Failing to reset only keeps a stale
            // streak, which can only turn a deny into an ask later, and only where a person is
            // at the prompt; it never allows anything.
            let _ = streak.reset(session_id);
        }
    }
}

fn permission_request(
    input: &HookInput,
    call: &ToolCall,
    options: &Options,
    started: Instant,
) -> Result<Reply> {
    let policy = load_policy(input, options)?;
    let protected = options.protected_set(&policy);
    let verdict = evaluate(&policy, &request(input, call, &protected))?;
    let answer = decision::permission_request(verdict.opinion);
    record(&policy, options, input, &verdict, answer.as_str(), started);
    Ok(match answer {
        Opinion::Deny => {
            Reply::permission_request_deny(&input.event_name, &verdict.reply_text(), false)
        }
        Opinion::Allow => Reply::permission_request_allow(&input.event_name),
        Opinion::Ask | Opinion::None => Reply::no_opinion(),
    })
}

fn user_prompt(input: &HookInput, prompt: &str, options: &Options, started: Instant) -> Reply {
    let mut kinds: Vec<&str> = secrets::scan(prompt).iter().map(|m| m.kind).collect();
    kinds.dedup();
    if kinds.is_empty() {
        return Reply::no_opinion();
    }
    let reason = format!(
        "hookkit blocked this prompt: it contains a secret ({}). It was not sent; remove the \
         secret and send the prompt again.",
        kinds.join(", ")
    );
    // The block stands even when the policy cannot be read; only the log path depends on it.
    if let Ok(policy) = load_policy(input, options) {
        let mut verdict = Verdict::new(Opinion::Deny, Basis::Secret);
        verdict.rule_id = Some(format!("secrets.{}", kinds[0]));
        verdict.rule_source = Some("built-in input filter".into());
        verdict.reason.clone_from(&reason);
        record(&policy, options, input, &verdict, "block", started);
    }
    Reply::block(&reason)
}

/// Writes the decision to the audit trail when the policy says so. A failure to write never
/// changes the decision, and the reply stays the only thing on stdout.
fn record(
    policy: &Policy,
    options: &Options,
    input: &HookInput,
    verdict: &Verdict,
    decision: &str,
    started: Instant,
) {
    let wanted = match verdict.opinion {
        Opinion::Deny | Opinion::Ask => true,
        Opinion::Allow => match policy.audit.log_allows {
            LogAllows::None => false,
            LogAllows::Medium => verdict.risk >= Some(Risk::Medium),
            LogAllows::All => true,
        },
        Opinion::None => false,
    };
    if !wanted {
        return;
    }
    let mut record = Record::from_input(BINARY, input);
    decision.clone_into(&mut record.decision);
    record.rule_id.clone_from(&verdict.rule_id);
    record.rule_source.clone_from(&verdict.rule_source);
    record.reason = Some(verdict.reason.clone());
    record.latency = started.elapsed();
    Trail::of(&options.locations(policy)).append_or_warn(BINARY, &record);
}

#[cfg(test)]
mod tests;
