//! The reviewer's commands: `list`, `show`, `approve`, `deny` and `resume`.
//!
//! Each writes its human (or `--json`) output to the given writer; the binary passes a locked
//! stdout. An approval or denial is a statement signed with the reviewer's key
//! ([`super::decision`]); every one is recorded in the audit trail.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::decision::{STATEMENT_TYPE, Statement, Verdict};
use super::hook::{BINARY, clip, record};
use super::keys::Signer;
use super::policy::{Overrides, Settings};
use super::queue::{Item, Queue, Status};
use super::shell_quote::quote;
use super::time::{format_age, stamp};
use super::{input_sha256, summary};
use crate::audit::{Record, Trail};
use crate::crypto::PublicKey;
use crate::env::{Env, Role};
use crate::{Error, Result};

/// Which item a command is about.
#[derive(Debug, Clone)]
pub enum Target {
    /// An id, or a unique prefix of one.
    Id(String),
    /// Claude Code's JSON result of a deferred run (`--output-format json`): a file, or `-`
    /// for stdin.
    FromResult(PathBuf),
}

/// Where the reviewer's commands work.
#[derive(Debug)]
pub struct Desk {
    /// The queue.
    pub queue: Queue,
    /// The audit trail.
    pub audit: Trail,
    /// The keys whose decisions the hook accepts.
    pub trusted_keys: Vec<PublicKey>,
    /// hookkit's key directory, if a home is known.
    pub key_dir: Option<PathBuf>,
    /// The time the command runs.
    pub now: DateTime<Utc>,
}

impl Desk {
    /// The desk of the project around the current directory (`CLAUDE_PROJECT_DIR` when set),
    /// with its policy's queue directory and the audit log.
    pub fn open(env: &Env, overrides: &Overrides) -> Result<Self> {
        let project = crate::locations::find_project(env, None)?;
        let settings = Settings::load(env, Role::Person, &project, overrides)?;
        Ok(Self::of(&settings))
    }

    /// The desk of settings already read.
    pub fn of(settings: &Settings) -> Self {
        Self {
            queue: Queue::new(settings.queue_dir.clone()),
            audit: settings.audit.clone(),
            trusted_keys: settings.trusted_keys.clone(),
            key_dir: settings.key_dir.clone(),
            now: Utc::now(),
        }
    }

    /// A warning when `signer`'s key is not among the trusted keys of this policy: the hook
    /// reading the same policy would refuse its decisions.
    pub fn untrusted_warning(&self, signer: &Signer) -> Option<String> {
        let public = signer.pair.public_key();
        (!self.trusted_keys.iter().any(|k| k.same_key(&public))).then(|| {
            format!(
                "warning: key {} is not in [review] trusted_keys of your policy, so hooks \
                 reading it will refuse this decision; add the line:\n  trusted_keys = [{}]",
                public.id(),
                toml::Value::String(public.to_string())
            )
        })
    }

