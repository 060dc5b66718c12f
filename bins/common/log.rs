//! `hookkit log` and `permission-denied-logger`'s subcommands: reading the audit trail (the
//! gate's decisions, auto mode denials, reviews).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use hookkit::audit::report::{self, Filter};
use hookkit::audit::tail::Style;
use hookkit::audit::verify::Head;
use hookkit::audit::{Trail, commands};

use crate::color::Color;
use hookkit::locations::Flags;

use crate::project::{Person, warn_policy};

/// The trail's commands.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
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
    /// The latest records (the gate's decisions among them), newest last.
    Tail {
        /// How many records.
        #[arg(short = 'n', default_value_t = 10)]
        lines: usize,
        /// Keep printing records as they are appended.
        #[arg(short, long)]
        follow: bool,
    },
}

/// Where the trail is: `--log` and `--policy` of the command line.
#[derive(Debug, Clone, Default)]
pub struct TrailFlags {
    /// `--log FILE`.
    pub log: Option<PathBuf>,
    /// `--policy FILE`.
    pub policy: Option<PathBuf>,
}

/// Runs one command. A policy that does not load is one warning line on stderr (prefixed with
/// `binary`): reading the trail is how a person finds out what went wrong.
///
/// Exit 0, or 1 when `verify` finds the chain broken.
pub fn run(
    command: LogCommand,
    binary: &str,
    person: &Person,
    flags: TrailFlags,
    color: Color,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    let locations = person.locations(
        flags.policy,
        &Flags {
            log: flags.log,
            queue: None,
        },
        &mut warn_policy(binary),
    );
    let trail = Trail::of(&locations);
    let style = Style::detect(color.for_stdout(&person.env), false);
    match command {
        LogCommand::Verify { head } => {
            let intact = commands::run_verify(&trail, head.as_ref(), out)?;
            return Ok(if intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        LogCommand::Report {
            since,
            session,
            json,
        } => {
            let since = since
                .map(|s| report::since(&s))
                .transpose()
                .map_err(|e| hookkit::Error::Other(format!("--since {e}")))?;
            commands::run_report(&trail, &Filter { since, session }, json, style, out)?;
        }
        LogCommand::Tail { lines, follow } => {
            commands::run_tail(&trail, lines, follow, style, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
