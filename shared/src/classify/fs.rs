//! Commands that delete, overwrite or re-permission files, and redirections onto files.

use super::Risk;
use super::bash::{Subject, Verdict};
use super::paths::{self, Judged, Place, Secret};
use crate::shell::RedirectKind;

/// Judges file-system programs; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    match program {
        "rm" | "srm" | "rimraf" | "del-cli" | "unlink" | "shred" => rm(program, s, v),
        "rmdir" => each_operand(s, |raw, dynamic| {
            let j = paths::judge(raw, dynamic, s.ctx);
            removal(&j, false, raw, s, v, "rmdir");
        }),
        "find" => find(s, v),
        "truncate" => truncate(s, v),
        "dd" => dd(s, v),
        p if p.starts_with("mkfs") => v.add(
            "disk.format",
            Risk::High,
            "formats a file system, erasing the device",
            s.text(),
        ),
        "mkswap" | "wipefs" | "sgdisk" | "blkdiscard" | "mke2fs" | "cryptsetup" => {
            if s.args()
                .iter()
                .any(|a| matches!(a.as_str(), "-l" | "--list" | "-p" | "--print" | "status"))
            {
                v.add("disk.read", Risk::Low, "lists partitions", s.text());
            } else {
                v.add(
                    "disk.format",
                    Risk::High,
                    "erases signatures or partitions of a disk",
                    s.text(),
                );
            }
        }
        "fdisk" | "sfdisk" | "parted" | "cfdisk" | "gdisk" => {
            if s.args()
                .iter()
                .any(|a| matches!(a.as_str(), "-l" | "--list" | "print"))
            {
                v.add("disk.read", Risk::Low, "lists partitions", s.text());
            } else {
                v.add(
                    "disk.partition",
                    Risk::High,
                    "changes a disk's partition table",
                    s.text(),
                );
            }
        }
        "chmod" | "chown" | "chgrp" | "setfacl" => perms(program, s, v),
        "cp" | "mv" | "install" | "ln" | "rsync" if program != "rsync" || !has_remote(s) => {
            copy_move(program, s, v);
        }
        "sed" | "perl" if in_place(s) => edit_in_place(s, v),
        "tee" => {
            for (i, arg) in s.args().iter().enumerate() {
                if !arg.starts_with('-') {
                    write_target(arg, s.arg_dynamic(i), false, s, v);
                }
            }
            v.known = true;
        }
        "mkdir" | "touch" => {
            for (i, arg) in s.args().iter().enumerate() {
                if !arg.starts_with('-') {
                    let j = paths::judge(arg, s.arg_dynamic(i), s.ctx);
                    if matches!(j.place, Place::System | Place::Root) {
                        v.add(
                            "fs.write-system",
                            Risk::High,
                            format!("creates `{arg}` in a system directory"),
                            s.text(),
                        );
                    }
                }
            }
            v.add(
                "fs.create",
                Risk::Low,
                "creates files or directories",
                s.text(),
            );
        }
        _ => return false,
    }
    true
}

fn has_remote(s: &Subject<'_>) -> bool {
    s.args()
        .iter()
        .any(|a| !a.starts_with('-') && super::net::remote_spec(a).is_some())
}

fn in_place(s: &Subject<'_>) -> bool {
    s.args().iter().any(|a| {
        a == "--in-place"
            || a.starts_with("--in-place=")
            || (a.starts_with("-i") && !a.starts_with("--"))
            || (a.starts_with('-')
                && !a.starts_with("--")
                && a.contains('i')
                && a.len() <= 4
                && a != "-e")
    })
}

/// Calls `f` on each operand (non-option word, all words after `--`).
fn each_operand(s: &Subject<'_>, mut f: impl FnMut(&str, bool)) {
    let mut options_done = false;
    for (i, arg) in s.args().iter().enumerate() {
        if !options_done && arg == "--" {
            options_done = true;
            continue;
        }
        if !options_done && arg.starts_with('-') && arg.len() > 1 {
            continue;
        }
        f(arg, s.arg_dynamic(i));
    }
}

