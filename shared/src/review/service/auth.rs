//! Who may decide on the review page, and which requests are the page's own.
//!
//! - **Reviewers** are listed in `<key dir>/reviewers` (`0600`): one line per reviewer, `name`,
//!   a salted PBKDF2 hash of their secret, and when it was made. `reviewer add NAME` makes a
//!   random secret and shows it once; the file never holds it.
//! - **Sessions** live in memory: logging in sets an `HttpOnly`, `SameSite=Strict` cookie (and
//!   `Secure` over TLS); each session has its own CSRF token, which every form carries.
//! - **Origins**: every request's `Host` must be a loopback name or a configured public host
//!   (no DNS rebinding), and every POST from the page must come from the page's own origin
//!   (`Origin`, else `Referer`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::http::Request;
use crate::crypto::{self, Secret};
use crate::digest::hex_sha256;
use crate::{Error, Result, owner_only};

/// The reviewers file, in the key directory.
pub const REVIEWERS_FILE: &str = "reviewers";
/// The session cookie.
pub const COOKIE: &str = "hookkit_review";
/// How long a login lasts.
pub const SESSION_TTL: Duration = Duration::from_hours(12);
/// PBKDF2 rounds for reviewer secrets (random and long, so few rounds are enough).
const CREDENTIAL_ROUNDS: u32 = 10_000;
const MAX_SESSIONS: usize = 1000;

/// The reviewers file.
#[derive(Debug, Clone)]
pub struct Reviewers {
    path: PathBuf,
}

/// One reviewer, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    /// The name decisions are signed with.
    pub name: String,
    /// When the credential was made.
    pub created: String,
    hash: String,
}

impl Reviewers {
    /// The reviewers file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every reviewer; a missing file lists none.
    pub fn list(&self) -> Result<Vec<Reviewer>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("reading reviewers", &self.path, e)),
        };
        Ok(text
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let (Some(name), Some(hash), created) =
                    (fields.next(), fields.next(), fields.next())
                else {
                    return None;
                };
                Some(Reviewer {
                    name: name.to_owned(),
                    hash: hash.to_owned(),
                    created: created.unwrap_or_default().to_owned(),
                })
            })
            .collect())
    }

    /// Adds `name` (replacing an existing credential of that name) and returns the new
    /// secret, which is never stored.
    pub fn add(&self, name: &str) -> Result<Secret> {
        check_name(name)?;
        let secret = Secret::new(crypto::random_token(24)?);
        let hash = crypto::hash_credential(&secret, CREDENTIAL_ROUNDS)?;
        let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.edit(|list| {
            list.retain(|r| r.name != name);
            list.push(Reviewer {
                name: name.to_owned(),
                hash,
                created,
            });
        })?;
        Ok(secret)
    }

    /// Removes `name`; `false` when there was none.
    pub fn remove(&self, name: &str) -> Result<bool> {
        let mut removed = false;
        self.edit(|list| {
            let before = list.len();
            list.retain(|r| r.name != name);
            removed = list.len() != before;
        })?;
        Ok(removed)
    }

    /// Whether `secret` is `name`'s credential. The file is read every time, so that adding or
    /// removing a reviewer applies at once.
    pub fn check(&self, name: &str, secret: &Secret) -> bool {
        self.list().is_ok_and(|list| {
            list.iter()
                .any(|r| r.name == name && crypto::credential_matches(secret, &r.hash))
        })
    }

    /// Rewrites the file under a lock.
    fn edit(&self, change: impl FnOnce(&mut Vec<Reviewer>)) -> Result<()> {
        let lock_path = self.path.with_extension("lock");
        if let Some(dir) = self.path.parent() {
            owner_only::create_dir_all(dir)
                .map_err(|e| Error::io("creating key directory", dir, e))?;
        }
        let lock = owner_only::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("opening", &lock_path, e))?;
        lock.lock()
            .map_err(|e| Error::io("locking", &lock_path, e))?;
        let mut list = self.list()?;
        change(&mut list);
        let mut text = String::new();
        for r in &list {
            let _ = writeln!(text, "{}\t{}\t{}", r.name, r.hash, r.created);
        }
        owner_only::write(&self.path, text.as_bytes(), true)
    }
}

/// A reviewer name: letters, digits and `._@-`, at most 64.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "reviewer name `{name}`: use letters, digits and . _ @ - (at most 64)"
        )))
    }
}

/// A logged-in reviewer.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub reviewer: String,
    /// The token every form of this session carries.
    pub csrf: String,
    pub(super) expires: Instant,
}

/// The sessions of a running service.
#[derive(Debug, Default)]
pub struct Sessions {
    by_token_hash: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Starts a session; returns the cookie's token.
    pub fn create(&self, reviewer: &str) -> Result<String> {
        let token = crypto::random_token(32)?;
        let session = Session {
            reviewer: reviewer.to_owned(),
            csrf: crypto::random_token(24)?,
            expires: Instant::now() + SESSION_TTL,
        };
        let mut map = self
            .by_token_hash
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        map.retain(|_, s| s.expires > now);
        if map.len() >= MAX_SESSIONS {
            return Err(Error::Other("too many sessions; try again later".into()));
        }
        map.insert(hex_sha256(token.as_bytes()), session);
        Ok(token)
    }

    /// The live session of a request's cookie.
    pub fn of(&self, request: &Request) -> Option<Session> {
        let token = request.cookie(COOKIE)?;
        let map = self
            .by_token_hash
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(&hex_sha256(token.as_bytes()))
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    /// Ends the session of a request's cookie.
    pub fn end(&self, request: &Request) {
        if let Some(token) = request.cookie(COOKIE) {
            self.by_token_hash
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&hex_sha256(token.as_bytes()));
        }
    }
}

