//! `hookkit review` and `defer-for-review`'s subcommands: the reviewer's side of the queue.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use hookkit::locations::Flags;
use hookkit::review::hook::DEFAULT_TTL;
use hookkit::review::parse_ttl;
use hookkit::review::policy::Overrides;
use hookkit::review::queue::Queue;
use hookkit::review::reviewer::{Desk, Target, reviewer_name};

use crate::project::{Person, warn_policy};

/// The reviewer's commands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
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
            audit: hookkit::audit::Trail::of(&locations),
            queue: Queue::new(locations.queue_dir),
            now: chrono::Utc::now(),
        }
    })
}

/// Runs one command; its exit code (`resume --exec` passes claude's through).
pub fn run(
    command: ReviewCommand,
    binary: &str,
    person: &Person,
    overrides: &Overrides,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    let desk = desk(person, binary, overrides);
    match command {
        ReviewCommand::List { all, json } => desk.list(out, all, json)?,
        ReviewCommand::Show(pick) => desk.show(out, &desk.item(&pick.target())?)?,
        ReviewCommand::Approve {
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
            let who = reviewer_name(&person.env, reviewer)?;
            desk.approve(out, &pick.target(), &who, reason.as_deref(), ttl)?;
        }
        ReviewCommand::Deny {
            pick,
            reason,
            reviewer,
        } => {
            let who = reviewer_name(&person.env, reviewer)?;
            desk.deny(out, &pick.target(), &who, &reason)?;
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
    }
    Ok(ExitCode::SUCCESS)
}
