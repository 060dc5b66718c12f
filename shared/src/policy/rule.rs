//! One rule of the policy, whatever its syntax, with its id, decision and source.

use std::fmt;

use serde::Deserialize;

use super::call::CallFacts;
use super::permission_match::PermissionMatcher;
use super::table::TableRule;
use crate::Result;
use crate::shell::Command;

/// What a rule decides when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleDecision {
    /// Cancel the call.
    Deny,
    /// Let a person decide.
    Ask,
    /// Let the call go ahead without a prompt.
    Allow,
}

impl RuleDecision {
    /// `deny`, `ask` or `allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Ask => "ask",
            Self::Allow => "allow",
        }
    }
}

/// Where a rule was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSource {
    /// The policy file, or `<built-in>`.
    pub file: String,
    /// The 1-based line, when it could be found.
    pub line: Option<usize>,
}

impl fmt::Display for RuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// One rule: a permission rule in Claude Code's syntax or a `[[rule]]` table.
#[derive(Debug)]
pub struct Rule {
    /// A stable id: the rule text for permission rules, the `id` of a `[[rule]]`.
    pub id: String,
    /// What it decides.
    pub decision: RuleDecision,
    /// Where it was written.
    pub source: RuleSource,
    /// The reason given to the user, if the rule has one.
    pub reason: Option<String>,
    /// The message given to the model, if the rule has one.
    pub message: Option<String>,
    matcher: Matcher,
}

#[derive(Debug)]
pub(crate) enum Matcher {
    Permission(PermissionMatcher),
    Table(TableRule),
}

impl Rule {
    pub(crate) fn new(
        id: String,
        decision: RuleDecision,
        source: RuleSource,
        reason: Option<String>,
        message: Option<String>,
        matcher: Matcher,
    ) -> Self {
        Self {
            id,
            decision,
            source,
            reason,
            message,
            matcher,
        }
    }

    /// Whether the rule matches one simple command of a Bash call.
    pub fn matches_command(&self, facts: &CallFacts<'_>, command: &Command) -> Result<bool> {
        match &self.matcher {
            Matcher::Permission(m) => Ok(m.matches_command(command)),
            Matcher::Table(t) => t.matches_command(facts, command),
        }
    }

    /// Whether the rule matches a call of a tool other than Bash.
    pub fn matches_call(&self, facts: &CallFacts<'_>) -> Result<bool> {
        match &self.matcher {
            Matcher::Permission(m) => m.matches_call(facts),
            Matcher::Table(t) => t.matches_call(facts),
        }
    }
}
