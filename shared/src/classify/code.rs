//! Code given inline to interpreters (`python -c`, `node -e`, `perl -e`, here-documents fed to
//! them, `awk` and `sed` programs), judged by what it names: the commands it would start
//! (string literals, and strings it assembles from literals: `"r"+"m -rf ~"`,
//! `' '.join([...])`, `chr(114)`, base64), the paths it deletes or writes, the hosts it talks
//! to and what it sends them. Spawning a program is not risky in itself (`os.system("ls")` is
//! low); spawning one whose name the code computes at run time cannot be read.

use std::cell::Cell;

use super::catalog::{self as c, Class};
use super::paths;
use super::subject::{Subject, Verdict};
use super::{Assessment, Context, Risk, fs, host_allowed, is_local_host, net};

/// The code an interpreter runs inline, and whether it is computed: the value of one of
/// `flags` (`-c CODE`, `-pe CODE`, `--eval=CODE`), else a here-document or the text a static
/// `echo` pipes into it when no script file is named.
fn inline_code(flags: &[&str], s: &Subject<'_>) -> Option<(String, bool)> {
    let args = s.args();
    for (i, arg) in args.iter().enumerate() {
        // `-pe`, `-ne`, `-Bc`: a bundle of single-letter flags ending in the code option
        // (not `-MFile::Path=remove_tree`, which ends in `e` too).
        let bundled = arg.starts_with('-')
            && !arg.starts_with("--")
            && (3..=6).contains(&arg.len())
            && arg[1..].chars().all(|c| c.is_ascii_alphabetic())
            && flags.iter().any(|f| f.len() == 2 && arg.ends_with(&f[1..]));
        if flags.contains(&arg.as_str()) || bundled {
            return args.get(i + 1).map(|b| (b.clone(), s.arg_dynamic(i + 1)));
        }
        if let Some(value) = flags
            .iter()
            .filter(|f| f.starts_with("--"))
            .find_map(|f| arg.strip_prefix(&format!("{f}=")))
        {
            return Some((value.to_owned(), s.arg_dynamic(i)));
        }
    }
    let script_operand = args.iter().position(|a| !a.starts_with('-'));
    if script_operand.is_none_or(|i| args[i] == "-") {
        return s
            .command
            .stdin_text
            .clone()
            .or_else(|| s.upstream().next().and_then(fs::printed))
            .map(|b| (b, false));
    }
    None
}

/// The inline code `program` runs, if it is an interpreter given code inline.
pub(super) fn inline_body(program: &str, s: &Subject<'_>) -> Option<String> {
    let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let flags = inline_flags(base).or_else(|| inline_flags(program))?;
    inline_code(flags, s).map(|(body, _)| body)
}

/// Interpreters, with the options that give them code inline.
fn inline_flags(base: &str) -> Option<&'static [&'static str]> {
    Some(match base {
        "python" | "python2" | "python3" | "pypy" | "pypy3" | "py" => &["-c"],
        "node" | "nodejs" | "bun" => &["-e", "--eval", "-p", "--print"],
        "perl" => &["-e", "-E"],
        "ruby" | "jruby" | "lua" | "luajit" | "Rscript" | "R" | "osascript" | "groovy" => &["-e"],
        "php" => &["-r"],
        "julia" | "elixir" | "iex" | "tclsh" | "wish" | "irb" | "guile" | "racket" | "sbcl" => {
            &["-e", "--eval"]
        }
        "deno" => &["eval"],
        _ => return None,
    })
}

/// Judges interpreters, `awk` and `sed`; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let base = if base.is_empty() { program } else { base };
    if matches!(base, "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk") {
        awk(s, v);
        return true;
    }
    if matches!(base, "sed" | "gsed") {
        sed(s, v);
        return true;
    }
    let Some(flags) = inline_flags(base).or_else(|| inline_flags(program)) else {
        return false;
    };
    // `bun install`, `deno task`: package and tool commands, judged with the package managers.
    let first = s
        .args()
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    let inline_given = s.args().iter().any(|a| flags.contains(&a.as_str()));
    if (base == "bun" && !inline_given)
        || (base == "deno"
            && !matches!(
                first,
                Some("run" | "eval" | "install" | "x" | "repl") | None
            ))
    {
        return false;
    }
    if net::interpreter_stdin(program, s, v) {
        return true;
    }
    let args = s.args();
    let script_operand = args.iter().position(|a| !a.starts_with('-'));
    let body = inline_code(flags, s);
    if let Some((body, dynamic)) = body {
        if dynamic && (body.starts_with("$(") || body.starts_with('`') || body.starts_with('$')) {
            if net::FETCHERS.iter().any(|f| body.contains(f)) {
                v.add(
                    &c::NET_PIPE_TO_SHELL,
                    format!(
                        "{program} runs code downloaded by `{}`",
                        super::shorten(&body)
                    ),
                    s.text(),
                );
            } else {
                v.add(
                    &c::EXEC_UNREADABLE,
                    format!(
                        "{program} runs code computed at run time (`{}`)",
                        super::shorten(&body)
                    ),
                    s.text(),
                );
            }
            return true;
        }
        inline(program, &body, s, v);
        if matches!(base, "perl" | "ruby" | "jruby") {
            in_place_targets(s, v);
        }
        return true;
    }
    module_or_script(program, base, script_operand, s, v);
    true
}

