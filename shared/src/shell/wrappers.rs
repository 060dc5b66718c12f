//! Programs that run their arguments as a command (`sudo`, `env`, `timeout`, `flock`, `strace`,
//! ...): their option grammars, so that the command they run is found.
//!
//! A wrapper that runs its command in another directory (`env -C DIR`, `sudo -i`, `chroot`,
//! `systemd-run`) is not removed: it stays the program of its own command, and the command it
//! runs is recorded as a nested command in that directory (see `exec`). A wrapper given a
//! command as one string (`flock -c STRING`, `su -c`, `sg GROUP STRING`) stays too; the string is
//! read as a nested program.

use super::word::Expanded;

/// How a wrapper's options are read.
pub(super) struct Grammar {
    /// Short options that take a value (`-u user`), attached or as the next word.
    short_values: &'static str,
    /// Long options that take values when written without `=`, and how many (`--user root`;
    /// bwrap's `--bind SRC DEST` takes two).
    long_values: &'static [(&'static str, usize)],
    /// Operands before the command (`timeout 5`, `chroot /srv`, `flock FILE`, `chrt PRIO`).
    operands: usize,
    /// Options after which no command follows (`taskset -p`, `chrt -p`, `doas -C`).
    no_command: &'static [&'static str],
    /// Options whose value is a shell command string (`flock -c`): the wrapper stays.
    string: &'static [&'static str],
    /// A subcommand that must come first (`perf stat`, `perf record`).
    subcommands: &'static [&'static str],
}

const fn g(
    short_values: &'static str,
    long_values: &'static [(&'static str, usize)],
    operands: usize,
) -> Grammar {
    Grammar {
        short_values,
        long_values,
        operands,
        no_command: &[],
        string: &[],
        subcommands: &[],
    }
}

const SUDO_LONG: &[(&str, usize)] = &[
    ("--user", 1),
    ("--group", 1),
    ("--host", 1),
    ("--prompt", 1),
    ("--close-from", 1),
    ("--chdir", 1),
    ("--role", 1),
    ("--type", 1),
    ("--command-timeout", 1),
    ("--other-user", 1),
    ("--chroot", 1),
];

const BWRAP_LONG: &[(&str, usize)] = &[
    ("--args", 1),
    ("--argv0", 1),
    ("--userns", 1),
    ("--userns2", 1),
    ("--pidns", 1),
    ("--uid", 1),
    ("--gid", 1),
    ("--hostname", 1),
    ("--chdir", 1),
    ("--unsetenv", 1),
    ("--lock-file", 1),
    ("--sync-fd", 1),
    ("--remount-ro", 1),
    ("--exec-label", 1),
    ("--file-label", 1),
    ("--proc", 1),
    ("--dev", 1),
    ("--tmpfs", 1),
    ("--mqueue", 1),
    ("--dir", 1),
    ("--seccomp", 1),
    ("--add-seccomp-fd", 1),
    ("--block-fd", 1),
    ("--userns-block-fd", 1),
    ("--info-fd", 1),
    ("--json-status-fd", 1),
    ("--cap-add", 1),
    ("--cap-drop", 1),
    ("--perms", 1),
    ("--size", 1),
    ("--overlay-src", 1),
    ("--tmp-overlay", 1),
    ("--ro-overlay", 1),
    ("--setenv", 2),
    ("--bind", 2),
    ("--bind-try", 2),
    ("--dev-bind", 2),
    ("--dev-bind-try", 2),
    ("--ro-bind", 2),
    ("--ro-bind-try", 2),
    ("--file", 2),
    ("--bind-data", 2),
    ("--ro-bind-data", 2),
    ("--symlink", 2),
    ("--chmod", 2),
    ("--bind-fd", 2),
    ("--ro-bind-fd", 2),
    ("--overlay", 3),
];

const SYSTEMD_RUN_LONG: &[(&str, usize)] = &[
    ("--unit", 1),
    ("--property", 1),
    ("--description", 1),
    ("--slice", 1),
    ("--setenv", 1),
    ("--host", 1),
    ("--machine", 1),
    ("--uid", 1),
    ("--gid", 1),
    ("--nice", 1),
    ("--working-directory", 1),
    ("--service-type", 1),
    ("--on-active", 1),
    ("--on-boot", 1),
    ("--on-startup", 1),
    ("--on-unit-active", 1),
    ("--on-unit-inactive", 1),
    ("--on-calendar", 1),
    ("--path-property", 1),
    ("--socket-property", 1),
    ("--timer-property", 1),
    ("--capsule", 1),
];

