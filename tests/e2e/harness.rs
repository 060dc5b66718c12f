//! The end-to-end harness: finds the pinned Claude Code CLI, builds a throwaway project with
//! hookkit installed by `install.sh` exactly as a user would, and runs `claude -p` in it against
//! the fake API.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use super::cli::claude;
use super::fake_api::FakeApi;
use super::process::run_with_timeout;
pub(crate) use super::process::{Output, read_json};

/// Our binaries, as cargo built them for this test run.
pub(crate) const BINARIES: [(&str, &str); 5] = [
    ("hookkit", env!("CARGO_BIN_EXE_hookkit")),
    ("pretooluse-gate", env!("CARGO_BIN_EXE_pretooluse-gate")),
    (
        "permission-denied-logger",
        env!("CARGO_BIN_EXE_permission-denied-logger"),
    ),
    ("defer-for-review", env!("CARGO_BIN_EXE_defer-for-review")),
    ("rules-lint", env!("CARGO_BIN_EXE_rules-lint")),
];

/// Where the scenarios take `binary` from: `HOOKKIT_E2E_BIN_DIR/<binary>` when set (to run
/// the suite against release builds or another checkout's build), else this test run's build.
pub(crate) fn binary_path(binary: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("HOOKKIT_E2E_BIN_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir).join(binary);
    }
    BINARIES
        .iter()
        .find(|(name, _)| *name == binary)
        .map_or_else(
            || panic!("unknown binary {binary}"),
            |(_, path)| PathBuf::from(path),
        )
}

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Asserts that `binary` is a finished hookkit binary (its clap `--help` exits 0), so that a
/// scenario never runs against a placeholder and passes for the wrong reason.
pub(crate) fn require_finished(binary: &str) {
    let status = Command::new(binary_path(binary))
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("running {binary} --help: {e}"));
    assert!(status.success(), "`{binary} --help` fails: is it built?");
}

/// Asserts that the built-in risk classifier recognises the Bash `command`: a scenario about
/// how the gate treats it means nothing otherwise.
pub(crate) fn require_classified(command: &str) {
    let call = hookkit::protocol::ToolCall::new("Bash", serde_json::json!({ "command": command }));
    let project = std::env::temp_dir();
    let context = hookkit::classify::Context {
        cwd: project.clone(),
        project_dir: project,
        home: None,
        allowed_hosts: Vec::new(),
    };
    let assessment = hookkit::classify::assess(&call, &context)
        .unwrap_or_else(|e| panic!("classifying `{command}`: {e}"));
    assert!(
        !assessment.findings.is_empty(),
        "the risk classifier does not recognise `{command}`"
    );
}

/// The program that merges hookkit's wiring into a settings file: `hookkit install --settings
/// FILE [--bin-dir ABS_DIR] [--with-review] [--no-logger]`, the merge `install.sh` runs.
pub(crate) fn wiring_helper() -> PathBuf {
    binary_path("hookkit")
}

/// A `PATH` without a Rust toolchain: the test run's `PATH` minus every directory that holds
/// `cargo` (rustup's `~/.cargo/bin`), as on a machine that installs from a release archive.
pub(crate) fn path_without_cargo() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists())
        .collect();
    std::env::join_paths(kept).expect("PATH entries without separators")
}

/// A throwaway user: a home, a project, a directory of our binaries, and shims.
pub(crate) struct Scenario {
    dir: TempDir,
    claude: Option<PathBuf>,
}

impl Scenario {
    /// A fresh scenario, or `None` when the CLI is not installed (see [`claude`]).
    pub(crate) fn new() -> Option<Self> {
        let claude = claude()?;
        Some(Self::with_cli(Some(claude)))
    }

    /// A fresh scenario for tests that never start the CLI (install.sh on its own).
    pub(crate) fn offline() -> Self {
        Self::with_cli(None)
    }

