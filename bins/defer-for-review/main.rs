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

use clap::{Args, CommandFactory, Parser, Subcommand};
use hookkit::env::Env;
use hookkit::review::hook::{self, DEFAULT_TTL};
use hookkit::review::keys::{self, KeygenRequest};
use hookkit::review::parse_ttl;
use hookkit::review::policy::{HOOK_DEADLINE, Overrides};
use hookkit::review::reviewer::{Desk, Target, reviewer_name};
use hookkit::review::service::{self, ServeRequest};
use hookkit::{Error, HookSpec, Result, run_hook};

#[path = "../common/generate.rs"]
mod generate;

#[derive(Parser)]
#[command(
    version,
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
    #[arg(long, hide = true, value_name = "TARGET", value_parser = generate::TARGETS)]
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

/// Which key signs, and how it is unlocked.
#[derive(Args)]
struct SigningKey {
    /// The secret key file [default: ~/.config/hookkit/reviewer.key]
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Read the key's passphrase from the first line of FILE [default: $HOOKKIT_PASSPHRASE,
    /// else a prompt on the terminal]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Make a signing key: the secret key in ~/.config/hookkit/, the public key added to
    /// the trusted keys of ~/.claude/hookkit.toml
    Keygen(KeygenArgs),
    /// Run the review service: the approval endpoint with a pending state, and a review page
    /// where reviewers approve or deny
    Serve(ServeArgs),
    /// Manage who may log in to the review page: add NAME, remove NAME, list
    Reviewer {
        /// add, remove or list
        #[arg(value_parser = ["add", "remove", "list"])]
        action: String,
        /// The reviewer
        name: Option<String>,
    },
    #[command(flatten)]
    Desk(DeskCommand),
}

/// The reviewer's commands on the queue.
#[derive(Subcommand)]
enum DeskCommand {
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
        /// Who approves [default: $USER, $LOGNAME, the account name]
        #[arg(long)]
        reviewer: Option<String>,
        #[command(flatten)]
        signing: SigningKey,
    },
    /// Deny a call: the model is told the reason when the session resumes
    Deny {
        #[command(flatten)]
        pick: Pick,
        /// Why (told to the model)
        #[arg(long, required = true)]
        reason: String,
        /// Who denies [default: $USER, $LOGNAME, the account name]
        #[arg(long)]
        reviewer: Option<String>,
        #[command(flatten)]
        signing: SigningKey,
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

#[derive(Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the command line's switches, one field each"
)]
struct KeygenArgs {
    /// The key's name [default: the reviewer's name]
    #[arg(long)]
    name: Option<String>,
    /// The review service's key (service.key) instead of a reviewer's (reviewer.key)
    #[arg(long)]
    service: bool,
    /// Write the secret key here instead
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Write the key unencrypted (protects it from the agent's tools only)
    #[arg(long, conflicts_with = "passphrase_file")]
    no_passphrase: bool,
    /// Read the new passphrase from the first line of FILE
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Print the public key line instead of adding it to ~/.claude/hookkit.toml
    #[arg(long)]
    no_trust: bool,
    /// Replace an existing key file
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Where to listen [default: 127.0.0.1:8765]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// A host name the service answers to besides loopback ones (repeatable)
    #[arg(long = "public-host", value_name = "NAME")]
    public_hosts: Vec<String>,
    /// The TLS certificate chain (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Listen beyond loopback without TLS (logins and decisions in the clear)
    #[arg(long)]
    insecure_listen: bool,
    /// The service's secret key [default: ~/.config/hookkit/service.key]
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Read the key's passphrase from the first line of FILE
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Without a subcommand this is a hook: it must still read stdin and answer safely.
        Err(e) if e.use_stderr() && !names_a_subcommand() => {
            let spec = HookSpec::new(hook::BINARY);
            return run_hook(&spec, |_| Err(Error::Other(format!("bad arguments: {e}"))));
        }
        Err(e) => e.exit(),
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
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let overrides = overrides(cli.hook, cli.queue, cli.policy)?;
    match command {
        Command::Keygen(args) => {
            let request = KeygenRequest {
                name: args.name,
                service: args.service,
                key: args.key,
                no_passphrase: args.no_passphrase,
                passphrase_file: args.passphrase_file,
                no_trust: args.no_trust,
                force: args.force,
            };
            keys::keygen_command(&mut out, &mut err, env, request)?;
        }
        Command::Serve(args) => {
            let request = ServeRequest {
                listen: args.listen,
                public_hosts: args.public_hosts,
                tls_cert: args.tls_cert,
                tls_key: args.tls_key,
                insecure_listen: args.insecure_listen,
                key: args.key,
                passphrase_file: args.passphrase_file,
            };
            service::serve_command(&mut out, env, &overrides, request)?;
        }
        Command::Reviewer { action, name } => {
            service::reviewer_command(&mut out, env, &action, name.as_deref())?;
        }
        Command::Desk(command) => return desk(command, env, &overrides, &mut out, &mut err),
    }
    Ok(ExitCode::SUCCESS)
}

/// The reviewer's commands on the queue.
fn desk(
    command: DeskCommand,
    env: &Env,
    overrides: &Overrides,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode> {
    let desk = Desk::open(env, overrides)?;
    match command {
        DeskCommand::List { all, json } => desk.list(out, all, json)?,
        DeskCommand::Show(pick) => desk.show(out, &desk.item(&pick.target())?)?,
        DeskCommand::Approve {
            pick,
            reason,
            ttl,
            reviewer,
            signing,
        } => {
            let ttl = ttl
                .as_deref()
                .map(parse_ttl)
                .transpose()?
                .unwrap_or(DEFAULT_TTL);
            let signer = signer(err, env, &desk, reviewer, signing)?;
            desk.approve(out, &pick.target(), &signer, reason.as_deref(), ttl)?;
        }
        DeskCommand::Deny {
            pick,
            reason,
            reviewer,
            signing,
        } => {
            let signer = signer(err, env, &desk, reviewer, signing)?;
            desk.deny(out, &pick.target(), &signer, &reason)?;
        }
        DeskCommand::Resume {
            pick,
            exec,
            claude,
            extra,
        } => {
            let code = desk.resume(out, &pick.target(), &claude, &extra, exec)?;
            return Ok(ExitCode::from(code));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The reviewer's signing key, unlocked; warns when the policy does not trust it.
fn signer(
    err: &mut dyn Write,
    env: &Env,
    desk: &Desk,
    reviewer: Option<String>,
    signing: SigningKey,
) -> Result<keys::Signer> {
    let who = reviewer_name(env, reviewer)?;
    let signer = keys::signer_command(
        err,
        env,
        desk.key_dir.as_deref(),
        signing.key,
        signing.passphrase_file,
        &who,
    )?;
    if let Some(warning) = desk.untrusted_warning(&signer) {
        let _ = writeln!(err, "{warning}");
    }
    Ok(signer)
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

/// Whether the command line names a subcommand (then a usage error is printed, not answered
/// as a hook).
fn names_a_subcommand() -> bool {
    std::env::args().skip(1).any(|a| {
        matches!(
            a.as_str(),
            "keygen"
                | "serve"
                | "reviewer"
                | "list"
                | "show"
                | "approve"
                | "deny"
                | "resume"
                | "help"
        )
    })
}