/// The grammar of wrapper `name`, if it is one.
#[expect(clippy::too_many_lines, reason = "a table with one entry per wrapper")]
fn grammar(name: &str) -> Option<Grammar> {
    Some(match name {
        "sudo" => g("ugphCDrtTUR", SUDO_LONG, 0),
        "doas" => Grammar {
            no_command: &["-C"],
            ..g("uC", &[], 0)
        },
        "nice" => g("n", &[("--adjustment", 1)], 0),
        "ionice" => g(
            "cnpPu",
            &[("--class", 1), ("--classdata", 1), ("--pid", 1)],
            0,
        ),
        "timeout" => g("sk", &[("--signal", 1), ("--kill-after", 1)], 1),
        "stdbuf" => g("ioe", &[("--input", 1), ("--output", 1), ("--error", 1)], 0),
        "chroot" => g("", &[("--userspec", 1), ("--groups", 1)], 1),
        "time" => g("fo", &[("--format", 1), ("--output", 1)], 0),
        "setsid" | "nohup" | "builtin" | "unbuffer" | "noglob" | "catchsegv" | "command"
        | "busybox" | "torsocks" | "proxychains" | "proxychains4" | "chronic" | "valgrind"
        | "firejail" => g("", &[], 0),
        "caffeinate" => g("tw", &[], 0),
        "exec" => g("a", &[], 0),
        "runuser" => Grammar {
            string: &["-c", "--command"],
            ..g(
                "ugGw",
                &[
                    ("--user", 1),
                    ("--group", 1),
                    ("--supp-group", 1),
                    ("--whitelist-environment", 1),
                ],
                0,
            )
        },
        "npx" | "bunx" => g("p", &[("--package", 1)], 0),
        "flock" => Grammar {
            string: &["-c", "--command"],
            ..g(
                "wE",
                &[("--timeout", 1), ("--wait", 1), ("--conflict-exit-code", 1)],
                1,
            )
        },
        "taskset" => Grammar {
            no_command: &["-p", "--pid"],
            ..g("", &[], 1)
        },
        "chrt" => Grammar {
            no_command: &["-p", "--pid", "-m", "--max"],
            ..g(
                "TPD",
                &[
                    ("--sched-runtime", 1),
                    ("--sched-period", 1),
                    ("--sched-deadline", 1),
                ],
                1,
            )
        },
        "numactl" => Grammar {
            no_command: &["-H", "--hardware", "-s", "--show"],
            ..g(
                "imNCpPwSfLoMI",
                &[
                    ("--interleave", 1),
                    ("--membind", 1),
                    ("--cpunodebind", 1),
                    ("--physcpubind", 1),
                    ("--preferred", 1),
                    ("--preferred-many", 1),
                    ("--weighted-interleave", 1),
                    ("--shm", 1),
                    ("--file", 1),
                    ("--length", 1),
                    ("--offset", 1),
                    ("--shmmode", 1),
                    ("--shmid", 1),
                ],
                0,
            )
        },
        "unshare" => g(
            "RwSG",
            &[
                ("--root", 1),
                ("--wd", 1),
                ("--setuid", 1),
                ("--setgid", 1),
                ("--propagation", 1),
                ("--setgroups", 1),
                ("--monotonic", 1),
                ("--boottime", 1),
                ("--map-user", 1),
                ("--map-group", 1),
                ("--map-users", 1),
                ("--map-groups", 1),
            ],
            0,
        ),
        "nsenter" => g(
            "tSG",
            &[("--target", 1), ("--setuid", 1), ("--setgid", 1)],
            0,
        ),
        "bwrap" => g("", BWRAP_LONG, 0),
        "systemd-run" => g("upEHM", SYSTEMD_RUN_LONG, 0),
        "strace" => Grammar {
            no_command: &[],
            ..g(
                "abeEIoOpPsSuUX",
                &[
                    ("--output", 1),
                    ("--attach", 1),
                    ("--user", 1),
                    ("--env", 1),
                    ("--string-limit", 1),
                    ("--trace", 1),
                    ("--signal", 1),
                    ("--trace-path", 1),
                ],
                0,
            )
        },
        "ltrace" => g(
            "aAeDFlnopsuwx",
            &[
                ("--output", 1),
                ("--library", 1),
                ("--align", 1),
                ("--indent", 1),
            ],
            0,
        ),
        "perf" => Grammar {
            subcommands: &[
                "stat", "record", "trace", "mem", "c2c", "kvm", "sched", "lock",
            ],
            ..g(
                "eptCroFcmGIDxunUMjNb",
                &[
                    ("--event", 1),
                    ("--pid", 1),
                    ("--tid", 1),
                    ("--cpu", 1),
                    ("--repeat", 1),
                    ("--output", 1),
                    ("--freq", 1),
                    ("--count", 1),
                    ("--mmap-pages", 1),
                    ("--cgroup", 1),
                    ("--interval-print", 1),
                    ("--delay", 1),
                    ("--field-separator", 1),
                    ("--uid", 1),
                    ("--pre", 1),
                    ("--post", 1),
                ],
                0,
            )
        },
        "xvfb-run" => g("efnpsw", &[], 0),
        "dbus-run-session" => g("", &[("--config-file", 1), ("--dbus-daemon", 1)], 0),
        "setpriv" => Grammar {
            no_command: &["-d", "--dump"],
            ..g(
                "",
                &[
                    ("--reuid", 1),
                    ("--regid", 1),
                    ("--groups", 1),
                    ("--inh-caps", 1),
                    ("--ambient-caps", 1),
                    ("--bounding-set", 1),
                    ("--securebits", 1),
                    ("--pdeathsig", 1),
                    ("--selinux-label", 1),
                    ("--apparmor-profile", 1),
                    ("--landlock-access", 1),
                    ("--landlock-rule", 1),
                    ("--seccomp-filter", 1),
                ],
                0,
            )
        },
        "pkexec" => g("", &[("--user", 1)], 0),
        _ => return None,
    })
}

