//! A record read back: the fields people look at, borrowed from the line where possible so
//! that a million records parse without a million allocations.

use std::borrow::Cow;

use serde::Deserialize;

/// The fields of a record that `report` and `tail` show.
#[derive(Debug, Deserialize)]
pub struct RecordView<'a> {
    /// RFC 3339 UTC time.
    #[serde(borrow)]
    pub time: Cow<'a, str>,
    /// The binary that wrote it.
    #[serde(borrow, default)]
    pub binary: Cow<'a, str>,
    /// The hook event.
    #[serde(borrow, default)]
    pub event: Cow<'a, str>,
    /// The session.
    #[serde(borrow, default)]
    pub session_id: Cow<'a, str>,
    /// The tool.
    #[serde(borrow, default)]
    pub tool: Option<Cow<'a, str>>,
    /// The redacted input summary.
    #[serde(borrow, default)]
    pub input: Option<Cow<'a, str>>,
    /// The decision.
    #[serde(borrow, default)]
    pub decision: Cow<'a, str>,
    /// The rule or class that decided.
    #[serde(borrow, default)]
    pub rule_id: Option<Cow<'a, str>>,
    /// The redacted reason.
    #[serde(borrow, default)]
    pub reason: Option<Cow<'a, str>>,
    /// Position in the trail.
    #[serde(default)]
    pub seq: u64,
}

impl<'a> RecordView<'a> {
    /// Parses one line; `None` for a line that is not a record.
    pub fn parse(line: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(line).ok()
    }
}

/// How a decision is counted in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `deny`, `denied`, `block`.
    Denied,
    /// `ask`, `defer`.
    Asked,
    /// `allow`, `approve`.
    Allowed,
    /// Anything else (`retry`, `no-opinion`, ...).
    Other,
}

impl Outcome {
    /// Classifies a decision word.
    pub fn of(decision: &str) -> Self {
        match decision {
            "deny" | "denied" | "block" => Self::Denied,
            "ask" | "defer" => Self::Asked,
            "allow" | "approve" | "approved" => Self::Allowed,
            _ => Self::Other,
        }
    }
}