/// `python -m module`, `deno run URL`, `node script.js`: modules by what they are, scripts
/// from the network by where they come from; a local script is not read.
fn module_or_script(
    program: &str,
    base: &str,
    script_operand: Option<usize>,
    s: &Subject<'_>,
    v: &mut Verdict,
) {
    let args = s.args();
    if let Some(i) = args.iter().position(|a| a == "-m") {
        let module = args.get(i + 1).map_or("", String::as_str);
        match module {
            "pip" | "pip3" => super::pkg::pip(&args[i + 2..], s, v),
            "http.server" | "SimpleHTTPServer" | "smtpd" | "pydoc"
                if module != "pydoc" || args.iter().any(|a| a == "-p") =>
            {
                v.add(
                    &c::NET_LISTEN,
                    format!("runs the Python module {module}, a server"),
                    s.text(),
                );
            }
            "venv" | "virtualenv" | "pytest" | "unittest" | "mypy" | "black" | "isort" | "ruff"
            | "flake8" | "pylint" | "coverage" | "doctest" | "compileall" | "py_compile"
            | "json.tool" | "timeit" | "cProfile" | "pdb" | "build" | "tox" | "nox" | "pyright"
            | "pydoc" | "sphinx" | "mkdocs" | "uvicorn" | "flask" | "django" | "streamlit"
            | "jupyter" | "notebook" | "ipykernel" | "hatch" | "poetry" | "setuptools_scm"
            | "bandit" | "pycodestyle" | "pydocstyle" | "pre_commit" => {
                v.add(
                    &c::CODE_MODULE,
                    format!("runs the Python module {module}"),
                    s.text(),
                );
            }
            "twine" if args.iter().any(|a| a == "upload") => {
                v.add(&c::PKG_PUBLISH, "twine uploads a package", s.text());
            }
            _ => v.known = false,
        }
        return;
    }
    if args
        .first()
        .is_some_and(|a| matches!(a.as_str(), "--version" | "-V" | "-v" | "--help" | "-h"))
    {
        v.add(&c::READ_EVERYDAY, "prints version or help", s.text());
        return;
    }
    let script = script_operand.and_then(|i| args.get(i));
    if let Some(script) = script
        && framework_task(script, &args[script_operand.unwrap_or(0) + 1..], s, v)
    {
        return;
    }
    if base == "deno"
        && let Some(pos) = args
            .iter()
            .position(|a| matches!(a.as_str(), "run" | "install" | "x"))
        && let Some(target) = args[pos + 1..].iter().find(|a| !a.starts_with('-'))
        && target.contains("://")
    {
        v.add(
            &c::PKG_INSTALL_REMOTE,
            format!("deno runs code from the network (`{target}`)"),
            s.text(),
        );
        return;
    }
    if let Some(script) = script {
        if script.contains("://")
            || (script.starts_with("<(") && net::FETCHERS.iter().any(|f| script.contains(f)))
        {
            v.add(
                &c::NET_PIPE_TO_SHELL,
                format!(
                    "{program} runs a script from the network (`{}`)",
                    super::shorten(script)
                ),
                s.text(),
            );
            return;
        }
        if net::written_earlier(script, s, program, net::Reader::Code, v) {
            return;
        }
    }
    // A script file: its content is not read here.
    v.known = false;
}

/// Web frameworks' task runners run as scripts (`python manage.py flush`, `php artisan
/// migrate:fresh`): their database tasks are judged as what they do. Returns whether `script`
/// is one.
fn framework_task(script: &str, rest: &[String], s: &Subject<'_>, v: &mut Verdict) -> bool {
    let name = script.rsplit('/').next().unwrap_or(script);
    let task = rest
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or("", String::as_str);
    let (class, reason): (&'static Class, String) = match (name, task) {
        ("manage.py", "flush" | "reset_db" | "sqlflush" | "drop_test_database") => (
            &c::DB_DROP,
            format!("manage.py {task} deletes the database's data"),
        ),
        ("manage.py", "migrate") if rest.iter().any(|a| a == "zero") => (
            &c::DB_DROP,
            "manage.py migrate zero undoes every migration".to_owned(),
        ),
        ("manage.py", "migrate" | "loaddata" | "createsuperuser" | "changepassword") => (
            &c::DB_WRITE,
            format!("manage.py {task} changes the database"),
        ),
        ("manage.py", "dbshell" | "shell") => (&c::DB_SESSION, format!("manage.py {task}")),
        ("artisan", t)
            if matches!(
                t,
                "migrate:fresh"
                    | "migrate:reset"
                    | "migrate:refresh"
                    | "migrate:rollback"
                    | "db:wipe"
            ) =>
        {
            (
                &c::DB_DROP,
                format!("artisan {t} drops or rolls back the database"),
            )
        }
        ("artisan", t) if t.starts_with("migrate") || t == "db:seed" => {
            (&c::DB_WRITE, format!("artisan {t} changes the database"))
        }
        ("manage.py" | "artisan", _) => (&c::BUILD_EVERYDAY, format!("{name} runs a project task")),
        _ => return false,
    };
    v.add(class, reason, s.text());
    true
}

/// `perl -i`, `ruby -i`: the files after the code are edited in place.
fn in_place_targets(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let in_place = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('i'));
    if !in_place {
        return;
    }
    let mut after_code = false;
    for (i, a) in args.iter().enumerate() {
        if a.starts_with('-') && !a.starts_with("--") && (a.ends_with('e') || a.ends_with('E')) {
            after_code = true;
            continue;
        }
        if after_code && i > 0 && !a.starts_with('-') && !args[i - 1].ends_with(['e', 'E']) {
            fs::write_target(a, s.arg_dynamic(i), true, s, v);
        }
    }
}

/// What an inline program does, as findings.
fn inline(program: &str, body: &str, s: &Subject<'_>, v: &mut Verdict) {
    let report = analyse_report(body, s.ctx);
    if report.findings.is_empty() {
        v.add(
            &c::CODE_INLINE,
            format!("{program} code that runs, deletes and sends nothing beyond the project"),
            s.text(),
        );
    }
    for (class, reason) in report.findings {
        v.add(class, format!("{program} code {reason}"), s.text());
    }
}

