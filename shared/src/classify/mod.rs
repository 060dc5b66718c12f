//! The built-in risk classifier: what a tool call would do, and how risky that is.
//!
//! For a Bash call, every simple command [`crate::shell::parse`] finds (nested ones included,
//! wrappers removed) is judged on its own: recognised actions become [`Finding`]s of a class
//! from the [`catalog`] (`fs.rm-root`, `git.push-force`, ...), commands it does not know are
//! listed as `unrecognised`, and what each command touches is listed in
//! [`Assessment::touches`] for the self-protection check. Programs that run other command
//! lines (`tmux new '...'`, `make --eval`, `sqlite3 db .shell`, inline interpreter code, a
//! program hookkit does not know given a command as its arguments) have those lines judged as
//! if they ran. File tools are judged by the path they touch and by what the file they write
//! would run later; WebFetch by its host; `Monitor` like Bash; `PowerShell` by its own reader;
//! MCP tools by the command, path and URL fields of their input ([`mcp`]). Nothing runs,
//! nothing is read from disk and nothing goes to the network.

#![expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "file names are lower-cased before their endings are compared"
)]

mod agents;
mod bash;
pub mod catalog;
mod cloud;
mod code;
mod container;
mod db;
mod everyday;
mod file_tool;
mod fs;
mod git;
pub mod mcp;
mod net;
mod paths;
mod pkg;
mod powershell;
mod runners;
mod scripts;
mod subject;
mod sys;
mod touches;

use std::path::{Path, PathBuf};

use serde_json::Value;

use self::catalog::{Class, Effect};
use crate::protocol::{ToolCall, ToolView};
use crate::shell::{self, Command};
use crate::{Error, Result};

pub use touches::{Fed, Touches};

/// How risky a recognised action is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Reads, or routine work in the project that git or a rebuild undoes.
    Low,
    /// Other local work that can be undone, or what adds to a remote for others to review.
    Medium,
    /// Irreversible, reaching outside the machine, or changing the machine's future.
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
    /// The class id, such as `fs.rm-root` or `git.push-force` (always one of
    /// [`catalog::CLASSES`]).
    pub class: String,
    /// Its risk, from the catalogue.
    pub risk: Risk,
    /// What the decision table reads, from the catalogue.
    pub effect: Effect,
    /// A reason the user can act on.
    pub reason: String,
    /// What the model is told: what happened and not to work around it.
    pub message: String,
    /// The part of the call it concerns (a simple command, a path, a URL).
    pub subject: String,
    entry: &'static Class,
}

impl Finding {
    /// A finding of `class` with the standard message for its risk.
    pub(crate) fn new(class: &'static Class, reason: impl Into<String>, subject: &str) -> Self {
        let reason = reason.into();
        let message = if class.effect() == Effect::Unreadable {
            format!(
                "hookkit cannot tell what `{}` would run: {reason}. Write the command out so \
                 that it can be read, or ask the user.",
                shorten(subject)
            )
        } else {
            match class.risk {
                Risk::High => format!(
                    "hookkit stopped `{}`: {reason}. Do not try to reach the same result \
                     another way (other flags, wrappers, scripts, encodings or tools); tell \
                     the user what you wanted to do and let them decide.",
                    shorten(subject)
                ),
                Risk::Medium => format!(
                    "hookkit flagged `{}`: {reason}. If it is refused, do not work around it; \
                     ask the user.",
                    shorten(subject)
                ),
                Risk::Low => String::new(),
            }
        };
        Self {
            class: class.id.to_owned(),
            risk: class.risk,
            effect: class.effect(),
            reason,
            message,
            subject: subject.to_owned(),
            entry: class,
        }
    }

    /// The catalogue entry of the finding's class.
    pub fn entry(&self) -> &'static Class {
        self.entry
    }

    /// Whether the gate stops the call on this finding in every mode: high risk, or what
    /// cannot be read.
    pub fn stops(&self) -> bool {
        self.risk == Risk::High || self.effect == Effect::Unreadable
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
    /// What each simple command of a Bash line touches, in the order of the commands.
    pub touches: Vec<Touches>,
    /// How it read the call: the parse, wrappers removed, nested commands; for `explain`.
    pub trace: Vec<String>,
}

