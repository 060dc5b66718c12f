//! Reading shell command lines: every simple command that would run, with wrappers removed.
//!
//! [`parse`] reads a Bash command line with a real Bash parser (brush-parser) and returns every
//! simple command it would run: those of the line itself, of every list, pipeline, subshell,
//! group, function and loop body, and those run by other commands (`$(...)`, backticks,
//! `<(...)`, `bash -c`, `eval`, `source`, here-documents fed to a shell, `xargs`, `parallel`,
//! `find -exec`, `watch`, `ssh host cmd`, `su -c`, `tmux`, `at`, traps...). Wrappers such as
//! `sudo`, `env`, `nice`, `timeout`, `flock` or `strace` are removed to find what really runs.
//!
//! The walk follows what the shell knows as the line runs, without running anything (see
//! `state`): variables and arrays assigned literal values (with `+=`, `IFS` splitting, the
//! parameter operations and `declare` attributes), positional parameters (`set --`, function
//! arguments, `sh -c STRING NAME ARGS`), functions (read where they are called, with their
//! arguments), aliases, the output of `echo` and `printf` (into `$(...)`, `xargs`, a shell or
//! `source`), brace expansion, globs in the program name, loop values, and the directory each
//! command runs in ([`Dir`]). Where the reading cannot tell which of two states holds (after
//! `if`, `||`, a loop) it merges them, and whatever differs is unknown. What cannot be resolved
//! is kept as written and marked ([`Command::dynamic_name`], [`Command::dynamic_args`]); it is
//! never replaced by a harmless-looking word.
//!
//! Reading is bounded. Inputs that are too long or too deeply nested are an error rather than a
//! risk of running out of stack, and so is a line that runs more than [`MAX_COMMANDS`] simple
//! commands once followed, or re-reads too much of itself. Following values is bounded too, but
//! past those bounds what is not followed becomes unknown instead of an error: brace expansions
//! of more than 256 words, loops of more than [`MAX_LOOP_VALUES`] values, more than
//! [`MAX_EXPANSIONS`] loop bodies or function calls read again, calls deeper than
//! [`MAX_CALL_DEPTH`], and expansions producing too many bytes or costing too much matching.

mod assign;
mod brace;
mod builtins;
mod exec;
mod output;
mod pattern;
mod scan;
mod state;
mod walk;
mod word;
mod wrappers;

use crate::{Error, Result};

/// The longest command line read, in bytes; longer lines are an error (the caller asks).
/// Here-document bodies and single-quoted text cost little to read, so this is generous.
pub const MAX_INPUT_BYTES: usize = 512 * 1024;

/// The most bytes of dense shell (outside here-document bodies and single quotes) read.
/// Parsing costs about 30 thousand instructions per simple command, so this keeps the worst
/// case near 10 ms.
pub const MAX_DENSE_BYTES: usize = 32 * 1024;

/// The deepest nesting of parentheses, braces, substitutions and compound commands read.
pub const MAX_NESTING: usize = 48;
/// The most `(` read that are open at once and each follow another `(` (`((((`, `( ( (`,
/// `$((`): the parser's time grows fourfold with each one, so more are refused (real commands
/// have one or two, for arithmetic). A run of 8 adjacent `(` has 7.
pub const MAX_STACKED_PARENS: usize = 7;

/// The most simple commands one line may produce once loops are unrolled and functions called;
/// more is an error (the caller asks). A line of [`MAX_DENSE_BYTES`] holds fewer than 2,000.
pub const MAX_COMMANDS: usize = 4096;

/// How many times loop bodies and function bodies may be read again with new values (each
/// value of `for x in a b c`, each function call, each further pass over a loop whose body
/// changes the state). Past it, a loop variable or a function's arguments are unknown.
pub const MAX_EXPANSIONS: usize = 64;

/// The most values of a `for` loop read one by one; a longer list makes the variable unknown.
pub const MAX_LOOP_VALUES: usize = 16;

/// The deepest function calls followed; deeper calls read the body with nothing known.
pub const MAX_CALL_DEPTH: usize = 8;

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

/// How a redirection opens its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectKind {
    /// `<`: reads the file.
    Read,
    /// `>`, `>|`, `&>`: truncates and writes the file.
    Write,
    /// `>>`, `&>>`: appends to the file.
    Append,
    /// `<>`: opens the file for reading and writing.
    ReadWrite,
    /// `>&N`, `<&N`: duplicates a descriptor.
    Duplicate,
}

