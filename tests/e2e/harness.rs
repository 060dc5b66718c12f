//! The end-to-end harness: finds the pinned Claude Code CLI, builds a throwaway project with
//! hookkit installed by `install.sh` exactly as a user would, and runs `claude -p` in it against
//! the fake API.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use super::fake_api::FakeApi;

/// The Claude Code version the suite is pinned to.
pub(crate) const CLAUDE_VERSION: &str = "2.1.329";

/// Our binaries, as cargo built them for this test run.
pub(crate) const BINARIES: [(&str, &str); 4] = [
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

/// The cache directory `tests/e2e/install-claude.sh` installs into.
fn cache_dir() -> PathBuf {
    if let Some(explicit) = std::env::var_os("HOOKKIT_E2E_CACHE").filter(|v| !v.is_empty()) {
        return PathBuf::from(explicit);
    }
    let home =
        std::env::var_os("HOME").map_or_else(|| PathBuf::from("/nonexistent"), PathBuf::from);
    home.join(".cache/hookkit-e2e")
        .join(format!("claude-{CLAUDE_VERSION}"))
}

/// The marker the install script leaves when npm itself could not be reached.
fn npm_unreachable_marker() -> PathBuf {
    cache_dir().join("npm-unreachable")
}

/// The native `claude` binary: `HOOKKIT_E2E_CLAUDE`, else the install script's cache.
fn find_claude() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("HOOKKIT_E2E_CLAUDE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(explicit)).filter(|p| p.is_file());
    }
    let scope = cache_dir().join("node_modules/@anthropic-ai");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&scope)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("claude-code-linux-")
        })
        .map(|e| e.path().join("claude"))
        .filter(|p| p.is_file())
        .collect();
    candidates.sort();
    candidates.into_iter().next()
}

/// The CLI to run, or `None` (after printing why) when this machine cannot run the suite.
///
/// A developer without the CLI gets a skip line naming the install script. In CI (`CI=true`)
/// a missing CLI fails the test, unless the install script recorded that npm was unreachable.
#[expect(
    clippy::print_stderr,
    reason = "the skip line is for the person running the tests"
)]
pub(crate) fn claude() -> Option<PathBuf> {
    if let Some(path) = find_claude() {
        assert_pinned(&path);
        return Some(path);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci || npm_unreachable_marker().exists(),
        "e2e: Claude Code {CLAUDE_VERSION} is not installed (looked in {} and \
         HOOKKIT_E2E_CLAUDE); CI must run tests/e2e/install-claude.sh first",
        cache_dir().display()
    );
    eprintln!(
        "e2e: SKIPPED: Claude Code {CLAUDE_VERSION} not found; run tests/e2e/install-claude.sh \
         (or set HOOKKIT_E2E_CLAUDE to the native claude binary) to run the end-to-end suite"
    );
    None
}

/// Panics (once per run) unless `path` is the pinned version: scenarios are written against
/// its exact behaviour.
fn assert_pinned(path: &Path) {
    static CHECKED: OnceLock<String> = OnceLock::new();
    let version = CHECKED.get_or_init(|| {
        let output = Command::new(path)
            .arg("--version")
            .env("HOME", std::env::temp_dir())
            .env("DISABLE_AUTOUPDATER", "1")
            .output()
            .unwrap_or_else(|e| panic!("running {} --version: {e}", path.display()));
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    });
    assert!(
        version.starts_with(&format!("{CLAUDE_VERSION} ")),
        "e2e: {} is Claude Code `{version}`, the suite is pinned to {CLAUDE_VERSION}; \
         run tests/e2e/install-claude.sh",
        path.display()
    );
}

/// Whether `binary` is a finished hookkit binary rather than the early placeholder that
/// ignores its arguments. Every finished binary has a clap `--help` that exits 0.
#[expect(
    clippy::print_stderr,
    reason = "the skip line is for the person running the tests"
)]
pub(crate) fn finished(binary: &str) -> bool {
    let path = binary_path(binary);
    let status = Command::new(path)
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("running {binary} --help: {e}"));
    if !status.success() {
        eprintln!(
            "e2e: SKIPPED a scenario: `{binary} --help` does not succeed, so {binary} is still \
             the placeholder; the scenario runs once the real binary is merged"
        );
    }
    status.success()
}

