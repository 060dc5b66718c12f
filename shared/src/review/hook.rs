//! The `PreToolUse` side of `defer-for-review`: decide on first sight and on resume.

use std::io::Write as _;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::decision::{Binding, Refusal, SignedDecision, Verdict, consume};
use super::endpoint::{Answer, Endpoint};
use super::policy::{Loaded, Overrides, Settings, Trigger};
use super::queue::{Call, Item, Queue, Scan, Status};
use super::time::stamp;
use super::{input_sha256, redact_value, summary};
use crate::audit::{Record, Trail};
use crate::config::Layer;
use crate::env::{Env, Role};
use crate::gate::{self, Opinion};
use crate::policy::Policy;
use crate::protocol::{Event, HookInput, PermissionDecision, Reply, ToolCall};
use crate::{Outcome, Result};

/// The binary name, in messages and audit records.
pub const BINARY: &str = "defer-for-review";
/// How long an approval holds when the reviewer gives no `--ttl` (and for the service's).
pub const DEFAULT_TTL: std::time::Duration = std::time::Duration::from_hours(24);

/// Decides one hook input. Events other than `PreToolUse` get no opinion, and so do calls
/// that need no review: this hook never allows a call nobody approved.
pub fn handle(input: &HookInput, env: &Env, overrides: &Overrides) -> Result<Outcome> {
    let Event::PreToolUse { call, tool_use_id } = &input.event else {
        return Ok(Outcome::Reply(Reply::no_opinion()));
    };
    let project_dir = env.project_dir_for(&input.common.cwd);
    let Loaded { settings, layers } =
        Settings::load_layers(env, Role::Hook, &project_dir, overrides)?;
    let headless = settings.is_headless(env);
    let hook = Hook {
        input,
        env,
        call,
        tool_use_id,
        queue: Queue::new(settings.queue_dir.clone()),
        layers,
        settings,
        headless,
        now: Utc::now(),
    };
    let reply = hook.decide()?;
    Ok(Outcome::Reply(reply))
}

/// Appends a record; a failure is reported on stderr and changes no decision.
pub(crate) fn record(trail: &Trail, record: &Record) {
    trail.append_or_warn(BINARY, record);
}

struct Hook<'a> {
    input: &'a HookInput,
    env: &'a Env,
    call: &'a ToolCall,
    tool_use_id: &'a str,
    settings: Settings,
    layers: Vec<Layer>,
    queue: Queue,
    headless: bool,
    now: DateTime<Utc>,
}

/// One decision: the answer and what the audit trail records about it.
struct Decision {
    answer: PermissionDecision,
    reason: String,
    rule: String,
}

