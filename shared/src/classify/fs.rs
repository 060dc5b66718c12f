//! Commands that delete, overwrite or re-permission files, and redirections onto files.

use super::catalog::{self as c, Class};
use super::paths::{self, Judged, Place, Secret};
use super::subject::{Subject, Verdict};
use crate::shell::{Command, RedirectKind};

/// Judges file-system programs; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    match program {
        "rm" | "srm" | "rimraf" | "del-cli" | "unlink" | "shred" | "wipe" => {
            rm(program, s, v);
        }
        "rmdir" => each_operand(s, |raw, dynamic| {
            let j = s.path(raw, dynamic);
            // rmdir only removes empty directories: only the root and system paths matter.
            if matches!(j.place, Place::Root | Place::System) {
                removal(&j, false, raw, s, v, "rmdir");
            } else {
                v.add(&c::FS_CREATE, "removes empty directories", s.text());
            }
        }),
        "find" => find(s, v),
        "truncate" => truncate(s, v),
        "dd" => dd(s, v),
        p if p.starts_with("mkfs") || p.starts_with("mke2fs") => v.add(
            &c::DISK_FORMAT,
            "formats a file system, erasing the device",
            s.text(),
        ),
        "mkswap" | "wipefs" | "sgdisk" | "blkdiscard" | "cryptsetup" | "hdparm" | "nvme"
        | "badblocks" | "zpool" | "zfs" | "lvremove" | "vgremove" | "pvremove" | "mdadm" => {
            if s.args().iter().any(|a| {
                matches!(
                    a.as_str(),
                    "-l" | "--list"
                        | "-p"
                        | "--print"
                        | "status"
                        | "list"
                        | "-I"
                        | "--detail"
                        | "get"
                        | "iostat"
                ) || a.starts_with("--dry-run")
            }) {
                v.add(&c::DISK_LIST, "lists disks or partitions", s.text());
            } else {
                v.add(
                    &c::DISK_FORMAT,
                    format!("{program} erases or reshapes a disk, pool or volume"),
                    s.text(),
                );
            }
        }
        "fdisk" | "sfdisk" | "parted" | "cfdisk" | "gdisk" => {
            if s.args()
                .iter()
                .any(|a| matches!(a.as_str(), "-l" | "--list" | "print"))
            {
                v.add(&c::DISK_LIST, "lists partitions", s.text());
            } else {
                v.add(
                    &c::DISK_PARTITION,
                    "changes a disk's partition table",
                    s.text(),
                );
            }
        }
        "chmod" | "chown" | "chgrp" | "setfacl" => perms(program, s, v),
        "rsync" if super::net::has_remote_operand(s) => return false,
        "cp" | "mv" | "install" | "ln" | "rsync" | "ditto" | "gcp" | "gmv" => {
            copy_move(program, s, v);
        }
        "sed" | "gsed" | "perl" | "ruby" if in_place(program, s) => edit_in_place(program, s, v),
        "tee" | "sponge" => {
            each_operand(s, |raw, dynamic| {
                write_target(raw, dynamic, program == "sponge", s, v);
                if let Some(content) = stdin_content(s) {
                    super::scripts::written(raw, &content, s, v);
                }
            });
            v.known = true;
        }
        "mkdir" | "touch" | "mktemp" => {
            each_operand(s, |raw, dynamic| {
                let j = s.path(raw, dynamic);
                if matches!(j.place, Place::System | Place::Root) {
                    v.add(
                        &c::FS_WRITE_SYSTEM,
                        format!("creates `{raw}` in a system directory"),
                        s.text(),
                    );
                }
            });
            v.add(&c::FS_CREATE, "creates files or directories", s.text());
        }
        "tar" | "bsdtar" | "gtar" | "unzip" | "7z" | "7za" | "unrar" | "cpio" => {
            extract(program, s, v);
        }
        _ => return false,
    }
    true
}

/// Text a command writes from its standard input: a here-document, or what static
/// `echo`/`printf` earlier in its pipeline print.
pub(super) fn stdin_content(s: &Subject<'_>) -> Option<String> {
    if let Some(text) = &s.command.stdin_text {
        return Some(text.clone());
    }
    let up = s.upstream().next()?;
    printed(up)
}

