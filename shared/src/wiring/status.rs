//! `hookkit status`: on one screen, whether hookkit is wired and working in a project, and
//! `--fix`, which repairs what an install put there the way the installer would.
//!
//! What counts as not working (exit 1): no gate on PreToolUse, a hook entry of the recorded
//! install missing, a wired binary missing or not runnable, hooks switched off
//! (`disableAllHooks`), a settings file Claude Code cannot read, a policy the gate refuses
//! (every call is then asked, or denied where nobody is at the prompt), or an audit trail
//! whose chain is broken. The rest (values a project file set that are ignored, the sandbox,
//! a state or key directory other users can enter, an audit log older than sealing, pending
//! reviews, the last decisions) is information.
//!
//! `--fix` also takes other users' access to the state and key directories away
//! ([`tighten`]); hookkit creates them `0700`, but one made earlier, or by hand, may not be.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::setup::{Install, Record, Target, is_executable, version_of};
use super::{GATE, REVIEW, binary_of};
use crate::audit::Trail;
use crate::audit::tail::{self, Style};
use crate::audit::verify::{Sealing, Verdict, verify};
use crate::config::{Discovery, Effective, Trust};
use crate::env::{Env, Role};
use crate::locations::{Flags, Locations};
use crate::review::queue::{Queue, Status as ItemStatus};
use crate::{Error, Result};

/// Claude Code's managed settings on Linux.
pub const MANAGED_SETTINGS: &str = "/etc/claude-code/managed-settings.json";

/// Variables that, set by a project's settings `env` block, reach every hook.
pub const STEERING_VARIABLES: &[&str] = &["PATH", "BASH_ENV", "HOME", "ENV"];

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Information.
    Note,
    /// Working.
    Ok,
    /// Working, with something to look at.
    Warn,
    /// Not working.
    Fail,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
        }
    }

    fn paint(self, style: Style, text: &str) -> String {
        let code = match self {
            Self::Note => "2",
            Self::Ok => "32",
            Self::Warn => "33",
            Self::Fail => "1;31",
        };
        if style.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// One line of the report (with more lines under it).
#[derive(Debug, Clone)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// How it came out.
    pub level: Level,
    /// What was found, one item per line.
    pub lines: Vec<String>,
}

impl Check {
    fn new(name: &'static str, level: Level, line: impl Into<String>) -> Self {
        Self {
            name,
            level,
            lines: vec![line.into()],
        }
    }
}

/// What `status` looks at.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The person's environment.
    pub env: Env,
    /// The project.
    pub project: PathBuf,
    /// Claude Code's managed settings file.
    pub managed: PathBuf,
    /// hookkit's state directory, where installs are recorded.
    pub state_dir: PathBuf,
    /// How many of the last decisions to show.
    pub decisions: usize,
}

/// The report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The project.
    pub project: PathBuf,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The last records of the audit trail, rendered.
    pub decisions: Vec<Vec<u8>>,
}

impl Report {
    /// Whether hookkit protects the project as installed.
    pub fn working(&self) -> bool {
        self.checks.iter().all(|c| c.level != Level::Fail)
    }

    /// The report for a terminal (`style`) or a pipe.
    pub fn render(&self, style: Style) -> String {
        let mut out = format!("hookkit status: {}\n", self.project.display());
        for check in &self.checks {
            let label = check
                .level
                .paint(style, &format!("{:<4}", check.level.label()));
            let mut lines = check.lines.iter();
            let first = lines.next().map_or("", String::as_str);
            let _ = writeln!(out, "  {label}  {:<10} {first}", check.name);
            for line in lines {
                let _ = writeln!(out, "  {:<4}  {:<10} {line}", "", "");
            }
        }
        if !self.decisions.is_empty() {
            let _ = writeln!(out, "last decisions (hookkit log tail for more):");
            for line in &self.decisions {
                for rendered in tail::render(line, style).lines() {
                    let _ = writeln!(out, "  {rendered}");
                }
            }
        }
        let failures = self
            .checks
            .iter()
            .filter(|c| c.level == Level::Fail)
            .count();
        if failures == 0 {
            out.push_str("hookkit is working.\n");
        } else {
            let _ = writeln!(
                out,
                "hookkit is NOT working: {failures} problem{} above. `hookkit status --fix` \
                 repairs the wiring and binaries an install put here.",
                if failures == 1 { "" } else { "s" }
            );
        }
        out
    }
}

