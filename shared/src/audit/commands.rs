//! The person-facing commands over the trail (`verify`, `report`, `tail`), writing to any
//! output so that the binary stays a thin main.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::report::{self, Filter};
use super::tail::{self, Style};
use super::verify::{Head, Verdict, verify};
use super::{Trail, rotated_files};
use crate::config::{Discovery, Effective};
use crate::env::{Env, Role};
use crate::locations::{self, Flags, Locations};
use crate::{Error, Result};

/// The trail a person means: `--log`, `HOOKKIT_AUDIT_LOG`, `[audit] log` of the user's policy,
/// or the default under the project (found as [`crate::locations::find_project`] finds it).
/// A policy file that does not load is reported through `warn` and skipped: reading the trail
/// is how a person finds out what went wrong.
pub fn locate(
    env: &Env,
    project_dir: Option<&Path>,
    log: Option<&Path>,
    policy: Option<PathBuf>,
    warn: &mut dyn FnMut(&Error),
) -> Result<Trail> {
    let project_dir = locations::find_project(env, project_dir)?;
    let discovery = Discovery::new(env, Role::Person, policy, project_dir.clone());
    let (layers, errors) = discovery.load_lenient();
    errors.iter().for_each(&mut *warn);
    let effective = Effective::of(&layers).unwrap_or_else(|e| {
        warn(&e);
        Effective::default()
    });
    let flags = Flags {
        log: log.map(Path::to_path_buf),
        queue: None,
    };
    let found = Locations::resolve(env, Role::Person, &project_dir, &effective, &flags);
    Ok(Trail::of(&found))
}

fn write_err(e: std::io::Error) -> Error {
    Error::io("writing", "<stdout>", e)
}

/// `verify`: prints what was checked; `Ok(false)` when the chain is broken.
pub fn run_verify(trail: &Trail, head: Option<&Head>, out: &mut dyn Write) -> Result<bool> {
    match verify(&trail.path, head)? {
        Verdict::Intact(summary) => {
            let files = summary.files.len();
            writeln!(
                out,
                "ok: {} records in {files} file{}, chain intact (seq 1-{})",
                summary.records,
                if files == 1 { "" } else { "s" },
                summary.last_seq
            )
            .map_err(write_err)?;
            if summary.torn_skipped > 0 {
                writeln!(
                    out,
                    "note: {} torn line(s) from interrupted writes were skipped and flagged by the next record",
                    summary.torn_skipped
                )
                .map_err(write_err)?;
            }
            writeln!(out, "head: {}:{}", summary.last_seq, summary.head).map_err(write_err)?;
            Ok(true)
        }
        Verdict::Broken(broken) => {
            writeln!(out, "broken: {broken}").map_err(write_err)?;
            Ok(false)
        }
    }
}

/// An error when the trail has no file at all: a wrong `--log` should not read as "nothing
/// happened".
fn require_log(trail: &Trail) -> Result<()> {
    if rotated_files(&trail.path).is_empty() {
        return Err(Error::Audit {
            path: trail.path.clone(),
            message: "no such log (nothing recorded yet, or a wrong --log)".into(),
        });
    }
    Ok(())
}

/// `report`: a table for people or JSON for scripts.
pub fn run_report(
    trail: &Trail,
    filter: &Filter,
    json: bool,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    require_log(trail)?;
    let report = report::build(&trail.path, filter)?;
    if json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| Error::Other(e.to_string()))?;
        writeln!(out, "{text}").map_err(write_err)
    } else {
        out.write_all(report::render(&report, style).as_bytes())
            .map_err(write_err)
    }
}

/// `tail`: the last `n` records, then new ones as they come when `follow`.
pub fn run_tail(
    trail: &Trail,
    n: usize,
    follow: bool,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    require_log(trail)?;
    // Taken before the last lines are read: a record appended meanwhile may show twice, but is
    // never missed.
    let followed_from = std::fs::metadata(&trail.path).map_or(0, |m| m.len());
    for line in tail::last_lines(&trail.path, n)? {
        out.write_all(tail::render(&line, style).as_bytes())
            .map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    if follow {
        tail::follow(&trail.path, followed_from, |line| {
            out.write_all(tail::render(line, style).as_bytes())?;
            out.flush()
        })?;
    }
    Ok(())
}
