//! What every binary's command line shares: the version line, `--generate` in the help,
//! `--color`, clap's suggestion for a typo in every mode, and a terminal on a hook's stdin.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{HOOKKIT, person};
use crate::util::Sandbox;

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");
const LOGGER: &str = env!("CARGO_BIN_EXE_permission-denied-logger");
const REVIEW: &str = env!("CARGO_BIN_EXE_defer-for-review");
const LINT: &str = env!("CARGO_BIN_EXE_rules-lint");

/// The hook binaries, which read a payload on stdin when run without a subcommand.
const HOOKS: [&str; 3] = [GATE, LOGGER, REVIEW];

fn name(binary: &str) -> &str {
    binary.rsplit('/').next().expect("a file name")
}

#[test]
fn version_names_the_binary_the_version_and_the_commit() {
    let sandbox = Sandbox::new();
    for binary in [HOOKKIT, GATE, LOGGER, REVIEW, LINT] {
        let run = person(&sandbox, binary, &sandbox.project(), &["--version"]).expect(0);
        let line = run.stdout();
        let expected = format!("{} {} (commit ", name(binary), env!("CARGO_PKG_VERSION"));
        assert!(line.starts_with(&expected), "{line}");
        let commit = line
            .trim_end()
            .trim_end_matches(')')
            .rsplit(' ')
            .next()
            .unwrap();
        assert!(
            commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
            "{line}"
        );
    }
}

#[test]
fn generate_is_listed_in_every_help() {
    let sandbox = Sandbox::new();
    for binary in [HOOKKIT, GATE, LOGGER, REVIEW, LINT] {
        let run = person(&sandbox, binary, &sandbox.project(), &["--help"]).expect(0);
        assert!(
            run.stdout().contains("--generate"),
            "{}:\n{}",
            name(binary),
            run.stdout()
        );
    }
}

/// The subcommands a help text lists under `Commands:` (without `help`).
fn commands_in(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn the_summary_of_every_hookkit_command_that_lists_its_subcommands_lists_them_all() {
    let sandbox = Sandbox::new();
    let top = person(&sandbox, HOOKKIT, &sandbox.project(), &["--help"]).expect(0);
    let top = top.stdout();
    let mut checked = 0;
    for command in commands_in(&top) {
        let help = person(&sandbox, HOOKKIT, &sandbox.project(), &[&command, "--help"]).expect(0);
        let subcommands = commands_in(&help.stdout());
        // The summary line in `hookkit --help`, and its continuation lines.
        let summary: String = top
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(&format!("{command} ")))
            .take_while(|l| {
                l.trim_start().starts_with(&format!("{command} ")) || l.starts_with("      ")
            })
            .collect();
        // A summary that lists subcommands ends with them: `...: list, show, approve`.
        let listed: Vec<&str> = summary
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .split([',', ' '])
            .filter(|w| !w.is_empty())
            .collect();
        if !subcommands.iter().any(|c| listed.contains(&c.as_str())) {
            continue;
        }
        checked += 1;
        for sub in &subcommands {
            assert!(
                listed.contains(&sub.as_str()),
                "`hookkit --help` lists {command}'s commands but not `{sub}`: {summary}"
            );
        }
    }
    assert!(checked > 0, "no summary lists subcommands:\n{top}");
}

/// Runs `binary args` with a hook payload on stdin (a pipe, as Claude Code gives it).
fn with_payload(binary: &str, args: &[&str]) -> (i32, String) {
    let (code, stderr, _) = with_payload_output(binary, args);
    (code, stderr)
}

