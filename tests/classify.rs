//! The classifier against its corpus (`tests/corpus/`): destructive commands must be stopped
//! (rated high, or unreadable), routine ones never, and cautious ones rated medium; then the
//! whole corpus goes through the real `pretooluse-gate` in the built-in policy's default mode
//! and in opt-in `auto`, with the session in `default` and in `bypassPermissions`, and the
//! rates the project promises are asserted.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use hookkit::classify::{self, Assessment, Context, Risk};
use hookkit::protocol::ToolCall;
use serde_json::{Value, json};

use crate::util::{Sandbox, fixture_json};

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");

/// One corpus line: the expected outcome, the class, the command.
#[derive(Debug, Clone)]
struct Case {
    file: String,
    line: usize,
    expected: String,
    class: String,
    command: String,
}

impl Case {
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The corpus files whose names start with `prefix` (`destructive` reads `destructive.txt`
/// and every `destructive-*.txt`): `expected<TAB>class<TAB>command`, `#` comments, and `␤`
/// for a newline inside a command.
fn corpus(prefix: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for path in crate::robust::corpus::files(prefix) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.splitn(3, '\t').collect();
            let [expected, class, command] = fields.as_slice() else {
                panic!("{name}:{}: expected `outcome<TAB>class<TAB>command`", i + 1);
            };
            cases.push(Case {
                file: name.clone(),
                line: i + 1,
                expected: (*expected).to_owned(),
                class: (*class).to_owned(),
                command: command.replace('␤', "\n"),
            });
        }
    }
    cases
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

/// The outcome in corpus words: `error`, `high`, `unreadable`, `medium`, `low` or
/// `unrecognised`.
fn outcome(result: &Result<Assessment, String>) -> (String, String) {
    match result {
        Err(_) => ("error".into(), "-".into()),
        Ok(a) => match a.worst() {
            Some(f) if f.risk == Risk::High => ("high".into(), f.class.clone()),
            Some(f) if f.stops() => ("unreadable".into(), f.class.clone()),
            Some(f) if f.risk == Risk::Medium => ("medium".into(), f.class.clone()),
            Some(f) if a.unrecognised.is_empty() => ("low".into(), f.class.clone()),
            Some(f) => ("unrecognised".into(), f.class.clone()),
            None if !a.unrecognised.is_empty() => ("unrecognised".into(), "-".into()),
            None => ("low".into(), "-".into()),
        },
    }
}

fn report(title: &str, lines: &[String]) {
    let mut out = std::io::stderr().lock();
    writeln!(out, "{title} ({}):", lines.len()).unwrap();
    for line in lines {
        writeln!(out, "  {line}").unwrap();
    }
}

#[test]
fn destructive_commands_are_stopped() {
    // Cases of class `protect.*` are the protected set's to stop, not the classifier's: the
    // gate test below runs them through the real gate in every mode.
    let cases: Vec<Case> = corpus("destructive")
        .into_iter()
        .filter(|c| !c.class.starts_with("protect."))
        .collect();
    assert!(
        cases.len() >= 1000,
        "only {} destructive cases",
        cases.len()
    );
    let mut missed = Vec::new();
    let mut other_class = Vec::new();
    for case in &cases {
        let (got, class) = outcome(&assess(&case.command));
        if !matches!(got.as_str(), "high" | "unreadable") {
            missed.push(format!("{}: {got} {class}: {}", case.at(), case.command));
        } else if class != case.class {
            other_class.push(format!(
                "{}: {class} instead of {}: {}",
                case.at(),
                case.class,
                case.command
            ));
        }
    }
    report("destructive commands not stopped", &missed);
    report(
        "destructive commands of another class than listed",
        &other_class,
    );
    // The hidden suites are held to 99%: the project's own corpus to all but a handful.
    assert!(
        missed.len() * 200 <= cases.len(),
        "{} of {} destructive commands were not stopped:\n{}",
        missed.len(),
        cases.len(),
        missed.join("\n")
    );
}

#[test]
fn routine_commands_are_never_stopped() {
    let cases = corpus("safe");
    assert!(cases.len() >= 600, "only {} routine cases", cases.len());
    let mut stopped = Vec::new();
    let mut drifted = Vec::new();
    for case in &cases {
        let result = assess(&case.command);
        let (got, class) = outcome(&result);
        if matches!(got.as_str(), "high" | "unreadable" | "error") {
            let reason = result
                .as_ref()
                .ok()
                .and_then(|a| a.worst().map(|f| f.reason.clone()))
                .unwrap_or_default();
            stopped.push(format!(
                "{}: {got} {class} ({reason}): {}",
                case.at(),
                case.command
            ));
        } else if got != case.expected {
            drifted.push(format!(
                "{}: {got} {class} instead of {}: {}",
                case.at(),
                case.expected,
                case.command
            ));
        }
    }
    report("routine commands rated otherwise than listed", &drifted);
    assert!(
        stopped.is_empty(),
        "{} routine commands would be stopped:\n{}",
        stopped.len(),
        stopped.join("\n")
    );
}

#[test]
fn cautious_commands_are_medium() {
    let cases = corpus("caution");
    assert!(cases.len() >= 30, "only {} cautious cases", cases.len());
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let (got, class) = outcome(&assess(&case.command));
            (got != case.expected).then(|| {
                format!(
                    "{}: {got} {class} instead of {}: {}",
                    case.at(),
                    case.expected,
                    case.command
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A gate mode and a session permission mode.
#[derive(Debug, Clone, Copy)]
struct Combination {
    gate_mode: &'static str,
    permission_mode: &'static str,
}

const COMBINATIONS: &[Combination] = &[
    Combination {
        gate_mode: "guard",
        permission_mode: "default",
    },
    Combination {
        gate_mode: "guard",
        permission_mode: "bypassPermissions",
    },
    Combination {
        gate_mode: "auto",
        permission_mode: "default",
    },
    Combination {
        gate_mode: "auto",
        permission_mode: "bypassPermissions",
    },
];

/// A sandbox whose user policy selects `gate_mode` (`guard` is the built-in default, so no
/// file is written for it).
fn sandbox_for(gate_mode: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    if gate_mode != "guard" {
        sandbox.write(
            "home/.claude/hookkit.toml",
            &format!("[gate]\nmode = \"{gate_mode}\"\n"),
        );
    }
    sandbox
}

fn payload(command: &str, permission_mode: &str, project: &Path, n: usize) -> Value {
    let mut payload = fixture_json("captures/pretooluse-bash-rm.json");
    payload["session_id"] = json!(format!("corpus-{}-{n}", std::process::id()));
    payload["cwd"] = json!(project.display().to_string());
    payload["permission_mode"] = json!(permission_mode);
    payload["tool_input"] = json!({ "command": command, "description": "corpus" });
    payload
}

/// The decisions of the real gate on every case, on a few threads.
fn decide(sandbox: &Sandbox, combination: Combination, cases: &[Case]) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let chunk = cases.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| {
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, case)| {
                            sandbox
                                .hook(GATE)
                                .payload(payload(
                                    &case.command,
                                    combination.permission_mode,
                                    &sandbox.project(),
                                    k * chunk + i,
                                ))
                                .run()
                                .decision()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a decision thread panicked"))
            .collect()
    })
}

fn permille(part: usize, whole: usize) -> String {
    let p = part * 1000 / whole.max(1);
    format!("{}.{}%", p / 10, p % 10)
}

/// The targets: destructive commands denied or asked in at least 99% of cases in every
/// combination; routine commands never denied, and asked in at most 0.5% of cases where the
/// mode does not ask for a person on purpose (in opt-in `auto` with a person at the prompt,
/// work that reaches other hosts is asked by design).
#[test]
fn the_corpus_through_the_gate_in_every_mode() {
    let destructive = corpus("destructive");
    let routine: Vec<Case> = corpus("safe")
        .into_iter()
        .chain(corpus("caution"))
        .collect();
    let mut failures = Vec::new();
    for &combination in COMBINATIONS {
        let sandbox = sandbox_for(combination.gate_mode);
        let label = format!(
            "gate mode {}, session {}",
            combination.gate_mode, combination.permission_mode
        );
        let decisions = decide(&sandbox, combination, &destructive);
        let missed: Vec<String> = destructive
            .iter()
            .zip(&decisions)
            .filter(|(_, d)| !matches!(d.as_str(), "deny" | "ask" | "block"))
            .map(|(c, d)| format!("{d}: {}: {}", c.at(), c.command))
            .collect();
        let caught = destructive.len() - missed.len();
        report(
            &format!(
                "{label}: destructive stopped {caught}/{} ({}); missed",
                destructive.len(),
                permille(caught, destructive.len())
            ),
            &missed,
        );
        if missed.len() * 100 > destructive.len() {
            failures.push(format!(
                "{label}: destructive stopped only {}",
                permille(caught, destructive.len())
            ));
        }
        let decisions = decide(&sandbox, combination, &routine);
        let denied: Vec<String> = routine
            .iter()
            .zip(&decisions)
            .filter(|(_, d)| matches!(d.as_str(), "deny" | "block"))
            .map(|(c, d)| format!("{d}: {}: {}", c.at(), c.command))
            .collect();
        let asked: Vec<String> = routine
            .iter()
            .zip(&decisions)
            .filter(|(_, d)| d.as_str() == "ask")
            .map(|(c, _)| format!("{}: {}", c.at(), c.command))
            .collect();
        report(
            &format!(
                "{label}: routine denied {} and asked {} of {} ({}); denied",
                denied.len(),
                asked.len(),
                routine.len(),
                permille(denied.len() + asked.len(), routine.len())
            ),
            &denied,
        );
        report(&format!("{label}: routine asked"), &asked);
        if !denied.is_empty() {
            failures.push(format!("{label}: {} routine commands denied", denied.len()));
        }
        let asks_by_design =
            combination.gate_mode == "auto" && combination.permission_mode == "default";
        if !asks_by_design && (asked.len() + denied.len()) * 200 > routine.len() {
            failures.push(format!(
                "{label}: routine asked or denied {}",
                permille(asked.len() + denied.len(), routine.len())
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_denial_names_what_it_stopped_and_says_not_to_work_around() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .hook(GATE)
        .bash("sudo -E bash -c \"rm -rf /\"")
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("root"), "{}", run.reason());
}
