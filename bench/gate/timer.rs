//! The loop timer `run.sh` falls back to when hyperfine cannot feed stdin from a file
//! (hyperfine before 1.17 has no `--input`). Usage: `timer RUNS PAYLOAD PROGRAM...`.
//! Spawns each program RUNS times with the payload on stdin, taking turns so that noise from
//! other work on the machine hits them alike, and prints each one's median wall time per call
//! in milliseconds (spawn included), after a few warm-up rounds.

use std::fs::File;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

const WARM_UP: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        let _ = writeln!(std::io::stderr(), "usage: timer RUNS PAYLOAD PROGRAM...");
        std::process::exit(2);
    }
    let runs: usize = args[0].parse().unwrap_or(300);
    let payload = &args[1];
    let programs = &args[2..];
    let mut times = vec![Vec::with_capacity(runs); programs.len()];
    for round in 0..runs + WARM_UP {
        for (program, samples) in programs.iter().zip(&mut times) {
            let stdin = File::open(payload).expect("opening the payload");
            let started = Instant::now();
            let status = Command::new(program)
                .stdin(Stdio::from(stdin))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("running the program");
            let elapsed = started.elapsed();
            assert!(status.code().is_some(), "{program} was killed by a signal");
            if round >= WARM_UP {
                samples.push(elapsed.as_secs_f64() * 1000.0);
            }
        }
    }
    let medians: Vec<String> = times
        .iter_mut()
        .map(|samples| {
            samples.sort_by(f64::total_cmp);
            format!("{:.3}", samples[samples.len() / 2])
        })
        .collect();
    let _ = writeln!(std::io::stdout(), "{}", medians.join(" "));
}