fn rm(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let mut recursive = matches!(program, "rimraf" | "del-cli");
    let mut no_preserve_root = false;
    let mut operands: Vec<(String, bool)> = Vec::new();
    let mut options_done = false;
    for (i, arg) in s.args().iter().enumerate() {
        if !options_done && arg == "--" {
            options_done = true;
        } else if !options_done && arg.starts_with("--") {
            let long = &arg[2..];
            if "recursive".starts_with(long) && long.len() >= 2 {
                recursive = true;
            }
            if long == "no-preserve-root" {
                no_preserve_root = true;
            }
        } else if !options_done && arg.starts_with('-') && arg.len() > 1 {
            if arg.contains(['r', 'R']) {
                recursive = true;
            }
        } else {
            operands.push((arg.clone(), s.arg_dynamic(i)));
        }
    }
    let shred = program == "shred";
    // `find -exec rm {}` works through a whole tree; `xargs rm` takes its operands from input.
    if s.parent().is_some_and(|p| p.program() == Some("find")) {
        recursive = true;
    }
    if operands.is_empty()
        && let Some(input) = s
            .parent()
            .filter(|p| p.program() == Some("xargs"))
            .and_then(|p| p.stdin_text.as_ref())
    {
        operands = input
            .split_whitespace()
            .map(|w| (w.to_owned(), false))
            .collect();
    }
    if no_preserve_root {
        v.add(
            "fs.rm-root",
            Risk::High,
            "removes with --no-preserve-root",
            s.text(),
        );
    }
    if operands.is_empty() {
        let risk = if recursive { Risk::Medium } else { Risk::Low };
        v.add(
            if recursive {
                "fs.rm-recursive"
            } else {
                "fs.rm"
            },
            risk,
            "deletes files named on its input, which cannot be checked here",
            s.text(),
        );
        return;
    }
    for (raw, dynamic) in operands {
        if shred && is_device(&raw) {
            v.add(
                "disk.overwrite",
                Risk::High,
                format!("overwrites the device `{raw}`"),
                s.text(),
            );
            continue;
        }
        for target in find_placeholder(&raw, s) {
            let j = paths::judge(&target, dynamic, s.ctx);
            removal(
                &j,
                recursive,
                &raw,
                s,
                v,
                if shred { "shred" } else { "rm" },
            );
        }
    }
}

/// `{}` in a `find -exec` command stands for files under find's start paths.
fn find_placeholder(raw: &str, s: &Subject<'_>) -> Vec<String> {
    if !raw.contains("{}") {
        return vec![raw.to_owned()];
    }
    match s.parent() {
        Some(parent) if parent.program() == Some("find") => {
            let args = &parent.effective[1..];
            let name = args
                .windows(2)
                .find(|w| matches!(w[0].as_str(), "-name" | "-iname"))
                .map_or("f*", |w| w[1].as_str());
            find_starts(args)
                .into_iter()
                .map(|start| {
                    format!(
                        "{}/{}",
                        start.trim_end_matches('/'),
                        raw.replace("{}", name)
                    )
                })
                .collect()
        }
        _ => vec![raw.to_owned()],
    }
}

fn find_starts(args: &[String]) -> Vec<String> {
    let starts: Vec<String> = args
        .iter()
        .skip_while(|a| {
            matches!(a.as_str(), "-H" | "-L" | "-P") || a.starts_with("-O") || a.starts_with("-D")
        })
        .take_while(|a| !a.starts_with('-') && !matches!(a.as_str(), "(" | "!" | ","))
        .cloned()
        .collect();
    if starts.is_empty() {
        vec![".".to_owned()]
    } else {
        starts
    }
}

