//! `pretooluse-gate explain`: runs one tool call through the pipeline and shows each stage.
//!
//! Nothing is recorded: the session's denial streak and the audit trail are left alone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::decision::Presence;
use super::{Basis, Opinion, Options, Verdict, evaluate, load_policy, request};
use crate::protocol::{HookInput, ToolCall, ToolView};
use crate::{Error, FailureDecision, Result};

/// What to explain.
#[derive(Debug, Clone)]
pub enum Target {
    /// A Bash command line.
    Command(String),
    /// A hook input file (a `PreToolUse` or `PermissionRequest` payload).
    Payload(PathBuf),
    /// A call of any tool, from its parts.
    Tool {
        /// The tool name.
        name: String,
        /// `file_path` for file tools.
        path: Option<String>,
        /// `content` (Write) or `new_string` (Edit).
        content: Option<String>,
        /// `url` for WebFetch.
        url: Option<String>,
    },
}

impl Target {
    /// The target named by `explain`'s arguments: a command, else a payload file, else a tool.
    pub fn from_arguments(
        command: Option<String>,
        payload: Option<PathBuf>,
        tool: Option<String>,
        path: Option<String>,
        content: Option<String>,
        url: Option<String>,
    ) -> Result<Self> {
        match (command, payload, tool) {
            (Some(command), _, _) => Ok(Self::Command(command)),
            (_, Some(payload), _) => Ok(Self::Payload(payload)),
            (_, _, Some(name)) => {
                let needs = match name.as_str() {
                    "Read" | "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => {
                        path.is_none().then_some("--path")
                    }
                    "WebFetch" => url.is_none().then_some("--url"),
                    _ => None,
                };
                if let Some(flag) = needs {
                    return Err(Error::Other(format!("explain --tool {name} needs {flag}")));
                }
                Ok(Self::Tool {
                    name,
                    path,
                    content,
                    url,
                })
            }
            _ => Err(Error::Other(
                "explain needs a command, --input PAYLOAD or --tool NAME".into(),
            )),
        }
    }
}

/// The hook input `explain` evaluates, as Claude Code would send it from `cwd`.
pub fn hook_input(target: &Target, cwd: &Path, permission_mode: &str) -> Result<HookInput> {
    let (tool, tool_input) = match target {
        Target::Payload(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::io("reading hook input", path, e))?;
            return HookInput::parse(text.as_bytes());
        }
        Target::Command(command) => ("Bash".to_owned(), json!({ "command": command })),
        Target::Tool {
            name,
            path,
            content,
            url,
        } => {
            let mut input = serde_json::Map::new();
            if let Some(path) = path {
                let key = if name == "NotebookEdit" {
                    "notebook_path"
                } else if matches!(name.as_str(), "Glob" | "Grep") {
                    "path"
                } else {
                    "file_path"
                };
                input.insert(key.into(), Value::String(path.clone()));
            }
            if let Some(content) = content {
                let key = if name == "Write" {
                    "content"
                } else {
                    "new_string"
                };
                input.insert(key.into(), Value::String(content.clone()));
            }
            if let Some(url) = url {
                input.insert("url".into(), Value::String(url.clone()));
                input.insert("prompt".into(), Value::String(String::new()));
            }
            (name.clone(), Value::Object(input))
        }
    };
    HookInput::from_value(json!({
        "session_id": "explain",
        "transcript_path": "",
        "cwd": cwd,
        "permission_mode": permission_mode,
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "explain",
    }))
}

/// One explained call.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The policy files read, lowest first.
    pub policy: Vec<String>,
    /// The gate mode.
    pub mode: String,
    /// The session's permission mode.
    pub permission_mode: Option<String>,
    /// The tool.
    pub tool: String,
    /// What the call does, in one line.
    pub subject: String,
    /// The verdict, or why the gate could not decide.
    pub outcome: std::result::Result<Verdict, String>,
    /// What the gate answers when it cannot decide, in this session's permission mode.
    pub on_error: FailureDecision,
    /// Whether a person can answer a prompt in the session.
    pub presence: Presence,
    /// What an untrusted layer set that was not honoured: (file, key, why).
    pub ignored: Vec<(String, String, String)>,
}

/// Explains a tool-event input. A policy that does not load is an error.
pub fn explain(options: &Options, input: &HookInput) -> Result<Explanation> {
    let call = input
        .tool_call()
        .ok_or_else(|| Error::Other(format!("{} is not a tool event", input.event_name)))?;
    let policy = load_policy(input, options)?;
    let situation = super::situation(&policy, input);
    let protected = options.protected_set(&policy);
    Ok(Explanation {
        policy: policy.sources.clone(),
        mode: policy.gate.mode.as_str().to_owned(),
        permission_mode: input.common.permission_mode.clone(),
        tool: call.name.clone(),
        subject: subject(call),
        outcome: evaluate(&policy, &request(input, call, &protected)).map_err(|e| e.to_string()),
        on_error: situation.failure(policy.gate.on_error),
        presence: situation.presence,
        ignored: policy
            .effective
            .ignored
            .iter()
            .map(|i| (i.source.to_string(), i.key.clone(), i.why.clone()))
            .collect(),
    })
}