/// What `echo` or `printf` with static arguments print, escapes decoded as they decode them.
pub(super) fn printed(c: &Command) -> Option<String> {
    if c.dynamic_args.iter().skip(1).any(|d| *d) {
        return None;
    }
    match c.effective.split_first()? {
        (p, args) if p == "echo" => {
            let escapes = args
                .first()
                .is_some_and(|a| matches!(a.as_str(), "-e" | "-ne" | "-en"));
            let text = args
                .iter()
                .map(String::as_str)
                .skip_while(|a| matches!(*a, "-n" | "-e" | "-E" | "-ne" | "-en"))
                .collect::<Vec<_>>()
                .join(" ");
            Some(if escapes { decode_escapes(&text) } else { text })
        }
        (p, [format, rest @ ..]) if p == "printf" => {
            let mut out = decode_escapes(format);
            let mut values = rest.iter();
            while let Some(pos) = out.find("%s").or_else(|| out.find("%b")) {
                let value = values.next().map_or("", String::as_str);
                let value = if out[pos..].starts_with("%b") {
                    decode_escapes(value)
                } else {
                    value.to_owned()
                };
                out.replace_range(pos..pos + 2, &value);
            }
            Some(out)
        }
        (p, []) if p == "cat" => c.stdin_text.clone(),
        _ => None,
    }
}

/// `text` with the backslash escapes of `printf` and `echo -e` decoded (`\n`, `\x72`, `\162`).
pub(super) fn decode_escapes(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let after_zero = after
            .strip_prefix('0')
            .filter(|r| r.starts_with(|c: char| c.is_digit(8)));
        let (decoded, used) = super::code::decode_escape(after_zero.unwrap_or(after));
        out.push_str(&decoded);
        rest = &after[used + usize::from(after_zero.is_some())..];
    }
    out.push_str(rest);
    out
}

fn in_place(program: &str, s: &Subject<'_>) -> bool {
    s.args().iter().any(|a| {
        a == "--in-place"
            || a.starts_with("--in-place=")
            || (a.starts_with("-i") && !a.starts_with("--"))
            || (program != "sed"
                && a.starts_with('-')
                && !a.starts_with("--")
                && a.contains('i')
                && a.len() <= 5)
            || (program == "sed"
                && a.starts_with('-')
                && !a.starts_with("--")
                && a.len() <= 4
                && a[1..].chars().all(|ch| "nrEsuzi".contains(ch))
                && a.contains('i'))
    })
}

