//! Running a child process with a time limit and collecting its output.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

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
pub(crate) fn run_with_timeout(mut cmd: Command, limit: Duration) -> Output {
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
