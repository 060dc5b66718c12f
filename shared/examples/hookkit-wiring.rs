//! `hookkit-wiring`: the settings merge behind `install.sh`. Adds hookkit's hook handlers to a
//! Claude Code `settings.json` without losing the user's keys (backup first, idempotent), takes
//! them out again, or prints a plugin's `hooks/hooks.json`.
//!
//! It is a small example of the `hookkit` library rather than a script, so a fresh machine
//! needs neither jq nor python: `install.sh` already needs cargo to build the hooks, and the
//! merge itself is `hookkit::wiring`, unit-tested. Being an example of the library (whose only
//! dev-dependency is tempfile) keeps its build cheap; its few flags are parsed by hand for the
//! same reason.
//!
//! ```text
//! hookkit-wiring install --settings FILE [--bin-dir ABS_DIR] [--with-review] [--no-logger]
//! hookkit-wiring uninstall --settings FILE
//! hookkit-wiring plugin-hooks [--with-review]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hookkit::wiring::{self, BinaryLocation, Change, Plan};
use hookkit::{Error, Result};

const USAGE: &str = "usage:
  hookkit-wiring install --settings FILE [--bin-dir ABS_DIR] [--with-review] [--no-logger]
  hookkit-wiring uninstall --settings FILE
  hookkit-wiring plugin-hooks [--with-review]";

/// The parsed command line.
#[derive(Default)]
struct Args {
    command: String,
    settings: Option<PathBuf>,
    bin_dir: Option<String>,
    with_review: bool,
    no_logger: bool,
}

fn main() -> ExitCode {
    let outcome = parse(std::env::args().skip(1)).and_then(|args| run(&args));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "hookkit-wiring: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse(mut raw: impl Iterator<Item = String>) -> Result<Args> {
    let usage = |message: &str| Error::Other(format!("{message}\n{USAGE}"));
    let mut args = Args {
        command: raw.next().ok_or_else(|| usage("a command is needed"))?,
        ..Args::default()
    };
    while let Some(flag) = raw.next() {
        match flag.as_str() {
            "--settings" => {
                let value = raw.next().ok_or_else(|| usage("--settings needs a file"))?;
                args.settings = Some(PathBuf::from(value));
            }
            "--bin-dir" => {
                let value = raw
                    .next()
                    .ok_or_else(|| usage("--bin-dir needs a directory"))?;
                if !Path::new(&value).is_absolute() {
                    return Err(usage("--bin-dir must be absolute"));
                }
                args.bin_dir = Some(value);
            }
            "--with-review" => args.with_review = true,
            "--no-logger" => args.no_logger = true,
            "-h" | "--help" => return Err(usage("help")),
            other => return Err(usage(&format!("unknown argument `{other}`"))),
        }
    }
    Ok(args)
}

fn run(args: &Args) -> Result<()> {
    let settings = || {
        args.settings
            .as_deref()
            .ok_or_else(|| Error::Other(format!("--settings is required\n{USAGE}")))
    };
    let line = match args.command.as_str() {
        "install" => {
            let plan = Plan {
                location: args
                    .bin_dir
                    .clone()
                    .map_or(BinaryLocation::Project, BinaryLocation::Absolute),
                with_review: args.with_review,
                with_logger: !args.no_logger,
            };
            describe(settings()?, &wiring::install_file(settings()?, &plan)?)
        }
        "uninstall" => describe(settings()?, &wiring::uninstall_file(settings()?)?),
        "plugin-hooks" => {
            let plan = Plan {
                location: BinaryLocation::Plugin,
                with_review: args.with_review,
                with_logger: true,
            };
            serde_json::to_string_pretty(&plan.plugin_hooks())
                .map_err(|e| Error::Other(format!("serialising hooks.json: {e}")))?
        }
        other => return Err(Error::Other(format!("unknown command `{other}`\n{USAGE}"))),
    };
    writeln!(std::io::stdout().lock(), "{line}")
        .map_err(|e| Error::Other(format!("writing stdout: {e}")))
}

fn describe(settings: &Path, change: &Change) -> String {
    let path = settings.display();
    match change {
        Change::Unchanged => format!("{path}: unchanged"),
        Change::Written {
            backup: Some(backup),
        } => format!(
            "{path}: updated (previous version saved to {})",
            backup.display()
        ),
        Change::Written { backup: None } => format!("{path}: written"),
        Change::Restored => format!("{path}: restored from its backup"),
        Change::Removed => format!("{path}: removed (it held only hookkit's wiring)"),
    }
}
