use serde_json::{Value, json};

use super::*;
use crate::review::input_sha256;

struct Fixture {
    _dir: tempfile::TempDir,
    service: Service,
    secret: Secret,
    key: PublicKey,
    log: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let reviewers = Reviewers::new(dir.path().join("keys/reviewers"));
    let secret = reviewers.add("alice").unwrap();
    let signer = KeyPair::generate("review-service").unwrap();
    let key = signer.public_key();
    let log = dir.path().join("audit.jsonl");
    let service = Service::new(Config {
        queue: Queue::new(dir.path().join("queue")),
        audit: Trail::at(&log),
        trusted: vec![key.clone()],
        signer,
        reviewers,
        hosts: Hosts::new(&[]),
    });
    Fixture {
        _dir: dir,
        service,
        secret,
        key,
        log,
    }
}

const HOST: (&str, &str) = ("host", "127.0.0.1:8765");
const ORIGIN: (&str, &str) = ("origin", "http://127.0.0.1:8765");

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Request {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    Request {
        method: method.into(),
        path: path.into(),
        query: http::parse_pairs(query),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
        peer: Some("127.0.0.1:40000".parse().unwrap()),
        tls: false,
    }
}

fn call(session: &str, tool_use_id: &str, command: &str) -> Value {
    let input = json!({"command": command});
    json!({
        "session_id": session, "tool_use_id": tool_use_id, "cwd": "/p", "project": "/p",
        "permission_mode": "default", "tool": "Bash", "input": input,
        "input_sha256": input_sha256("Bash", &input), "rule": "review.when", "risk": null,
        "reason": "needs a person",
    })
}

fn ask(f: &Fixture, body: &Value) -> Value {
    let response = f
        .service
        .handle(&request("POST", "/approve", &[HOST], &body.to_string()));
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    serde_json::from_slice(&response.body).unwrap()
}

/// Logs alice in; returns the cookie header and her CSRF token.
fn login(f: &Fixture) -> (String, String) {
    let body = format!(
        "name=alice&secret={}",
        http::percent_encode(f.secret.expose())
    );
    let response = f
        .service
        .handle(&request("POST", "/login", &[HOST, ORIGIN], &body));
    assert_eq!(response.status, 303);
    let cookie = response
        .headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let page = f
        .service
        .handle(&request("GET", "/", &[HOST, ("cookie", &cookie)], ""));
    let page = String::from_utf8(page.body).unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    (cookie, csrf)
}

fn decide(f: &Fixture, cookie: &str, form: &str, headers: &[(&str, &str)]) -> Response {
    let mut all = vec![HOST, ("cookie", cookie)];
    all.extend_from_slice(headers);
    f.service.handle(&request("POST", "/decide", &all, form))
}

#[test]
fn an_unknown_call_is_pending_at_once_and_asking_again_adds_nothing() {
    let f = fixture();
    let first = ask(&f, &call("s1", "toolu_1", "make deploy"));
    assert_eq!(first["status"], "pending");
    let id = first["item"].as_str().unwrap().to_owned();
    assert!(
        first["review_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/#{id}"))
    );
    let again = ask(&f, &call("s1", "toolu_1", "make deploy"));
    assert_eq!(again["item"], id.as_str());
    // Another call of the same session waits for this one.
    let busy = ask(&f, &call("s1", "toolu_2", "make other"));
    assert_eq!(busy["status"], "busy");
    assert_eq!(busy["item"], id.as_str());
    // Other sessions do not.
    assert_eq!(
        ask(&f, &call("s2", "toolu_3", "make deploy"))["status"],
        "pending"
    );
    assert_eq!(f.service.config.queue.scan().unwrap().items.len(), 2);
}

#[test]
fn bad_requests_are_refused_without_an_item() {
    let f = fixture();
    for body in [
        "not json".to_owned(),
        json!({"session_id": "s"}).to_string(),
        {
            let mut c = call("s", "t", "x");
            c["input_sha256"] = json!("ABC");
            c.to_string()
        },
        {
            let mut c = call("s", "t", "x");
            c["tool_use_id"] = json!("");
            c.to_string()
        },
    ] {
        let response = f
            .service
            .handle(&request("POST", "/approve", &[HOST], &body));
        assert_eq!(response.status, 400, "{body}");
    }
    assert!(f.service.config.queue.scan().unwrap().items.is_empty());
    let foreign = f.service.handle(&request(
        "POST",
        "/approve",
        &[("host", "rebound.example")],
        &call("s", "t", "x").to_string(),
    ));
    assert_eq!(foreign.status, 403);
}