    fn with_cli(claude: Option<PathBuf>) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("hookkit-e2e-")
            .tempdir()
            .expect("creating the scenario directory");
        for sub in ["home", "project", "bin", "shim"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("creating scenario dirs");
        }
        let scenario = Self { dir, claude };
        scenario.link_binaries();
        scenario
    }

    /// The scenario root.
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The fake home.
    pub(crate) fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The project the CLI runs in.
    pub(crate) fn project(&self) -> PathBuf {
        self.root().join("project")
    }

    /// The directory `install.sh --bin-dir` takes our binaries from.
    pub(crate) fn bin_dir(&self) -> PathBuf {
        self.root().join("bin")
    }

    /// A path inside the project.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.project().join(relative)
    }

    /// Writes a file inside the project, creating its parents.
    pub(crate) fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating parents");
        std::fs::write(&path, contents).expect("writing a project file");
        path
    }

    /// Writes an executable script inside the project.
    pub(crate) fn write_script(&self, relative: &str, contents: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(relative, contents);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("making a script executable");
        path
    }

    /// Symlinks the binaries of this test run into [`Scenario::bin_dir`], as `install.sh
    /// --bin-dir` expects them.
    fn link_binaries(&self) {
        for (name, _) in BINARIES {
            std::os::unix::fs::symlink(binary_path(name), self.bin_dir().join(name))
                .expect("linking a binary");
        }
    }

    /// Puts a fake `program` first on the CLI's `PATH`: it records its arguments and does
    /// nothing else. It is a witness ("the command never ran") and a safety net for commands
    /// that must never really run.
    pub(crate) fn shim(&self, program: &str) {
        use std::os::unix::fs::PermissionsExt;
        let log = self.root().join(format!("shim-{program}.log"));
        let path = self.root().join("shim").join(program);
        std::fs::write(
            &path,
            format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display()),
        )
        .expect("writing a shim");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("making a shim executable");
    }

    /// The argument lines a shim recorded (empty when it never ran).
    pub(crate) fn shim_calls(&self, program: &str) -> Vec<String> {
        std::fs::read_to_string(self.root().join(format!("shim-{program}.log")))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Runs `git init` plus one commit in the project.
    pub(crate) fn git_init(&self) {
        self.write("README.md", "scenario project\n");
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=e2e",
                "-c",
                "user.email=e2e@example.invalid",
                "commit",
                "-qm",
                "init",
            ],
        ] {
            let status = Command::new("git")
                .args(args)
                .current_dir(self.project())
                .env("HOME", self.home())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .stdout(Stdio::null())
                .status()
                .expect("running git");
            assert!(status.success(), "git {args:?} failed");
        }
    }

    /// `install.sh --project <project> --no-build --bin-dir <bin> <extra>`: wires hookkit into
    /// the project the way a user would (by default into `.claude/settings.local.json`).
    /// Panics with install.sh's output on failure.
    pub(crate) fn install(&self, extra: &[&str]) -> Output {
        let output = self.install_sh(
            &[
                "--project",
                &self.project().display().to_string(),
                "--no-build",
                "--bin-dir",
                &self.bin_dir().display().to_string(),
            ],
            extra,
        );
        assert_eq!(output.code, 0, "install.sh failed:\n{output}");
        output
    }

    /// Writes the user's own policy file (`~/.claude/hookkit.toml`), the only file that may
    /// opt into a looser mode or allow.
    pub(crate) fn user_policy(&self, text: &str) {
        let path = self.home().join(".claude/hookkit.toml");
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating ~/.claude");
        std::fs::write(&path, text).expect("writing the user policy");
    }

    /// Runs `install.sh` with `args` then `extra`, as the scenario's user, with no Rust
    /// toolchain on `PATH` (installing needs none).
    pub(crate) fn install_sh(&self, args: &[&str], extra: &[&str]) -> Output {
        self.script(&repo_root().join("install.sh"), args, extra)
    }

    /// Runs the script `program` with `args` then `extra`, as the scenario's user, in the
    /// project, with no Rust toolchain on `PATH`.
    pub(crate) fn script(&self, program: &Path, args: &[&str], extra: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .args(extra)
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", path_without_cargo())
            .current_dir(self.project());
        run_with_timeout(cmd, Duration::from_mins(2))
    }

    /// The settings file an install wired: `.claude/settings.local.json` (the default), else
    /// `.claude/settings.json` (`--shared`).
    fn settings_file(&self) -> &'static str {
        if self.path(".claude/settings.local.json").exists() {
            ".claude/settings.local.json"
        } else {
            ".claude/settings.json"
        }
    }

    /// The settings file the install wired, parsed.
    pub(crate) fn settings(&self) -> Value {
        read_json(&self.path(self.settings_file()))
    }

    /// Replaces the settings file the install wired.
    pub(crate) fn set_settings(&self, settings: &Value) {
        self.write(
            self.settings_file(),
            &serde_json::to_string_pretty(settings).expect("serialising settings"),
        );
    }

    /// A `claude -p` run in the project against `api`.
    pub(crate) fn claude<'a>(&'a self, api: &'a FakeApi) -> ClaudeRun<'a> {
        ClaudeRun {
            scenario: self,
            api,
            args: Vec::new(),
            env: Vec::new(),
            prompt: Some("Do the scripted task.".into()),
        }
    }

    /// Runs the CLI with `args` (no `-p`), offline, in the project.
    pub(crate) fn cli(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(
            self.claude
                .as_ref()
                .expect("an offline scenario cannot run the CLI"),
        );
        cmd.args(args)
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", self.cli_path())
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("DISABLE_TELEMETRY", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .current_dir(self.project());
        run_with_timeout(cmd, Duration::from_mins(1))
    }

    /// The CLI's `PATH`: the shims first.
    fn cli_path(&self) -> std::ffi::OsString {
        let mut path = self.root().join("shim").into_os_string();
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        path
    }

    /// Runs one of our binaries as a person would, in the project.
    pub(crate) fn ours(&self, binary: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(self.bin_dir().join(binary));
        cmd.args(args)
            .env_clear()
            .env("HOME", self.home())
            .env("USER", "e2e-reviewer")
            .env("CLAUDE_PROJECT_DIR", self.project())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.project());
        run_with_timeout(cmd, Duration::from_secs(30))
    }
}

