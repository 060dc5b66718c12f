//! `pretooluse-gate replay`: runs every tool call of recorded transcripts through the policy
//! and reports what would have been denied or asked.
//!
//! A transcript is Claude Code's JSON Lines session file. Only `assistant` lines are read, and
//! of those only their `tool_use` blocks; every other line type is skipped. Nothing is
//! recorded: no session state, no audit trail.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use super::explain::subject;
use super::{Opinion, Options, evaluate, request};
use crate::policy::Policy;
use crate::protect::ProtectedSet;
use crate::protocol::HookInput;
use crate::{Error, FailureDecision, Result};

/// One call that would have been denied or asked.
#[derive(Debug, Clone, Serialize)]
pub struct Flagged {
    /// The transcript file.
    pub file: String,
    /// The 1-based line of the assistant message.
    pub line: usize,
    /// The tool.
    pub tool: String,
    /// What the call does, in one line.
    pub subject: String,
    /// `deny` or `ask`.
    pub decision: String,
    /// The rule or class id that decided (`gate.error` when the gate could not decide).
    pub rule_id: String,
    /// The reason given to the user.
    pub reason: String,
}

/// How many calls a rule would have denied and asked.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct RuleCount {
    /// Denials.
    pub deny: usize,
    /// Asks.
    pub ask: usize,
}

/// The result of a replay.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Transcript files read.
    pub files: usize,
    /// Tool calls found.
    pub calls: usize,
    /// Calls per final decision (`allow`, `none`, `ask`, `deny`).
    pub decisions: BTreeMap<String, usize>,
    /// The calls that would have been denied or asked, in transcript order.
    pub flagged: Vec<Flagged>,
    /// Denials and asks per rule id.
    pub by_rule: BTreeMap<String, RuleCount>,
    /// Lines that were not JSON.
    pub unreadable_lines: usize,
}

/// The transcript files under `path`: the file itself, or every `*.jsonl` below a directory,
/// sorted.
pub fn transcripts(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| Error::io("reading directory", &dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("reading directory", &dir, e))?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Replays every transcript under `path` against the policy of the project of `cwd`.
pub fn replay(options: &Options, cwd: &Path, path: &Path) -> Result<Report> {
    let policy = super::policy_for(cwd, options)?;
    let protected = options.protected_set(&policy);
    replay_with(&policy, &protected, path)
}

/// Replays every transcript under `path` against `policy`, with `protected` the set of the
/// project the policy was read for.
fn replay_with(policy: &Policy, protected: &ProtectedSet, path: &Path) -> Result<Report> {
    let mut report = Report::default();
    for file in transcripts(path)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::io("reading transcript", &file, e))?;
        report.files += 1;
        let name = file.display().to_string();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let Ok(entry) = serde_json::from_str::<Value>(line) else {
                report.unreadable_lines += 1;
                continue;
            };
            for input in tool_uses(&entry, &name) {
                replay_call(policy, protected, &input, &name, index + 1, &mut report);
            }
        }
    }
    Ok(report)
}

/// The `PreToolUse` inputs Claude Code would have sent for an assistant line's tool calls.
fn tool_uses(entry: &Value, transcript: &str) -> Vec<HookInput> {
    if entry.get("type").and_then(Value::as_str) != Some("assistant") {
        return Vec::new();
    }
    let Some(blocks) = entry.pointer("/message/content").and_then(Value::as_array) else {
        return Vec::new();
    };
    let text = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or_default();
    blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
        .filter_map(|block| {
            HookInput::from_value(json!({
                "session_id": text("sessionId"),
                "transcript_path": transcript,
                "cwd": if text("cwd").is_empty() { "." } else { text("cwd") },
                "permission_mode": entry.get("permissionMode").and_then(Value::as_str).unwrap_or("default"),
                "hook_event_name": "PreToolUse",
                "tool_name": block.get("name")?,
                "tool_input": block.get("input").cloned().unwrap_or(Value::Null),
                "tool_use_id": block.get("id").cloned().unwrap_or(Value::Null),
            }))
            .ok()
        })
        .collect()
}

fn replay_call(
    policy: &Policy,
    protected: &ProtectedSet,
    input: &HookInput,
    file: &str,
    line: usize,
    report: &mut Report,
) {
    let Some(call) = input.tool_call() else {
        return;
    };
    report.calls += 1;
    let (opinion, rule_id, reason) = match evaluate(policy, &request(input, call, protected)) {
        Ok(verdict) => (
            verdict.opinion,
            verdict.rule_id.unwrap_or_else(|| "-".into()),
            verdict.reason,
        ),
        Err(error) => (
            match policy.gate.on_error {
                FailureDecision::Ask => Opinion::Ask,
                FailureDecision::Deny => Opinion::Deny,
            },
            "gate.error".into(),
            error.to_string(),
        ),
    };
    *report
        .decisions
        .entry(opinion.as_str().to_owned())
        .or_default() += 1;
    if !matches!(opinion, Opinion::Deny | Opinion::Ask) {
        return;
    }
    let count = report.by_rule.entry(rule_id.clone()).or_default();
    if opinion == Opinion::Deny {
        count.deny += 1;
    } else {
        count.ask += 1;
    }
    report.flagged.push(Flagged {
        file: file.to_owned(),
        line,
        tool: call.name.clone(),
        subject: subject(call),
        decision: opinion.as_str().to_owned(),
        rule_id,
        reason,
    });
}

impl Report {
    /// The report as text, for a person.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for flagged in &self.flagged {
            let _ = writeln!(
                out,
                "{}:{}  {:<4}  {}  {}",
                flagged.file, flagged.line, flagged.decision, flagged.tool, flagged.subject
            );
            let _ = writeln!(out, "    rule {}: {}", flagged.rule_id, flagged.reason);
        }
        let count = |key: &str| self.decisions.get(key).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "{} tool call(s) in {} transcript(s): {} denied, {} asked, {} allowed, {} no opinion",
            self.calls,
            self.files,
            count("deny"),
            count("ask"),
            count("allow"),
            count("none")
        );
        if !self.by_rule.is_empty() {
            let _ = writeln!(out, "By rule:");
            let width = self.by_rule.keys().map(String::len).max().unwrap_or(0);
            for (rule, count) in &self.by_rule {
                let _ = writeln!(
                    out,
                    "  {rule:<width$}  deny {}  ask {}",
                    count.deny, count.ask
                );
            }
        }
        if self.unreadable_lines > 0 {
            let _ = writeln!(
                out,
                "{} line(s) were not JSON and were skipped",
                self.unreadable_lines
            );
        }
        out
    }
}
