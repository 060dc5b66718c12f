//! What a simple command really runs: wrappers removed (`sudo`, `env`, `timeout`, ...), the
//! program name resolved (a glob such as `/bin/r?`), and the commands it runs in turn
//! (`bash -c`, `xargs`, `find -exec`, `parallel`, `watch`, `ssh`, `su -c`, `tmux`, `at`...).

use brush_parser::ast;

use super::state::ShellState;
use super::walk::{Flow, Scope, Stage, Walker};
use super::word::Expanded;
use super::wrappers::{self, Place};
use super::{Command, Origin, Redirect, builtins, output, pattern};
use crate::Result;

/// A simple command as read, before wrappers are removed.
pub(super) struct Raw {
    pub(super) text: String,
    pub(super) words: Vec<Expanded>,
    pub(super) redirects: Vec<Redirect>,
    pub(super) stdin_text: Option<String>,
    /// Assignment words among the arguments (`declare x=1`), with their index in `words`.
    pub(super) declarations: Vec<(usize, ast::Assignment)>,
    /// Wrappers already removed by the command that runs this one (`sudo -D dir ...`).
    pub(super) wrappers: Vec<String>,
}

/// Shells that run a `-c` string, a script file or their standard input.
pub(crate) const SHELLS: &[&str] = &[
    "bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "fish",
];

/// Programs a glob in the program position (`/bin/r?`, `/usr/bin/[r]m`) is resolved to when it
/// matches them, the most dangerous first. A glob matching none of them is left unresolved.
const GLOB_PROGRAMS: &[&str] = &[
    "rm",
    "shred",
    "dd",
    "mkfs",
    "wipefs",
    "srm",
    "unlink",
    "rmdir",
    "truncate",
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "eval",
    "sudo",
    "su",
    "doas",
    "pkexec",
    "curl",
    "wget",
    "nc",
    "ncat",
    "socat",
    "ssh",
    "scp",
    "rsync",
    "python",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "git",
    "chmod",
    "chown",
    "chattr",
    "mv",
    "cp",
    "ln",
    "install",
    "tee",
    "find",
    "xargs",
    "env",
    "kill",
    "pkill",
    "killall",
    "shutdown",
    "reboot",
    "halt",
    "poweroff",
    "systemctl",
    "crontab",
    "fdisk",
    "parted",
    "mount",
    "umount",
    "iptables",
    "useradd",
    "userdel",
    "passwd",
    "tar",
    "base64",
    "openssl",
    "docker",
    "kubectl",
    "npm",
    "pip",
    "pip3",
    "make",
    "sed",
    "awk",
];

/// Standard directories of programs, for `/usr/bin/rm` and globs over them.
const BIN_DIRS: &[&str] = &[
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/bin/",
    "/sbin/",
    "/opt/homebrew/bin/",
    "/usr/gnu/bin/",
];

/// Records a simple command of the current shell, everything it runs, and its effect on the
/// shell.
pub(super) fn finish(walker: &mut Walker, raw: Raw, scope: &Scope, stage: Stage) -> Result<Flow> {
    record(walker, raw, scope, stage, None, true)
}

