//! The gate's side of self-protection: asking the protected set ([`crate::protect`]) about
//! everything a call writes, reads or names, and keeping the strongest hit.
//!
//! The set decides what is protected and compares every spelling of a word with it; this
//! module decides which words of a call to ask about, and how:
//!
//! - a file tool: its path, written, or read with the tree below it (a search);
//! - an MCP tool: its path fields (written when the tool's name says it writes), any other
//!   field that holds a path (named, unless the tool's name says it only reads), and its
//!   command fields read as Bash lines;
//! - a Bash line: for each simple command, in the directory it runs in (and, when a `cd`
//!   could not be followed, both nowhere known and where it runs if the `cd`s succeeded), the
//!   operands the classifier says it writes (a whole tree for programs that recurse), what it
//!   reads (a whole tree for programs that recurse), and, for a program not known to only
//!   read, every word that may be a path and the directory itself;
//! - what reaches a command another way: the files a runner hands it (`find -exec` by what
//!   `find` finds on disk now, `xargs` by the words of the stages before it), the files a
//!   patch on disk changes (`patch`, `git apply`), and a script on disk it runs (`bash x.sh`,
//!   `./x.sh`, `python3 x.py`, `make`), read as a Bash line, so that two calls (write, then
//!   run) are judged like one.

use std::path::Path;

use serde_json::json;

use crate::classify::{self, Context, Fed, Touches};
use crate::protect::{Access, Hit, ProtectedSet};
use crate::protocol::{FileAccess, ToolCall, ToolView};
use crate::shell::Command;

mod scripts;

/// A hit, with the part of the call that made it (a command's text, a field's name).
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// What the set says.
    pub hit: Hit,
    /// The command or field that names it.
    pub by: String,
}

