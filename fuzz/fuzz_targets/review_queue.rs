//! Any bytes as one review-queue file: scanning the queue lists it as an item or as unreadable,
//! never panics and never skips it silently (`review::queue::Queue::{new, scan, may_hold}`).
#![no_main]

mod sandbox;

use hookkit::review::queue::Queue;
use libfuzzer_sys::fuzz_target;

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
});
