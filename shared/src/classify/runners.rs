//! Programs that run other programs, and programs hookkit cannot name.
//!
//! - A runner whose command is a string or needs the program's grammar (`tmux new 'cmd'`,
//!   `screen -dm cmd`, `sg grp -c 'cmd'`, `make --eval`, `trap 'cmd' EXIT`, `strace -f cmd`,
//!   `gdb -ex 'shell cmd'`, `hyperfine 'cmd'`, `fd -x cmd`, `vim -c '!cmd'`) has that command
//!   judged as if it ran.
//! - A program hookkit does not know whose arguments hold a command line (`flock x rm -rf ~`,
//!   `chronic rm -rf ~`, `tool 'rm -rf ~'`) is judged as if it ran that command line; one asked
//!   to delete, destroy or reset something (`foo apps:destroy`) is high.
//! - A command name that cannot be read (`$x`, `$(cmd)`, `/bin/r?`) is judged by its
//!   arguments as each program it could be, and never rated below the worst of them; what it
//!   runs cannot be read, so it is at least unreadable.

use std::borrow::Cow;

use super::catalog::{self as c};
use super::subject::{Subject, Verdict};
use super::{everyday, fs, net};
use crate::shell::Command;

/// The program a command word names: its file name (`/opt/x/bin/rm` runs `rm`), with
/// backslash escapes decoded (`\162\155` is `rm`, as `printf` writes it).
pub(super) fn program_name(word: &str) -> &str {
    let word = word.trim_start_matches('\\');
    word.rsplit('/')
        .next()
        .filter(|b| !b.is_empty())
        .unwrap_or(word)
}

/// The program a word names after escape decoding, when it holds escapes.
pub(super) fn decoded_name(word: &str) -> Cow<'_, str> {
    if word.contains('\\') {
        Cow::Owned(fs::decode_escapes(word))
    } else {
        Cow::Borrowed(word)
    }
}

/// Whether a command name is a glob the shell would expand (`/bin/r?`, `/usr/bin/[r]m`).
pub(super) fn is_glob_name(word: &str) -> bool {
    let name = program_name(word);
    name.contains(['*', '?']) || (name.len() > 2 && name.contains('[') && name.contains(']'))
}

/// Programs a computed or globbed command name is tried as: those whose arguments alone can
/// make a command destructive.
const CANDIDATES: &[&str] = &[
    "rm",
    "git",
    "dd",
    "chmod",
    "chown",
    "mv",
    "find",
    "shred",
    "truncate",
    "rmdir",
    "unlink",
    "curl",
    "wget",
    "psql",
    "mysql",
    "redis-cli",
    "kill",
    "tee",
    "sed",
    "ln",
    "cp",
    "tar",
];

/// Judges a command whose name is computed or a glob.
pub(super) fn computed_name(s: &Subject<'_>, v: &mut Verdict) {
    let name = &s.command.effective[0];
    let decoded = decoded_name(name);
    // `$(npm bin)/eslint`, `"$ROOT/scripts/x"`: the program is the static file name.
    if let Some(base) = decoded.rsplit_once('/').map(|(_, b)| b)
        && !base.is_empty()
        && !base.contains(['$', '`', '*', '?', '[', '(', ')'])
    {
        let mut words = s.command.effective.clone();
        base.clone_into(&mut words[0]);
        let mut dynamic = s.command.dynamic_args.clone();
        dynamic[0] = false;
        let mut inner = Verdict::default();
        s.judge_words(&words, &dynamic, "a computed path", &mut inner);
        v.findings.extend(inner.findings);
        v.known = inner.known;
        return;
    }
    // `$(ssh-agent -s)`, `$(curl ...)`, `$(base64 -d ...)`: running what a command prints.
    if let Some(inner) = name
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| name.strip_prefix('`').and_then(|r| r.strip_suffix('`')))
    {
        match net::running_output_of(inner) {
            None => v.add(
                &c::EXEC_SHELL,
                format!("runs a tool's setup code (`{name}`)"),
                s.text(),
            ),
            Some((class, reason)) if class.id != c::EXEC_UNREADABLE.id => {
                v.add(class, reason, s.text());
                return;
            }
            Some(_) => {}
        }
        if v.known {
            return;
        }
    }
    let glob = is_glob_name(name)
        .then(|| crate::glob::Pattern::new(program_name(name)).ok())
        .flatten();
    let mut worst: Option<(String, String)> = None;
    for candidate in CANDIDATES {
        if let Some(pattern) = &glob
            && !pattern.matches(candidate)
        {
            continue;
        }
        let mut words = s.command.effective.clone();
        (*candidate).clone_into(&mut words[0]);
        let mut dynamic = s.command.dynamic_args.clone();
        dynamic[0] = false;
        let mut inner = Verdict::default();
        s.judge_words(&words, &dynamic, candidate, &mut inner);
        if let Some(f) = inner.findings.iter().find(|f| f.risk == super::Risk::High) {
            worst = Some(((*candidate).to_owned(), f.reason.clone()));
            break;
        }
    }
    if let Some((candidate, reason)) = worst {
        v.add(
            &c::EXEC_DYNAMIC_DESTRUCTIVE,
            format!("the command name `{name}` cannot be read, and as `{candidate}` its arguments would be destructive: {reason}"),
            s.text(),
        );
        return;
    }
    // The arguments may be a whole command behind a computed wrapper (`$SUDO rm -rf ~`), or
    // a command string for a computed shell (`$0 -c 'rm -rf ~'`).
    let args = s.args();
    if let [flag, line, ..] = args
        && flag.starts_with('-')
        && !flag.starts_with("--")
        && flag.ends_with('c')
    {
        s.judge_line(line, "a computed shell", v);
    }
    if !args.is_empty() && is_known_program(program_name(&args[0])) {
        let dynamic: Vec<bool> = (0..args.len()).map(|i| s.arg_dynamic(i)).collect();
        s.judge_words(args, &dynamic, "a computed command", v);
    }
    v.add(
        &c::EXEC_DYNAMIC,
        format!("the command name `{name}` is computed and cannot be read"),
        s.text(),
    );
}

