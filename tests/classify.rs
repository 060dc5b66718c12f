//! The classifier against a broad corpus: destructive commands and their obfuscations must be
//! caught (high, or medium where asking is right), everyday commands must never be high. A
//! sample also goes through the real `pretooluse-gate`.

use std::io::Write as _;
use std::path::PathBuf;

use hookkit::classify::{self, Assessment, Context, Risk};
use hookkit::protocol::ToolCall;
use serde_json::json;

use crate::util::Sandbox;

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");

/// One corpus line: the expected outcome, an optional class, the command.
struct Case {
    line: usize,
    expected: String,
    class: Option<String>,
    command: String,
}

/// Reads `tests/corpus/<name>`: `expected<TAB>[class<TAB>]command`, `#` comments, and `␤` for
/// a newline inside a command.
fn corpus(name: &str) -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let fields: Vec<&str> = l.splitn(3, '\t').collect();
            let (expected, class, command) = match fields.as_slice() {
                [e, c, cmd] => (*e, Some((*c).to_owned()), *cmd),
                [e, cmd] => (*e, None, *cmd),
                _ => panic!("{name}:{}: expected `outcome<TAB>command`", i + 1),
            };
            Case {
                line: i + 1,
                expected: expected.to_owned(),
                class,
                command: command.replace('␤', "\n"),
            }
        })
        .collect()
}

fn ctx() -> Context {
    Context {
        cwd: PathBuf::from("/home/dev/project"),
        project_dir: PathBuf::from("/home/dev/project"),
        home: Some(PathBuf::from("/home/dev")),
        allowed_hosts: vec![
            "github.com".into(),
            "*.githubusercontent.com".into(),
            "crates.io".into(),
            "*.crates.io".into(),
        ],
    }
}

fn assess(command: &str) -> Result<Assessment, String> {
    classify::assess(
        &ToolCall::new("Bash", json!({ "command": command })),
        &ctx(),
    )
    .map_err(|e| e.to_string())
}

/// The outcome in corpus words: `error`, `high`, `medium`, `low` or `unrecognised`.
fn outcome(result: &Result<Assessment, String>) -> String {
    match result {
        Err(_) => "error".into(),
        Ok(a) => match a.worst().map(|f| f.risk) {
            Some(Risk::High) => "high".into(),
            Some(Risk::Medium) => "medium".into(),
            _ if !a.unrecognised.is_empty() => "unrecognised".into(),
            _ => "low".into(),
        },
    }
}

#[test]
fn destructive_commands_are_caught() {
    let cases = corpus("destructive.txt");
    assert!(cases.len() >= 250, "only {} destructive cases", cases.len());
    let mut missed = Vec::new();
    let mut softer = Vec::new();
    let mut other_class = Vec::new();
    for case in &cases {
        let result = assess(&case.command);
        let got = outcome(&result);
        match got.as_str() {
            "high" | "medium" => {}
            _ => missed.push(format!("line {}: {got}: {}", case.line, case.command)),
        }
        if case.expected == "high" && got == "medium" {
            softer.push(format!("line {}: medium: {}", case.line, case.command));
        }
        if let (Some(class), Ok(a)) = (&case.class, &result)
            && a.worst().is_some_and(|f| &f.class != class)
        {
            other_class.push(format!(
                "line {}: {} instead of {class}: {}",
                case.line,
                a.worst().map(|f| f.class.as_str()).unwrap_or_default(),
                case.command
            ));
        }
    }
    let caught = cases.len() - missed.len();
    // In tenths of a percent, to stay in integers.
    let permille = caught * 1000 / cases.len();
    let mut report = std::io::stderr().lock();
    writeln!(
        report,
        "destructive: {caught}/{} caught ({}.{}%)",
        cases.len(),
        permille / 10,
        permille % 10
    )
    .unwrap();
    writeln!(report, "missed ({}):\n{}", missed.len(), missed.join("\n")).unwrap();
    writeln!(
        report,
        "expected high, got medium ({}):\n{}",
        softer.len(),
        softer.join("\n")
    )
    .unwrap();
    writeln!(
        report,
        "other class than listed ({}):\n{}",
        other_class.len(),
        other_class.join("\n")
    )
    .unwrap();
    assert!(
        permille >= 970,
        "caught only {}.{}%; missed:\n{}",
        permille / 10,
        permille % 10,
        missed.join("\n")
    );
    assert!(
        softer.len() * 20 <= cases.len(),
        "too many softened:\n{}",
        softer.join("\n")
    );
}

#[test]
fn everyday_commands_are_never_high() {
    let cases = corpus("safe.txt");
    assert!(cases.len() >= 150, "only {} safe cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let result = assess(&case.command);
        let got = outcome(&result);
        if got != case.expected {
            let detail = match &result {
                Ok(a) => a
                    .worst()
                    .map(|f| format!(" ({}: {})", f.class, f.reason))
                    .unwrap_or_default(),
                Err(e) => format!(" ({e})"),
            };
            wrong.push(format!(
                "line {}: expected {}, got {got}{detail}: {}",
                case.line, case.expected, case.command
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} everyday commands judged wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_sample_goes_through_the_real_gate() {
    let sandbox = Sandbox::new();
    for case in corpus("destructive.txt")
        .iter()
        .filter(|c| c.expected == "high")
        .step_by(25)
    {
        let run = sandbox.hook(GATE).bash(&case.command).run();
        assert_ne!(
            run.decision(),
            "allow",
            "line {}: {}",
            case.line,
            case.command
        );
    }
    for case in corpus("safe.txt").iter().step_by(15) {
        let run = sandbox.hook(GATE).bash(&case.command).run();
        assert_ne!(
            run.decision(),
            "deny",
            "line {}: {}",
            case.line,
            case.command
        );
    }
    let run = sandbox
        .hook(GATE)
        .bash("sudo -E bash -c \"rm -rf /\"")
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("root"), "{}", run.reason());
}