/// [`with_payload`], with stdout too.
fn with_payload_output(binary: &str, args: &[&str]) -> (i32, String, String) {
    let payload = std::fs::read(crate::util::fixture_path(
        "captures/pretooluse-bash-rm.json",
    ))
    .expect("a captured payload");
    let mut child = Command::new(binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the binary");
    // A binary that refuses its arguments may exit before reading: a closed pipe is fine.
    let _ = child.stdin.take().expect("stdin").write_all(&payload);
    let output = child.wait_with_output().expect("waiting");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_typo_gets_claudes_suggestion_and_exit_2_in_every_binary_and_mode() {
    let typos: [(&str, &[&str], &str); 5] = [
        (GATE, &["explian"], "explain"),
        (LOGGER, &["verfy"], "verify"),
        (REVIEW, &["lsit"], "list"),
        (LINT, &["--stirct"], "--strict"),
        (HOOKKIT, &["stauts"], "status"),
    ];
    for (binary, args, suggestion) in typos {
        let (code, stderr) = with_payload(binary, args);
        assert_eq!(code, 2, "{} {args:?}: {stderr}", name(binary));
        assert!(
            stderr.contains(&format!("'{suggestion}'")),
            "{} {args:?} must suggest {suggestion}: {stderr}",
            name(binary)
        );
    }
    // A mistyped flag is a hook's wiring: the suggestion goes to stderr and the hook still
    // answers its failure decision (ask, for this payload's `default` mode), never an allow.
    for binary in HOOKS {
        let (code, stderr, stdout) = with_payload_output(binary, &["--polcy", "x.toml"]);
        assert!(stderr.contains("'--policy'"), "{}: {stderr}", name(binary));
        let answered = code == 2
            || stdout.contains("\"permissionDecision\":\"ask\"")
            || stdout.contains("\"permissionDecision\":\"deny\"");
        assert!(answered, "{} answered {code}: {stdout}", name(binary));
    }
}

/// Runs `binary` with a pseudo-terminal on stdin (Python's pty module, so no crate is
/// needed), for at most 3 s. Returns the seconds until it exited, its exit code and output,
/// or `None` when Python is not there to make a pty.
fn in_a_terminal(binary: &str) -> Option<(f64, i32, String)> {
    const SCRIPT: &str = r#"
import os, pty, select, signal, sys, time
start = time.time()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1]])
out = b""
code = None
while time.time() - start < 3:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        out += data
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.waitstatus_to_exitcode(status)
        break
elapsed = time.time() - start
if code is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    code = -1
sys.stdout.write("%.3f %d\n" % (elapsed, code))
sys.stdout.write(out.decode(errors="replace"))
"#;
    let output = Command::new("python3")
        .args(["-c", SCRIPT, binary])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (first, rest) = text.split_once('\n')?;
    let (elapsed, code) = first.split_once(' ')?;
    Some((elapsed.parse().ok()?, code.parse().ok()?, rest.to_owned()))
}

#[test]
fn a_hook_run_in_a_terminal_prints_its_usage_at_once() {
    for binary in HOOKS {
        let Some((elapsed, code, output)) = in_a_terminal(binary) else {
            eprintln!("SKIPPED: python3 with its pty module is needed to give a hook a terminal");
            return;
        };
        assert!(
            elapsed < Duration::from_secs(1).as_secs_f64(),
            "{} took {elapsed} s on a terminal:\n{output}",
            name(binary)
        );
        assert_eq!(code, 2, "{}:\n{output}", name(binary));
        assert!(
            output.contains("Claude Code hook") && output.contains("--help"),
            "{}:\n{output}",
            name(binary)
        );
    }
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let sandbox = Sandbox::new();
    let settings = sandbox.write(
        "project/settings.json",
        r#"{"permissions": {"allow": ["Bash(:*)"]}}"#,
    );
    let lint = |color: &str, no_color: bool| {
        let mut cmd = Command::new(LINT);
        cmd.args(["--color", color])
            .arg(&settings)
            .env_clear()
            .env("HOME", sandbox.home())
            .current_dir(sandbox.project());
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        String::from_utf8_lossy(&cmd.output().expect("running rules-lint").stdout).into_owned()
    };
    assert!(
        lint("always", true).contains('\x1b'),
        "--color always wins over NO_COLOR"
    );
    assert!(!lint("never", false).contains('\x1b'));
    assert!(
        !lint("auto", false).contains('\x1b'),
        "a pipe is not a terminal"
    );
}