/// What inline code was found to do, and the paths it names.
#[derive(Debug, Default)]
pub(super) struct CodeReport {
    /// Classes and reasons (the reason completes "the code ...").
    pub(super) findings: Vec<(&'static Class, String)>,
    /// Paths it writes, deletes, moves or links.
    pub(super) writes: Vec<String>,
    /// Every string literal that looks like a path.
    pub(super) names: Vec<String>,
}

thread_local! {
    /// How deeply code analysis has re-entered itself (shell strings in code, decoded code).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Looks for what a program text does; returns what it found (see [`CodeReport`]).
pub(super) fn analyse(body: &str, ctx: &Context) -> Vec<(&'static Class, String)> {
    analyse_report(body, ctx).findings
}

/// Calls that start a program, in the languages hookkit reads.
const SPAWN: &[&str] = &[
    "shell-command",
    "call-process",
    "start-process",
    "os.execute",
    "io.popen",
    "System.cmd",
    "Port.open",
    "os:cmd",
    ".execute()",
    "exec \"",
    "exec '",
    "system \"",
    "system '",
    "Process.run",
    "Process.start",
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
    "execFile(",
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
    "popen(",
    "do shell script",
    "Runtime.getRuntime",
    "ProcessBuilder",
    "Command::new",
    "exec.Command",
    "check_output",
    "check_call",
    "shell(",
    "Kernel.`",
    "processx",
    "sys.process",
];

/// Spawning calls whose first argument is the command: when it is not a literal, the command
/// is computed at run time.
const SPAWN_CALLS: &[&str] = &[
    "os.system(",
    "os.popen(",
    "subprocess.run(",
    "subprocess.call(",
    "subprocess.Popen(",
    "subprocess.check_output(",
    "subprocess.check_call(",
    "subprocess.getoutput(",
    "execSync(",
    "spawnSync(",
    "execFileSync(",
    "execFile(",
    ".exec(",
    "spawn(",
    " system(",
    "(system(",
    "popen(",
    "shell_exec(",
    "passthru(",
    "proc_open(",
    "IO.popen(",
    "Deno.Command(",
    "Bun.spawn(",
];

/// Dynamic lookups that can reach a spawning call without naming it.
const HIDDEN_SPAWN: &[&str] = &[
    "__import__",
    "getattr(",
    "importlib",
    "globals()[",
    "eval(",
    "Function(",
];

/// Calls that delete a tree.
const DELETE_TREE: &[&str] = &[
    "shutil.rmtree",
    "rmtree(",
    "rm_rf",
    "rm_r(",
    "remove_dir_all",
    "RemoveAll",
    "rimraf",
    "remove_tree",
    "FileUtils.rm",
    "rmSync",
    "fs.rm(",
    "promises.rm(",
    "Deno.remove",
    "rmdirSync",
    "deleteRecursively",
    "FileUtils.deleteDirectory",
    "rmdir_p",
];

/// Calls that delete one file.
const DELETE_FILE: &[&str] = &[
    "unlink ",
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.removedirs",
    ".unlink(",
    ".rmdir(",
    "unlinkSync",
    "fs.unlink",
    "File.delete",
    "unlink(",
    "rm(",
    "remove_file",
    "os.Remove(",
    "Files.delete",
    "File.unlink",
    "delete(",
];

/// Calls that write, move, copy onto or link a path (the path is their first string argument;
/// for copies and moves, the last).
const WRITE_CALLS: &[&str] = &[
    "write_text",
    "write_bytes",
    "writeFileSync",
    "writeFile(",
    "appendFileSync",
    "appendFile(",
    "File.write",
    "IO.write",
    "File.open",
    "file_put_contents",
    "fopen(",
    "Files.write",
    "os.WriteFile",
    "fs::write",
    "createWriteStream",
    "Deno.writeTextFile",
    "Bun.write",
    "symlinkSync",
    "symlink(",
    "os.symlink",
    "os.link",
    "chmod(",
    "chmodSync",
    "os.chmod",
    "copyFileSync",
    "copyfile(",
    "shutil.copy",
    "shutil.move",
    "os.rename",
    "os.replace",
    "renameSync",
    "rename(",
    "fs::copy",
    "fs::rename",
];

/// Calls that talk to the network.
const NET_CALLS: &[&str] = &[
    "urlopen",
    "urllib",
    "requests.",
    "httpx",
    "http.client",
    "aiohttp",
    "fetch(",
    "axios",
    "XMLHttpRequest",
    "http.request",
    "https.request",
    "http.get",
    "https.get",
    "net.connect",
    "socket",
    "Net::HTTP",
    "open-uri",
    "URI.open",
    "LWP",
    "HTTP::Tiny",
    "curl_",
    "fsockopen",
    "file_get_contents(\"http",
    "file_get_contents('http",
    "WebSocket",
    "reqwest",
    "ureq",
    "http.Get",
    "http.Post",
    "httr",
    "download.file",
    "Invoke-WebRequest",
    "wget",
    "curl",
    "require('https')",
    "require(\"https\")",
    "require('http')",
    "require(\"http\")",
    "require('net')",
    "node:https",
    "node:http",
    "node:net",
    "import requests",
    "from urllib",
    "import urllib",
    "smtplib",
    "ftplib",
    "paramiko",
];

/// Calls that run code given as data.
const EVAL_CALLS: &[&str] = &[
    "(eval)",
    "eval)",
    "exec(",
    "eval(",
    "Function(",
    "compile(",
    "execfile",
    "runpy",
    "vm.run",
    "instance_eval",
    "load(",
    "loadstring",
    "dofile",
    "require(",
    "import(",
    "ast.literal",
    "pickle.loads",
    "marshal.loads",
];

/// Ways code reads the whole environment (which holds tokens).
const ENV_DUMPS: &[&str] = &[
    "os.environ)",
    "os.environ.items",
    "os.environ.copy",
    "dict(os.environ",
    "str(os.environ",
    "json.dumps(os.environ",
    "environ}",
    "process.env)",
    "JSON.stringify(process.env",
    "Object.entries(process.env",
    "ENV.to_h",
    "ENV.to_a",
    "%ENV",
    "getenv()",
    "/proc/self/environ",
    "System.getenv()",
    "os.Environ()",
    "Deno.env.toObject",
    "Sys.getenv()",
];

/// Ways code names the home directory.
const HOME_MARKERS: &[&str] = &[
    "expanduser",
    "Path.home()",
    "os.homedir()",
    "homedir()",
    "process.env.HOME",
    "environ['HOME']",
    "environ[\"HOME\"]",
    "getenv('HOME')",
    "getenv(\"HOME\")",
    "$ENV{HOME}",
    "ENV['HOME']",
    "ENV[\"HOME\"]",
    "Dir.home",
    "home_dir()",
    "UserHomeDir",
    "user.home",
    "Sys.getenv(\"HOME\")",
    "path.expand(\"~\")",
    "$HOME",
    "env.get('HOME')",
    "env.get(\"HOME\")",
    "getenv(\"USERPROFILE\")",
];

/// A string literal and where it stands in the code.
#[derive(Debug, Clone)]
struct Literal {
    text: String,
    start: usize,
    end: usize,
}

/// Looks for what a program text does; see [`CodeReport`].
pub(super) fn analyse_report(body: &str, ctx: &Context) -> CodeReport {
    let mut report = CodeReport::default();
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    if depth <= 3 {
        analyse_into(body, ctx, &mut report);
    }
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    report
        .findings
        .sort_by_key(|(class, _)| std::cmp::Reverse(class.risk));
    report.findings.dedup_by(|a, b| a.0.id == b.0.id);
    report
}

fn analyse_into(body: &str, ctx: &Context, report: &mut CodeReport) {
    let literals = literals(body);
    let candidates = assembled(body, &literals);
    report.names = candidates
        .iter()
        .filter(|t| looks_like_path(t))
        .take(64)
        .cloned()
        .collect();
    let spawns = SPAWN.iter().any(|p| body.contains(p))
        || (body.contains('`') && !body.contains("```"))
        || HIDDEN_SPAWN.iter().any(|p| body.contains(p))
            && candidates.iter().any(|t| {
                matches!(
                    t.as_str(),
                    "os" | "system"
                        | "popen"
                        | "subprocess"
                        | "child_process"
                        | "execSync"
                        | "exec"
                        | "spawn"
                )
            });
    if spawns {
        spawned_commands(body, &literals, &candidates, ctx, report);
    }
    // Code held in strings and decoded text: read as code too.
    for inner in candidates.iter().filter(|t| {
        t.len() > 8
            && (SPAWN.iter().any(|p| t.contains(p)) || DELETE_TREE.iter().any(|p| t.contains(p)))
    }) {
        let nested = analyse_report(inner, ctx);
        report.findings.extend(nested.findings);
    }
    deletes(body, &literals, ctx, report);
    writes(body, &literals, ctx, report);
    network(body, &candidates, ctx, report);
    secrets_read(body, &candidates, ctx, report);
}

/// Commands the code starts: each literal and assembled string is judged as a shell line;
/// a spawn whose command is not a literal cannot be read.
fn spawned_commands(
    body: &str,
    literals: &[Literal],
    candidates: &[String],
    ctx: &Context,
    report: &mut CodeReport,
) {
    let mut judged = 0;
    for candidate in candidates {
        if judged >= 64 {
            break;
        }
        let first = candidate.split_whitespace().next().unwrap_or("");
        if first.is_empty()
            || first.len() > 64
            || candidate.len() > 8192
            || first.contains(['(', '{', '=', '<', '"'])
        {
            continue;
        }
        judged += 1;
        let Ok(commands) = crate::shell::parse(candidate) else {
            continue;
        };
        let mut inner = Assessment::default();
        super::bash::assess_commands(&commands, ctx, &mut inner);
        for f in inner
            .findings
            .iter()
            .filter(|f| f.risk > Risk::Low || f.stops())
        {
            report.findings.push((
                f.entry(),
                format!("starts `{}`: {}", super::shorten(candidate), f.reason),
            ));
        }
    }
    // A spawn call whose first argument is not a literal runs a command computed at run time.
    let computed = SPAWN_CALLS.iter().any(|api| {
        body.match_indices(api).any(|(at, _)| {
            let after = body[at + api.len()..].trim_start();
            !after.starts_with(['"', '\'', '[', '`', ')'])
                && !literals
                    .iter()
                    .any(|l| l.start > at && l.start <= at + api.len() + 2)
        })
    });
    if computed && report.findings.is_empty() {
        report.findings.push((
            &c::CODE_SPAWN,
            "starts a program it computes at run time".to_owned(),
        ));
    }
}

/// Deleting calls, judged by the path they name (their first literal argument, or the home
/// directory when the call names it).
fn deletes(body: &str, literals: &[Literal], ctx: &Context, report: &mut CodeReport) {
    for (apis, recursive) in [(DELETE_TREE, true), (DELETE_FILE, false)] {
        for api in apis {
            for (at, _) in body.match_indices(api).take(16) {
                // `rm(` of Julia, not the end of `confirm(`.
                if body[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == '_')
                {
                    continue;
                }
                let call_end = call_end(body, at + api.len());
                let args = &body[at + api.len()..call_end];
                let home = HOME_MARKERS.iter().any(|m| args.contains(m));
                let lits: Vec<&Literal> = literals
                    .iter()
                    .filter(|l| l.start >= at + api.len() && l.end <= call_end)
                    .collect();
                let path = match (home, lits.first()) {
                    (true, Some(l)) if !l.text.starts_with(['/', '~']) && l.text != "~" => {
                        format!("~/{}", l.text)
                    }
                    (true, _) => "~".to_owned(),
                    (false, Some(l)) => l.text.clone(),
                    (false, None) => String::new(),
                };
                let recursive = recursive || args.contains("recursive") || args.contains("-r");
                if path.is_empty() {
                    let class = if recursive {
                        &c::FS_RM_COMPUTED_TREE
                    } else {
                        &c::FS_RM_COMPUTED
                    };
                    report
                        .findings
                        .push((class, "deletes paths computed at run time".to_owned()));
                    continue;
                }
                report.writes.push(path.clone());
                let j = paths::judge(&path, false, ctx);
                let (class, reason) = fs::removal_class(&j, recursive, &path, ctx, "removal");
                report
                    .findings
                    .push((class, format!("asks for the {reason}")));
            }
        }
    }
}

/// Writing calls, judged by the path they name.
fn writes(body: &str, literals: &[Literal], ctx: &Context, report: &mut CodeReport) {
    let mut targets: Vec<String> = Vec::new();
    for api in WRITE_CALLS {
        for (at, _) in body.match_indices(api).take(16) {
            let call_end = call_end(body, at + api.len());
            let lits: Vec<&Literal> = literals
                .iter()
                .filter(|l| l.start >= at + api.len() && l.end <= call_end)
                .collect();
            let home_in_call = HOME_MARKERS
                .iter()
                .any(|m| body[at + api.len()..call_end].contains(m));
            let copies = api.contains("copy")
                || api.contains("move")
                || api.contains("rename")
                || api.contains("replace")
                || api.contains("link");
            // The first literal that looks like a file (not `os` of `require('os')`).
            let pathish: Vec<&&Literal> = lits
                .iter()
                .filter(|l| l.text.contains(['/', '.', '~']))
                .collect();
            let target = if copies {
                pathish.last().copied().or(lits.last())
            } else {
                pathish.first().copied().or(lits.first())
            };
            match (target, home_in_call) {
                (Some(t), true) if !t.text.starts_with('~') => {
                    targets.push(format!("~/{}", t.text.trim_start_matches('/')));
                }
                (Some(t), _) => targets.push(t.text.clone()),
                (None, true) => targets.push("~".to_owned()),
                (None, false) => {}
            }
        }
    }
    // Python's and Ruby's `open(path, "w")`.
    for (at, _) in body.match_indices("open(").take(32) {
        let call_end = call_end(body, at + 5);
        let lits: Vec<&Literal> = literals
            .iter()
            .filter(|l| l.start >= at + 5 && l.end <= call_end)
            .collect();
        if let [path, mode, ..] = lits.as_slice()
            && mode.text.len() <= 4
            && mode.text.contains(['w', 'a', 'x', '+'])
        {
            targets.push(path.text.clone());
        }
    }
    for target in targets {
        let j = paths::judge(&target, false, ctx);
        if let Some((class, reason)) = fs::write_class(&j, &target, true, ctx) {
            report.findings.push((class, reason));
        }
        report.writes.push(target);
    }
}

/// Requests the code makes: code run from the network, secrets or the environment sent out,
/// data sent, hosts read.
#[expect(
    clippy::too_many_lines,
    reason = "one check per way code reaches the network, read top to bottom"
)]
fn network(body: &str, candidates: &[String], ctx: &Context, report: &mut CodeReport) {
    if !NET_CALLS.iter().any(|p| body.contains(p)) {
        return;
    }
    let hosts: Vec<&str> = candidates
        .iter()
        .filter(|t| t.contains("://"))
        .filter_map(|t| net::url_host(t))
        .collect();
    if body.contains("socket")
        && (body.contains("dup2")
            || body.contains("pty.spawn")
            || body.contains("/bin/sh")
            || body.contains("/bin/bash")
            || body.contains("cmd.exe"))
    {
        report.findings.push((
            &c::NET_REVERSE_SHELL,
            "connects a shell to the network".to_owned(),
        ));
        return;
    }
    if EVAL_CALLS.iter().any(|p| body.contains(p)) && !hosts.iter().all(|h| is_local_host(h)) {
        report
            .findings
            .push((&c::NET_PIPE_TO_SHELL, "runs code it downloads".to_owned()));
    }
    let secret = candidates.iter().find(|t| {
        looks_like_path(t) && {
            let j = paths::judge(t, false, ctx);
            paths::secret(t, &j, ctx).is_some()
        }
    });
    let env_dump = ENV_DUMPS.iter().any(|p| body.contains(p));
    if let Some(path) = secret {
        report.findings.push((
            &c::NET_EXFILTRATE,
            format!("sends the secret `{path}` over the network"),
        ));
    } else if env_dump {
        report.findings.push((
            &c::NET_EXFILTRATE,
            "sends the environment over the network".to_owned(),
        ));
    }
    let upper = body.to_ascii_uppercase();
    let deletes =
        upper.contains("\"DELETE\"") || upper.contains("'DELETE'") || body.contains(".delete(");
    let sends = deletes
        || [
            "\"POST\"",
            "'POST'",
            "\"PUT\"",
            "'PUT'",
            "\"PATCH\"",
            "'PATCH'",
        ]
        .iter()
        .any(|m| upper.contains(m))
        || [
            ".post(",
            ".put(",
            ".patch(",
            "data=",
            "json=",
            "body:",
            "Net::HTTP::Post",
            "post_form",
            "sendall",
            ".send(",
        ]
        .iter()
        .any(|m| body.contains(m));
    let remote: Vec<&&str> = hosts.iter().filter(|h| !is_local_host(h)).collect();
    if sends {
        if remote.is_empty() && !hosts.is_empty() {
            report.findings.push((
                &c::NET_LOCAL_SEND,
                "sends data to a service on this machine".to_owned(),
            ));
        } else if deletes {
            report
                .findings
                .push((&c::NET_DELETE, "sends a DELETE request".to_owned()));
        } else {
            report
                .findings
                .push((&c::NET_SEND, "sends data to another host".to_owned()));
        }
    } else if remote.is_empty() && hosts.is_empty() {
        report.findings.push((
            &c::NET_FETCH_UNLISTED,
            "makes requests to hosts it computes".to_owned(),
        ));
    }
    for host in remote {
        if host_allowed(host, &ctx.allowed_hosts) {
            report
                .findings
                .push((&c::NET_FETCH, format!("requests the allowed host {host}")));
        } else {
            report.findings.push((
                &c::NET_FETCH_UNLISTED,
                format!("requests {host}, which is not an allowed host"),
            ));
        }
    }
}