fn record(
    walker: &mut Walker,
    raw: Raw,
    scope: &Scope,
    stage: Stage,
    parent: Option<usize>,
    in_shell: bool,
) -> Result<Flow> {
    let stripped = wrappers::strip(&raw.words);
    let mut effective = stripped.effective;
    if let Some(first) = effective.first_mut() {
        resolve_program(first);
    }
    let mut wrappers = raw.wrappers;
    wrappers.extend(stripped.wrappers);
    // A function is called by the command's own first word, not through a wrapper.
    let function = (in_shell && wrappers.is_empty())
        .then(|| raw.words.first())
        .flatten()
        .filter(|w| !w.dynamic)
        .and_then(|w| walker.state.functions.get(&w.text).copied());
    let command = Command {
        text: normalise_space(&raw.text),
        argv: raw.words.iter().map(|w| w.text.clone()).collect(),
        effective: effective.iter().map(|w| w.text.clone()).collect(),
        wrappers: wrappers.clone(),
        origin: scope.origin.clone(),
        dynamic_name: effective.first().is_some_and(|w| w.dynamic),
        dynamic_args: effective.iter().map(|w| w.dynamic).collect(),
        redirects: raw.redirects,
        stdin_text: raw.stdin_text,
        pipeline: stage.pipeline,
        stage: stage.index,
        stages: stage.count,
        background: scope.background,
        function: scope.function.clone(),
        subshell: scope.subshell,
        conditional: scope.conditional,
        parent,
        dir: walker.state.dir.current.clone(),
        function_call: function.is_some(),
    };
    let index = walker.push_command(command)?;
    if let Some(split) = &stripped.split_string {
        walker.child(split, "env -S", scope)?;
    }
    if let Some(moved) = stripped.moved {
        let words = effective.get(moved.command..).unwrap_or_default().to_vec();
        let mut carried = wrappers.clone();
        carried.push(moved.wrapper.clone());
        let what = format!("{} in another directory", moved.wrapper);
        walker.subshell(|w| {
            match &moved.place {
                Place::Dir(dir) => {
                    let cdpath = w.state.cdpath();
                    w.state.dir.cd(dir, cdpath);
                }
                _ => w.state.dir.lost(),
            }
            nested_words_with(w, index, words, &what, scope, carried)
        })?;
        return Ok(Flow::Normal);
    }
    run_nested(walker, index, &effective, scope, stage)?;
    if !in_shell {
        return Ok(Flow::Normal);
    }
    // A function hides a builtin of the same name (`builtin cd` reaches the builtin).
    let mut flow = Flow::Normal;
    if let Some(def) = function {
        let args = raw.words.get(1..).unwrap_or_default().to_vec();
        flow = walker.call(def, args, scope)?;
    } else if builtins::runs_in_shell(&wrappers) {
        flow = walker.builtin(index, &effective, &raw.declarations, scope, stage)?;
    }
    if in_shell && wrappers.is_empty() {
        alias(walker, &raw.words, &raw.text, scope)?;
    }
    if wrappers.iter().any(|w| w == "exec") {
        // `exec cmd`: the shell becomes the command; nothing after it runs.
        return Ok(Flow::Exit);
    }
    Ok(flow)
}

/// `alias x='rm -rf'; x ~`: aliases are off in scripts (`bash -c`) unless `expand_aliases` is
/// set, but the expansion is read all the same, as a nested program.
fn alias(walker: &mut Walker, words: &[Expanded], text: &str, scope: &Scope) -> Result<()> {
    let Some(first) = words.first().filter(|w| !w.dynamic) else {
        return Ok(());
    };
    let Some(value) = walker.state.aliases.get(&first.text).cloned() else {
        return Ok(());
    };
    let rest = text
        .trim_start()
        .strip_prefix(first.text.as_str())
        .unwrap_or_default();
    let line = format!("{value}{rest}");
    let what = format!("alias {}", first.text);
    // An alias may name itself (`alias ls='ls -la'`): read the expansion once, without aliases.
    let saved = std::mem::take(&mut walker.state.aliases);
    let result = walker.nested(&line, &what, scope);
    let after = std::mem::replace(&mut walker.state.aliases, saved);
    for (name, value) in after.iter() {
        walker
            .state
            .aliases_mut()
            .insert(name.clone(), value.clone());
    }
    result.map(drop)
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `/usr/bin/rm` runs `rm`; a path elsewhere (`./rm`) stays as written.
pub(crate) fn normalise_program(word: &str) -> &str {
    BIN_DIRS
        .iter()
        .find_map(|dir| word.strip_prefix(dir))
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
        .unwrap_or(word)
}

/// Normalises the program word; a glob is resolved to the most dangerous known program it
/// matches, or left unresolved.
fn resolve_program(first: &mut Expanded) {
    first.text = normalise_program(&first.text).to_owned();
    if first.dynamic || !first.glob || !pattern::has_wildcard(&first.text) {
        return;
    }
    match glob_program(&first.text) {
        Some(name) => {
            first.text = name.to_owned();
            first.glob = false;
        }
        None => first.dynamic = true,
    }
}

/// The known program a glob in the program position matches.
fn glob_program(glob: &str) -> Option<&'static str> {
    let pattern = pattern::Pattern::new(glob)?;
    GLOB_PROGRAMS.iter().copied().find(|name| {
        (!glob.contains('/') && pattern.matches_str(name))
            || BIN_DIRS
                .iter()
                .any(|dir| pattern.matches_str(&format!("{dir}{name}")))
    })
}

