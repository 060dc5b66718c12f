//! The `hookkit` command, and what every binary's command line shares, through the real
//! binaries: project discovery from a subdirectory, the hook-mode entry, `status` on a working
//! and a broken install, `init` and opt-ins, commands that must work on a broken policy, and
//! the reference pages generated from the code.

/// `--version`, `--generate`, `--color`, typos, and a terminal on a hook's stdin.
mod cli;
/// The reference pages in docs/ that are generated from the code.
mod docs;
/// `init` and the per-project opt-in.
mod init;
/// The state and key directories, and everything in them, are the user's alone.
mod private;
/// Finding the project from anywhere inside it; a directory that is not one.
mod project;
/// `status` and `status --fix`.
mod status;

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::Sandbox;

/// The `hookkit` binary of this test run.
pub(crate) const HOOKKIT: &str = env!("CARGO_BIN_EXE_hookkit");

/// The directory of this test run's binaries, which `hookkit install --bin-dir` copies from.
pub(crate) fn bin_dir() -> PathBuf {
    Path::new(HOOKKIT)
        .parent()
        .expect("the binaries' directory")
        .to_path_buf()
}

/// A run of `binary` as a person at a terminal would start it: the sandbox's home, `cwd`,
/// and no `CLAUDE_PROJECT_DIR` (only Claude Code sets it).
pub(crate) fn person(sandbox: &Sandbox, binary: &str, cwd: &Path, args: &[&str]) -> Ran {
    let output = std::process::Command::new(binary)
        .args(args)
        .env_clear()
        .env("HOME", sandbox.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("USER", "tester")
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("running the binary");
    Ran(output)
}

/// What a run printed.
pub(crate) struct Ran(pub(crate) Output);

impl Ran {
    pub(crate) fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }

    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts the exit code, showing the output when it differs.
    pub(crate) fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// A sandbox whose project is a git repository with a `src/deep` subdirectory, and hookkit
/// installed into it (for this checkout) from this test run's binaries.
pub(crate) fn installed() -> Sandbox {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.project().join(".git/info")).expect("a git directory");
    std::fs::create_dir_all(sandbox.project().join("src/deep")).expect("a subdirectory");
    let bins = bin_dir().display().to_string();
    person(
        &sandbox,
        HOOKKIT,
        &sandbox.project(),
        &["install", "--bin-dir", &bins],
    )
    .expect(0);
    sandbox
}

/// Writes `text` to the checked-in file `relative` when `HOOKKIT_BLESS=1`, else asserts that
/// the file holds exactly `text`: generated files (the reference pages, the plugin's hooks)
/// never drift from the code that generates them.
pub(crate) fn check_generated(relative: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("HOOKKIT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating the directory");
        std::fs::write(&path, text).expect("writing a generated file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let first_difference = committed
        .lines()
        .zip(text.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || committed.lines().count().min(text.lines().count()) + 1,
            |i| i + 1,
        );
    assert!(
        committed == text,
        "{relative} is stale (first difference at line {first_difference}): regenerate it with \
         `HOOKKIT_BLESS=1 cargo test --test integration`"
    );
}
