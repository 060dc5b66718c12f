//! The one runner every hook binary uses: read stdin, parse, decide, answer, and fail safe.
//!
//! # The failure contract
//!
//! Claude Code lets a tool call go ahead on exit 1, on a panic's exit 101 and on an abort, so a
//! hook that merely crashes fails *open*. The runner closes every such path:
//!
//! - an input that does not parse, is too large, or lacks a field the event needs;
//! - an [`crate::Error`] returned by the handler;
//! - a panic, whether the binary unwinds or aborts (the panic hook runs first either way);
//! - a handler that overruns its deadline, or whose memory passes a bound (a watchdog thread
//!   answers instead, before the kernel's out-of-memory killer could end the process with a
//!   signal, which would let the call go ahead).
//!
//! Each ends in the binary's [`FailureDecision`]: `ask` (a `PreToolUse` ask reply, exit 0) or
//! `deny` (the reason on stderr, empty stdout, exit 2). An `ask` becomes `deny` when the
//! session's permission mode means nobody would see the prompt (`bypassPermissions`,
//! `dontAsk`, `auto`, or a mode hookkit does not know): a failure never lets a call run unseen. Where the event is not `PreToolUse`, or
//! is unknown because the input did not parse, both end in exit 2. Exactly one answer is ever
//! written: the first writer takes a process-wide lock and later ones are dropped.

use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::protocol::{HookInput, PermissionDecision, Reply};
use crate::{Error, Result};

/// What a hook reports back to Claude Code.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Exit 0 with this JSON reply on stdout (`{}` for no opinion).
    Reply(Reply),
    /// Exit 2 with the reason on stderr and nothing on stdout.
    Block {
        /// Sent to Claude (for `PreToolUse`) or shown to the user.
        reason: String,
    },
}

/// What a hook answers when it cannot decide: its input was bad, it failed, it panicked or it
/// ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureDecision {
    /// Ask the user (a `PreToolUse` ask reply); exit 2 for other events.
    #[default]
    Ask,
    /// Block: reason on stderr, exit 2.
    Deny,
}

/// How a hook binary runs.
#[derive(Debug, Clone)]
pub struct HookSpec {
    /// The binary's name, used as the prefix of every message.
    pub binary: &'static str,
    /// The largest input accepted; larger inputs are drained and answered with the failure
    /// decision.
    pub max_input_bytes: usize,
    /// How long the handler may take before the watchdog answers with the failure decision.
    pub deadline: Duration,
    /// The most resident memory the process may use before the watchdog answers with the
    /// failure decision (checked on Linux, every [`WATCH_INTERVAL`]).
    pub max_memory_bytes: u64,
    /// The failure decision until the handler sets another with [`set_failure_decision`].
    pub on_error: FailureDecision,
}

impl HookSpec {
    /// A spec with the defaults: 16 MiB of input, a 5-second deadline, 1 GiB of memory, fail
    /// by asking.
    ///
    /// The deadline is far above a normal run (about a millisecond) so that a loaded machine
    /// never turns a decision into the failure decision, and far below Claude Code's own hook
    /// timeout (600 s), which would cancel the hook and let the call go ahead. The memory bound
    /// is far above the largest input's needs (tens of MiB) and below what would make the
    /// kernel kill the process on most machines.
    pub fn new(binary: &'static str) -> Self {
        Self {
            binary,
            max_input_bytes: 16 * 1024 * 1024,
            deadline: Duration::from_secs(5),
            max_memory_bytes: 1024 * 1024 * 1024,
            on_error: FailureDecision::Ask,
        }
    }
}

/// What the panic hook and the watchdog need to answer on the runner's behalf.
struct RunnerState {
    binary: &'static str,
    failure: AtomicU8,
    event_name: Mutex<Option<String>>,
    /// Nobody can answer a prompt in this session, so an ask would not reach a person.
    unattended: AtomicBool,
}

static STATE: OnceLock<RunnerState> = OnceLock::new();
/// The watchdog's memory bound, in bytes; an atomic so that fault injection can lower it.
static MEMORY_BOUND: AtomicU64 = AtomicU64::new(u64::MAX);

/// How often the watchdog looks at the clock and the process's memory. A run that answers
/// within this time (nearly all do, in about a millisecond) never wakes it.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(10);

/// Held by whoever writes the one answer; `true` once an answer was written.
static ANSWERED: Mutex<bool> = Mutex::new(false);

/// Changes the failure decision, for example once the policy's `on_error` is known.
pub fn set_failure_decision(decision: FailureDecision) {
    if let Some(state) = STATE.get() {
        state.failure.store(encode(decision), Ordering::SeqCst);
    }
}

