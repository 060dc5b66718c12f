//! Hook inputs: the one JSON object Claude Code writes to a hook's stdin.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::tool::ToolCall;
use crate::{Error, Result};

/// Fields Claude Code sends with every hook event.
///
/// Optional fields are absent rather than `null` on the wire; all of them are `Option` here.
#[derive(Debug, Clone, Deserialize)]
pub struct Common {
    /// The session; `served:<id>` for remote calls.
    pub session_id: String,
    /// The session transcript (JSON Lines); empty for remote calls.
    #[serde(default)]
    pub transcript_path: String,
    /// The session's working directory.
    pub cwd: PathBuf,
    /// One id per user prompt; absent before the first prompt and after `--resume`.
    #[serde(default)]
    pub prompt_id: Option<String>,
    /// `default`, `acceptEdits`, `plan`, `bypassPermissions`, `dontAsk`, `auto`, or a newer one.
    #[serde(default)]
    pub permission_mode: Option<String>,
    /// Present only inside a subagent.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// Present inside a subagent, or in the main thread of an `--agent` session.
    #[serde(default)]
    pub agent_type: Option<String>,
}

/// Provenance of an MCP tool, sent with `mcp__*` tool events.
#[derive(Debug, Clone, Deserialize)]
pub struct McpServer {
    /// The server name as configured.
    pub name: String,
    /// Where the server was configured (`user`, `project`, `dynamic`, ...).
    #[serde(default)]
    pub source: Option<String>,
}

/// One parsed hook input: the common fields plus the event-specific part.
#[derive(Debug, Clone)]
pub struct HookInput {
    /// Fields every event carries.
    pub common: Common,
    /// The `hook_event_name`, verbatim, to be echoed as `hookEventName`.
    pub event_name: String,
    /// The event-specific part.
    pub event: Event,
    /// The whole input as received, for jq conditions and audit hashing.
    pub raw: Value,
}

/// The event-specific part of a hook input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// Before a tool runs: the gate's main event.
    PreToolUse {
        /// The tool call.
        call: ToolCall,
        /// The call's id, stable across a defer and resume.
        tool_use_id: String,
    },
    /// A permission prompt would be shown. There is no `tool_use_id`.
    PermissionRequest {
        /// The tool call.
        call: ToolCall,
        /// Rule suggestions the prompt would offer, kept verbatim.
        permission_suggestions: Vec<Value>,
    },
    /// Auto mode's classifier denied a call.
    PermissionDenied {
        /// The tool call.
        call: ToolCall,
        /// The call's id.
        tool_use_id: String,
        /// The classifier's reason.
        reason: String,
    },
    /// The user submitted a prompt.
    UserPromptSubmit {
        /// The prompt text.
        prompt: String,
    },
    /// After a tool ran; `PostToolUse` or `PostToolUseFailure`.
    PostToolUse {
        /// The tool call.
        call: ToolCall,
        /// The call's id.
        tool_use_id: String,
    },
    /// The session started, resumed, was cleared or compacted.
    SessionStart {
        /// `startup`, `resume`, `clear`, `compact`, `fork`.
        source: String,
    },
    /// Any other event, known or new, with its fields kept.
    Other(Map<String, Value>),
}

impl HookInput {
    /// Parses the bytes Claude Code wrote to stdin.
    ///
    /// Unknown fields are ignored and unknown events become [`Event::Other`]; a missing common
    /// field, or a tool event without `tool_name`, is an error, because a decision made on a
    /// half-understood input is not safe.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let raw: Value = serde_json::from_slice(bytes).map_err(Error::InputJson)?;
        Self::from_value(raw)
    }

    /// Parses an already-decoded JSON value, as [`HookInput::parse`] does.
    pub fn from_value(raw: Value) -> Result<Self> {
        let Value::Object(map) = &raw else {
            return Err(Error::InputShape {
                event: "<unknown>".into(),
                message: "expected a JSON object".into(),
            });
        };
        let event_name = match map.get("hook_event_name") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            _ => {
                return Err(Error::InputShape {
                    event: "<unknown>".into(),
                    message: "missing string field `hook_event_name`".into(),
                });
            }
        };
        let shape = |message: String| Error::InputShape {
            event: event_name.clone(),
            message,
        };
        let common = Common::deserialize(&raw).map_err(|e| shape(e.to_string()))?;
        let event = match event_name.as_str() {
            "PreToolUse" => Event::PreToolUse {
                call: ToolCall::from_event(map).map_err(shape)?,
                tool_use_id: string_field(map, "tool_use_id"),
            },
            "PermissionRequest" => Event::PermissionRequest {
                call: ToolCall::from_event(map).map_err(shape)?,
                permission_suggestions: match map.get("permission_suggestions") {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                },
            },
            "PermissionDenied" => Event::PermissionDenied {
                call: ToolCall::from_event(map).map_err(shape)?,
                tool_use_id: string_field(map, "tool_use_id"),
                reason: string_field(map, "reason"),
            },
            "PostToolUse" | "PostToolUseFailure" => Event::PostToolUse {
                call: ToolCall::from_event(map).map_err(shape)?,
                tool_use_id: string_field(map, "tool_use_id"),
            },
            "UserPromptSubmit" => Event::UserPromptSubmit {
                prompt: string_field(map, "prompt"),
            },
            "SessionStart" => Event::SessionStart {
                source: string_field(map, "source"),
            },
            _ => Event::Other(map.clone()),
        };
        Ok(Self {
            common,
            event_name,
            event,
            raw,
        })
    }

    /// The tool call of a tool event, if this is one.
    pub fn tool_call(&self) -> Option<&ToolCall> {
        match &self.event {
            Event::PreToolUse { call, .. }
            | Event::PermissionRequest { call, .. }
            | Event::PermissionDenied { call, .. }
            | Event::PostToolUse { call, .. } => Some(call),
            _ => None,
        }
    }

    /// The `tool_use_id` of a tool event that has one.
    pub fn tool_use_id(&self) -> Option<&str> {
        match &self.event {
            Event::PreToolUse { tool_use_id, .. }
            | Event::PermissionDenied { tool_use_id, .. }
            | Event::PostToolUse { tool_use_id, .. }
                if !tool_use_id.is_empty() =>
            {
                Some(tool_use_id)
            }
            _ => None,
        }
    }
}

fn string_field(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
