//! The audit trail: one append-only, hash-chained JSON Lines file that every hookkit binary
//! writes.
//!
//! # Guarantees
//!
//! - **Whole records.** Each record is one line written with one `write_all` on a file opened
//!   with `O_APPEND`, under an exclusive lock, so concurrent hooks never interleave.
//! - **Tamper evidence.** Each record carries `prev`, the `hash` of the record before it, and
//!   its own `hash`, the SHA-256 of the line without that field. [`verify`](verify::verify)
//!   walks the chain across rotated files and names the first record that was altered,
//!   removed, reordered or cut.
//! - **Constant cost.** The previous hash is found by reading the end of the file only, so an
//!   append costs the same on a 1 GB log as on an empty one.
//! - **No secrets.** Tool inputs are stored as a redacted, capped summary plus the SHA-256 of
//!   the full input; reasons are redacted too. The file is created `0600`.
//! - **Rotation.** Past `[audit] max_bytes` the log is renamed `<log>.1` (older ones shift up)
//!   and the next record, in a fresh file, chains to the last record of the rotated one.
//!
//! # Sections
//!
//! - [`Record`]: what a binary hands to [`append`] or [`Trail::append`].
//! - [`Trail`], [`Settings`]: where the log is and how big it may grow (the location itself is
//!   resolved by [`crate::locations`]).
//! - [`verify`], [`report`], [`tail`]: reading the trail back; [`commands`] prints them.

mod chain;
pub mod commands;
mod flat;
mod line;
pub mod report;
pub mod tail;
pub mod verify;
mod view;
mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::locations::Locations;
use crate::protocol::HookInput;

pub use chain::GENESIS;
pub use line::{INPUT_SUMMARY_LIMIT, REASON_LIMIT, summarise_input};
pub use view::{Outcome, RecordView};
pub use writer::rotated_files;

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

/// The `[audit]` section of the policy.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Settings {
    /// The log, relative to the project root unless absolute.
    pub log: Option<PathBuf>,
    /// Which allows the gate logs.
    pub log_allows: Option<LogAllows>,
    /// Rotate when the log passes this size.
    pub max_bytes: Option<u64>,
}

/// Which allow decisions the gate records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogAllows {
    /// None: only ask, deny and defer are recorded.
    None,
    /// Allows of medium-risk calls (the default).
    Medium,
    /// Every allow.
    All,
}

/// Rotation size when the policy sets none: 10 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The default log: `<project>/.claude/logs/hookkit-audit.jsonl`.
pub fn default_path(project_dir: &Path) -> PathBuf {
    project_dir.join(crate::locations::AUDIT_LOG)
}

/// A log file and its rotation size: what every append needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trail {
    /// The current log file.
    pub path: PathBuf,
    /// Rotate when the file passes this size.
    pub max_bytes: u64,
}

impl Trail {
    /// The log at `path` with the default rotation size.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// The log and rotation size of a run's locations.
    pub fn of(locations: &Locations) -> Self {
        Self {
            path: locations.audit_log.clone(),
            max_bytes: locations.audit_max_bytes,
        }
    }

    /// Appends one record: redacted, chained to the previous one, written whole under an
    /// exclusive lock, rotating first when the file has passed `max_bytes`.
    pub fn append(&self, record: &Record) -> Result<()> {
        writer::append(&self.path, self.max_bytes, record)
    }
}

/// Appends a record to the log at `path` with the default rotation size, creating the file
/// (`0600`) and its directory (`0700`). See [`Trail::append`].
pub fn append(path: &Path, record: &Record) -> Result<()> {
    Trail::at(path).append(record)
}