/// Secret files the code names, when it does not send them (it prints or reads them).
fn secrets_read(body: &str, candidates: &[String], ctx: &Context, report: &mut CodeReport) {
    if report
        .findings
        .iter()
        .any(|(class, _)| class.id == c::NET_EXFILTRATE.id)
    {
        return;
    }
    let reads = body.contains("open(")
        || body.contains("read")
        || body.contains("cat ")
        || body.contains("File.")
        || body.contains("slurp");
    if !reads {
        return;
    }
    for t in candidates.iter().filter(|t| looks_like_path(t)) {
        let j = paths::judge(t, false, ctx);
        match paths::secret(t, &j, ctx) {
            Some(paths::Secret::Credential) => {
                report.findings.push((
                    &c::SECRET_READ,
                    format!("reads the key or credentials `{t}`"),
                ));
            }
            Some(paths::Secret::Sensitive) => {
                report.findings.push((
                    &c::SECRET_READ_CONFIG,
                    format!("reads `{t}`, which may hold secrets"),
                ));
            }
            None => {}
        }
    }
}

/// Where the call whose arguments start at `from` ends: its closing parenthesis, or the end of
/// the line.
fn call_end(body: &str, from: usize) -> usize {
    let mut depth = 0usize;
    for (i, ch) in body[from..].char_indices() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' | '\n' | ';' if depth == 0 => return from + i,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if i > 400 {
            return from + i;
        }
    }
    body.len()
}