/// One file redirection of a simple command (or of the compound command around it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The descriptor redirected, when written (`2>`).
    pub fd: Option<i32>,
    /// How the target is opened.
    pub kind: RedirectKind,
    /// The target after quote removal (`~` and `$HOME` kept as written).
    pub target: String,
}

/// The directory a simple command runs in, relative to where the line starts: what the `cd`,
/// `pushd` and `popd` before it (in the same shell) did.
///
/// A `cd` that may have failed leaves the directory as it was, so after `cd x; cmd` or
/// `cd x || true; cmd` the command may run in either: that is [`Dir::Unknown`]. After
/// `cd x && cmd`, `cd x || exit; cmd` and `set -e; cd x; cmd` it runs in `x`. Subshells,
/// `$(...)` and pipeline stages start from their parent's directory and do not change it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Dir {
    /// The line's starting directory.
    #[default]
    Start,
    /// The targets of the `cd`s that lead to it, in order, each relative to the one before:
    /// `cd build && cd ../src` is `["build", "../src"]`. An absolute target, one starting with
    /// `~`, and `""` (a bare `cd`: home) start a new list. `cd -` is resolved to the directory it
    /// returns to; `~` and `$HOME` are written `~`.
    Changed(Vec<String>),
    /// Not known: a `cd` whose target cannot be read statically (`cd "$(...)"`, `cd $X`, a
    /// glob), a `cd` that may or may not have happened, a `popd` past what is known, a wrapper
    /// that runs its command elsewhere (`sudo -i`, `chroot`, `systemd-run`, `find -execdir`), or
    /// a remote host (`ssh`).
    Unknown,
}

/// One simple command that the line would run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about where a command runs, read one at a time"
)]
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
    /// For each word of `effective`, whether it holds an expansion that could not be resolved.
    pub dynamic_args: Vec<bool>,
    /// File redirections, in order.
    pub redirects: Vec<Redirect>,
    /// What the command reads on standard input from a here-document or here-string.
    pub stdin_text: Option<String>,
    /// The pipeline the command belongs to (unique within one [`parse`]).
    pub pipeline: usize,
    /// Its position in that pipeline, from 0.
    pub stage: usize,
    /// How many stages the pipeline has.
    pub stages: usize,
    /// The command runs in the background (`&`).
    pub background: bool,
    /// The function whose body holds the command, if any.
    pub function: Option<String>,
    /// The command runs in a subshell (`( ... )`, a pipeline stage, `&`), so a `cd` there
    /// does not change the directory of the commands after it.
    pub subshell: bool,
    /// The command runs only under a condition (inside `if`, loops, `case`, groups, or in a
    /// list with `||`).
    pub conditional: bool,
    /// For a command run by another command (`xargs`, `find -exec`, a wrapper that changes
    /// directory such as `env -C`), the index of that command in the list [`parse`] returns.
    pub parent: Option<usize>,
    /// The directory it runs in (for its program and operands, and for its redirections).
    pub dir: Dir,
    /// The command calls a shell function defined earlier in the line. Its body's commands
    /// follow it in the list, read with the call's arguments (their `function` names it); the
    /// call itself runs nothing else.
    pub function_call: bool,
}

impl Command {
    /// The program name that really runs (the first effective word), if any.
    pub fn program(&self) -> Option<&str> {
        self.effective.first().map(String::as_str)
    }

    /// Whether the effective word at `index` holds an unresolved expansion.
    pub fn is_dynamic(&self, index: usize) -> bool {
        self.dynamic_args.get(index).copied().unwrap_or(false)
    }
}

/// Reads a command line into the simple commands it would run, outermost first.
///
/// A line that is not valid Bash, longer than [`MAX_INPUT_BYTES`] (or [`MAX_DENSE_BYTES`] of
/// dense shell) or nested deeper than [`MAX_NESTING`] is an error.
pub fn parse(line: &str) -> Result<Vec<Command>> {
    walk::Walker::default().line(line)
}

