//! Judging a Bash command line: each simple command on its own, by the program that runs.

use super::{Assessment, Context, Finding, Risk, code, data, fs, git, net, sys};
use crate::Result;
use crate::shell::{self, Command, Origin};

/// What one simple command was judged to do.
#[derive(Debug, Default)]
pub(super) struct Verdict {
    pub(super) findings: Vec<Finding>,
    /// The command's program is one the classifier knows.
    pub(super) known: bool,
}

impl Verdict {
    /// Records a finding about `subject`.
    pub(super) fn add(
        &mut self,
        class: &str,
        risk: Risk,
        reason: impl Into<String>,
        subject: &str,
    ) {
        self.known = true;
        self.findings
            .push(Finding::new(class, risk, reason, subject));
    }
}

/// Everything one command is judged with: itself, the whole line, and where it runs.
pub(super) struct Subject<'a> {
    pub(super) command: &'a Command,
    pub(super) all: &'a [Command],
    pub(super) ctx: &'a Context,
}

impl Subject<'_> {
    /// The effective arguments after the program name.
    pub(super) fn args(&self) -> &[String] {
        self.command.effective.get(1..).unwrap_or(&[])
    }

    /// Whether effective argument `i` (counted after the program) is computed.
    pub(super) fn arg_dynamic(&self, i: usize) -> bool {
        self.command.is_dynamic(i + 1)
    }

    /// The text findings name.
    pub(super) fn text(&self) -> &str {
        &self.command.text
    }

    /// The earlier stages of this command's pipeline, nearest first.
    pub(super) fn upstream(&self) -> impl Iterator<Item = &Command> {
        let c = self.command;
        self.all
            .iter()
            .filter(move |o| o.pipeline == c.pipeline && o.stage < c.stage)
            .rev()
    }

    /// The command that runs this one (`find` for `find -exec`, `xargs`), if any.
    pub(super) fn parent(&self) -> Option<&Command> {
        self.command.parent.and_then(|p| self.all.get(p))
    }
}

/// Judges every simple command of `line` into `out`.
pub(super) fn assess_line(line: &str, ctx: &Context, out: &mut Assessment) -> Result<()> {
    let commands = shell::parse(line)?;
    assess_commands(&commands, ctx, out);
    Ok(())
}

/// Judges the simple commands of a line already parsed into `out`.
pub(super) fn assess_commands(commands: &[Command], ctx: &Context, out: &mut Assessment) {
    out.trace.push(format!(
        "read {} simple command{}",
        commands.len(),
        if commands.len() == 1 { "" } else { "s" }
    ));
    // `cd dir && rm -rf *`: later commands run in the new directory.
    let mut here = ctx.clone();
    for command in commands {
        trace_command(command, out);
        let subject = Subject {
            command,
            all: commands,
            ctx: &here,
        };
        let verdict = judge(&subject);
        if !verdict.known {
            out.unrecognised.push(command.text.clone());
        }
        out.findings.extend(verdict.findings);
        if let Some(dir) = changed_directory(command, &here) {
            out.trace.push(format!("  now in {}", dir.display()));
            here.cwd = dir;
        }
    }
}

