//! The audit trail: one append-only JSON Lines file that every hookkit binary writes.
//!
//! INTERFACE STUB (foundation): appends one JSON line per record. The audit work replaces the
//! body (hash chain, locking, rotation, redaction, verify, report) and keeps this interface.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::protocol::HookInput;
use crate::{Error, Result};

/// One audit record, before the trail adds its time, version and chain hash.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    /// The binary that decided.
    pub binary: String,
    /// The hook event.
    pub event: String,
    /// The session.
    pub session_id: String,
    /// The tool call's id, when the event has one.
    pub tool_use_id: Option<String>,
    /// The session cwd.
    pub cwd: String,
    /// The session's permission mode.
    pub permission_mode: Option<String>,
    /// The tool.
    pub tool: Option<String>,
    /// The full tool input (summarised, redacted and hashed by the trail before writing).
    #[serde(skip)]
    pub input: Option<serde_json::Value>,
    /// `allow`, `ask`, `deny`, `defer`, `retry`, `approve`, ...
    pub decision: String,
    /// The rule or class id that decided.
    pub rule_id: Option<String>,
    /// Where that rule came from (file and line, or `built-in`).
    pub rule_source: Option<String>,
    /// The reason given.
    pub reason: Option<String>,
    /// How long the decision took.
    #[serde(skip)]
    pub latency: Duration,
}

impl Record {
    /// A record pre-filled from a hook input.
    pub fn from_input(binary: &str, input: &HookInput) -> Self {
        Self {
            binary: binary.to_owned(),
            event: input.event_name.clone(),
            session_id: input.common.session_id.clone(),
            tool_use_id: input.tool_use_id().map(str::to_owned),
            cwd: input.common.cwd.display().to_string(),
            permission_mode: input.common.permission_mode.clone(),
            tool: input.tool_call().map(|c| c.name.clone()),
            input: input.tool_call().map(|c| c.input.clone()),
            ..Self::default()
        }
    }
}

/// The default log: `<project>/.claude/logs/hookkit-audit.jsonl`.
pub fn default_path(project_dir: &Path) -> PathBuf {
    project_dir
        .join(".claude")
        .join("logs")
        .join("hookkit-audit.jsonl")
}

/// Appends a record to the log at `path`, creating the file and its directory.
pub fn append(path: &Path, record: &Record) -> Result<()> {
    let audit = |message: String| Error::Audit {
        path: path.to_path_buf(),
        message,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| audit(e.to_string()))?;
    }
    let mut line = serde_json::to_string(record).map_err(|e| audit(e.to_string()))?;
    line.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .map_err(|e| audit(e.to_string()))
}
