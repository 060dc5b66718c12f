//! A fake Anthropic Messages API on 127.0.0.1, so the real Claude Code CLI runs offline.
//!
//! The model's side of the conversation is a [`Script`]: a list of turns, each one assistant
//! message of one or more `tool_use` blocks, then a final text. Which turn to answer is worked
//! out from the request alone (the number of assistant messages already in it), so the server
//! is stateless and `claude -p --resume` lands on the right turn.
//!
//! Only the main agent loop follows the script. The CLI also calls the API for side jobs (the
//! auto mode safety classifier, titles, token counts): those get a plain text answer with no
//! verdict in it, or a 404 for endpoints the CLI can do without. A classifier that gets no
//! verdict makes the CLI deny with "Classifier unavailable", which is how the scenarios produce
//! a `PermissionDenied` event.
//!
//! Every request is logged (method, path, parsed body) so scenarios can assert on what the CLI
//! sent back: tool results, deny reasons, meta messages.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

/// One scripted tool call.
#[derive(Debug, Clone)]
pub(crate) struct ToolUse {
    /// The tool name, e.g. `Bash`.
    pub(crate) name: String,
    /// The tool input.
    pub(crate) input: Value,
}

/// A Bash tool call.
pub(crate) fn bash(command: &str) -> ToolUse {
    ToolUse {
        name: "Bash".into(),
        input: json!({ "command": command, "description": "scripted step" }),
    }
}

/// A call of any tool.
pub(crate) fn tool(name: &str, input: Value) -> ToolUse {
    ToolUse {
        name: name.into(),
        input,
    }
}

/// What the model says: one assistant message per turn, then `final_text`.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    turns: Vec<Vec<ToolUse>>,
    final_text: String,
}

impl Script {
    /// A script whose turns each make one call.
    pub(crate) fn calls(calls: impl IntoIterator<Item = ToolUse>) -> Self {
        Self {
            turns: calls.into_iter().map(|c| vec![c]).collect(),
            final_text: "done".into(),
        }
    }

    /// A script of explicit turns; a turn may hold several calls.
    pub(crate) fn turns(turns: Vec<Vec<ToolUse>>) -> Self {
        Self {
            turns,
            final_text: "done".into(),
        }
    }

    /// The tool_use id of call `index` in turn `step` (stable, so scenarios can look it up).
    pub(crate) fn tool_use_id(step: usize, index: usize) -> String {
        format!("toolu_e2e{step:02}{index:02}")
    }

