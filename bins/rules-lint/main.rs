//! `rules-lint`: finds the Claude Code permission rules and hooks that silently do nothing, or
//! less than they say, in settings files, plugin `hooks/hooks.json` files and hookkit
//! policies. With no files it lints the layers that apply to the project (`--project-dir`,
//! `CLAUDE_PROJECT_DIR`, or the nearest directory up with a `.claude/` directory or a git
//! root). Exit 0 when clean, 1 on errors (or warnings with `--strict`), 2 on a usage error, an
//! unreadable file, or no file to lint. Not a hook: it never reads a payload. `hookkit lint`
//! is the same command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use hookkit::env::Env;
use hookkit_cli::color::Color;
use hookkit_cli::generate;
use hookkit_cli::lint::{self, LintArgs};
use hookkit_cli::project::Person;

const BINARY: &str = "rules-lint";

/// Finds the Claude Code rules and hooks that silently do nothing, or less than they say.
#[derive(Debug, Parser)]
#[command(name = BINARY, version = hookkit_cli::VERSION, after_help = lint::examples(BINARY))]
struct Cli {
    #[command(flatten)]
    lint: LintArgs,
    /// The project root [default: $CLAUDE_PROJECT_DIR, else the nearest directory up with a
    /// .claude/ directory or a git root, stopping below your home]
    #[arg(long, value_name = "DIR")]
    project_dir: Option<PathBuf>,
    /// Colour: auto (a terminal without NO_COLOR), always or never
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man)
    #[arg(long, value_name = "TARGET", value_parser = generate::TARGETS)]
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
            let _ = writeln!(std::io::stderr().lock(), "{BINARY}: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, env: &Env, out: &mut impl Write) -> Result<ExitCode, String> {
    if let Some(target) = &cli.generate {
        generate::generate(Cli::command(), BINARY, target, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let person = Person::find(env, cli.project_dir.as_deref()).map_err(|e| e.to_string())?;
    lint::run(&cli.lint, &person, cli.color, out)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