fn looks_like_path(text: &str) -> bool {
    !text.is_empty()
        && text.len() < 512
        && !text.contains("://")
        && !text.contains(char::is_whitespace)
        && (text.starts_with(['/', '~', '.']) || text.contains('/'))
}

/// The string literals of a program text ('...', "...", `...`, triple quotes), with escapes
/// decoded, and `chr(N)` / `String.fromCharCode(N, ...)` read as literals.
fn literals(body: &str) -> Vec<Literal> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() && out.len() < 256 {
        let b = bytes[i];
        if matches!(b, b'\'' | b'"' | b'`') {
            let triple = i + 2 < bytes.len() && bytes[i + 1] == b && bytes[i + 2] == b;
            let open = if triple { 3 } else { 1 };
            let mut j = i + open;
            let mut text = String::new();
            let mut closed = false;
            while j < bytes.len() {
                let ch = bytes[j];
                if ch == b'\\' && j + 1 < bytes.len() {
                    let (decoded, used) = decode_escape(&body[j + 1..]);
                    text.push_str(&decoded);
                    j += 1 + used;
                    continue;
                }
                if ch == b
                    && (!triple || (j + 2 < bytes.len() && bytes[j + 1] == b && bytes[j + 2] == b))
                {
                    closed = true;
                    break;
                }
                let len = utf8_len(ch);
                text.push_str(&body[j..(j + len).min(body.len())]);
                j += len;
            }
            let end = if closed { j + open } else { j };
            out.push(Literal {
                text,
                start: i,
                end: end.min(body.len()),
            });
            i = end.max(i + 1);
            continue;
        }
        if body[i..].starts_with("chr(") || body[i..].starts_with("fromCharCode(") {
            let open = i + body[i..].find('(').unwrap_or(0) + 1;
            let close = body[open..].find(')').map_or(body.len(), |c| open + c);
            let text: String = body[open..close]
                .split(',')
                .filter_map(|n| n.trim().parse::<u32>().ok())
                .filter_map(char::from_u32)
                .collect();
            if !text.is_empty() {
                out.push(Literal {
                    text,
                    start: i,
                    end: close + 1,
                });
            }
            i = close.max(i + 1);
            continue;
        }
        i += utf8_len(b);
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        _ => 1,
    }
}

