//! The network and fetched code: downloads piped into a shell, uploads of secrets, reverse
//! shells, and requests to hosts that are not allowed.

use super::bash::{Subject, Verdict};
use super::paths::{self, Secret};
use super::{Assessment, Context, Finding, Risk, host_allowed};
use crate::shell::Command;

/// Programs that fetch from the network.
const FETCHERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "http",
    "https",
    "xh",
    "aria2c",
    "lynx",
    "links",
    "httpie",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "iwr",
    "Invoke-WebRequest",
];

/// Interpreters that run code read from their standard input.
pub(super) const INTERPRETERS: &[&str] = &[
    "python",
    "python2",
    "python3",
    "pypy",
    "pypy3",
    "node",
    "nodejs",
    "perl",
    "ruby",
    "php",
    "deno",
    "bun",
    "lua",
    "Rscript",
    "osascript",
    "pwsh",
    "powershell",
    "tclsh",
    "irb",
];

/// Judges network programs and shells; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let trimmed = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let program = if trimmed.is_empty() { program } else { trimmed };
    match program {
        p if crate::shell::is_shell(p) || p == "source" || p == "." => shell(p, s, v),
        "curl" | "wget" | "http" | "https" | "xh" | "aria2c" | "httpie" => fetcher(program, s, v),
        "nc" | "ncat" | "netcat" | "socat" | "telnet" => raw_socket(s, v),
        "scp" | "sftp" | "rsync" | "ftp" | "rclone" => transfer(s, v),
        "ssh" => {
            let host = s
                .args()
                .iter()
                .find(|a| !a.starts_with('-'))
                .map_or("", String::as_str);
            let host = host.rsplit('@').next().unwrap_or(host);
            request(host, "ssh", s, v);
        }
        "gh" => gh(s, v),
        _ => return false,
    }
    true
}

/// The host of `user@host:path` or `host:path`, if `spec` names a remote file.
pub(super) fn remote_spec(spec: &str) -> Option<&str> {
    if spec.contains("://") {
        return url_host(spec);
    }
    let (before, _) = spec.split_once(':')?;
    if before.is_empty() || before.contains('/') {
        return None;
    }
    Some(before.rsplit('@').next().unwrap_or(before))
}

/// The host of a URL (`https://user@host:443/x` -> `host`), or of a bare `host/path`.
pub(super) fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('['))?
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn looks_like_url(arg: &str) -> bool {
    arg.contains("://")
        || (arg.contains('.')
            && !arg.starts_with(['-', '.', '/', '@', '~'])
            && arg.split('/').next().is_some_and(|h| {
                h.contains('.')
                    && !h.ends_with(".sh")
                    && !h.ends_with(".json")
                    && !h.ends_with(".txt")
            }))
}

