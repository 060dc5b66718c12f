//! Judging a Bash command line: each simple command on its own, by the program that runs, in
//! the directory it runs in.

use std::borrow::Cow;
use std::path::PathBuf;

use super::subject::{Subject, Verdict};
use super::{
    Assessment, Context, agents, catalog, cloud, code, container, db, everyday, fs, git, net, pkg,
    runners, sys, touches,
};
use crate::shell::{Command, Dir, Origin};

/// Judges the assignments in front of commands that the shell reader leaves out of their
/// words (`PAGER='sh -c ...' git log`): see [`runners::prefix_assignments`].
pub(super) fn assess_prefix_assignments(
    line: &str,
    commands: &[Command],
    ctx: &Context,
    out: &mut Assessment,
) {
    let Some(first) = commands.first() else {
        return;
    };
    let subject = Subject {
        command: first,
        all: commands,
        ctx,
        dir_known: true,
        likely_dir: None,
    };
    let mut v = Verdict::default();
    runners::prefix_assignments(line, &subject, &mut v);
    out.findings.extend(v.findings);
}

/// Judges the simple commands of a line already parsed into `out`.
pub(super) fn assess_commands(commands: &[Command], ctx: &Context, out: &mut Assessment) {
    out.trace.push(format!(
        "read {} simple command{}",
        commands.len(),
        if commands.len() == 1 { "" } else { "s" }
    ));
    let dirs = directories(commands, ctx);
    for (index, (command, (dir, likely))) in commands.iter().zip(dirs).enumerate() {
        trace_command(command, out);
        let here: Cow<'_, Context> = match &dir {
            Some(d) if *d != ctx.cwd => {
                out.trace.push(format!("  runs in {}", d.display()));
                Cow::Owned(Context {
                    cwd: d.clone(),
                    ..ctx.clone()
                })
            }
            Some(_) => Cow::Borrowed(ctx),
            None => {
                out.trace
                    .push("  runs in a directory that cannot be read".to_owned());
                Cow::Borrowed(ctx)
            }
        };
        let subject = Subject {
            command,
            all: commands,
            ctx: &here,
            dir_known: dir.is_some(),
            likely_dir: likely.as_deref(),
        };
        let verdict = judge(&subject);
        if !verdict.known {
            out.unrecognised.push(command.text.clone());
        }
        let mut touched = touches::of(&subject, index, dir.clone(), &verdict);
        if dir.is_none() {
            touched.likely_dir.clone_from(&likely);
        }
        out.touches.push(touched);
        out.findings.extend(verdict.findings);
    }
}

/// The directory each command runs in. The shell reader records the `cd`s before each command
/// (`Command::dir`); a reader that records none leaves every command at `Dir::Start`, and then
/// the top-level `cd`s of the line are followed here.
///
/// Each command gets the directory it runs in (`None` when not known) and, when that is not
/// known, where it runs if the line's top-level `cd`s all succeeded.
fn directories(commands: &[Command], ctx: &Context) -> Vec<(Option<PathBuf>, Option<PathBuf>)> {
    let home = ctx.home.as_deref();
    let mut here = Some(ctx.cwd.clone());
    let mut steps: Vec<String> = Vec::new();
    let followed: Vec<Option<PathBuf>> = commands
        .iter()
        .map(|command| {
            let dir = here.clone();
            if let Some(step) = top_level_cd(command) {
                steps.push(step);
                here = super::resolve_dir(&Dir::Changed(steps.clone()), &ctx.cwd, home);
            }
            dir
        })
        .collect();
    if commands.iter().any(|c| c.dir != Dir::Start) {
        let likely = likely_dirs(commands, ctx);
        return commands
            .iter()
            .zip(likely)
            .map(
                |(c, likely)| match super::resolve_dir(&c.dir, &ctx.cwd, home) {
                    Some(dir) => (Some(dir), None),
                    None => (None, likely),
                },
            )
            .collect();
    }
    followed.into_iter().map(|d| (d, None)).collect()
}

