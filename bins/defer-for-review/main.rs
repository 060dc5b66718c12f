//! `defer-for-review`: placeholder until its issue lands; answers no opinion and fails closed.

use std::process::ExitCode;

use hookkit::{HookSpec, Outcome, protocol::Reply, run_hook};

fn main() -> ExitCode {
    run_hook(&HookSpec::new("defer-for-review"), |_| {
        Ok(Outcome::Reply(Reply::no_opinion()))
    })
}
