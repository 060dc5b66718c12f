//! The one entry of the hook binaries: decide between answering Claude Code (hook mode) and a
//! person's subcommand, the same way in every binary.
//!
//! - Without arguments the binary is a hook (the path every tool call takes, so the argument
//!   parser is skipped).
//! - A mistyped subcommand gets clap's error with its suggestion (exit 2): a person typed it.
//! - A mistyped flag with no subcommand is a hook's wiring: clap's message goes to stderr and
//!   the hook still reads its input and answers its failure decision
//!   ([`hookkit::runner::hook_usage_error`]), because Claude Code lets a call go ahead when a
//!   hook exits without reading its input.
//! - A terminal on stdin in hook mode gets a short usage at once (exit 2) from the runner
//!   ([`hookkit::run_hook`]) instead of a hook waiting for a payload nobody will type.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use hookkit::HookSpec;
use hookkit::runner::{hook_usage_error, names_a_command};

/// What the command line asks for.
#[derive(Debug)]
pub enum Entry<C> {
    /// Answer Claude Code: with no arguments at all (`None`), or with hook-mode flags.
    Hook(Option<C>),
    /// A person's subcommand (or `--generate`).
    Person(C),
}

/// How a command line that clap refused is answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Help or version: printed, exit 0.
    Shown,
    /// A person's typo: clap's error and suggestion, exit 2.
    Usage,
    /// A hook's wiring: clap's message, then the input is read and the failure decision given.
    Wiring,
}

/// Decides from `args` (the whole command line, program name first). `is_person` tells a
/// person's subcommand from hook-mode flags.
pub fn decide<C: Parser>(
    args: &[OsString],
    is_person: impl Fn(&C) -> bool,
) -> Result<Entry<C>, (Refusal, clap::Error)> {
    if args.len() <= 1 {
        return Ok(Entry::Hook(None));
    }
    match C::try_parse_from(args) {
        Ok(cli) if is_person(&cli) => Ok(Entry::Person(cli)),
        Ok(cli) => Ok(Entry::Hook(Some(cli))),
        Err(error) => {
            let refusal = match error.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Refusal::Shown,
                _ if names_a_command(args) => Refusal::Usage,
                _ => Refusal::Wiring,
            };
            Err((refusal, error))
        }
    }
}

/// [`decide`] for this process. On a refusal, answers as [`Refusal`] says and returns the exit
/// code for `main` to return.
pub fn entry<C: Parser>(
    spec: &HookSpec,
    is_person: impl Fn(&C) -> bool,
) -> Result<Entry<C>, ExitCode> {
    let args: Vec<OsString> = std::env::args_os().collect();
    decide(&args, is_person).map_err(|(refusal, error)| match refusal {
        Refusal::Wiring => hook_usage_error(spec, &error.render().to_string()),
        Refusal::Shown | Refusal::Usage => {
            let _ = error.print();
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    })
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

    fn run(args: &[&str]) -> Result<Entry<Cli>, (Refusal, clap::Error)> {
        let args: Vec<OsString> = std::iter::once("demo")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        decide(&args, |cli: &Cli| cli.command.is_some())
    }

    #[test]
    fn no_arguments_and_hook_flags_are_a_hook() {
        assert!(matches!(run(&[]), Ok(Entry::Hook(None))));
        assert!(matches!(
            run(&["--policy", "p.toml"]),
            Ok(Entry::Hook(Some(_)))
        ));
        assert!(matches!(run(&["list"]), Ok(Entry::Person(_))));
    }

    #[test]
    fn a_mistyped_subcommand_is_a_persons_and_a_mistyped_flag_the_wirings() {
        let Err((refusal, error)) = run(&["lsit"]) else {
            panic!("a typo must be refused");
        };
        assert_eq!(refusal, Refusal::Usage);
        assert!(error.to_string().contains("list"), "{error}");
        let Err((refusal, error)) = run(&["--polcy", "x"]) else {
            panic!("a typo must be refused");
        };
        assert_eq!(refusal, Refusal::Wiring);
        assert!(error.to_string().contains("--policy"), "{error}");
        let Err((refusal, _)) = run(&["--help"]) else {
            panic!("help is shown");
        };
        assert_eq!(refusal, Refusal::Shown);
    }
}
