//! One rule of the policy, whatever its syntax, with its id, decision and source.

use std::fmt;
use std::sync::Arc;

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

/// Where a rule was written. The line is looked up only when asked for (a person reads it, or
/// the rule decided a call), so a policy of thousands of rules loads in linear time.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// The policy file, or `<built-in>`.
    pub file: String,
    /// The text of the file.
    text: Arc<str>,
    /// What to look for in the text: the rule as written, quoted.
    needles: [String; 2],
}

impl RuleSource {
    pub(crate) fn new(file: String, text: Arc<str>, quoted: &str) -> Self {
        Self {
            file,
            text,
            needles: [format!("\"{quoted}\""), format!("'{quoted}'")],
        }
    }

    /// The 1-based line the rule is written on, when it can be found.
    pub fn line(&self) -> Option<usize> {
        self.needles.iter().find_map(|needle| {
            self.text
                .find(needle.as_str())
                .map(|at| self.text[..at].lines().count().max(1))
        })
    }
}

impl PartialEq for RuleSource {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file && self.line() == other.line()
    }
}

impl Eq for RuleSource {}

impl fmt::Display for RuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
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

    /// Whether the rule matches one simple command of a Bash call (or of another tool that runs
    /// shell commands, such as `Monitor`). A `Bash(...)` deny or ask rule covers every such
    /// tool, since they run the same shells; an allow rule covers only the tool it names.
    pub fn matches_command(&self, facts: &CallFacts<'_>, command: &Command) -> Result<bool> {
        match &self.matcher {
            Matcher::Permission(m) => Ok((self.decision != RuleDecision::Allow
                || facts.call.name == m.rule.tool)
                && m.matches_command(command)),
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
