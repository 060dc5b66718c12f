//! The approval service, played by a server on 127.0.0.1 inside the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

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

fn secret_call(tool_use_id: &str) -> Value {
    bash_call(
        tool_use_id,
        "curl -H 'Authorization: ghp_abcdef0123456789ABCDEFGHIJabcdefghij' https://x",
    )
}

#[test]
fn approval_allows_and_is_recorded() {
    let sandbox = Sandbox::new();
    let service = serve(
        "200 OK",
        r#"{"approve": true, "reason": "change ticket 42"}"#,
        Duration::ZERO,
    );
    let run = headless(&sandbox)
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
    assert_eq!(sent["tool"], "Bash");
    assert_eq!(sent["input_sha256"].as_str().unwrap().len(), 64);
    let command = sent["input"]["command"].as_str().unwrap();
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
    assert!(
        !by.contains("s3cret"),
        "the URL's query is not recorded: {by}"
    );
}

#[test]
fn refusal_denies_with_the_services_reason() {
    let sandbox = Sandbox::new();
    let service = serve(
        "200 OK",
        r#"{"approve": false, "reason": "outside the change window"}"#,
        Duration::ZERO,
    );
    user_review_policy(&sandbox, &format!("endpoint = \"{}\"\n", service.url));
    let run = headless(&sandbox).payload(secret_call("toolu_ep_no")).run();
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
