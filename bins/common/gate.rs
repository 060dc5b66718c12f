//! `hookkit explain`/`replay` and `pretooluse-gate`'s subcommands: the gate's pipeline run for
//! a person.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use hookkit::env::Role;
use hookkit::gate::{Options, explain, replay};

use crate::project::Person;

/// `explain`: how the gate decides one tool call.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A Bash command line to explain.
    #[arg(conflicts_with_all = ["input", "tool"])]
    pub command: Option<String>,
    /// A hook input file (PreToolUse or PermissionRequest payload).
    #[arg(long, value_name = "PAYLOAD.json", conflicts_with = "tool")]
    pub input: Option<PathBuf>,
    /// A tool other than Bash (Write, Edit, Read, WebFetch, mcp__server__tool, ...).
    #[arg(long)]
    pub tool: Option<String>,
    /// The file path, for file tools.
    #[arg(long, requires = "tool")]
    pub path: Option<String>,
    /// The text written, for Write and Edit.
    #[arg(long, requires = "tool")]
    pub content: Option<String>,
    /// The URL, for WebFetch.
    #[arg(long, requires = "tool")]
    pub url: Option<String>,
    /// The session's permission mode.
    #[arg(long, default_value = "default")]
    pub permission_mode: String,
    /// Prints JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `replay`: every tool call of recorded transcripts through the policy.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A transcript (.jsonl) or a directory of them.
    pub path: PathBuf,
    /// Prints JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What a person's gate command runs with: `--policy` and `--log` of the command line.
pub fn options(person: &Person, policy: Option<PathBuf>, log: Option<PathBuf>) -> Options {
    Options {
        env: person.env.clone(),
        role: Role::Person,
        policy,
        log,
    }
}

/// `explain`.
pub fn run_explain(
    args: ExplainArgs,
    person: &Person,
    options: &Options,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    let cwd = working_dir(person)?;
    let target = explain::Target::from_arguments(
        args.command,
        args.input,
        args.tool,
        args.path,
        args.content,
        args.url,
    )?;
    let hook_input = explain::hook_input(&target, &cwd, &args.permission_mode)?;
    let explanation = explain::explain(options, &hook_input)?;
    let text = if args.json {
        format!("{:#}\n", explanation.to_json())
    } else {
        explanation.to_text()
    };
    crate::write_out(out, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// `replay`.
pub fn run_replay(
    args: &ReplayArgs,
    person: &Person,
    options: &Options,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    let cwd = working_dir(person)?;
    let report = replay::replay(options, &cwd, &args.path)?;
    let text = if args.json {
        format!("{:#}\n", serde_json::to_value(&report).unwrap_or_default())
    } else {
        report.to_text()
    };
    crate::write_out(out, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn working_dir(person: &Person) -> hookkit::Result<PathBuf> {
    person
        .env
        .cwd
        .clone()
        .ok_or_else(|| hookkit::Error::Other("the working directory cannot be read".into()))
}