/// Judges deleting one judged path.
fn removal(j: &Judged, recursive: bool, raw: &str, s: &Subject<'_>, v: &mut Verdict, verb: &str) {
    let text = s.text();
    let secret = paths::secret(raw, j, s.ctx);
    let (class, risk, reason) = match j.place {
        Place::Root => (
            "fs.rm-root",
            Risk::High,
            format!("{verb} of the filesystem root `{raw}`"),
        ),
        Place::MaybeRoot => (
            "fs.rm-root",
            Risk::High,
            format!("{verb} of `{raw}`, which is `/` when the variable is empty"),
        ),
        Place::System => (
            "fs.rm-system",
            Risk::High,
            format!("{verb} of the system path `{raw}`"),
        ),
        Place::Home => (
            "fs.rm-home",
            Risk::High,
            format!("{verb} of the home directory `{raw}`"),
        ),
        Place::HomeChild
            if recursive || secret.is_some() || paths::is_startup_or_access_file(j, s.ctx) =>
        {
            (
                "fs.rm-home",
                Risk::High,
                format!("{verb} of `{raw}` in the home directory, outside the project"),
            )
        }
        Place::HomeChild | Place::Outside if !recursive => (
            "fs.rm-outside",
            Risk::Medium,
            format!("{verb} of `{raw}`, outside the project"),
        ),
        Place::HomeChild | Place::Outside => (
            "fs.rm-outside",
            Risk::High,
            format!("recursive {verb} of `{raw}`, outside the project"),
        ),
        Place::ProjectRoot if recursive => (
            "fs.rm-project",
            Risk::High,
            format!("recursive {verb} of the whole project `{raw}`"),
        ),
        Place::ProjectGit => (
            "fs.rm-git",
            Risk::High,
            format!("{verb} of the repository's history `{raw}`"),
        ),
        Place::Build => (
            "fs.rm-build",
            Risk::Low,
            format!("{verb} of build output `{raw}`"),
        ),
        Place::Temp => (
            "fs.rm-temp",
            Risk::Medium,
            format!("{verb} of the temporary path `{raw}`"),
        ),
        Place::Unknown => (
            if recursive {
                "fs.rm-recursive"
            } else {
                "fs.rm"
            },
            Risk::Medium,
            format!("{verb} of `{raw}`, a computed path that cannot be checked"),
        ),
        Place::ProjectRoot | Place::Project if recursive => (
            "fs.rm-recursive",
            Risk::Medium,
            format!("recursive {verb} of `{raw}` in the project"),
        ),
        Place::ProjectRoot | Place::Project => (
            "fs.rm",
            Risk::Medium,
            format!("{verb} of `{raw}` in the project"),
        ),
    };
    v.add(class, risk, reason, text);
}

fn find(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let deletes = args.iter().any(|a| a == "-delete");
    if deletes {
        for start in find_starts(args) {
            let target = format!("{}/f*", start.trim_end_matches('/'));
            let j = paths::judge(&target, start.contains('$'), s.ctx);
            removal(&j, true, &start, s, v, "find -delete");
        }
    } else if args
        .iter()
        .any(|a| a.starts_with("-exec") || a.starts_with("-ok"))
    {
        v.add(
            "fs.find-exec",
            Risk::Low,
            "runs a command on each file found (judged on its own)",
            s.text(),
        );
    } else {
        v.add("read.find", Risk::Low, "lists files", s.text());
    }
    for (i, arg) in args.iter().enumerate() {
        if matches!(arg.as_str(), "-fprint" | "-fprintf" | "-fls" | "-fprint0")
            && let Some(target) = args.get(i + 1)
        {
            write_target(target, false, false, s, v);
        }
    }
}

fn truncate(s: &Subject<'_>, v: &mut Verdict) {
    let mut skip_next = false;
    let mut any = false;
    for (i, arg) in s.args().iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if matches!(arg.as_str(), "-s" | "-r" | "--size" | "--reference") {
            skip_next = true;
            continue;
        }
        if arg.starts_with('-') {
            continue;
        }
        any = true;
        write_target(arg, s.arg_dynamic(i), true, s, v);
        let j = paths::judge(arg, s.arg_dynamic(i), s.ctx);
        if j.place.in_project() {
            v.add(
                "fs.truncate",
                Risk::Medium,
                format!("empties `{arg}`"),
                s.text(),
            );
        }
    }
    if !any {
        v.known = true;
    }
}

fn dd(s: &Subject<'_>, v: &mut Verdict) {
    let output = s.args().iter().find_map(|a| a.strip_prefix("of="));
    match output {
        Some(target) if is_device(target) => v.add(
            "disk.overwrite",
            Risk::High,
            format!("writes raw data onto the device `{target}`"),
            s.text(),
        ),
        Some(target) => write_target(target, false, true, s, v),
        None => {}
    }
    v.add("fs.dd", Risk::Low, "copies data", s.text());
}

/// Block devices and memory: writing them destroys file systems.
pub(super) fn is_device(target: &str) -> bool {
    let Some(dev) = target.strip_prefix("/dev/") else {
        return false;
    };
    !matches!(
        dev,
        "null" | "zero" | "stdout" | "stderr" | "stdin" | "tty" | "random" | "urandom" | "full"
    ) && !dev.starts_with("fd/")
        && !dev.starts_with("pts/")
        && !dev.starts_with("tcp/")
        && !dev.starts_with("udp/")
        && !dev.starts_with("shm/")
}

