//! What a simple command really runs: wrappers removed (`sudo`, `env`, `timeout`, ...), and
//! the commands it runs in turn (`bash -c`, `eval`, `xargs`, `find -exec`, `watch`, `ssh`...).

use super::walk::{Scope, Stage, Walker};
use super::word::Expanded;
use super::{Command, Origin, Redirect};
use crate::Result;

/// A simple command as read, before wrappers are removed.
pub(super) struct Raw {
    pub(super) text: String,
    pub(super) words: Vec<Expanded>,
    pub(super) redirects: Vec<Redirect>,
    pub(super) stdin_text: Option<String>,
}

/// Shells that run a `-c` string, a script file or their standard input.
pub(crate) const SHELLS: &[&str] = &[
    "bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "fish",
];

/// Records one simple command and everything it runs.
pub(super) fn finish(walker: &mut Walker, raw: Raw, scope: &Scope, stage: Stage) -> Result<()> {
    finish_with_parent(walker, raw, scope, stage, None)
}

fn finish_with_parent(
    walker: &mut Walker,
    raw: Raw,
    scope: &Scope,
    stage: Stage,
    parent: Option<usize>,
) -> Result<()> {
    let (mut effective, wrappers, split_string) = strip_wrappers(&raw.words);
    if let Some(first) = effective.first_mut() {
        first.text = normalise_program(&first.text).to_owned();
    }
    let command = Command {
        text: normalise_space(&raw.text),
        argv: raw.words.iter().map(|w| w.text.clone()).collect(),
        effective: effective.iter().map(|w| w.text.clone()).collect(),
        wrappers,
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
        dir: super::Dir::Start,
    };
    let index = walker.commands.len();
    walker.commands.push(command);
    if let Some(split) = split_string {
        walker.nested(&split, "env -S", scope)?;
    }
    run_nested(walker, index, &effective, scope, stage)
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `/usr/bin/rm` runs `rm`; a path elsewhere (`./rm`) stays as written.
pub(crate) fn normalise_program(word: &str) -> &str {
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
    BIN_DIRS
        .iter()
        .find_map(|dir| word.strip_prefix(dir))
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
        .unwrap_or(word)
}

/// How a wrapper's options are read: which take a value, and where the command starts.
struct Grammar {
    /// Short options that take a value (`-u user`).
    short_values: &'static str,
    /// Long options that take a value when written without `=` (`--user root`).
    long_values: &'static [&'static str],
    /// How many operands come before the command (`timeout 5`, `chroot /srv`).
    operands: usize,
}

fn grammar(name: &str) -> Option<Grammar> {
    let g = |short_values, long_values, operands| {
        Some(Grammar {
            short_values,
            long_values,
            operands,
        })
    };
    match name {
        "sudo" => g(
            "ugphCDrtTUR",
            &[
                "--user",
                "--group",
                "--host",
                "--prompt",
                "--close-from",
                "--chdir",
                "--role",
                "--type",
                "--command-timeout",
                "--other-user",
                "--chroot",
            ],
            0,
        ),
        "doas" => g("uC", &[], 0),
        "nice" => g("n", &["--adjustment"], 0),
        "ionice" => g("cnp", &["--class", "--classdata", "--pid"], 0),
        "timeout" => g("sk", &["--signal", "--kill-after"], 1),
        "stdbuf" => g("ioe", &["--input", "--output", "--error"], 0),
        "chroot" => g("", &["--userspec", "--groups"], 1),
        "time" => g("fo", &["--format", "--output"], 0),
        "setsid" | "nohup" | "builtin" | "unbuffer" | "noglob" | "catchsegv" | "caffeinate"
        | "command" | "busybox" | "torsocks" | "proxychains" | "proxychains4" => g("", &[], 0),
        "exec" => g("a", &[], 0),
        "runuser" => g("ugG", &["--user", "--group", "--supp-group"], 0),
        "npx" | "bunx" => g("p", &["--package"], 0),
        _ => None,
    }
}

