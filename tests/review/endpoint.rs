//! The approval service, played by a server on 127.0.0.1 inside the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use hookkit::review::decision::{Statement, Verdict};

use super::{bash_call, headless, item_of, items, queue_dir, user_review_policy};
use crate::util::Sandbox;

/// A one-request server: answers with `status` and `body` after `delay`, and hands back the
/// request body it received.
struct Service {
    url: String,
    request: mpsc::Receiver<Value>,
    thread: JoinHandle<()>,
}

fn serve(status: &str, body: &str, delay: Duration) -> Service {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/approve?token=s3cret",
        listener.local_addr().unwrap()
    );
    let (tx, request) = mpsc::channel();
    let status = status.to_owned();
    let body = body.to_owned();
    let thread = std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut request_body = vec![0; length];
        if reader.read_exact(&mut request_body).is_err() {
            return;
        }
        let _ = tx.send(serde_json::from_slice(&request_body).unwrap_or(Value::Null));
        std::thread::sleep(delay);
        let mut stream = reader.into_inner();
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    Service {
        url,
        request,
        thread,
    }
}

/// A search for a leaked token (a call the gate's input filter lets through, unlike a Bash
/// command carrying the token), and the flag that sends Grep calls to review.
fn secret_call(tool_use_id: &str) -> Value {
    super::tool_call(
        tool_use_id,
        "Grep",
        serde_json::json!({"pattern": "ghp_abcdef0123456789ABCDEFGHIJabcdefghij", "path": "."}),
    )
}

const REVIEW_GREP: [&str; 2] = ["--when", ".tool_name == \"Grep\""];

#[test]
fn an_unsigned_approval_allows_where_the_user_opts_in() {
    let sandbox = Sandbox::new();
    let service = serve(
        "200 OK",
        r#"{"approve": true, "reason": "change ticket 42"}"#,
        Duration::ZERO,
    );
    user_review_policy(&sandbox, "allow_unsigned_endpoint = true\n");
    let run = headless(&sandbox)
        .args(REVIEW_GREP)
        .args(["--approval-endpoint", &service.url])
        .payload(secret_call("toolu_ep_yes"))
        .run();
    assert_eq!(run.decision(), "allow", "{}", run.stderr());
    assert!(
        run.reason().contains("change ticket 42"),
        "{}",
        run.reason()
    );
    let sent = service
        .request
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    service.thread.join().unwrap();
    assert_eq!(sent["tool_use_id"], "toolu_ep_yes");
    assert_eq!(sent["tool"], "Grep");
    assert_eq!(sent["input_sha256"].as_str().unwrap().len(), 64);
    let command = sent["input"]["pattern"].as_str().unwrap();
    assert!(
        !command.contains("ghp_abcdef"),
        "the secret left the machine: {command}"
    );
    assert!(command.contains("[REDACTED:github-token]"), "{command}");
    let item = item_of(&sandbox, "toolu_ep_yes");
    assert_eq!(item["status"], "approved");
    assert_eq!(item["last_answer"], "allow");
    let by = item["decided_by"].as_str().unwrap();
    assert!(by.starts_with("approval service http://127.0.0.1:"), "{by}");
    assert!(by.ends_with("(unsigned)"), "{by}");
    assert!(
        !by.contains("s3cret"),
        "the URL's query is not recorded: {by}"
    );
}