/// Programs whose arguments, when they start with one of these, are a command it runs:
/// those a judge of the classifier knows something risky about.
const KNOWN_PROGRAMS: &[&str] = &[
    "rm",
    "rmdir",
    "shred",
    "unlink",
    "srm",
    "rimraf",
    "dd",
    "mv",
    "cp",
    "chmod",
    "chown",
    "chgrp",
    "ln",
    "tee",
    "truncate",
    "find",
    "xargs",
    "git",
    "curl",
    "wget",
    "nc",
    "ncat",
    "socat",
    "bash",
    "sh",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "python",
    "python3",
    "node",
    "perl",
    "ruby",
    "php",
    "deno",
    "bun",
    "kubectl",
    "docker",
    "podman",
    "helm",
    "terraform",
    "tofu",
    "pulumi",
    "aws",
    "gcloud",
    "az",
    "psql",
    "mysql",
    "redis-cli",
    "mongosh",
    "sqlite3",
    "npm",
    "npx",
    "pnpm",
    "yarn",
    "pip",
    "pip3",
    "cargo",
    "gem",
    "go",
    "brew",
    "apt",
    "apt-get",
    "dnf",
    "yum",
    "systemctl",
    "crontab",
    "at",
    "kill",
    "killall",
    "pkill",
    "shutdown",
    "reboot",
    "halt",
    "poweroff",
    "sudo",
    "su",
    "doas",
    "env",
    "eval",
    "exec",
    "rsync",
    "scp",
    "ssh",
    "sed",
    "awk",
    "gh",
    "glab",
    "heroku",
    "vercel",
    "netlify",
    "fly",
    "flyctl",
    "firebase",
    "supabase",
    "wrangler",
    "rails",
    "rake",
    "prisma",
    "make",
    "iptables",
    "userdel",
    "passwd",
    "chattr",
    "mount",
    "umount",
    "fdisk",
    "parted",
    "wipefs",
    "dropdb",
    "launchctl",
    "tar",
    "unzip",
    "mkfs",
    "mkfs.ext4",
    "claude",
    "codex",
    "gemini",
    "aider",
    "hookkit",
    "defer-for-review",
    "pretooluse-gate",
    "permission-denied-logger",
    "source",
    ".",
    "tmux",
    "screen",
    "setsid",
    "nohup",
    "timeout",
    "nice",
    "install",
    "dropuser",
    "mkswap",
    "gsutil",
    "doctl",
    "sam",
    "cdk",
    "serverless",
    "ansible",
    "vault",
    "stripe",
    "base64",
    "osascript",
    "security",
    "defaults",
    "ufw",
    "usermod",
    "useradd",
    "gpg",
    "op",
    "history",
];

fn is_known_program(name: &str) -> bool {
    KNOWN_PROGRAMS.contains(&name) || name.starts_with("mkfs") || name.starts_with("python")
}

/// The words a command name makes when the shell expands it: `{rm,-rf,~}` (brace expansion)
/// or `rm,-rf,~` split on a separator the line set as `IFS`. `None` unless the first word names
/// a known program.
fn split_name(name: &str) -> Option<Vec<String>> {
    let inner = name.strip_prefix('{').and_then(|n| n.strip_suffix('}'));
    let (body, separators): (&str, &[char]) = match inner {
        Some(inner) if inner.contains(',') => (inner, &[',']),
        _ => (name, &[',', ':', ';', '|', '@', '#', '%', '+']),
    };
    let words: Vec<String> = body
        .split(separators)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    (words.len() > 1 && is_known_program(program_name(&words[0]))).then_some(words)
}

/// Words of a subcommand position that ask a tool to destroy something.
fn destructive_verb(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let last = lower.rsplit([':', '.']).next().unwrap_or(&lower);
    let head = last.split(['-', '_']).next().unwrap_or(last);
    matches!(
        head,
        "delete"
            | "destroy"
            | "purge"
            | "wipe"
            | "drop"
            | "nuke"
            | "terminate"
            | "erase"
            | "truncate"
            | "flush"
            | "deregister"
            | "decommission"
            | "teardown"
            | "expunge"
            | "obliterate"
            | "rb"
            | "unpublish"
            | "revoke"
            | "shred"
            | "zap"
    ) || matches!(last, "rmrf" | "rm-rf")
}