/// Calls `f` on each operand (non-option word, all words after `--`).
pub(super) fn each_operand(s: &Subject<'_>, mut f: impl FnMut(&str, bool)) {
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

/// The options and operands of `rm`.
struct RmArgs {
    recursive: bool,
    no_preserve_root: bool,
    operands: Vec<(String, bool)>,
}

fn rm_args(program: &str, s: &Subject<'_>) -> RmArgs {
    let mut out = RmArgs {
        recursive: matches!(program, "rimraf" | "del-cli"),
        no_preserve_root: false,
        operands: Vec::new(),
    };
    let mut options_done = false;
    for (i, arg) in s.args().iter().enumerate() {
        if !options_done && arg == "--" {
            options_done = true;
        } else if !options_done && arg.starts_with("--") {
            let long = &arg[2..];
            if long.len() >= 3 && "recursive".starts_with(long) {
                out.recursive = true;
            }
            if long == "no-preserve-root" {
                out.no_preserve_root = true;
            }
        } else if !options_done && arg.starts_with('-') && arg.len() > 1 {
            if arg.contains(['r', 'R']) {
                out.recursive = true;
            }
        } else {
            out.operands.push((arg.clone(), s.arg_dynamic(i)));
        }
    }
    out
}

fn rm(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let RmArgs {
        recursive,
        no_preserve_root,
        mut operands,
    } = rm_args(program, s);
    let shred = program == "shred";
    let verb = if shred { "shred" } else { "rm" };
    if no_preserve_root {
        v.add(&c::FS_RM_ROOT, "removes with --no-preserve-root", s.text());
    }
    let runner = s.parent().and_then(Command::program);
    let from_find = runner == Some("find");
    // `{}` stands for what the runner finds or reads: its values are judged below.
    if matches!(runner, Some("find" | "parallel" | "xargs")) {
        // The shell reader writes items it cannot read as `{}`, `[xargs input]` or `...`.
        operands.retain(|(raw, dynamic)| {
            !(raw.contains("{}") || *dynamic && matches!(raw.as_str(), "[xargs input]" | "..."))
        });
        if let Some(parent) = s.parent() {
            operands.extend(runner_items(parent, s).into_iter().map(|i| (i, false)));
        }
    }
    if operands.is_empty() {
        if runner.is_some() && !matches!(runner, Some("find")) {
            let class = if recursive {
                &c::FS_RM_COMPUTED_TREE
            } else {
                &c::FS_RM_COMPUTED
            };
            v.add(
                class,
                "deletes files named on its input, which cannot be read here",
                s.text(),
            );
        } else {
            v.add(&c::FS_RM, "rm without operands deletes nothing", s.text());
        }
        return;
    }
    for (raw, dynamic) in operands {
        if shred && is_device(&raw) {
            v.add(
                &c::DISK_OVERWRITE,
                format!("overwrites the device `{raw}`"),
                s.text(),
            );
            continue;
        }
        // `find -exec rm {}` with nothing narrowing it works through a whole tree; files
        // found by a name pattern (`-name '*.tmp'`) are those files, even for `rm -r`.
        let recursive = if from_find {
            raw.ends_with("/*")
                || (recursive
                    && !raw
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.contains(['*', '?', '['])))
        } else {
            recursive
        };
        for alternative in brace_alternatives(&raw) {
            let j = s.path(&alternative, dynamic);
            // Files found anywhere under the home directory are its files.
            let recursive =
                recursive || (from_find && matches!(j.place, Place::Home | Place::HomeChild));
            removal(&j, recursive, &raw, s, v, verb);
        }
    }
}

