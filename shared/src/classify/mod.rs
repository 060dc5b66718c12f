//! The built-in risk classifier: what a tool call would do, and how risky that is.
//!
//! INTERFACE STUB (foundation): recognises a handful of read-only commands as low risk and
//! `rm -rf /` as high. The classifier work replaces the body and keeps this interface.

use std::path::PathBuf;

use crate::protocol::{ToolCall, ToolView};
use crate::{Error, Result, shell};

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
    /// The finding with the highest risk, if any.
    pub fn worst(&self) -> Option<&Finding> {
        self.findings.iter().max_by_key(|f| f.risk)
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
    /// Hosts network commands may reach without asking.
    pub allowed_hosts: Vec<String>,
}

/// Classifies a tool call. An input that cannot be read (a command that does not parse) is an
/// error: the caller answers it with its failure decision.
pub fn assess(call: &ToolCall, _ctx: &Context) -> Result<Assessment> {
    let mut assessment = Assessment::default();
    match call.view().map_err(Error::Other)? {
        ToolView::Bash(bash) => {
            for command in shell::parse(&bash.command)? {
                let words: Vec<&str> = command.effective.iter().map(String::as_str).collect();
                match words.as_slice() {
                    ["rm", flags, "/"] if flags.contains('r') => {
                        assessment.findings.push(Finding {
                            class: "fs.rm-root".into(),
                            risk: Risk::High,
                            reason: "recursive delete of the filesystem root".into(),
                            message: "Deleting / is blocked by policy. Do not try another way."
                                .into(),
                            subject: command.text.clone(),
                        });
                    }
                    ["ls" | "pwd" | "cat" | "echo", ..]
                    | ["git", "status" | "diff" | "log", ..] => {
                        assessment.findings.push(Finding {
                            class: "read.basic".into(),
                            risk: Risk::Low,
                            reason: "read-only command".into(),
                            message: String::new(),
                            subject: command.text.clone(),
                        });
                    }
                    _ => assessment.unrecognised.push(command.text.clone()),
                }
            }
        }
        _ => assessment.unrecognised.push(call.name.clone()),
    }
    Ok(assessment)
}