#[test]
fn an_unsigned_approval_is_no_answer_without_the_users_opt_in() {
    for project_opt_in in [false, true] {
        let sandbox = Sandbox::new();
        let service = serve("200 OK", r#"{"approve": true}"#, Duration::ZERO);
        user_review_policy(&sandbox, &format!("endpoint = \"{}\"\n", service.url));
        if project_opt_in {
            // A project file cannot opt its user into unsigned answers.
            sandbox.write(
                "project/.claude/hookkit.toml",
                "[review]\nallow_unsigned_endpoint = true\n",
            );
        }
        let run = headless(&sandbox)
            .payload(bash_call("toolu_ep_unsigned", "make deploy"))
            .run();
        assert_eq!(run.decision(), "defer", "{}", run.reason());
        assert!(
            run.stderr().contains("allow_unsigned_endpoint"),
            "{}",
            run.stderr()
        );
        service.thread.join().unwrap();
        assert_eq!(item_of(&sandbox, "toolu_ep_unsigned")["status"], "pending");
    }
}

#[test]
fn a_signed_answer_counts_only_with_a_trusted_key_and_for_this_call() {
    let call = bash_call("toolu_ep_signed", "make deploy");
    // (what the service signed, the decision, the rule the hook records)
    let cases = [
        ("trusted approval", "allow", "review.approved:"),
        ("trusted denial", "deny", "review.denied:"),
        ("untrusted key", "deny", "review.untrusted-key:"),
        ("another call's approval", "deny", "review.swapped:"),
    ];
    let answer = |what: &str, s: &Sandbox| match what {
        "trusted approval" => signed(s, &call, Verdict::Approve, |_| {}, false),
        "trusted denial" => signed(s, &call, Verdict::Deny, |_| {}, false),
        "untrusted key" => signed(s, &call, Verdict::Approve, |_| {}, true),
        _ => signed(
            s,
            &call,
            Verdict::Approve,
            |st| st.tool_use_id = "toolu_other".into(),
            false,
        ),
    };
    for (what, decision, rule) in cases {
        let sandbox = Sandbox::new();
        let body = serde_json::json!({"status": "decided", "decision": answer(what, &sandbox)});
        let service = serve("200 OK", &body.to_string(), Duration::ZERO);
        user_review_policy(&sandbox, &format!("endpoint = \"{}\"\n", service.url));
        let run = headless(&sandbox).payload(call.clone()).run();
        assert_eq!(run.decision(), decision, "{what}: {}", run.reason());
        let record = super::audit(&sandbox).pop().unwrap();
        assert!(
            record["rule_id"].as_str().unwrap().starts_with(rule),
            "{what}: {record}"
        );
        service.thread.join().unwrap();
        assert!(
            items(&queue_dir(&sandbox)).is_empty(),
            "{what}: the service holds the item"
        );
    }
}

#[test]
fn pending_and_busy_answers_defer_and_deny_without_a_local_item() {
    let sandbox = Sandbox::new();
    let pending = serve(
        "200 OK",
        r#"{"status": "pending", "item": "abc123", "message": "review it at http://127.0.0.1/#abc123"}"#,
        Duration::ZERO,
    );
    user_review_policy(&sandbox, &format!("endpoint = \"{}\"\n", pending.url));
    let run = headless(&sandbox)
        .payload(bash_call("toolu_ep_pending", "make deploy"))
        .run();
    assert_eq!(run.decision(), "defer");
    assert!(run.reason().contains("#abc123"), "{}", run.reason());
    pending.thread.join().unwrap();
    let busy = serve(
        "200 OK",
        r#"{"status": "busy", "message": "review abc123 waits"}"#,
        Duration::ZERO,
    );
    user_review_policy(&sandbox, &format!("endpoint = \"{}\"\n", busy.url));
    let run = headless(&sandbox)
        .payload(bash_call("toolu_ep_busy", "make deploy"))
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("Retry this call"), "{}", run.reason());
    busy.thread.join().unwrap();
    assert!(items(&queue_dir(&sandbox)).is_empty());
}

/// A signed decision on `call` (as the JSON the service sends), edited by `edit` before
/// signing, by the sandbox reviewer's key or (`untrusted`) a fresh one.
fn signed(
    sandbox: &Sandbox,
    call: &Value,
    decision: Verdict,
    edit: impl Fn(&mut Statement),
    untrusted: bool,
) -> Value {
    let mut statement = super::statement_for(sandbox, call, "svc001", decision);
    edit(&mut statement);
    let pair = if untrusted {
        super::reviewer_key(sandbox);
        hookkit::crypto::KeyPair::generate("mallory").unwrap()
    } else {
        super::reviewer_pair(sandbox)
    };
    serde_json::to_value(statement.sign(&pair).unwrap()).unwrap()
}

