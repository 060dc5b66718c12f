//! `permission-denied-logger`: the PermissionDenied hook. When auto mode's classifier denies
//! a call, it records the denial in the tamper-evident audit trail and answers whether the
//! model may retry another way (`[permission_denied]` policy). It never blocks: if the log
//! cannot be written it says so on stderr and still answers, exit 0. Other events get `{}`.
//!
//! Subcommands read the trail: `verify`, `report`, `tail`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use hookkit::audit::commands;
use hookkit::audit::tail::Style;
use hookkit::env::Env;
use hookkit::{HookSpec, denied, run_hook};
use hookkit_cli::generate;
use hookkit_cli::hook::{self as entry, Entry};
use hookkit_cli::log::LogCommand;

/// Record auto-mode denials in the audit trail and answer retry; read the trail back.
#[derive(Debug, Parser)]
#[command(
    name = "permission-denied-logger",
    version = hookkit_cli::VERSION,
    after_help = "Without a subcommand, runs as the PermissionDenied hook (input on stdin).\n\n\
                  Examples:\n  permission-denied-logger verify\n  \
                  permission-denied-logger report --since 7d\n  \
                  permission-denied-logger tail -n 20 -f"
)]
struct Cli {
    /// The audit log [default: $HOOKKIT_AUDIT_LOG for a person, `[audit] log` of your own file,
    /// else .claude/logs/hookkit-audit.jsonl]
    #[arg(long, global = true, value_name = "FILE")]
    log: Option<PathBuf>,
    /// A policy file that replaces the user and project files [for a person: $HOOKKIT_POLICY]
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man).
    #[arg(long, value_name = "TARGET", value_parser = generate::TARGETS)]
    generate: Option<String>,
    #[command(subcommand)]
    command: Option<LogCommand>,
}

fn main() -> ExitCode {
    let env = Env::capture();
    let cli = match entry::entry(&HookSpec::new(denied::BINARY), |cli: &Cli| {
        cli.command.is_some() || cli.generate.is_some()
    }) {
        Ok(Entry::Hook(None)) => Cli {
            log: None,
            policy: None,
            generate: None,
            command: None,
        },
        Ok(Entry::Hook(Some(cli)) | Entry::Person(cli)) => cli,
        Err(code) => return code,
    };
    match run(cli, env) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "{}: {e}", denied::BINARY);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, env: Env) -> hookkit::Result<ExitCode> {
    if let Some(target) = &cli.generate {
        generate::generate(
            Cli::command(),
            denied::BINARY,
            target,
            &mut std::io::stdout().lock(),
        )
        .map_err(hookkit::Error::Other)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(command) = cli.command else {
        let options = denied::Options {
            env,
            log: cli.log,
            policy: cli.policy,
        };
        return Ok(run_hook(&HookSpec::new(denied::BINARY), |input| {
            denied::handle(input, &options)
        }));
    };
    let mut warn = |e: &hookkit::Error| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}: warning: {e}; reading the trail without it",
            denied::BINARY
        );
    };
    let trail = commands::locate(&env, None, cli.log.as_deref(), cli.policy, &mut warn)?;
    let stdout = std::io::stdout();
    let style = Style::detect(stdout.is_terminal(), env.no_color);
    hookkit_cli::log::run_on(command, &trail, style, &mut stdout.lock())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