fn request(host: &str, what: &str, s: &Subject<'_>, v: &mut Verdict) {
    if host.is_empty() {
        v.add(
            "net.request",
            Risk::Medium,
            format!("{what} to a host that cannot be read"),
            s.text(),
        );
    } else if host_allowed(host, &s.ctx.allowed_hosts) {
        v.add(
            "net.request",
            Risk::Low,
            format!("{what} to the allowed host {host}"),
            s.text(),
        );
    } else {
        v.add(
            "net.request",
            Risk::Medium,
            format!("{what} to {host}, which is not an allowed host"),
            s.text(),
        );
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
fn fetcher(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut uploads_secret = None;
    let mut uploads = false;
    let mut hosts: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, val)) if n.starts_with("--") => (n, Some(val)),
            _ => (arg, None),
        };
        let data_option = matches!(
            name,
            "-d" | "--data"
                | "--data-binary"
                | "--data-raw"
                | "--data-urlencode"
                | "--data-ascii"
                | "-F"
                | "--form"
                | "--form-string"
                | "-T"
                | "--upload-file"
                | "--json"
                | "--post-file"
                | "--body-file"
        );
        let output_option = matches!(name, "-o" | "--output" | "-O" | "--output-document");
        let value = if let Some(val) = inline {
            Some(val)
        } else if data_option
            || (output_option && !(program == "curl" && name == "-O"))
            || matches!(
                name,
                "-H" | "--header"
                    | "-u"
                    | "--user"
                    | "-A"
                    | "-e"
                    | "-X"
                    | "--request"
                    | "-x"
                    | "--proxy"
                    | "-K"
                    | "--config"
                    | "-w"
                    | "-b"
                    | "--cookie"
                    | "-c"
                    | "--max-time"
                    | "-m"
                    | "--retry"
                    | "--connect-timeout"
                    | "-P"
                    | "--directory-prefix"
            )
        {
            i += 1;
            args.get(i).map(String::as_str)
        } else {
            None
        };
        if data_option {
            uploads = true;
            if let Some(val) = value
                && let Some(path) = uploaded_file(val, name)
            {
                let judged = paths::judge(path, false, s.ctx);
                if let Some(kind) = paths::secret(path, &judged, s.ctx) {
                    uploads_secret = Some((path.to_owned(), kind));
                }
            }
        } else if output_option {
            if let Some(target) = value {
                super::fs::write_target(target, false, true, s, v);
            }
        } else if value.is_none()
            && !arg.starts_with('-')
            && looks_like_url(arg)
            && let Some(host) = url_host(arg)
        {
            hosts.push(host);
        }
        i += 1;
    }
    if let Some((path, _)) = uploads_secret {
        v.add(
            "net.exfiltrate",
            Risk::High,
            format!("uploads the secret file `{path}`"),
            s.text(),
        );
        return;
    }
    if piped_secret(s).is_some() && uploads {
        v.add(
            "net.exfiltrate",
            Risk::High,
            "sends a secret file read earlier in the pipeline",
            s.text(),
        );
        return;
    }
    let what = if uploads { "an upload" } else { "a request" };
    if hosts.is_empty() {
        request("", what, s, v);
    }
    for host in hosts {
        request(host, what, s, v);
    }
    if uploads && v.findings.iter().all(|f| f.risk == Risk::Low) {
        v.known = true;
    }
}

/// The file an upload option sends: `@file`, `name=@file`, `name=<file`, `-T file`.
fn uploaded_file<'a>(value: &'a str, option: &str) -> Option<&'a str> {
    if matches!(
        option,
        "-T" | "--upload-file" | "--post-file" | "--body-file"
    ) {
        return Some(value);
    }
    if let Some(path) = value.strip_prefix('@') {
        return Some(path);
    }
    let (_, after) = value.split_once('=')?;
    after
        .strip_prefix('@')
        .or_else(|| after.strip_prefix('<'))
        .map(|p| p.split(';').next().unwrap_or(p))
}

/// A secret file an earlier stage of the pipeline (or an input redirection) reads.
fn piped_secret(s: &Subject<'_>) -> Option<String> {
    let from_redirect =
        s.command.redirects.iter().find_map(|r| {
            (r.kind == crate::shell::RedirectKind::Read).then_some(r.target.as_str())
        });
    let mut candidates: Vec<String> = from_redirect.map(str::to_owned).into_iter().collect();
    for up in s.upstream() {
        candidates.extend(
            up.effective
                .iter()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .cloned(),
        );
        candidates.extend(
            up.redirects
                .iter()
                .filter(|r| r.kind == crate::shell::RedirectKind::Read)
                .map(|r| r.target.clone()),
        );
    }
    candidates.into_iter().find(|path| {
        let judged = paths::judge(path, false, s.ctx);
        paths::secret(path, &judged, s.ctx).is_some()
    })
}

fn raw_socket(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    if args.iter().any(|a| {
        a == "-e"
            || a == "-c"
            || a.starts_with("exec:")
            || a.starts_with("EXEC:")
            || a.starts_with("system:")
    }) {
        v.add(
            "net.reverse-shell",
            Risk::High,
            "connects a program's input and output to the network (a remote shell)",
            s.text(),
        );
        return;
    }
    if let Some(secret) = piped_secret(s) {
        v.add(
            "net.exfiltrate",
            Risk::High,
            format!("sends the secret file `{secret}` over a raw connection"),
            s.text(),
        );
        return;
    }
    let listen = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let host = args
        .iter()
        .find(|a| !a.starts_with('-') && !a.chars().all(|c| c.is_ascii_digit()))
        .map_or("", String::as_str);
    if listen {
        v.add(
            "net.listen",
            Risk::Medium,
            "opens a listening network port",
            s.text(),
        );
    } else {
        request(host, "a raw connection", s, v);
    }
}