/// Finds the commands a command runs in turn, and walks them.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program that runs others"
)]
fn run_nested(
    walker: &mut Walker,
    index: usize,
    effective: &[Expanded],
    scope: &Scope,
    stage: Stage,
) -> Result<()> {
    let Some((program, args)) = effective.split_first() else {
        return Ok(());
    };
    if program.dynamic {
        return Ok(());
    }
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    match program.text.as_str() {
        name if SHELLS.contains(&name) => shell(walker, index, name, args, scope, stage),
        "xargs" => xargs(walker, index, args, scope, stage),
        "parallel" => parallel(walker, index, args, scope, stage),
        "find" => {
            let mut i = 0;
            while i < args.len() {
                if matches!(texts[i], "-exec" | "-execdir" | "-ok" | "-okdir") {
                    let what = format!("find {}", texts[i]);
                    let elsewhere = texts[i].ends_with("dir");
                    let end = (i + 1..args.len())
                        .find(|&j| matches!(texts[j], ";" | "+"))
                        .unwrap_or(args.len());
                    let words = args[i + 1..end].to_vec();
                    if !words.is_empty() {
                        walker.subshell(|w| {
                            if elsewhere {
                                // Runs in the directory of each file found.
                                w.state.dir.lost();
                            }
                            nested_words(w, index, words, &what, scope)
                        })?;
                    }
                    i = end;
                }
                i += 1;
            }
            Ok(())
        }
        "watch" => {
            let start = command_after_options(&texts, &["-n", "--interval", "-d", "--differences"]);
            let line = texts.get(start..).unwrap_or(&[]).join(" ");
            if line.is_empty() {
                return Ok(());
            }
            walker.child(&line, "watch", scope)
        }
        "ssh" => {
            let start = ssh_command_start(&texts);
            let line = texts.get(start..).unwrap_or(&[]).join(" ");
            if line.is_empty() {
                return Ok(());
            }
            // The remote shell knows nothing of this one.
            walker.subshell(|w| {
                w.state = ShellState::foreign();
                w.nested(&line, "ssh", scope).map(drop)
            })
        }
        "su" | "runuser" | "script" | "flock" | "npx" => {
            match option_value(&texts, &["-c", "--command", "--session-command"]) {
                Some(line) => {
                    let login = matches!(program.text.as_str(), "su" | "runuser")
                        && texts.iter().any(|t| matches!(*t, "-" | "-l" | "--login"));
                    let what = format!("{} -c", program.text);
                    walker.subshell(|w| {
                        if login {
                            w.state.dir.lost();
                        }
                        w.nested(line, &what, scope).map(drop)
                    })
                }
                None => Ok(()),
            }
        }
        // `sg GROUP [-c] COMMAND...`: the rest is a command string.
        "sg" => {
            let rest: Vec<&str> = texts
                .iter()
                .copied()
                .skip_while(|t| *t == "-")
                .skip(1)
                .collect();
            let rest = match rest.first() {
                Some(&"-c") => &rest[1..],
                _ => &rest[..],
            };
            if rest.is_empty() {
                return Ok(());
            }
            walker.child(&rest.join(" "), "sg", scope)
        }
        "tmux" => tmux(walker, &texts, scope),
        "screen" => screen(walker, index, args, scope),
        "at" | "batch" => {
            if texts
                .iter()
                .any(|t| matches!(*t, "-l" | "-r" | "-d" | "-c" | "-f"))
            {
                return Ok(());
            }
            match walker.stdin_of(index, stage) {
                Some(text) => walker.child(&text, &format!("{} job", program.text), scope),
                None => Ok(()),
            }
        }
        "gdb" => {
            for (i, text) in texts.iter().enumerate() {
                let value = match *text {
                    "-ex" | "-iex" | "--ex" | "--iex" | "-eval-command" | "--eval-command" => {
                        texts.get(i + 1).copied()
                    }
                    t => t
                        .strip_prefix("--eval-command=")
                        .or_else(|| t.strip_prefix("-eval-command=")),
                };
                let line = value.and_then(|v| {
                    v.strip_prefix("shell ")
                        .or_else(|| v.strip_prefix("!"))
                        .or_else(|| v.strip_prefix("pipe "))
                });
                if let Some(line) = line {
                    walker.child(line, "gdb shell", scope)?;
                }
            }
            Ok(())
        }
        "sqlite3" => {
            let mut lines: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
            if let Some(text) = walker.stdin_of(index, stage) {
                lines.extend(text.lines().map(str::to_owned));
            }
            for line in lines {
                let trimmed = line.trim_start();
                let command = trimmed
                    .strip_prefix(".shell ")
                    .or_else(|| trimmed.strip_prefix(".system "));
                if let Some(command) = command {
                    walker.child(command, "sqlite3 .shell", scope)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The value of the first of `names` among `args` (`-c CMD`, `--command=CMD`).
fn option_value<'a>(args: &[&'a str], names: &[&str]) -> Option<&'a str> {
    for (i, arg) in args.iter().enumerate() {
        for name in names {
            if arg == name {
                return args.get(i + 1).copied();
            }
            if let Some(value) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some(value);
            }
        }
        if arg.len() > 2 && arg.starts_with('-') && !arg.starts_with("--") && arg.ends_with('c') {
            // A bundle ending in c (`su -lc CMD`, `script -qc CMD`).
            return args.get(i + 1).copied();
        }
    }
    None
}

/// Walks a command given as separate words (by `xargs`, `find -exec`...).
fn nested_words(
    walker: &mut Walker,
    parent: usize,
    words: Vec<Expanded>,
    what: &str,
    scope: &Scope,
) -> Result<()> {
    nested_words_with(walker, parent, words, what, scope, Vec::new())
}

fn nested_words_with(
    walker: &mut Walker,
    parent: usize,
    words: Vec<Expanded>,
    what: &str,
    scope: &Scope,
    wrappers: Vec<String>,
) -> Result<()> {
    if scope.depth >= 12 {
        return Err(crate::Error::Shell("commands nest too deeply".into()));
    }
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let inner = Scope {
        origin: Origin::Nested(what.to_owned()),
        depth: scope.depth + 1,
        redirects: Vec::new(),
        stdin_text: None,
        ..scope.clone()
    };
    let stage = walker.lone_stage();
    let raw = Raw {
        text,
        words,
        redirects: Vec::new(),
        stdin_text: None,
        declarations: Vec::new(),
        wrappers,
    };
    record(walker, raw, &inner, stage, Some(parent), false).map(drop)
}

/// A shell: `-c STRING [NAME [ARGS]]`, a script (a process substitution or standard input
/// whose text is known), a here-document or here-string, or `echo ... | sh`.
fn shell(
    walker: &mut Walker,
    index: usize,
    name: &str,
    args: &[Expanded],
    scope: &Scope,
    stage: Stage,
) -> Result<()> {
    let mut command_mode = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let text = arg.text.as_str();
        if arg.dynamic {
            break;
        }
        if text == "--" || text == "-" {
            i += 1;
            break;
        }
        if matches!(text, "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file") {
            i += 2;
            continue;
        }
        if text.starts_with("--") {
            i += 1;
            continue;
        }
        if (text.starts_with('-') || text.starts_with('+')) && text.len() > 1 {
            if text[1..].contains('c') {
                command_mode = true;
            }
            i += 1;
            continue;
        }
        break;
    }
    let (line, what, rest) = if command_mode {
        let Some(script) = args.get(i) else {
            return Ok(());
        };
        // `sh -c 'rm -rf "$1"' NAME ARG`: NAME is `$0`, the rest are `$1`...
        (
            Some(script.text.clone()),
            format!("{name} -c"),
            args.get(i + 1..).unwrap_or_default(),
        )
    } else if let Some(script) = args.get(i) {
        (
            walker.script_text(index, script, stage),
            format!("{name} {}", builtins::script_name(script)),
            args.get(i..).unwrap_or_default(),
        )
    } else {
        let what = if walker.commands[index].stdin_text.is_some() {
            format!("here-document to {name}")
        } else {
            format!("pipe to {name}")
        };
        (walker.stdin_of(index, stage), what, &[][..])
    };
    let Some(line) = line else {
        return Ok(());
    };
    let (zeroth, positional) = match rest.split_first() {
        Some((first, others)) => (Some(first.clone()), Some(others.to_vec())),
        None => (None, Some(Vec::new())),
    };
    walker.subshell(|w| {
        w.state.arg0 = zeroth;
        w.state.set_positional(positional);
        // A new shell does not inherit `set -e` or aliases.
        w.state.errexit = false;
        w.state.aliases = super::state::Table::default();
        w.nested(&line, &what, scope).map(drop)
    })
}

