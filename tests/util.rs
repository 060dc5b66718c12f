//! The test builder: runs a real hookkit binary in a sandbox of its own.
//!
//! Every run gets a fresh temporary directory holding `home/` (as `HOME`) and `project/` (as
//! the cwd and `CLAUDE_PROJECT_DIR`), with the environment cleared first, so no test reads or
//! writes anything outside it.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The path of a fixture under `tests/fixtures/`.
pub(crate) fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// A fixture parsed as JSON.
pub(crate) fn fixture_json(relative: &str) -> Value {
    let text = std::fs::read_to_string(fixture_path(relative))
        .unwrap_or_else(|e| panic!("reading fixture {relative}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing fixture {relative}: {e}"))
}

/// A sandbox: a temporary home and project that several runs can share.
pub(crate) struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// A new sandbox with empty `home/` and `project/` directories.
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("project")).unwrap();
        Self { dir }
    }

    /// The sandbox's root.
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The fake home directory.
    pub(crate) fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The project directory (cwd and `CLAUDE_PROJECT_DIR`).
    pub(crate) fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    /// Writes a file relative to the sandbox root, creating its directories.
    pub(crate) fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A hook run of `binary` (a `CARGO_BIN_EXE_*` path) in this sandbox.
    pub(crate) fn hook(&self, binary: &str) -> Hook {
        let mut cmd = Command::new(binary);
        cmd.env_clear()
            .env("HOME", self.home())
            .env("CLAUDE_PROJECT_DIR", self.project())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.project());
        Hook {
            cmd,
            stdin: Vec::new(),
            project: self.project(),
        }
    }
}

/// One run of a binary, built up and then executed with [`Hook::run`].
#[must_use]
pub(crate) struct Hook {
    cmd: Command,
    stdin: Vec<u8>,
    project: PathBuf,
}

impl Hook {
    /// Sends a JSON payload on stdin, with its `cwd` pointed at the sandbox's project.
    pub(crate) fn payload(mut self, mut payload: Value) -> Self {
        if payload.get("cwd").is_some() {
            payload["cwd"] = Value::String(self.project.display().to_string());
        }
        self.stdin = serde_json::to_vec(&payload).unwrap();
        self.stdin.push(b'\n');
        self
    }

    /// Sends a fixture from `tests/fixtures/` on stdin, with its `cwd` pointed at the project.
    pub(crate) fn fixture(self, relative: &str) -> Self {
        self.payload(fixture_json(relative))
    }

    /// A `PreToolUse` payload for a Bash command, in the shape Claude Code 2.1.329 sends.
    pub(crate) fn bash(self, command: &str) -> Self {
        self.tool(
            "Bash",
            serde_json::json!({ "command": command, "description": "test" }),
        )
    }

    /// A `PreToolUse` payload for any tool.
    pub(crate) fn tool(self, tool_name: &str, tool_input: Value) -> Self {
        let mut payload = fixture_json("captures/pretooluse-bash-rm.json");
        payload["tool_name"] = Value::String(tool_name.to_owned());
        payload["tool_input"] = tool_input;
        self.payload(payload)
    }

    /// Sends raw bytes on stdin.
    pub(crate) fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// Adds command-line arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets an environment variable.
    pub(crate) fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Runs the binary and returns its result for assertions.
    pub(crate) fn run(mut self) -> Run {
        self.cmd.write_stdin(self.stdin);
        self.cmd.timeout(std::time::Duration::from_secs(30));
        let output = self.cmd.output().expect("running the binary");
        Run { output }
    }
}

/// The result of a run.
pub(crate) struct Run {
    /// The raw output.
    pub(crate) output: Output,
}

impl Run {
    /// The exit code (`-1` when killed by a signal).
    pub(crate) fn exit_code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// Stdout as text.
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Stderr as text.
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code.
    pub(crate) fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.exit_code(),
            expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    pub(crate) fn stderr_contains(self, needle: &str) -> Self {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
        self
    }

    /// Asserts that stdout contains `needle`.
    pub(crate) fn stdout_contains(self, needle: &str) -> Self {
        assert!(
            self.stdout().contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout()
        );
        self
    }

    /// Asserts the hook protocol: exit 0 with exactly one JSON object on stdout, or exit 2
    /// with empty stdout and a reason on stderr. Returns the reply (`Null` for a block).
    pub(crate) fn protocol_reply(&self) -> Value {
        match self.exit_code() {
            0 => {
                let text = self.stdout();
                assert_eq!(
                    text.lines().count(),
                    1,
                    "stdout must be one JSON line:\n{text}"
                );
                let reply: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"));
                assert!(reply.is_object(), "reply must be an object: {reply}");
                reply
            }
            2 => {
                assert!(
                    self.output.stdout.is_empty(),
                    "a block must leave stdout empty:\n{}",
                    self.stdout()
                );
                assert!(
                    !self.stderr().trim().is_empty(),
                    "a block must give a reason on stderr"
                );
                Value::Null
            }
            code => panic!(
                "exit code {code} is neither 0 nor 2: the hook fails open\n{}",
                self.stderr()
            ),
        }
    }

    /// The `PreToolUse` decision: `allow`/`ask`/`deny`/`defer`, `none` for no opinion, or
    /// `block` for exit 2. Asserts the protocol on the way.
    pub(crate) fn decision(&self) -> String {
        let reply = self.protocol_reply();
        if reply.is_null() {
            return "block".into();
        }
        reply
            .pointer("/hookSpecificOutput/permissionDecision")
            .and_then(Value::as_str)
            .unwrap_or("none")
            .to_owned()
    }

    /// The reply's `permissionDecisionReason`, or stderr for a block.
    pub(crate) fn reason(&self) -> String {
        let reply = self.protocol_reply();
        if reply.is_null() {
            return self.stderr();
        }
        reply
            .pointer("/hookSpecificOutput/permissionDecisionReason")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}