/// The directory a top-level `cd`/`pushd` moves to, when it can be read.
fn changed_directory(command: &Command, ctx: &Context) -> Option<std::path::PathBuf> {
    if command.origin != Origin::TopLevel
        || command.subshell
        || command.conditional
        || command.function.is_some()
        || command.dynamic_args.iter().any(|d| *d)
    {
        return None;
    }
    match command.effective.as_slice() {
        [cd] if cd == "cd" => ctx.home.clone(),
        [cd, dir] | [cd, _, dir] if (cd == "cd" || cd == "pushd") && dir != "-" => {
            let judged = super::paths::judge(dir, false, ctx);
            (!judged.path.as_os_str().is_empty()).then_some(judged.path)
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

/// Judges one simple command.
pub(super) fn judge(s: &Subject<'_>) -> Verdict {
    let mut v = Verdict::default();
    let c = s.command;
    if c.effective.is_empty() {
        fs::redirects(s, &mut v);
        let truncates_project_file = c.redirects.iter().any(|r| {
            r.kind == crate::shell::RedirectKind::Write
                && super::paths::judge(&r.target, false, s.ctx)
                    .place
                    .in_project()
        });
        if truncates_project_file && v.findings.is_empty() {
            v.add(
                "fs.truncate",
                Risk::Medium,
                "empties a file with a bare redirection",
                s.text(),
            );
        }
        v.known = true;
        return v;
    }
    if c.dynamic_name {
        let name = &c.effective[0];
        if ["curl", "wget", "base64", "fetch", "nc "]
            .iter()
            .any(|f| name.contains(f))
        {
            v.add(
                "net.pipe-to-shell",
                Risk::High,
                "runs code computed from a download or decoding as a command",
                s.text(),
            );
        } else {
            // With arguments that look destructive, a computed name is most likely a disguise.
            let looks_destructive = s.args().iter().any(|a| {
                matches!(
                    a.as_str(),
                    "-rf"
                        | "-fr"
                        | "-r"
                        | "-R"
                        | "/"
                        | "/*"
                        | "~"
                        | "--force"
                        | "-f"
                        | "--hard"
                        | "--recursive"
                        | "push"
                        | "reset"
                        | "clean"
                        | "drop"
                        | "delete"
                        | "destroy"
                )
            });
            let risk = if looks_destructive {
                Risk::High
            } else {
                Risk::Medium
            };
            v.add(
                "exec.dynamic",
                risk,
                format!("the command name `{name}` is computed and cannot be checked"),
                s.text(),
            );
        }
        return v;
    }
    let program = c.effective[0].as_str();
    if c.function.as_deref() == Some(program) && (c.stages > 1 || c.background) {
        v.add(
            "sys.fork-bomb",
            Risk::High,
            "a function that starts copies of itself without end (fork bomb)",
            s.text(),
        );
        return v;
    }
    let handled = fs::judge(program, s, &mut v)
        || git::judge(program, s, &mut v)
        || net::judge(program, s, &mut v)
        || code::judge(program, s, &mut v)
        || sys::judge(program, s, &mut v)
        || data::judge(program, s, &mut v);
    if !handled && is_everyday(program, s) {
        // Plan mode allows only reads, so a program that writes (even inside the project) must
        // not carry a `read.` class.
        let (class, reason) = if only_reads(program) {
            (
                "read.everyday",
                "an everyday command that only reads or prints",
            )
        } else {
            (
                "build.everyday",
                "an everyday command that changes nothing outside the project",
            )
        };
        v.add(class, Risk::Low, reason, s.text());
    }
    if !matches!(
        program,
        "echo" | "printf" | "rm" | "shred" | "unlink" | "git"
    ) {
        secret_operands(s, &mut v);
    }
    fs::redirects(s, &mut v);
    if c.wrappers
        .iter()
        .any(|w| matches!(w.as_str(), "sudo" | "doas" | "runuser"))
    {
        v.add("exec.root", Risk::Medium, "runs as root", s.text());
    }
    v
}

/// Secret files named as operands (`cat ~/.ssh/id_rsa`, `cp .env /tmp`).
fn secret_operands(s: &Subject<'_>, v: &mut Verdict) {
    if v.findings
        .iter()
        .any(|f| f.class == "net.exfiltrate" || f.class == "secret.read")
    {
        return;
    }
    for (i, arg) in s.args().iter().enumerate() {
        if arg.starts_with('-') || arg.contains("://") || !arg.contains(['.', '/']) {
            continue;
        }
        let judged = super::paths::judge(arg, s.arg_dynamic(i), s.ctx);
        if let Some(kind) = super::paths::secret(arg, &judged, s.ctx) {
            net::secret_read(arg, kind, s, v);
            return;
        }
    }
}

/// Everyday programs that only read or print: they change no file (redirections are judged on
/// their own).
const ONLY_READS: &[&str] = &[
    "ls",
    "ll",
    "la",
    "dir",
    "cat",
    "bat",
    "less",
    "more",
    "head",
    "tail",
    "wc",
    "grep",
    "egrep",
    "fgrep",
    "rg",
    "ag",
    "ack",
    "fd",
    "tree",
    "pwd",
    "echo",
    "printf",
    "true",
    "false",
    "test",
    "[",
    "[[",
    "which",
    "type",
    "whereis",
    "whoami",
    "id",
    "date",
    "uname",
    "hostname",
    "printenv",
    "diff",
    "cmp",
    "comm",
    "sort",
    "uniq",
    "cut",
    "tr",
    "paste",
    "join",
    "fold",
    "fmt",
    "nl",
    "column",
    "rev",
    "tac",
    "od",
    "hexdump",
    "xxd",
    "strings",
    "file",
    "stat",
    "du",
    "df",
    "ps",
    "pgrep",
    "top",
    "htop",
    "free",
    "uptime",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "cd",
    "pushd",
    "popd",
    "sleep",
    "wait",
    "jq",
    "yq",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "b2sum",
    "cksum",
    "base64",
    "seq",
    "expr",
    "bc",
    "locale",
    "lsof",
    "netstat",
    "ss",
    "zcat",
    "zgrep",
    "zless",
    "man",
    "info",
    "help",
    "tldr",
    "diffstat",
    "colordiff",
    "delta",
    ":",
];

fn only_reads(program: &str) -> bool {
    ONLY_READS.contains(&program)
}

/// Programs that only read, print or build inside the project: [`ONLY_READS`], plus these.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
fn is_everyday(program: &str, s: &Subject<'_>) -> bool {
    const EVERYDAY: &[&str] = &[
        "export",
        "unset",
        "set",
        "shopt",
        "alias",
        "yes",
        "let",
        "read",
        "local",
        "declare",
        "typeset",
        "return",
        "exit",
        "break",
        "continue",
        "shift",
        "getopts",
        "trap",
        "umask",
        "ulimit",
        "hash",
        "history",
        "jobs",
        "fg",
        "bg",
        "disown",
        "times",
        "tput",
        "clear",
        "reset",
        "stty",
        "tty",
        "ip",
        "ifconfig",
        "env",
        "command",
        "gzip",
        "gunzip",
        "bzip2",
        "bunzip2",
        "xz",
        "unxz",
        "zstd",
        "tar",
        "zip",
        "unzip",
        "7z",
        "cargo",
        "rustc",
        "rustup",
        "rustfmt",
        "clippy-driver",
        "go",
        "gofmt",
        "javac",
        "java",
        "mvn",
        "gradle",
        "gradlew",
        "./gradlew",
        "make",
        "cmake",
        "ninja",
        "meson",
        "gcc",
        "g++",
        "cc",
        "c++",
        "clang",
        "clang++",
        "ld",
        "ar",
        "nm",
        "objdump",
        "readelf",
        "ldd",
        "pytest",
        "tox",
        "nox",
        "mypy",
        "ruff",
        "black",
        "isort",
        "flake8",
        "pylint",
        "pyright",
        "tsc",
        "eslint",
        "prettier",
        "jest",
        "vitest",
        "mocha",
        "swift",
        "swiftc",
        "dotnet",
        "mix",
        "elixir",
        "erl",
        "ghc",
        "stack",
        "cabal",
        "sbt",
        "bazel",
        "buck",
        "just",
        "task",
        "poetry",
        "pipenv",
        "uv",
        "hatch",
        "pdm",
        "bundle",
        "rake",
        "rspec",
        "composer",
        "phpunit",
        "pre-commit",
        "shellcheck",
        "shfmt",
        "hadolint",
        "actionlint",
        "tokei",
        "cloc",
        "hyperfine",
        "valgrind",
        "gdb",
        "lldb",
        "strace",
        "ltrace",
        "perf",
        "code",
        "vim",
        "nvim",
        "nano",
        "emacs",
        "open",
        "xdg-open",
        "pbcopy",
        "pbpaste",
        "xclip",
        "patch",
        "mkdir",
        "touch",
        "ln",
        "cp",
        "mv",
        "rmdir",
        "trash",
        "trash-put",
        "tee",
        "sed",
        "awk",
        "gawk",
        "mawk",
        "npm",
        "yarn",
        "pnpm",
        "bun",
        "npx",
        "pip",
        "pip3",
        "gem",
        "sqlite3",
        "protoc",
        "flatc",
        "wasm-pack",
        "trunk",
        "cargo-nextest",
        "nextest",
        "insta",
        "kill",
        "xargs",
        "parallel",
        "watch",
        "eval",
    ];
    let _ = s;
    only_reads(program) || EVERYDAY.contains(&program)
}