/// `xargs`: the command it runs, with the items of its input when that is known.
fn xargs(
    walker: &mut Walker,
    index: usize,
    args: &[Expanded],
    scope: &Scope,
    stage: Stage,
) -> Result<()> {
    let options = XargsOptions::read(args);
    let start = options.command;
    let words = if start >= args.len() {
        vec![Expanded::literal("echo")]
    } else {
        args[start..].to_vec()
    };
    let input = match &options.file {
        Some(file) => file.content.clone(),
        None => walker.stdin_of(index, stage),
    };
    let Some(items) = input.and_then(|text| options.items(&text)) else {
        // The items are not known: they are unresolved operands of the command.
        return nested_words(
            walker,
            index,
            unknown_items(words, &options),
            "xargs",
            scope,
        );
    };
    let commands: Vec<Vec<Expanded>> = if let Some(placeholder) = &options.replace {
        items
            .iter()
            .map(|item| {
                words
                    .iter()
                    .map(|w| Expanded {
                        text: w.text.replace(placeholder.as_str(), item),
                        ..w.clone()
                    })
                    .collect()
            })
            .collect()
    } else {
        let chunk = options.per_command.unwrap_or(usize::MAX).max(1);
        items
            .chunks(chunk)
            .map(|chunk| {
                let mut command = words.clone();
                command.extend(chunk.iter().map(|i| Expanded::literal(i.as_str())));
                command
            })
            .collect()
    };
    let commands = if commands.is_empty() {
        vec![words]
    } else {
        commands
    };
    run_each(walker, index, commands, "xargs", scope)
}