#[test]
fn refusal_denies_with_the_services_reason() {
    let sandbox = Sandbox::new();
    let service = serve(
        "200 OK",
        r#"{"approve": false, "reason": "outside the change window"}"#,
        Duration::ZERO,
    );
    user_review_policy(
        &sandbox,
        &format!(
            "endpoint = \"{}\"\nallow_unsigned_endpoint = true\n",
            service.url
        ),
    );
    let run = headless(&sandbox)
        .args(REVIEW_GREP)
        .payload(secret_call("toolu_ep_no"))
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains("outside the change window"),
        "{}",
        run.reason()
    );
    service.thread.join().unwrap();
    assert_eq!(item_of(&sandbox, "toolu_ep_no")["status"], "denied");
}

#[test]
fn silence_errors_and_garbage_defer() {
    let huge_approval = format!(
        r#"{{"approve": true, "reason": "{}"}}"#,
        "x".repeat(100 * 1024)
    );
    let cases = [
        (
            "slow",
            serve("200 OK", r#"{"approve": true}"#, Duration::from_secs(3)),
        ),
        (
            "garbage",
            serve("200 OK", "<html>approved!</html>", Duration::ZERO),
        ),
        (
            "no verdict",
            serve("200 OK", r#"{"approve": "yes"}"#, Duration::ZERO),
        ),
        (
            "server error",
            serve(
                "500 Internal Server Error",
                r#"{"approve": true}"#,
                Duration::ZERO,
            ),
        ),
        (
            "redirect",
            serve(
                "302 Found\r\nlocation: http://127.0.0.1:9/",
                r#"{"approve": true}"#,
                Duration::ZERO,
            ),
        ),
        ("oversized", serve("200 OK", &huge_approval, Duration::ZERO)),
    ];
    for (what, service) in cases {
        let sandbox = Sandbox::new();
        user_review_policy(&sandbox, "endpoint_timeout_ms = 500\n");
        let started = std::time::Instant::now();
        let run = headless(&sandbox)
            .args(["--approval-endpoint", &service.url])
            .payload(bash_call("toolu_ep", "rm -rf build"))
            .run();
        assert_eq!(run.decision(), "defer", "{what}: {}", run.stderr());
        assert!(
            run.stderr().contains("no answer"),
            "{what}: {}",
            run.stderr()
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{what}: the wait is bounded"
        );
        let queued = items(&queue_dir(&sandbox));
        assert_eq!(queued.len(), 1, "{what}");
        assert_eq!(queued[0]["status"], "pending", "{what}");
    }
}

#[test]
fn an_unreachable_service_defers() {
    let sandbox = Sandbox::new();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = headless(&sandbox)
        .args(["--approval-endpoint", &format!("http://127.0.0.1:{port}/")])
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "defer");
}

#[test]
fn an_unreadable_queue_is_not_overruled_by_the_service() {
    let sandbox = Sandbox::new();
    sandbox.write("project/.claude/reviews/0badf0.json", "garbage");
    let service = serve("200 OK", r#"{"approve": true}"#, Duration::ZERO);
    let run = headless(&sandbox)
        .args(["--approval-endpoint", &service.url])
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("0badf0.json"), "{}", run.reason());
    assert!(
        service
            .request
            .recv_timeout(Duration::from_millis(200))
            .is_err(),
        "the service was not asked"
    );
}

#[test]
fn a_failed_tls_handshake_defers() {
    // A plain-TCP server behind an https:// URL: the TLS client must fail, and fail safe.
    let service = serve("200 OK", r#"{"approve": true}"#, Duration::ZERO);
    let url = service.url.replace("http://", "https://");
    let sandbox = Sandbox::new();
    user_review_policy(&sandbox, "endpoint_timeout_ms = 500\n");
    let run = headless(&sandbox)
        .args(["--approval-endpoint", &url])
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.stderr());
    assert!(run.stderr().contains("no answer"), "{}", run.stderr());
    assert_eq!(items(&queue_dir(&sandbox))[0]["status"], "pending");
}

#[test]
fn only_http_urls_are_accepted() {
    let sandbox = Sandbox::new();
    for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:8080"] {
        let run = headless(&sandbox)
            .args(["--approval-endpoint", url])
            .bash("rm -rf build")
            .run();
        assert_eq!(run.decision(), "ask", "{url}");
        assert!(
            run.reason().contains("not an http:// or https:// URL"),
            "{}",
            run.reason()
        );
    }
    assert!(items(&queue_dir(&sandbox)).is_empty());
}
