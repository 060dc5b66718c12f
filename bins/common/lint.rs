//! `rules-lint` and `hookkit lint`: one definition of the linter's command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hookkit::lint::{self, Options, catalog, discover, render, verify};

use crate::color::Color;
use crate::project::Person;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like text with the offending line and a caret.
    Text,
    /// One JSON object with every finding.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// The linter's arguments (the project directory is the caller's `--project-dir`).
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files to lint: settings JSON, a plugin's hooks/hooks.json, or a hookkit .toml policy.
    /// Without files, the layers that apply to the project are found.
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Fail (exit 1) on warnings as well as errors.
    #[arg(long)]
    pub strict: bool,
    /// Also run the wired PreToolUse hooks against dangerous and safe payloads.
    #[arg(long)]
    pub verify: bool,
    /// The settings are used only by headless runs (`claude -p`), where defer works.
    #[arg(long)]
    pub headless: bool,
    /// Print the long description of a finding id, such as HK201, and exit.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
}

/// Examples for the help of both binaries (`{bin}` is the command as typed).
pub fn examples(bin: &str) -> String {
    format!(
        "Examples:\n  {bin}\n  {bin} .claude/settings.json ~/.claude/settings.json\n  \
         {bin} --format sarif > rules-lint.sarif\n  {bin} --verify\n  {bin} --explain HK301"
    )
}

/// Runs the linter. Exit 0 when clean, 1 on errors (or warnings with `--strict`); `Err` is a
/// usage error or an unreadable file (exit 2).
pub fn run(
    args: &LintArgs,
    person: &Person,
    color: Color,
    out: &mut dyn Write,
) -> Result<ExitCode, String> {
    if let Some(id) = &args.explain {
        let entry = catalog::lookup(id).ok_or_else(|| format!("unknown finding id `{id}`"))?;
        writeln!(
            out,
            "{} ({}, {})\n\n{}",
            entry.id, entry.title, entry.severity, entry.explain
        )
        .map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let env = &person.env;
    let cwd = env
        .cwd
        .clone()
        .ok_or("the working directory cannot be read")?;
    let options = Options {
        project_dir: person.project.clone(),
        home: env.home.clone(),
        path_var: env.path.clone(),
        headless: args.headless,
    };
    let files = if args.files.is_empty() {
        let found = discover::for_project(
            &person.project,
            options.home.as_deref(),
            env.policy.as_deref(),
            &cwd,
        )
        .map_err(|e| e.to_string())?;
        if found.is_empty() {
            // "No problems in 0 files" would read as a clean bill of health.
            return Err(format!(
                "no settings or policy files found for the project `{}` (looked for \
                 .claude/settings.json, .claude/settings.local.json, .claude/hookkit.toml and \
                 the user's ~/.claude files); name the files to lint, or pass --project-dir",
                person.project.display()
            ));
        }
        found
    } else {
        discover::explicit(&args.files, &cwd).map_err(|e| e.to_string())?
    };
    let guards = if args.verify {
        lint::wired_guards(&files)
    } else {
        Vec::new()
    };
    let mut report = lint::lint(files, &options);
    if args.verify {
        let found = verify::verify(&report.files, &guards, &options);
        report.extend(found);
    }
    let written = match args.format {
        Format::Text => write!(out, "{}", render::text(&report, color.for_stdout(env))),
        Format::Json => writeln!(out, "{:#}", render::json(&report)),
        Format::Sarif => writeln!(out, "{:#}", render::sarif(&report)),
    };
    written.map_err(|e| e.to_string())?;
    Ok(if report.fails(args.strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