/// The command `xargs` runs with input it cannot read: the replacement string (`-I {}`) or
/// an appended word stands for the items, unresolved.
fn unknown_items(mut words: Vec<Expanded>, options: &XargsOptions) -> Vec<Expanded> {
    match &options.replace {
        Some(placeholder) => {
            for word in &mut words {
                word.dynamic |= word.text.contains(placeholder.as_str());
            }
        }
        None => words.push(Expanded::unknown(XARGS_INPUT)),
    }
    words
}

/// How the unknown items `xargs` appends to its command are written.
pub(crate) const XARGS_INPUT: &str = "[xargs input]";

/// The most commands built from literal input (`xargs`, `parallel`); past it, one command with
/// an unresolved operand stands for the rest.
const MAX_FED_COMMANDS: usize = 16;

/// The most input items read for `xargs` and `parallel`.
const MAX_FED_ITEMS: usize = 256;

fn run_each(
    walker: &mut Walker,
    index: usize,
    commands: Vec<Vec<Expanded>>,
    what: &str,
    scope: &Scope,
) -> Result<()> {
    let total = commands.len();
    for (i, mut words) in commands.into_iter().enumerate() {
        if i == MAX_FED_COMMANDS {
            words.push(Expanded::unknown("..."));
            nested_words(walker, index, words, what, scope)?;
            break;
        }
        nested_words(walker, index, words, what, scope)?;
    }
    let _ = total;
    Ok(())
}