/// The generic model for a program hookkit does not know.
pub(super) fn unknown_program(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let name = &s.command.effective[0];
    // A command string in the program's place (`npx -c 'rm -rf ~'` read as a wrapper), a brace
    // expansion (`{rm,-rf,~}`), or a value split on a separator (`IFS=,`): the words it makes.
    if name.contains(char::is_whitespace) {
        s.judge_line(&s.command.effective.join(" "), "a command string", v);
        return;
    }
    if let Some(words) = split_name(name) {
        let mut all = words;
        all.extend(args.iter().cloned());
        s.judge_words(&all, &[], "an expanded command name", v);
        if v.known {
            return;
        }
    }
    let program = program_name(name);
    // `./x.sh` written earlier in the same line: what it holds runs.
    if name.contains('/') && net::written_earlier(name, s, program, net::Reader::Shell, v) {
        return;
    }
    if super::agents::unguarded_flags(args) {
        v.add(
            &c::AGENT_UNGUARDED,
            format!("{program} runs with its approvals or safety checks switched off"),
            s.text(),
        );
        return;
    }
    // The command line in its arguments: from the first word that names a known program, or
    // an argument that is a whole command line.
    let start = args
        .iter()
        .position(|a| !a.starts_with('-') && is_known_program(program_name(&decoded_name(a))));
    let mut inner = Verdict::default();
    if let Some(at) = start {
        let dynamic: Vec<bool> = (at..args.len()).map(|i| s.arg_dynamic(i)).collect();
        s.judge_words(&args[at..], &dynamic, program, &mut inner);
    }
    for arg in args.iter().filter(|a| a.contains(' ')) {
        let first = arg.split_whitespace().next().unwrap_or("");
        if is_known_program(program_name(first)) {
            s.judge_line(arg, program, &mut inner);
        }
    }
    let risky = inner
        .findings
        .iter()
        .any(|f| f.risk > super::Risk::Low || f.stops());
    if risky {
        v.findings.extend(inner.findings);
        v.known = true;
        return;
    }
    // Given rm's own arguments (`-rf ~`): judged as `rm` would be.
    let recursive_flag = args.iter().any(|a| {
        a == "--recursive"
            || (a.starts_with('-')
                && !a.starts_with("--")
                && a.contains(['r', 'R'])
                && a.len() <= 4)
    });
    if recursive_flag {
        let mut words = vec!["rm".to_owned()];
        words.extend(args.iter().cloned());
        let dynamic: Vec<bool> = std::iter::once(false)
            .chain((0..args.len()).map(|i| s.arg_dynamic(i)))
            .collect();
        let mut as_rm = Verdict::default();
        s.judge_words(&words, &dynamic, "rm", &mut as_rm);
        if let Some(f) = as_rm.findings.iter().find(|f| f.risk == super::Risk::High) {
            v.add(
                &c::CLI_DESTRUCTIVE,
                format!(
                    "{program} is given what would be destructive arguments to rm: {}",
                    f.reason
                ),
                s.text(),
            );
            return;
        }
    }
    let verb = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .take(3)
        .find(|a| destructive_verb(a));
    if let Some(verb) = verb {
        v.add(
            &c::CLI_DESTRUCTIVE,
            format!("{program} is asked to `{verb}`, and hookkit does not know the tool"),
            s.text(),
        );
    }
}

/// Environment variables whose value is a command line a program runs.
const COMMAND_VARIABLES: &[&str] = &[
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_EXTERNAL_DIFF",
    "GIT_PAGER",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "PAGER",
    "MANPAGER",
    "EDITOR",
    "VISUAL",
    "PROMPT_COMMAND",
    "SUDO_ASKPASS",
    "BROWSER",
    "LESSOPEN",
    "LESSCLOSE",
    "RSYNC_RSH",
    "CVS_RSH",
    "npm_config_script_shell",
    "NPM_CONFIG_SCRIPT_SHELL",
];

/// Environment variables that make a program load or run a file hookkit does not read.
const LOADING_VARIABLES: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "BASH_ENV",
    "ENV",
    "PYTHONSTARTUP",
    "NODE_OPTIONS",
    "PERL5OPT",
    "RUBYOPT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_GLOBAL",
    "GIT_EXEC_PATH",
    "GIT_TEMPLATE_DIR",
];

/// Assignments a command's words carry (`env GIT_SSH_COMMAND='...' git fetch`, `export
/// PAGER=...`): a variable that names a command is judged as that command, and one that makes
/// programs load a file cannot be read.
pub(super) fn command_variables(s: &Subject<'_>, v: &mut Verdict) {
    for word in assignment_words(s.command) {
        if let Some((name, value)) = word.split_once('=') {
            judge_variable(name, value, s, v);
        }
    }
}

/// The words of a command that are assignments: the arguments of `export`, `declare` and the
/// like, and the words of its wrappers (`env X=... prog`); not an argument of the program
/// (`bash -c 'X=... prog'`, whose own commands are read on their own).
fn assignment_words(c: &Command) -> &[String] {
    let assigns = matches!(
        c.program(),
        Some("export" | "declare" | "typeset" | "local" | "readonly" | "set" | "setenv")
    );
    if assigns {
        &c.argv
    } else {
        &c.argv[..c.argv.len().saturating_sub(c.effective.len())]
    }
}

/// Judges one assignment of `name` to `value` (see [`command_variables`]).
fn judge_variable(name: &str, value: &str, s: &Subject<'_>, v: &mut Verdict) {
    if value.is_empty() || name.starts_with('-') {
        return;
    }
    if COMMAND_VARIABLES.contains(&name) {
        if !matches!(
            value,
            "cat" | "less" | "more" | "vim" | "vi" | "nano" | "code --wait" | "true" | "ssh"
        ) {
            let mut inner = Verdict::default();
            s.judge_line(value, &format!("${name}"), &mut inner);
            // `GIT_SSH_COMMAND='ssh -i key'`: the ssh that git runs anyway, with options.
            let plain_ssh = value.split_whitespace().next() == Some("ssh") && !inner.any_stopping();
            if !plain_ssh {
                v.findings.extend(inner.findings);
            }
        }
    } else if LOADING_VARIABLES.contains(&name) && !matches!(value, "/dev/null" | "") {
        let harmless = name == "NODE_OPTIONS"
            && !value.contains("--require")
            && !value.contains("-r ")
            && !value.contains("--import")
            && !value.contains("--loader");
        if !harmless {
            v.add(
                &c::EXEC_UNREADABLE,
                format!("`{name}` makes programs load or run `{value}`, which is not read"),
                s.text(),
            );
        }
    }
}

