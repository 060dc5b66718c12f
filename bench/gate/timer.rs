//! The loop timer `run.sh` falls back to when hyperfine cannot feed stdin from a file
//! (hyperfine before 1.17 has no `--input`). Usage: `timer RUNS PAYLOAD COMMAND...`.
//! Spawns the command RUNS times with the payload on stdin and prints the median wall time of
//! one call in milliseconds, spawn included, after a few warm-up runs.

use std::fs::File;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(runs), Some(payload), Some(program)) = (args.first(), args.get(1), args.get(2))
    else {
        let _ = writeln!(std::io::stderr(), "usage: timer RUNS PAYLOAD COMMAND...");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().unwrap_or(300);
    let mut times = Vec::with_capacity(runs);
    for round in 0..runs + 20 {
        let stdin = File::open(payload).expect("opening the payload");
        let started = Instant::now();
        let status = Command::new(program)
            .args(&args[3..])
            .stdin(Stdio::from(stdin))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("running the command");
        let elapsed = started.elapsed();
        assert!(status.code().is_some(), "killed by a signal");
        if round >= 20 {
            times.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let _ = writeln!(std::io::stdout(), "{:.3}", times[times.len() / 2]);
}
