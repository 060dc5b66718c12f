//! The one error type of hookkit.
//!
//! Every message names the thing that was being worked on and what was expected, so that a
//! person reading `pretooluse-gate: ...` on stderr can act on it without a debugger.

use std::path::PathBuf;

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside a hookkit binary.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Standard input could not be read.
    #[error("reading hook input from stdin: {0}")]
    Stdin(#[source] std::io::Error),

    /// Standard input was larger than the configured cap.
    #[error("hook input is larger than the {limit}-byte limit")]
    InputTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },

    /// Standard input was not the JSON object Claude Code sends.
    #[error("hook input is not valid hook JSON: {0}")]
    InputJson(#[source] serde_json::Error),

    /// A field the event needs was missing or had the wrong type.
    #[error("hook input for {event}: {message}")]
    InputShape {
        /// The `hook_event_name` of the input.
        event: String,
        /// What was wrong.
        message: String,
    },

    /// A file could not be read or written.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done, such as "reading policy file".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A policy file did not parse or held invalid values.
    #[error("policy file `{path}`: {message}")]
    Policy {
        /// The policy file, or `<built-in>` for the embedded defaults.
        path: PathBuf,
        /// What was wrong, with line and column where known.
        message: String,
    },

    /// A permission rule in Claude Code's syntax was malformed.
    #[error("permission rule `{rule}`: {message}")]
    Rule {
        /// The rule as written.
        rule: String,
        /// What was wrong.
        message: String,
    },

    /// A jq condition did not compile or failed at run time.
    #[error("jq condition `{filter}`: {message}")]
    Jq {
        /// The jq program as written.
        filter: String,
        /// What went wrong.
        message: String,
    },

    /// A shell command could not be read.
    #[error("shell command does not parse: {0}")]
    Shell(String),

    /// The audit log could not be written or read.
    #[error("audit log `{path}`: {message}")]
    Audit {
        /// The log file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// The review queue could not be read or updated.
    #[error("review queue: {0}")]
    Review(String),

    /// Any other failure, described in words.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the action and the path it concerned.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
