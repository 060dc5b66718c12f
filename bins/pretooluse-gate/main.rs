//! `pretooluse-gate`: the PreToolUse policy gate. Reads the tool call from stdin and allows,
//! asks, denies or gives no opinion. Exit 0 with one JSON reply, or exit 2 with the reason on
//! stderr. If the gate itself fails, it asks (or denies, per policy): it never fails open.

use std::process::ExitCode;

use hookkit::{HookSpec, gate, run_hook};

fn main() -> ExitCode {
    run_hook(&HookSpec::new("pretooluse-gate"), gate::handle)
}