/// Decodes the escape after a backslash; returns the text and how many bytes it used.
pub(super) fn decode_escape(rest: &str) -> (String, usize) {
    let mut chars = rest.chars();
    let Some(kind) = chars.next() else {
        return ("\\".into(), 0);
    };
    let hex = |n: usize| -> Option<(String, usize)> {
        let digits = rest.get(1..1 + n)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        Some((char::from_u32(value)?.to_string(), 1 + n))
    };
    match kind {
        'n' => ("\n".into(), 1),
        't' => ("\t".into(), 1),
        'x' => hex(2).unwrap_or(("x".into(), 1)),
        'u' => hex(4).unwrap_or(("u".into(), 1)),
        '0'..='7' => {
            let digits: String = rest.chars().take(3).take_while(|c| c.is_digit(8)).collect();
            let value = u32::from_str_radix(&digits, 8).unwrap_or(0);
            (
                char::from_u32(value).map(String::from).unwrap_or_default(),
                digits.len(),
            )
        }
        other => (other.to_string(), other.len_utf8()),
    }
}

/// Every literal, plus the strings the code assembles from them: concatenations (`+`, `.`,
/// `..`, adjacency), joins (`'/'.join([...])`, `[...].join(' ')`), argument lists
/// (`['rm', '-rf', '~']` as `rm -rf ~`), and base64 or hex the code decodes.
fn assembled(body: &str, literals: &[Literal]) -> Vec<String> {
    let mut out: Vec<String> = literals.iter().map(|l| l.text.clone()).collect();
    let mut concat = String::new();
    let mut list: Vec<&str> = Vec::new();
    for (k, lit) in literals.iter().enumerate() {
        let gap = literals
            .get(k + 1)
            .map(|next| body.get(lit.end..next.start).unwrap_or("").trim());
        if concat.is_empty() {
            concat.push_str(&lit.text);
        }
        if list.is_empty() {
            list.push(&lit.text);
        }
        if let Some("+" | "." | ".." | "" | "||") = gap {
            concat.push_str(&literals[k + 1].text);
        } else {
            if concat != lit.text {
                out.push(std::mem::take(&mut concat));
            }
            concat.clear();
        }
        match gap {
            Some(g) if argv_gap(g) => {
                list.push(&literals[k + 1].text);
            }
            _ => {
                if list.len() > 1 {
                    // `'SEP'.join([...])` joins with the separator before the list.
                    let sep = literals
                        .iter()
                        .rev()
                        .find(|l| {
                            l.end <= literals[k + 1 - list.len()].start
                                && body[l.end..literals[k + 1 - list.len()].start]
                                    .trim_start()
                                    .starts_with(".join(")
                        })
                        .map_or(" ", |l| l.text.as_str());
                    out.push(list.join(sep));
                    if sep != " " {
                        out.push(list.join(" "));
                    }
                }
                list.clear();
            }
        }
    }
    let decodes_base64 = [
        "b64decode",
        "atob(",
        "base64",
        "Base64",
        "decode64",
        "fromhex",
        "unhexlify",
    ]
    .iter()
    .any(|p| body.contains(p));
    if decodes_base64 {
        for lit in literals.iter().filter(|l| l.text.len() >= 8) {
            if let Some(decoded) = decode_base64(&lit.text).or_else(|| decode_hex(&lit.text)) {
                out.push(decoded);
            }
        }
    }
    out.retain(|t| !t.is_empty());
    out.dedup();
    out.truncate(256);
    out
}