/// What a call does, in one line: the command, path, URL or input, with secrets masked.
pub fn subject(call: &ToolCall) -> String {
    crate::secrets::redact(&raw_subject(call))
}

fn raw_subject(call: &ToolCall) -> String {
    match call.view() {
        Ok(ToolView::Bash(bash)) => bash.command,
        Ok(ToolView::File { path, .. }) => path,
        Ok(ToolView::WebFetch(fetch)) => fetch.url,
        Ok(ToolView::WebSearch(search)) => search.query,
        _ => {
            let text = call.input.to_string();
            match text.char_indices().nth(100) {
                Some((at, _)) => format!("{}...", &text[..at]),
                None => text,
            }
        }
    }
}

fn opinion_text(opinion: Opinion) -> &'static str {
    match opinion {
        Opinion::None => "no opinion",
        other => other.as_str(),
    }
}

fn failure_text(decision: FailureDecision) -> &'static str {
    match decision {
        FailureDecision::Ask => "ask",
        FailureDecision::Deny => "deny",
    }
}

impl Explanation {
    /// The stages as text, one per line, for a person.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Policy: {}", self.policy.join(", "));
        for (file, key, why) in &self.ignored {
            let _ = writeln!(out, "Ignored: {key} in {file} ({why})");
        }
        let _ = writeln!(
            out,
            "Call: {} `{}` (gate mode {}, permission mode {})",
            self.tool,
            self.subject,
            self.mode,
            self.permission_mode.as_deref().unwrap_or("default")
        );
        let verdict = match &self.outcome {
            Err(message) => {
                let _ = writeln!(out, "[Stage 1] Input filter: NOT RUN");
                let _ = writeln!(
                    out,
                    "[Stage 2] Action classification: ERROR -> {} (on_error)",
                    failure_text(self.on_error)
                );
                let _ = writeln!(out, "          {message}");
                let _ = writeln!(out, "Decision: {}", failure_text(self.on_error));
                return out;
            }
            Ok(verdict) => verdict,
        };
        if verdict.basis == Basis::Secret {
            let _ = writeln!(
                out,
                "[Stage 1] Input filter: SECRET ({}) -> deny",
                verdict.secrets.join(", ")
            );
            let _ = writeln!(out, "[Stage 2] Action classification: SKIPPED");
        } else {
            let _ = writeln!(out, "[Stage 1] Input filter: PASS");
            let rule = verdict
                .rule_id
                .as_deref()
                .map(|id| format!(" (rule {id})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "[Stage 2] Action classification: {} -> {}{rule}",
                verdict.label(),
                opinion_text(verdict.classified)
            );
            if let Some(source) = &verdict.rule_source {
                let _ = writeln!(out, "          source: {source}");
            }
            for line in &verdict.trace {
                let _ = writeln!(out, "          {line}");
            }
        }
        let conclusion = verdict.conclusion.map_or_else(
            || "nothing".to_owned(),
            super::decision::Conclusion::describe,
        );
        let _ = writeln!(
            out,
            "[Stage 3] Decision table: {conclusion}, gate mode {}, {} -> {}",
            self.mode,
            self.presence.describe(),
            opinion_text(verdict.opinion)
        );
        if verdict.escalated {
            let _ = writeln!(out, "          escalated after repeated denials");
        }
        let _ = writeln!(
            out,
            "Decision: {}",
            match verdict.opinion {
                Opinion::None => "no opinion (Claude Code's own rules and prompt decide)",
                other => opinion_text(other),
            }
        );
        if !verdict.reason.is_empty() {
            let _ = writeln!(out, "Reason (user): {}", verdict.reason);
        }
        if verdict.opinion == Opinion::Deny && !verdict.message.is_empty() {
            let _ = writeln!(out, "Message (model): {}", verdict.message);
        }
        out
    }

    /// The same as JSON, for scripts.
    pub fn to_json(&self) -> Value {
        let (decision, verdict, error) = match &self.outcome {
            Ok(verdict) => (
                verdict.opinion.as_str().to_owned(),
                serde_json::to_value(verdict).unwrap_or(Value::Null),
                Value::Null,
            ),
            Err(message) => (
                failure_text(self.on_error).to_owned(),
                Value::Null,
                Value::String(message.clone()),
            ),
        };
        json!({
            "policy": self.policy,
            "mode": self.mode,
            "permission_mode": self.permission_mode,
            "tool": self.tool,
            "subject": self.subject,
            "decision": decision,
            "conclusion": self.outcome.as_ref().ok().and_then(|v| v.conclusion).map(super::decision::Conclusion::describe),
            "presence": self.presence.describe(),
            "ignored": self.ignored.iter().map(|(file, key, why)| json!({"file": file, "key": key, "why": why})).collect::<Vec<_>>(),
            "verdict": verdict,
            "error": error,
        })
    }
}