fn transfer(s: &Subject<'_>, v: &mut Verdict) {
    let operands: Vec<&str> = s
        .args()
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let remote_dest = operands.last().and_then(|d| remote_spec(d));
    if remote_dest.is_some() {
        for source in &operands[..operands.len().saturating_sub(1)] {
            if remote_spec(source).is_some() {
                continue;
            }
            let judged = paths::judge(source, false, s.ctx);
            if let Some(kind) = paths::secret(source, &judged, s.ctx) {
                let _ = kind;
                v.add(
                    "net.exfiltrate",
                    Risk::High,
                    format!("copies the secret `{source}` to another machine"),
                    s.text(),
                );
                return;
            }
            if matches!(judged.place, paths::Place::Home) {
                v.add(
                    "net.exfiltrate",
                    Risk::High,
                    format!("copies the home directory `{source}` to another machine"),
                    s.text(),
                );
                return;
            }
        }
    }
    let host = operands.iter().find_map(|o| remote_spec(o)).unwrap_or("");
    if s.args()
        .iter()
        .any(|a| a == "--delete" || a.starts_with("--delete-"))
    {
        v.add(
            "net.sync-delete",
            Risk::Medium,
            "rsync --delete removes files at the destination",
            s.text(),
        );
    }
    request(host, "a file transfer", s, v);
}

fn gh(s: &Subject<'_>, v: &mut Verdict) {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    match args.as_slice() {
        ["repo", "delete", ..] => v.add(
            "gh.repo-delete",
            Risk::High,
            "deletes a GitHub repository",
            s.text(),
        ),
        [
            "release" | "secret" | "variable" | "label" | "run" | "cache",
            "delete",
            ..,
        ] => v.add("gh.delete", Risk::Medium, "deletes GitHub data", s.text()),
        ["api", rest @ ..]
            if rest.windows(2).any(|w| {
                matches!(w[0], "-X" | "--method") && w[1].eq_ignore_ascii_case("DELETE")
            }) =>
        {
            v.add(
                "gh.delete",
                Risk::High,
                "sends a DELETE request to the GitHub API",
                s.text(),
            );
        }
        [_, "view" | "list" | "status" | "diff" | "checks", ..]
        | ["status" | "auth" | "search" | "browse" | "api", ..] => {
            v.add("gh.read", Risk::Low, "reads from GitHub", s.text());
        }
        _ => v.add("gh.write", Risk::Medium, "changes data on GitHub", s.text()),
    }
}

/// Reading a secret: keys and credentials are high, other secret files medium.
pub(super) fn secret_read(path: &str, kind: Secret, s: &Subject<'_>, v: &mut Verdict) {
    match kind {
        Secret::Credential => v.findings.push(Finding::new(
            "secret.read",
            Risk::High,
            format!("reads the private key or credentials `{path}`"),
            s.text(),
        )),
        Secret::Sensitive => v.findings.push(Finding::new(
            "secret.read",
            Risk::Medium,
            format!("reads `{path}`, which may hold secrets"),
            s.text(),
        )),
    }
}

/// Whether a command fetches from the network or decodes hidden text.
fn is_fetch_or_decode(c: &Command) -> Option<&'static str> {
    let program = c.program()?;
    if FETCHERS.contains(&program) {
        return Some("net.pipe-to-shell");
    }
    let args = &c.effective[1..];
    let decodes = match program {
        "base64" | "base32" | "basenc" => args.iter().any(|a| {
            a == "-d"
                || a == "--decode"
                || a == "-D"
                || (a.starts_with('-') && !a.starts_with("--") && a.contains('d'))
        }),
        "xxd" => args.iter().any(|a| a.starts_with("-r")),
        "openssl" => args
            .iter()
            .any(|a| a == "-d" || a == "base64" || a == "enc"),
        "rev" | "tr" | "gunzip" | "zcat" | "uudecode" => true,
        _ => false,
    };
    decodes.then_some("exec.decode-to-shell")
}

