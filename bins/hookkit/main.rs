//! `hookkit`: the command for people. Installs hookkit, says whether it works, writes your
//! policy, and reads what the hooks recorded: the decision log, the review queue, the gate's
//! reasoning. The hook binaries stay small and hook-first; their person subcommands
//! (`permission-denied-logger verify`, `defer-for-review list`, `pretooluse-gate explain`,
//! `rules-lint`) are the same code, kept as aliases for a release.
//!
//! Exit 0 on success; 1 when a command finds a problem (`status` not working, `log verify` on
//! a broken chain, `lint` errors) or fails; 2 on a usage error; 3 from `log verify` on an
//! intact log that predates sealing.

mod install;
mod status;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use hookkit::env::Env;
use hookkit::review::policy::Overrides;
use hookkit_cli::color::Color;
use hookkit_cli::gate::{ExplainArgs, ReplayArgs};
use hookkit_cli::lint::LintArgs;
use hookkit_cli::log::{LogCommand, TrailFlags};
use hookkit_cli::project::Person;
use hookkit_cli::review::ReviewCommand;
use hookkit_cli::{gate, generate};

/// The binary's name, the prefix of its messages.
const BINARY: &str = "hookkit";

/// Set up hookkit, check that it works, and read what its hooks recorded.
#[derive(Debug, Parser)]
#[command(name = BINARY, version = hookkit_cli::VERSION, after_help = EXAMPLES)]
struct Cli {
    /// The project [default: $CLAUDE_PROJECT_DIR, else the nearest directory up with a
    /// .claude/ directory or a git root, stopping below your home]
    #[arg(long, global = true, value_name = "DIR")]
    project_dir: Option<PathBuf>,
    /// Colour: auto (a terminal without NO_COLOR), always or never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man)
    #[arg(long, value_name = "TARGET", value_parser = generate::TARGETS)]
    generate: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Copy the binaries into a project (or your home) and wire them into Claude Code
    Install(install::InstallArgs),
    /// Take hookkit out again (settings restored from the backup when untouched)
    Uninstall(install::UninstallArgs),
    /// Whether hookkit is wired and working here, on one screen (exit 1 when not)
    Status(status::StatusArgs),
    /// Write your own commented policy (~/.claude/hookkit.toml); opt this project into a mode
    Init(install::InitArgs),
    /// The audit trail: the gate's decisions, auto mode denials and reviews
    Log {
        /// The audit log [default: $HOOKKIT_AUDIT_LOG, `[audit] log` of your own file, else
        /// .claude/logs/hookkit-audit.jsonl]
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        /// A policy file that replaces the user and project files
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Calls deferred for review by defer-for-review, and what decides them: keygen, list,
    /// show, approve, deny, resume, serve, reviewer
    Review {
        /// The review queue [default: $HOOKKIT_REVIEW_DIR, `[review] queue_dir` of your own
        /// file, else .claude/reviews]
        #[arg(long, value_name = "DIR")]
        queue: Option<PathBuf>,
        /// A policy file that replaces the user and project files
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// How the gate decides one tool call, stage by stage
    Explain {
        /// A policy file that replaces the user and project files
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        args: ExplainArgs,
    },
    /// Run every tool call of recorded transcripts through the policy
    Replay {
        /// A policy file that replaces the user and project files
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Find the rules and hooks that silently do nothing, or less than they say (rules-lint)
    Lint(LintArgs),
}

const EXAMPLES: &str = "\
Examples:
  hookkit install                    this project, for this checkout only
  hookkit install --shared           commit the wiring for the team
  hookkit install --mode auto        and let low and medium risk local work run unprompted
  hookkit status                     is it wired and working? (--fix repairs it)
  hookkit log tail -n 20             the latest decisions
  hookkit review list                calls waiting for a person
  hookkit explain 'git push --force origin main'
  hookkit lint --strict";

fn main() -> ExitCode {
    let env = Env::capture();
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    match run(cli, &env, &mut out) {
        Ok(code) => code,
        Err(message) => {
            let _ = out.flush();
            let _ = writeln!(std::io::stderr().lock(), "{BINARY}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, env: &Env, out: &mut dyn Write) -> Result<ExitCode, String> {
    let text = |e: hookkit::Error| e.to_string();
    if let Some(target) = &cli.generate {
        let mut buffer = Vec::new();
        generate::generate(Cli::command(), BINARY, target, &mut buffer)?;
        out.write_all(&buffer).map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(command) = cli.command else {
        let mut help = Cli::command();
        let _ = help.print_help();
        return Ok(ExitCode::from(2));
    };
    let person = Person::find(env, cli.project_dir.as_deref()).map_err(text)?;
    match command {
        Command::Install(args) => install::install(&args, &person, out).map_err(text),
        Command::Uninstall(args) => install::uninstall(&args, &person, out).map_err(text),
        Command::Status(args) => status::run(&args, &person, cli.color, out).map_err(text),
        Command::Init(args) => install::init(&args, &person, out).map_err(text),
        Command::Log {
            log,
            policy,
            command,
        } => hookkit_cli::log::run(
            command,
            BINARY,
            &person,
            TrailFlags { log, policy },
            cli.color,
            out,
        )
        .map_err(text),
        Command::Review {
            queue,
            policy,
            command,
        } => {
            let overrides = Overrides {
                policy,
                queue,
                ..Overrides::default()
            };
            hookkit_cli::review::run(command, BINARY, &person, &overrides, out).map_err(text)
        }
        Command::Explain { policy, args } => {
            let options = gate::options(&person, policy, None);
            gate::run_explain(args, &person, &options, out).map_err(text)
        }
        Command::Replay { policy, args } => {
            let options = gate::options(&person, policy, None);
            gate::run_replay(&args, &person, &options, out).map_err(text)
        }
        Command::Lint(args) => match hookkit_cli::lint::run(&args, &person, cli.color, out) {
            Ok(code) => Ok(code),
            Err(message) => {
                let _ = writeln!(std::io::stderr().lock(), "{BINARY}: {message}");
                Ok(ExitCode::from(2))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