fn encode(decision: FailureDecision) -> u8 {
    match decision {
        FailureDecision::Ask => 0,
        FailureDecision::Deny => 1,
    }
}

/// Runs a hook: installs the panic hook and watchdog, reads and parses stdin, calls `handler`,
/// and writes its answer. Returns the exit code for `main` to return.
pub fn run_hook<F>(spec: &HookSpec, handler: F) -> ExitCode
where
    F: FnOnce(&HookInput) -> Result<Outcome>,
{
    let state = STATE.get_or_init(|| RunnerState {
        binary: spec.binary,
        failure: AtomicU8::new(encode(spec.on_error)),
        event_name: Mutex::new(None),
        unattended: AtomicBool::new(true),
    });
    if io::stdin().is_terminal() {
        // A person ran the hook by hand: waiting for a payload that never comes (and then
        // answering with the deadline's failure) helps nobody.
        let binary = spec.binary;
        let _ = writeln!(
            io::stderr().lock(),
            "{binary}: this is a Claude Code hook: it reads one hook input (JSON) on stdin and \
             answers on stdout.\nTry `{binary} < payload.json`, or `{binary} --help` for its \
             commands."
        );
        return ExitCode::from(2);
    }
    install_panic_hook();
    MEMORY_BOUND.store(spec.max_memory_bytes, Ordering::SeqCst);
    start_watchdog(spec.deadline);
    inject_fault("start");

    let input = match read_stdin(spec.max_input_bytes).and_then(|bytes| HookInput::parse(&bytes)) {
        Ok(input) => input,
        Err(error) => return fail(&error.to_string()),
    };
    if let Ok(mut name) = state.event_name.lock() {
        *name = Some(input.event_name.clone());
    }
    let presence = crate::gate::decision::Presence::of(input.common.permission_mode.as_deref());
    state.unattended.store(
        presence == crate::gate::decision::Presence::Nobody,
        Ordering::SeqCst,
    );
    inject_fault("handler");
    match handler(&input) {
        Ok(outcome) => answer(&outcome),
        Err(error) => fail(&error.to_string()),
    }
}

/// Answers a hook whose own command line is wrong (a mistyped flag in the wiring): the
/// message goes to stderr, and the hook still reads all of its input and answers with its
/// failure decision, because Claude Code treats a hook that exits without reading its input as
/// a non-blocking error, which would let the call go ahead. With a terminal on stdin (a person
/// typing) it only prints the message.
pub fn hook_usage_error(spec: &HookSpec, message: &str) -> ExitCode {
    if io::stdin().is_terminal() {
        let _ = writeln!(io::stderr().lock(), "{}", message.trim_end());
        return ExitCode::from(2);
    }
    let _ = writeln!(io::stderr().lock(), "{}", message.trim_end());
    let first_line = message.lines().next().unwrap_or(message).trim().to_owned();
    run_hook(spec, |_| {
        Err(Error::Other(format!(
            "its command line is wrong ({first_line})"
        )))
    })
}

/// Whether a command line starts with a subcommand (a word that is not an option), so that a
/// usage error is a person's typo rather than a hook's wiring (which passes options only).
pub fn names_a_command(args: &[std::ffi::OsString]) -> bool {
    args.get(1)
        .is_some_and(|a| !a.to_string_lossy().starts_with('-'))
}

/// Reads all of stdin, up to `limit` bytes. A larger input is drained to EOF (so that Claude
/// Code never sees a closed pipe, which it would treat as a non-blocking error) and rejected.
pub fn read_stdin(limit: usize) -> Result<Vec<u8>> {
    let mut stdin = io::stdin().lock();
    let mut bytes = Vec::with_capacity(8 * 1024);
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    (&mut stdin)
        .take(cap)
        .read_to_end(&mut bytes)
        .map_err(Error::Stdin)?;
    if bytes.len() > limit {
        // Best effort: a read error while draining changes nothing about the answer.
        let _ = io::copy(&mut stdin, &mut io::sink());
        return Err(Error::InputTooLarge { limit });
    }
    Ok(bytes)
}

/// Writes an outcome and returns its exit code, unless another answer was written first.
fn answer(outcome: &Outcome) -> ExitCode {
    let Some(mut answered) = claim_answer() else {
        return ExitCode::from(2);
    };
    let code = write_outcome(outcome);
    *answered = true;
    ExitCode::from(code)
}

/// Takes the answer lock; `None` when an answer was already written.
fn claim_answer() -> Option<std::sync::MutexGuard<'static, bool>> {
    let guard = ANSWERED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (!*guard).then_some(guard)
}