/// The options of `xargs` that decide how its input becomes commands.
#[derive(Debug, Default)]
struct XargsOptions {
    /// Where the command starts.
    command: usize,
    /// `-0` or `-d`: the item delimiter.
    delimiter: Option<char>,
    /// `-I R`: each line replaces `R`.
    replace: Option<String>,
    /// `-n N` or `-L N`: items (lines) per command.
    per_command: Option<usize>,
    lines: bool,
    /// `-E EOF`: input ends at this item.
    eof: Option<String>,
    /// `-a FILE`.
    file: Option<Expanded>,
    /// An option we cannot read the input with.
    unknown: bool,
}

impl XargsOptions {
    fn read(args: &[Expanded]) -> Self {
        let mut o = Self::default();
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            let text = arg.text.as_str();
            let next = args.get(i + 1);
            if arg.dynamic {
                o.unknown = true;
                i += 1;
                continue;
            }
            if text == "--" {
                i += 1;
                break;
            }
            if !text.starts_with('-') || text.len() < 2 {
                break;
            }
            let (name, attached) = if let Some(long) = text.strip_prefix("--") {
                match long.split_once('=') {
                    Some((n, v)) => (format!("--{n}"), Some(v.to_owned())),
                    None => (text.to_owned(), None),
                }
            } else {
                (
                    text[..2].to_owned(),
                    (text.len() > 2).then(|| text[2..].to_owned()),
                )
            };
            let takes = matches!(
                name.as_str(),
                "-a" | "--arg-file"
                    | "-d"
                    | "--delimiter"
                    | "-E"
                    | "-I"
                    | "-n"
                    | "--max-args"
                    | "-L"
                    | "--max-lines"
                    | "-P"
                    | "--max-procs"
                    | "-s"
                    | "--max-chars"
                    | "--process-slot-var"
            );
            let value = if takes && attached.is_none() {
                i += 1;
                next.map(|n| n.text.clone())
            } else {
                attached
            };
            match name.as_str() {
                "-0" | "--null" => o.delimiter = Some('\0'),
                "-d" | "--delimiter" => {
                    let (decoded, _) =
                        output::decode_escapes(&value.unwrap_or_default(), output::Escapes::Format);
                    let mut chars = decoded.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => o.delimiter = Some(c),
                        _ => o.unknown = true,
                    }
                }
                "-I" | "-i" | "--replace" => {
                    o.replace = Some(value.unwrap_or_else(|| "{}".into()));
                    o.lines = true;
                }
                "-n" | "--max-args" => o.per_command = value.and_then(|v| v.parse().ok()),
                "-L" | "-l" | "--max-lines" => {
                    o.per_command = Some(value.and_then(|v| v.parse().ok()).unwrap_or(1));
                    o.lines = true;
                }
                "-E" | "-e" | "--eof" => o.eof = value,
                "-a" | "--arg-file" => {
                    o.file = Some(if takes && args.get(i).is_some() {
                        args[i].clone()
                    } else {
                        Expanded::unknown("file")
                    });
                }
                _ => {}
            }
            i += 1;
        }
        o.command = i;
        o
    }

    /// The items of `input`, as `xargs` reads them.
    fn items(&self, input: &str) -> Option<Vec<String>> {
        if self.unknown {
            return None;
        }
        let mut items: Vec<String> = if let Some(d) = self.delimiter {
            input
                .split(d)
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
                .collect()
        } else if self.replace.is_some() {
            input
                .lines()
                .map(|l| l.trim_start().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        } else {
            blank_items(input)?
        };
        if let Some(eof) = &self.eof
            && let Some(end) = items.iter().position(|i| i == eof)
        {
            items.truncate(end);
        }
        if self.lines && self.replace.is_none() {
            // `-L`: lines per command; each line's blanks still separate items. Counted as
            // items here, which can only make commands longer.
        }
        (items.len() <= MAX_FED_ITEMS).then_some(items)
    }
}

/// `xargs`'s default reading: blanks separate items, quotes and backslashes protect them.
fn blank_items(input: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut started = false;
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if started {
                    items.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            '\'' | '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => return None,
                        Some(other) => current.push(other),
                    }
                }
            }
            '\\' => {
                started = true;
                current.push(chars.next()?);
            }
            other => {
                started = true;
                current.push(other);
            }
        }
    }
    if started {
        items.push(current);
    }
    Some(items)
}