#[test]
fn a_decision_on_the_page_is_signed_handed_out_once_and_audited() {
    let f = fixture();
    let pending = ask(&f, &call("s1", "toolu_1", "make deploy"));
    let id = pending["item"].as_str().unwrap().to_owned();
    let (cookie, csrf) = login(&f);
    let response = decide(
        &f,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=approve&ttl=1h"),
        &[ORIGIN],
    );
    assert_eq!(
        response.status,
        303,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let decided = ask(&f, &call("s1", "toolu_1", "make deploy"));
    assert_eq!(decided["status"], "decided");
    let signed: crate::review::decision::SignedDecision =
        serde_json::from_value(decided["decision"].clone()).unwrap();
    let verified = signed.verify(std::slice::from_ref(&f.key)).unwrap();
    assert_eq!(verified.statement.reviewer, "alice");
    assert_eq!(verified.statement.tool_use_id, "toolu_1");
    assert_eq!(verified.statement.decision, Verdict::Approve);
    assert_eq!(
        verified.statement.shown_sha256,
        input_sha256("Bash", &json!({"command": "make deploy"}))
    );
    // Handed out once.
    let again = ask(&f, &call("s1", "toolu_1", "make deploy"));
    assert_eq!(again["status"], "refused");
    // Recorded with the reviewer's name.
    let log = std::fs::read_to_string(&f.log).unwrap();
    let record: Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(record["decision"], "approve");
    assert_eq!(record["rule_source"], "alice");
    // A decided item cannot be decided again.
    let twice = decide(
        &f,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=deny&reason=no"),
        &[ORIGIN],
    );
    assert_eq!(twice.status, 409);
}

#[test]
fn a_denial_needs_a_reason_and_is_answered_every_time() {
    let f = fixture();
    let id = ask(&f, &call("s1", "toolu_1", "make deploy"))["item"]
        .as_str()
        .unwrap()
        .to_owned();
    let (cookie, csrf) = login(&f);
    let no_reason = decide(
        &f,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=deny&reason=+"),
        &[ORIGIN],
    );
    assert_eq!(no_reason.status, 400);
    let denied = decide(
        &f,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=deny&reason=not+today"),
        &[ORIGIN],
    );
    assert_eq!(denied.status, 303);
    for _ in 0..2 {
        let answer = ask(&f, &call("s1", "toolu_1", "make deploy"));
        assert_eq!(answer["status"], "decided");
        assert_eq!(answer["decision"]["statement"]["reason"], "not today");
    }
}

#[test]
fn deciding_needs_a_login_a_token_and_the_pages_own_origin() {
    let f = fixture();
    let id = ask(&f, &call("s1", "toolu_1", "make deploy"))["item"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = |csrf: &str| format!("csrf={csrf}&item={id}&action=approve&ttl=1h");
    let anonymous = f
        .service
        .handle(&request("POST", "/decide", &[HOST, ORIGIN], &form("x")));
    assert_eq!(anonymous.status, 401);
    let (cookie, csrf) = login(&f);
    let forged = [
        (form("wrong"), vec![ORIGIN]),
        (format!("item={id}&action=approve"), vec![ORIGIN]),
        (form(&csrf), vec![("origin", "http://evil.example")]),
        (form(&csrf), vec![("referer", "http://evil.example/page")]),
        (form(&csrf), vec![]),
    ];
    for (body, headers) in forged {
        let response = decide(&f, &cookie, &body, &headers);
        assert_eq!(response.status, 403, "{body} {headers:?}");
    }
    let rebound = f.service.handle(&request(
        "POST",
        "/decide",
        &[
            ("host", "rebound.example:8765"),
            ("cookie", &cookie),
            ("origin", "http://rebound.example:8765"),
        ],
        &form(&csrf),
    ));
    assert_eq!(rebound.status, 403);
    let item = f.service.config.queue.find(&id).unwrap();
    assert!(item.decision.is_none(), "nothing was decided");
    // Logging in needs the page's origin too, and a right secret.
    let body = format!(
        "name=alice&secret={}",
        http::percent_encode(f.secret.expose())
    );
    let cross = f.service.handle(&request(
        "POST",
        "/login",
        &[HOST, ("origin", "http://evil.example")],
        &body,
    ));
    assert_eq!(cross.status, 403);
    let wrong = f.service.handle(&request(
        "POST",
        "/login",
        &[HOST, ORIGIN],
        "name=alice&secret=guess",
    ));
    assert_eq!(wrong.status, 401);
}

#[test]
fn the_page_is_open_on_loopback_and_needs_a_login_from_elsewhere() {
    let f = fixture();
    ask(
        &f,
        &call("s1", "toolu_1", "echo '<script>alert(1)</script>'"),
    );
    let page = f.service.handle(&request("GET", "/", &[HOST], ""));
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("Waiting for review (1)"), "{html}");
    assert!(!html.contains("<script>alert"), "escaped");
    assert!(!html.contains("name=\"csrf\""), "no forms without a login");
    let mut remote = request("GET", "/", &[HOST], "");
    remote.peer = Some("192.0.2.7:5000".parse().unwrap());
    let response = f.service.handle(&remote);
    assert_eq!(response.status, 303);
    let filtered = f
        .service
        .handle(&request("GET", "/?decision=deny&tool=%3Cb%3E", &[HOST], ""));
    let html = String::from_utf8(filtered.body).unwrap();
    assert!(
        html.contains("value=\"&lt;b&gt;\""),
        "the filter is shown escaped"
    );
}

#[test]
fn status_tells_a_waiting_job_where_a_review_stands_without_using_it() {
    let f = fixture();
    let status = |f: &Fixture| {
        let response = f.service.handle(&request(
            "GET",
            "/status?session_id=s1&tool_use_id=toolu_1",
            &[HOST],
            "",
        ));
        serde_json::from_slice::<Value>(&response.body).unwrap()["status"].clone()
    };
    assert_eq!(status(&f), "unknown");
    let id = ask(&f, &call("s1", "toolu_1", "make deploy"))["item"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(status(&f), "pending");
    let (cookie, csrf) = login(&f);
    decide(
        &f,
        &cookie,
        &format!("csrf={csrf}&item={id}&action=approve&ttl=1h"),
        &[ORIGIN],
    );
    assert_eq!(status(&f), "approved");
    assert_eq!(status(&f), "approved", "looking does not use it");
    assert_eq!(
        ask(&f, &call("s1", "toolu_1", "make deploy"))["status"],
        "decided"
    );
    assert_eq!(status(&f), "used");
}