impl Hook<'_> {
    fn decide(&self) -> Result<Reply> {
        let trigger = self.settings.trigger(self.input, self.call)?;
        // Most calls need no review and were never queued: answer them without reading the
        // whole queue.
        if trigger.is_none() && !self.queue.may_hold(self.tool_use_id) {
            return Ok(Reply::no_opinion());
        }
        // No ghost reviews: a call the gate refuses never runs, so it is never queued, never
        // takes the session's one review slot, and never consumes an approval. The gate's own
        // answer stands.
        if self.gate_refuses() {
            return Ok(Reply::no_opinion());
        }
        if self.tool_use_id.is_empty() {
            return Ok(match trigger {
                Some(trigger) => self.decide_new(trigger, &Scan::default())?,
                None => Reply::no_opinion(),
            });
        }
        if let Some(trigger) = &trigger
            && self.headless
            && let Some(decision) = self.ask_service(trigger)?
        {
            return Ok(self.answer(&decision));
        }
        let _lock = self.queue.lock_session(&self.input.common.session_id)?;
        let scan = self.queue.scan()?;
        if let Some(item) = scan.current_for(self.tool_use_id) {
            let decision = self.resume(item.clone(), &scan)?;
            return Ok(self.answer(&decision));
        }
        Ok(match trigger {
            Some(trigger) => self.decide_new(trigger, &scan)?,
            None => Reply::no_opinion(),
        })
    }

    /// Whether the gate, evaluating this call under the same policy, refuses it: denies it,
    /// or cannot read it (and so answers with its failure decision).
    fn gate_refuses(&self) -> bool {
        let Ok(policy) = Policy::from_layers(
            &self.layers,
            &self.settings.project_dir,
            self.settings.home.as_deref(),
        ) else {
            return true;
        };
        let options = gate::Options::hook(self.env.clone());
        let protected = options.protected_set(&policy);
        let request = gate::Request {
            call: self.call,
            hook_input: &self.input.raw,
            cwd: &self.input.common.cwd,
            permission_mode: self.input.common.permission_mode.as_deref(),
            protected: &protected,
        };
        match gate::evaluate(&policy, &request) {
            Ok(verdict) => verdict.opinion == Opinion::Deny,
            Err(_) => true,
        }
    }

    /// With the session lock held, a call with no queue item: who reviews it?
    fn decide_new(&self, trigger: Trigger, scan: &Scan) -> Result<Reply> {
        if !self.headless || self.tool_use_id.is_empty() {
            // Interactive sessions ignore `defer`; a call without an id could never be resumed.
            return Ok(self.answer(&Decision {
                answer: PermissionDecision::Ask,
                reason: format!("Needs review: {}", trigger.reason),
                rule: trigger.rule,
            }));
        }
        let decision = self.enqueue(&trigger, scan, None)?;
        Ok(self.answer(&decision))
    }

    /// The call came back (a resume, or the model repeating an id): apply the review. Only a
    /// signed decision counts; the item's `status` is a label.
    fn resume(&self, mut item: Item, scan: &Scan) -> Result<Decision> {
        let hash = input_sha256(&self.call.name, &self.call.input);
        if item.input_sha256 != hash {
            return self.changed_input(item, &hash);
        }
        if let Some(signed) = item.decision.clone() {
            return self.apply_signed(&signed, Some(item), scan);
        }
        match item.status {
            Status::Pending if !self.headless => Ok(Decision {
                answer: PermissionDecision::Ask,
                reason: format!("Review {} is still pending: {}", item.id, item.reason),
                rule: format!("review.pending:{}", item.id),
            }),
            Status::Pending => {
                item.last_answer = "defer".into();
                self.queue.update(&item)?;
                Ok(Decision {
                    answer: PermissionDecision::Defer,
                    reason: defer_reason(&item, &self.queue),
                    rule: format!("review.pending:{}", item.id),
                })
            }
            status => {
                item.last_answer = "deny".into();
                self.queue.update(&item)?;
                Ok(Decision {
                    answer: PermissionDecision::Deny,
                    reason: format!(
                        "Not run: review {} is marked `{}` but carries no signed decision (the \
                         queue file was edited, or written by an older hookkit); only a \
                         reviewer's signature approves a call. Do not retry it or edit the \
                         queue; tell the user.",
                        item.id,
                        status.as_str()
                    ),
                    rule: format!("review.unsigned:{}", item.id),
                })
            }
        }
    }

    /// Applies a signed decision, from the queue (`item`) or from the approval service: verify
    /// it, check that it names this very call, check the expiry and consume an approval once.
    fn apply_signed(
        &self,
        signed: &SignedDecision,
        item: Option<Item>,
        scan: &Scan,
    ) -> Result<Decision> {
        let facts = CallFacts::of(self.input, self.call);
        let label = item.as_ref().map_or_else(
            || {
                self.settings
                    .endpoint
                    .as_ref()
                    .map_or_else(String::new, |e| format!("from {}", e.origin()))
            },
            |i| i.id.clone(),
        );
        let verified = match signed.verify(&self.settings.trusted_keys) {
            Ok(verified) => verified,
            Err(refusal) => return self.refuse(item, &label, &refusal),
        };
        let binding = facts.binding(
            self.input,
            self.call,
            self.tool_use_id,
            item.as_ref().map(|i| i.id.as_str()),
        );
        if let Err(refusal) = binding.check(&verified.statement) {
            return self.refuse(item, &label, &refusal);
        }
        let statement = &verified.statement;
        let who = format!("{} (key {})", statement.reviewer, verified.key.id());
        let why = statement
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if statement.decision == Verdict::Deny {
            self.mark(item, "deny")?;
            return Ok(Decision {
                answer: PermissionDecision::Deny,
                reason: format!(
                    "A person reviewed this call and denied it ({who}, review {label}): {}. \
                     Do not retry it or reach the same result another way; tell the user.",
                    why.unwrap_or("no reason given")
                ),
                rule: format!("review.denied:{label}"),
            });
        }
        if let Err(refusal) = statement.check_expiry(self.now) {
            return match item {
                Some(item) => self.expired(item, scan, &refusal),
                None => self.refuse(None, &label, &refusal),
            };
        }
        if !consume(&self.settings.state_dir, &verified)? {
            return self.refuse(item, &label, &Refusal::Used);
        }
        if let Some(mut item) = item {
            item.last_answer = "allow".into();
            item.resumed_at = Some(stamp(self.now));
            self.queue.update(&item)?;
        }
        Ok(Decision {
            answer: PermissionDecision::Allow,
            reason: format!(
                "Approved in review {label} by {who}{}",
                why.map(|r| format!(": {r}")).unwrap_or_default()
            ),
            rule: format!("review.approved:{label}"),
        })
    }

    /// Denies a call whose decision is not honoured, saying why; the item no longer holds
    /// the session's review slot.
    fn refuse(&self, item: Option<Item>, label: &str, refusal: &Refusal) -> Result<Decision> {
        self.mark(item, "deny")?;
        let kind = match refusal {
            Refusal::NoTrustedKeys => "no-trusted-keys",
            Refusal::UntrustedKey { .. } => "untrusted-key",
            Refusal::BadSignature => "forged",
            Refusal::Malformed(_) => "malformed",
            Refusal::OtherCall { .. } => "swapped",
            Refusal::OtherMode { .. } => "other-mode",
            Refusal::Expired { .. } | Refusal::NoExpiry => "expired",
            Refusal::Used => "replayed",
        };
        Ok(Decision {
            answer: PermissionDecision::Deny,
            reason: format!(
                "Not run: the review decision {label} does not hold for this call: {refusal}. \
                 Do not retry it, and do not try to approve it yourself; tell the user."
            ),
            rule: format!("review.{kind}:{label}"),
        })
    }

    /// Records what the hook answered on a local item.
    fn mark(&self, item: Option<Item>, answer: &str) -> Result<()> {
        if let Some(mut item) = item {
            answer.clone_into(&mut item.last_answer);
            self.queue.update(&item)?;
        }
        Ok(())
    }

    /// A queued call came back with other input than the one queued (Claude Code re-sends
    /// the same input, so this is an edited transcript or a bug): deny it and queue the new
    /// input, with its own rating, so that a person sees what changed and no approval covers
    /// it.
    fn changed_input(&self, mut item: Item, hash: &str) -> Result<Decision> {
        let current = self.settings.rating(self.input, self.call)?;
        let trigger = Trigger {
            reason: format!(
                "its input changed after it was queued as review {} ({}; queued input hash \
                 {}, now {}); {}",
                item.id,
                item.status.as_str(),
                item.input_sha256.get(..12).unwrap_or(&item.input_sha256),
                &hash[..12],
                current.reason
            ),
            ..current
        };
        let mut new = self.new_item(&trigger, "deny", Some(&item.id));
        self.queue.insert(&mut new)?;
        item.replaced_by = Some(new.id.clone());
        self.queue.update(&item)?;
        Ok(Decision {
            answer: PermissionDecision::Deny,
            reason: format!(
                "Not run: this call's input differs from the input queued for review {}, \
                 so no review covers it. The changed call is queued for review as {}; do not \
                 retry it until a person has approved it.",
                item.id, new.id
            ),
            rule: format!("review.changed:{}", item.id),
        })
    }

    /// An approval expired (or never had an expiry) before the resume: queue the call again,
    /// with its current rating, and defer.
    fn expired(&self, mut item: Item, scan: &Scan, refusal: &Refusal) -> Result<Decision> {
        item.status = Status::Expired;
        let current = self.settings.rating(self.input, self.call)?;
        let trigger = Trigger {
            reason: format!(
                "review {} no longer approves it: {refusal}; {}",
                item.id, current.reason
            ),
            ..current
        };
        let mut decision = self.enqueue(&trigger, scan, Some(&item.id))?;
        if let Some(new_id) = decision.rule.strip_prefix("review.queued:") {
            item.replaced_by = Some(new_id.to_owned());
        }
        decision.answer.as_str().clone_into(&mut item.last_answer);
        self.queue.update(&item)?;
        decision.rule = format!("review.expired:{}", item.id);
        Ok(decision)
    }

    /// With the session lock held: defer the call as a new pending item, unless the session
    /// already has an undecided deferral or the queue cannot be read in full.
    fn enqueue(&self, trigger: &Trigger, scan: &Scan, replaces: Option<&str>) -> Result<Decision> {
        if let Some(decision) = unreadable_queue(scan) {
            return Ok(decision);
        }
        if let Some(waiting) =
            scan.waiting_in_session(&self.input.common.session_id, self.tool_use_id)
        {
            return Ok(one_at_a_time(&waiting.id, &waiting.tool, &waiting.summary));
        }
        let mut item = self.new_item(trigger, "defer", replaces);
        self.queue.insert(&mut item)?;
        Ok(Decision {
            answer: PermissionDecision::Defer,
            reason: defer_reason(&item, &self.queue),
            rule: format!("review.queued:{}", item.id),
        })
    }

    /// Asks the approval service, if one is configured; `None` when it gave no answer the
    /// hook can use. Runs without the session lock, so that parallel calls wait for the
    /// service side by side.
    fn ask_service(&self, trigger: &Trigger) -> Result<Option<Decision>> {
        let Some(endpoint) = &self.settings.endpoint else {
            return Ok(None);
        };
        let scan = self.queue.scan()?;
        // An unreadable file may be this call's own denial: the service must not overrule it.
        if let Some(decision) = unreadable_queue(&scan) {
            return Ok(Some(decision));
        }
        // Neither may it overrule a decision recorded here.
        if scan
            .current_for(self.tool_use_id)
            .is_some_and(|i| i.decision.is_some() || i.status != Status::Pending)
        {
            return Ok(None);
        }
        let body = self.service_request(trigger);
        match endpoint.ask(&body, self.settings.endpoint_timeout) {
            Answer::Signed(signed) => Ok(Some(self.apply_signed(&signed, None, &scan)?)),
            Answer::Pending { message } => Ok(Some(Decision {
                answer: PermissionDecision::Defer,
                reason: format!(
                    "Waiting for a person's review ({}) on the review service {}{}",
                    trigger.reason,
                    endpoint.origin(),
                    if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    }
                ),
                rule: "review.service-pending".into(),
            })),
            Answer::Busy { message } => Ok(Some(Decision {
                answer: PermissionDecision::Deny,
                reason: format!(
                    "Not run yet: another call of this session is waiting for a person's review \
                     on the review service, and only one call can wait at a time ({message}). \
                     Retry this call unchanged after that review is decided."
                ),
                rule: "review.one-at-a-time:service".into(),
            })),
            Answer::Refused { message } => Ok(Some(Decision {
                answer: PermissionDecision::Deny,
                reason: format!(
                    "Not run: the review service refused this call ({message}). Do not retry \
                     it, and do not try to approve it yourself; tell the user."
                ),
                rule: "review.refused:service".into(),
            })),
            Answer::Approve { reason } if self.settings.allow_unsigned_endpoint => self
                .unsigned_answer(endpoint, trigger, true, &reason)
                .map(Some),
            Answer::Deny { reason } if self.settings.allow_unsigned_endpoint => self
                .unsigned_answer(endpoint, trigger, false, &reason)
                .map(Some),
            Answer::Approve { .. } | Answer::Deny { .. } => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{BINARY}: the approval service answered without a signature, and the \
                     user's policy does not set `[review] allow_unsigned_endpoint = true`; \
                     deferring"
                );
                Ok(None)
            }
            Answer::NoAnswer(why) => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{BINARY}: the approval service gave no answer ({why}); deferring"
                );
                Ok(None)
            }
        }
    }

    /// What the service is sent: the call with its input redacted, and where it comes from.
    fn service_request(&self, trigger: &Trigger) -> Value {
        let redacted = redact_value(&self.call.input);
        json!({
            "session_id": self.input.common.session_id,
            "tool_use_id": self.tool_use_id,
            "cwd": self.input.common.cwd.display().to_string(),
            "project": self.settings.project_dir.display().to_string(),
            "permission_mode": self.input.common.permission_mode,
            "tool": self.call.name,
            "summary": summary(&redacted),
            "input": redacted,
            "input_sha256": input_sha256(&self.call.name, &self.call.input),
            "rule": trigger.rule,
            "risk": trigger.risk,
            "reason": crate::secrets::redact(&trigger.reason),
        })
    }

    /// An unsigned answer of a service the user's own policy trusts without signatures.
    fn unsigned_answer(
        &self,
        endpoint: &Endpoint,
        trigger: &Trigger,
        approve: bool,
        reason: &str,
    ) -> Result<Decision> {
        let mut item = self.new_item(trigger, if approve { "allow" } else { "deny" }, None);
        item.status = if approve {
            Status::Approved
        } else {
            Status::Denied
        };
        item.decided_by = Some(format!("approval service {} (unsigned)", endpoint.origin()));
        item.decided_at = Some(stamp(self.now));
        item.decision_reason = Some(reason.to_owned()).filter(|r| !r.is_empty());
        if approve {
            item.resumed_at = Some(stamp(self.now));
        }
        self.queue.insert(&mut item)?;
        let why = if reason.is_empty() {
            String::new()
        } else {
            format!(": {reason}")
        };
        Ok(if approve {
            Decision {
                answer: PermissionDecision::Allow,
                reason: format!("Approved by the approval service (review {}){why}", item.id),
                rule: format!("review.approved:{}", item.id),
            }
        } else {
            Decision {
                answer: PermissionDecision::Deny,
                reason: format!(
                    "The approval service denied this call (review {}){why}. Do not retry it \
                     or reach the same result another way; tell the user.",
                    item.id
                ),
                rule: format!("review.denied:{}", item.id),
            }
        })
    }

    fn new_item(&self, trigger: &Trigger, last_answer: &str, replaces: Option<&str>) -> Item {
        let cwd = self.input.common.cwd.display().to_string();
        let project = self.settings.project_dir.display().to_string();
        let hash = input_sha256(&self.call.name, &self.call.input);
        let call = Call {
            session_id: &self.input.common.session_id,
            tool_use_id: self.tool_use_id,
            cwd: &cwd,
            project: Some(&project),
            permission_mode: self.input.common.permission_mode.as_deref(),
            tool: &self.call.name,
            input: &self.call.input,
            input_sha256: &hash,
        };
        Item::pending(&call, trigger, self.now, last_answer, replaces)
    }

    /// Records the decision in the audit trail and builds the reply.
    fn answer(&self, decision: &Decision) -> Reply {
        let mut entry = Record::from_input(BINARY, self.input);
        decision.answer.as_str().clone_into(&mut entry.decision);
        entry.rule_id = Some(decision.rule.clone());
        entry.reason = Some(decision.reason.clone());
        record(&self.settings.audit, &entry);
        Reply::permission(&self.input.event_name, decision.answer, &decision.reason)
    }
}