/// The `hookkit-wiring` helper `install.sh` merges settings with. It is an example of the
/// `hookkit` library, which
/// `cargo test` builds but `cargo test --test integration` does not, so it is (re)built once per
/// test run; cargo makes that a no-op when it is fresh.
pub(crate) fn wiring_helper() -> PathBuf {
    static HELPER: OnceLock<PathBuf> = OnceLock::new();
    HELPER
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("the test binary's path");
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("the test binary lives in <target>/<profile>/deps");
            let mut cmd = Command::new(env!("CARGO"));
            cmd.args([
                "build",
                "--quiet",
                "--package",
                "hookkit",
                "--example",
                "hookkit-wiring",
                "--manifest-path",
            ])
            .arg(repo_root().join("Cargo.toml"));
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let output = cmd
                .output()
                .expect("running cargo build --example hookkit-wiring");
            assert!(
                output.status.success(),
                "building the hookkit-wiring example failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let helper = profile_dir.join("examples/hookkit-wiring");
            assert!(helper.is_file(), "{} was not built", helper.display());
            helper
        })
        .clone()
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

    /// Symlinks the binaries of this test run, and the settings merge helper, into
    /// [`Scenario::bin_dir`], as `install.sh --bin-dir` expects them.
    fn link_binaries(&self) {
        for (name, path) in BINARIES {
            std::os::unix::fs::symlink(path, self.bin_dir().join(name)).expect("linking a binary");
        }
        std::os::unix::fs::symlink(wiring_helper(), self.bin_dir().join("hookkit-wiring"))
            .expect("linking the wiring helper");
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
    /// the project the way a user would. Panics with install.sh's output on failure.
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

    /// Runs `install.sh` with `args` then `extra`, as the scenario's user.
    pub(crate) fn install_sh(&self, args: &[&str], extra: &[&str]) -> Output {
        let mut cmd = Command::new(repo_root().join("install.sh"));
        cmd.args(args)
            .args(extra)
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.project());
        run_with_timeout(cmd, Duration::from_mins(2))
    }

    /// The project's `.claude/settings.json`, parsed.
    pub(crate) fn settings(&self) -> Value {
        read_json(&self.path(".claude/settings.json"))
    }

    /// Replaces the project's `.claude/settings.json`.
    pub(crate) fn set_settings(&self, settings: &Value) {
        self.write(
            ".claude/settings.json",
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

/// A finished process.
pub(crate) struct Output {
    /// The exit code; -1 when killed by a signal or the timeout.
    pub(crate) code: i32,
    /// Stdout as text.
    pub(crate) stdout: String,
    /// Stderr as text.
    pub(crate) stderr: String,
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` with stdin closed, killing it after `limit`.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> Output {
    let stdout_file = tempfile::tempfile().expect("a temp file for stdout");
    let stderr_file = tempfile::tempfile().expect("a temp file for stderr");
    cmd.stdin(Stdio::null())
        .stdout(stdout_file.try_clone().expect("cloning a file handle"))
        .stderr(stderr_file.try_clone().expect("cloning a file handle"));
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |mut file: std::fs::File| {
        use std::io::{Read, Seek};
        let mut text = String::new();
        file.seek(std::io::SeekFrom::Start(0)).expect("rewinding");
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("reading output");
        text.push_str(&String::from_utf8_lossy(&bytes));
        text
    };
    let mut stderr = read(stderr_file);
    if status.is_none() {
        stderr.push_str("\n[killed after ");
        stderr.push_str(&limit.as_secs().to_string());
        stderr.push_str(" s]");
    }
    Output {
        code: status.and_then(|s| s.code()).unwrap_or(-1),
        stdout: read(stdout_file),
        stderr,
    }
}

/// Reads and parses a JSON file, naming it on failure.
pub(crate) fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON ({e}):\n{text}", path.display()))
}
