//! Runs the classifier on one named input, for `bench/classify/run.sh`.
//!
//! `classify_bench <case>` classifies the case once (for instruction counts under callgrind;
//! the `empty` case measures everything but the classification). `classify_bench --time <case>`
//! classifies it repeatedly and prints the mean wall time per call.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use hookkit::classify::{self, Context};
use hookkit::protocol::ToolCall;

fn input(case: &str) -> Option<String> {
    Some(match case {
        "empty" => String::new(),
        "git-status" => "git status".into(),
        "rm-root" => "rm -rf /".into(),
        "compound" => concat!(
            "cd /home/dev/project && cargo build --release 2>&1 | tee /tmp/build.log && ",
            "git add -A && git commit -m \"chore: release build\" && ls -la target/release | ",
            "head -20 && echo \"done: $(date -u)\" && grep -rn TODO src/ | wc -l && find . -name ",
            "'*.rs' -newer Cargo.toml | xargs wc -l | sort -n | tail -5 && sudo -E bash -c ",
            "\"rm -rf /tmp/build-cache\" && git push origin feature/bench && npm test"
        )
        .into(),
        "python-c" => concat!(
            "python3 -c \"import os, shutil, subprocess; subprocess.run(['ls', '-la']); ",
            "shutil.rmtree('/home/dev/project/build'); print(os.getcwd())\""
        )
        .into(),
        "max-dense" => {
            "echo hello world && ".repeat(hookkit::shell::MAX_DENSE_BYTES / 20 - 1) + "true"
        }
        "heredoc-500k" => format!(
            "cat > data.txt <<'EOF'\n{}EOF\n",
            "some line of text\n".repeat(hookkit::shell::MAX_INPUT_BYTES / 19)
        ),
        "one-mib" => "echo hello world && ".repeat((1 << 20) / 20) + "true",
        "nested-10k" => format!("{}x{}", "$(".repeat(10_000), ")".repeat(10_000)),
        _ => return None,
    })
}

fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let timed = args.first().is_some_and(|a| a == "--time");
    if timed {
        args.remove(0);
    }
    let Some(command) = args.first().and_then(|c| input(c)) else {
        let _ = writeln!(std::io::stderr(), "usage: classify_bench [--time] <case>");
        return std::process::ExitCode::FAILURE;
    };
    let ctx = Context {
        cwd: PathBuf::from("/home/dev/project"),
        project_dir: PathBuf::from("/home/dev/project"),
        home: Some(PathBuf::from("/home/dev")),
        allowed_hosts: vec!["github.com".into()],
    };
    let call = ToolCall::new("Bash", serde_json::json!({ "command": command }));
    let mut out = std::io::stdout().lock();
    if command.is_empty() {
        // The baseline: everything above, but no classification.
        let _ = writeln!(out, "baseline");
        return std::process::ExitCode::SUCCESS;
    }
    if !timed {
        let verdict = match classify::assess(&call, &ctx) {
            Ok(a) => a
                .worst()
                .map_or("no finding".to_owned(), |f| f.risk.as_str().to_owned()),
            Err(e) => format!("error: {e}"),
        };
        let _ = writeln!(out, "{verdict}");
        return std::process::ExitCode::SUCCESS;
    }
    let rounds: u32 = if command.len() > 10_000 { 20 } else { 2000 };
    let start = Instant::now();
    let mut answered = 0;
    for _ in 0..rounds {
        match classify::assess(&call, &ctx) {
            Ok(a) if a.worst().is_some() || !a.unrecognised.is_empty() => answered += 1,
            Err(_) => answered += 1,
            Ok(_) => {}
        }
    }
    let per_call = start.elapsed() / rounds;
    let _ = writeln!(
        out,
        "{} bytes: {:.3} ms per call ({answered}/{rounds} answered)",
        command.len(),
        per_call.as_secs_f64() * 1000.0
    );
    std::process::ExitCode::SUCCESS
}
