//! `hookkit install`, `uninstall` and `init`: thin over [`hookkit::wiring`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hookkit::config::{Discovery, Effective};
use hookkit::env::Role;
use hookkit::lint::{self, discover, render};
use hookkit::wiring::optin::{self, Scope};
use hookkit::wiring::setup::{self, Install, Target};
use hookkit::wiring::{self, BinaryLocation, Change, Plan, template};
use hookkit::{Error, Result};
use hookkit_cli::project::Person;

/// The gate modes, loosest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// Never allows on its own: only denies or asks (the default)
    Guard,
    /// Lets low risk calls run without a prompt
    Strict,
    /// Lets low and medium risk local, reversible work run without a prompt
    Auto,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Guard => "guard",
            Self::Strict => "strict",
            Self::Auto => "auto",
        }
    }
}

/// `hookkit install`.
#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is one flag of the command line"
)]
pub(crate) struct InstallArgs {
    /// Wire the committed .claude/settings.json (and write .claude/.gitignore) instead of
    /// .claude/settings.local.json, which stays out of git
    #[arg(long, conflicts_with_all = ["user", "settings", "plugin"])]
    shared: bool,
    /// Wire ~/.claude/settings.json: every project of yours, with absolute paths
    #[arg(long, conflicts_with_all = ["settings", "plugin"])]
    user: bool,
    /// Where the binaries are copied from [default: the directory of this hookkit]
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
    /// Also wire defer-for-review (headless review of sensitive calls in `claude -p`)
    #[arg(long)]
    with_review: bool,
    /// Leave permission-denied-logger (the audit of auto mode denials) out
    #[arg(long)]
    no_logger: bool,
    /// Record a gate mode for this project (with --user: for every project) in your own
    /// ~/.claude/hookkit.toml
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// Only merge the wiring into this settings file (for `claude -p --settings FILE`); the
    /// commands point at ${CLAUDE_PROJECT_DIR}/.claude/hooks, or at --bin-dir (absolute)
    #[arg(long, value_name = "FILE", conflicts_with = "plugin")]
    settings: Option<PathBuf>,
    /// Only copy the binaries into DIR/bin, the layout of the Claude Code plugin
    #[arg(long, value_name = "DIR")]
    plugin: Option<PathBuf>,
}

/// `hookkit uninstall`.
#[derive(Debug, Args)]
pub(crate) struct UninstallArgs {
    /// Take hookkit out of ~/.claude instead of the project
    #[arg(long, conflicts_with = "settings")]
    user: bool,
    /// Only take the wiring out of this settings file
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
}

/// `hookkit init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Record this mode for the project (in your own file, keyed by the project's path)
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// With --mode: for every project (`[gate] mode` of your own file)
    #[arg(long, requires = "mode")]
    everywhere: bool,
}

fn say(out: &mut dyn Write, text: &str) -> Result<()> {
    writeln!(out, "{text}").map_err(|e| Error::io("writing", "<stdout>", e))
}

/// Where the binaries come from: `--bin-dir`, else the directory of the running `hookkit`.
fn source(person: &Person, bin_dir: Option<&Path>) -> Result<PathBuf> {
    let cwd = person.env.cwd.clone().unwrap_or_default();
    bin_dir
        .map(|d| cwd.join(d))
        .or_else(|| {
            person
                .env
                .exe
                .as_ref()
                .and_then(|e| e.parent().map(Path::to_path_buf))
        })
        .ok_or_else(|| Error::Other("cannot tell where this hookkit is: pass --bin-dir".into()))
}

fn home(person: &Person) -> Result<PathBuf> {
    person
        .env
        .home
        .clone()
        .ok_or_else(|| Error::Other("HOME is not set: your own files live there".into()))
}

/// The user's home (`user`), or the project `dir`.
fn target(person: &Person, user: bool, dir: PathBuf, shared: bool) -> Result<Target> {
    Ok(if user {
        Target::User {
            home: home(person)?,
        }
    } else {
        Target::Project { dir, shared }
    })
}

fn user_policy(person: &Person) -> Result<PathBuf> {
    Ok(home(person)?
        .join(".claude")
        .join(hookkit::locations::POLICY_FILE))
}

