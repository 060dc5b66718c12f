//! The approval service: the hook POSTs the call as JSON and waits a bounded time for the
//! answer (the protocol is in `docs/review-service.md`):
//!
//! - `{"status": "decided", "decision": <signed decision>}`: a person's signed approval or
//!   denial, which the hook verifies like any other ([`super::decision`]);
//! - `{"status": "pending", ...}`: recorded, nobody has decided yet: the hook defers;
//! - `{"status": "busy", ...}`: another call of the session waits for review;
//! - `{"status": "refused", ...}`: the decision the service holds does not hold (an approval
//!   already handed out once): the hook denies;
//! - `{"approve": true|false, "reason": "..."}`: an unsigned answer from a service that cannot
//!   sign, honoured only where the user's own policy sets `allow_unsigned_endpoint = true`.
//!
//! Anything else (a timeout, a refused connection, a non-2xx status, a body over 64 KiB, JSON
//! of another shape) is *no answer*, and the call is deferred for a person. Redirects are not
//! followed: an answer must come from the configured service.

use std::time::Duration;

use serde_json::Value;

use super::decision::SignedDecision;
use crate::{Error, Result};

/// The largest response body read from the service.
pub const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// A validated approval-service URL (http or https).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
}

/// What the service said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A person's signed decision (to be verified).
    Signed(SignedDecision),
    /// Recorded; nobody has decided yet.
    Pending {
        /// What the service said about where to review it.
        message: String,
    },
    /// Another call of the session is waiting for review.
    Busy {
        /// What the service said.
        message: String,
    },
    /// The service holds a decision that no longer holds (used, not verifiable).
    Refused {
        /// What the service said.
        message: String,
    },
    /// Unsigned: run the call.
    Approve {
        /// The service's reason, if it gave one.
        reason: String,
    },
    /// Unsigned: do not run it; the reason goes to the model.
    Deny {
        /// The service's reason, if it gave one.
        reason: String,
    },
    /// No usable answer; why.
    NoAnswer(String),
}

impl Endpoint {
    /// Accepts only `http://host...` and `https://host...` URLs.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| {
                Error::Other(format!(
                    "approval endpoint `{url}` is not an http:// or https:// URL"
                ))
            })?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(Error::Other(format!(
                "approval endpoint `{url}` has no host"
            )));
        }
        Ok(Self {
            url: url.to_owned(),
        })
    }

    /// The URL as configured.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The scheme and host, without path or query (which may carry tokens): for records.
    pub fn origin(&self) -> &str {
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        let end = self.url[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(self.url.len(), |i| after_scheme + i);
        &self.url[..end]
    }

    /// POSTs `body` and waits at most `timeout` for the answer.
    pub fn ask(&self, body: &Value, timeout: Duration) -> Answer {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(true)
            .max_redirects(0)
            .user_agent(concat!(
                "hookkit-defer-for-review/",
                env!("CARGO_PKG_VERSION")
            ))
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let response = agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(body.to_string());
        let mut response = match response {
            Ok(response) => response,
            Err(error) => return Answer::NoAnswer(format!("{}: {error}", self.origin())),
        };
        // Only a 2xx answer counts: with redirects off, a 3xx arrives here as a response.
        if !response.status().is_success() {
            return Answer::NoAnswer(format!(
                "{}: HTTP status {}",
                self.origin(),
                response.status()
            ));
        }
        let text = match response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
        {
            Ok(text) => text,
            Err(error) => {
                return Answer::NoAnswer(format!("{}: reading the answer: {error}", self.origin()));
            }
        };
        interpret(&text)
    }
}

/// Reads the service's answer.
fn interpret(text: &str) -> Answer {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Answer::NoAnswer("the answer is not JSON".into());
    };
    let message = || {
        value
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match value.get("status").and_then(Value::as_str) {
        Some("decided") => {
            return match value
                .get("decision")
                .cloned()
                .map(serde_json::from_value::<SignedDecision>)
            {
                Some(Ok(signed)) => Answer::Signed(signed),
                _ => Answer::NoAnswer("the decided answer has no signed `decision`".into()),
            };
        }
        Some("pending") => return Answer::Pending { message: message() },
        Some("busy") => return Answer::Busy { message: message() },
        Some("refused") => return Answer::Refused { message: message() },
        Some(other) => return Answer::NoAnswer(format!("unknown status `{other}`")),
        None => {}
    }
    let reason = value
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match value.get("approve") {
        Some(Value::Bool(true)) => Answer::Approve { reason },
        Some(Value::Bool(false)) => Answer::Deny { reason },
        _ => Answer::NoAnswer("the answer has no boolean `approve`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host() {
        assert!(Endpoint::parse("http://127.0.0.1:8080/approve").is_ok());
        assert!(Endpoint::parse("https://ci.example.com").is_ok());
        for bad in [
            "ftp://x/y",
            "file:///etc/passwd",
            "127.0.0.1:80",
            "http:///x",
            "",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origin_drops_path_and_query() {
        let e = Endpoint::parse("https://ci.example.com:8443/a?token=s3cret").unwrap();
        assert_eq!(e.origin(), "https://ci.example.com:8443");
    }

    #[test]
    fn answers() {
        assert_eq!(
            interpret(r#"{"approve":true,"reason":"ok"}"#),
            Answer::Approve {
                reason: "ok".into()
            }
        );
        assert_eq!(
            interpret(r#"{"approve":false}"#),
            Answer::Deny {
                reason: String::new()
            }
        );
        assert!(matches!(
            interpret(r#"{"approve":"yes"}"#),
            Answer::NoAnswer(_)
        ));
        assert!(matches!(interpret("<html>"), Answer::NoAnswer(_)));
        assert_eq!(
            interpret(r#"{"status":"pending","message":"see the page"}"#),
            Answer::Pending {
                message: "see the page".into()
            }
        );
        assert!(matches!(
            interpret(r#"{"status":"busy"}"#),
            Answer::Busy { .. }
        ));
        assert!(matches!(
            interpret(r#"{"status":"decided","decision":{"approve":true}}"#),
            Answer::NoAnswer(_)
        ));
        assert!(matches!(
            interpret(
                r#"{"status":"decided","decision":{"statement":{},"key":"k","signature":"s"}}"#
            ),
            Answer::Signed(_)
        ));
    }
}
