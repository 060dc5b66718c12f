//! The person-facing commands over the trail (`verify`, `report`, `tail`), writing to any
//! output so that the binary stays a thin main.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Trail;
use super::report::{self, Filter};
use super::tail::{self, Style};
use super::verify::{Head, Standing, verify};
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

/// `verify`: prints what was checked, what it proves and what it cannot; how it ended.
pub fn run_verify(trail: &Trail, head: Option<&Head>, out: &mut dyn Write) -> Result<Standing> {
    let verification = verify(trail, head)?;
    write!(out, "{verification}").map_err(write_err)?;
    Ok(verification.standing())
}

/// `report`: a table for people or JSON for scripts.
pub fn run_report(
    trail: &Trail,
    filter: &Filter,
    json: bool,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let report = report::build(trail, filter)?;
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
    // Taken before the last lines are read: a record appended meanwhile may show twice, but is
    // never missed.
    let followed_from = tail::current_len(trail)?;
    for line in tail::last_lines(trail, n)? {
        out.write_all(tail::render(&line, style).as_bytes())
            .map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    if follow {
        tail::follow(trail, followed_from, |line| {
            out.write_all(tail::render(line, style).as_bytes())?;
            out.flush()
        })?;
    }
    Ok(())
}