fn describe(path: &Path, change: &Change) -> String {
    let path = path.display();
    match change {
        Change::Unchanged => format!("{path}: unchanged"),
        Change::Written {
            backup: Some(backup),
        } => format!(
            "{path}: updated (the previous version is saved in {})",
            backup.display()
        ),
        Change::Written { backup: None } => format!("{path}: written"),
        Change::Restored => format!("{path}: restored from its backup"),
        Change::Removed => format!("{path}: removed (it held only hookkit's wiring)"),
    }
}

pub(crate) fn install(
    args: &InstallArgs,
    person: &Person,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let with_logger = !args.no_logger;
    if let Some(settings) = &args.settings {
        let location = match &args.bin_dir {
            Some(dir) if dir.is_absolute() => BinaryLocation::Absolute(dir.display().to_string()),
            Some(_) => {
                return Err(Error::Other(
                    "with --settings, --bin-dir must be absolute".into(),
                ));
            }
            None => BinaryLocation::Project,
        };
        let plan = Plan {
            location,
            with_review: args.with_review,
            with_logger,
        };
        let change = wiring::install_file(settings, &plan)?;
        say(out, &describe(settings, &change))?;
        return Ok(ExitCode::SUCCESS);
    }
    let from = source(person, args.bin_dir.as_deref())?;
    if let Some(plugin) = &args.plugin {
        if !plugin.join(".claude-plugin/plugin.json").is_file() {
            return Err(Error::Other(format!(
                "{} has no .claude-plugin/plugin.json",
                plugin.display()
            )));
        }
        let dest = plugin.join("bin");
        setup::copy_binaries(&from, &dest, &wiring::BINARIES)?;
        say(
            out,
            &format!("plugin binaries installed in {}", dest.display()),
        )?;
        say(
            out,
            &format!("try it:   claude --plugin-dir {}", plugin.display()),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let target = target(person, args.user, person.project.clone(), args.shared)?;
    let install = Install {
        target: target.clone(),
        source: from,
        with_review: args.with_review,
        with_logger,
    };
    let done = install.run(&person.state_dir())?;
    say(
        out,
        &format!("binaries installed in {}:", target.hooks_dir().display()),
    )?;
    for (_, version) in &done.versions {
        say(out, &format!("  {version}"))?;
    }
    say(out, &describe(&done.settings.0, &done.settings.1))?;
    report_ignore(&target, done.ignored_in.as_deref(), out)?;
    if let Some(other) = &done.also_wired {
        say(
            out,
            &format!(
                "note: {} wires hookkit too (an earlier install): each call then runs the gate \
                 twice; take it out with `hookkit uninstall` and install once",
                other.display()
            ),
        )?;
    }
    mode_line(args.mode, &target, person, out)?;
    lint_settings(&done.settings.0, person, out)?;
    say(
        out,
        &format!(
            "hookkit is wired into {}. Check it with `hookkit status`; undo with `hookkit \
             uninstall{}`.",
            done.settings.0.display(),
            if args.user { " --user" } else { "" }
        ),
    )?;
    if args.with_review {
        say(
            out,
            "review queue: .claude/reviews (`hookkit review list`, `approve ID`, `deny ID`)",
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_ignore(target: &Target, ignored_in: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    match (target, ignored_in) {
        (Target::Project { shared: false, .. }, Some(exclude)) => say(
            out,
            &format!(
                "for this checkout only: the settings file and the binaries are listed in {} \
                 (never committed)",
                exclude.display()
            ),
        ),
        (Target::Project { shared: false, .. }, None) => say(
            out,
            "for this checkout only (.claude/settings.local.json is not meant to be committed)",
        ),
        (Target::Project { shared: true, .. }, Some(gitignore)) => say(
            out,
            &format!(
                "shared: commit .claude/settings.json and {} (it keeps the binaries, logs, state \
                 and reviews out of git).\n\
                 Teammates need the binaries too: until they run `./install.sh --shared` (or \
                 `hookkit install --shared`) in their checkout, or load the hookkit plugin, \
                 which carries them, every guarded call fails to start and, with \"onFailure\": \
                 \"block\", is blocked.",
                gitignore.display()
            ),
        ),
        _ => Ok(()),
    }
}

/// Records `--mode` in the user's own file and says what it changes; without it, says what
/// the mode in force does.
fn mode_line(
    mode: Option<Mode>,
    target: &Target,
    person: &Person,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(mode) = mode else {
        let current = effective_mode(person);
        return say(
            out,
            &format!(
                "mode {current}: {} (`--mode` to change)",
                optin::what_it_changes(&current)
            ),
        );
    };
    let scope = match target {
        Target::User { .. } => Scope::Everywhere,
        Target::Project { dir, .. } => Scope::Project(dir.clone()),
    };
    record_mode(person, &scope, mode, out)
}

fn record_mode(person: &Person, scope: &Scope, mode: Mode, out: &mut dyn Write) -> Result<()> {
    let file = user_policy(person)?;
    optin::set_mode(&file, scope, mode.as_str())?;
    let whom = match scope {
        Scope::Everywhere => "every project".to_owned(),
        Scope::Project(dir) => dir.display().to_string(),
    };
    say(
        out,
        &format!(
            "mode {} for {whom} (recorded in {}): {}",
            mode.as_str(),
            file.display(),
            optin::what_it_changes(mode.as_str())
        ),
    )
}

/// The mode the gate uses in the person's project, as the hooks read the layers.
fn effective_mode(person: &Person) -> String {
    let layers = Discovery::new(&person.env, Role::Hook, None, person.project.clone())
        .load_lenient()
        .0;
    Effective::of(&layers)
        .ok()
        .and_then(|e| {
            e.value("gate", "mode")
                .and_then(|v| v.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "guard".to_owned())
}

/// Lints what was wired, as a person would with `hookkit lint`: findings are shown, never
/// fatal (hookkit is installed either way).
fn lint_settings(settings: &Path, person: &Person, out: &mut dyn Write) -> Result<()> {
    let cwd = person.env.cwd.clone().unwrap_or_default();
    let files = discover::explicit(&[settings.to_path_buf()], &cwd)?;
    let options = lint::Options {
        project_dir: person.project.clone(),
        home: person.env.home.clone(),
        path_var: person.env.path.clone(),
        headless: false,
    };
    let report = lint::lint(files, &options);
    if report.findings.is_empty() {
        return say(out, &format!("lint: no problems in {}", settings.display()));
    }
    say(
        out,
        &format!(
            "lint found issues in {} (hookkit is installed; look at them):",
            settings.display()
        ),
    )?;
    out.write_all(render::text(&report, false).as_bytes())
        .map_err(|e| Error::io("writing", "<stdout>", e))
}

pub(crate) fn uninstall(
    args: &UninstallArgs,
    person: &Person,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    if let Some(settings) = &args.settings {
        let change = wiring::uninstall_file(settings)?;
        say(out, &describe(settings, &change))?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = if args.user {
        person.project.clone()
    } else {
        person.require_found()?.to_path_buf()
    };
    let target = target(person, args.user, dir, false)?;
    let removed = setup::uninstall(&target, &person.state_dir())?;
    for (file, change) in &removed.settings {
        if *change != Change::Unchanged {
            say(out, &describe(file, change))?;
        }
    }
    say(
        out,
        &format!(
            "hookkit removed from {} ({} files taken out of {})",
            target.claude_dir().display(),
            removed.binaries.len(),
            target.hooks_dir().display()
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn init(args: &InitArgs, person: &Person, out: &mut dyn Write) -> Result<ExitCode> {
    let file = user_policy(person)?;
    if file.exists() {
        say(
            out,
            &format!("{}: already there, left as it is", file.display()),
        )?;
    } else {
        let mode = match (args.mode, args.everywhere) {
            (Some(mode), true) => mode.as_str(),
            _ => "guard",
        };
        setup::write_atomically(&file, template::user_policy(mode).as_bytes())?;
        say(
            out,
            &format!(
                "{}: written, every key commented at its default (`hookkit lint` checks it)",
                file.display()
            ),
        )?;
    }
    if let Some(mode) = args.mode {
        let scope = if args.everywhere {
            Scope::Everywhere
        } else {
            // An opt-in for one project is keyed by its path in your own file, never written
            // into the repository.
            Scope::Project(person.require_found()?.to_path_buf())
        };
        record_mode(person, &scope, mode, out)?;
    }
    Ok(ExitCode::SUCCESS)
}