/// Assignments in front of a command (`PAGER='sh -c ...' git log`), which the shell reader
/// leaves out of the command's words: found in the line's text, wherever they stand (also
/// inside `bash -c '...'`), and judged like [`command_variables`]. An assignment that is a
/// command's argument (`export X=...`, `env X=...`) is judged there instead.
pub(super) fn prefix_assignments(line: &str, s: &Subject<'_>, v: &mut Verdict) {
    if !line.contains('=') {
        return;
    }
    for name in COMMAND_VARIABLES.iter().chain(LOADING_VARIABLES) {
        let needle = format!("{name}=");
        if !line.contains(&needle)
            || s.all
                .iter()
                .any(|c| assignment_words(c).iter().any(|w| w.starts_with(&needle)))
        {
            continue;
        }
        // The line as written, and the command strings the shell reader unquoted
        // (`bash -c 'X='\''...'\'' git diff'` is plainer in `bash`'s argument).
        let texts = std::iter::once(line).chain(
            s.all
                .iter()
                .filter(|c| {
                    c.program().is_some_and(|p| {
                        crate::shell::is_shell(p)
                            || matches!(
                                p,
                                "ssh"
                                    | "su"
                                    | "sg"
                                    | "runuser"
                                    | "script"
                                    | "watch"
                                    | "eval"
                                    | "tmux"
                                    | "screen"
                                    | "at"
                                    | "batch"
                            )
                    })
                })
                .flat_map(|c| c.effective.iter().skip(1))
                .filter(|w| w.contains(&needle))
                .map(String::as_str),
        );
        let mut unreadable = false;
        let mut read = false;
        for text in texts {
            let mut from = 0;
            while let Some(at) = text[from..].find(&needle).map(|i| from + i) {
                from = at + needle.len();
                let before = text[..at].chars().next_back();
                if before.is_some_and(|b| {
                    !(b.is_whitespace() || matches!(b, ';' | '&' | '|' | '(' | '{' | '`'))
                }) || !unquoted_at(text, at)
                {
                    continue;
                }
                match first_word(&text[from..]) {
                    Some(value) => {
                        read = true;
                        judge_variable(name, &value, s, v);
                    }
                    None => unreadable = true,
                }
            }
        }
        if unreadable && !read {
            v.add(
                &c::EXEC_UNREADABLE,
                format!("`{name}` is set to a value that cannot be read"),
                s.text(),
            );
        }
    }
}

/// Whether byte `at` of a command line stands outside quotes (where an assignment is one).
fn unquoted_at(text: &str, at: usize) -> bool {
    let mut single = false;
    let mut double = false;
    let mut escaped = false;
    for ch in text[..at].chars() {
        if escaped {
            escaped = false;
        } else if single {
            single = ch != '\'';
        } else if ch == '\\' {
            escaped = true;
        } else if ch == '\'' && !double {
            single = true;
        } else if ch == '"' {
            double = !double;
        }
    }
    !single && !double && !escaped
}

/// The first shell word of `text` after quote removal (`'a b'c d` is `a bc`), up to an
/// unquoted blank or operator; `None` when a quote is left open or the word is computed.
fn first_word(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    c => out.push(c),
                }
            },
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => out.push(chars.next()?),
                    '$' | '`' => return None,
                    c => out.push(c),
                }
            },
            '\\' => out.push(chars.next()?),
            '$' | '`' => return None,
            c if c.is_whitespace() || matches!(c, ';' | '&' | '|' | ')' | '<' | '>') => break,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Judges runners whose command is a string or needs their grammar; returns whether
/// `program` is one.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per runner"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args = s.args();
    let text = s.text();
    match program {
        // `alias x='rm -rf ~'; x`: what an alias stands for is judged where it is defined.
        "alias" if args.iter().any(|a| a.contains('=')) => {
            for value in args
                .iter()
                .filter_map(|a| a.split_once('=').map(|(_, v)| v))
            {
                s.judge_line(value, "an alias", v);
            }
            v.add(
                &c::EXEC_NESTED,
                "alias defines a command (judged on its own)",
                text,
            );
        }
        "tmux" => tmux(args, s, v),
        // The shell reader hands their commands over as nested commands, judged on their own.
        "xargs" | "parallel" | "watch" | "su" | "runuser" | "eval" => v.add(
            &c::EXEC_NESTED,
            format!("{program} runs a command (judged on its own)"),
            text,
        ),
        "screen" => {
            if let Some(at) = args.iter().position(|a| a == "-X") {
                if args.get(at + 1).is_some_and(|w| w == "stuff") {
                    let keys = args.get(at + 2).map_or("", String::as_str);
                    s.judge_line(&keys.replace("\\n", "\n").replace("^M", "\n"), "screen", v);
                } else if args.get(at + 1).is_some_and(|w| w == "quit") {
                    v.add(&c::SYS_KILL, "ends a screen session", text);
                }
            } else {
                let words = after_options(
                    args,
                    &[
                        "-S", "-c", "-e", "-h", "-p", "-s", "-t", "-T", "-L", "-Logfile",
                    ],
                );
                if !words.is_empty() {
                    s.judge_words(words, &[], "screen", v);
                }
            }
            v.add(
                &c::EXEC_NESTED,
                "screen runs a command in a session (judged on its own)",
                text,
            );
        }
        "sg" | "newgrp" => {
            if let Some(line) = option_value(args, &["-c"]) {
                s.judge_line(line, "sg -c", v);
            } else if args.len() > 1 {
                judge_rest(s, &args[1..], "sg", v);
            }
            v.add(
                &c::EXEC_NESTED,
                "runs a command as another group (judged on its own)",
                text,
            );
        }
        "make" | "gmake" | "bmake" => make(args, s, v),
        "trap" => {
            let handler = args.iter().find(|a| !a.starts_with('-'));
            if let Some(handler) = handler
                && !handler.is_empty()
                && handler != "-"
            {
                s.judge_line(handler, "trap", v);
            }
            v.add(
                &c::EXEC_NESTED,
                "sets a trap handler (judged on its own)",
                text,
            );
        }
        "strace" | "ltrace" | "valgrind" | "perf" | "catchsegv" | "heaptrack" | "time"
        | "hyperfine" | "xvfb-run" | "unbuffer" | "chronic" | "flock" | "taskset" | "chrt"
        | "numactl" | "unshare" | "nsenter" | "firejail" | "bwrap" | "systemd-run" | "setpriv"
        | "proxychains" | "proxychains4" | "torsocks" | "tsocks" | "caffeinate"
        | "dbus-run-session" | "ssh-agent" | "pkexec" | "run0" | "sandbox-exec"
        | "systemd-inhibit" | "cgexec" | "prlimit" | "setarch" | "linux32" | "linux64"
        | "faketime" | "fakeroot" | "ionice" | "nocache" | "eatmydata" | "rlwrap" | "script" => {
            run_after_options(program, args, s, v);
        }
        "gdb" | "lldb" | "rust-gdb" | "rust-lldb" | "cgdb" => {
            if let Some(at) = args.iter().position(|a| a == "--args" || a == "--") {
                s.judge_words(&args[at + 1..], &[], program, v);
            }
            for (i, a) in args.iter().enumerate() {
                if matches!(
                    a.as_str(),
                    "-ex"
                        | "-o"
                        | "--one-line"
                        | "-eval-command"
                        | "--eval-command"
                        | "-iex"
                        | "-k"
                        | "-O"
                ) && let Some(cmd) = args.get(i + 1)
                {
                    let cmd = cmd.trim();
                    if let Some(line) = cmd
                        .strip_prefix("shell ")
                        .or_else(|| cmd.strip_prefix('!'))
                        .or_else(|| cmd.strip_prefix("platform shell "))
                        .or_else(|| cmd.strip_prefix("pipe "))
                    {
                        s.judge_line(line, program, v);
                    }
                }
            }
            v.add(
                &c::BUILD_EVERYDAY,
                format!("{program} debugs a program"),
                text,
            );
        }
        "vim" | "vi" | "nvim" | "ex" | "view" | "gvim" | "mvim" | "emacs" | "ed" | "red"
        | "less" | "man" => {
            editor(program, args, s, v);
        }
        "fd" | "fdfind" | "rg" | "fzf" | "entr" | "watchexec" | "nodemon" | "cargo-watch"
        | "reflex" | "air" | "onchange" | "chokidar" | "zip" | "expect" | "nix-shell"
        | "direnv" | "xdg-open" | "open" => {
            return runner_options(program, args, s, v);
        }
        _ => return false,
    }
    true
}