    /// The assistant content for `step`: its calls, or the final text past the last turn.
    fn content(&self, step: usize) -> (Vec<Value>, &'static str) {
        match self.turns.get(step) {
            Some(calls) => {
                let blocks = calls
                    .iter()
                    .enumerate()
                    .map(|(index, call)| {
                        json!({
                            "type": "tool_use",
                            "id": Self::tool_use_id(step, index),
                            "name": call.name,
                            "input": call.input,
                        })
                    })
                    .collect();
                (blocks, "tool_use")
            }
            None => (
                vec![json!({ "type": "text", "text": self.final_text })],
                "end_turn",
            ),
        }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// The path with its query.
    pub(crate) path: String,
    /// The body as JSON (`Null` when empty or not JSON).
    pub(crate) body: Value,
}

impl Request {
    /// Whether this is a turn of the main agent loop (it offers the Bash tool).
    pub(crate) fn is_agent_turn(&self) -> bool {
        self.path.starts_with("/v1/messages")
            && !self.path.contains("count_tokens")
            && self.body["tools"]
                .as_array()
                .is_some_and(|tools| tools.iter().any(|t| t["name"] == "Bash"))
    }
}

/// The running fake. It stops when dropped.
pub(crate) struct FakeApi {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl FakeApi {
    /// Starts the fake on an ephemeral port of 127.0.0.1.
    pub(crate) fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the fake API");
        let addr = listener.local_addr().expect("fake API address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let script = Arc::new(script);
        {
            let log = Arc::clone(&log);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let log = Arc::clone(&log);
                    let script = Arc::clone(&script);
                    thread::spawn(move || serve(stream, &script, &log));
                }
            });
        }
        Self { addr, log, stop }
    }

    /// The base URL for `ANTHROPIC_BASE_URL`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.log.lock().expect("fake API log").clone()
    }

    /// The requests of the main agent loop.
    pub(crate) fn agent_turns(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(Request::is_agent_turn)
            .collect()
    }

    /// Every `tool_result` block the CLI sent in agent turns, by tool_use id, as text.
    pub(crate) fn tool_results(&self) -> Vec<(String, String)> {
        let mut results: Vec<(String, String)> = Vec::new();
        for request in self.agent_turns() {
            for block in user_blocks(&request.body) {
                if block["type"] == "tool_result" {
                    let id = block["tool_use_id"].as_str().unwrap_or_default().to_owned();
                    let text = block_text(&block["content"]);
                    if !results.iter().any(|(seen, t)| *seen == id && *t == text) {
                        results.push((id, text));
                    }
                }
            }
        }
        results
    }

    /// The text of the tool result for `id`, if the CLI sent one.
    pub(crate) fn tool_result(&self, id: &str) -> Option<String> {
        self.tool_results()
            .into_iter()
            .find(|(seen, _)| seen == id)
            .map(|(_, text)| text)
    }

    /// Every text the CLI sent the model in agent turns (user messages, tool results, system
    /// prompt excluded), joined: for "did the model ever see X" assertions.
    pub(crate) fn everything_sent_to_model(&self) -> String {
        let mut all = String::new();
        for request in self.agent_turns() {
            for block in user_blocks(&request.body) {
                all.push_str(&block_text(&block));
                all.push('\n');
            }
        }
        all
    }

    /// A readable dump of the log, for failure messages.
    pub(crate) fn dump(&self) -> String {
        self.requests()
            .iter()
            .map(|r| {
                let messages = serde_json::to_string(&r.body["messages"]).unwrap_or_default();
                let tail: String = messages
                    .chars()
                    .rev()
                    .take(1500)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("{} {} messages=…{tail}", r.method, r.path)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// The content blocks of every user message of a request.
fn user_blocks(body: &Value) -> Vec<Value> {
    let mut blocks = Vec::new();
    for message in body["messages"].as_array().into_iter().flatten() {
        if message["role"] != "user" {
            continue;
        }
        match &message["content"] {
            Value::String(text) => blocks.push(json!({ "type": "text", "text": text })),
            Value::Array(items) => blocks.extend(items.iter().cloned()),
            _ => {}
        }
    }
    blocks
}

/// The text inside a content block or a tool_result's content.
fn block_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(block_text).collect::<Vec<_>>().join("\n"),
        Value::Object(_) => {
            if let Some(text) = content["text"].as_str() {
                text.to_owned()
            } else if content.get("content").is_some() {
                block_text(&content["content"])
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// Serves one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, script: &Script, log: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_mins(2)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = write_half;
    while let Some(request) = read_request(&mut reader) {
        let response = respond(&request, script);
        log.lock().expect("fake API log").push(request);
        if writer.write_all(&response).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

/// Reads one HTTP/1.1 request; `None` at end of stream or on garbage.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().ok()?;
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.eq_ignore_ascii_case("chunked")
            {
                chunked = true;
            }
        }
    }
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        body
    };
    Some(Request {
        method,
        path,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}

/// Reads a chunked body.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line).ok()?;
        let size = usize::from_str_radix(size_line.trim().split(';').next()?, 16).ok()?;
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// The full HTTP response to one request.
fn respond(request: &Request, script: &Script) -> Vec<u8> {
    let path = request.path.split('?').next().unwrap_or_default();
    if request.method != "POST" || path != "/v1/messages" {
        // Token counting, model lists, metrics: the CLI copes without them.
        return http(
            404,
            "application/json",
            br#"{"type":"error","error":{"type":"not_found_error","message":"not served by the fake API"}}"#,
        );
    }
    let model = request.body["model"]
        .as_str()
        .unwrap_or("claude-sonnet-4-5")
        .to_owned();
    let (content, stop_reason) = if request.is_agent_turn() {
        let step = request.body["messages"]
            .as_array()
            .map_or(0, |m| m.iter().filter(|m| m["role"] == "assistant").count());
        script.content(step)
    } else {
        // A side request (classifier, title): an answer with no verdict in it.
        (vec![json!({ "type": "text", "text": "ok" })], "end_turn")
    };
    let id = format!(
        "msg_e2e{}",
        request.body["messages"].as_array().map_or(0, Vec::len)
    );
    if request.body["stream"] == json!(true) {
        http(
            200,
            "text/event-stream",
            sse(&id, &model, &content, stop_reason).as_bytes(),
        )
    } else {
        let message = json!({
            "id": id, "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_reason, "stop_sequence": null,
            "usage": { "input_tokens": 10, "output_tokens": 10 },
        });
        http(200, "application/json", message.to_string().as_bytes())
    }
}

/// A message as the Messages API streams it.
fn sse(id: &str, model: &str, content: &[Value], stop_reason: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut event = |name: &str, data: Value| {
        let _ = write!(out, "event: {name}\ndata: {data}\n\n");
    };
    event(
        "message_start",
        json!({"type": "message_start", "message": {
            "id": id, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 1}}}),
    );
    for (index, block) in content.iter().enumerate() {
        if block["type"] == "tool_use" {
            event(
                "content_block_start",
                json!({"type": "content_block_start", "index": index, "content_block": {
                    "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}),
            );
            event(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": index, "delta": {
                    "type": "input_json_delta", "partial_json": block["input"].to_string()}}),
            );
        } else {
            event(
                "content_block_start",
                json!({"type": "content_block_start", "index": index,
                       "content_block": {"type": "text", "text": ""}}),
            );
            event(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": index,
                       "delta": {"type": "text_delta", "text": block["text"]}}),
            );
        }
        event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        );
    }
    event(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
               "usage": {"output_tokens": 10}}),
    );
    event("message_stop", json!({"type": "message_stop"}));
    out
}

/// An HTTP/1.1 response with a body of known length.
fn http(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         request-id: req_e2e\r\nconnection: keep-alive\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}
