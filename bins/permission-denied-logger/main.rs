//! `permission-denied-logger`: the PermissionDenied hook. When auto mode's classifier denies
//! a call, it records the denial in the tamper-evident audit trail and answers whether the
//! model may retry another way (`[permission_denied]` policy). It never blocks: if the log
//! cannot be written it says so on stderr and still answers, exit 0. Other events get `{}`.
//!
//! Subcommands read the trail: `verify`, `report`, `tail`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use hookkit::audit::commands;
use hookkit::audit::report::{self, Filter};
use hookkit::audit::tail::Style;
use hookkit::audit::verify::Head;
use hookkit::env::Env;
use hookkit::{HookSpec, denied, run_hook};
use hookkit_cli::generate;
use hookkit_cli::hook::{self as entry, Entry};

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
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the hash chain across rotated files; exit 1 naming the first broken record.
    Verify {
        /// Also check that this record (`SEQ:HASH`, as printed by an earlier verify) is there.
        #[arg(long, value_name = "SEQ:HASH")]
        head: Option<Head>,
    },
    /// What was denied and asked, by tool, rule and session.
    Report {
        /// Only records since then: 30m, 24h, 7d, 2w, a date or an RFC 3339 time.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only this session.
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// JSON for scripts instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// The latest records, newest last.
    Tail {
        /// How many records.
        #[arg(short = 'n', default_value_t = 10)]
        lines: usize,
        /// Keep printing records as they are appended.
        #[arg(short, long)]
        follow: bool,
    },
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
    let mut out = stdout.lock();
    match command {
        Command::Verify { head } => {
            let intact = commands::run_verify(&trail, head.as_ref(), &mut out)?;
            return Ok(if intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Report {
            since,
            session,
            json,
        } => {
            let since = since
                .map(|s| report::since(&s))
                .transpose()
                .map_err(|e| hookkit::Error::Other(format!("--since {e}")))?;
            commands::run_report(&trail, &Filter { since, session }, json, style, &mut out)?;
        }
        Command::Tail { lines, follow } => {
            commands::run_tail(&trail, lines, follow, style, &mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
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
