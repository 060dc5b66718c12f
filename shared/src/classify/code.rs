//! Code given inline to interpreters (`python -c`, `node -e`, `perl -e`, here-documents fed to
//! them, `awk` programs): process spawning, deletion APIs, and shell commands in string
//! literals, which are read as shell and judged like any command.

use super::bash::{Subject, Verdict};
use super::net::INTERPRETERS;
use super::{Context, Risk, paths};

/// Judges interpreters; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if matches!(base, "awk" | "gawk" | "mawk" | "nawk") {
        awk(s, v);
        return true;
    }
    if !INTERPRETERS.contains(&base) && !INTERPRETERS.contains(&program) {
        return false;
    }
    if super::net::interpreter_stdin(program, s, v) {
        return true;
    }
    let args = s.args();
    #[expect(
        clippy::match_same_arms,
        reason = "one arm per interpreter family reads best"
    )]
    let body_flags: &[&str] = match base {
        "python" | "python2" | "python3" | "pypy" | "pypy3" => &["-c"],
        "node" | "nodejs" | "bun" => &["-e", "--eval", "-p", "--print"],
        "perl" => &["-e", "-E"],
        "ruby" | "irb" => &["-e"],
        "php" => &["-r"],
        "deno" => &["eval"],
        "osascript" => &["-e"],
        "Rscript" => &["-e"],
        "lua" => &["-e"],
        _ => &["-c", "-e", "-Command", "-command"],
    };
    let mut body: Option<String> = None;
    for (i, arg) in args.iter().enumerate() {
        if body_flags.contains(&arg.as_str()) {
            body = args.get(i + 1).cloned();
            break;
        }
        // Bundled: `python3 -Bc '...'`, `perl -ne '...'`.
        if arg.starts_with('-')
            && !arg.starts_with("--")
            && body_flags
                .iter()
                .any(|f| f.len() == 2 && arg.ends_with(&f[1..]))
            && arg.len() > 2
        {
            body = args.get(i + 1).cloned();
            break;
        }
    }
    let script_operand = args.iter().find(|a| !a.starts_with('-'));
    if body.is_none() && script_operand.is_none() {
        body.clone_from(&s.command.stdin_text);
    }
    if let Some(body) = body {
        inline(program, &body, s, v);
        return true;
    }
    match (
        base,
        args.first().map(String::as_str),
        args.get(1).map(String::as_str),
    ) {
        (_, Some("-m"), Some("pip")) => super::data::package_install(&args[2..], s, v),
        (_, Some("-m"), Some(module)) => {
            let risk = if matches!(module, "http.server" | "SimpleHTTPServer" | "smtpd") {
                Risk::Medium
            } else {
                Risk::Low
            };
            v.add(
                "code.module",
                risk,
                format!("runs the Python module {module}"),
                s.text(),
            );
        }
        (_, Some("--version" | "-V" | "-v" | "--help" | "-h"), _) => v.add(
            "read.everyday",
            Risk::Low,
            "prints version or help",
            s.text(),
        ),
        _ => {
            if let Some(script) = script_operand
                && super::net::downloaded_earlier(script, s)
            {
                v.add(
                    "net.pipe-to-shell",
                    Risk::High,
                    format!("runs `{script}`, downloaded earlier in the same command"),
                    s.text(),
                );
                return true;
            }
            // A script file: its content is not read here.
            v.known = false;
        }
    }
    true
}

/// What an inline program does, as findings.
fn inline(program: &str, body: &str, s: &Subject<'_>, v: &mut Verdict) {
    let found = analyse(body, s.ctx, 0);
    match found {
        Some((class, risk, reason)) => {
            v.add(class, risk, format!("{program} code {reason}"), s.text());
        }
        None => v.add(
            "code.inline",
            Risk::Low,
            format!("{program} code that spawns nothing and deletes nothing"),
            s.text(),
        ),
    }
}

const SPAWN: &[&str] = &[
    "os.system",
    "subprocess",
    "os.popen",
    "os.exec",
    "os.spawn",
    "pty.spawn",
    "commands.getoutput",
    "child_process",
    "execSync",
    "spawnSync",
    "execFileSync",
    "exec(",
    "spawn(",
    "system(",
    "Deno.run",
    "Deno.Command",
    "Bun.spawn",
    "Bun.$",
    "IO.popen",
    "Open3",
    "%x",
    "qx",
    "shell_exec",
    "passthru",
    "proc_open",
    "do shell script",
];

const DELETE: &[&str] = &[
    "shutil.rmtree",
    "rmtree",
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.removedirs",
    ".unlink(",
    ".rmdir(",
    "fs.rmSync",
    "fs.rm(",
    "rmSync",
    "rmdirSync",
    "unlinkSync",
    "fs.rmdir",
    "fs.unlink",
    "rimraf",
    "FileUtils.rm",
    "File.delete",
    "unlink(",
    "Deno.remove",
    "remove_tree",
    "fs.promises.rm",
];

