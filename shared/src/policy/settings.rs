//! The scalar settings of the gate and the audit trail: `[gate]` and `[audit]`.

use serde::Deserialize;

use crate::FailureDecision;

/// How much the gate may allow on its own (see [`crate::gate::decision`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The classifier never allows: the gate answers deny, ask or no opinion (the default).
    #[default]
    Guard,
    /// An opt-in: local, reversible low and medium risk work is allowed silently.
    Auto,
    /// An opt-in: local, reversible low risk work is allowed silently; medium risk asks.
    Strict,
}

impl Mode {
    /// `guard`, `auto` or `strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Guard => "guard",
            Self::Auto => "auto",
            Self::Strict => "strict",
        }
    }
}

/// What high-risk actions get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HighRisk {
    /// Cancel the call.
    #[default]
    Deny,
    /// Let a person decide (where one is at the prompt; elsewhere deny).
    Ask,
}

impl HighRisk {
    /// `deny` or `ask`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Ask => "ask",
        }
    }
}

/// The `[gate]` table, after layering by the schema's merge rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GateSettings {
    /// `guard`, `auto` or `strict`.
    pub mode: Mode,
    /// What the gate answers when it cannot decide.
    pub on_error: FailureDecision,
    /// What high risk gets.
    pub high_risk: HighRisk,
    /// Consecutive denials in a session after which the gate asks instead (0 = never).
    pub escalate_after: u32,
    /// Hosts network commands may reach without asking.
    pub allowed_hosts: Vec<String>,
    /// Paths a write to which always asks, on top of the built-in list.
    pub protected_paths: Vec<String>,
}

impl Default for GateSettings {
    fn default() -> Self {
        Self {
            mode: Mode::Guard,
            on_error: FailureDecision::Ask,
            high_risk: HighRisk::Deny,
            escalate_after: 3,
            allowed_hosts: Vec::new(),
            protected_paths: Vec::new(),
        }
    }
}

/// Which allows are written to the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogAllows {
    /// No allow is logged.
    None,
    /// Allows of medium-risk actions are logged.
    #[default]
    Medium,
    /// Every allow is logged.
    All,
}

/// The part of `[audit]` the gate reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// The log file, relative to the project root; `None` for the default.
    pub log: Option<String>,
    /// Which allows are logged.
    pub log_allows: LogAllows,
}