fn perms(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let recursive = args.iter().any(|a| {
        a == "-R"
            || a == "--recursive"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('R'))
    });
    let mut words = args
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.starts_with('-') || is_mode(a));
    let mode = if program == "setfacl" {
        None
    } else {
        words.next().map(|(_, a)| a.clone())
    };
    let world = mode.as_deref().is_some_and(|m| {
        let digits = m.trim_start_matches('0');
        digits.ends_with("777")
            || digits.ends_with("666")
            || m.contains("o+w")
            || m.contains("a+w")
            || m.contains("a+rwx")
            || m.contains("ugo+rwx")
            || m == "+w"
    });
    let setuid = program == "chmod"
        && mode
            .as_deref()
            .is_some_and(|m| m.contains("+s") || (m.len() == 4 && m.starts_with(['4', '2', '6'])));
    let mut worst: Option<String> = None;
    for (i, arg) in words {
        let j = paths::judge(arg, s.arg_dynamic(i), s.ctx);
        let risky = match j.place {
            Place::Root | Place::System | Place::Home | Place::MaybeRoot => true,
            Place::HomeChild | Place::Outside => {
                recursive
                    || paths::secret(arg, &j, s.ctx).is_some()
                    || paths::is_startup_or_access_file(&j, s.ctx)
            }
            _ => false,
        };
        if risky {
            worst = Some(arg.clone());
        }
    }
    let verb = if program == "chmod" {
        "permissions"
    } else {
        "ownership"
    };
    if let Some(path) = worst {
        let class = if program == "chmod" && world {
            "sys.chmod-777"
        } else if program == "chmod" {
            "sys.chmod-system"
        } else {
            "sys.chown-outside"
        };
        let how = if recursive { " recursively" } else { "" };
        v.add(
            class,
            Risk::High,
            format!("changes {verb}{how} of `{path}`, outside the project"),
            s.text(),
        );
    } else if world {
        v.add(
            "sys.chmod-777",
            Risk::Medium,
            "makes files writable by every user",
            s.text(),
        );
    } else if setuid {
        v.add(
            "sys.chmod-setuid",
            Risk::Medium,
            "sets the setuid/setgid bit",
            s.text(),
        );
    } else if program == "chmod" {
        v.add(
            "fs.chmod",
            Risk::Low,
            "changes permissions inside the project",
            s.text(),
        );
    } else {
        v.add(
            "fs.chown",
            Risk::Medium,
            "changes ownership inside the project",
            s.text(),
        );
    }
}

fn is_mode(arg: &str) -> bool {
    arg.len() > 1
        && arg[1..]
            .chars()
            .all(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't'))
}

fn copy_move(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let mut operands: Vec<(String, bool)> = Vec::new();
    let mut target_dir: Option<String> = None;
    let mut skip_next = false;
    let mut options_done = false;
    for (i, arg) in s.args().iter().enumerate() {
        if skip_next {
            target_dir = Some(arg.clone());
            skip_next = false;
            continue;
        }
        if !options_done && arg == "--" {
            options_done = true;
        } else if !options_done && (arg == "-t" || arg == "--target-directory") {
            skip_next = true;
        } else if let Some(dir) = arg.strip_prefix("--target-directory=") {
            target_dir = Some(dir.to_owned());
        } else if !options_done && arg.starts_with('-') && arg.len() > 1 {
            if program == "install" && matches!(arg.as_str(), "-m" | "-o" | "-g") {
                skip_next = false;
            }
        } else {
            operands.push((arg.clone(), s.arg_dynamic(i)));
        }
    }
    let destination = match target_dir {
        Some(dir) => Some((dir, false)),
        None if operands.len() >= 2 => operands.pop(),
        None => None,
    };
    if let Some((dest, dynamic)) = &destination {
        if program != "ln" || !s.args().iter().any(|a| a.contains('s')) {
            write_target(dest, *dynamic, false, s, v);
        }
        if program == "mv" && (is_device(dest) || dest == "/dev/null") {
            v.add(
                "fs.mv-discard",
                Risk::High,
                format!("moves files onto `{dest}`, destroying them"),
                s.text(),
            );
        }
    }
    if program == "mv" {
        for (raw, dynamic) in &operands {
            let j = paths::judge(raw, *dynamic, s.ctx);
            if matches!(
                j.place,
                Place::Root
                    | Place::System
                    | Place::Home
                    | Place::ProjectRoot
                    | Place::ProjectGit
                    | Place::MaybeRoot
            ) {
                v.add(
                    "fs.mv-away",
                    Risk::High,
                    format!("moves `{raw}` away"),
                    s.text(),
                );
            }
        }
    }
    v.add(
        "fs.copy",
        Risk::Low,
        format!("{program} inside the project"),
        s.text(),
    );
}