/// The stronger of two hits: a refusal over a confirm, else the first.
fn stronger(current: Option<Found>, candidate: Option<Found>) -> Option<Found> {
    match (current, candidate) {
        (Some(a), Some(b)) => Some(if b.hit.level > a.hit.level { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// What a file tool's path touches: a write to the path, or key material read. A read is a
/// read of the tree below the path: `Grep` and `Glob` search a directory (`~/.config` holds
/// hookkit's keys), and a tree below a file is the file.
pub(super) fn file_hit(set: &ProtectedSet, view: &ToolView, cwd: &Path) -> Option<Found> {
    let ToolView::File { access, path, .. } = view else {
        return None;
    };
    let word = if path.is_empty() { "." } else { path.as_str() };
    let access = match access {
        FileAccess::Write => Access::Write,
        FileAccess::Read => Access::ReadTree,
    };
    set.check(access, word, Some(cwd)).map(|hit| Found {
        hit,
        by: word.to_owned(),
    })
}

/// What an MCP call touches: its path fields, and the command lines it runs.
pub(super) fn mcp_hit(set: &ProtectedSet, call: &ToolCall, ctx: &Context) -> Option<Found> {
    let ToolView::Mcp { tool, .. } = call.view().ok()? else {
        return None;
    };
    let fields = classify::mcp::fields(&tool, &call.input);
    let mut best = None;
    for path in &fields.paths {
        let access = match path.access {
            FileAccess::Write => Access::WriteTree,
            FileAccess::Read => Access::Read,
        };
        let found = set
            .check(access, &path.path, Some(&ctx.cwd))
            .map(|hit| Found {
                hit,
                by: format!("{} `{}`", path.field, path.path),
            });
        best = stronger(best, found);
    }
    // A path in a field of another name (`dest_path`, `to`, `args`): written by a tool whose
    // name says it writes, else named by a tool not known to only read.
    let access = if classify::mcp::writes(&tool) {
        Some(Access::WriteTree)
    } else if reads_only(&tool) {
        None
    } else {
        Some(Access::Named)
    };
    if let Some(access) = access {
        let mut leaves = Vec::new();
        string_leaves(&call.input, "", 0, &mut leaves);
        for (field, value) in leaves {
            let known =
                fields.paths.iter().any(|p| p.path == value) || fields.commands.contains(&value);
            if known || !path_shaped(&value) {
                continue;
            }
            let found = set.check(access, &value, Some(&ctx.cwd)).map(|hit| Found {
                hit,
                by: format!("{field} `{value}`"),
            });
            best = stronger(best, found);
        }
    }
    for line in &fields.commands {
        let bash = ToolCall::new("Bash", json!({ "command": line }));
        let found = match crate::shell::parse(line) {
            Ok(commands) => classify::assess_parsed(&bash, &commands, ctx)
                .ok()
                .and_then(|a| bash_hit(set, &commands, &a.touches, ctx)),
            Err(_) => None,
        };
        best = stronger(best, found);
    }
    best
}

/// Whether an MCP tool's name says it only reads (`read_file`, `list_directory`, `search`).
fn reads_only(tool: &str) -> bool {
    const READS: &[&str] = &[
        "read", "get", "list", "search", "find", "view", "show", "stat", "info", "describe",
        "tree", "head", "tail", "cat", "grep", "glob", "query", "fetch", "ls",
    ];
    tool.split(['_', '-', '.'])
        .next()
        .is_some_and(|verb| READS.contains(&verb.to_ascii_lowercase().as_str()))
}

/// Every string in an MCP input (nested objects and arrays too, a few levels deep), with its
/// field.
fn string_leaves(
    value: &serde_json::Value,
    field: &str,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    if depth > 5 || out.len() >= 256 {
        return;
    }
    match value {
        serde_json::Value::String(s) => out.push((field.to_owned(), s.clone())),
        serde_json::Value::Array(items) => {
            for item in items {
                string_leaves(item, field, depth + 1, out);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let field = if field.is_empty() {
                    key.clone()
                } else {
                    format!("{field}.{key}")
                };
                string_leaves(item, &field, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Whether a string could be a path: one line, no spaces around words, not a URL, and with a
/// directory part or a leading `.`, `~` or `/`.
fn path_shaped(value: &str) -> bool {
    let value = value.strip_prefix("file://").unwrap_or(value);
    !value.is_empty()
        && value.len() <= 4096
        && !value.contains(['\n', ' ', '\t'])
        && !value.contains("://")
        && (value.contains('/') || value.starts_with(['.', '~']))
}

/// What the simple commands of a Bash line touch, each in the directory it runs in: the
/// strongest hit, with the command that made it.
pub(super) fn bash_hit(
    set: &ProtectedSet,
    commands: &[Command],
    touches: &[Touches],
    ctx: &Context,
) -> Option<Found> {
    line_hit(set, commands, touches, ctx, 0)
}

/// [`bash_hit`], `depth` scripts down.
fn line_hit(
    set: &ProtectedSet,
    commands: &[Command],
    touches: &[Touches],
    ctx: &Context,
    depth: usize,
) -> Option<Found> {
    let mut best: Option<Found> = None;
    for touch in touches {
        let Some(command) = commands.get(touch.command) else {
            continue;
        };
        // Where it runs; when a `cd` could not be followed, nowhere known (the set compares
        // trailing names) and where it runs if the `cd`s succeeded.
        let dirs: Vec<Option<&Path>> = match (&touch.dir, &touch.likely_dir) {
            (Some(dir), _) => vec![Some(dir.as_path())],
            (None, Some(likely)) => vec![None, Some(likely.as_path())],
            (None, None) => vec![None],
        };
        let (writes, reads) = tree_access(command);
        let mut hit = None;
        for cwd in dirs {
            for word in touch.writes.iter().filter(|w| !git_own_dir(command, w)) {
                hit = stronger(hit, found(set.check(writes, word, cwd), command));
            }
            for word in &touch.reads {
                hit = stronger(hit, found(set.check(reads, word, cwd), command));
            }
            if makes_links(command) {
                // A link made now is written through later in the same line or the next call:
                // what it points at counts as written.
                for target in &touch.reads {
                    for link in &touch.writes {
                        hit = stronger(hit, found(set.link_hit(target, link, cwd), command));
                    }
                }
            }
            if !touch.read_only {
                for fed in &touch.fed {
                    let hit_fed = match fed {
                        Fed::Found { start, name } => {
                            set.found_hit(writes, start, name.as_deref(), cwd)
                        }
                        Fed::Word(word) => set.check(writes, word, cwd),
                    };
                    hit = stronger(hit, found(hit_fed, command));
                }
            }
            if depth < MAX_SCRIPT_DEPTH {
                for line in scripts::run_by(command, cwd) {
                    hit = stronger(hit, script_hit(set, &line, cwd, ctx, depth, command));
                }
            }
            for target in patched(command, touch, cwd) {
                hit = stronger(hit, found(set.check(Access::Write, &target, cwd), command));
            }
            // `source ~/.bashrc` runs a start-up file as the shell does at login; what the
            // file then does is the classifier's to judge, where it can read it.
            let sources = matches!(program_name(command), "source" | ".");
            if !touch.read_only && !sources {
                let names = touch.names.iter().map(String::as_str).chain(["."]);
                for word in names.filter(|w| !git_own_dir(command, w)) {
                    hit = stronger(hit, found(set.named_hit(word, cwd), command));
                }
            }
        }
        best = stronger(best, hit);
    }
    best
}

/// How many scripts deep a script that runs another script is read.
const MAX_SCRIPT_DEPTH: usize = 3;

/// What a script on disk, run by `by` in `cwd`, touches: its text read as a Bash line there
/// (code for an interpreter comes back as that interpreter's inline form).
fn script_hit(
    set: &ProtectedSet,
    line: &str,
    cwd: Option<&Path>,
    ctx: &Context,
    depth: usize,
    by: &Command,
) -> Option<Found> {
    let commands = crate::shell::parse(line).ok()?;
    let here = Context {
        cwd: cwd.map_or_else(|| ctx.cwd.clone(), Path::to_path_buf),
        ..ctx.clone()
    };
    let bash = ToolCall::new("Bash", json!({ "command": line }));
    let assessment = classify::assess_parsed(&bash, &commands, &here).ok()?;
    line_hit(set, &commands, &assessment.touches, &here, depth + 1).map(|mut f| {
        f.by = format!("{} (runs `{}`)", by.text, f.by);
        f
    })
}

/// The most bytes of a patch file read to see which files it changes.
const MAX_PATCH: u64 = 1 << 20;

/// The files a `patch`, `git apply` or `git am` of a patch file on disk changes: each name
/// its headers give (`--- a/x`, `+++ b/x`, `rename to x`), as written and with one to three
/// leading directories stripped (`-p1`), under `--directory`/`-d` when given. A patch that
/// is not on disk yet (written earlier in the same line) is not read: the write of it was
/// judged on its own.
fn patched(command: &Command, touch: &Touches, cwd: Option<&Path>) -> Vec<String> {
    let program = program_name(command);
    let args = command.effective.get(1..).unwrap_or_default();
    let git_applies = program == "git"
        && args
            .iter()
            .find(|a| !a.starts_with('-'))
            .is_some_and(|sub| matches!(sub.as_str(), "apply" | "am"));
    if !git_applies && program != "patch" {
        return Vec::new();
    }
    let mut prefix = String::new();
    for (i, a) in args.iter().enumerate() {
        if let Some(d) = a.strip_prefix("--directory=") {
            prefix = format!("{d}/");
        } else if (a == "-d" || a == "--directory") && program == "patch" {
            prefix = args.get(i + 1).map(|d| format!("{d}/")).unwrap_or_default();
        }
    }
    let mut out = Vec::new();
    for file in &touch.reads {
        let path = match cwd {
            Some(dir) if !Path::new(file).is_absolute() => dir.join(file),
            _ => Path::new(file).to_path_buf(),
        };
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let mut text = String::new();
        let Ok(handle) = std::fs::File::open(&path) else {
            continue;
        };
        if std::io::Read::read_to_string(&mut std::io::Read::take(handle, MAX_PATCH), &mut text)
            .is_err()
        {
            continue;
        }
        for line in text.lines() {
            let named = ["+++ ", "--- ", "rename to ", "copy to ", "rename from "]
                .iter()
                .find_map(|h| line.strip_prefix(h))
                .or_else(|| {
                    line.strip_prefix("diff --git ")
                        .and_then(|rest| rest.split_whitespace().last())
                });
            let Some(name) = named.map(|n| n.split('\t').next().unwrap_or(n).trim()) else {
                continue;
            };
            if name.is_empty() || name == "/dev/null" {
                continue;
            }
            let mut rest = name;
            out.push(format!("{prefix}{rest}"));
            for _ in 0..3 {
                let Some((_, after)) = rest.split_once('/') else {
                    break;
                };
                rest = after;
                out.push(format!("{prefix}{rest}"));
            }
            if out.len() >= 1024 {
                return out;
            }
        }
    }
    out
}

fn found(hit: Option<Hit>, command: &Command) -> Option<Found> {
    hit.map(|hit| Found {
        hit,
        by: command.text.clone(),
    })
}

/// Whether `word` is what git itself keeps: the repository directory (`git commit` writes
/// `.git/`), and the configuration `git config` sets. Git keeping its own store is routine,
/// and the classifier judges each configuration key by what it runs (an editor, a pager, the
/// project's hooks are routine; anything else that runs a program is refused there).
fn git_own_dir(command: &Command, word: &str) -> bool {
    if program_name(command) != "git" {
        return false;
    }
    let config = command
        .effective
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .is_some_and(|sub| sub == "config");
    word == ".git"
        || word.ends_with("/.git")
        || (config
            && (word.ends_with(".git/config")
                || word == "~/.gitconfig"
                || word.ends_with("/.gitconfig")
                || word.ends_with(".config/git/config")))
}

/// Whether the command makes links from its sources: `ln`, `cp -l`, `cp -s`.
fn makes_links(command: &Command) -> bool {
    match program_name(command) {
        "ln" | "link" => true,
        "cp" | "gcp" => command.effective.iter().skip(1).any(|a| {
            matches!(a.as_str(), "--link" | "--symbolic-link")
                || (a.starts_with('-')
                    && !a.starts_with("--")
                    && a[1..].chars().any(|c| matches!(c, 'l' | 's')))
        }),
        _ => false,
    }
}

fn program_name(command: &Command) -> &str {
    command
        .program()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or_default()
}

/// How a command writes and reads its operands: the whole tree below each for programs that
/// remove, move or copy directories (recursively, when that takes a flag), the path itself
/// otherwise (`cp notes.txt .` writes `./notes.txt`, not everything under `.`). Archivers and
/// searches read whole trees but write only where they are told.
fn tree_access(command: &Command) -> (Access, Access) {
    let program = program_name(command);
    let args = command.effective.get(1..).unwrap_or_default();
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(&a.as_str()));
    let short = |letters: &[char]| {
        args.iter().any(|a| {
            a.starts_with('-')
                && !a.starts_with("--")
                && a[1..].chars().any(|c| letters.contains(&c))
        })
    };
    let recursive = has(&["--recursive", "--archive"]) || short(&['r', 'R', 'a']);
    let subcommand = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    let tree = match program {
        "mv" | "gmv" | "rmdir" | "rsync" | "shred" | "trash" | "trash-put" | "srm" | "wipe" => true,
        "rm" | "cp" | "gcp" | "scp" => recursive,
        // A name, path or emptiness test narrows what `find` deletes to what matches.
        "find" => !has(&[
            "-name",
            "-iname",
            "-path",
            "-ipath",
            "-wholename",
            "-regex",
            "-iregex",
            "-empty",
        ]),
        // git removes trees only where it deletes what it does not track.
        "git" => match subcommand {
            Some("clean") => !has(&["-n", "--dry-run"]) && !short(&['n']),
            Some("rm") => recursive && !has(&["--cached"]),
            _ => false,
        },
        _ => false,
    };
    let reads_tree =
        tree || matches!(
            program,
            "tar" | "bsdtar" | "zip" | "7z" | "7za" | "cpio" | "pax" | "rg" | "ag" | "ack"
        ) || (matches!(program, "grep" | "egrep" | "fgrep") && recursive);
    (
        if tree {
            Access::WriteTree
        } else {
            Access::Write
        },
        if reads_tree {
            Access::ReadTree
        } else {
            Access::Read
        },
    )
}
