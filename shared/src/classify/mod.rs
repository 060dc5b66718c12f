//! The built-in risk classifier: what a tool call would do, and how risky that is.
//!
//! For a Bash call, every simple command [`crate::shell::parse`] finds (nested ones included, wrappers
//! removed) is judged on its own: recognised actions become [`Finding`]s with a stable class id
//! (`fs.rm-root`, `git.push-force`, ...), commands it does not know are listed as
//! `unrecognised`. File tools are judged by the path they touch (secrets, system directories,
//! outside the project) and by the script they write; WebFetch by its host. Nothing runs,
//! nothing is read from disk and nothing goes to the network.

#![expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "file names are lower-cased before their endings are compared"
)]

mod bash;
pub mod catalog;
mod code;
mod data;
mod file_tool;
mod fs;
mod git;
mod net;
mod paths;
mod sys;

use std::path::PathBuf;

use crate::protocol::{ToolCall, ToolView};
use crate::shell::Command;
use crate::{Error, Result};

/// How risky a recognised action is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Read-only or confined to build output: allow silently.
    Low,
    /// Changes the project or reaches the network: allow and log, or ask in strict mode.
    Medium,
    /// Destroys data, escapes the project, runs fetched code: deny or ask.
    High,
}

impl Risk {
    /// `low`, `medium`, `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One recognised action of a tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable class id such as `fs.rm-root` or `git.push-force`.
    pub class: String,
    /// Its risk.
    pub risk: Risk,
    /// A reason the user can act on.
    pub reason: String,
    /// What the model is told: what happened and not to work around it.
    pub message: String,
    /// The part of the call it concerns (a simple command, a path, a URL).
    pub subject: String,
}

impl Finding {
    /// A finding with the standard message for its risk.
    pub(crate) fn new(class: &str, risk: Risk, reason: impl Into<String>, subject: &str) -> Self {
        let reason = reason.into();
        let message = match risk {
            Risk::High => format!(
                "hookkit stopped `{}`: {reason}. Do not try to reach the same result another \
                 way (other flags, wrappers, scripts, encodings or tools); tell the user what \
                 you wanted to do and let them decide.",
                shorten(subject)
            ),
            Risk::Medium => format!(
                "hookkit flagged `{}`: {reason}. If it is refused, do not work around it; ask \
                 the user.",
                shorten(subject)
            ),
            Risk::Low => String::new(),
        };
        Self {
            class: class.to_owned(),
            risk,
            reason,
            message,
            subject: subject.to_owned(),
        }
    }
}

fn shorten(subject: &str) -> String {
    const MAX: usize = 160;
    if subject.len() <= MAX {
        return subject.to_owned();
    }
    let mut end = MAX;
    while !subject.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &subject[..end])
}

/// Everything the classifier recognised in one tool call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// One finding per recognised action.
    pub findings: Vec<Finding>,
    /// Actions it did not recognise (simple commands, or the whole call for unknown tools).
    pub unrecognised: Vec<String>,
    /// How it read the call: the parse, wrappers removed, nested commands; for `explain`.
    pub trace: Vec<String>,
}

impl Assessment {
    /// The finding with the highest risk, if any (the first of equals).
    pub fn worst(&self) -> Option<&Finding> {
        self.findings.iter().rev().max_by_key(|f| f.risk)
    }
}

/// Where a call happens.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The session cwd.
    pub cwd: PathBuf,
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home directory.
    pub home: Option<PathBuf>,
    /// Hosts network commands may reach without asking (`github.com`, `*.crates.io`).
    pub allowed_hosts: Vec<String>,
}

/// Classifies a tool call. An input that cannot be read (a command that does not parse) is an
/// error: the caller answers it with its failure decision.
pub fn assess(call: &ToolCall, ctx: &Context) -> Result<Assessment> {
    assess_with(call, None, ctx)
}

/// Classifies a tool call whose Bash command line the caller already parsed (the gate parses
/// each line once and hands the same commands to every stage).
pub fn assess_parsed(call: &ToolCall, commands: &[Command], ctx: &Context) -> Result<Assessment> {
    assess_with(call, Some(commands), ctx)
}

fn assess_with(call: &ToolCall, parsed: Option<&[Command]>, ctx: &Context) -> Result<Assessment> {
    let mut assessment = Assessment::default();
    match call.view().map_err(Error::Other)? {
        ToolView::Bash(input) => match parsed {
            Some(commands) => bash::assess_commands(commands, ctx, &mut assessment),
            None => bash::assess_line(&input.command, ctx, &mut assessment)?,
        },
        ToolView::File {
            access,
            path,
            content,
        } => file_tool::assess(
            &call.name,
            access,
            &path,
            content.as_deref(),
            ctx,
            &mut assessment,
        ),
        ToolView::WebFetch(fetch) => net::assess_web_fetch(&fetch.url, ctx, &mut assessment),
        ToolView::WebSearch(_) => assessment.findings.push(Finding::new(
            "web.search",
            Risk::Low,
            "a web search sends only the query",
            &call.name,
        )),
        _ => assessment.unrecognised.push(call.name.clone()),
    }
    for finding in &assessment.findings {
        assessment.trace.push(format!(
            "{} {}: {} ({})",
            finding.risk.as_str(),
            finding.class,
            finding.reason,
            shorten(&finding.subject)
        ));
    }
    for unknown in &assessment.unrecognised {
        assessment
            .trace
            .push(format!("unrecognised: {}", shorten(unknown)));
    }
    Ok(assessment)
}

/// Whether `host` is one of `allowed` (`example.com`, or `*.example.com` for its subdomains and
/// itself). Local addresses are always allowed.
pub(crate) fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if matches!(
        host.as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0"
    ) {
        return true;
    }
    allowed.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            Some(base) => host == base || host.ends_with(&format!(".{base}")),
            None => host == pattern,
        }
    })
}

#[cfg(test)]
mod tests;