/// One settings file Claude Code reads.
#[derive(Debug)]
struct SettingsLayer {
    name: &'static str,
    path: PathBuf,
    value: Option<Value>,
}

/// One of our handlers found in a settings file.
#[derive(Debug)]
struct Wired {
    layer: usize,
    event: String,
    matcher: String,
    binary: &'static str,
    handler: Value,
}

/// Looks at everything and reports.
pub fn status(inputs: &Inputs) -> Report {
    let mut checks = Vec::new();
    let layers = settings_layers(inputs, &mut checks);
    let wired = wired(&layers);
    let record = recorded_install(inputs);
    checks.push(wiring(
        inputs,
        &layers,
        &wired,
        record.as_ref().map(|r| &r.install),
    ));
    checks.extend(hooks_off(&layers));
    checks.push(binaries(inputs, &layers, &wired, record.as_ref()));
    let (policy_checks, locations) = policy(inputs, &layers);
    checks.extend(policy_checks);
    checks.push(sandbox(&layers));
    checks.extend(privacy(&locations));
    let (audit, decisions) = audit(&locations, inputs.decisions);
    checks.push(audit);
    checks.push(reviews(&locations));
    Report {
        project: inputs.project.clone(),
        checks,
        decisions,
    }
}

/// The install hookkit recorded for this project (or, failing that, for the user).
fn recorded_install(inputs: &Inputs) -> Option<Record> {
    let project = Target::Project {
        dir: inputs.project.clone(),
        shared: false,
    };
    Record::read(&inputs.state_dir, &project).or_else(|| {
        let home = inputs.env.home.clone()?;
        Record::read(&inputs.state_dir, &Target::User { home })
    })
}

fn settings_layers(inputs: &Inputs, checks: &mut Vec<Check>) -> Vec<SettingsLayer> {
    let mut candidates = vec![("managed", inputs.managed.clone())];
    if let Some(home) = &inputs.env.home {
        candidates.push(("user", home.join(".claude/settings.json")));
    }
    candidates.push(("project", inputs.project.join(".claude/settings.json")));
    candidates.push(("local", inputs.project.join(".claude/settings.local.json")));
    candidates
        .into_iter()
        .map(|(name, path)| {
            let value = match std::fs::read_to_string(&path) {
                Ok(text) => match serde_json::from_str::<Value>(&text) {
                    Ok(value) => Some(value),
                    Err(e) => {
                        checks.push(Check::new(
                            "settings",
                            Level::Fail,
                            format!(
                                "{} is not valid JSON ({e}): Claude Code cannot read it",
                                shown(&path, inputs)
                            ),
                        ));
                        None
                    }
                },
                Err(_) => None,
            };
            SettingsLayer { name, path, value }
        })
        .collect()
}

fn wired(layers: &[SettingsLayer]) -> Vec<Wired> {
    let mut found = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        let Some(hooks) = layer
            .value
            .as_ref()
            .and_then(|v| v.get("hooks"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (event, groups) in hooks {
            for group in groups.as_array().into_iter().flatten() {
                let matcher = group
                    .get("matcher")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                for handler in group
                    .get("hooks")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(binary) = binary_of(handler) {
                        found.push(Wired {
                            layer: index,
                            event: event.clone(),
                            matcher: matcher.clone(),
                            binary,
                            handler: handler.clone(),
                        });
                    }
                }
            }
        }
    }
    found
}

