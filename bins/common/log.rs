//! `hookkit log` and `permission-denied-logger`'s subcommands: reading the audit trail (the
//! gate's decisions, auto mode denials, reviews).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use hookkit::audit::report::{self, Filter};
use hookkit::audit::tail::Style;
use hookkit::audit::verify::{Head, Standing};
use hookkit::audit::{Trail, commands};

use crate::color::Color;
use hookkit::locations::Flags;

use crate::project::{Person, warn_policy};

/// The trail's commands.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Check the chain, seals and checkpoint across rotated files; exit 1 naming the first
    /// broken record, 3 for an intact log that predates sealing
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

/// The exit code of `verify`: 0 intact; 1 broken (tampering, or the accident the break
/// names); 3 intact but unsealed because the log predates sealing, which proves nothing either
/// way and is not evidence of tampering.
pub fn verify_exit(standing: Standing) -> ExitCode {
    match standing {
        Standing::Intact => ExitCode::SUCCESS,
        Standing::Broken => ExitCode::FAILURE,
        Standing::PredatesSealing => ExitCode::from(PREDATES_SEALING),
    }
}

/// `verify`'s exit code for an intact log that predates sealing.
pub const PREDATES_SEALING: u8 = 3;

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
/// Exit 0; for `verify`, see [`verify_exit`].
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
    run_on(command, &trail, style, out)
}

/// Runs one command on `trail`. Exit 0; for `verify`, see [`verify_exit`].
pub fn run_on(
    command: LogCommand,
    trail: &Trail,
    style: Style,
    out: &mut dyn Write,
) -> hookkit::Result<ExitCode> {
    match command {
        LogCommand::Verify { head } => {
            return Ok(verify_exit(commands::run_verify(
                trail,
                head.as_ref(),
                out,
            )?));
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
            commands::run_report(trail, &Filter { since, session }, json, style, out)?;
        }
        LogCommand::Tail { lines, follow } => {
            commands::run_tail(trail, lines, follow, style, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