/// One `claude -p` invocation, built up and then executed with [`ClaudeRun::run`].
#[must_use]
pub(crate) struct ClaudeRun<'a> {
    scenario: &'a Scenario,
    api: &'a FakeApi,
    args: Vec<String>,
    env: Vec<(String, String)>,
    prompt: Option<String>,
}

impl ClaudeRun<'_> {
    /// The prompt (the default is a neutral instruction).
    pub(crate) fn prompt(mut self, prompt: &str) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// No prompt at all (for `--resume`).
    pub(crate) fn no_prompt(mut self) -> Self {
        self.prompt = None;
        self
    }

    /// Extra command-line arguments.
    pub(crate) fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// An extra environment variable (seen by the CLI and by the hooks it spawns).
    pub(crate) fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs the CLI and parses its JSON result.
    pub(crate) fn run(self) -> ClaudeResult {
        let scenario = self.scenario;
        let mut cmd = Command::new(
            scenario
                .claude
                .as_ref()
                .expect("an offline scenario cannot run the CLI"),
        );
        cmd.arg("-p");
        if let Some(prompt) = &self.prompt {
            cmd.arg(prompt);
        }
        cmd.args(["--output-format", "json"])
            .args(&self.args)
            .env_clear()
            .env("HOME", scenario.home())
            .env("PATH", scenario.cli_path())
            .env("ANTHROPIC_BASE_URL", self.api.base_url())
            .env("ANTHROPIC_API_KEY", "sk-test-dummy")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("DISABLE_TELEMETRY", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .env("DISABLE_ERROR_REPORTING", "1")
            .current_dir(scenario.project());
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let output = run_with_timeout(cmd, Duration::from_mins(2));
        let result = output
            .stdout
            .lines()
            .rev()
            .find_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
            .unwrap_or(Value::Null);
        ClaudeResult { output, result }
    }
}

/// What one `claude -p` run produced.
pub(crate) struct ClaudeResult {
    /// Exit code and output.
    pub(crate) output: Output,
    /// The `--output-format json` result object (`Null` if stdout held none).
    pub(crate) result: Value,
}

impl ClaudeResult {
    /// The session id, for `--resume`.
    pub(crate) fn session_id(&self) -> String {
        self.result["session_id"]
            .as_str()
            .unwrap_or_else(|| panic!("the result has no session_id:\n{}", self.output))
            .to_owned()
    }

    /// The result's `stop_reason`.
    pub(crate) fn stop_reason(&self) -> &str {
        self.result["stop_reason"].as_str().unwrap_or_default()
    }

    /// Asserts the run finished normally (exit 0, a result, not an error).
    pub(crate) fn assert_completed(&self) -> &Self {
        assert_eq!(self.output.code, 0, "claude failed:\n{}", self.output);
        assert_eq!(
            self.result["is_error"],
            Value::Bool(false),
            "claude reported an error:\n{}",
            self.output
        );
        self
    }
}