/// Removes wrappers; returns what runs, the wrappers removed, and an `env -S` string to read.
fn strip_wrappers(words: &[Expanded]) -> (Vec<Expanded>, Vec<String>, Option<String>) {
    let mut rest = words;
    let mut wrappers = Vec::new();
    let mut split_string = None;
    while let Some(first) = rest.first() {
        if first.dynamic {
            break;
        }
        let name = normalise_program(&first.text);
        if name == "env" {
            match strip_env(&rest[1..]) {
                EnvStrip::Command(after, split) => {
                    wrappers.push("env".to_owned());
                    if let Some(split) = split {
                        let mut words: Vec<Expanded> = super::split_words(&split)
                            .into_iter()
                            .map(|text| Expanded {
                                text,
                                dynamic: false,
                            })
                            .collect();
                        words.extend_from_slice(after);
                        split_string = Some(split);
                        let (inner, more, _) = strip_wrappers(&words);
                        wrappers.extend(more);
                        return (inner, wrappers, split_string);
                    }
                    rest = after;
                    continue;
                }
                EnvStrip::NoCommand => break,
            }
        }
        if name == "command"
            && rest
                .get(1)
                .is_some_and(|w| matches!(w.text.as_str(), "-v" | "-V"))
        {
            break;
        }
        let Some(grammar) = grammar(name) else { break };
        let after = skip_options(&rest[1..], &grammar);
        if after.is_empty() {
            break;
        }
        wrappers.push(name.to_owned());
        rest = after;
    }
    (rest.to_vec(), wrappers, split_string)
}

/// Skips a wrapper's options and operands; returns the command words after them.
fn skip_options<'a>(words: &'a [Expanded], grammar: &Grammar) -> &'a [Expanded] {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if text == "--" {
            i += 1;
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let takes_value = !long.contains('=')
                && grammar
                    .long_values
                    .iter()
                    .any(|v| v.trim_start_matches("--") == long);
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        if text.len() > 1
            && text.starts_with('-')
            && !text[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            // A bundle such as `-En` or `-uroot`: a value option takes the rest or the next word.
            let flags = &text[1..];
            let mut takes_next = false;
            for (pos, flag) in flags.char_indices() {
                if grammar.short_values.contains(flag) {
                    takes_next = pos + flag.len_utf8() == flags.len();
                    break;
                }
            }
            i += if takes_next { 2 } else { 1 };
            continue;
        }
        if text.starts_with('-') && grammar.short_values.is_empty() && grammar.operands == 0 {
            // `nice -5 cmd`: an old-style numeric option.
            i += 1;
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            // `nice -10`, `timeout -s 9` handled above; a numeric flag.
            i += 1;
            continue;
        }
        break;
    }
    words.get(i + grammar.operands..).unwrap_or(&[])
}

enum EnvStrip<'a> {
    /// The command after `env`'s options and assignments, and an `-S` string if given.
    Command(&'a [Expanded], Option<String>),
    /// `env` alone prints the environment.
    NoCommand,
}