/// Whether a form's CSRF token is its session's (compared as hashes, so that the time taken
/// says nothing about the token).
pub fn csrf_matches(session: &Session, given: Option<&str>) -> bool {
    given.is_some_and(|g| hex_sha256(g.as_bytes()) == hex_sha256(session.csrf.as_bytes()))
}

/// The host names the service answers to.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// Loopback names plus `public` (host names, without ports).
    pub fn new(public: &[String]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        names.extend(public.iter().map(|h| h.trim().to_ascii_lowercase()));
        Self { names }
    }

    /// Whether the request's `Host` names this service. A page served under another name (a
    /// DNS name rebound to 127.0.0.1) is refused, so that another site's scripts cannot read
    /// it or post to it.
    pub fn allows(&self, request: &Request) -> bool {
        request
            .header("host")
            .map(host_name)
            .is_some_and(|name| self.names.contains(&name))
    }

    /// Whether a POST comes from the page itself: its `Origin` (or, without one, its
    /// `Referer`) is this request's own scheme and host. A request that has neither is
    /// refused: browsers send `Origin` with every form post.
    pub fn same_origin(&self, request: &Request) -> bool {
        let Some(host) = request.header("host") else {
            return false;
        };
        let own = format!(
            "{}://{}",
            if request.tls { "https" } else { "http" },
            host.to_ascii_lowercase()
        );
        if let Some(origin) = request.header("origin") {
            return origin.to_ascii_lowercase() == own;
        }
        request.header("referer").is_some_and(|referer| {
            let referer = referer.to_ascii_lowercase();
            referer == own || referer.starts_with(&format!("{own}/"))
        })
    }
}

/// The host name of a `Host` header: lowercase, without the port, `[::1]` as `::1`.
fn host_name(header: &str) -> String {
    let header = header.trim().to_ascii_lowercase();
    if let Some(rest) = header.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_owned();
    }
    header
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(header.clone(), |(name, _)| name.to_owned())
}

/// Writes a line to a person's terminal output, ignoring a closed pipe.
pub(crate) fn say(out: &mut dyn std::io::Write, text: &str) {
    let _ = writeln!(out, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        Request {
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            ..Request::default()
        }
    }

    #[test]
    fn reviewers_are_added_checked_replaced_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let reviewers = Reviewers::new(dir.path().join("keys/reviewers"));
        let secret = reviewers.add("alice").unwrap();
        assert!(reviewers.check("alice", &secret));
        assert!(!reviewers.check("alice", &Secret::new("guess")));
        assert!(!reviewers.check("bob", &secret));
        let text = fs::read_to_string(reviewers.path()).unwrap();
        assert!(
            !text.contains(secret.expose()),
            "the secret is never stored"
        );
        let again = reviewers.add("alice").unwrap();
        assert!(!reviewers.check("alice", &secret), "replaced");
        assert!(reviewers.check("alice", &again));
        assert_eq!(reviewers.list().unwrap().len(), 1);
        assert!(reviewers.remove("alice").unwrap());
        assert!(!reviewers.check("alice", &again));
        assert!(reviewers.add("bad name\t").is_err());
    }

    #[test]
    fn hosts_must_be_loopback_or_configured() {
        let hosts = Hosts::new(&["review.example.com".into()]);
        for ok in [
            "127.0.0.1:8765",
            "localhost",
            "[::1]:8765",
            "Review.Example.com:443",
        ] {
            assert!(hosts.allows(&request(&[("host", ok)])), "{ok}");
        }
        for bad in [
            "attacker.example:8765",
            "127.0.0.1.evil.com",
            "",
            "review.example.com.evil",
        ] {
            assert!(!hosts.allows(&request(&[("host", bad)])), "{bad}");
        }
        assert!(!hosts.allows(&request(&[])));
    }

    #[test]
    fn posts_must_come_from_the_page_itself() {
        let hosts = Hosts::new(&[]);
        let host = ("host", "127.0.0.1:8765");
        assert!(hosts.same_origin(&request(&[host, ("origin", "http://127.0.0.1:8765")])));
        assert!(hosts.same_origin(&request(&[host, ("referer", "http://127.0.0.1:8765/?x")])));
        for bad in [
            vec![host, ("origin", "http://evil.example")],
            vec![host, ("origin", "https://127.0.0.1:8765")],
            vec![host, ("referer", "http://127.0.0.1:87650/")],
            vec![host, ("origin", "null")],
            vec![host],
        ] {
            assert!(!hosts.same_origin(&request(&bad)), "{bad:?}");
        }
    }

    #[test]
    fn sessions_hold_their_csrf_token() {
        let sessions = Sessions::default();
        let token = sessions.create("alice").unwrap();
        let cookie = format!("{COOKIE}={token}");
        let with = request(&[("cookie", cookie.as_str())]);
        let session = sessions.of(&with).unwrap();
        assert_eq!(session.reviewer, "alice");
        assert!(csrf_matches(&session, Some(&session.csrf.clone())));
        assert!(!csrf_matches(&session, Some("forged")));
        assert!(!csrf_matches(&session, None));
        assert!(
            sessions
                .of(&request(&[("cookie", "hookkit_review=guess")]))
                .is_none()
        );
        sessions.end(&with);
        assert!(sessions.of(&with).is_none());
    }
}
