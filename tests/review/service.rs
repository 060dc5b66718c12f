//! The review service through the real binary: `defer-for-review serve` on a loopback port,
//! the hook asking it, reviewers deciding over HTTP as a browser would, and everything an
//! agent on the same machine could try instead.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::{BIN, audit, bash_call, headless, items, queue_dir, resumed, run_all};
use crate::util::{Run, Sandbox};

/// A running `defer-for-review serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
}

impl Server {
    /// Starts the service of the sandbox's project on `port`, with `args`.
    pub(crate) fn start(sandbox: &Sandbox, port: u16, args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .env_clear()
            .env("HOME", sandbox.home())
            .env("CLAUDE_PROJECT_DIR", sandbox.project())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(sandbox.project())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the review service");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        if !line.starts_with("hookkit review service: ") {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            let _ = child.kill();
            panic!("the service did not start: {line}{err}");
        }
        // Keep reading, so that a full pipe never blocks the service.
        std::thread::spawn(move || for _ in stdout.lines() {});
        Self { child }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (the service can then be restarted on the same one).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP exchange, written by hand so that any header (a foreign `Host`, no `Origin`) can
/// be sent. Returns the status, the headers (lowercase names) and the body.
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        let _ = write!(request, "Host: 127.0.0.1:{port}\r\n");
    }
    for (name, value) in headers {
        let _ = write!(request, "{name}: {value}\r\n");
    }
    let _ = write!(request, "Content-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// The page's own origin.
pub(crate) fn origin(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The service key (made once, unencrypted) and a policy that reviews `make`/`rm`/`git push`
/// calls, asks the service at `port`, and trusts only the service's key.
pub(crate) fn service_policy(sandbox: &Sandbox, port: u16) {
    let saved = sandbox.root().join("service.pub");
    let key = std::fs::read_to_string(&saved).unwrap_or_else(|_| {
        let run = sandbox
            .hook(BIN)
            .args(["keygen", "--service", "--no-passphrase", "--no-trust"])
            .run()
            .code(0);
        let line = super::public_key_in(&run.stdout());
        std::fs::write(&saved, &line).unwrap();
        line
    });
    sandbox.write(
        "home/.claude/hookkit.toml",
        &format!(
            "[review]\nrisk = []\n\
             when = ['(.tool_input.command // \"\") | test(\"^(rm|make|git push) \")']\n\
             trusted_keys = [\"{key}\"]\n\
             endpoint = \"http://127.0.0.1:{port}/approve\"\n"
        ),
    );
}

/// Adds a reviewer; returns the secret `reviewer add` showed once.
pub(crate) fn add_reviewer(sandbox: &Sandbox, name: &str) -> String {
    let run = sandbox
        .hook(BIN)
        .args(["reviewer", "add", name])
        .run()
        .code(0);
    run.stdout().lines().last().unwrap().trim().to_owned()
}

/// Logs in as a browser would; returns the cookie and the session's CSRF token.
pub(crate) fn login(port: u16, name: &str, secret: &str) -> (String, String) {
    let body = format!("name={name}&secret={secret}");
    let (status, headers, _) = http(
        port,
        "POST",
        "/login",
        &[
            ("Origin", &origin(port)),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &body,
    );
    assert_eq!(status, 303, "login as {name}");
    let cookie = headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let (_, _, page) = http(port, "GET", "/", &[("Cookie", &cookie)], "");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    (cookie, csrf)
}

/// Posts a decision form as the page does.
pub(crate) fn decide(port: u16, cookie: &str, form: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let origin = origin(port);
    let mut headers = vec![
        ("Cookie", cookie),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    if extra.is_empty() {
        headers.push(("Origin", &origin));
    }
    headers.extend_from_slice(extra);
    let (status, _, body) = http(port, "POST", "/decide", &headers, form);
    (status, body)
}

/// A running service the sandbox's hooks ask, with one reviewer; returns its port, the
/// reviewer's secret and the server.
fn with_service(sandbox: &Sandbox, reviewer: &str) -> (u16, String, Server) {
    let port = free_port();
    service_policy(sandbox, port);
    let secret = add_reviewer(sandbox, reviewer);
    (port, secret, Server::start(sandbox, port, &[]))
}

/// Defers a Bash `command` through the service; returns the item the service holds.
fn defer_through(sandbox: &Sandbox, tool_use_id: &str, command: &str) -> String {
    let run = headless(sandbox)
        .payload(bash_call(tool_use_id, command))
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    items(&queue_dir(sandbox))
        .into_iter()
        .find(|i| i["tool_use_id"] == tool_use_id)
        .and_then(|i| i["id"].as_str().map(str::to_owned))
        .unwrap()
}

fn item_file(sandbox: &Sandbox, id: &str) -> Value {
    let path = queue_dir(sandbox).join(format!("{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_page_approval_runs_the_call_on_resume_across_restarts() {
    let sandbox = Sandbox::new();
    let port = free_port();
    service_policy(&sandbox, port);
    let secret = add_reviewer(&sandbox, "alice");
    let call = bash_call("toolu_svc", "make deploy");
    let server = Server::start(&sandbox, port, &[]);

    let run = headless(&sandbox).payload(call.clone()).run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    assert!(run.reason().contains("review service"), "{}", run.reason());
    let queued = items(&queue_dir(&sandbox));
    assert_eq!(queued.len(), 1, "the service holds exactly one item");
    let id = queued[0]["id"].as_str().unwrap().to_owned();
    assert!(run.reason().contains(&id), "{}", run.reason());

    // A restart between defer and decision loses nothing.
    drop(server);
    let server = Server::start(&sandbox, port, &[]);
    let (_, _, page) = http(port, "GET", "/", &[], "");
    assert!(page.contains(&format!("id=\"{id}\"")), "{page}");
    assert!(page.contains("make deploy"));

    let (cookie, csrf) = login(port, "alice", &secret);
    let (status, body) = decide(
        port,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=approve&ttl=1h"),
        &[],
    );
    assert_eq!(status, 303, "{body}");
    let decided = item_file(&sandbox, &id);
    assert_eq!(decided["decision"]["statement"]["reviewer"], "alice");

    // And between decision and resume.
    drop(server);
    let _server = Server::start(&sandbox, port, &[]);
    let run = headless(&sandbox).payload(resumed(call.clone())).run();
    assert_eq!(run.decision(), "allow", "{}", run.reason());
    assert!(run.reason().contains("alice"), "{}", run.reason());
    // Once.
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());
    // Audited: the reviewer's decision by name, the hook's defer and allow.
    let records = audit(&sandbox);
    let review = records.iter().find(|r| r["event"] == "Review").unwrap();
    assert_eq!(review["decision"], "approve");
    assert!(
        review["reason"].as_str().unwrap().contains("by alice"),
        "{review}"
    );
    let hook: Vec<&str> = records
        .iter()
        .filter(|r| r["event"] == "PreToolUse")
        .map(|r| r["decision"].as_str().unwrap())
        .collect();
    assert_eq!(hook, ["defer", "allow", "deny"]);
}

#[test]
fn a_page_denial_reaches_the_model_with_its_reason() {
    let sandbox = Sandbox::new();
    let (port, secret, _server) = with_service(&sandbox, "bob");
    let call = bash_call("toolu_svc_deny", "rm -rf build");
    let id = defer_through(&sandbox, "toolu_svc_deny", "rm -rf build");
    let (cookie, csrf) = login(port, "bob", &secret);
    let (status, _) = decide(
        port,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=deny&reason=keep+the+build+cache"),
        &[],
    );
    assert_eq!(status, 303);
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains("keep the build cache"),
        "{}",
        run.reason()
    );
    assert!(run.reason().contains("bob"), "{}", run.reason());
}

#[test]
fn deciding_needs_the_credential_and_the_pages_own_forms() {
    let sandbox = Sandbox::new();
    let (port, secret, _server) = with_service(&sandbox, "alice");
    let id = defer_through(&sandbox, "toolu_forms", "make deploy");
    let approve = |csrf: &str| format!("csrf={csrf}&item={id}&action=approve&ttl=1h");

    // No credential at all.
    let (status, _) = decide(port, "hookkit_review=guessed", &approve("x"), &[]);
    assert_eq!(status, 401);
    let (status, _, _) = http(
        port,
        "POST",
        "/login",
        &[("Origin", &origin(port))],
        "name=alice&secret=not-the-secret",
    );
    assert_eq!(status, 401);

    let (cookie, csrf) = login(port, "alice", &secret);
    let evil = "http://evil.example";
    let foreign_host = format!("rebound.example:{port}");
    let foreign_origin = format!("http://rebound.example:{port}");
    let forged = vec![
        (
            "no token",
            format!("item={id}&action=approve&ttl=1h"),
            vec![],
        ),
        ("wrong token", approve("forged-token"), vec![]),
        ("another site", approve(&csrf), vec![("Origin", evil)]),
        (
            "another site's page",
            approve(&csrf),
            vec![("Referer", "http://evil.example/x")],
        ),
        ("no origin", approve(&csrf), vec![("X-Nothing", "1")]),
        (
            "a rebound name",
            approve(&csrf),
            vec![("Host", &foreign_host), ("Origin", &foreign_origin)],
        ),
    ];
    for (what, form, extra) in forged {
        let (status, _) = decide(port, &cookie, &form, &extra);
        assert_eq!(status, 403, "{what}");
    }
    let (status, _, _) = http(port, "GET", "/", &[("Host", &foreign_host)], "");
    assert_eq!(status, 403, "the page is not served under a rebound name");
    let item = item_file(&sandbox, &id);
    assert!(item["decision"].is_null(), "nothing was decided: {item}");
    assert_eq!(item["status"], "pending");
}

#[test]
fn an_agent_call_to_the_decision_route_is_refused() {
    let sandbox = Sandbox::new();
    let (port, _, _server) = with_service(&sandbox, "alice");
    let id = defer_through(&sandbox, "toolu_agent", "make deploy");
    let command = format!(
        "curl -s -o /dev/null -w '%{{http_code}}' -X POST -H 'Origin: {}' \
         --data 'item={id}&action=approve&ttl=24h&csrf=x' {}/decide",
        origin(port),
        origin(port)
    );
    // Through the gate, in the mode where nobody is at the prompt: never an allow.
    let mut payload = bash_call("toolu_curl", &command);
    payload["permission_mode"] = json!("bypassPermissions");
    let gate = sandbox
        .hook(env!("CARGO_BIN_EXE_pretooluse-gate"))
        .payload(payload)
        .run();
    assert_ne!(gate.decision(), "allow", "{}", gate.reason());
    // Had it run, the agent (who has no reviewer credential) gets nowhere: the credential is
    // the boundary.
    if Command::new("curl").arg("--version").output().is_ok() {
        let output = Command::new("sh").arg("-c").arg(&command).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&output.stdout), "401");
    } else {
        eprintln!("note: curl is not installed; the request is sent by the test instead");
    }
    let (status, _) = decide(
        port,
        "",
        &format!("item={id}&action=approve&ttl=24h&csrf=x"),
        &[],
    );
    assert_eq!(status, 401);
    assert!(item_file(&sandbox, &id)["decision"].is_null());
}

#[test]
fn thirty_two_hooks_and_four_reviewers_lose_and_duplicate_nothing() {
    let sandbox = Sandbox::new();
    let port = free_port();
    service_policy(&sandbox, port);
    let reviewers: Vec<(String, String)> = ["ann", "ben", "cat", "dan"]
        .iter()
        .map(|name| ((*name).to_owned(), add_reviewer(&sandbox, name)))
        .collect();
    let _server = Server::start(&sandbox, port, &[]);
    let calls: Vec<Value> = (0..32)
        .map(|n| {
            let mut call = bash_call(&format!("toolu_c{n}"), &format!("make deploy-{n}"));
            call["session_id"] = json!(format!("session-{n}"));
            call
        })
        .collect();
    let hooks = calls
        .iter()
        .map(|call| headless(&sandbox).payload(call.clone()))
        .collect();
    let decisions: Vec<String> = run_all(hooks).iter().map(Run::decision).collect();
    assert!(decisions.iter().all(|d| d == "defer"), "{decisions:?}");
    let queued = items(&queue_dir(&sandbox));
    assert_eq!(queued.len(), 32, "one item per call");
    let ids: Vec<String> = queued
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();

    // Four reviewers race through every item: each item is decided exactly once.
    let sessions: Vec<(String, String, String)> = reviewers
        .iter()
        .map(|(name, secret)| {
            let (cookie, csrf) = login(port, name, secret);
            (name.clone(), cookie, csrf)
        })
        .collect();
    let won: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = sessions
            .iter()
            .enumerate()
            .map(|(r, (_, cookie, csrf))| {
                let ids = &ids;
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for (n, id) in ids.iter().enumerate() {
                        // Half approved, half denied, whoever gets there first.
                        let form = if n % 2 == 0 {
                            format!("csrf={csrf}&item={id}&action=approve&ttl=1h")
                        } else {
                            format!("csrf={csrf}&item={id}&action=deny&reason=reviewer+{r}")
                        };
                        let (status, body) = decide(port, cookie, &form, &[]);
                        match status {
                            303 => mine.push(id.clone()),
                            409 => assert!(body.contains("already"), "{body}"),
                            other => panic!("{other}: {body}"),
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<String> = won.concat();
    all.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(all, expected, "every item decided once, none twice");
    let reviews = audit(&sandbox)
        .into_iter()
        .filter(|r| r["event"] == "Review")
        .count();
    assert_eq!(reviews, 32);

    // Every call gets its own decision on resume.
    let hooks = calls
        .iter()
        .map(|call| headless(&sandbox).payload(resumed(call.clone())))
        .collect();
    let answers: Vec<String> = run_all(hooks).iter().map(Run::decision).collect();
    for (call, answer) in calls.iter().zip(&answers) {
        let item = items(&queue_dir(&sandbox))
            .into_iter()
            .find(|i| i["tool_use_id"] == call["tool_use_id"])
            .unwrap();
        let expected = if item["status"] == "approved" {
            "allow"
        } else {
            "deny"
        };
        assert_eq!(answer, expected, "{item}");
    }
    assert_eq!(items(&queue_dir(&sandbox)).len(), 32);
}

#[test]
fn listening_beyond_loopback_needs_tls_or_the_flag() {
    let sandbox = Sandbox::new();
    service_policy(&sandbox, 1);
    let run = sandbox
        .hook(BIN)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .run()
        .code(1);
    assert!(run.stderr().contains("--tls-cert"), "{}", run.stderr());
    let run = sandbox
        .hook(BIN)
        .args([
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            "/nonexistent",
        ])
        .run()
        .code(2);
    assert!(run.stderr().contains("--tls-key"), "{}", run.stderr());

    // With the flag it starts, and says what that means.
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--insecure-listen"])
        .env_clear()
        .env("HOME", sandbox.home())
        .env("CLAUDE_PROJECT_DIR", sandbox.project())
        .current_dir(sandbox.project())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut said = String::new();
    while !said.contains("WARNING") {
        if out.read_line(&mut said).unwrap() == 0 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.contains("without TLS"), "{said}");

    // With TLS it serves https.
    let dir = sandbox.root();
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .arg("-keyout")
        .arg(dir.join("tls.key"))
        .arg("-out")
        .arg(dir.join("tls.crt"))
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: the TLS part needs openssl to make a certificate");
        return;
    }
    let port = free_port();
    let cert = dir.join("tls.crt").display().to_string();
    let key = dir.join("tls.key").display().to_string();
    let _server = Server::start(&sandbox, port, &["--tls-cert", &cert, "--tls-key", &key]);
    let fetched = Command::new("curl")
        .args(["-s", "--cacert", &cert])
        .arg(format!("https://localhost:{port}/healthz"))
        .output();
    match fetched {
        Ok(output) => assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok"),
        Err(_) => eprintln!("skipped: the https check needs curl"),
    }
    // Plain http to the TLS port gets nothing.
    let mut plain = TcpStream::connect(("127.0.0.1", port)).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains("\r\n\r\nok"));
}
