//! Any bytes as one review-queue file: scanning the queue lists it as an item or as unreadable,
//! never panics and never skips it silently (`review::queue::Queue::{new, scan, may_hold}`).
//! An item's signed decision, whatever it holds, is verified and bound without a panic, and
//! never verifies against a key that did not sign it.
#![no_main]

mod sandbox;

use std::sync::OnceLock;

use hookkit::crypto::KeyPair;
use hookkit::review::decision::Binding;
use hookkit::review::queue::Queue;
use libfuzzer_sys::fuzz_target;

/// A key no fuzzed input can have signed with.
fn trusted() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::generate("fuzz").expect("a key"))
}

fuzz_target!(|data: &[u8]| {
    let dir = sandbox::project().join("fuzz-queue");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the fuzzed queue");
    let queue = Queue::new(&dir);
    std::fs::write(queue.path_of("toolu0fuzz"), data).expect("writing the fuzzed item");
    let scan = queue.scan().expect("a readable directory scans");
    assert_eq!(
        scan.items.len() + scan.unreadable.len(),
        1,
        "the one file is an item or unreadable"
    );
    let _ = scan.current_for("toolu_fuzz");
    let _ = queue.may_hold("toolu_fuzz");
    for item in &scan.items {
        let Some(signed) = &item.decision else {
            continue;
        };
        let verified = signed.verify(&[trusted().public_key()]);
        assert!(verified.is_err(), "a decision nobody signed verified");
        let _ = signed.verify(&[]);
        if let Ok(statement) = serde_json::from_value(signed.statement.clone()) {
            let binding = Binding {
                item: Some(&item.id),
                session_id: &item.session_id,
                tool_use_id: &item.tool_use_id,
                cwd: &item.cwd,
                permission_mode: item.permission_mode.as_deref(),
                tool: &item.tool,
                input_sha256: &item.input_sha256,
                shown_sha256: &item.input_sha256,
            };
            let statement: hookkit::review::decision::Statement = statement;
            let _ = binding.check(&statement);
        }
    }
});
