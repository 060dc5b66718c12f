//! Any bytes as one review-queue file: reading it yields a request or an error, never a
//! panic, and a file that does not read is never taken as an approval. Written against the
//! review queue's reader, `review::Request::from_slice(&[u8]) -> Result<Request>`; listed in
//! `Cargo.toml` once that reader exists.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = hookkit::review::Request::from_slice(data);
});
