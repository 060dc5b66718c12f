//! `rules-lint`: finds the Claude Code permission rules and hooks that silently do nothing, or
//! less than they say, in settings files, plugin `hooks/hooks.json` files and hookkit
//! policies. With no files it lints the layers that apply to the project (`CLAUDE_PROJECT_DIR`
//! or the working directory). Exit 0 when clean, 1 on errors (or warnings with `--strict`),
//! 2 on a usage error or an unreadable file. Not a hook: it never reads a payload.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, ValueEnum};
use hookkit::env::Env;
use hookkit::lint::{self, Options, catalog, discover, render, verify};

#[path = "../common/generate.rs"]
mod generate;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-like text with the offending line and a caret.
    Text,
    /// One JSON object with every finding.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// Finds the Claude Code rules and hooks that silently do nothing, or less than they say.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Examples:\n  rules-lint\n  rules-lint .claude/settings.json ~/.claude/settings.json\n  rules-lint --format sarif > rules-lint.sarif\n  rules-lint --verify\n  rules-lint --explain HK301"
)]
struct Cli {
    /// Files to lint: settings JSON, a plugin's hooks/hooks.json, or a hookkit .toml policy.
    /// Without files, the layers that apply to the project are found.
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Fail (exit 1) on warnings as well as errors.
    #[arg(long)]
    strict: bool,
    /// Also run the wired PreToolUse hooks against dangerous and safe payloads.
    #[arg(long)]
    verify: bool,
    /// The settings are used only by headless runs (`claude -p`), where defer works.
    #[arg(long)]
    headless: bool,
    /// The project root [default: $CLAUDE_PROJECT_DIR, else the nearest directory up with a
    /// .claude/ directory or a git root]
    #[arg(long)]
    project_dir: Option<PathBuf>,
    /// Print the long description of a finding id, such as HK201, and exit.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man).
    #[arg(long, hide = true, value_name = "TARGET", value_parser = generate::TARGETS)]
    generate: Option<String>,
}

fn main() -> ExitCode {
    let env = Env::capture();
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    match run(&cli, &env, &mut out) {
        Ok(code) => code,
        Err(message) => {
            let _ = out.flush();
            let _ = writeln!(std::io::stderr().lock(), "rules-lint: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, env: &Env, out: &mut impl Write) -> Result<ExitCode, String> {
    if let Some(target) = &cli.generate {
        generate::generate(Cli::command(), "rules-lint", target, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(id) = &cli.explain {
        let entry = catalog::lookup(id).ok_or_else(|| format!("unknown finding id `{id}`"))?;
        writeln!(
            out,
            "{} ({}, {})\n\n{}",
            entry.id, entry.title, entry.severity, entry.explain
        )
        .map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let cwd = env
        .cwd
        .clone()
        .ok_or("the working directory cannot be read")?;
    let project_dir = hookkit::locations::find_project(env, cli.project_dir.as_deref())
        .map_err(|e| e.to_string())?;
    let options = Options {
        project_dir: project_dir.clone(),
        home: env.home.clone(),
        path_var: env.path.clone(),
        headless: cli.headless,
    };
    let files = if cli.files.is_empty() {
        let policy = env.policy.clone();
        discover::for_project(
            &project_dir,
            options.home.as_deref(),
            policy.as_deref(),
            &cwd,
        )
    } else {
        discover::explicit(&cli.files, &cwd)
    }
    .map_err(|e| e.to_string())?;
    let guards = if cli.verify {
        lint::wired_guards(&files)
    } else {
        Vec::new()
    };
    let mut report = lint::lint(files, &options);
    if cli.verify {
        let found = verify::verify(&report.files, &guards, &options);
        report.extend(found);
    }
    let written = match cli.format {
        Format::Text => {
            let color = std::io::stdout().is_terminal() && !env.no_color;
            write!(out, "{}", render::text(&report, color))
        }
        Format::Json => writeln!(out, "{:#}", render::json(&report)),
        Format::Sarif => writeln!(out, "{:#}", render::sarif(&report)),
    };
    written.map_err(|e| e.to_string())?;
    Ok(if report.fails(cli.strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