/// Where each command runs if every `cd` before it in the same group of commands (same
/// origin and function) succeeded: `{ cd .claude; echo {} > settings.json; }`,
/// `bash -c 'cd x; ...'`.
fn likely_dirs(commands: &[Command], ctx: &Context) -> Vec<Option<PathBuf>> {
    type Key<'c> = (&'c Origin, Option<&'c str>);
    let home = ctx.home.as_deref();
    let mut chains: Vec<(Key<'_>, Vec<String>)> = Vec::new();
    commands
        .iter()
        .map(|command| {
            // Pipeline stages run in subshells but start where the line is.
            let key: Key<'_> = (&command.origin, command.function.as_deref());
            let at = chains
                .iter()
                .position(|(k, _)| *k == key)
                .unwrap_or_else(|| {
                    chains.push((key, Vec::new()));
                    chains.len() - 1
                });
            let steps = &mut chains[at].1;
            let here = if steps.is_empty() {
                Some(ctx.cwd.clone())
            } else {
                super::resolve_dir(&Dir::Changed(steps.clone()), &ctx.cwd, home)
            };
            if let Some(step) = cd_target(command) {
                steps.push(step);
            }
            here
        })
        .collect()
}

/// The argument of a `cd` that changes the directory of the commands after it.
fn top_level_cd(command: &Command) -> Option<String> {
    if command.origin != Origin::TopLevel
        || command.subshell
        || command.conditional
        || command.function.is_some()
    {
        return None;
    }
    cd_target(command)
}

/// The directory a `cd` or `pushd` changes to (`""` for home, `$` when computed).
fn cd_target(command: &Command) -> Option<String> {
    match command.effective.as_slice() {
        [cd] if cd == "cd" => Some(String::new()),
        [cd, dir] | [cd, _, dir] if cd == "cd" || cd == "pushd" => {
            if command.dynamic_args.iter().any(|d| *d) {
                Some("$".to_owned())
            } else {
                Some(dir.clone())
            }
        }
        _ => None,
    }
}

fn trace_command(command: &Command, out: &mut Assessment) {
    let origin = match &command.origin {
        Origin::Nested(what) => format!(" (run by {what})"),
        _ => String::new(),
    };
    out.trace.push(format!(
        "command `{}`{origin}",
        super::shorten(&command.text)
    ));
    if !command.wrappers.is_empty() {
        out.trace.push(format!(
            "  wrappers removed: {} -> `{}`",
            command.wrappers.join(", "),
            super::shorten(&command.effective.join(" "))
        ));
    } else if command.effective != command.argv {
        out.trace.push(format!(
            "  runs `{}`",
            super::shorten(&command.effective.join(" "))
        ));
    }
    if command.dynamic_name {
        out.trace.push("  the command name is computed".to_owned());
    }
}

/// Programs that name files without reading them: a secret file among their operands is not
/// read.
const NAMES_WITHOUT_READING: &[&str] = &[
    "echo",
    "printf",
    "rm",
    "shred",
    "unlink",
    "git",
    "touch",
    "mkdir",
    "[",
    "[[",
    "test",
    "stat",
    "ls",
    "file",
    "realpath",
    "dirname",
    "basename",
    "readlink",
    "chmod",
    "chown",
    "du",
    "wc",
    "cd",
    "pushd",
    "ssh",
    "sftp",
    "ssh-add",
    "ssh-keygen",
    "ssh-copy-id",
    "gpg",
    "gpg2",
    "age-keygen",
    "mkcert",
    "certbot",
    "step",
];

/// Judges one simple command.
pub(super) fn judge(s: &Subject<'_>) -> Verdict {
    let mut v = Verdict::default();
    let c = s.command;
    // `> file`, `: > file`, `true > file`: nothing is written, so the file is emptied.
    if c.effective.is_empty()
        || (c.effective.len() == 1
            && matches!(c.effective[0].as_str(), ":" | "true")
            && !c.redirects.is_empty()
            && c.stages == 1
            && !c.background)
    {
        fs::bare_redirection(s, &mut v);
        v.known = true;
        return v;
    }
    if c.dynamic_name || runners::is_glob_name(&c.effective[0]) {
        runners::computed_name(s, &mut v);
        fs::redirects(s, &mut v);
        return v;
    }
    let decoded = runners::decoded_name(&c.effective[0]);
    let program = runners::program_name(&decoded);
    if c.function.as_deref() == Some(program) && (c.stages > 1 || c.background) {
        v.add(
            &catalog::SYS_FORK_BOMB,
            "a function that starts copies of itself without end (fork bomb)",
            s.text(),
        );
        return v;
    }
    let handled = agents::judge(program, s, &mut v)
        || fs::judge(program, s, &mut v)
        || git::judge(program, s, &mut v)
        || net::judge(program, s, &mut v)
        || code::judge(program, s, &mut v)
        || sys::judge(program, s, &mut v)
        || db::judge(program, s, &mut v)
        || container::judge(program, s, &mut v)
        || cloud::judge(program, s, &mut v)
        || pkg::judge(program, s, &mut v)
        || runners::judge(program, s, &mut v);
    if !handled {
        if let Some(class) = everyday::class_of(program) {
            let reason = if class.id == catalog::READ_EVERYDAY.id {
                "an everyday command that only reads or prints"
            } else {
                "an everyday command that changes nothing outside the project"
            };
            v.add(class, reason, s.text());
        } else {
            runners::unknown_program(s, &mut v);
        }
    }
    // A shell's `-c` string is judged as the commands it holds, not as a file name.
    if !NAMES_WITHOUT_READING.contains(&program) && !crate::shell::is_shell(program) {
        net::secret_operands(s, &mut v);
    }
    fs::redirects(s, &mut v);
    if c.wrappers
        .iter()
        .any(|w| matches!(w.as_str(), "sudo" | "doas" | "runuser" | "pkexec" | "run0"))
    {
        v.add(&catalog::EXEC_ROOT, "runs as root", s.text());
    }
    net::remote_origin(s, &mut v);
    pkg::behind_runner(s, &mut v);
    runners::command_variables(s, &mut v);
    v
}