fn strip_env(words: &[Expanded]) -> EnvStrip<'_> {
    let mut i = 0;
    let mut split = None;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        match text {
            "--" => {
                i += 1;
                break;
            }
            "-u" | "--unset" | "-C" | "--chdir" => i += 2,
            "-S" | "--split-string" => {
                split = words.get(i + 1).map(|w| w.text.clone());
                i += 2;
                break;
            }
            "-i" | "-" | "--ignore-environment" | "-0" | "--null" | "-v" | "--debug" => i += 1,
            _ if text.starts_with("--split-string=")
                || (text.starts_with("-S") && text.len() > 2) =>
            {
                let value = text
                    .strip_prefix("--split-string=")
                    .or_else(|| text.strip_prefix("-S"))
                    .unwrap_or_default();
                split = Some(value.to_owned());
                i += 1;
                break;
            }
            _ if text.starts_with("--") || (text.starts_with('-') && text.len() > 1) => i += 1,
            _ if is_assignment(text) => i += 1,
            _ => break,
        }
    }
    let rest = words.get(i..).unwrap_or(&[]);
    if rest.is_empty() && split.is_none() {
        EnvStrip::NoCommand
    } else {
        EnvStrip::Command(rest, split)
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Finds the commands a command runs in turn, and walks them.
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
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    match program.text.as_str() {
        name if SHELLS.contains(&name) => shell(walker, index, name, &texts, scope, stage),
        "eval" => walker.nested(&texts.join(" "), "eval", scope),
        "xargs" => {
            let start = xargs_command_start(&texts);
            let words = if start >= args.len() {
                vec![plain("echo")]
            } else {
                args[start..].to_vec()
            };
            nested_words(walker, index, words, "xargs", scope)
        }
        "parallel" => {
            let start = parallel_command_start(&texts);
            let mut words: Vec<Expanded> = Vec::new();
            let mut appended = false;
            for (i, arg) in args.iter().enumerate().skip(start) {
                if matches!(arg.text.as_str(), ":::" | "::::" | ":::+") {
                    if appended {
                        break;
                    }
                    appended = true;
                    continue;
                }
                let _ = i;
                words.push(arg.clone());
            }
            if words.is_empty() {
                return Ok(());
            }
            if words.len() == 1 || texts.get(start).is_some_and(|t| t.contains(' ')) {
                let line = words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                return walker.nested(&line, "parallel", scope);
            }
            nested_words(walker, index, words, "parallel", scope)
        }
        "find" => {
            let mut i = 0;
            while i < args.len() {
                if matches!(texts[i], "-exec" | "-execdir" | "-ok" | "-okdir") {
                    let what = format!("find {}", texts[i]);
                    let end = (i + 1..args.len())
                        .find(|&j| matches!(texts[j], ";" | "+"))
                        .unwrap_or(args.len());
                    let words = args[i + 1..end].to_vec();
                    if !words.is_empty() {
                        nested_words(walker, index, words, &what, scope)?;
                    }
                    i = end;
                }
                i += 1;
            }
            Ok(())
        }
        "watch" => {
            let start = watch_command_start(&texts);
            let line = texts.get(start..).unwrap_or(&[]).join(" ");
            if line.is_empty() {
                return Ok(());
            }
            walker.nested(&line, "watch", scope)
        }
        "ssh" => {
            let start = ssh_command_start(&texts);
            let line = texts.get(start..).unwrap_or(&[]).join(" ");
            if line.is_empty() {
                return Ok(());
            }
            walker.nested(&line, "ssh", scope)
        }
        "su" | "runuser" | "script" | "flock" | "npx" => {
            match option_value(&texts, &["-c", "--command"]) {
                Some(line) => walker.nested(line, &format!("{} -c", program.text), scope),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

fn plain(text: &str) -> Expanded {
    Expanded {
        text: text.to_owned(),
        dynamic: false,
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
    };
    finish_with_parent(walker, raw, &inner, stage, Some(parent))
}

/// A shell: `-c STRING`, a here-document or here-string on stdin, or `echo ... | sh`.
fn shell(
    walker: &mut Walker,
    index: usize,
    name: &str,
    args: &[&str],
    scope: &Scope,
    stage: Stage,
) -> Result<()> {
    let mut command_mode = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if *arg == "--" || *arg == "-" {
            i += 1;
            break;
        }
        if matches!(*arg, "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file") {
            i += 2;
            continue;
        }
        if arg.starts_with("--") {
            i += 1;
            continue;
        }
        if (arg.starts_with('-') || arg.starts_with('+')) && arg.len() > 1 {
            if arg[1..].contains('c') {
                command_mode = true;
            }
            i += 1;
            continue;
        }
        break;
    }
    let what = format!("{name} -c");
    if command_mode {
        return match args.get(i) {
            Some(script) => walker.nested(script, &what, scope),
            None => Ok(()),
        };
    }
    if args.get(i).is_some() {
        // `bash script.sh`: a file we do not read.
        return Ok(());
    }
    if let Some(text) = walker.commands[index].stdin_text.clone() {
        return walker.nested(&text, &format!("here-document to {name}"), scope);
    }
    if stage.index > 0 {
        let upstream = walker
            .commands
            .iter()
            .rev()
            .find(|c| c.pipeline == stage.pipeline && c.stage == stage.index - 1);
        if let Some(line) = upstream.and_then(printed_text) {
            return walker.nested(&line, &format!("pipe to {name}"), scope);
        }
    }
    Ok(())
}

/// What `echo`/`printf` with static arguments print.
fn printed_text(command: &Command) -> Option<String> {
    if command.dynamic_args.iter().any(|d| *d) {
        return None;
    }
    match command.effective.split_first()? {
        (p, args) if p == "echo" => Some(
            args.iter()
                .map(String::as_str)
                .skip_while(|a| matches!(*a, "-n" | "-e" | "-E" | "-ne" | "-en"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (p, [format, ..]) if p == "printf" => Some(format.replace("\\n", "\n")),
        _ => None,
    }
}

fn xargs_command_start(args: &[&str]) -> usize {
    const VALUES: &str = "adEeIiLlnPs";
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if *arg == "--" {
            return i + 1;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let takes = !long.contains('=')
                && matches!(
                    long,
                    "arg-file"
                        | "delimiter"
                        | "max-args"
                        | "max-procs"
                        | "max-lines"
                        | "max-chars"
                        | "replace"
                        | "eof"
                        | "process-slot-var"
                );
            i += if takes { 2 } else { 1 };
            continue;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            let flag = arg.chars().nth(1).unwrap_or(' ');
            // -I and -d etc. take a value, attached or as the next word; -i/-e/-l only attached.
            let takes_next =
                arg.len() == 2 && VALUES.contains(flag) && !matches!(flag, 'i' | 'e' | 'l');
            i += if takes_next { 2 } else { 1 };
            continue;
        }
        return i;
    }
    i
}

fn parallel_command_start(args: &[&str]) -> usize {
    command_after_options(
        args,
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
        ],
    )
}

fn watch_command_start(args: &[&str]) -> usize {
    command_after_options(args, &["-n", "--interval", "-q", "--equexit"])
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
