//! Any bytes as an audit log: the verifier reads it to a verdict (intact, or broken at a
//! line, with a reason) and never panics. Written against the audit trail's reader,
//! `audit::verify_reader(impl Read) -> Result<Verification>`; listed in `Cargo.toml` once that
//! reader exists.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = hookkit::audit::verify_reader(data);
});
