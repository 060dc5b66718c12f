//! The one entry of the hook binaries: decide between answering Claude Code (hook mode) and a
//! person's subcommand, the same way in every binary.
//!
//! - Without arguments the binary is a hook (the path every tool call takes, so the argument
//!   parser is skipped).
//! - A mistyped subcommand or flag gets clap's error with its suggestion and exit 2, in hook
//!   mode too: exit 2 is a blocking answer for Claude Code, so a wiring with a typo blocks
//!   instead of letting calls through. The payload is drained first when stdin is a pipe, so
//!   Claude Code never sees a closed pipe (which it would treat as a non-blocking error).
//! - A terminal on stdin in hook mode gets a short usage at once (exit 2) instead of a hook
//!   waiting for a payload nobody will type.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

/// What the command line asks for.
#[derive(Debug)]
pub enum Entry<C> {
    /// Answer Claude Code: with no arguments at all (`None`), or with hook-mode flags.
    Hook(Option<C>),
    /// A person's subcommand (or `--generate`).
    Person(C),
}

/// Why the binary stops before doing anything.
#[derive(Debug)]
pub enum Stop {
    /// clap's answer: help or version (exit 0) or a usage error with a suggestion (exit 2).
    Clap(clap::Error),
    /// Hook mode with a terminal on stdin: the short usage (exit 2).
    Terminal,
}

/// Decides from `args` (the whole command line, program name first) and whether stdin is a
/// terminal. `is_person` tells a person's subcommand from hook-mode flags.
pub fn decide<C: Parser>(
    args: Vec<OsString>,
    stdin_is_terminal: bool,
    is_person: impl Fn(&C) -> bool,
) -> Result<Entry<C>, Stop> {
    if args.len() <= 1 {
        return if stdin_is_terminal {
            Err(Stop::Terminal)
        } else {
            Ok(Entry::Hook(None))
        };
    }
    let cli = C::try_parse_from(args).map_err(Stop::Clap)?;
    if is_person(&cli) {
        Ok(Entry::Person(cli))
    } else if stdin_is_terminal {
        Err(Stop::Terminal)
    } else {
        Ok(Entry::Hook(Some(cli)))
    }
}

/// [`decide`] for this process; on a stop, prints what it has to say and returns the exit
/// code for `main` to return.
pub fn entry<C: Parser>(
    binary: &str,
    is_person: impl Fn(&C) -> bool,
) -> Result<Entry<C>, ExitCode> {
    let stdin_is_terminal = std::io::stdin().is_terminal();
    match decide(std::env::args_os().collect(), stdin_is_terminal, is_person) {
        Ok(entry) => Ok(entry),
        Err(Stop::Terminal) => {
            let _ = std::io::stderr().lock().write_all(usage(binary).as_bytes());
            Err(ExitCode::from(2))
        }
        Err(Stop::Clap(error)) => {
            let failed = !matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            );
            if failed && !stdin_is_terminal {
                // Whatever happens to the payload, the answer is exit 2 (blocking).
                let _ = hookkit::runner::read_stdin(16 * 1024 * 1024);
            }
            let _ = error.print();
            Err(ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)))
        }
    }
}

/// The short usage a hook binary prints when a person runs it in a terminal.
pub fn usage(binary: &str) -> String {
    let lines = [
        (
            format!("{binary} < payload.json"),
            "answer one payload, as Claude Code would have it",
        ),
        (format!("{binary} --help"), "its options and subcommands"),
        (
            "hookkit status".to_owned(),
            "whether hookkit is wired and working",
        ),
    ];
    let width = lines.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    let mut text = format!(
        "{binary} is a Claude Code hook: Claude Code runs it and sends one hook payload (JSON) \
         on stdin.\nIt is not waiting for you to type one.\n\n"
    );
    for (command, what) in lines {
        let _ = writeln!(text, "  {command:<width$}   {what}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Parser)]
    #[command(name = "demo")]
    struct Cli {
        #[arg(long)]
        policy: Option<String>,
        #[command(subcommand)]
        command: Option<Command>,
    }

    #[derive(Debug, clap::Subcommand)]
    enum Command {
        List,
    }

    fn run(args: &[&str], terminal: bool) -> Result<Entry<Cli>, Stop> {
        let args = std::iter::once("demo")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        decide(args, terminal, |cli: &Cli| cli.command.is_some())
    }

    #[test]
    fn no_arguments_is_a_hook_unless_stdin_is_a_terminal() {
        assert!(matches!(run(&[], false), Ok(Entry::Hook(None))));
        assert!(matches!(run(&[], true), Err(Stop::Terminal)));
        assert!(matches!(
            run(&["--policy", "p.toml"], true),
            Err(Stop::Terminal)
        ));
        assert!(matches!(
            run(&["--policy", "p.toml"], false),
            Ok(Entry::Hook(Some(_)))
        ));
    }

    #[test]
    fn typos_get_clap_errors_with_suggestions_in_every_mode() {
        for terminal in [false, true] {
            let Err(Stop::Clap(error)) = run(&["lsit"], terminal) else {
                panic!("a typo must be a usage error");
            };
            assert_eq!(error.exit_code(), 2);
            let Err(Stop::Clap(error)) = run(&["--polcy", "x"], terminal) else {
                panic!("a typo must be a usage error");
            };
            assert!(error.to_string().contains("--policy"), "{error}");
        }
    }

    #[test]
    fn a_subcommand_is_a_person_even_on_a_pipe() {
        assert!(matches!(run(&["list"], false), Ok(Entry::Person(_))));
        assert!(matches!(run(&["list"], true), Ok(Entry::Person(_))));
    }
}
