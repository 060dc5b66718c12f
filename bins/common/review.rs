//! `hookkit review` and `defer-for-review`'s subcommands: the reviewer's side of the queue,
//! the signing keys, and the review service.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use hookkit::audit::Trail;
use hookkit::locations::Flags;
use hookkit::review::hook::DEFAULT_TTL;
use hookkit::review::keys::{self, KeygenRequest, Signer};
use hookkit::review::parse_ttl;
use hookkit::review::policy::Overrides;
use hookkit::review::queue::Queue;
use hookkit::review::reviewer::{Desk, Target, reviewer_name};
use hookkit::review::service::{self, ServeRequest};

use crate::project::{Person, warn_policy};

/// The reviewer's commands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Make a signing key: the secret key in ~/.config/hookkit/, the public key added to
    /// the trusted keys of ~/.claude/hookkit.toml
    Keygen(KeygenArgs),
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
        /// How long the approval holds: 30m, 1h, 2d [default: 24h]
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
    /// Run the review service: the approval endpoint with a pending state, and a review page
    /// where reviewers approve or deny
    Serve(ServeArgs),
    /// Who may log in to the review page: add NAME (shows the secret once), remove NAME, list
    Reviewer {
        /// add, remove or list
        #[arg(value_parser = ["add", "remove", "list"])]
        action: String,
        /// The reviewer
        name: Option<String>,
    },
}

/// Which key signs, and how it is unlocked.
#[derive(Debug, Args)]
pub struct SigningKey {
    /// The secret key file [default: ~/.config/hookkit/reviewer.key]
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Read the key's passphrase from the first line of FILE [default: $HOOKKIT_PASSPHRASE,
    /// else a prompt on the terminal]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

/// `keygen`'s options.
#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the command line's switches, one field each"
)]
pub struct KeygenArgs {
    /// The key's name [default: the reviewer's name; review-service with --service]
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
    /// Read the new passphrase from the first line of FILE [default: $HOOKKIT_PASSPHRASE, else
    /// a prompt on the terminal, twice]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Print the public key line instead of adding it to ~/.claude/hookkit.toml
    #[arg(long)]
    no_trust: bool,
    /// Replace an existing key file
    #[arg(long)]
    force: bool,
}

/// `serve`'s options.
#[derive(Debug, Args)]
pub struct ServeArgs {
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
    /// Read the key's passphrase from the first line of FILE [default: $HOOKKIT_PASSPHRASE,
    /// else a prompt on the terminal]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

/// Which item: an id, or Claude Code's JSON result.
#[derive(Debug, Args)]
pub struct Pick {
    /// The item id, or a unique prefix of at least 3 characters
    #[arg(
        required_unless_present = "from_result",
        conflicts_with = "from_result"
    )]
    id: Option<String>,
    /// Claude Code's `--output-format json` result of the deferred run (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    from_result: Option<PathBuf>,
}

impl Pick {
    fn target(&self) -> Target {
        match (&self.from_result, &self.id) {
            (Some(path), _) => Target::FromResult(path.clone()),
            (None, id) => Target::Id(id.clone().unwrap_or_default()),
        }
    }
}

/// The desk of the person's project. When the policy does not load, one warning line and the
/// locations of the layers that do: reviewing is how a stuck session gets going again.
pub fn desk(person: &Person, binary: &str, overrides: &Overrides) -> Desk {
    Desk::open(&person.env, overrides).unwrap_or_else(|error| {
        warn_policy(binary)(&error);
        let flags = Flags {
            log: None,
            queue: overrides.queue.clone(),
        };
        // Warned once above; the lenient read below has nothing new to say.
        let locations = person.locations(overrides.policy.clone(), &flags, &mut |_| {});
        Desk {
            queue: Queue::new(locations.queue_dir.clone()),
            audit: Trail::of(&locations),
            // Without the policy no key is known to be trusted: decisions are still signed,
            // with a warning that hooks reading this policy would refuse them.
            trusted_keys: Vec::new(),
            key_dir: locations.key_dir,
            now: chrono::Utc::now(),
        }
    })
}

/// Runs one command; its exit code (`resume --exec` passes claude's through). Warnings go to
/// stderr.
pub fn run(
    command: ReviewCommand,
    binary: &str,
    person: &Person,
    overrides: &Overrides,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    let mut err = std::io::stderr().lock();
    let env = &person.env;
    let command = match command {
        ReviewCommand::Keygen(args) => {
            let request = KeygenRequest {
                name: args.name,
                service: args.service,
                key: args.key,
                no_passphrase: args.no_passphrase,
                passphrase_file: args.passphrase_file,
                no_trust: args.no_trust,
                force: args.force,
            };
            keys::keygen_command(out, &mut err, env, person.key_dir().as_deref(), request)?;
            return Ok(ExitCode::SUCCESS);
        }
        ReviewCommand::Serve(args) => {
            let request = ServeRequest {
                listen: args.listen,
                public_hosts: args.public_hosts,
                tls_cert: args.tls_cert,
                tls_key: args.tls_key,
                insecure_listen: args.insecure_listen,
                key: args.key,
                passphrase_file: args.passphrase_file,
            };
            service::serve_command(out, env, overrides, request)?;
            return Ok(ExitCode::SUCCESS);
        }
        ReviewCommand::Reviewer { action, name } => {
            service::reviewer_command(out, person.key_dir().as_deref(), &action, name.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
        desk_command => desk_command,
    };
    let desk = desk(person, binary, overrides);
    match command {
        ReviewCommand::List { all, json } => desk.list(out, all, json)?,
        ReviewCommand::Show(pick) => desk.show(out, &desk.item(&pick.target())?)?,
        ReviewCommand::Approve {
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
            let signer = signer(&mut err, person, &desk, reviewer, signing)?;
            desk.approve(out, &pick.target(), &signer, reason.as_deref(), ttl)?;
        }
        ReviewCommand::Deny {
            pick,
            reason,
            reviewer,
            signing,
        } => {
            let signer = signer(&mut err, person, &desk, reviewer, signing)?;
            desk.deny(out, &pick.target(), &signer, &reason)?;
        }
        ReviewCommand::Resume {
            pick,
            exec,
            claude,
            extra,
        } => {
            let code = desk.resume(out, &pick.target(), &claude, &extra, exec)?;
            return Ok(ExitCode::from(code));
        }
        ReviewCommand::Keygen(_) | ReviewCommand::Serve(_) | ReviewCommand::Reviewer { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// The reviewer's signing key, unlocked; warns when the policy does not trust it.
fn signer(
    err: &mut dyn Write,
    person: &Person,
    desk: &Desk,
    reviewer: Option<String>,
    signing: SigningKey,
) -> hookkit::Result<Signer> {
    let who = reviewer_name(&person.env, reviewer)?;
    let signer = keys::signer_command(
        err,
        &person.env,
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