/// The words after a program's own options (and after `--`); `with_value` lists the options
/// that take the next word.
fn after_options<'a>(args: &'a [String], with_value: &[&str]) -> &'a [String] {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if arg == "--" {
            return &args[i + 1..];
        }
        if with_value.contains(&arg.as_str()) {
            i += 2;
        } else if arg.starts_with('-') && arg.len() > 1 {
            i += 1;
        } else {
            return &args[i..];
        }
    }
    &[]
}

/// Judges what a runner runs: one word with spaces is a command line (`tmux new 'a b'`),
/// several are a command's words.
fn judge_rest(s: &Subject<'_>, words: &[String], what: &str, v: &mut Verdict) {
    match words {
        [] => {}
        [line] if line.contains(char::is_whitespace) => s.judge_line(line, what, v),
        _ => s.judge_words(words, &[], what, v),
    }
}

/// The value of the first of `names` among `args` (`-c CMD`, `--command=CMD`).
fn option_value<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    for (i, arg) in args.iter().enumerate() {
        for name in names {
            if arg == name {
                return args.get(i + 1).map(String::as_str);
            }
            if let Some(value) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some(value);
            }
        }
    }
    None
}

fn tmux(args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    // tmux's own options before the command (`-S socket`, `-L name`, `-f file`).
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if matches!(a.as_str(), "-S" | "-L" | "-f" | "-c" | "-T") {
            if a == "-c"
                && let Some(line) = args.get(i + 1)
            {
                s.judge_line(line, "tmux -c", v);
            }
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let rest = &args[i.min(args.len())..];
    let sub = rest.first().map_or("", String::as_str);
    match sub {
        "new-session" | "new" | "new-window" | "neww" | "split-window" | "splitw"
        | "respawn-pane" | "respawnp" | "respawn-window" | "respawnw" | "run-shell" | "run"
        | "display-popup" | "popup" | "pipe-pane" | "pipep" | "if-shell" | "if" => {
            // `-d` detaches a new session, but is the delay of `run-shell` and `display-popup`.
            let values: &[&str] = match sub {
                "run-shell" | "run" => &["-d", "-t", "-c"],
                "display-popup" | "popup" => &[
                    "-w", "-h", "-x", "-y", "-t", "-c", "-d", "-e", "-T", "-b", "-s", "-S",
                ],
                _ => &[
                    "-s", "-n", "-t", "-c", "-x", "-y", "-e", "-F", "-f", "-l", "-p",
                ],
            };
            judge_rest(
                s,
                after_options(&rest[1..], values),
                &format!("tmux {sub}"),
                v,
            );
            v.add(
                &c::EXEC_NESTED,
                "tmux runs a command in a session (judged on its own)",
                text,
            );
        }
        "send-keys" | "send" => {
            let keys: Vec<&str> = after_options(&rest[1..], &["-t", "-N"])
                .iter()
                .map(String::as_str)
                .filter(|k| {
                    !matches!(
                        *k,
                        "Enter"
                            | "C-m"
                            | "KPEnter"
                            | "C-j"
                            | "C-c"
                            | "C-d"
                            | "Escape"
                            | "Tab"
                            | "Space"
                    )
                })
                .collect();
            let line = keys.join(" ");
            s.judge_line(&line, "tmux send-keys", v);
            v.add(
                &c::EXEC_NESTED,
                "tmux types a command into a session (judged on its own)",
                text,
            );
        }
        "kill-server" | "kill-session" | "kill-window" | "kill-pane" => {
            v.add(&c::SYS_KILL, "ends tmux sessions and their programs", text);
        }
        _ => v.add(
            &c::READ_EVERYDAY,
            "tmux lists or attaches to sessions",
            text,
        ),
    }
}

/// `make -f -` with a here-document, `make --eval='...'`, `make VAR='cmd'`: recipes it would
/// run are judged; `make` on its own runs the project's Makefile (judged when it is written).
fn make(args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mut makefile_text = String::new();
    for (i, a) in args.iter().enumerate() {
        if let Some(eval) = a.strip_prefix("--eval=") {
            makefile_text.push_str(eval);
            makefile_text.push('\n');
        } else if (a == "--eval" || a == "-E")
            && let Some(eval) = args.get(i + 1)
        {
            makefile_text.push_str(eval);
            makefile_text.push('\n');
        }
        let stdin_file = matches!(a.as_str(), "-f" | "--file" | "--makefile")
            && args
                .get(i + 1)
                .is_some_and(|f| matches!(f.as_str(), "-" | "/dev/stdin"))
            || matches!(
                a.as_str(),
                "-f-" | "--file=-" | "--makefile=-" | "--file=/dev/stdin"
            );
        if stdin_file && let Some(content) = fs::stdin_content(s) {
            makefile_text.push_str(&content);
            makefile_text.push('\n');
        }
        if let Some((name, value)) = a.split_once('=')
            && !a.starts_with('-')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && value.contains(' ')
        {
            s.judge_line(value, &format!("make's {name}"), v);
        }
    }
    if !makefile_text.is_empty()
        && let Some((class, danger)) = super::scripts::danger("Makefile", &makefile_text, s.ctx)
    {
        v.add(
            class,
            format!("make runs a Makefile given inline: {danger}"),
            text,
        );
    }
    v.add(&c::BUILD_EVERYDAY, "make runs the project's build", text);
}

/// The options of a wrapper or tracer that take a value.
#[expect(clippy::too_many_lines, reason = "a table with one row per wrapper")]
fn wrapper_values(program: &str) -> &'static [&'static str] {
    match program {
        "strace" => &[
            "-o", "-e", "-p", "-s", "-a", "-u", "-E", "-P", "-I", "-b", "-X", "-O", "-S",
        ],
        "ltrace" => &[
            "-o", "-e", "-p", "-s", "-a", "-u", "-E", "-n", "-l", "-x", "-L", "-A", "-D",
        ],
        "perf" => &[
            "-e", "-o", "-p", "-t", "-c", "-F", "-r", "-G", "-C", "-x", "-I", "--event", "--output",
        ],
        "flock" => &[
            "-w",
            "-E",
            "--timeout",
            "--conflict-exit-code",
            "-c",
            "--command",
        ],
        "taskset" => &["-c", "--cpu-list"],
        "chrt" => &["-T", "-P", "-D"],
        "numactl" => &[
            "-C",
            "-N",
            "-m",
            "-p",
            "-i",
            "--cpunodebind",
            "--membind",
            "--physcpubind",
            "--interleave",
            "--preferred",
        ],
        "nsenter" => &[
            "-t", "--target", "-S", "-G", "--setuid", "--setgid", "-w", "-r", "--wd", "--root",
        ],
        "unshare" => &[
            "--map-user",
            "--map-group",
            "--propagation",
            "--setgroups",
            "-S",
            "-G",
            "-R",
            "-w",
        ],
        "firejail" => &[
            "--profile",
            "--name",
            "--private",
            "--whitelist",
            "--blacklist",
        ],
        "bwrap" => &[
            "--setenv",
            "--unsetenv",
            "--chdir",
            "--tmpfs",
            "--dir",
            "--proc",
            "--dev",
            "--hostname",
            "--uid",
            "--gid",
            "--seccomp",
            "--file",
            "--bind-data",
            "--ro-bind-data",
        ],
        "systemd-run" => &[
            "-u",
            "--unit",
            "-p",
            "--property",
            "--description",
            "--slice",
            "-E",
            "--setenv",
            "--on-active",
            "--on-boot",
            "--on-startup",
            "--on-unit-active",
            "--on-unit-inactive",
            "--on-calendar",
            "--timer-property",
            "-M",
            "--machine",
            "-H",
            "--host",
            "--uid",
            "--gid",
            "--working-directory",
            "-D",
            "--nice",
        ],
        "cgexec" => &["-g"],
        "prlimit" => &["-p", "--pid"],
        "faketime" => &["-f"],
        "ionice" => &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"],
        "sandbox-exec" => &["-f", "-p", "-n", "-D"],
        "systemd-inhibit" => &["--what", "--who", "--why", "--mode"],
        "script" => &[
            "-c",
            "--command",
            "-t",
            "--timing",
            "-O",
            "-I",
            "-B",
            "-T",
            "-E",
        ],
        _ => &[],
    }
}