fn wiring(
    inputs: &Inputs,
    layers: &[SettingsLayer],
    wired: &[Wired],
    install: Option<&Install>,
) -> Check {
    if wired.is_empty() {
        return Check::new(
            "wiring",
            Level::Fail,
            "hookkit is not wired in any settings file of this project or of your user: run \
             `hookkit install`",
        );
    }
    let mut lines = Vec::new();
    let mut level = Level::Ok;
    for (index, layer) in layers.iter().enumerate() {
        let here: Vec<&Wired> = wired.iter().filter(|w| w.layer == index).collect();
        if here.is_empty() {
            continue;
        }
        let mut by_binary: Vec<(&str, Vec<&str>)> = Vec::new();
        for w in &here {
            match by_binary.iter_mut().find(|(b, _)| *b == w.binary) {
                Some((_, events)) => events.push(&w.event),
                None => by_binary.push((w.binary, vec![&w.event])),
            }
        }
        let parts: Vec<String> = by_binary
            .iter()
            .map(|(b, events)| format!("{b} on {}", events.join(", ")))
            .collect();
        lines.push(format!(
            "{} ({}): {}",
            shown(&layer.path, inputs),
            layer.name,
            parts.join("; ")
        ));
    }
    let gate_guards_every_tool = wired.iter().any(|w| {
        w.binary == GATE && w.event == "PreToolUse" && matches!(w.matcher.as_str(), "" | "*")
    });
    if !gate_guards_every_tool {
        level = Level::Fail;
        lines.push(
            "the gate is not wired on PreToolUse for every tool (matcher \"*\"): tool calls go \
             unchecked"
                .to_owned(),
        );
    }
    if let Some(install) = install {
        let expected = install.plan();
        let wanted = expected.install(&serde_json::json!({})).unwrap_or_default();
        for (event, groups) in wanted["hooks"].as_object().into_iter().flatten() {
            for handler in groups
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|g| g["hooks"].as_array().cloned().unwrap_or_default())
            {
                let binary = binary_of(&handler);
                if !wired
                    .iter()
                    .any(|w| w.event == *event && Some(w.binary) == binary)
                {
                    level = Level::Fail;
                    lines.push(format!(
                        "{} is no longer wired on {event} (installed into {})",
                        binary.unwrap_or("?"),
                        shown(&install.target.settings_file(), inputs)
                    ));
                }
            }
        }
    }
    for w in wired.iter().filter(|w| [GATE, REVIEW].contains(&w.binary)) {
        if w.handler.get("onFailure").and_then(Value::as_str) != Some("block") {
            level = level.max(Level::Warn);
            lines.push(format!(
                "{} on {} has no \"onFailure\": \"block\": if it crashes or times out, the call \
                 goes ahead",
                w.binary, w.event
            ));
        }
    }
    let files: Vec<usize> = wired
        .iter()
        .filter(|w| w.binary == GATE && w.event == "PreToolUse")
        .map(|w| w.layer)
        .collect();
    if files.windows(2).any(|p| p[0] != p[1]) {
        level = level.max(Level::Warn);
        lines.push(
            "the gate is wired in more than one settings file: each call runs it more than once \
             (`hookkit uninstall` then `hookkit install` leaves one)"
                .to_owned(),
        );
    }
    Check {
        name: "wiring",
        level,
        lines,
    }
}