/// Where the command of a wrapper runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// In the shell's directory.
    Here,
    /// In this directory (`env -C DIR`).
    Dir(Expanded),
    /// Somewhere the line does not say (`sudo -i`: the target's home; `chroot`: a new root).
    Elsewhere,
}

/// The options of one wrapper as given: `(option, value)`.
type Options = Vec<(String, Option<Expanded>)>;

/// Where a wrapper with these options runs its command.
fn place(name: &str, options: &Options) -> Place {
    let has = |names: &[&str]| options.iter().any(|(o, _)| names.contains(&o.as_str()));
    let value = |names: &[&str]| {
        options
            .iter()
            .rev()
            .find(|(o, _)| names.contains(&o.as_str()))
            .and_then(|(_, v)| v.clone())
    };
    let elsewhere = match name {
        "sudo" => has(&["-i", "--login"]),
        "runuser" => has(&["-l", "--login", "-"]),
        "unshare" => has(&["-R", "--root"]),
        "firejail" => options.iter().any(|(o, _)| o.starts_with("--private-cwd")),
        "chroot" | "nsenter" => true,
        "pkexec" => !has(&["--keep-cwd"]),
        // A transient unit runs in `/` (or the user's home) unless told otherwise.
        "systemd-run" => !has(&["-d", "--same-dir", "--working-directory"]),
        _ => false,
    };
    if elsewhere {
        return Place::Elsewhere;
    }
    let chdir: &[&str] = match name {
        "env" => &["-C", "--chdir"],
        "sudo" => &["-D", "--chdir"],
        "unshare" => &["-w", "--wd"],
        "bwrap" => &["--chdir"],
        "systemd-run" => &["--working-directory"],
        _ => &[],
    };
    value(chdir).map_or(Place::Here, Place::Dir)
}

/// What removing the wrappers of a command found.
#[derive(Debug, Default)]
pub(super) struct Stripped {
    /// What runs: the command words after the wrappers removed. When `moved` is set, it starts
    /// with the wrapper that changes the directory (kept as the program).
    pub(super) effective: Vec<Expanded>,
    /// The wrappers removed, in order.
    pub(super) wrappers: Vec<String>,
    /// An `env -S` string, read as words before the command.
    pub(super) split_string: Option<String>,
    /// The kept wrapper runs the command from `effective[command..]` in another directory.
    pub(super) moved: Option<Moved>,
}

/// A command run in another directory by the wrapper kept as the program.
#[derive(Debug)]
pub(super) struct Moved {
    /// Where the command starts in `effective`.
    pub(super) command: usize,
    pub(super) place: Place,
    /// The wrapper's name.
    pub(super) wrapper: String,
}