fn edit_in_place(s: &Subject<'_>, v: &mut Verdict) {
    // The last non-option words are the files; the script is the first unless -e/-f gave it.
    let has_script_option = s
        .args()
        .iter()
        .any(|a| a == "-e" || a == "-f" || a.starts_with("--expression"));
    let mut files: Vec<(String, bool)> = s
        .args()
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.starts_with('-'))
        .map(|(i, a)| (a.clone(), s.arg_dynamic(i)))
        .collect();
    if !has_script_option && !files.is_empty() {
        files.remove(0);
    }
    for (file, dynamic) in &files {
        write_target(file, *dynamic, true, s, v);
    }
    v.add("fs.edit", Risk::Low, "edits files in place", s.text());
}

/// Judges output redirections of any command.
pub(super) fn redirects(s: &Subject<'_>, v: &mut Verdict) {
    for redirect in &s.command.redirects {
        match redirect.kind {
            RedirectKind::Write | RedirectKind::Append | RedirectKind::ReadWrite => {
                let target = redirect.target.as_str();
                if target.starts_with("/dev/tcp/") || target.starts_with("/dev/udp/") {
                    v.findings.push(super::Finding::new(
                        "net.reverse-shell",
                        Risk::High,
                        format!("connects the shell's input and output to `{target}`"),
                        s.text(),
                    ));
                    continue;
                }
                write_target(
                    target,
                    target.contains('$'),
                    redirect.kind == RedirectKind::Write,
                    s,
                    v,
                );
            }
            RedirectKind::Read => {
                let j = paths::judge(&redirect.target, false, s.ctx);
                if let Some(secret) = paths::secret(&redirect.target, &j, s.ctx) {
                    super::net::secret_read(&redirect.target, secret, s, v);
                }
            }
            RedirectKind::Duplicate => {}
        }
    }
}

/// Judges writing (or truncating) one file; records nothing for ordinary project files.
pub(super) fn write_target(
    raw: &str,
    dynamic: bool,
    truncates: bool,
    s: &Subject<'_>,
    v: &mut Verdict,
) {
    if raw.is_empty()
        || raw.starts_with("/dev/fd/")
        || matches!(
            raw,
            "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "-"
        )
    {
        return;
    }
    if is_device(raw) {
        v.findings.push(super::Finding::new(
            "disk.overwrite",
            Risk::High,
            format!("writes onto the device `{raw}`"),
            s.text(),
        ));
        return;
    }
    let j = paths::judge(raw, dynamic, s.ctx);
    let secret = paths::secret(raw, &j, s.ctx);
    let finding = match j.place {
        Place::Root | Place::System => Some((
            "fs.write-system",
            Risk::High,
            format!("writes `{raw}` in a system directory"),
        )),
        Place::Home | Place::HomeChild
            if paths::is_startup_or_access_file(&j, s.ctx)
                || secret == Some(Secret::Credential) =>
        {
            Some((
                "fs.write-startup",
                Risk::High,
                format!("changes `{raw}`, which runs code or grants access"),
            ))
        }
        Place::Home | Place::HomeChild | Place::Outside => Some((
            "fs.write-outside",
            Risk::Medium,
            format!("writes `{raw}`, outside the project"),
        )),
        Place::ProjectGit => Some((
            "fs.write-git",
            Risk::Medium,
            format!("writes `{raw}` inside .git"),
        )),
        _ if secret.is_some() && truncates => Some((
            "secret.write",
            Risk::Medium,
            format!("overwrites the secrets file `{raw}`"),
        )),
        Place::MaybeRoot | Place::Unknown => Some((
            "fs.write-unknown",
            Risk::Medium,
            format!("writes `{raw}`, a computed path"),
        )),
        _ => None,
    };
    if let Some((class, risk, reason)) = finding {
        v.findings
            .push(super::Finding::new(class, risk, reason, s.text()));
    }
}
