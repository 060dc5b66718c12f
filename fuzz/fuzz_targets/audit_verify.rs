//! Any bytes as an audit log: the verifier reads it to a verdict (intact, or broken at a line
//! with a reason) or an error, never a panic, and a log that is not valid JSON Lines is never
//! intact (`audit::verify::verify`).
#![no_main]

mod sandbox;

use hookkit::audit::verify::{Verdict, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let log = sandbox::project().join("fuzz-audit.jsonl");
    std::fs::write(&log, data).expect("writing the fuzzed log");
    if let Ok(Verdict::Intact(_)) = verify(&log, None) {
        let text = std::str::from_utf8(data).expect("an intact log is UTF-8");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            serde_json::from_str::<serde_json::Value>(line).expect("an intact log is JSON Lines");
        }
    }
});
