//! `hookkit-wiring`: the settings merge behind `install.sh`. Adds hookkit's hook handlers to a
//! Claude Code `settings.json` without losing the user's keys (backup first, idempotent), takes
//! them out again, or prints a plugin's `hooks/hooks.json`.
//!
//! It lives here rather than in a script so a fresh machine needs no jq or python: `install.sh`
//! already needs cargo to build the hooks, and this merge is `hookkit::wiring`, unit-tested.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hookkit::wiring::{self, BinaryLocation, Change, Plan};

/// Wire hookkit into a Claude Code settings file, or take it out.
#[derive(Parser)]
#[command(name = "hookkit-wiring", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Merge hookkit's handlers into SETTINGS (created when missing).
    Install {
        /// The settings file, e.g. `.claude/settings.json`.
        #[arg(long)]
        settings: PathBuf,
        /// An absolute directory holding the binaries (a user install); the default refers to
        /// `"$CLAUDE_PROJECT_DIR"/.claude/hooks`.
        #[arg(long)]
        bin_dir: Option<String>,
        /// Also wire `defer-for-review` on PreToolUse.
        #[arg(long)]
        with_review: bool,
        /// Leave `permission-denied-logger` out.
        #[arg(long)]
        no_logger: bool,
    },
    /// Remove exactly hookkit's handlers from SETTINGS (or restore its backup).
    Uninstall {
        /// The settings file.
        #[arg(long)]
        settings: PathBuf,
    },
    /// Print the plugin's `hooks/hooks.json`.
    PluginHooks {
        /// Also wire `defer-for-review`.
        #[arg(long)]
        with_review: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "hookkit-wiring: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> hookkit::Result<()> {
    let mut out = std::io::stdout().lock();
    let line = match cli.command {
        Command::Install {
            settings,
            bin_dir,
            with_review,
            no_logger,
        } => {
            let plan = Plan {
                location: bin_dir.map_or(BinaryLocation::Project, BinaryLocation::Absolute),
                with_review,
                with_logger: !no_logger,
            };
            describe(&settings, &wiring::install_file(&settings, &plan)?)
        }
        Command::Uninstall { settings } => describe(&settings, &wiring::uninstall_file(&settings)?),
        Command::PluginHooks { with_review } => {
            let plan = Plan {
                location: BinaryLocation::Plugin,
                with_review,
                with_logger: true,
            };
            serde_json::to_string_pretty(&plan.plugin_hooks())
                .map_err(|e| hookkit::Error::Other(e.to_string()))?
        }
    };
    writeln!(out, "{line}").map_err(|e| hookkit::Error::Other(format!("writing stdout: {e}")))
}

fn describe(settings: &std::path::Path, change: &Change) -> String {
    let path = settings.display();
    match change {
        Change::Unchanged => format!("{path}: unchanged"),
        Change::Written {
            backup: Some(backup),
        } => {
            format!(
                "{path}: updated (previous version saved to {})",
                backup.display()
            )
        }
        Change::Written { backup: None } => format!("{path}: written"),
        Change::Restored => format!("{path}: restored from its backup"),
        Change::Removed => format!("{path}: removed (it held only hookkit's wiring)"),
    }
}