/// Wrappers and tracers that run the command after their options (`strace -f cmd`,
/// `flock lockfile cmd`, `systemd-run --user cmd`).
fn run_after_options(program: &str, args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let with_value = wrapper_values(program);
    if program == "flock"
        && let Some(line) = option_value(args, &["-c", "--command"])
    {
        s.judge_line(line, "flock -c", v);
    }
    if program == "hyperfine" {
        hyperfine(args, s, v);
        return;
    }
    if program == "systemd-run"
        && args
            .iter()
            .any(|a| a.starts_with("--on-") || a.starts_with("--timer-property"))
    {
        v.add(
            &c::SYS_SCHEDULE,
            "systemd-run schedules a command to run later",
            text,
        );
    }
    if program == "systemd-run"
        && args
            .iter()
            .any(|a| a == "-M" || a == "--machine" || a == "-H" || a == "--host")
    {
        v.add(
            &c::NET_REMOTE_EXEC,
            "systemd-run runs a command on another machine",
            text,
        );
    }
    let mut words = after_options(args, with_value);
    // `flock LOCKFILE cmd`, `chrt 99 cmd`, `taskset 0x3 cmd`, `perf stat cmd`: an operand
    // before the command.
    if matches!(
        program,
        "flock" | "chrt" | "taskset" | "perf" | "prlimit" | "setarch" | "faketime" | "cgexec"
    ) && !words.is_empty()
        && !is_known_program(program_name(&words[0]))
    {
        words = &words[1..];
        if program == "perf" {
            words = after_options(words, with_value);
        }
    }
    if matches!(program, "pkexec" | "run0") {
        v.add(
            &c::EXEC_ROOT,
            format!("{program} runs a command as root"),
            text,
        );
    }
    if !words.is_empty() {
        s.judge_words(words, &[], program, v);
    }
    v.add(
        &c::EXEC_NESTED,
        format!("{program} runs a command (judged on its own)"),
        text,
    );
}