    /// `resume`: prints the command that resumes the item's session (with `extra` arguments
    /// appended), or with `exec` runs it (stdio passed through) and returns its exit code.
    pub fn resume(
        &self,
        out: &mut dyn Write,
        target: &Target,
        claude: &str,
        extra: &[String],
        exec: bool,
    ) -> Result<u8> {
        let item = self.item(target)?;
        let mut words = resume_command(&item, claude);
        words.extend(extra.iter().cloned());
        if !exec {
            let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
            writeln!(out, "{}", line.join(" ")).map_err(write_error)?;
            return Ok(0);
        }
        let status = std::process::Command::new(&words[0])
            .args(&words[1..])
            .status()
            .map_err(|e| Error::io("running", &words[0], e))?;
        Ok(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)))
    }

    /// Finds the item a command names.
    pub fn item(&self, target: &Target) -> Result<Item> {
        match target {
            Target::Id(id) => self.queue.find(id),
            Target::FromResult(path) => {
                let text = if path == Path::new("-") {
                    std::io::read_to_string(std::io::stdin().lock())
                        .map_err(|e| Error::io("reading the result JSON", "<stdin>", e))?
                } else {
                    std::fs::read_to_string(path)
                        .map_err(|e| Error::io("reading the result JSON", path, e))?
                };
                self.item_for_result(&text)
            }
        }
    }

    /// Finds the pending item a `claude -p --output-format json` result stopped on.
    pub fn item_for_result(&self, text: &str) -> Result<Item> {
        let result: Value = serde_json::from_str(text.trim())
            .map_err(|e| Error::Review(format!("the result is not JSON: {e}")))?;
        let Some(tool_use_id) = result
            .pointer("/deferred_tool_use/id")
            .and_then(Value::as_str)
        else {
            let stop = result
                .get("stop_reason")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Err(Error::Review(format!(
                "the result has no `deferred_tool_use`: the run did not stop on a deferred call \
                 (stop_reason: {stop})"
            )));
        };
        let session_id = result.get("session_id").and_then(Value::as_str);
        let scan = self.queue.scan()?;
        scan.items
            .iter()
            .filter(|i| i.tool_use_id == tool_use_id && i.is_current())
            .filter(|i| session_id.is_none_or(|s| s == i.session_id))
            .max_by(|a, b| a.queued_at.cmp(&b.queued_at))
            .cloned()
            .ok_or_else(|| {
                Error::Review(format!(
                    "no item for the deferred call `{tool_use_id}` in `{}`",
                    self.queue.dir().display()
                ))
            })
    }

    /// `list`: pending items (every item with `all`) as a table, or as JSON.
    pub fn list(&self, out: &mut dyn Write, all: bool, json: bool) -> Result<()> {
        let scan = self.queue.scan()?;
        let items: Vec<&Item> = scan
            .items
            .iter()
            .filter(|i| all || i.status == Status::Pending)
            .collect();
        if json {
            let value = serde_json::json!({
                "queue": self.queue.dir(),
                "items": items,
                "unreadable": scan.unreadable.iter().map(|u| serde_json::json!({
                    "path": u.path, "error": u.error,
                })).collect::<Vec<_>>(),
            });
            let text =
                serde_json::to_string_pretty(&value).map_err(|e| Error::Review(e.to_string()))?;
            writeln!(out, "{text}").map_err(write_error)?;
            return Ok(());
        }
        let rows: Vec<[String; 7]> = items
            .iter()
            .map(|i| {
                [
                    i.id.clone(),
                    self.age(i),
                    clip(&i.session_id, 8),
                    i.tool.clone(),
                    clip(&summary(&i.input), 48),
                    format!(
                        "{}/{}",
                        i.risk.map_or("-", crate::classify::Risk::as_str),
                        i.rule
                    ),
                    self.status_text(i),
                ]
            })
            .collect();
        if rows.is_empty() {
            let what = if all { "no items" } else { "no pending items" };
            writeln!(out, "{what} in {}", self.queue.dir().display()).map_err(write_error)?;
        } else {
            let header = [
                "ID",
                "AGE",
                "SESSION",
                "TOOL",
                "SUMMARY",
                "RISK/CLASS",
                "STATUS",
            ]
            .map(str::to_owned);
            write_table(out, &header, &rows)?;
        }
        for bad in &scan.unreadable {
            writeln!(
                out,
                "unreadable: {} ({}); hooks deny sensitive calls until it is fixed or removed",
                bad.path.display(),
                bad.error
            )
            .map_err(write_error)?;
        }
        Ok(())
    }

    /// `show`: everything about one item.
    pub fn show(&self, out: &mut dyn Write, item: &Item) -> Result<()> {
        let input =
            serde_json::to_string_pretty(&item.input).map_err(|e| Error::Review(e.to_string()))?;
        let mut lines = vec![
            ("id", item.id.clone()),
            ("status", self.status_text(item)),
            ("tool", item.tool.clone()),
            ("summary", summary(&item.input)),
            (
                "risk",
                item.risk
                    .map_or("-", crate::classify::Risk::as_str)
                    .to_owned(),
            ),
            ("class", item.rule.clone()),
            ("reason", item.reason.clone()),
            ("session", item.session_id.clone()),
            ("tool_use_id", item.tool_use_id.clone()),
            ("cwd", item.cwd.clone()),
            (
                "mode",
                item.permission_mode.clone().unwrap_or_else(|| "-".into()),
            ),
            (
                "queued",
                format!("{} ({} ago)", item.queued_at, self.age(item)),
            ),
            ("input sha256", item.input_sha256.clone()),
        ];
        let optional = [
            ("decided by", &item.decided_by),
            ("decided at", &item.decided_at),
            ("decision reason", &item.decision_reason),
            ("expires", &item.expires_at),
            ("resumed", &item.resumed_at),
            ("replaces", &item.replaces),
            ("replaced by", &item.replaced_by),
        ];
        lines.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k, v))),
        );
        if let Some(signed) = &item.decision {
            let signature = match signed.verify(&self.trusted_keys) {
                Ok(v) => format!("valid, key {} ({})", v.key.id(), v.key.name()),
                Err(refusal) => format!("not honoured: {refusal}"),
            };
            lines.push(("signature", signature));
        }
        for (key, value) in lines {
            writeln!(out, "{:<18}{value}", format!("{key}:")).map_err(write_error)?;
        }
        writeln!(out, "input (secrets redacted):").map_err(write_error)?;
        for line in input.lines() {
            writeln!(out, "  {line}").map_err(write_error)?;
        }
        Ok(())
    }

    /// `approve`: the call may run, once, with exactly this input until the approval expires.
    pub fn approve(
        &self,
        out: &mut dyn Write,
        target: &Target,
        signer: &Signer,
        reason: Option<&str>,
        ttl: Duration,
    ) -> Result<Item> {
        let expires = self.now
            + chrono::Duration::from_std(ttl)
                .map_err(|_| Error::Other("the approval lifetime is too long".into()))?;
        let item = self.decide(target, signer, Verdict::Approve, reason, Some(expires))?;
        writeln!(
            out,
            "approved {} ({} `{}`) until {}; resume the session with:\n  {}",
            item.id,
            item.tool,
            clip(&summary(&item.input), 60),
            stamp(expires),
            resume_line(&item)
        )
        .map_err(write_error)?;
        Ok(item)
    }

    /// `deny`: the call must not run; `reason` goes to the model on resume.
    pub fn deny(
        &self,
        out: &mut dyn Write,
        target: &Target,
        signer: &Signer,
        reason: &str,
    ) -> Result<Item> {
        if reason.trim().is_empty() {
            return Err(Error::Review(
                "a denial needs a reason: the model is told it".into(),
            ));
        }
        let item = self.decide(target, signer, Verdict::Deny, Some(reason), None)?;
        writeln!(
            out,
            "denied {} ({} `{}`); resume the session to tell the model:\n  {}",
            item.id,
            item.tool,
            clip(&summary(&item.input), 60),
            resume_line(&item)
        )
        .map_err(write_error)?;
        Ok(item)
    }

    /// Signs a decision on a pending item under its session's lock, stores it on the item,
    /// and audits it.
    fn decide(
        &self,
        target: &Target,
        signer: &Signer,
        verdict: Verdict,
        reason: Option<&str>,
        expires: Option<DateTime<Utc>>,
    ) -> Result<Item> {
        let found = self.item(target)?;
        let _lock = self.queue.lock_session(&found.session_id)?;
        let item = self.queue.find(&found.id)?;
        let decided = decide_item(
            item,
            &signer.pair,
            &signer.reviewer,
            &self.trusted_keys,
            verdict,
            reason,
            expires,
            self.now,
        )?;
        self.queue.update(&decided)?;
        record(
            &self.audit,
            &decision_record(&decided, verdict, &signer.reviewer),
        );
        Ok(decided)
    }

    fn age(&self, item: &Item) -> String {
        item.queued_time()
            .and_then(|t| (self.now - t).to_std().ok())
            .map_or_else(|| "?".into(), format_age)
    }

    /// The status label, with what the hook will make of it: a decision without a trusted
    /// signature is not honoured, whatever the label says.
    fn status_text(&self, item: &Item) -> String {
        let label = if item.status == Status::Approved && item.approval_expired(self.now) {
            "expired"
        } else {
            item.status.as_str()
        };
        match &item.decision {
            None if matches!(item.status, Status::Approved | Status::Denied) => {
                format!("{label} (unsigned: not honoured)")
            }
            Some(signed) if signed.verify(&self.trusted_keys).is_err() => {
                format!("{label} (signature not trusted)")
            }
            _ => label.to_owned(),
        }
    }
}