/// What a decision is checked against, computed once per call.
struct CallFacts {
    hash: String,
    shown: String,
    cwd: String,
}

impl CallFacts {
    fn of(input: &HookInput, call: &ToolCall) -> Self {
        Self {
            hash: input_sha256(&call.name, &call.input),
            shown: input_sha256(&call.name, &redact_value(&call.input)),
            cwd: input.common.cwd.display().to_string(),
        }
    }

    fn binding<'a>(
        &'a self,
        input: &'a HookInput,
        call: &'a ToolCall,
        tool_use_id: &'a str,
        item: Option<&'a str>,
    ) -> Binding<'a> {
        Binding {
            item,
            session_id: &input.common.session_id,
            tool_use_id,
            cwd: &self.cwd,
            permission_mode: input.common.permission_mode.as_deref(),
            tool: &call.name,
            input_sha256: &self.hash,
            shown_sha256: &self.shown,
        }
    }
}

/// Whether the queue holds a person's approval of exactly this call that holds now: signed by
/// a trusted key, bound to this call, not expired. Whether it was already used is not asked,
/// and nothing is written: this is for the gate, whose `ask` on resume would otherwise beat
/// this hook's `allow` (Claude Code ranks ask above allow, and in `claude -p` an ask is a
/// denial). Consuming the approval stays this hook's job, so a replay is still denied.
pub fn approval_holds(input: &HookInput, env: &Env, overrides: &Overrides) -> bool {
    let Event::PreToolUse { call, tool_use_id } = &input.event else {
        return false;
    };
    if tool_use_id.is_empty() {
        return false;
    }
    let project_dir = env.project_dir_for(&input.common.cwd);
    let Ok(settings) = Settings::load(env, Role::Hook, &project_dir, overrides) else {
        return false;
    };
    let queue = Queue::new(settings.queue_dir.clone());
    if !queue.may_hold(tool_use_id) {
        return false;
    }
    let Ok(scan) = queue.scan() else {
        return false;
    };
    let Some(item) = scan.current_for(tool_use_id) else {
        return false;
    };
    let Some(Ok(verified)) = item
        .decision
        .as_ref()
        .map(|d| d.verify(&settings.trusted_keys))
    else {
        return false;
    };
    let facts = CallFacts::of(input, call);
    facts
        .binding(input, call, tool_use_id, Some(&item.id))
        .check(&verified.statement)
        .is_ok()
        && verified.statement.decision == Verdict::Approve
        && verified.statement.check_expiry(Utc::now()).is_ok()
}