/// Whether the code between two literals continues an argument list: `, `, `', ['`,
/// `").args([`, `").arg(`.
fn argv_gap(gap: &str) -> bool {
    let rest = gap
        .replace(".args", "")
        .replace(".arg", "")
        .replace("arguments", "")
        .replace("args", "")
        .replace("argv", "")
        .replace([':', '='], "");
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| matches!(c, ',' | '[' | ']' | '(' | ')' | ' ' | '\n' | '\t' | '{'))
        && (rest.contains(',') || gap.contains(".arg"))
}

fn decode_base64(text: &str) -> Option<String> {
    let bytes = base64_bytes(text.trim())?;
    String::from_utf8(bytes)
        .ok()
        .filter(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
}

/// Decodes standard or URL-safe base64, with or without padding.
pub(super) fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for ch in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn decode_hex(text: &str) -> Option<String> {
    let t = text.trim();
    if !t.len().is_multiple_of(2) || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// `awk`: `system()` and pipes to commands run what they are given; `print > "file"` writes.
fn awk(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut skip = false;
    let mut program = None;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if matches!(
            a.as_str(),
            "-F" | "-v" | "-f" | "--field-separator" | "--assign"
        ) {
            skip = a != "-f";
            if a == "-f" {
                skip = true;
            }
            continue;
        }
        if a.starts_with('-') {
            continue;
        }
        program = Some(a.clone());
        break;
    }
    let Some(program) = program else {
        v.add(&c::READ_EVERYDAY, "awk", s.text());
        return;
    };
    let runs = program.contains("system(")
        || program.contains("| \"")
        || program.contains("|\"")
        || program.contains("|&")
        || program.contains("| getline")
        || program.contains("|getline");
    if runs {
        let literal_commands: Vec<String> = literals(&program)
            .into_iter()
            .map(|l| l.text)
            .filter(|t| t.contains(' ') || t.contains('/'))
            .collect();
        let computed = [
            "system($",
            "system( $",
            "system(cmd",
            "system(line",
            "system(x",
            "| sh",
            "|sh",
            "print | \"sh",
            "print |\"sh",
        ]
        .iter()
        .any(|p| program.contains(p))
            || (program.contains("system(") && literal_commands.is_empty());
        for line in &literal_commands {
            s.judge_line(line, "awk", v);
        }
        if computed {
            runs_its_input("awk", s, v);
        } else if !v.any_stopping() {
            v.add(
                &c::BUILD_EVERYDAY,
                "awk program that runs commands (judged on their own)",
                s.text(),
            );
        }
    } else {
        v.add(&c::READ_EVERYDAY, "awk text processing", s.text());
    }
    for target in awk_outputs(&program) {
        fs::write_target(&target, false, true, s, v);
    }
}

/// Files an awk program prints into (`print > "file"`, `print >> "file"`).
fn awk_outputs(program: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in program.match_indices('>') {
        let rest = program[at + 1..].trim_start_matches('>').trim_start();
        if let Some(q) = rest.strip_prefix('"')
            && let Some(end) = q.find('"')
        {
            out.push(q[..end].to_owned());
        }
    }
    out
}

/// A program runs the lines it reads as commands (`awk '{system($0)}'`, `sed 's/^//e'`): what
/// feeds it decides.
fn runs_its_input(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    for up in s.upstream() {
        if let Some(printed) = fs::printed(up) {
            s.judge_line(&printed, program, v);
            return;
        }
        if up.program().is_some_and(|p| net::FETCHERS.contains(&p)) {
            v.add(
                &c::NET_PIPE_TO_SHELL,
                format!(
                    "{program} runs lines downloaded by `{}` as commands",
                    super::shorten(&up.text)
                ),
                s.text(),
            );
            return;
        }
    }
    v.add(
        &c::EXEC_STDIN_SCRIPT,
        format!("{program} runs the lines it reads as commands"),
        s.text(),
    );
}

/// `sed`: the `e` command and the `e` flag of `s///` run commands; `w file` writes; `-i`
/// edits in place.
fn sed(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut scripts: Vec<String> = Vec::new();
    let mut files: Vec<(String, bool)> = Vec::new();
    let mut in_place = false;
    let mut skip_script = false;
    let mut explicit_script = false;
    for (i, a) in args.iter().enumerate() {
        if skip_script {
            scripts.push(a.clone());
            skip_script = false;
            continue;
        }
        match a.as_str() {
            "-e" | "--expression" => {
                skip_script = true;
                explicit_script = true;
            }
            "-f" | "--file" => explicit_script = true,
            _ if a.starts_with("--expression=") => {
                scripts.push(a["--expression=".len()..].to_owned());
                explicit_script = true;
            }
            _ if a == "--in-place" || a.starts_with("--in-place=") => in_place = true,
            _ if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 => {
                if a[1..].starts_with('i')
                    || (a[1..].chars().all(|c| "nrEsuzi".contains(c)) && a.contains('i'))
                {
                    in_place = true;
                }
                if a.ends_with('e') && !a.starts_with("-i") {
                    skip_script = true;
                    explicit_script = true;
                }
            }
            _ if a.starts_with('-') => {}
            _ => files.push((a.clone(), s.arg_dynamic(i))),
        }
    }
    if !explicit_script && !files.is_empty() {
        scripts.push(files.remove(0).0);
    }
    for script in &scripts {
        for command in sed_commands(script) {
            match command {
                SedCommand::Exec(Some(line)) => s.judge_line(&line, "sed", v),
                SedCommand::Exec(None) => runs_its_input("sed", s, v),
                SedCommand::Write(path) => fs::write_target(&path, false, true, s, v),
            }
        }
    }
    if in_place {
        for (file, dynamic) in &files {
            fs::write_target(file, *dynamic, true, s, v);
        }
        v.add(&c::FS_EDIT, "sed edits files in place", s.text());
    } else if !v.known {
        v.add(&c::READ_EVERYDAY, "sed prints edited text", s.text());
    }
}

enum SedCommand {
    /// `e command` (`Some`) or the `e` flag / bare `e` (the pattern space runs).
    Exec(Option<String>),
    /// `w file` or the `w` flag.
    Write(String),
}

/// The commands of a sed script that run programs or write files.
fn sed_commands(script: &str) -> Vec<SedCommand> {
    let mut out = Vec::new();
    for part in script.split(['\n', ';']) {
        let part = part.trim();
        // Skip an address (`1`, `$`, `/re/`, `1,5`).
        let body = part
            .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, ',' | '$' | '!' | ' '));
        let body = if let Some(rest) = body.strip_prefix('/') {
            rest.find('/').map_or("", |e| rest[e + 1..].trim_start())
        } else {
            body
        };
        if let Some(rest) = body.strip_prefix('s') {
            let Some(delim) = rest.chars().next() else {
                continue;
            };
            if delim.is_alphanumeric() || delim == ' ' {
                continue;
            }
            let pieces: Vec<&str> = rest[delim.len_utf8()..].splitn(3, delim).collect();
            if let [_, _, flags] = pieces.as_slice() {
                let flags_end = flags
                    .find(|c: char| !"gpiImMe0123456789w".contains(c))
                    .unwrap_or(flags.len());
                let flag_text = &flags[..flags_end];
                if flag_text.contains('e') {
                    // The replaced line runs: a literal replacement is that command.
                    let replacement = pieces[1].trim();
                    let literal = !replacement.is_empty()
                        && !replacement.contains('&')
                        && !replacement.contains('\\');
                    out.push(SedCommand::Exec(literal.then(|| replacement.to_owned())));
                }
                if let Some(w) = flags.find('w')
                    && w <= flags_end
                {
                    let path = flags[w + 1..].trim();
                    if !path.is_empty() {
                        out.push(SedCommand::Write(path.to_owned()));
                    }
                }
            }
        } else if let Some(rest) = body.strip_prefix('e') {
            let line = rest.trim();
            out.push(SedCommand::Exec(
                (!line.is_empty()).then(|| line.to_owned()),
            ));
        } else if let Some(rest) = body.strip_prefix(['w', 'W']) {
            let path = rest.trim();
            if !path.is_empty() && rest.starts_with(' ') {
                out.push(SedCommand::Write(path.to_owned()));
            }
        }
    }
    out
}
