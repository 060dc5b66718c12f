//! Every person command finds the project from anywhere inside it, as git and cargo do; a
//! project directory that does not exist, or no file where files were expected, is an error.

use super::{HOOKKIT, installed, person};
use crate::util::Sandbox;

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");
const LOGGER: &str = env!("CARGO_BIN_EXE_permission-denied-logger");
const REVIEW: &str = env!("CARGO_BIN_EXE_defer-for-review");
const LINT: &str = env!("CARGO_BIN_EXE_rules-lint");

/// Records one gate decision in the project's audit trail, as Claude Code would have the hook
/// run.
fn record_a_denial(sandbox: &Sandbox) {
    let run = sandbox.hook(GATE).bash("rm -rf /").run();
    assert_eq!(run.decision(), "deny", "{}", run.stderr());
}

#[test]
fn commands_run_from_a_subdirectory_find_the_project() {
    let sandbox = installed();
    record_a_denial(&sandbox);
    let deep = sandbox.project().join("src/deep");
    // The installed .claude/settings.local.json is the one file that applies.
    let lint = person(&sandbox, LINT, &deep, &[]).expect(0);
    assert!(
        lint.stdout().contains("no problems found in 1 file"),
        "{}{}",
        lint.stdout(),
        lint.stderr()
    );
    for (binary, args) in [(HOOKKIT, &["log", "tail"][..]), (LOGGER, &["tail"][..])] {
        let run = person(&sandbox, binary, &deep, args).expect(0);
        assert!(
            run.stdout().contains("deny") && run.stdout().contains("rm -rf /"),
            "{binary} {args:?} from src/deep:\n{}{}",
            run.stdout(),
            run.stderr()
        );
    }
    for binary in [HOOKKIT, REVIEW] {
        let args: &[&str] = if binary == HOOKKIT {
            &["review", "list"]
        } else {
            &["list"]
        };
        person(&sandbox, binary, &deep, args).expect(0);
    }
    let status = person(&sandbox, HOOKKIT, &deep, &["status"]).expect(0);
    let project = std::fs::canonicalize(sandbox.project()).expect("the project");
    assert!(
        status.stdout().contains(&project.display().to_string()),
        "status names the project it found:\n{}",
        status.stdout()
    );
}

#[test]
fn a_project_directory_that_does_not_exist_is_an_error() {
    let sandbox = Sandbox::new();
    let run = person(
        &sandbox,
        LINT,
        &sandbox.project(),
        &["--project-dir", "/nonexistent/hookkit-project"],
    )
    .expect(2);
    assert!(run.stderr().contains("does not exist"), "{}", run.stderr());
    person(
        &sandbox,
        HOOKKIT,
        &sandbox.project(),
        &["--project-dir", "/nonexistent/hookkit-project", "status"],
    )
    .expect(1);
}

#[test]
fn no_file_to_lint_is_an_error_not_a_clean_bill_of_health() {
    let sandbox = Sandbox::new();
    let run = person(&sandbox, LINT, &sandbox.project(), &[]).expect(2);
    assert!(
        run.stderr().contains("no settings or policy files found"),
        "{}{}",
        run.stdout(),
        run.stderr()
    );
    assert!(!run.stdout().contains("no problems"), "{}", run.stdout());
}

#[test]
fn a_typo_in_a_policy_key_fails_rules_lint_as_the_gate_refuses_it() {
    let sandbox = installed();
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[gate]\nescalate_afer = 5\n",
    );
    let deep = sandbox.project().join("src/deep");
    let run = person(&sandbox, LINT, &deep, &[]).expect(1);
    assert!(
        run.stdout().contains("HK407") && run.stdout().contains("escalate_after"),
        "{}",
        run.stdout()
    );
    // The gate refuses the same file: it answers its failure decision, never its verdict.
    let hook = sandbox.hook(GATE).bash("ls").run();
    assert_ne!(hook.decision(), "allow", "{}", hook.stderr());
    assert!(
        hook.reason().contains("escalate_afer"),
        "the gate names the key it refused: {}",
        hook.reason()
    );
}

#[test]
fn read_only_commands_work_on_a_broken_policy_with_one_warning() {
    let sandbox = installed();
    record_a_denial(&sandbox);
    sandbox.write("project/.claude/hookkit.toml", "[gate\nmode = ");
    let deep = sandbox.project().join("src/deep");
    for args in [
        &["log", "tail"][..],
        &["log", "verify"][..],
        &["review", "list"][..],
    ] {
        let run = person(&sandbox, HOOKKIT, &deep, args).expect(0);
        let warnings = run
            .stderr()
            .lines()
            .filter(|l| l.contains("warning"))
            .count();
        assert_eq!(warnings, 1, "{args:?}:\n{}", run.stderr());
    }
}
