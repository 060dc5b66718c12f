//! The audit trail: one append-only, hash-chained JSON Lines file that every hookkit binary
//! writes.
//!
//! # Guarantees
//!
//! - **Never turned against the user.** The log, its rotated files and the trail's key and
//!   checkpoint are opened without following links, and only a regular file with one link,
//!   owned by the user, is written; every directory from the project down to the log must be
//!   a real directory owned by the user (each directory is opened with `O_NOFOLLOW` below the
//!   last, and files relative to it). Anything else is refused
//!   with an error, and the hook's decision stands.
//! - **Whole records.** Each record is one line written with one `write_all` on a file opened
//!   with `O_APPEND`, under an exclusive lock, so concurrent hooks never interleave.
//! - **Tamper evidence.** Each record carries `prev`, the `hash` of the record before it, its
//!   own `hash`, the SHA-256 of the line without the seal, and `mac`, the HMAC-SHA256 of that
//!   hash under a key kept outside the project (`<state_dir>/audit.key`). The newest
//!   record's `seq:hash` is kept in a checkpoint outside the project too. [`verify()`] walks
//!   the chain across rotated files and names the first record that was altered, removed,
//!   reordered, forged or cut, and says what it could not check.
//! - **Constant cost.** The previous hash is found by reading the end of the file only, so an
//!   append costs the same on a 1 GB log as on an empty one.
//! - **No secrets.** Tool inputs are stored as a redacted, capped summary plus the SHA-256 of
//!   the full input; reasons are redacted too (by [`crate::secrets`], the scanner the gate's
//!   input filter uses). The file is created `0600`, its directory `0700`.
//! - **Rotation.** Past `[audit] max_bytes` the log is renamed `<log>.1` (older ones shift up)
//!   and the next record, in a fresh file, chains to the last record of the rotated one.
//!
//! # Sections
//!
//! - [`Record`]: what a binary hands to [`Trail::append`].
//! - [`Trail`]: where the log is, how big it may grow and where it is anchored (all resolved
//!   by [`crate::locations`]: use [`Trail::of`]).
//! - [`verify()`], [`report`], [`tail`]: reading the trail back; [`commands`] prints them.

mod anchor;
mod chain;
pub mod commands;
mod dir;
mod files;
mod flat;
mod line;
mod mac;
pub mod report;
pub mod tail;
pub mod verify;
mod view;
mod writer;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::Result;
use crate::locations::Locations;
use crate::protocol::HookInput;

pub use anchor::HEADS_DIR;
pub use chain::GENESIS;
pub use files::{rotated_files, unsealed_logs};
pub use line::{INPUT_SUMMARY_LIMIT, REASON_LIMIT, summarise_input};
pub use mac::KEY_FILE;
pub use verify::verify;
pub use view::{Outcome, RecordView};

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

/// A log, its rotation size and its anchor: what every append needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trail {
    /// The current log file.
    pub path: PathBuf,
    /// Rotate when the file passes this size.
    pub max_bytes: u64,
    /// hookkit's state directory, which holds the audit key and the log's checkpoint. `None`
    /// for a log that is neither sealed nor anchored (a copy read on another machine).
    pub state_dir: Option<PathBuf>,
    /// The project: every directory from here down to the log must be a real directory, not
    /// a link. `None`, or a log outside it: only the log's own directory is checked.
    pub root: Option<PathBuf>,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The new record's `seq`.
    pub seq: u64,
    /// Its hash.
    pub hash: String,
    /// Something a person should know, though the record was written: the log did not end
    /// where its checkpoint said, or the checkpoint could not be updated.
    pub notice: Option<String>,
}

impl Trail {
    /// The log at `path` with the default rotation size, neither sealed nor anchored: for
    /// reading a log by itself, and for tests. Hooks use [`Trail::of`].
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            max_bytes: crate::locations::DEFAULT_AUDIT_MAX_BYTES,
            state_dir: None,
            root: None,
        }
    }

    /// The log, rotation size and anchor of a run's locations: the one way hooks find the
    /// trail.
    pub fn of(locations: &Locations) -> Self {
        Self {
            path: locations.audit_log.clone(),
            max_bytes: locations.audit_max_bytes,
            state_dir: Some(locations.state_dir.clone()),
            root: Some(locations.project_dir.clone()),
        }
    }

    /// Appends one record: redacted, chained to the previous one, sealed with the audit key,
    /// written whole under an exclusive lock (rotating first when the file has passed
    /// `max_bytes`), then recorded in the checkpoint.
    pub fn append(&self, record: &Record) -> Result<Appended> {
        writer::append(self, record)
    }

    /// Appends one record for a hook, which must answer whatever happens: a failure, or a
    /// notice about the trail, is written to stderr as a warning from `binary`, and changes
    /// nothing else.
    pub fn append_or_warn(&self, binary: &str, record: &Record) {
        let warning = match self.append(record) {
            Ok(appended) => appended.notice,
            Err(e) => Some(format!("the decision was not audited: {e}")),
        };
        if let Some(warning) = warning {
            let _ = writeln!(std::io::stderr().lock(), "{binary}: warning: {warning}");
        }
    }

    /// The audit key's path, when the trail is anchored.
    pub fn key_path(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|s| s.join(KEY_FILE))
    }
}