/// A number the parser converts with an unwrap that would panic: a word of digits directly
/// before `<` or `>` (`12<file`, a descriptor) too large for `i32`, or a directory-stack
/// index after `~`, `~+` or `~-` (`~12`) too large for `i32`. Such a line is refused before it
/// is parsed.
fn oversized_descriptor(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    for (i, _) in line.match_indices('~') {
        let mut from = i + 1;
        if matches!(bytes.get(from), Some(b'+' | b'-')) {
            from += 1;
        }
        let digits = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 && line[from..from + digits].parse::<i32>().is_err() {
            return Some(&line[from..from + digits]);
        }
    }
    oversized_redirect_number(line)
}

fn oversized_redirect_number(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            if start.is_none() && at_word_start {
                start = Some(i);
            }
            continue;
        }
        if let Some(from) = start.take()
            && matches!(b, b'<' | b'>')
            && line[from..i].parse::<i32>().is_err()
        {
            return Some(&line[from..i]);
        }
    }
    None
}

/// Reads a command line, but only checks that it is complete Bash without collecting anything.
pub(crate) fn parse_program(line: &str) -> Result<brush_parser::ast::Program> {
    parse_program_measured(line).map(|(program, _)| program)
}

/// Reads a command line into its syntax tree; also returns its dense bytes (see
/// [`MAX_DENSE_BYTES`]).
pub(crate) fn parse_program_measured(line: &str) -> Result<(brush_parser::ast::Program, usize)> {
    if line.len() > MAX_INPUT_BYTES {
        return Err(Error::Shell(format!(
            "command is {} bytes long; hookkit reads at most {MAX_INPUT_BYTES}",
            line.len()
        )));
    }
    let scan::Measure {
        depth,
        dense_bytes,
        stacked_parens,
        empty_heredoc_delimiter,
        unfinished_heredoc,
    } = scan::measure(line);
    if stacked_parens > MAX_STACKED_PARENS {
        return Err(Error::Shell(format!(
            "command opens {stacked_parens} `(` right after another `(`; hookkit reads at most \
             {MAX_STACKED_PARENS}"
        )));
    }
    if empty_heredoc_delimiter {
        // The parser can loop without end on these (found by fuzzing).
        return Err(Error::Shell(
            "command has a here-document (`<<`) without a delimiter word".into(),
        ));
    }
    if unfinished_heredoc {
        // Found by fuzzing: the parser can loop without end on these.
        return Err(Error::Shell(
            "command ends inside an unclosed `$(` or group, after a here-document (`<<`) whose \
             body never starts"
                .into(),
        ));
    }
    if dense_bytes > MAX_DENSE_BYTES {
        return Err(Error::Shell(format!(
            "command has {dense_bytes} bytes of shell outside here-documents and quotes; \
             hookkit reads at most {MAX_DENSE_BYTES}"
        )));
    }
    if depth > MAX_NESTING {
        return Err(Error::Shell(format!(
            "command nests {depth} levels deep; hookkit reads at most {MAX_NESTING}"
        )));
    }
    // The parser never returns on some lines with control characters around here-documents
    // (`x<<` + CR + tab, vertical tabs, form feeds); a command line has no use for them, nor for
    // NUL, which no argument can hold.
    let bytes = line.as_bytes();
    if bytes.iter().any(|&b| matches!(b, 0 | 0x0b | 0x0c))
        || bytes
            .windows(2)
            .any(|pair| pair[0] == b'\r' && pair[1] != b'\n')
    {
        return Err(Error::Shell(
            "command holds a NUL, vertical tab, form feed or bare carriage return".into(),
        ));
    }
    if let Some(number) = oversized_descriptor(line) {
        return Err(Error::Shell(format!(
            "redirection descriptor `{number}` is larger than any file descriptor"
        )));
    }
    let options = brush_parser::ParserOptions::default();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(line.as_bytes()), &options);
    parser
        .parse_program()
        .map(|program| (program, dense_bytes))
        .map_err(|e| Error::Shell(e.to_string()))
}

/// Splits a plain word list into words the way the shell would (for `env -S` and the like).
pub(crate) fn split_words(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(commands) => commands
            .into_iter()
            .find(|c| c.origin == Origin::TopLevel)
            .map(|c| c.argv)
            .unwrap_or_default(),
        Err(_) => text.split_whitespace().map(str::to_owned).collect(),
    }
}

#[cfg(test)]
mod tests;

/// Whether `name` is a shell that runs `-c` strings, scripts or its standard input.
pub(crate) fn is_shell(name: &str) -> bool {
    exec::SHELLS.contains(&name)
}