fn write_outcome(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Reply(reply) => {
            let mut stdout = io::stdout().lock();
            let written = writeln!(stdout, "{}", reply.to_json()).and_then(|()| stdout.flush());
            match written {
                Ok(()) => 0,
                Err(error) => {
                    write_stderr(&format!("writing the reply to stdout: {error}"));
                    2
                }
            }
        }
        Outcome::Block { reason } => {
            write_stderr(reason);
            2
        }
    }
}

fn write_stderr(message: &str) {
    let binary = STATE.get().map_or("hookkit", |s| s.binary);
    let _ = writeln!(io::stderr().lock(), "{binary}: {message}");
}

/// Answers with the failure decision and returns the exit code.
fn fail(reason: &str) -> ExitCode {
    ExitCode::from(fail_code(reason))
}

fn fail_code(reason: &str) -> u8 {
    let Some(mut answered) = claim_answer() else {
        return 2;
    };
    let state = STATE.get();
    let unattended = state.is_none_or(|s| s.unattended.load(Ordering::SeqCst));
    let decision = match state.map(|s| s.failure.load(Ordering::SeqCst)) {
        Some(1) => FailureDecision::Deny,
        _ if unattended => FailureDecision::Deny,
        _ => FailureDecision::Ask,
    };
    let event = state
        .and_then(|s| s.event_name.lock().ok().and_then(|n| n.clone()))
        .unwrap_or_default();
    let binary = state.map_or("hookkit", |s| s.binary);
    let outcome = if decision == FailureDecision::Ask && event == "PreToolUse" {
        Outcome::Reply(Reply::permission(
            &event,
            PermissionDecision::Ask,
            &format!("{binary} could not decide ({reason}); asking instead"),
        ))
    } else {
        Outcome::Block {
            reason: format!("{reason}; blocked because {binary} fails closed"),
        }
    };
    let code = write_outcome(&outcome);
    *answered = true;
    code
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        // A panic always blocks: the state that produced it cannot be trusted to ask.
        let reason =
            format!("internal error: {message}{location}; blocked because the hook fails closed");
        if let Some(mut answered) = ANSWERED.try_lock().ok().filter(|a| !**a) {
            write_stderr(&reason);
            *answered = true;
        }
        std::process::exit(2);
    }));
}

fn start_watchdog(deadline: Duration) {
    let started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("hookkit-watchdog".into())
        .spawn(move || {
            // It sleeps first: a run that answers within the interval never reads its memory.
            let reason = loop {
                std::thread::sleep(WATCH_INTERVAL.min(deadline.saturating_sub(started.elapsed())));
                let elapsed = started.elapsed();
                if elapsed >= deadline {
                    break format!(
                        "deadline of {} ms exceeded after {} ms",
                        deadline.as_millis(),
                        elapsed.as_millis()
                    );
                }
                let bound = MEMORY_BOUND.load(Ordering::SeqCst);
                if let Some(resident) = resident_bytes().filter(|&r| r > bound) {
                    break format!(
                        "memory use of {} MiB passed the bound of {} MiB",
                        resident >> 20,
                        bound >> 20
                    );
                }
            };
            let code = fail_code(&reason);
            std::process::exit(i32::from(code));
        });
    if spawned.is_err() {
        write_stderr("could not start the deadline watchdog; continuing without it");
    }
}

/// The process's resident memory (`VmRSS` in `/proc/self/status`); `None` where there is no
/// such file.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Debug builds only: lets the integration tests force each failure path through the real
/// binary. `HOOKKIT_FAULT=panic@handler` panics before the handler runs, `hang@handler` sleeps
/// past any deadline, `hog@handler` lowers the memory bound to 64 MiB and allocates without
/// end, `panic@start` panics before stdin is read.
#[cfg(debug_assertions)]
fn inject_fault(point: &str) {
    let Ok(fault) = std::env::var("HOOKKIT_FAULT") else {
        return;
    };
    match fault.split_once('@') {
        Some(("panic", at)) if at == point => panic!("fault injected at {point}"),
        Some(("hang", at)) if at == point => std::thread::sleep(Duration::from_hours(1)),
        Some(("hog", at)) if at == point => hog_memory(),
        _ => {}
    }
}

#[cfg(not(debug_assertions))]
fn inject_fault(_point: &str) {}

/// Allocates and touches 8 MiB every millisecond until the watchdog ends the process.
#[cfg(debug_assertions)]
fn hog_memory() {
    MEMORY_BOUND.store(64 << 20, Ordering::SeqCst);
    let mut held: Vec<Vec<u8>> = Vec::new();
    loop {
        held.push(vec![1; 8 << 20]);
        std::thread::sleep(Duration::from_millis(1));
    }
}