/// Signs `verdict` on a pending `item` and returns it with the decision and its labels set.
/// Refuses an item that already carries a decision a trusted key (or the signer's) made, or
/// that a newer item replaced. The statement binds what the item shows: its redacted input is
/// hashed into `shown_sha256`, so a queue file whose display was swapped cannot carry the
/// approval over to the real call.
#[expect(
    clippy::too_many_arguments,
    reason = "one decision's every part, shared by the command line and the service"
)]
pub fn decide_item(
    mut item: Item,
    pair: &crate::crypto::KeyPair,
    reviewer: &str,
    trusted: &[PublicKey],
    verdict: Verdict,
    reason: Option<&str>,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Item> {
    if let Some(existing) = &item.decision {
        let mut keys = trusted.to_vec();
        keys.push(pair.public_key());
        if let Ok(verified) = existing.verify(&keys) {
            return Err(Error::Review(format!(
                "item {} is already {} by {}",
                item.id,
                if verified.statement.decision == Verdict::Approve {
                    "approved"
                } else {
                    "denied"
                },
                verified.statement.reviewer
            )));
        }
    }
    if let Some(newer) = &item.replaced_by {
        return Err(Error::Review(format!(
            "item {} was replaced; its call is now item {newer}",
            item.id
        )));
    }
    let statement = Statement {
        kind: STATEMENT_TYPE.into(),
        item: item.id.clone(),
        decision: verdict,
        session_id: item.session_id.clone(),
        tool_use_id: item.tool_use_id.clone(),
        cwd: item.cwd.clone(),
        permission_mode: item.permission_mode.clone(),
        tool: item.tool.clone(),
        input_sha256: item.input_sha256.clone(),
        shown_sha256: input_sha256(&item.tool, &item.input),
        expires_at: expires.map(stamp),
        reviewer: reviewer.to_owned(),
        decided_at: stamp(now),
        reason: reason.map(str::to_owned).filter(|r| !r.trim().is_empty()),
    };
    item.decision = Some(statement.sign(pair)?);
    item.status = match verdict {
        Verdict::Approve => Status::Approved,
        Verdict::Deny => Status::Denied,
    };
    item.decided_by = Some(reviewer.to_owned());
    item.decided_at = Some(statement.decided_at.clone());
    item.decision_reason.clone_from(&statement.reason);
    item.expires_at.clone_from(&statement.expires_at);
    Ok(item)
}

/// The audit record of a reviewer's decision.
pub fn decision_record(item: &Item, verdict: Verdict, reviewer: &str) -> Record {
    let decision = verdict.as_str();
    Record {
        binary: BINARY.into(),
        event: "Review".into(),
        session_id: item.session_id.clone(),
        tool_use_id: Some(item.tool_use_id.clone()),
        cwd: item.cwd.clone(),
        permission_mode: item.permission_mode.clone(),
        tool: Some(item.tool.clone()),
        input: Some(item.input.clone()),
        decision: decision.into(),
        rule_id: Some(format!("review.{decision}:{}", item.id)),
        rule_source: Some(reviewer.to_owned()),
        reason: Some(format!(
            "{decision} by {reviewer}{}",
            item.decision_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )),
        latency: Duration::ZERO,
    }
}

/// The reviewer's name: `explicit` (`--reviewer`), else `$USER` (or `$LOGNAME`), else the
/// name of the account running the command.
pub fn reviewer_name(env: &Env, explicit: Option<String>) -> Result<String> {
    explicit
        .or_else(|| env.user_name())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            Error::Review("who is reviewing? pass --reviewer NAME (or set $USER)".into())
        })
}

