//! `defer-for-review`: headless review of sensitive tool calls.
//!
//! With no subcommand it is the PreToolUse hook: calls that need a person get `defer` in a
//! headless `claude -p` run (`ask` in an interactive one) and wait in the review queue; on
//! resume a call with a valid signed approval is allowed, a denied one denied. Exit 0 with one
//! JSON reply; if the hook fails it asks, never allows. The subcommands are the reviewer's
//! side: `keygen`, `list`, `show`, `approve`, `deny`, `resume`, and the review service:
//! `serve`, `reviewer add|remove|list` (exit 0, or 1 with the error on stderr).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser};
use hookkit::env::Env;
use hookkit::review::hook;
use hookkit::review::policy::{HOOK_DEADLINE, Overrides};
use hookkit::{Error, HookSpec, Result, run_hook};
use hookkit_cli::generate;
use hookkit_cli::hook::{self as entry, Entry};
use hookkit_cli::project::Person;
use hookkit_cli::review::ReviewCommand;

#[derive(Parser)]
#[command(
    name = "defer-for-review",
    version = hookkit_cli::VERSION,
    about = "Defer sensitive tool calls of headless Claude Code runs for review",
    after_help = "Without a command it is the PreToolUse hook: it reads the hook input on stdin \
                  and answers with one JSON reply."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<ReviewCommand>,
    #[command(flatten)]
    hook: HookArgs,
    /// The review queue directory [default: `[review] queue_dir` of your own file, else
    /// .claude/reviews under the project; for a person's commands $HOOKKIT_REVIEW_DIR first,
    /// which the hook ignores]
    #[arg(long, global = true, value_name = "DIR")]
    queue: Option<PathBuf>,
    /// A policy file that replaces the user and project files
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man)
    #[arg(long, value_name = "TARGET", value_parser = generate::TARGETS)]
    generate: Option<String>,
}

/// Hook mode's flags, which override `[review]`.
#[derive(Args)]
struct HookArgs {
    /// Tools whose calls of the listed risks need review [default: Bash,Write,Edit]
    #[arg(long, value_delimiter = ',', value_name = "TOOLS")]
    tools: Option<Vec<String>>,
    /// Risk levels that need review: low, medium, high [default: medium,high]
    #[arg(long, value_name = "LEVELS")]
    risk: Option<String>,
    /// A path glob whose calls always need review (repeatable)
    #[arg(long = "path", value_name = "GLOB")]
    paths: Vec<String>,
    /// A jq condition over the hook input that makes a call need review (repeatable)
    #[arg(long, value_name = "JQ")]
    when: Vec<String>,
    /// Treat the run as headless: defer
    #[arg(long, conflicts_with = "interactive")]
    headless: bool,
    /// Treat the run as interactive: ask
    #[arg(long)]
    interactive: bool,
    /// An http(s) approval service to ask before deferring (its approvals count when signed by
    /// a trusted key; unsigned ones only with `[review] allow_unsigned_endpoint` in your own
    /// file)
    #[arg(long, value_name = "URL")]
    approval_endpoint: Option<String>,
}

fn main() -> ExitCode {
    let env = Env::capture();
    let spec = HookSpec {
        deadline: HOOK_DEADLINE,
        ..HookSpec::new(hook::BINARY)
    };
    let cli = match entry::entry(&spec, |cli: &Cli| {
        cli.command.is_some() || cli.generate.is_some()
    }) {
        Ok(Entry::Hook(None)) => Cli::parse_from([hook::BINARY]),
        Ok(Entry::Hook(Some(cli)) | Entry::Person(cli)) => cli,
        Err(code) => return code,
    };
    match run(cli, &env) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "{}: {error}", hook::BINARY);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, env: &Env) -> Result<ExitCode> {
    if let Some(target) = &cli.generate {
        generate::generate(
            Cli::command(),
            hook::BINARY,
            target,
            &mut std::io::stdout().lock(),
        )
        .map_err(Error::Other)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(command) = cli.command else {
        let spec = HookSpec {
            deadline: HOOK_DEADLINE,
            ..HookSpec::new(hook::BINARY)
        };
        // Bad flag values are answered through the runner too: a hook must never fail open.
        return Ok(run_hook(&spec, |input| {
            hook::handle(input, env, &overrides(cli.hook, cli.queue, cli.policy)?)
        }));
    };
    let overrides = overrides(cli.hook, cli.queue, cli.policy)?;
    let person = Person::find(env, None)?;
    hookkit_cli::review::run(
        command,
        hook::BINARY,
        &person,
        &overrides,
        &mut std::io::stdout().lock(),
    )
}

fn overrides(hook: HookArgs, queue: Option<PathBuf>, policy: Option<PathBuf>) -> Result<Overrides> {
    Ok(Overrides {
        policy,
        queue,
        tools: hook.tools,
        risk: hook
            .risk
            .as_deref()
            .map(Overrides::parse_risks)
            .transpose()?,
        paths: hook.paths,
        when: hook.when,
        headless: (hook.headless || hook.interactive).then_some(hook.headless),
        endpoint: hook.approval_endpoint,
    })
}
