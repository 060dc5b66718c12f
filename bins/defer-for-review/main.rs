//! `defer-for-review`: headless review of sensitive tool calls.
//!
//! With no subcommand it is the PreToolUse hook: calls that need a person get `defer` in a
//! headless `claude -p` run (`ask` in an interactive one) and wait in the review queue; on
//! resume an approved call is allowed, a denied one denied. Exit 0 with one JSON reply; if the
//! hook fails it asks, never allows. The subcommands are the reviewer's side: `list`, `show`,
//! `approve`, `deny`, `resume` (exit 0, or 1 with the error on stderr).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use hookkit::env::Env;
use hookkit::review::hook::{self, DEFAULT_TTL};
use hookkit::review::parse_ttl;
use hookkit::review::policy::{HOOK_DEADLINE, Overrides};
use hookkit::review::reviewer::{Desk, Target, reviewer_name};
use hookkit::{Error, HookSpec, Result, run_hook};
use hookkit_cli::generate;
use hookkit_cli::hook::{self as entry, Entry};

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
    command: Option<Command>,
    #[command(flatten)]
    hook: HookArgs,
    /// The review queue directory [default: $HOOKKIT_REVIEW_DIR, else `[review] queue_dir`,
    /// else .claude/reviews under the project]
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
    /// An http(s) approval service to ask before deferring
    #[arg(long, value_name = "URL")]
    approval_endpoint: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// List pending reviews (all with --all)
    List {
        /// Every item, decided ones too
        #[arg(long)]
        all: bool,
        /// JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Show one item in full
    Show(Pick),
    /// Approve a call: it runs, with exactly this input, when the session resumes
    Approve {
        #[command(flatten)]
        pick: Pick,
        /// Why (recorded)
        #[arg(long)]
        reason: Option<String>,
        /// How long the approval holds: 30m, 1h, 2d
        #[arg(long, value_name = "DURATION")]
        ttl: Option<String>,
        /// Who approves [default: $USER, $LOGNAME]
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Deny a call: the model is told the reason when the session resumes
    Deny {
        #[command(flatten)]
        pick: Pick,
        /// Why (told to the model)
        #[arg(long, required = true)]
        reason: String,
        /// Who denies [default: $USER, $LOGNAME]
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Print (or run) the command that resumes the item's session
    Resume {
        #[command(flatten)]
        pick: Pick,
        /// Run it and pass its exit code through
        #[arg(long)]
        exec: bool,
        /// The Claude Code program
        #[arg(long, default_value = "claude", value_name = "PROGRAM")]
        claude: String,
        /// More arguments for claude, after `--` (such as `--output-format json`)
        #[arg(last = true, value_name = "ARGS")]
        extra: Vec<String>,
    },
}

/// Which item: an id, or Claude Code's JSON result.
#[derive(Args)]
struct Pick {
    /// The item id (or a unique prefix)
    #[arg(
        required_unless_present = "from_result",
        conflicts_with = "from_result"
    )]
    id: Option<String>,
    /// Claude Code's `--output-format json` result of the deferred run (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    from_result: Option<PathBuf>,
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
    let desk = Desk::open(env, &overrides(cli.hook, cli.queue, cli.policy)?)?;
    let mut out = std::io::stdout().lock();
    match command {
        Command::List { all, json } => desk.list(&mut out, all, json)?,
        Command::Show(pick) => desk.show(&mut out, &desk.item(&pick.target())?)?,
        Command::Approve {
            pick,
            reason,
            ttl,
            reviewer,
        } => {
            let ttl = ttl
                .as_deref()
                .map(parse_ttl)
                .transpose()?
                .unwrap_or(DEFAULT_TTL);
            let who = reviewer_name(env, reviewer)?;
            desk.approve(&mut out, &pick.target(), &who, reason.as_deref(), ttl)?;
        }
        Command::Deny {
            pick,
            reason,
            reviewer,
        } => {
            desk.deny(
                &mut out,
                &pick.target(),
                &reviewer_name(env, reviewer)?,
                &reason,
            )?;
        }
        Command::Resume {
            pick,
            exec,
            claude,
            extra,
        } => {
            let code = desk.resume(&mut out, &pick.target(), &claude, &extra, exec)?;
            return Ok(ExitCode::from(code));
        }
    }
    Ok(ExitCode::SUCCESS)
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

impl Pick {
    fn target(&self) -> Target {
        match (&self.from_result, &self.id) {
            (Some(path), _) => Target::FromResult(path.clone()),
            (None, id) => Target::Id(id.clone().unwrap_or_default()),
        }
    }
}