/// `parallel COMMAND ::: ARGS...`: one command per input, `{}` replaced (or the input
/// appended); input from `:::` lists or known standard input.
fn parallel(
    walker: &mut Walker,
    index: usize,
    args: &[Expanded],
    scope: &Scope,
    stage: Stage,
) -> Result<()> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let start = command_after_options(
        &texts,
        &[
            "-j",
            "--jobs",
            "-N",
            "-n",
            "--max-args",
            "-S",
            "--sshlogin",
            "-I",
            "--delimiter",
            "-d",
            "--joblog",
            "--results",
            "--timeout",
            "-a",
            "--arg-file",
            "--colsep",
            "-C",
            "--tag-string",
            "--workdir",
            "--wd",
        ],
    );
    let mut command: Vec<Expanded> = Vec::new();
    let mut sources: Vec<Vec<Expanded>> = Vec::new();
    let mut unknown_source = false;
    let mut i = start;
    while i < args.len() {
        match texts[i] {
            ":::" | ":::+" => sources.push(Vec::new()),
            "::::" | "::::+" => {
                unknown_source = true;
                sources.push(Vec::new());
            }
            _ => match sources.last_mut() {
                Some(source) => source.push(args[i].clone()),
                None => command.push(args[i].clone()),
            },
        }
        i += 1;
    }
    if command.is_empty() {
        return Ok(());
    }
    if sources.is_empty() {
        match walker.stdin_of(index, stage) {
            Some(text) => sources.push(text.lines().map(Expanded::literal).collect()),
            None => unknown_source = true,
        }
    }
    let string_form = command.len() == 1 || texts.get(start).is_some_and(|t| t.contains(' '));
    // Every combination of one input from each source.
    let mut inputs: Vec<Vec<Expanded>> = vec![Vec::new()];
    for source in &sources {
        let mut next = Vec::new();
        for prefix in &inputs {
            for item in source {
                let mut combo = prefix.clone();
                combo.push(item.clone());
                next.push(combo);
            }
        }
        inputs = next;
        if inputs.len() > MAX_FED_ITEMS {
            unknown_source = true;
            break;
        }
    }
    if unknown_source {
        inputs = vec![vec![Expanded::unknown("{}")]];
    }
    let mut commands: Vec<Vec<Expanded>> = Vec::new();
    for input in &inputs {
        let (words, used) = replace_placeholders(&command, input);
        let mut words = words;
        if !used {
            words.extend(input.iter().cloned());
        }
        commands.push(words);
    }
    if string_form {
        for words in commands.into_iter().take(MAX_FED_COMMANDS) {
            let line = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            walker.child(&line, "parallel", scope)?;
        }
        return Ok(());
    }
    run_each(walker, index, commands, "parallel", scope)
}

/// Replaces GNU parallel's replacement strings in `words` with `input`; whether any was used.
fn replace_placeholders(words: &[Expanded], input: &[Expanded]) -> (Vec<Expanded>, bool) {
    let mut used = false;
    let first = input.first();
    let out = words
        .iter()
        .map(|w| {
            if !w.text.contains('{') {
                return w.clone();
            }
            let mut text = w.text.clone();
            let mut dynamic = w.dynamic;
            for (n, value) in input.iter().enumerate() {
                let key = format!("{{{}}}", n + 1);
                if text.contains(&key) {
                    text = text.replace(&key, &value.text);
                    dynamic |= value.dynamic;
                    used = true;
                }
            }
            if let Some(value) = first {
                let v = value.text.as_str();
                let base = v.rsplit('/').next().unwrap_or(v);
                let no_ext = |s: &str| s.rsplit_once('.').map_or(s, |(a, _)| a).to_owned();
                let dir = v.rsplit_once('/').map_or(".", |(d, _)| d);
                for (key, replacement) in [
                    ("{/.}", no_ext(base)),
                    ("{//}", dir.to_owned()),
                    ("{/}", base.to_owned()),
                    ("{.}", no_ext(v)),
                    ("{}", v.to_owned()),
                ] {
                    if text.contains(key) {
                        text = text.replace(key, &replacement);
                        dynamic |= value.dynamic;
                        used = true;
                    }
                }
            }
            if text.contains("{#}") || text.contains("{%}") {
                dynamic = true;
                used = true;
            }
            Expanded {
                text,
                dynamic,
                ..w.clone()
            }
        })
        .collect();
    (out, used)
}