/// `claude -p --resume ...` for an item, quoted for a shell.
fn resume_line(item: &Item) -> String {
    resume_command(item, "claude")
        .iter()
        .map(|w| quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `claude -p --resume <session> [--permission-mode <mode>]`, keeping the
/// permission mode, which `--resume` alone does not restore.
pub fn resume_command(item: &Item, claude: &str) -> Vec<String> {
    let mut words = vec![
        claude.to_owned(),
        "-p".into(),
        "--resume".into(),
        item.session_id.clone(),
    ];
    if let Some(mode) = item.permission_mode.as_deref().filter(|m| !m.is_empty()) {
        words.push("--permission-mode".into());
        words.push(mode.to_owned());
    }
    words
}

fn write_table(out: &mut dyn Write, header: &[String; 7], rows: &[[String; 7]]) -> Result<()> {
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end()).map_err(write_error)?;
    }
    Ok(())
}

fn write_error(error: std::io::Error) -> Error {
    Error::io("writing output", "<stdout>", error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(mode: Option<&str>) -> Item {
        serde_json::from_value(serde_json::json!({
            "id": "abc123", "status": "pending", "session_id": "s-1", "tool_use_id": "t",
            "cwd": "/p", "permission_mode": mode, "tool": "Bash", "summary": "x", "input": {},
            "input_sha256": "0", "rule": "r", "risk": null, "reason": "r",
            "queued_at": "2026-11-21T10:00:00.000Z", "last_answer": "defer"
        }))
        .unwrap()
    }

    #[test]
    fn resume_keeps_the_mode_when_there_is_one() {
        assert_eq!(
            resume_command(&item(Some("plan")), "claude"),
            [
                "claude",
                "-p",
                "--resume",
                "s-1",
                "--permission-mode",
                "plan"
            ]
        );
        assert_eq!(
            resume_command(&item(None), "claude"),
            ["claude", "-p", "--resume", "s-1"]
        );
    }

    #[test]
    fn from_result_needs_a_deferred_call() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk {
            queue: Queue::new(dir.path()),
            audit: Trail::at(dir.path().join("audit.jsonl")),
            trusted_keys: Vec::new(),
            key_dir: None,
            now: Utc::now(),
        };
        let err = desk.item_for_result("not json").unwrap_err().to_string();
        assert!(err.contains("not JSON"), "{err}");
        let err = desk
            .item_for_result(r#"{"stop_reason":"end_turn"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("end_turn"), "{err}");
    }
}
