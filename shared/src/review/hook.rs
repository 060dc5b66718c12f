//! The `PreToolUse` side of `defer-for-review`: decide on first sight and on resume.

use std::io::Write as _;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::endpoint::Answer;
use super::policy::{Overrides, Settings, Trigger};
use super::queue::{Item, Queue, Scan, Status};
use super::time::stamp;
use super::{input_sha256, redact_value, summary};
use crate::audit::{Record, Trail};
use crate::env::{Env, Role};
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
    let settings = Settings::load(env, Role::Hook, &project_dir, overrides)?;
    let headless = settings.is_headless(env);
    let hook = Hook {
        input,
        call,
        tool_use_id,
        queue: Queue::new(settings.queue_dir.clone()),
        audit: settings.audit.clone(),
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
    call: &'a ToolCall,
    tool_use_id: &'a str,
    settings: Settings,
    queue: Queue,
    audit: Trail,
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
        if self.tool_use_id.is_empty() {
            return Ok(match trigger {
                Some(trigger) => self.decide_new(trigger, &Scan::default())?,
                None => Reply::no_opinion(),
            });
        }
        if let Some(trigger) = &trigger
            && self.headless
            && !self.queue.may_hold(self.tool_use_id)
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

    /// The call came back (a resume, or the model repeating an id): apply the review.
    fn resume(&self, mut item: Item, scan: &Scan) -> Result<Decision> {
        let hash = input_sha256(&self.call.name, &self.call.input);
        match item.status {
            Status::Denied => {
                item.last_answer = "deny".into();
                self.queue.update(&item)?;
                let who = item.decided_by.as_deref().unwrap_or("a reviewer");
                let why = item
                    .decision_reason
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or("no reason given");
                Ok(Decision {
                    answer: PermissionDecision::Deny,
                    reason: format!(
                        "A person reviewed this call and denied it ({who}, review {}): {why}. \
                         Do not retry it or reach the same result another way; tell the user.",
                        item.id
                    ),
                    rule: format!("review.denied:{}", item.id),
                })
            }
            Status::Pending | Status::Approved if item.input_sha256 != hash => {
                self.changed_input(item, &hash)
            }
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
            Status::Approved if item.approval_expired(self.now) => self.expired(item, scan),
            Status::Approved => {
                item.last_answer = "allow".into();
                item.resumed_at = Some(stamp(self.now));
                self.queue.update(&item)?;
                let who = item.decided_by.as_deref().unwrap_or("a reviewer");
                let why = item
                    .decision_reason
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                Ok(Decision {
                    answer: PermissionDecision::Allow,
                    reason: format!("Approved in review {} by {who}{why}", item.id),
                    rule: format!("review.approved:{}", item.id),
                })
            }
            Status::Expired => Ok(Decision {
                // An expired item that nothing replaced (edited by hand): never run it.
                answer: PermissionDecision::Deny,
                reason: format!(
                    "Not run: the approval of review {} expired. Retry the call so that it is \
                     reviewed again.",
                    item.id
                ),
                rule: format!("review.expired:{}", item.id),
            }),
        }
    }

    /// A queued call came back with other input than the one queued (Claude Code re-sends
    /// the same input, so this is an edited transcript or a bug): deny it and queue the new
    /// input, so that a person sees what changed and no approval covers it.
    fn changed_input(&self, mut item: Item, hash: &str) -> Result<Decision> {
        let trigger = Trigger {
            rule: item.rule.clone(),
            risk: item.risk,
            reason: format!(
                "its input changed after it was queued as review {} ({}; queued input hash \
                 {}, now {})",
                item.id,
                item.status.as_str(),
                item.input_sha256.get(..12).unwrap_or(&item.input_sha256),
                &hash[..12]
            ),
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

    /// An approval expired before the resume: queue the call again and defer.
    fn expired(&self, mut item: Item, scan: &Scan) -> Result<Decision> {
        let expired_at = item.expires_at.clone().unwrap_or_default();
        item.status = Status::Expired;
        let trigger = Trigger {
            rule: item.rule.clone(),
            risk: item.risk,
            reason: format!(
                "the approval of review {} expired at {expired_at}; {}",
                item.id, item.reason
            ),
        };
        let mut decision = self.enqueue(&trigger, scan, Some(&item.id))?;
        if let Some(new_id) = decision.rule.strip_prefix("review.queued:") {
            item.replaced_by = Some(new_id.to_owned());
        }
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
            return Ok(Decision {
                answer: PermissionDecision::Deny,
                reason: format!(
                    "Not run yet: another call of this session (review {}: {} `{}`) is waiting \
                     for a person's review, and only one call can wait at a time. Retry this \
                     call unchanged after that review is decided.",
                    waiting.id,
                    waiting.tool,
                    clip(&waiting.summary, 80)
                ),
                rule: format!("review.one-at-a-time:{}", waiting.id),
            });
        }
        let mut item = self.new_item(trigger, "defer", replaces);
        self.queue.insert(&mut item)?;
        Ok(Decision {
            answer: PermissionDecision::Defer,
            reason: defer_reason(&item, &self.queue),
            rule: format!("review.queued:{}", item.id),
        })
    }

    /// Asks the approval service, if one is configured; `None` when it gave no answer. Runs
    /// without the session lock, so that parallel calls wait for the service side by side.
    fn ask_service(&self, trigger: &Trigger) -> Result<Option<Decision>> {
        let Some(endpoint) = &self.settings.endpoint else {
            return Ok(None);
        };
        // An unreadable file may be this call's own denial: the service must not overrule it.
        if let Some(decision) = unreadable_queue(&self.queue.scan()?) {
            return Ok(Some(decision));
        }
        let mut item = self.new_item(trigger, "defer", None);
        let body = json!({
            "session_id": item.session_id,
            "tool_use_id": item.tool_use_id,
            "cwd": item.cwd,
            "permission_mode": item.permission_mode,
            "tool": item.tool,
            "input": item.input,
            "input_sha256": item.input_sha256,
            "summary": item.summary,
            "rule": item.rule,
            "risk": item.risk,
            "reason": item.reason,
        });
        let (status, answer, reason) = match endpoint.ask(&body, self.settings.endpoint_timeout) {
            Answer::Approve { reason } => (Status::Approved, "allow", reason),
            Answer::Deny { reason } => (Status::Denied, "deny", reason),
            Answer::NoAnswer(why) => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{BINARY}: the approval service gave no answer ({why}); deferring"
                );
                return Ok(None);
            }
        };
        item.status = status;
        item.last_answer = answer.into();
        item.decided_by = Some(format!("approval service {}", endpoint.origin()));
        item.decided_at = Some(stamp(self.now));
        item.decision_reason = Some(reason.clone()).filter(|r| !r.is_empty());
        if status == Status::Approved {
            item.expires_at = Some(stamp(self.now + DEFAULT_TTL));
            item.resumed_at = Some(stamp(self.now));
        }
        self.queue.insert(&mut item)?;
        let why = if reason.is_empty() {
            String::new()
        } else {
            format!(": {reason}")
        };
        Ok(Some(if status == Status::Approved {
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
        }))
    }

    fn new_item(&self, trigger: &Trigger, last_answer: &str, replaces: Option<&str>) -> Item {
        let redacted = redact_value(&self.call.input);
        Item {
            id: String::new(),
            status: Status::Pending,
            session_id: self.input.common.session_id.clone(),
            tool_use_id: self.tool_use_id.to_owned(),
            cwd: self.input.common.cwd.display().to_string(),
            permission_mode: self.input.common.permission_mode.clone(),
            tool: self.call.name.clone(),
            summary: summary(&redacted),
            input: redacted,
            input_sha256: input_sha256(&self.call.name, &self.call.input),
            rule: trigger.rule.clone(),
            risk: trigger.risk,
            reason: crate::secrets::redact(&trigger.reason),
            queued_at: stamp(self.now),
            last_answer: last_answer.to_owned(),
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            expires_at: None,
            resumed_at: None,
            replaces: replaces.map(str::to_owned),
            replaced_by: None,
        }
    }

    /// Records the decision in the audit trail and builds the reply.
    fn answer(&self, decision: &Decision) -> Reply {
        let mut entry = Record::from_input(BINARY, self.input);
        decision.answer.as_str().clone_into(&mut entry.decision);
        entry.rule_id = Some(decision.rule.clone());
        entry.reason = Some(decision.reason.clone());
        record(&self.audit, &entry);
        Reply::permission(&self.input.event_name, decision.answer, &decision.reason)
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
