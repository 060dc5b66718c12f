//! Any bytes as an audit log: the verifier reads it to a verdict (intact, or broken at a line
//! with a reason) or an error, never a panic, and a log that is not valid JSON Lines is never
//! intact (`audit::verify`, on a trail that is neither sealed nor anchored, and on one whose
//! state directory holds an audit key, so that MACs are read and checked).
#![no_main]

mod sandbox;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hookkit::audit::{Record, Trail};
use hookkit::audit::verify::{Verdict, verify};
use libfuzzer_sys::fuzz_target;

/// A trail at `log` anchored in the sandbox's state directory, whose key exists: one record
/// was appended to another log with it.
fn keyed(log: &Path) -> Trail {
    static STATE: OnceLock<PathBuf> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        let state = sandbox::project().join("../state");
        let other = Trail {
            state_dir: Some(state.clone()),
            ..Trail::at(sandbox::project().join("keyed-other.jsonl"))
        };
        other.append(&Record::default()).expect("making the audit key");
        state
    });
    Trail {
        state_dir: Some(state.clone()),
        ..Trail::at(log)
    }
}

fuzz_target!(|data: &[u8]| {
    let log = sandbox::project().join("fuzz-audit.jsonl");
    std::fs::write(&log, data).expect("writing the fuzzed log");
    for trail in [Trail::at(&log), keyed(&log)] {
        let verdict = verify(&trail, None).map(|v| v.verdict);
        if let Ok(Verdict::Intact(_)) = verdict {
            let text = std::str::from_utf8(data).expect("an intact log is UTF-8");
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                serde_json::from_str::<serde_json::Value>(line)
                    .expect("an intact log is JSON Lines");
            }
        }
    }
});
