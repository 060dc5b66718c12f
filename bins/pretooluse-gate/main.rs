//! `pretooluse-gate`: the PreToolUse policy gate. Reads the tool call from stdin and allows,
//! asks, denies or gives no opinion. Exit 0 with one JSON reply, or exit 2 with the reason on
//! stderr. If the gate itself fails, it asks (or denies, per policy): it never fails open.
//! `explain` and `replay` run the same pipeline for people.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use hookkit::env::{Env, Role};
use hookkit::gate::{self, Options, explain, replay};
use hookkit::{HookSpec, run_hook};
use hookkit_cli::generate;
use hookkit_cli::hook::{self as entry, Entry};

/// The PreToolUse policy gate: denies, asks or leaves each tool call to Claude Code (allows
/// only what your own allow rules or an opted-in mode let run).
#[derive(Debug, Parser)]
#[command(name = "pretooluse-gate", version = hookkit_cli::VERSION, after_help = EXAMPLES)]
struct Cli {
    /// A policy file that replaces the user and project files (the built-in layer stays)
    /// [for a person: $HOOKKIT_POLICY; in a hook that variable can only add restrictions]
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The audit log to write [default: `[audit] log` of your own file, else
    /// .claude/logs/hookkit-audit.jsonl]
    #[arg(long, global = true, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man).
    #[arg(long, value_name = "TARGET", value_parser = generate::TARGETS)]
    generate: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Shows how the gate decides one tool call, stage by stage.
    Explain {
        /// A Bash command line to explain.
        #[arg(conflicts_with_all = ["input", "tool"])]
        command: Option<String>,
        /// A hook input file (PreToolUse or PermissionRequest payload).
        #[arg(long, value_name = "PAYLOAD.json", conflicts_with = "tool")]
        input: Option<PathBuf>,
        /// A tool other than Bash (Write, Edit, Read, WebFetch, mcp__server__tool, ...).
        #[arg(long)]
        tool: Option<String>,
        /// The file path, for file tools.
        #[arg(long, requires = "tool")]
        path: Option<String>,
        /// The text written, for Write and Edit.
        #[arg(long, requires = "tool")]
        content: Option<String>,
        /// The URL, for WebFetch.
        #[arg(long, requires = "tool")]
        url: Option<String>,
        /// The session's permission mode.
        #[arg(long, default_value = "default")]
        permission_mode: String,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Runs every tool call of recorded transcripts through the policy.
    Replay {
        /// A transcript (.jsonl) or a directory of them.
        path: PathBuf,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

const EXAMPLES: &str = "\
Examples:
  pretooluse-gate < payload.json                 hook mode (what Claude Code runs)
  pretooluse-gate explain 'git push --force origin main'
  pretooluse-gate explain --tool Write --path .git/config --content x
  pretooluse-gate explain --input payload.json --json
  pretooluse-gate replay ~/.claude/projects/-home-me-proj/
  pretooluse-gate --policy ci.toml replay session.jsonl --json";

fn main() -> ExitCode {
    let env = Env::capture();
    // Hook mode without arguments is what runs on every tool call: the parser is skipped.
    let cli = match entry::entry(&hook_spec(), |cli: &Cli| {
        cli.command.is_some() || cli.generate.is_some()
    }) {
        Ok(Entry::Hook(None)) => return hook(&Options::hook(env)),
        Ok(Entry::Hook(Some(cli)) | Entry::Person(cli)) => cli,
        Err(code) => return code,
    };
    if let Some(target) = &cli.generate {
        return print_generated(target);
    }
    let role = if cli.command.is_some() {
        Role::Person
    } else {
        Role::Hook
    };
    let options = Options {
        env,
        role,
        policy: cli.policy,
        log: cli.log,
    };
    match cli.command {
        None => hook(&options),
        Some(command) => match run(command, &options) {
            Ok(code) => code,
            Err(error) => {
                let _ = writeln!(std::io::stderr().lock(), "pretooluse-gate: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

fn hook_spec() -> HookSpec {
    HookSpec::new("pretooluse-gate")
}

fn hook(options: &Options) -> ExitCode {
    run_hook(&hook_spec(), |input| gate::handle(input, options))
}

fn run(command: Command, options: &Options) -> hookkit::Result<ExitCode> {
    let cwd = options
        .env
        .cwd
        .clone()
        .ok_or_else(|| hookkit::Error::Other("the working directory cannot be read".into()))?;
    let (text, json) = match command {
        Command::Explain {
            command,
            input,
            tool,
            path,
            content,
            url,
            permission_mode,
            json,
        } => {
            let target = explain::Target::from_arguments(command, input, tool, path, content, url)?;
            let hook_input = explain::hook_input(&target, &cwd, &permission_mode)?;
            let explanation = explain::explain(options, &hook_input)?;
            (explanation.to_text(), json.then(|| explanation.to_json()))
        }
        Command::Replay { path, json } => {
            let report = replay::replay(options, &cwd, &path)?;
            let value = json.then(|| serde_json::to_value(&report).unwrap_or_default());
            (report.to_text(), value)
        }
    };
    let mut stdout = std::io::stdout().lock();
    let written = match json {
        Some(value) => writeln!(stdout, "{value:#}"),
        None => write!(stdout, "{text}"),
    };
    written.map_err(|e| hookkit::Error::io("writing", "stdout", e))?;
    Ok(ExitCode::SUCCESS)
}

/// `--generate`: completions or the man page, on stdout.
fn print_generated(target: &str) -> ExitCode {
    match generate::generate(
        Cli::command(),
        "pretooluse-gate",
        target,
        &mut std::io::stdout().lock(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(std::io::stderr().lock(), "pretooluse-gate: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