thread_local! {
    /// How deeply code analysis has re-entered itself through shell strings in code.
    static ANALYSIS_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Looks for process spawning and deletion in a program text; returns the worst.
pub(super) fn analyse(
    body: &str,
    ctx: &Context,
    depth: usize,
) -> Option<(&'static str, Risk, String)> {
    let mut worst: Option<(&'static str, Risk, String)> = None;
    let mut keep = |class: &'static str, risk: Risk, reason: String| {
        if worst.as_ref().is_none_or(|(_, r, _)| risk > *r) {
            worst = Some((class, risk, reason));
        }
    };
    let literals = string_literals(body);
    // Shell commands inside string literals (os.system("rm -rf /"), ['rm', '-rf', '/']).
    let mut candidates: Vec<String> = literals.clone();
    if literals.len() > 1 {
        candidates.push(literals.join(" "));
    }
    let nesting = ANALYSIS_DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    if depth < 2 && nesting <= 2 {
        for candidate in candidates
            .iter()
            .filter(|c| c.contains(' ') || c.contains('/'))
        {
            let mut inner = super::Assessment::default();
            if super::bash::assess_line(candidate, ctx, &mut inner).is_ok()
                && let Some(f) = inner.worst().filter(|f| f.risk == Risk::High)
            {
                keep(
                    "code.shell-string",
                    Risk::High,
                    format!("holds the command `{}`: {}", f.subject, f.reason),
                );
            }
        }
    }
    ANALYSIS_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    let spawns =
        SPAWN.iter().any(|p| body.contains(p)) || (body.contains('`') && !body.contains("```"));
    if spawns {
        keep(
            "code.spawn",
            Risk::Medium,
            "starts other programs".to_owned(),
        );
    }
    if DELETE.iter().any(|p| body.contains(p)) {
        let mut judged_any = false;
        for literal in &literals {
            if !(literal.starts_with(['/', '~', '.']) || literal.contains('/'))
                || literal.contains(' ')
            {
                continue;
            }
            judged_any = true;
            let j = paths::judge(literal, false, ctx);
            match j.place {
                paths::Place::Root
                | paths::Place::System
                | paths::Place::Home
                | paths::Place::HomeChild
                | paths::Place::Outside
                | paths::Place::ProjectRoot
                | paths::Place::ProjectGit => {
                    keep(
                        "code.delete",
                        Risk::High,
                        format!("deletes `{literal}`, outside the project or the project itself"),
                    );
                }
                paths::Place::Build => keep(
                    "code.delete",
                    Risk::Low,
                    format!("deletes build output `{literal}`"),
                ),
                _ => keep("code.delete", Risk::Medium, format!("deletes `{literal}`")),
            }
        }
        if !judged_any {
            keep(
                "code.delete",
                Risk::Medium,
                "deletes files whose paths cannot be read".to_owned(),
            );
        }
    }
    if [
        "os.path.expanduser('~')",
        "Path.home()",
        "os.homedir()",
        "expanduser(\"~\")",
    ]
    .iter()
    .any(|p| body.contains(p))
        && DELETE.iter().any(|p| body.contains(p))
    {
        keep(
            "code.delete",
            Risk::High,
            "deletes in the home directory".to_owned(),
        );
    }
    worst
}

/// The contents of quoted string literals ('...', "...", `...`) in a program text.
fn string_literals(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '\'' | '"' | '`') {
            let mut literal = String::new();
            let mut escaped = false;
            for d in chars.by_ref() {
                if escaped {
                    literal.push(d);
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    break;
                } else {
                    literal.push(d);
                }
            }
            if !literal.is_empty() && out.len() < 64 {
                out.push(literal);
            }
        }
    }
    out
}

fn awk(s: &Subject<'_>, v: &mut Verdict) {
    let program = s.args().iter().find(|a| !a.starts_with('-'));
    let Some(program) = program else {
        v.add("read.everyday", Risk::Low, "awk", s.text());
        return;
    };
    if program.contains("system(")
        || program.contains("| \"")
        || program.contains("|\"")
        || program.contains("| getline")
    {
        match analyse(program, s.ctx, 0) {
            Some((class, Risk::High, reason)) => {
                v.add(class, Risk::High, format!("awk program {reason}"), s.text());
            }
            _ => v.add(
                "code.spawn",
                Risk::Medium,
                "awk program that starts other programs",
                s.text(),
            ),
        }
    } else {
        v.add("read.everyday", Risk::Low, "awk text processing", s.text());
    }
}
