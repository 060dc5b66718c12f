//! Just enough HTTP/1.1 for the review service: one request per connection, bounded sizes,
//! no chunked bodies, every response closes the connection.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::SocketAddr;

use serde_json::Value;

/// The largest request head (request line and headers).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The largest request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_HEADERS: usize = 64;

/// One request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query's fields, decoded.
    pub query: Vec<(String, String)>,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Who connected.
    pub peer: Option<SocketAddr>,
    /// Whether the connection is TLS.
    pub tls: bool,
}

impl Request {
    /// A header's value (the first, by lowercase name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query field.
    pub fn query_field(&self, name: &str) -> Option<&str> {
        field(&self.query, name)
    }

    /// The body's form fields (`application/x-www-form-urlencoded`).
    pub fn form(&self) -> Vec<(String, String)> {
        parse_pairs(&String::from_utf8_lossy(&self.body))
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Whether the peer is on this machine.
    pub fn from_loopback(&self) -> bool {
        self.peer.is_some_and(|p| p.ip().is_loopback())
    }
}

/// A form or query field.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// One response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// An HTML page.
    pub fn html(status: u16, body: String) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
        }
    }

    /// A JSON document.
    pub fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// Plain text.
    pub fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: format!("{text}\n").into_bytes(),
        }
    }

    /// A redirect after a POST (`303 See Other`).
    pub fn see_other(location: &str) -> Self {
        Self {
            status: 303,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Writes the response, closing the connection after it.
    pub fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(
            head,
            "content-length: {}\r\nconnection: close\r\ncache-control: no-store\r\n\
             x-content-type-options: nosniff\r\nx-frame-options: DENY\r\n\
             referrer-policy: same-origin\r\n\
             content-security-policy: default-src 'none'; style-src 'unsafe-inline'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n\r\n",
            self.body.len()
        );
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads one request; a request that breaks a limit or does not parse is answered with the
/// error response to send instead.
pub fn read_request(
    stream: &mut dyn Read,
    peer: Option<SocketAddr>,
    tls: bool,
) -> Result<Request, Response> {
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find_head_end(&buffer) {
            if end > MAX_HEAD_BYTES {
                return Err(Response::text(431, "request head too large"));
            }
            break end;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(Response::text(431, "request head too large"));
        }
        let n = stream
            .read(&mut chunk)
            .map_err(|_| Response::text(400, "the request could not be read (timed out?)"))?;
        if n == 0 {
            return Err(Response::text(400, "incomplete request"));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&buffer[..head_end]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(Response::text(400, "malformed request")),
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).trim().to_owned(),
            )
        })
        .collect();
    let mut request = Request {
        method,
        path: percent_decode(path),
        query: parse_pairs(query),
        headers,
        body: Vec::new(),
        peer,
        tls,
    };
    if request.header("transfer-encoding").is_some() {
        return Err(Response::text(
            501,
            "chunked bodies are not supported; send content-length",
        ));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| Response::text(400, "bad content-length"))?,
    };
    if length > MAX_BODY_BYTES {
        return Err(Response::text(413, "request body too large"));
    }
    let mut body = buffer[head_end..].to_vec();
    body.truncate(length);
    while body.len() < length {
        let n = stream
            .read(&mut chunk)
            .map_err(|_| Response::text(400, "the body could not be read (timed out?)"))?;
        if n == 0 {
            return Err(Response::text(400, "incomplete body"));
        }
        let want = length - body.len();
        body.extend_from_slice(&chunk[..n.min(want)]);
    }
    request.body = body;
    Ok(request)
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// `a=1&b=two+words` as decoded pairs.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// Decodes `%XX` escapes; invalid ones stay as written, invalid UTF-8 is replaced.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a query value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str) -> Result<Request, Response> {
        read_request(&mut raw.as_bytes(), None, false)
    }

    fn status(raw: &str) -> u16 {
        read(raw).map_or_else(|r| r.status, |_| 200)
    }

    #[test]
    fn reads_a_form_post_with_cookies_and_query() {
        let raw = "POST /decide?x=1%202 HTTP/1.1\r\nHost: 127.0.0.1:8765\r\n\
                   Cookie: a=1; hookkit_review=tok\r\nContent-Length: 25\r\n\r\n\
                   item=ab12cd&reason=a+b%21";
        let request = read(raw).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/decide");
        assert_eq!(request.query_field("x"), Some("1 2"));
        assert_eq!(request.header("host"), Some("127.0.0.1:8765"));
        assert_eq!(request.cookie("hookkit_review").as_deref(), Some("tok"));
        let form = request.form();
        assert_eq!(field(&form, "item"), Some("ab12cd"));
        assert_eq!(field(&form, "reason"), Some("a b!"));
    }

    #[test]
    fn limits_and_garbage_get_error_responses() {
        assert_eq!(status("GARBAGE\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: x"), 400);
        let big = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES)
        );
        assert_eq!(status(&big), 431);
        let huge = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY_BYTES + 1
        );
        assert_eq!(status(&huge), 413);
        let chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assert_eq!(status(chunked), 501);
        let short = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert_eq!(status(short), 400);
    }

    #[test]
    fn percent_coding_round_trips() {
        let text = "a b&c=d/é%";
        assert_eq!(percent_decode(&percent_encode(text)), text);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