/// `tmux new-session 'cmd'`, `tmux send-keys 'cmd' Enter`, `tmux -c cmd`, `tmux run-shell`.
fn tmux(walker: &mut Walker, texts: &[&str], scope: &Scope) -> Result<()> {
    // Options of the subcommands that take a value.
    const VALUES: &[&str] = &[
        "-c", "-e", "-F", "-f", "-n", "-s", "-t", "-x", "-y", "-l", "-p", "-N",
    ];
    let mut i = 0;
    while let Some(t) = texts.get(i) {
        match *t {
            "-c" => {
                if let Some(line) = texts.get(i + 1) {
                    walker.child(line, "tmux -c", scope)?;
                }
                return Ok(());
            }
            "-L" | "-S" | "-f" | "-T" => i += 2,
            t if t.starts_with('-') => i += 1,
            _ => break,
        }
    }
    let Some(sub) = texts.get(i) else {
        return Ok(());
    };
    let rest = &texts[i + 1..];
    let start = command_after_options(rest, VALUES);
    let words = rest.get(start..).unwrap_or_default();
    match *sub {
        "new-session" | "new" | "new-window" | "neww" | "split-window" | "splitw"
        | "respawn-pane" | "respawnp" | "respawn-window" | "respawnw" | "run-shell" | "run"
        | "display-popup" | "popup"
            if !words.is_empty() =>
        {
            walker.child(&words.join(" "), &format!("tmux {sub}"), scope)?;
        }
        "send-keys" | "send" => {
            let keys: Vec<&str> = words
                .iter()
                .copied()
                .filter(|k| !matches!(*k, "Enter" | "C-m" | "KPEnter" | "C-j" | "Space"))
                .collect();
            if !keys.is_empty() {
                walker.child(&keys.join(" "), "tmux send-keys", scope)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `screen -dm cmd args`, `screen -X stuff 'cmd\n'`.
fn screen(walker: &mut Walker, index: usize, args: &[Expanded], scope: &Scope) -> Result<()> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    if let Some(pos) = texts.iter().position(|t| *t == "-X") {
        if texts.get(pos + 1) == Some(&"stuff")
            && let Some(keys) = texts.get(pos + 2)
        {
            let (line, _) = output::decode_escapes(keys, output::Escapes::Format);
            walker.child(&line, "screen stuff", scope)?;
        }
        return Ok(());
    }
    // Value options may end a bundle (`-dmS name`).
    let mut start = 0;
    while let Some(t) = texts.get(start) {
        if *t == "--" {
            start += 1;
            break;
        }
        if !t.starts_with('-') || t.len() < 2 {
            break;
        }
        let takes = t == &"-Logfile" || t.ends_with(['S', 'c', 'e', 'h', 'p', 's', 't', 'T']);
        start += if takes { 2 } else { 1 };
    }
    if start < args.len() {
        nested_words(walker, index, args[start..].to_vec(), "screen", scope)?;
    }
    Ok(())
}

/// Where the command starts after a program's own options: past `--`, or at the first word
/// that is not an option; `with_value` lists the options that take the next word.
fn command_after_options(args: &[&str], with_value: &[&str]) -> usize {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if *arg == "--" {
            return i + 1;
        }
        if with_value.contains(arg) {
            i += 2;
        } else if arg.starts_with('-') && arg.len() > 1 {
            i += 1;
        } else {
            return i;
        }
    }
    i
}

fn ssh_command_start(args: &[&str]) -> usize {
    const VALUES: &str = "BbcDEeFIiJLlmOoPpQRSWw";
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if arg.starts_with('-') && arg.len() > 1 {
            let last = arg.chars().last().unwrap_or(' ');
            let takes_next =
                VALUES.contains(last) && !arg[1..arg.len() - 1].chars().any(|c| VALUES.contains(c));
            i += if takes_next { 2 } else { 1 };
            continue;
        }
        // The host, then the remote command.
        return i + 1;
    }
    args.len()
}
