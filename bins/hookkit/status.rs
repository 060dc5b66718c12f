//! `hookkit status [--fix]`: thin over [`hookkit::wiring::status`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use hookkit::audit::tail::Style;
use hookkit::wiring::status::{self, Inputs, MANAGED_SETTINGS};
use hookkit::{Error, Result};
use hookkit_cli::color::Color;
use hookkit_cli::project::Person;

/// `hookkit status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// Repair what an install put here (a removed hook entry, a missing binary), the way the
    /// installer would, and make the state and key directories yours alone (0700), then report
    #[arg(long)]
    fix: bool,
    /// With --fix: take missing binaries from DIR [default: where the install took them,
    /// else the directory of this hookkit]
    #[arg(long, value_name = "DIR", requires = "fix")]
    bin_dir: Option<PathBuf>,
    /// How many of the last decisions to show
    #[arg(long, default_value_t = 5, value_name = "N")]
    decisions: usize,
}

pub(crate) fn run(
    args: &StatusArgs,
    person: &Person,
    color: Color,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let inputs = Inputs {
        env: person.env.clone(),
        project: person.project.clone(),
        managed: PathBuf::from(MANAGED_SETTINGS),
        state_dir: person.state_dir(),
        decisions: args.decisions,
    };
    if args.fix {
        for dir in status::tighten(&inputs)? {
            writeln!(
                out,
                "tightened: {} is now yours alone (0700)",
                dir.display()
            )
            .map_err(|e| Error::io("writing", "<stdout>", e))?;
        }
        let fallback = args.bin_dir.clone().or_else(|| {
            person
                .env
                .exe
                .as_ref()
                .and_then(|e| e.parent().map(Path::to_path_buf))
        });
        let fixed = status::fix(&inputs, fallback.as_deref())?;
        writeln!(
            out,
            "repaired: {} wired again, binaries copied from {}",
            fixed.install.target.settings_file().display(),
            fixed.source.display()
        )
        .map_err(|e| Error::io("writing", "<stdout>", e))?;
    }
    let report = status::status(&inputs);
    let style = Style {
        color: color.for_stdout(&person.env),
    };
    out.write_all(report.render(style).as_bytes())
        .map_err(|e| Error::io("writing", "<stdout>", e))?;
    Ok(if report.working() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
