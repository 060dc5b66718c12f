//! `POST /approve`: the approval endpoint with a pending state (the protocol is in
//! `docs/review-service.md`).
//!
//! A call the service has not seen is recorded and answered `pending` at once, so that the
//! hook defers and the run stops. When the same call (session, `tool_use_id`, exact input hash)
//! comes back on resume, the answer is the person's signed decision. An approval is handed out
//! once: the runner that resumes in CI has a fresh state directory, so the service is what
//! keeps an approval from being used twice.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Service;
use super::http::{Request, Response};
use crate::classify::Risk;
use crate::review::decision::Verdict;
use crate::review::policy::Trigger;
use crate::review::queue::{Call, Item, Status};
use crate::review::time::stamp;
use crate::review::{clip, summary};
use crate::{Error, Result};

/// What a hook sends.
#[derive(Debug, Deserialize)]
struct CallRequest {
    session_id: String,
    tool_use_id: String,
    cwd: String,
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    permission_mode: Option<String>,
    tool: String,
    input: Value,
    input_sha256: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    risk: Option<Risk>,
    #[serde(default)]
    reason: String,
}

impl CallRequest {
    fn check(&self) -> std::result::Result<(), String> {
        for (name, value, max) in [
            ("session_id", &self.session_id, 256),
            ("tool_use_id", &self.tool_use_id, 256),
            ("tool", &self.tool, 256),
            ("cwd", &self.cwd, 4096),
        ] {
            if value.trim().is_empty() || value.len() > max {
                return Err(format!("`{name}` must be 1 to {max} bytes"));
            }
        }
        if self.input_sha256.len() != 64
            || !self
                .input_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err("`input_sha256` must be 64 lowercase hex digits".into());
        }
        Ok(())
    }
}

impl Service {
    /// Answers a hook's `POST /approve`.
    pub(super) fn approve_api(&self, request: &Request) -> Response {
        let call: CallRequest = match serde_json::from_slice(&request.body) {
            Ok(call) => call,
            Err(e) => return bad_request(&format!("the body is not a call: {e}")),
        };
        if let Err(why) = call.check() {
            return bad_request(&why);
        }
        match self.answer_call(&call, request) {
            Ok(answer) => Response::json(200, &answer),
            Err(error) => Response::json(
                500,
                &json!({"status": "error", "message": error.to_string()}),
            ),
        }
    }

    /// Under the session's lock: the call's item, created or found, and what to answer.
    fn answer_call(&self, call: &CallRequest, request: &Request) -> Result<Value> {
        let queue = &self.config.queue;
        let _lock = queue.lock_session(&call.session_id)?;
        let scan = queue.scan()?;
        if let Some(bad) = scan.unreadable.first() {
            return Err(Error::Review(format!(
                "the queue file `{}` is unreadable ({}); nothing can wait for review until it \
                 is fixed",
                bad.path.display(),
                bad.error
            )));
        }
        let current = scan
            .items
            .iter()
            .filter(|i| {
                i.session_id == call.session_id
                    && i.tool_use_id == call.tool_use_id
                    && i.is_current()
            })
            .max_by(|a, b| a.queued_at.cmp(&b.queued_at))
            .cloned();
        let now = chrono::Utc::now();
        let base = Self::base_url(request);
        match current {
            Some(item) if item.input_sha256 == call.input_sha256 => {
                self.answer_known(item, call, &base, now)
            }
            // The same call with other input: a new item, which no decision covers.
            Some(mut old) => {
                let mut new = new_item(call, now, Some(&old.id));
                queue.insert(&mut new)?;
                old.replaced_by = Some(new.id.clone());
                queue.update(&old)?;
                Ok(pending(
                    &new,
                    &base,
                    "its input changed; it waits for a new review",
                ))
            }
            None => {
                if let Some(waiting) = scan.waiting_in_session(&call.session_id, &call.tool_use_id)
                {
                    return Ok(json!({
                        "status": "busy",
                        "item": waiting.id,
                        "message": format!(
                            "review {} ({} `{}`) waits for a decision",
                            waiting.id, waiting.tool, clip(&summary(&waiting.input), 80)
                        ),
                    }));
                }
                let mut item = new_item(call, now, None);
                queue.insert(&mut item)?;
                Ok(pending(&item, &base, "waiting for a reviewer"))
            }
        }
    }