/// The items a runner hands its command in place of `{}` or as extra operands: for `find`, a
/// file under each start path that passes its tests; for `xargs` and `parallel`, the literal
/// words an earlier `echo`/`printf`/here-string gives it, or the files a lister in its pipeline
/// names (`find`, `ls`, `git ls-files`, `grep -l`). Empty when they cannot be told (the caller
/// then judges the command as deleting computed paths).
fn runner_items(runner: &Command, s: &Subject<'_>) -> Vec<String> {
    match runner.program() {
        Some("find") => find_items(&runner.effective[1..]),
        Some("xargs") => {
            if let Some(text) = &runner.stdin_text {
                return text.split_whitespace().map(str::to_owned).collect();
            }
            let up = s
                .all
                .iter()
                .rfind(|o| o.pipeline == runner.pipeline && o.stage < runner.stage);
            match up {
                Some(up) if up.program() == Some("find") => find_items(&up.effective[1..]),
                Some(up) => match printed(up) {
                    Some(text) => text.split_whitespace().map(str::to_owned).collect(),
                    None if lists_project_files(up) => vec!["./listed-file".to_owned()],
                    None => Vec::new(),
                },
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Programs whose output is a list of files inside the working tree.
fn lists_project_files(c: &Command) -> bool {
    let args: Vec<&str> = c.effective.iter().skip(1).map(String::as_str).collect();
    match c.program() {
        Some("git") => matches!(
            args.first().copied(),
            Some("ls-files" | "diff" | "status" | "grep")
        ),
        Some("grep" | "rg" | "ag" | "ack") => args.iter().any(|a| {
            a.starts_with('-')
                && (a.contains('l') || *a == "--files-with-matches" || *a == "--files")
        }),
        Some("ls" | "fd" | "fdfind") => args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .all(|a| !a.starts_with(['/', '~']) && !a.contains("..")),
        _ => false,
    }
}

/// Tests of `find` that narrow what it finds to some files, not every file under a start path.
const FIND_FILTERS: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-newer",
    "-mtime",
    "-mmin",
    "-atime",
    "-amin",
    "-ctime",
    "-cmin",
    "-size",
    "-empty",
    "-user",
    "-group",
    "-perm",
    "-links",
    "-inum",
    "-samefile",
    "-lname",
    "-ilname",
    "-used",
    "-newermt",
    "-newerct",
];

/// One file each start path of a `find` yields: `start/<name pattern>` when a test narrows it,
/// else `start/*` (everything under it).
fn find_items(args: &[String]) -> Vec<String> {
    let name = args
        .windows(2)
        .find(|w| {
            matches!(
                w[0].as_str(),
                "-name" | "-iname" | "-path" | "-ipath" | "-regex"
            )
        })
        .map(|w| {
            let pattern = w[1].rsplit('/').next().unwrap_or(&w[1]);
            if pattern.is_empty() || pattern.chars().all(|c| matches!(c, '*' | '.' | '?')) {
                "found-file".to_owned()
            } else {
                pattern.to_owned()
            }
        });
    let narrowed = name.is_some() || args.iter().any(|a| FIND_FILTERS.contains(&a.as_str()));
    find_starts(args)
        .into_iter()
        .map(|start| {
            let base = start.trim_end_matches('/');
            let base = if base.is_empty() { "/" } else { base };
            match (&name, narrowed) {
                (Some(name), _) => format!("{base}/{name}"),
                (None, true) => format!("{base}/found-file"),
                (None, false) => format!("{base}/*"),
            }
        })
        .collect()
}

/// The words a brace expansion makes (`/{etc,usr}` is `/etc` and `/usr`; `{/,}` is `/` and
/// the empty word), at most 64 of them; a word without braces is itself.
fn brace_alternatives(word: &str) -> Vec<String> {
    let mut out = vec![word.to_owned()];
    for _ in 0..4 {
        let mut next = Vec::new();
        let mut changed = false;
        for w in &out {
            let Some(open) = w.find('{') else {
                next.push(w.clone());
                continue;
            };
            let Some(close) = w[open..].find('}').map(|c| open + c) else {
                next.push(w.clone());
                continue;
            };
            let inner = &w[open + 1..close];
            if !inner.contains(',') {
                next.push(w.clone());
                continue;
            }
            changed = true;
            for part in inner.split(',') {
                if next.len() < 64 {
                    next.push(format!("{}{part}{}", &w[..open], &w[close + 1..]));
                }
            }
        }
        out = next;
        if !changed {
            break;
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

pub(super) fn find_starts(args: &[String]) -> Vec<String> {
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

/// The class and reason for deleting one judged path.
pub(super) fn removal_class(
    j: &Judged,
    recursive: bool,
    raw: &str,
    ctx: &super::Context,
    verb: &str,
) -> (&'static Class, String) {
    let secret = paths::secret(raw, j, ctx);
    match j.place {
        Place::Root => (
            &c::FS_RM_ROOT,
            format!("{verb} of the filesystem root `{raw}`"),
        ),
        Place::MaybeRoot => (
            &c::FS_RM_ROOT,
            format!("{verb} of `{raw}`, which is `/` when the variable is empty"),
        ),
        Place::System => (
            &c::FS_RM_SYSTEM,
            format!("{verb} of the system path `{raw}`"),
        ),
        Place::Home => (
            &c::FS_RM_HOME,
            format!("{verb} of the home directory `{raw}`"),
        ),
        Place::HomeChild | Place::Outside if paths::is_history_file(j) => (
            &c::SYS_HISTORY,
            format!("{verb} of the history file `{raw}`"),
        ),
        Place::HomeChild
            if recursive || secret.is_some() || paths::is_startup_or_access_file(j, ctx) =>
        {
            (
                &c::FS_RM_HOME,
                format!("{verb} of `{raw}` in the home directory, outside the project"),
            )
        }
        Place::HomeChild | Place::Outside if !recursive => (
            &c::FS_RM_OUTSIDE,
            format!("{verb} of `{raw}`, outside the project"),
        ),
        Place::HomeChild | Place::Outside => (
            &c::FS_RM_OUTSIDE_TREE,
            format!("recursive {verb} of `{raw}`, outside the project"),
        ),
        Place::ProjectRoot => (
            &c::FS_RM_PROJECT,
            format!("{verb} of the whole project `{raw}`"),
        ),
        Place::ProjectGit => (
            &c::FS_RM_GIT,
            format!("{verb} of the repository's history `{raw}`"),
        ),
        Place::Build => (&c::FS_RM_BUILD, format!("{verb} of build output `{raw}`")),
        Place::Temp => (
            &c::FS_RM_TEMP,
            format!("{verb} of the temporary path `{raw}`"),
        ),
        Place::Unknown if recursive => (
            &c::FS_RM_COMPUTED_TREE,
            format!("recursive {verb} of `{raw}`, a path that cannot be read"),
        ),
        Place::Unknown => (
            &c::FS_RM_COMPUTED,
            format!("{verb} of `{raw}`, a path that cannot be read"),
        ),
        Place::Project if recursive && paths::is_source_root(j, ctx) => (
            &c::FS_RM_SOURCE,
            format!(
                "recursive {verb} of `{raw}`, a whole source, test or docs tree of the project"
            ),
        ),
        Place::Project if recursive => (
            &c::FS_RM_TREE,
            format!("recursive {verb} of `{raw}`, project files that are not build output"),
        ),
        Place::Project if secret.is_some() => (
            &c::SECRET_WRITE,
            format!("{verb} of the secrets file `{raw}`"),
        ),
        Place::Project => (&c::FS_RM, format!("{verb} of `{raw}` in the project")),
    }
}

/// Judges deleting one judged path.
pub(super) fn removal(
    j: &Judged,
    recursive: bool,
    raw: &str,
    s: &Subject<'_>,
    v: &mut Verdict,
    verb: &str,
) {
    let (class, reason) = removal_class(j, recursive, raw, s.ctx, verb);
    v.add(class, reason, s.text());
}

fn find(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    if args.iter().any(|a| a == "-delete") {
        let empty_dirs = args.iter().any(|a| a == "-empty")
            && args.windows(2).any(|w| w[0] == "-type" && w[1] == "d");
        for item in find_items(args) {
            let j = s.path(&item, item.contains('$'));
            if empty_dirs && !matches!(j.place, Place::Root | Place::System) {
                v.add(&c::FS_CREATE, "deletes empty directories", s.text());
                continue;
            }
            // Everything under a start path is a recursive delete of it; found files one by one.
            let everything = item.ends_with("/*");
            let (class, reason) = removal_class(&j, everything, &item, s.ctx, "find -delete");
            let class = match j.place {
                // Found files under home are still the home directory's files.
                Place::HomeChild | Place::Home if !everything => &c::FS_RM_HOME,
                _ => class,
            };
            v.add(class, reason, s.text());
        }
    } else if args
        .iter()
        .any(|a| a.starts_with("-exec") || a.starts_with("-ok"))
    {
        v.add(
            &c::EXEC_NESTED,
            "runs a command on each file found (judged on its own)",
            s.text(),
        );
    } else {
        v.add(&c::READ_EVERYDAY, "lists files", s.text());
    }
    for (i, arg) in args.iter().enumerate() {
        if matches!(arg.as_str(), "-fprint" | "-fprintf" | "-fls" | "-fprint0")
            && let Some(target) = args.get(i + 1)
        {
            write_target(target, false, true, s, v);
        }
    }
}

fn truncate(s: &Subject<'_>, v: &mut Verdict) {
    let mut skip_next = false;
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
        write_target(arg, s.arg_dynamic(i), true, s, v);
        if s.path(arg, s.arg_dynamic(i)).place.in_project() {
            v.add(&c::FS_TRUNCATE, format!("empties `{arg}`"), s.text());
        }
    }
    v.known = true;
}

fn dd(s: &Subject<'_>, v: &mut Verdict) {
    let device_input = s
        .args()
        .iter()
        .find_map(|a| a.strip_prefix("if="))
        .filter(|i| is_device(i));
    if let Some(input) = device_input {
        v.add(
            &c::DISK_READ_RAW,
            format!("reads the raw device `{input}`"),
            s.text(),
        );
    }
    match s.args().iter().find_map(|a| a.strip_prefix("of=")) {
        Some(target) if is_device(target) => v.add(
            &c::DISK_OVERWRITE,
            format!("writes raw data onto the device `{target}`"),
            s.text(),
        ),
        Some(target) => write_target(target, target.contains('$'), true, s, v),
        None => {}
    }
    v.add(&c::FS_DD, "copies data", s.text());
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
        let j = s.path(arg, s.arg_dynamic(i));
        let risky = match j.place {
            Place::Root | Place::System | Place::Home | Place::MaybeRoot => true,
            Place::HomeChild | Place::Outside => {
                recursive
                    || world
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
        let how = if recursive { " recursively" } else { "" };
        v.add(
            &c::FS_PERMS_OUTSIDE,
            format!("changes {verb}{how} of `{path}`, outside the project"),
            s.text(),
        );
    } else if world || setuid {
        v.add(
            &c::FS_CHMOD_WORLD,
            "makes files writable by every user, or setuid",
            s.text(),
        );
    } else if program == "chmod" {
        v.add(
            &c::FS_CHMOD,
            "changes permissions inside the project",
            s.text(),
        );
    } else {
        v.add(
            &c::FS_CHOWN,
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

/// An operand and whether it holds an expansion that could not be resolved.
pub(super) type Operand = (String, bool);

/// The sources and the destination of `cp`, `mv`, `install`, `ln` and a local `rsync`.
pub(super) fn copy_operands(
    program: &str,
    args: &[String],
    dynamic: impl Fn(usize) -> bool,
) -> (Vec<Operand>, Option<Operand>) {
    let mut operands: Vec<Operand> = Vec::new();
    let mut target_dir: Option<Operand> = None;
    let mut skip_next = false;
    let mut options_done = false;
    for (i, arg) in args.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if !options_done && arg == "--" {
            options_done = true;
        } else if !options_done && (arg == "-t" || arg == "--target-directory") {
            if let Some(dir) = args.get(i + 1) {
                target_dir = Some((dir.clone(), dynamic(i + 1)));
            }
            skip_next = true;
        } else if let Some(dir) = arg.strip_prefix("--target-directory=") {
            target_dir = Some((dir.to_owned(), dynamic(i)));
        } else if !options_done && arg.starts_with('-') && arg.len() > 1 {
            let takes_value = match program {
                "install" => matches!(arg.as_str(), "-m" | "-o" | "-g" | "-S" | "--suffix"),
                "rsync" => matches!(
                    arg.as_str(),
                    "-e" | "--rsh" | "--exclude" | "--include" | "--filter" | "-f"
                ),
                "cp" | "mv" | "ln" => arg == "-S" || arg == "--suffix",
                _ => false,
            };
            skip_next = takes_value;
        } else {
            operands.push((arg.clone(), dynamic(i)));
        }
    }
    let destination = match target_dir {
        Some(dir) => Some(dir),
        None if operands.len() >= 2 => operands.pop(),
        None if program == "ln" => operands
            .first()
            .map(|(src, d)| (src.rsplit('/').next().unwrap_or(src).to_owned(), *d)),
        None => None,
    };
    (operands, destination)
}

fn copy_move(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let (sources, destination) = copy_operands(program, s.args(), |i| s.arg_dynamic(i));
    if let Some((dest, dynamic)) = &destination {
        write_target(dest, *dynamic, program != "ln", s, v);
        if program == "mv" && (is_device(dest) || dest == "/dev/null") {
            v.add(
                &c::FS_MV_DISCARD,
                format!("moves files onto `{dest}`, destroying them"),
                s.text(),
            );
        }
        if program == "rsync"
            && s.args().iter().any(|a| {
                a == "--delete" || a.starts_with("--delete-") || a == "--remove-source-files"
            })
        {
            let j = s.path(dest, *dynamic);
            if j.place.in_project() || j.place == Place::Temp {
                v.add(
                    &c::FS_SYNC_DELETE,
                    format!("deletes files in `{dest}` that the source lacks"),
                    s.text(),
                );
            } else {
                v.add(
                    &c::FS_SYNC_DELETE_OUTSIDE,
                    format!(
                        "deletes files in `{dest}`, outside the project, that the source lacks"
                    ),
                    s.text(),
                );
            }
        }
    }
    if program == "mv" {
        for (raw, dynamic) in &sources {
            let j = s.path(raw, *dynamic);
            if matches!(
                j.place,
                Place::Root
                    | Place::System
                    | Place::Home
                    | Place::ProjectRoot
                    | Place::ProjectGit
                    | Place::MaybeRoot
            ) || (j.place == Place::HomeChild && paths::is_startup_or_access_file(&j, s.ctx))
            {
                v.add(&c::FS_MV_AWAY, format!("moves `{raw}` away"), s.text());
            }
        }
    }
    v.add(
        &c::FS_COPY,
        format!("{program} inside the project"),
        s.text(),
    );
}

fn edit_in_place(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    // The last non-option words are the files; the script is the first unless -e/-f gave it.
    let args = s.args();
    let has_script_option = args
        .iter()
        .any(|a| a == "-e" || a == "-f" || a.starts_with("--expression") || a == "-E");
    let mut skip_next = false;
    let mut files: Vec<(String, bool)> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if matches!(a.as_str(), "-e" | "-f" | "-E" | "--expression" | "--file") {
            skip_next = true;
            continue;
        }
        if !a.starts_with('-') {
            files.push((a.clone(), s.arg_dynamic(i)));
        }
    }
    if !has_script_option && !files.is_empty() {
        files.remove(0);
    }
    for (file, dynamic) in &files {
        write_target(file, *dynamic, true, s, v);
    }
    v.add(
        &c::FS_EDIT,
        format!("{program} edits files in place"),
        s.text(),
    );
}

/// `tar -x -C dir`, `unzip -d dir`: the directory an archive is unpacked into.
fn extract(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let target = args.windows(2).find_map(|w| {
        let takes = match program {
            "unzip" => w[0] == "-d",
            "7z" | "7za" => false,
            _ => w[0] == "-C" || w[0] == "--directory",
        };
        takes.then(|| w[1].clone())
    });
    let target = target.or_else(|| {
        args.iter().find_map(|a| {
            a.strip_prefix("--directory=")
                .or_else(|| {
                    if program.starts_with("7z") {
                        a.strip_prefix("-o")
                    } else {
                        None
                    }
                })
                .map(str::to_owned)
        })
    });
    let extracting = match program {
        "unzip" | "unrar" | "cpio" => true,
        "7z" | "7za" => args.first().is_some_and(|a| a == "x" || a == "e"),
        _ => {
            args.iter().any(|a| {
                a == "--extract"
                    || a == "--get"
                    || (!a.starts_with("--") && a.starts_with('-') && a.contains('x'))
            }) || args
                .first()
                .is_some_and(|a| !a.starts_with('-') && a.contains('x'))
        }
    };
    if extracting && let Some(dir) = target {
        let j = s.path(&dir, dir.contains('$'));
        if matches!(j.place, Place::Root | Place::System) {
            v.add(
                &c::FS_WRITE_SYSTEM,
                format!("unpacks an archive over the system directory `{dir}`"),
                s.text(),
            );
        } else if matches!(j.place, Place::Home | Place::HomeChild) {
            v.add(
                &c::FS_WRITE_STARTUP,
                format!("unpacks an archive into `{dir}`, where it can replace start-up files"),
                s.text(),
            );
        } else if j.place == Place::Outside {
            v.add(
                &c::FS_WRITE_OUTSIDE,
                format!("unpacks an archive into `{dir}`, outside the project"),
                s.text(),
            );
        }
    }
    if let Some(line) = args.iter().find_map(|a| {
        a.strip_prefix("--to-command=")
            .or_else(|| a.strip_prefix("--checkpoint-action=exec="))
            .or_else(|| a.strip_prefix("--use-compress-program="))
            .or_else(|| a.strip_prefix("--info-script="))
            .or_else(|| a.strip_prefix("--new-volume-script="))
    }) {
        s.judge_line(line, "tar", v);
    }
    for (i, a) in args.iter().enumerate() {
        if matches!(a.as_str(), "-I" | "--to-command" | "-F")
            && program.ends_with("tar")
            && let Some(line) = args.get(i + 1)
        {
            s.judge_line(line, "tar", v);
        }
    }
    v.add(
        &c::BUILD_EVERYDAY,
        format!("{program} packs or unpacks archives"),
        s.text(),
    );
}

/// A bare redirection (`> file`): empties the file.
pub(super) fn bare_redirection(s: &Subject<'_>, v: &mut Verdict) {
    redirects(s, v);
    let truncates_project_file = s
        .command
        .redirects
        .iter()
        .any(|r| r.kind == RedirectKind::Write && s.path(&r.target, false).place.in_project());
    if truncates_project_file {
        v.add(
            &c::FS_TRUNCATE,
            "empties a file with a bare redirection",
            s.text(),
        );
    }
}

/// Judges output redirections of any command, and what they write into files that run later.
pub(super) fn redirects(s: &Subject<'_>, v: &mut Verdict) {
    for redirect in &s.command.redirects {
        match redirect.kind {
            RedirectKind::Write | RedirectKind::Append | RedirectKind::ReadWrite => {
                let target = redirect.target.as_str();
                if target.starts_with("/dev/tcp/") || target.starts_with("/dev/udp/") {
                    v.add(
                        &c::NET_REVERSE_SHELL,
                        format!("connects the shell's input and output to `{target}`"),
                        s.text(),
                    );
                    continue;
                }
                write_target(
                    target,
                    target.contains('$'),
                    redirect.kind == RedirectKind::Write,
                    s,
                    v,
                );
                if let Some(content) = redirected_content(s) {
                    super::scripts::written(target, &content, s, v);
                }
            }
            RedirectKind::Read => {
                let j = s.path(&redirect.target, false);
                if let Some(secret) = paths::secret(&redirect.target, &j, s.ctx) {
                    super::net::secret_read(&redirect.target, secret, s, v);
                }
            }
            RedirectKind::Duplicate => {}
        }
    }
}

/// What a command sends to its output redirection, when it can be told: what static
/// `echo`/`printf` print, what `cat` or `tee` copy from a here-document.
fn redirected_content(s: &Subject<'_>) -> Option<String> {
    match s.command.program() {
        Some("echo" | "printf") => printed(s.command),
        Some("cat" | "tee") if s.args().iter().all(|a| a.starts_with('-')) => stdin_content(s),
        _ => None,
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
        v.add(
            &c::DISK_OVERWRITE,
            format!("writes onto the device `{raw}`"),
            s.text(),
        );
        return;
    }
    let j = s.path(raw, dynamic);
    match write_class(&j, raw, truncates, s.ctx) {
        Some((class, reason)) => v.add(class, reason, s.text()),
        None => v.add(&c::FS_WRITE, format!("writes `{raw}`"), s.text()),
    }
}

/// The class of writing a judged path, when writing it is more than routine project work.
pub(super) fn write_class(
    j: &Judged,
    raw: &str,
    truncates: bool,
    ctx: &super::Context,
) -> Option<(&'static Class, String)> {
    let secret = paths::secret(raw, j, ctx);
    let git_runs = j.place == Place::ProjectGit && {
        let p = j.path.to_string_lossy();
        p.contains("/.git/hooks")
            || p.ends_with("/.git/config")
            || p.contains("/.git/info/attributes")
    };
    Some(match j.place {
        Place::Root | Place::System => (
            &c::FS_WRITE_SYSTEM,
            format!("writes `{raw}` in a system directory"),
        ),
        _ if paths::is_startup_or_access_file(j, ctx) || git_runs => (
            &c::FS_WRITE_STARTUP,
            format!("changes `{raw}`, which runs code later or grants access"),
        ),
        Place::Home | Place::HomeChild | Place::Outside
            if truncates && paths::is_history_file(j) =>
        {
            (&c::SYS_HISTORY, format!("empties the history file `{raw}`"))
        }
        Place::Home | Place::HomeChild if secret == Some(Secret::Credential) => (
            &c::FS_WRITE_STARTUP,
            format!("changes the credentials `{raw}`"),
        ),
        Place::Home | Place::HomeChild | Place::Outside => (
            &c::FS_WRITE_OUTSIDE,
            format!("writes `{raw}`, outside the project"),
        ),
        Place::ProjectGit => (&c::FS_WRITE_GIT, format!("writes `{raw}` inside .git")),
        _ if secret.is_some() && truncates => (
            &c::SECRET_WRITE,
            format!("overwrites the secrets file `{raw}`"),
        ),
        Place::MaybeRoot | Place::Unknown => (
            &c::FS_WRITE_COMPUTED,
            format!("writes `{raw}`, a path that cannot be read"),
        ),
        _ => return None,
    })
}