/// Shells and `source`: stdin from a download or a decoder, `<(curl ...)`, a fetched script.
fn shell(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let command_mode = args
        .iter()
        .take_while(|a| a.starts_with(['-', '+']))
        .any(|a| !a.starts_with("--") && a.contains('c'));
    let script = args.iter().find(|a| !a.starts_with(['-', '+']));
    if command_mode {
        v.add(
            "exec.shell-c",
            Risk::Low,
            "runs a command string (judged on its own)",
            s.text(),
        );
        return;
    }
    if let Some(script) = script {
        if script.starts_with("<(") && FETCHERS.iter().any(|f| script.contains(f)) {
            v.add(
                "net.pipe-to-shell",
                Risk::High,
                "runs a script straight from the network",
                s.text(),
            );
        } else if downloaded_earlier(script, s) {
            v.add(
                "net.pipe-to-shell",
                Risk::High,
                format!("runs `{script}`, downloaded earlier in the same command"),
                s.text(),
            );
        } else {
            v.known = program != "source" && program != ".";
            v.known = false;
        }
        return;
    }
    if s.command.stdin_text.is_some() {
        v.add(
            "exec.shell-c",
            Risk::Low,
            "runs a here-document (judged on its own)",
            s.text(),
        );
        return;
    }
    if s.command.stage > 0 {
        for up in s.upstream() {
            if let Some(class) = is_fetch_or_decode(up) {
                v.add(
                    class,
                    Risk::High,
                    format!(
                        "pipes the output of `{}` into {program}",
                        super::shorten(&up.text)
                    ),
                    s.text(),
                );
                return;
            }
        }
        if s.upstream()
            .next()
            .is_some_and(|up| matches!(up.program(), Some("echo" | "printf")))
        {
            v.add(
                "exec.shell-c",
                Risk::Low,
                "runs printed text (judged on its own)",
                s.text(),
            );
        } else {
            v.add(
                "exec.stdin-script",
                Risk::Medium,
                format!("{program} runs commands read from a pipe that cannot be checked"),
                s.text(),
            );
        }
        return;
    }
    v.known = false;
}

/// Whether `script` is a file that an earlier command of the line downloads.
pub(super) fn downloaded_earlier(script: &str, s: &Subject<'_>) -> bool {
    let name = script.rsplit('/').next().unwrap_or(script);
    s.all.iter().any(|c| {
        matches!(
            c.program(),
            Some("curl" | "wget" | "fetch" | "aria2c" | "http" | "xh")
        ) && (c
            .effective
            .iter()
            .any(|a| a == script || (a.ends_with(name) && !a.contains("://")))
            || c.redirects
                .iter()
                .any(|r| r.target == script || r.target.ends_with(name)))
    }) && !name.is_empty()
}

/// Pipes into an interpreter: the same check as for shells.
pub(super) fn interpreter_stdin(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    if s.command.stage == 0 {
        return false;
    }
    for up in s.upstream() {
        if let Some(class) = is_fetch_or_decode(up) {
            v.add(
                class,
                Risk::High,
                format!(
                    "pipes the output of `{}` into {program}",
                    super::shorten(&up.text)
                ),
                s.text(),
            );
            return true;
        }
    }
    false
}

/// WebFetch: allowed hosts are low, others medium.
pub(super) fn assess_web_fetch(url: &str, ctx: &Context, out: &mut Assessment) {
    match url_host(url) {
        Some(host) if host_allowed(host, &ctx.allowed_hosts) => out.findings.push(Finding::new(
            "net.fetch",
            Risk::Low,
            format!("fetches from the allowed host {host}"),
            url,
        )),
        Some(host) => out.findings.push(Finding::new(
            "net.fetch",
            Risk::Medium,
            format!("fetches from {host}, which is not an allowed host"),
            url,
        )),
        None => out.findings.push(Finding::new(
            "net.fetch",
            Risk::Medium,
            "fetches a URL whose host cannot be read",
            url,
        )),
    }
}