    /// A call the service holds an item for, with the same input.
    fn answer_known(
        &self,
        mut item: Item,
        call: &CallRequest,
        base: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Value> {
        let queue = &self.config.queue;
        let Some(signed) = item.decision.clone() else {
            item.last_answer = "defer".into();
            queue.update(&item)?;
            return Ok(pending(&item, base, "waiting for a reviewer"));
        };
        let verified = match signed.verify(&self.config.trusted) {
            Ok(verified) => verified,
            Err(refusal) => {
                return Ok(json!({
                    "status": "refused", "item": item.id,
                    "message": format!("the decision on review {} does not hold: {refusal}", item.id),
                }));
            }
        };
        if verified.statement.decision == Verdict::Deny {
            item.last_answer = "deny".into();
            queue.update(&item)?;
            return Ok(decided(&item, &signed));
        }
        if let Err(refusal) = verified.statement.check_expiry(now) {
            // Queued again: the person sees it once more.
            let mut new = new_item(call, now, Some(&item.id));
            new.reason = format!("{refusal}; {}", new.reason);
            queue.insert(&mut new)?;
            item.status = Status::Expired;
            item.replaced_by = Some(new.id.clone());
            queue.update(&item)?;
            return Ok(pending(
                &new,
                base,
                &format!("the approval of review {} expired; queued again", item.id),
            ));
        }
        if item.resumed_at.is_some() {
            return Ok(json!({
                "status": "refused", "item": item.id,
                "message": format!(
                    "the approval of review {} was already handed out once, and an approval \
                     runs its call only once",
                    item.id
                ),
            }));
        }
        item.last_answer = "allow".into();
        item.resumed_at = Some(stamp(now));
        queue.update(&item)?;
        Ok(decided(&item, &signed))
    }

    /// `GET /status?session_id=S&tool_use_id=T`: where a call's review stands, without
    /// touching it (`POST /approve` hands an approval out; this only looks), so that a CI job
    /// can wait for the decision before it resumes.
    pub(super) fn status(&self, request: &Request) -> Response {
        let (Some(session), Some(tool_use_id)) = (
            request.query_field("session_id"),
            request.query_field("tool_use_id"),
        ) else {
            return bad_request("give session_id and tool_use_id");
        };
        let scan = match self.config.queue.scan() {
            Ok(scan) => scan,
            Err(e) => {
                return Response::json(500, &json!({"status": "error", "message": e.to_string()}));
            }
        };
        let Some(item) = scan
            .items
            .iter()
            .filter(|i| i.session_id == session && i.tool_use_id == tool_use_id && i.is_current())
            .max_by(|a, b| a.queued_at.cmp(&b.queued_at))
        else {
            return Response::json(200, &json!({"status": "unknown"}));
        };
        let status = match (&item.decision, item.status) {
            (None, _) => "pending",
            (Some(_), _) if item.resumed_at.is_some() => "used",
            (Some(_), Status::Approved) if item.approval_expired(chrono::Utc::now()) => "expired",
            (Some(_), status) => status.as_str(),
        };
        Response::json(200, &json!({"status": status, "item": item.id}))
    }

    /// `scheme://host` as the request reached the service.
    pub(super) fn base_url(request: &Request) -> String {
        format!(
            "{}://{}",
            if request.tls { "https" } else { "http" },
            request.header("host").unwrap_or("127.0.0.1")
        )
    }
}

fn new_item(
    call: &CallRequest,
    now: chrono::DateTime<chrono::Utc>,
    replaces: Option<&str>,
) -> Item {
    let why = Trigger {
        rule: if call.rule.is_empty() {
            "review".into()
        } else {
            call.rule.clone()
        },
        risk: call.risk,
        reason: call.reason.clone(),
    };
    // The input is masked again here: the page shows it to anyone on this machine.
    let recorded = Call {
        session_id: &call.session_id,
        tool_use_id: &call.tool_use_id,
        cwd: &call.cwd,
        project: call.project.as_deref(),
        permission_mode: call.permission_mode.as_deref(),
        tool: &call.tool,
        input: &call.input,
        input_sha256: &call.input_sha256,
    };
    Item::pending(&recorded, &why, now, "defer", replaces)
}

fn pending(item: &Item, base: &str, why: &str) -> Value {
    let url = format!("{base}/#{}", item.id);
    json!({
        "status": "pending",
        "item": item.id,
        "review_url": url,
        "message": format!("{why}: review {} at {url}", item.id),
    })
}

fn decided(item: &Item, signed: &crate::review::decision::SignedDecision) -> Value {
    json!({"status": "decided", "item": item.id, "decision": signed})
}

fn bad_request(why: &str) -> Response {
    Response::json(400, &json!({"status": "error", "message": why}))
}
