//! Reading shell command lines: every simple command that would run, with wrappers removed.
//!
//! INTERFACE STUB (foundation): splits on `;`, `&&`, `||`, `|`, `&` and newlines outside
//! quotes and strips leading `VAR=value` assignments. The shell-understanding work replaces the
//! body with a real Bash parser and keeps this interface.

use crate::{Error, Result};

/// Where a simple command was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A command of the line itself.
    TopLevel,
    /// A command run by another: `$(...)`, `bash -c`, `eval`, `xargs`, `find -exec`...; the
    /// string names the construct.
    Nested(String),
}

/// One simple command that the line would run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Command {
    /// The command's source text with leading assignments removed and whitespace normalised:
    /// what Claude Code's own Bash rules are matched against.
    pub text: String,
    /// The words after quote removal, as the shell would pass them.
    pub argv: Vec<String>,
    /// `argv` with wrappers (`sudo`, `env`, `nice`, `timeout`, ...) removed: what really runs.
    pub effective: Vec<String>,
    /// The wrappers that were removed, in order.
    pub wrappers: Vec<String>,
    /// Where the command was found.
    pub origin: Origin,
    /// The command name is computed (`$CMD`, `$(echo rm)`) and could not be resolved.
    pub dynamic_name: bool,
}

impl Command {
    /// The program name that really runs (the first effective word), if any.
    pub fn program(&self) -> Option<&str> {
        self.effective.first().map(String::as_str)
    }
}

/// Reads a command line into the simple commands it would run, outermost first.
pub fn parse(line: &str) -> Result<Vec<Command>> {
    let mut commands = Vec::new();
    for segment in split_top_level(line)? {
        let words: Vec<String> = segment.split_whitespace().map(unquote).collect();
        let skip = words.iter().take_while(|w| is_assignment(w)).count();
        let argv: Vec<String> = words[skip..].to_vec();
        if argv.is_empty() {
            continue;
        }
        let text = segment
            .split_whitespace()
            .skip(skip)
            .collect::<Vec<_>>()
            .join(" ");
        commands.push(Command {
            text,
            effective: argv.clone(),
            argv,
            wrappers: Vec::new(),
            origin: Origin::TopLevel,
            dynamic_name: false,
        });
    }
    Ok(commands)
}

fn split_top_level(line: &str) -> Result<Vec<String>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '\\') => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (None, ';' | '\n' | '|' | '&') => {
                if matches!(chars.peek(), Some('&' | '|')) {
                    chars.next();
                }
                parts.push(std::mem::take(&mut current));
            }
            (_, c) => current.push(c),
        }
    }
    if quote.is_some() {
        return Err(Error::Shell("unterminated quote".into()));
    }
    parts.push(current);
    Ok(parts.into_iter().filter(|p| !p.trim().is_empty()).collect())
}

fn unquote(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect()
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}