/// The deny of a call while another of its session waits for review.
fn one_at_a_time(id: &str, tool: &str, shown: &str) -> Decision {
    Decision {
        answer: PermissionDecision::Deny,
        reason: format!(
            "Not run yet: another call of this session (review {id}: {tool} `{}`) is waiting \
             for a person's review, and only one call can wait at a time. Retry this call \
             unchanged after that review is decided.",
            clip(shown, 80)
        ),
        rule: format!("review.one-at-a-time:{id}"),
    }
}

/// A deny naming the first unreadable queue file, if there is one: it may hold an undecided
/// deferral of this session, or this very call's denial.
fn unreadable_queue(scan: &Scan) -> Option<Decision> {
    let bad = scan.unreadable.first()?;
    Some(Decision {
        answer: PermissionDecision::Deny,
        reason: format!(
            "Not run: the review queue file `{}` is unreadable ({}); it may hold an undecided \
             review, so no call can wait for review until it is fixed. Ask the user to fix or \
             remove the file, then retry.",
            bad.path.display(),
            bad.error
        ),
        rule: "review.queue-unreadable".into(),
    })
}

fn defer_reason(item: &Item, queue: &Queue) -> String {
    format!(
        "Waiting for a person's review ({}). Queued as {} in `{}`: run `defer-for-review approve \
         {}` or `defer-for-review deny {} --reason ...`, then `defer-for-review resume {}`.",
        item.reason,
        item.id,
        queue.dir().display(),
        item.id,
        item.id,
        item.id
    )
}

/// At most `max` characters of `text`, with `…` when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