/// `hyperfine 'cmd' ...`: every command it benchmarks runs, and so do `--prepare`,
/// `--setup`, `--cleanup` and `--conclude`.
fn hyperfine(args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    /// Options whose value is not a command.
    const VALUES: &[&str] = &[
        "-n",
        "--command-name",
        "-r",
        "--runs",
        "-w",
        "--warmup",
        "-m",
        "--min-runs",
        "-M",
        "--max-runs",
        "--export-json",
        "--export-markdown",
        "--export-csv",
        "-P",
        "--parameter-scan",
        "-L",
        "--parameter-list",
        "-S",
        "--shell",
        "--style",
        "-u",
        "--time-unit",
        "-D",
        "--parameter-step-size",
        "--output",
        "--sort",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if VALUES.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            s.judge_line(a, "hyperfine", v);
        }
        i += 1;
    }
    v.add(
        &c::BUILD_EVERYDAY,
        "hyperfine benchmarks commands (judged on their own)",
        s.text(),
    );
}

/// Editors and pagers that run shell commands (`vim -c '!cmd'`, `vim +'!cmd'`, `emacs --eval
/// '(shell-command "cmd")'`, `ed` reading `!cmd`, `man -P cmd`, `less` with `LESSOPEN`).
fn editor(program: &str, args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mut scripts: Vec<String> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if matches!(
            a.as_str(),
            "-c" | "--cmd" | "-S" | "--eval" | "-eval" | "--execute" | "-P" | "--pager"
        ) {
            if let Some(value) = args.get(i + 1) {
                scripts.push(value.clone());
            }
        } else if let Some(cmd) = a.strip_prefix('+') {
            scripts.push(cmd.to_owned());
        } else if let Some(cmd) = a
            .strip_prefix("--eval=")
            .or_else(|| a.strip_prefix("--pager="))
        {
            scripts.push(cmd.to_owned());
        }
    }
    if matches!(program, "ed" | "red" | "ex" | "vim" | "vi" | "nvim")
        && let Some(stdin) = fs::stdin_content(s)
    {
        scripts.extend(stdin.lines().map(str::to_owned));
    }
    for script in &scripts {
        let script = script.trim().trim_start_matches(':').trim();
        let line = script
            .strip_prefix('!')
            .or_else(|| script.strip_prefix("silent !"))
            .or_else(|| script.strip_prefix("silent!"))
            .or_else(|| script.strip_prefix("r !"))
            .or_else(|| script.strip_prefix("w !"))
            .or_else(|| script.strip_prefix("terminal "))
            .or_else(|| script.strip_prefix("term "));
        if let Some(line) = line {
            s.judge_line(line, program, v);
        } else if program == "man" && (args.iter().any(|a| a == "-P" || a.starts_with("--pager"))) {
            s.judge_line(script, "man's pager", v);
        } else if script.contains("system(")
            || script.contains("shell-command")
            || script.contains("call-process")
            || script.contains("jobstart")
            || script.contains("delete-directory")
            || script.contains("delete-file")
        {
            for (class, reason) in super::code::analyse(script, s.ctx) {
                v.add(class, format!("{program} script {reason}"), text);
            }
        }
    }
    let writes = scripts.iter().any(|c| c.contains('w') || c.contains('x'));
    if writes {
        fs::each_operand(s, |raw, dynamic| {
            fs::write_target(raw, dynamic, false, s, v);
        });
    }
    v.add(
        if everyday::only_reads(program) && !writes {
            &c::READ_EVERYDAY
        } else {
            &c::BUILD_EVERYDAY
        },
        format!("{program} views or edits files"),
        text,
    );
}