/// Removes wrappers from `words`.
pub(super) fn strip(words: &[Expanded]) -> Stripped {
    let mut rest = words;
    let mut out = Stripped::default();
    while let Some(first) = rest.first() {
        if first.dynamic {
            break;
        }
        let name = super::exec::normalise_program(&first.text);
        if name == "env" {
            match strip_env(&rest[1..]) {
                EnvStrip::Command(after, split, options) => {
                    if let Place::Dir(_) = place("env", &options) {
                        let command = rest.len() - after.len();
                        if split.is_none() {
                            out.moved = Some(Moved {
                                command,
                                place: place("env", &options),
                                wrapper: "env".into(),
                            });
                            break;
                        }
                    }
                    out.wrappers.push("env".to_owned());
                    if let Some(split) = split {
                        let mut words: Vec<Expanded> = super::split_words(&split)
                            .into_iter()
                            .map(Expanded::literal)
                            .collect();
                        words.extend_from_slice(after);
                        out.split_string = Some(split);
                        let inner = strip(&words);
                        out.wrappers.extend(inner.wrappers);
                        out.effective = inner.effective;
                        out.moved = inner.moved;
                        return out;
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
        if name == "gdb" {
            // `gdb [options] --args PROGRAM ARGS...`; without `--args` gdb runs nothing itself.
            match rest
                .iter()
                .position(|w| matches!(w.text.as_str(), "--args" | "-args"))
            {
                Some(pos) if pos + 1 < rest.len() => {
                    out.wrappers.push("gdb".into());
                    rest = &rest[pos + 1..];
                    continue;
                }
                _ => break,
            }
        }
        let Some(grammar) = grammar(name) else { break };
        let Some((options, after)) = skip_options(&rest[1..], &grammar) else {
            break;
        };
        if after.is_empty() {
            break;
        }
        // Without `-u`, `runuser USER` works like `su USER`: its `-c` string is read elsewhere.
        if name == "runuser"
            && !options
                .iter()
                .any(|(o, _)| matches!(o.as_str(), "-u" | "--user"))
        {
            break;
        }
        let place = place(name, &options);
        if place != Place::Here {
            out.moved = Some(Moved {
                command: rest.len() - after.len(),
                place,
                wrapper: name.to_owned(),
            });
            break;
        }
        out.wrappers.push(name.to_owned());
        rest = after;
    }
    out.effective = rest.to_vec();
    out
}

/// Reads a wrapper's options and operands; returns them and the command words after them, or
/// `None` when no command follows (an option that ends the wrapper's use as one).
fn skip_options<'a>(words: &'a [Expanded], grammar: &Grammar) -> Option<(Options, &'a [Expanded])> {
    let mut options = Vec::new();
    let mut i = 0;
    if !grammar.subcommands.is_empty() {
        let sub = words.first()?;
        if !grammar.subcommands.contains(&sub.text.as_str()) {
            return None;
        }
        i = 1;
    }
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if word.dynamic {
            // An option we cannot read may take the next word: stop here.
            return None;
        }
        if text == "--" {
            i += 1;
            break;
        }
        if grammar.no_command.contains(&text) || grammar.string.contains(&text) {
            return None;
        }
        if let Some(long) = text.strip_prefix("--") {
            if let Some((name, value)) = long.split_once('=') {
                let option = format!("--{name}");
                if grammar.string.contains(&option.as_str()) {
                    return None;
                }
                options.push((option, Some(Expanded::literal(value))));
                i += 1;
                continue;
            }
            let arity = grammar
                .long_values
                .iter()
                .find(|(v, _)| v.trim_start_matches("--") == long)
                .map_or(0, |(_, n)| *n);
            options.push((
                text.to_owned(),
                words.get(i + 1).filter(|_| arity > 0).cloned(),
            ));
            i += 1 + arity;
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
                let option = format!("-{flag}");
                if grammar.no_command.contains(&option.as_str()) {
                    return None;
                }
                if grammar.short_values.contains(flag) {
                    let attached = &flags[pos + flag.len_utf8()..];
                    if attached.is_empty() {
                        takes_next = true;
                        options.push((option, words.get(i + 1).cloned()));
                    } else {
                        options.push((option, Some(Expanded::literal(attached))));
                    }
                    break;
                }
                options.push((option, None));
            }
            i += if takes_next { 2 } else { 1 };
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            // `nice -5 cmd`: an old-style numeric option.
            options.push((text.to_owned(), None));
            i += 1;
            continue;
        }
        break;
    }
    let after = words.get(i + grammar.operands..).unwrap_or(&[]);
    // `flock FILE -c STRING`: the string comes after the operand.
    if after
        .first()
        .is_some_and(|w| grammar.string.contains(&w.text.as_str()))
    {
        return None;
    }
    Some((options, after))
}

enum EnvStrip<'a> {
    /// The command after `env`'s options and assignments, an `-S` string if given, and the
    /// options.
    Command(&'a [Expanded], Option<String>, Options),
    /// `env` alone prints the environment.
    NoCommand,
}

fn strip_env(words: &[Expanded]) -> EnvStrip<'_> {
    let mut i = 0;
    let mut split = None;
    let mut options = Vec::new();
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        match text {
            "--" => {
                i += 1;
                break;
            }
            "-u" | "--unset" | "-C" | "--chdir" | "-P" | "-a" | "--argv0" => {
                options.push((text.to_owned(), words.get(i + 1).cloned()));
                i += 2;
            }
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
            _ if text.starts_with("--chdir=") => {
                let value = text.strip_prefix("--chdir=").unwrap_or_default();
                options.push(("--chdir".into(), Some(Expanded::literal(value))));
                i += 1;
            }
            _ if text.starts_with("-C") && text.len() > 2 => {
                options.push(("-C".into(), Some(Expanded::literal(&text[2..]))));
                i += 1;
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
        EnvStrip::Command(rest, split, options)
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| super::word::is_name(name))
}
