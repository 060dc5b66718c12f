//! `[[rule]]` tables: rules that say what the short syntax cannot.
//!
//! Every condition a rule states must hold. The regex and the jq condition are compiled only
//! when a call reaches them (the rule's tools and program already match), so start-up never
//! pays for the whole rule set.

use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::call::CallFacts;
use super::path::PathPattern;
use super::rule::RuleDecision;
use super::wildcard::Wildcard;
use crate::jq::Condition;
use crate::protocol::ToolView;
use crate::shell::Command;
use crate::{Error, Result};

/// A `[[rule]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableRuleSpec {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) tools: Vec<String>,
    pub(crate) program: Option<String>,
    #[serde(default)]
    pub(crate) args: Vec<String>,
    pub(crate) command_regex: Option<String>,
    #[serde(default)]
    pub(crate) paths: Vec<String>,
    pub(crate) when: Option<String>,
    pub(crate) decision: RuleDecision,
    pub(crate) reason: Option<String>,
    pub(crate) message: Option<String>,
}

/// A `[[rule]]`, ready to match.
#[derive(Debug)]
pub(crate) struct TableRule {
    id: String,
    tools: Vec<Wildcard>,
    program: Option<String>,
    args: Vec<String>,
    command_regex: Option<Lazy<regex_lite::Regex>>,
    paths: Vec<PathPattern>,
    when: Option<Lazy<Condition>>,
}

/// A source text compiled on first use; the compile error is kept for every later use.
#[derive(Debug)]
struct Lazy<T> {
    source: String,
    compiled: OnceLock<Result<T, String>>,
}

impl<T> Lazy<T> {
    fn new(source: String) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn get(&self, compile: impl FnOnce(&str) -> Result<T, String>) -> Result<&T, String> {
        self.compiled
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl TableRule {
    /// Prepares a rule; `settings_root` anchors `/x` path patterns.
    pub(crate) fn new(spec: &TableRuleSpec, settings_root: &Path) -> Self {
        Self {
            id: spec.id.clone(),
            tools: spec.tools.iter().map(|t| Wildcard::new(t)).collect(),
            program: spec.program.clone(),
            args: spec.args.clone(),
            command_regex: spec.command_regex.clone().map(Lazy::new),
            paths: spec
                .paths
                .iter()
                .map(|p| PathPattern::new(p, settings_root))
                .collect(),
            when: spec.when.clone().map(Lazy::new),
        }
    }

    fn has_command_conditions(&self) -> bool {
        self.program.is_some() || !self.args.is_empty() || self.command_regex.is_some()
    }

    fn tool_matches(&self, name: &str) -> bool {
        self.tools.is_empty() || self.tools.iter().any(|t| t.matches(name))
    }

    /// Whether the rule matches one simple command of a Bash call.
    pub(crate) fn matches_command(&self, facts: &CallFacts<'_>, command: &Command) -> Result<bool> {
        if !self.tool_matches(&facts.call.name) || !self.paths.is_empty() {
            return Ok(false);
        }
        if let Some(program) = &self.program {
            let runs = command.program().map(|p| p.rsplit('/').next().unwrap_or(p));
            if runs != Some(program.as_str()) {
                return Ok(false);
            }
        }
        let arguments = command.effective.get(1..).unwrap_or_default();
        if !self.args.iter().all(|a| arguments.contains(a)) {
            return Ok(false);
        }
        if let Some(lazy) = &self.command_regex {
            let regex = lazy
                .get(|src| regex_lite::Regex::new(src).map_err(|e| e.to_string()))
                .map_err(|m| self.error("command_regex", &m))?;
            if !regex.is_match(&command.text) {
                return Ok(false);
            }
        }
        self.when_holds(facts)
    }

    /// Whether the rule matches a call of a tool other than Bash.
    pub(crate) fn matches_call(&self, facts: &CallFacts<'_>) -> Result<bool> {
        if matches!(facts.view, ToolView::Bash(_))
            || self.has_command_conditions()
            || !self.tool_matches(&facts.call.name)
        {
            return Ok(false);
        }
        if !self.paths.is_empty() {
            let Some(path) = &facts.file_path else {
                return Ok(false);
            };
            let mut any = false;
            for pattern in &self.paths {
                if pattern.matches(path, facts.anchors(), facts.searches)? {
                    any = true;
                    break;
                }
            }
            if !any {
                return Ok(false);
            }
        }
        self.when_holds(facts)
    }

    fn when_holds(&self, facts: &CallFacts<'_>) -> Result<bool> {
        let Some(lazy) = &self.when else {
            return Ok(true);
        };
        let condition = lazy
            .get(|src| Condition::compile(src).map_err(|e| e.to_string()))
            .map_err(|m| self.error("when", &m))?;
        condition
            .is_true(facts.hook_input)
            .map_err(|e| self.error("when", &e.to_string()))
    }

    fn error(&self, field: &str, message: &str) -> Error {
        Error::Rule {
            rule: self.id.clone(),
            message: format!("{field}: {message}"),
        }
    }
}