/// Runners whose command is an option's value (`fd -x cmd`, `rg --pre cmd`, `entr cmd`,
/// `zip -TT cmd`, `nix-shell --run cmd`, `expect -c 'spawn cmd'`).
fn runner_options(program: &str, args: &[String], s: &Subject<'_>, v: &mut Verdict) -> bool {
    let text = s.text();
    let mut ran = false;
    match program {
        "fd" | "fdfind" => {
            if let Some(at) = args
                .iter()
                .position(|a| matches!(a.as_str(), "-x" | "--exec" | "-X" | "--exec-batch"))
            {
                let end = args[at + 1..]
                    .iter()
                    .position(|a| a == ";")
                    .map_or(args.len(), |e| at + 1 + e);
                // Each found path takes the place of `{}`, or is appended: under the search
                // path (the second operand), or the working directory.
                let mut positional = Vec::new();
                let mut k = 0;
                while k < at {
                    let a = args[k].as_str();
                    if matches!(
                        a,
                        "-e" | "--extension"
                            | "-t"
                            | "--type"
                            | "-E"
                            | "--exclude"
                            | "-d"
                            | "--max-depth"
                            | "-S"
                            | "--size"
                            | "--changed-within"
                            | "--changed-before"
                            | "-o"
                            | "--owner"
                            | "-j"
                            | "--threads"
                            | "-c"
                            | "--color"
                            | "--base-directory"
                            | "--search-path"
                            | "--min-depth"
                    ) {
                        k += 2;
                        continue;
                    }
                    if !a.starts_with('-') {
                        positional.push(a);
                    }
                    k += 1;
                }
                let root = positional.get(1).copied().unwrap_or(".");
                // A pattern or a filter narrows what fd finds; without one it is everything.
                let narrowed = !positional.is_empty()
                    || args[..at].iter().any(|a| {
                        matches!(
                            a.as_str(),
                            "-e" | "--extension"
                                | "-t"
                                | "--type"
                                | "-S"
                                | "--size"
                                | "--changed-within"
                                | "--changed-before"
                                | "-g"
                                | "--glob"
                        )
                    });
                let found = if narrowed {
                    format!("{}/found-file", root.trim_end_matches('/'))
                } else {
                    format!("{}/*", root.trim_end_matches('/'))
                };
                let mut words: Vec<String> = args[at + 1..end]
                    .iter()
                    .map(|w| {
                        if w.contains('{') && w.contains('}') {
                            found.clone()
                        } else {
                            w.clone()
                        }
                    })
                    .collect();
                if !args[at + 1..end].iter().any(|w| w.contains('{')) {
                    words.push(found);
                }
                s.judge_words(&words, &[], "fd -x", v);
                ran = true;
            }
        }
        "rg" => {
            if let Some(cmd) = option_value(args, &["--pre"]) {
                s.judge_line(cmd, "rg --pre", v);
                ran = true;
            }
        }
        "fzf" => {
            for value in args
                .iter()
                .filter_map(|a| {
                    a.strip_prefix("--bind=")
                        .or_else(|| a.strip_prefix("--preview="))
                })
                .chain(
                    args.windows(2)
                        .filter(|w| matches!(w[0].as_str(), "--bind" | "--preview"))
                        .map(|w| w[1].as_str()),
                )
            {
                for part in value.split(['(', ')', '[', ']']) {
                    if part.contains(' ') {
                        s.judge_line(&part.replace("{}", "x"), "fzf", v);
                    }
                }
                ran = true;
            }
        }
        "zip" => {
            if let Some(cmd) = option_value(args, &["-TT", "--unzip-command"]) {
                s.judge_line(cmd, "zip -TT", v);
                ran = true;
            }
        }
        "expect" => {
            if let Some(script) = option_value(args, &["-c"]) {
                for line in script.split([';', '\n']) {
                    let line = line.trim();
                    if let Some(cmd) = line
                        .strip_prefix("spawn ")
                        .or_else(|| line.strip_prefix("exec "))
                        .or_else(|| line.strip_prefix("system "))
                    {
                        s.judge_line(cmd, "expect", v);
                    }
                }
                ran = true;
            }
        }
        "nix-shell" => {
            if let Some(cmd) = option_value(args, &["--run", "--command"]) {
                s.judge_line(cmd, "nix-shell --run", v);
                ran = true;
            }
        }
        "direnv" => {
            if args.first().is_some_and(|a| a == "exec") && args.len() > 2 {
                s.judge_words(&args[2..], &[], "direnv exec", v);
                ran = true;
            } else if args
                .first()
                .is_some_and(|a| matches!(a.as_str(), "allow" | "permit"))
            {
                // An `.envrc` written in the same line is judged for what it runs; the
                // project's own is trusted like its build scripts.
                let envrc = match args.get(1) {
                    Some(dir) if dir.ends_with(".envrc") => dir.clone(),
                    Some(dir) => format!("{}/.envrc", dir.trim_end_matches('/')),
                    None => "./.envrc".to_owned(),
                };
                if !net::written_earlier(&envrc, s, "direnv", net::Reader::Shell, v) {
                    v.add(
                        &c::EXEC_TRUST,
                        "direnv allow trusts the project's .envrc, which runs on every cd",
                        text,
                    );
                }
                return true;
            }
        }
        "xdg-open" | "open" => {
            let urls: Vec<&String> = args.iter().filter(|a| a.contains("://")).collect();
            if urls
                .iter()
                .any(|u| u.starts_with("file://") || u.contains("javascript:"))
                || args.iter().any(|a| a == "-a")
                    && args
                        .iter()
                        .any(|a| a.ends_with(".sh") || a.ends_with(".command"))
            {
                v.add(
                    &c::EXEC_UNREADABLE,
                    format!("{program} runs a file or app that is not read"),
                    text,
                );
                return true;
            }
            v.add(
                &c::READ_EVERYDAY,
                format!("{program} opens a file or URL"),
                text,
            );
            return true;
        }
        "entr" => {
            if let Some(line) = option_value(args, &["-s"]) {
                s.judge_line(line, "entr -s", v);
            }
            judge_rest(s, after_options(args, &["-s"]), "entr", v);
            ran = true;
        }
        "nodemon" | "onchange" | "chokidar" => {
            if let Some(line) = option_value(args, &["--exec", "-x", "-c", "--command"]) {
                s.judge_line(line, program, v);
            }
            ran = true;
        }
        "cargo-watch" => {
            for (i, a) in args.iter().enumerate() {
                if let Some(value) = args.get(i + 1) {
                    match a.as_str() {
                        "-x" | "--exec" => {
                            s.judge_line(&format!("cargo {value}"), "cargo watch", v);
                        }
                        "-s" | "--shell" => s.judge_line(value, "cargo watch", v),
                        _ => {}
                    }
                }
            }
            ran = true;
        }
        _ => {
            // watchexec, reflex, air: the command follows their options (or `--`).
            let words = after_options(
                args,
                &[
                    "-e",
                    "--exts",
                    "-w",
                    "--watch",
                    "-i",
                    "--ignore",
                    "--delay",
                    "-d",
                    "-p",
                    "--postpone",
                    "--signal",
                    "-r",
                    "-R",
                    "-g",
                    "-G",
                    "--regex",
                    "--glob",
                    "-c",
                    "--config",
                    "--shell",
                ],
            );
            judge_rest(s, words, program, v);
            ran = true;
        }
    }
    let class = if everyday::only_reads(program) && !ran {
        &c::READ_EVERYDAY
    } else {
        &c::BUILD_EVERYDAY
    };
    v.add(
        class,
        format!("{program} (what it runs is judged on its own)"),
        text,
    );
    true
}

/// Whether a command line only opens an interactive shell (`sh`, `/bin/bash -l`): a session
/// whose commands are typed later, by a person or by further calls that are judged then.
pub(super) fn interactive_shell<S: AsRef<str>>(words: &[S]) -> bool {
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    let name = first.as_ref().rsplit('/').next().unwrap_or_default();
    matches!(
        name,
        "sh" | "bash" | "zsh" | "ash" | "dash" | "fish" | "ksh" | "mksh" | "pwsh" | "irb" | "rails"
    ) && (name != "rails"
        || rest
            .first()
            .is_some_and(|r| matches!(r.as_ref(), "c" | "console")))
        && rest.iter().all(|r| {
            matches!(
                r.as_ref(),
                "-l" | "-i" | "--login" | "-il" | "-li" | "--norc" | "c" | "console"
            )
        })
}