/// `disableAllHooks`, and `env` blocks of project files that steer the hooks.
fn hooks_off(layers: &[SettingsLayer]) -> Vec<Check> {
    let mut checks = Vec::new();
    for layer in layers {
        let Some(value) = &layer.value else { continue };
        if value.get("disableAllHooks").and_then(Value::as_bool) == Some(true) {
            checks.push(Check::new(
                "hooks",
                Level::Fail,
                format!(
                    "{} sets \"disableAllHooks\": true: no hook runs",
                    layer.path.display()
                ),
            ));
        }
        if !matches!(layer.name, "project" | "local") {
            continue;
        }
        let steering: Vec<&String> = value
            .get("env")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|env| env.keys())
            .filter(|k| k.starts_with("HOOKKIT_") || STEERING_VARIABLES.contains(&k.as_str()))
            .collect();
        if !steering.is_empty() {
            checks.push(Check::new(
                "env",
                Level::Warn,
                format!(
                    "{} sets {} for every hook (a project's env block reaches hooks; hookkit's \
                     hooks only let such variables tighten)",
                    layer.path.display(),
                    steering
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    checks
}

/// Where a wired command's program is, when it can be told.
fn program_of(handler: &Value, project: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let command = handler.get("command").and_then(Value::as_str)?;
    let program = if handler.get("args").is_some() {
        command.to_owned()
    } else {
        // Shell form, as earlier releases wrote it: the first word, its quotes removed.
        command.trim().replace('"', "")
    };
    let project = project.display().to_string();
    let expanded = program
        .replace("${CLAUDE_PROJECT_DIR}", &project)
        .replace("$CLAUDE_PROJECT_DIR", &project);
    let expanded = match (expanded.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => expanded,
    };
    (!expanded.contains('$') && expanded.starts_with('/')).then(|| PathBuf::from(expanded))
}

fn binaries(
    inputs: &Inputs,
    layers: &[SettingsLayer],
    wired: &[Wired],
    record: Option<&Record>,
) -> Check {
    let mut programs: Vec<(&'static str, PathBuf)> = Vec::new();
    let mut lines = Vec::new();
    let mut level = Level::Ok;
    for w in wired {
        match program_of(&w.handler, &inputs.project, inputs.env.home.as_deref()) {
            Some(path) if !programs.iter().any(|(_, p)| *p == path) => {
                programs.push((w.binary, path));
            }
            Some(_) => {}
            None => lines.push(format!(
                "{} in {} is computed when it runs; not checked",
                w.binary,
                layers[w.layer].path.display()
            )),
        }
    }
    // The linter and `hookkit` itself sit next to the gate.
    if let Some(dir) = programs
        .iter()
        .find(|(b, _)| *b == GATE)
        .and_then(|(_, p)| p.parent().map(Path::to_path_buf))
    {
        for extra in [super::LINT, super::HOOKKIT] {
            let path = dir.join(extra);
            if path.exists() {
                programs.push((extra, path));
            }
        }
    }
    let mut versions = Vec::new();
    for (binary, path) in &programs {
        if !path.exists() {
            level = Level::Fail;
            lines.push(format!("{binary}: {} is missing", shown(path, inputs)));
        } else if !is_executable(path) {
            level = Level::Fail;
            lines.push(format!(
                "{binary}: {} is not executable",
                shown(path, inputs)
            ));
        } else if path.starts_with(&inputs.project)
            && !record.is_some_and(|r| r.installed(binary, path))
        {
            // A repository can ship a program under .claude/: status runs only what an install
            // put there, never what a checkout brought.
            level = Level::Fail;
            lines.push(format!(
                "{binary}: {} is not the file hookkit installed here, so it was not run (a \
                 repository can ship programs under .claude/); `hookkit install` puts hookkit's \
                 own in place",
                shown(path, inputs)
            ));
        } else {
            match version_of(path) {
                Ok(version) => {
                    let number = version.split_whitespace().nth(1).unwrap_or("").to_owned();
                    versions.push(number);
                    lines.push(version);
                }
                Err(e) => {
                    level = Level::Fail;
                    lines.push(e.to_string());
                }
            }
        }
    }
    versions.sort();
    versions.dedup();
    if versions.len() > 1 {
        level = level.max(Level::Warn);
        lines.push(format!(
            "the binaries come from different releases ({}): install them together",
            versions.join(", ")
        ));
    }
    if lines.is_empty() {
        lines.push("none wired".to_owned());
    }
    Check {
        name: "binaries",
        level,
        lines,
    }
}

/// The policy as the hooks see it: its layers, the mode, what was ignored, and the
/// locations of the trail and the queue.
fn policy(inputs: &Inputs, layers: &[SettingsLayer]) -> (Vec<Check>, Locations) {
    let mut env = inputs.env.clone();
    // A settings `env` block reaches the hooks: its HOOKKIT_POLICY is what they read.
    if let Some(policy) = layers.iter().rev().find_map(|l| {
        l.value
            .as_ref()?
            .get("env")?
            .get(crate::env::POLICY)?
            .as_str()
    }) {
        env.policy = Some(PathBuf::from(policy));
    }
    let discovery = Discovery::new(&env, Role::Hook, None, inputs.project.clone());
    let (loaded, mut errors) = discovery.load_lenient();
    let merged = Effective::of(&loaded);
    let effective = match merged {
        Ok(effective) => effective,
        Err(e) => {
            errors.push(e);
            Effective::default()
        }
    };
    let mut checks = Vec::new();
    let names: Vec<String> = loaded
        .iter()
        .map(|layer| {
            let path = layer
                .source
                .path()
                .map(|p| format!(" {}", shown(p, inputs)))
                .unwrap_or_default();
            let trust = if layer.trust() == Trust::Untrusted {
                " (can only tighten)"
            } else {
                ""
            };
            format!("{}{path}{trust}", layer.source.kind())
        })
        .collect();
    let mode = effective
        .value("gate", "mode")
        .and_then(toml::Value::as_str)
        .unwrap_or("guard")
        .to_owned();
    let mut lines = vec![format!(
        "mode {mode}: {}",
        super::optin::what_it_changes(&mode)
    )];
    lines.push(format!("layers: {}", names.join("; ")));
    let level = if errors.is_empty() {
        Level::Ok
    } else {
        for error in &errors {
            lines.push(format!(
                "{error}: the gate refuses the policy, so every call is asked (denied where \
                 nobody is at the prompt) until it is fixed (`hookkit lint`)"
            ));
        }
        Level::Fail
    };
    checks.push(Check {
        name: "policy",
        level,
        lines,
    });
    if !effective.ignored.is_empty() {
        checks.push(Check {
            name: "ignored",
            level: Level::Warn,
            lines: effective
                .ignored
                .iter()
                .map(|i| {
                    let file = i
                        .source
                        .path()
                        .map_or_else(|| i.source.kind().to_owned(), |p| shown(p, inputs));
                    format!("{file}: `{}` is not honoured: {}", i.key, i.why)
                })
                .collect(),
        });
    }
    let locations = Locations::resolve(
        &inputs.env,
        Role::Person,
        &inputs.project,
        &effective,
        &Flags::default(),
    );
    (checks, locations)
}

/// Claude Code's sandbox (`sandbox.enabled`), by settings precedence: managed, local, project,
/// user.
fn sandbox(layers: &[SettingsLayer]) -> Check {
    let order = ["managed", "local", "project", "user"];
    let set = order.iter().find_map(|name| {
        let layer = layers.iter().find(|l| l.name == *name)?;
        let enabled = layer
            .value
            .as_ref()?
            .get("sandbox")?
            .get("enabled")?
            .as_bool()?;
        Some((enabled, layer))
    });
    let line = match set {
        Some((true, layer)) => format!(
            "Claude Code's sandbox is on ({}): Bash runs confined as well",
            layer.path.display()
        ),
        Some((false, layer)) => format!(
            "Claude Code's sandbox is off ({} sets sandbox.enabled = false)",
            layer.path.display()
        ),
        None => "Claude Code's sandbox is off (no settings file sets sandbox.enabled); hookkit \
                 and the sandbox protect against different things, see the docs"
            .to_owned(),
    };
    Check::new("sandbox", Level::Note, line)
}

fn audit(locations: &Locations, n: usize) -> (Check, Vec<Vec<u8>>) {
    let trail = Trail::of(locations);
    let path = &trail.path;
    let mut check = match verify(&trail, None) {
        Ok(v) => match &v.verdict {
            Verdict::Intact(summary) => Check {
                name: "audit log",
                // An old log is no sign of tampering: the next hook moves it aside.
                level: match v.sealing {
                    _ if v.is_anchored() => Level::Ok,
                    Sealing::Predates => Level::Note,
                    _ => Level::Warn,
                },
                lines: vec![
                    format!(
                        "{} records, chain intact ({})",
                        summary.records,
                        path.display()
                    ),
                    v.sealing.to_string(),
                    v.checkpoint.to_string(),
                ],
            },
            Verdict::Broken(broken) => Check::new(
                "audit log",
                Level::Fail,
                format!("the trail is broken: {broken} (`hookkit log verify`)"),
            ),
        },
        Err(_) if crate::audit::rotated_files(path).is_empty() => Check::new(
            "audit log",
            Level::Note,
            format!("nothing recorded yet ({})", path.display()),
        ),
        Err(e) => Check::new("audit log", Level::Fail, e.to_string()),
    };
    for old in crate::audit::unsealed_logs(path) {
        check.lines.push(format!(
            "kept aside, from before records were sealed: {} (`hookkit log verify --log` it)",
            old.display()
        ));
    }
    let decisions = tail::last_lines(&trail, n).unwrap_or_default();
    (check, decisions)
}

/// The state and key directories, where they exist and others than the user can enter them.
fn private_dirs(locations: &Locations) -> impl Iterator<Item = (&Path, u32)> {
    std::iter::once(locations.state_dir.as_path())
        .chain(locations.key_dir.as_deref())
        .filter_map(|dir| Some((dir, crate::owner_only::loose_mode(dir)?)))
}

/// A warning for a state or key directory that other users can enter.
fn privacy(locations: &Locations) -> Option<Check> {
    let lines: Vec<String> = private_dirs(locations)
        .map(|(dir, mode)| {
            format!(
                "{} is open to other users (mode {mode:04o}): it holds what your agent did and \
                 secrets; `hookkit status --fix` makes it 0700",
                dir.display()
            )
        })
        .collect();
    (!lines.is_empty()).then_some(Check {
        name: "privacy",
        level: Level::Warn,
        lines,
    })
}

/// Takes other users' access to the state and key directories away (`--fix`); the directories
/// it changed.
pub fn tighten(inputs: &Inputs) -> Result<Vec<PathBuf>> {
    let locations = Locations::resolve(
        &inputs.env,
        Role::Person,
        &inputs.project,
        &Effective::default(),
        &Flags::default(),
    );
    let mut tightened = Vec::new();
    for (dir, _) in private_dirs(&locations) {
        if crate::owner_only::tighten(dir).map_err(|e| Error::io("tightening", dir, e))? {
            tightened.push(dir.to_path_buf());
        }
    }
    Ok(tightened)
}

fn reviews(locations: &Locations) -> Check {
    let queue = Queue::new(locations.queue_dir.clone());
    if !queue.dir().exists() {
        return Check::new("reviews", Level::Note, "no review queue");
    }
    match queue.scan() {
        Ok(scan) => {
            let pending = scan
                .items
                .iter()
                .filter(|i| i.status == ItemStatus::Pending)
                .count();
            let mut check = Check::new(
                "reviews",
                Level::Note,
                if pending == 0 {
                    "none pending".to_owned()
                } else {
                    format!("{pending} pending: `hookkit review list`")
                },
            );
            if !scan.unreadable.is_empty() {
                check.level = Level::Warn;
                check.lines.push(format!(
                    "{} unreadable item(s) in {}: hooks deny sensitive calls until they are \
                     fixed or removed",
                    scan.unreadable.len(),
                    queue.dir().display()
                ));
            }
            check
        }
        Err(e) => Check::new("reviews", Level::Warn, e.to_string()),
    }
}

/// `path` relative to the project when inside it.
fn shown(path: &Path, inputs: &Inputs) -> String {
    path.strip_prefix(&inputs.project)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
}

/// What `--fix` did.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The install that was run again.
    pub install: Install,
    /// Where the binaries came from.
    pub source: PathBuf,
}

/// Repairs the wiring and binaries of the install recorded for the project (or the user), the
/// way the installer would: missing binaries are copied again and removed hook entries merged
/// back. The binaries come from where the install took them, else from `fallback` (the
/// directory of the running `hookkit`).
pub fn fix(inputs: &Inputs, fallback: Option<&Path>) -> Result<Fixed> {
    let mut install = recorded_install(inputs)
        .ok_or_else(|| {
            Error::Other(format!(
                "no install of hookkit is recorded for this project or your user (in {}): run \
                 `hookkit install`",
                inputs.state_dir.join(super::setup::RECORDS).display()
            ))
        })?
        .install;
    let complete = |dir: &Path| {
        install
            .binaries()
            .iter()
            .all(|b| is_executable(&dir.join(b)))
    };
    let source = if complete(&install.source) {
        install.source.clone()
    } else {
        fallback
            .filter(|dir| complete(dir))
            .map(Path::to_path_buf)
            .ok_or_else(|| {
                Error::Other(format!(
                    "the binaries to put back are neither in {} (where the install took them) \
                     nor next to this hookkit: run `hookkit install --bin-dir DIR`",
                    install.source.display()
                ))
            })?
    };
    install.source.clone_from(&source);
    install.run(&inputs.state_dir)?;
    Ok(Fixed { install, source })
}