impl Assessment {
    /// The finding with the highest risk, if any (the first of equals); a finding that cannot
    /// be read counts as high.
    pub fn worst(&self) -> Option<&Finding> {
        self.findings.iter().rev().max_by_key(|f| {
            if f.effect == Effect::Unreadable {
                Risk::High
            } else {
                f.risk
            }
        })
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
/// each line once and hands the same commands to every stage). `commands` are those of the
/// call's shell command: `Bash`'s or `Monitor`'s `command`.
pub fn assess_parsed(call: &ToolCall, commands: &[Command], ctx: &Context) -> Result<Assessment> {
    assess_with(call, Some(commands), ctx)
}

/// The shell command line a call runs: `Bash`'s and `Monitor`'s `command`.
pub fn shell_command(call: &ToolCall) -> Option<&str> {
    match call.name.as_str() {
        "Bash" | "Monitor" => call.input.get("command").and_then(Value::as_str),
        _ => None,
    }
}

fn assess_with(call: &ToolCall, parsed: Option<&[Command]>, ctx: &Context) -> Result<Assessment> {
    let mut assessment = Assessment::default();
    match call.name.as_str() {
        "Monitor" => monitor(call, parsed, ctx, &mut assessment)?,
        "PowerShell" => match call.input.get("command").and_then(Value::as_str) {
            Some(command) => powershell::assess(command, ctx, &mut assessment),
            None => {
                return Err(Error::Other(
                    "PowerShell input: missing `command`".to_owned(),
                ));
            }
        },
        _ => match call.view().map_err(Error::Other)? {
            ToolView::Bash(input) => bash_line(&input.command, parsed, ctx, &mut assessment)?,
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
                &catalog::WEB_SEARCH,
                "a web search sends only the query",
                &call.name,
            )),
            ToolView::Mcp { server, tool } => {
                mcp::assess(&server, &tool, &call.input, ctx, &mut assessment);
            }
            _ => assessment.unrecognised.push(call.name.clone()),
        },
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

fn bash_line(
    line: &str,
    parsed: Option<&[Command]>,
    ctx: &Context,
    out: &mut Assessment,
) -> Result<()> {
    let owned;
    let commands = if let Some(commands) = parsed {
        commands
    } else {
        owned = shell::parse(line)?;
        &owned
    };
    bash::assess_commands(commands, ctx, out);
    bash::assess_prefix_assignments(line, commands, ctx, out);
    Ok(())
}

/// `Monitor` runs a shell command in the background (`command`), judged exactly as Bash, or
/// watches a WebSocket (`ws.url`), judged as a fetch.
fn monitor(
    call: &ToolCall,
    parsed: Option<&[Command]>,
    ctx: &Context,
    out: &mut Assessment,
) -> Result<()> {
    if let Some(command) = call.input.get("command").and_then(Value::as_str) {
        return bash_line(command, parsed, ctx, out);
    }
    let url = call
        .input
        .pointer("/ws/url")
        .or_else(|| call.input.get("url"))
        .and_then(Value::as_str);
    match url {
        Some(url) => net::assess_web_fetch(url, ctx, out),
        None => out.findings.push(Finding::new(
            &catalog::EXEC_UNREADABLE,
            "a Monitor call with neither a command nor a URL",
            &call.name,
        )),
    }
    Ok(())
}

/// The directory a simple command runs in: `start` (the session cwd) after the `cd`s the shell
/// reader recorded, or `None` when a `cd` went somewhere that cannot be read (`cd "$X"`,
/// `cd -`). `~` and a bare `cd` mean `home` (`None` without one).
pub fn resolve_dir(dir: &shell::Dir, start: &Path, home: Option<&Path>) -> Option<PathBuf> {
    match dir {
        shell::Dir::Start => Some(start.to_path_buf()),
        shell::Dir::Unknown => None,
        shell::Dir::Changed(steps) => {
            let mut here = start.to_path_buf();
            for step in steps {
                here = match step.as_str() {
                    "" | "~" => home?.to_path_buf(),
                    "-" => return None,
                    s if s.starts_with("~/") => home?.join(&s[2..]),
                    s if s.starts_with('~') || s.contains('$') || s.contains('`') => return None,
                    s => here.join(s),
                };
                here = paths::lexical(&here);
            }
            Some(here)
        }
    }
}

/// Whether `host` is one of `allowed` (`example.com`, or `*.example.com` for its subdomains and
/// itself). Local addresses are always allowed.
pub(crate) fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if is_local_host(&host) {
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

/// Whether `host` is this machine.
pub(crate) fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    matches!(
        host.as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0" | "127.1"
    ) || host.ends_with(".localhost")
        || host.starts_with("127.")
}

#[cfg(test)]
mod tests;
