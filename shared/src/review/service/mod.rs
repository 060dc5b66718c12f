//! The review service (`defer-for-review serve`): the approval endpoint with a pending state,
//! and a review page where reviewers decide from a browser or a phone.
//!
//! A small HTTP/1.1 server on the standard library: a thread per connection up to a limit
//! (beyond it, `503` at once), one request per connection, bounded request sizes and read and
//! write timeouts. Items live in the review queue's files, so a restart loses nothing, and the
//! queue's per-session locks keep concurrent hooks and reviewers from losing or duplicating
//! one. None of this is on the hook's path: the hook is a client of it
//! ([`super::endpoint`]).
//!
//! Security: the service signs decisions with its own key; deciding needs a reviewer's
//! credential (a login, then a session cookie and a CSRF token); every request's `Host` must be
//! a loopback name or a configured public host; listening beyond loopback needs TLS or an
//! explicit `--insecure-listen`. See `docs/review-service.md`.

mod api;
pub mod auth;
pub mod http;
pub mod page;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;

use self::auth::{COOKIE, Hosts, Reviewers, Sessions, csrf_matches};
use self::http::{Request, Response, field, read_request};
use self::page::{AuditRow, AuditView, View};
use super::decision::Verdict;
use super::hook::record;
use super::keys::{self, SERVICE_KEY};
use super::policy::{Overrides, Settings};
use super::queue::{Queue, Status};
use super::reviewer::{decide_item, decision_record};
use crate::audit::Trail;
use crate::crypto::{KeyPair, PassphraseSource, PublicKey, Secret};
use crate::env::{Env, Role};
use crate::{Error, Result};

/// Where the service listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8765";
/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a connection may take to send its request or read the answer.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest approval the page grants.
pub const MAX_TTL: Duration = Duration::from_hours(24 * 7);
/// How many audit records the page reads back (newest) before filtering.
const AUDIT_WINDOW: usize = 2000;
/// How many records and decided items the page shows.
const PAGE_ROWS: usize = 50;

/// What a running service works with.
pub struct Config {
    /// The queue the items live in.
    pub queue: Queue,
    /// The audit trail decisions are recorded in (and the page shows).
    pub audit: Trail,
    /// The service's signing key.
    pub signer: KeyPair,
    /// Keys whose decisions on items the service accepts (its own, plus the policy's).
    pub trusted: Vec<PublicKey>,
    /// The reviewers.
    pub reviewers: Reviewers,
    /// Host names the service answers to besides loopback ones.
    pub hosts: Hosts,
}

/// A running service's state.
pub struct Service {
    config: Config,
    sessions: Sessions,
    verified: Mutex<Option<(u64, std::time::SystemTime, String, bool)>>,
}

impl Service {
    /// A service over `config`.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            sessions: Sessions::default(),
            verified: Mutex::new(None),
        }
    }

    /// Answers one request.
    pub fn handle(&self, request: &Request) -> Response {
        if !self.config.hosts.allows(request) {
            return Response::text(
                403,
                "unknown Host: this service answers to loopback names and its configured \
                 public host only",
            );
        }
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/approve") => self.approve_api(request),
            ("GET", "/healthz") => Response::text(200, "ok"),
            ("GET", "/status") => self.status(request),
            ("GET", "/login") => Response::html(200, page::login(None)),
            ("POST", "/login") => self.login(request),
            ("POST", "/logout") => self.logout(request),
            ("POST", "/decide") => self.decide(request),
            ("GET", "/") => self.page(request),
            (_, "/" | "/approve" | "/login" | "/logout" | "/decide" | "/healthz" | "/status") => {
                Response::text(405, "method not allowed")
            }
            _ => Response::text(404, "not found"),
        }
    }

    /// The review page. On loopback anyone may read it (it shows redacted items only);
    /// from elsewhere, a reviewer's login first.
    fn page(&self, request: &Request) -> Response {
        let session = self.sessions.of(request);
        if session.is_none() && !request.from_loopback() {
            return Response::see_other("/login");
        }
        let scan = match self.config.queue.scan() {
            Ok(scan) => scan,
            Err(e) => {
                return Response::html(
                    500,
                    page::message("The queue is unreadable", &e.to_string()),
                );
            }
        };
        let pending: Vec<_> = scan
            .items
            .iter()
            .filter(|i| i.status == Status::Pending && i.is_current() && i.decision.is_none())
            .collect();
        let mut decided: Vec<_> = scan.items.iter().filter(|i| i.decision.is_some()).collect();
        decided.sort_by(|a, b| b.decided_at.cmp(&a.decided_at));
        decided.truncate(PAGE_ROWS);
        let audit = self.audit_view(request);
        let key_id = self.config.signer.public_key().id();
        let queue = self.config.queue.dir().display().to_string();
        let view = View {
            pending,
            decided,
            session: session.as_ref(),
            audit: &audit,
            key_id: &key_id,
            queue: &queue,
            now: Utc::now(),
        };
        Response::html(200, page::render(&view))
    }

    /// The latest audit records matching the request's filters, and the verify status.
    fn audit_view(&self, request: &Request) -> AuditView {
        let filters = ["decision", "tool", "rule", "session"].map(|name| {
            request
                .query_field(name)
                .unwrap_or_default()
                .trim()
                .to_owned()
        });
        let trail = &self.config.audit;
        let (verify, intact) = self.verify_status(trail);
        let lines = crate::audit::tail::last_lines(trail, AUDIT_WINDOW).unwrap_or_default();
        let [decision, tool, rule, session] = &filters;
        let rows = lines
            .iter()
            .rev()
            .filter_map(|line| crate::audit::RecordView::parse(line))
            .filter(|r| decision.is_empty() || r.decision == decision.as_str())
            .filter(|r| tool.is_empty() || r.tool.as_deref() == Some(tool.as_str()))
            .filter(|r| {
                rule.is_empty()
                    || r.rule_id
                        .as_deref()
                        .is_some_and(|id| id.starts_with(rule.as_str()))
            })
            .filter(|r| session.is_empty() || r.session_id.starts_with(session.as_str()))
            .take(PAGE_ROWS)
            .map(|r| AuditRow {
                time: r.time.into_owned(),
                binary: r.binary.into_owned(),
                decision: r.decision.into_owned(),
                tool: r.tool.map(std::borrow::Cow::into_owned).unwrap_or_default(),
                input: r
                    .input
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default(),
                rule: r
                    .rule_id
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default(),
                session: r.session_id.into_owned(),
                reason: r
                    .reason
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default(),
            })
            .collect();
        AuditView {
            log: trail.path.display().to_string(),
            verify,
            intact,
            rows,
            filters,
        }
    }

    /// `verify` of the log, cached while the log does not change.
    fn verify_status(&self, trail: &crate::audit::Trail) -> (String, bool) {
        let stamp = std::fs::metadata(&trail.path).ok().map(|m| {
            (
                m.len(),
                m.modified().unwrap_or(std::time::SystemTime::UNIX_EPOCH),
            )
        });
        let mut cache = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let (Some((len, modified)), Some((cached_len, cached_modified, text, ok))) =
            (stamp, cache.as_ref())
            && len == *cached_len
            && modified == *cached_modified
        {
            return (text.clone(), *ok);
        }
        let (text, ok) = match crate::audit::verify::verify(trail, None) {
            Ok(verification) => match &verification.verdict {
                crate::audit::verify::Verdict::Intact(summary) => (
                    format!(
                        "verified: {} records in {} file(s), chain intact; {}; {}",
                        summary.records,
                        summary.files.len(),
                        verification.sealing,
                        verification.checkpoint
                    ),
                    true,
                ),
                crate::audit::verify::Verdict::Broken(broken) => {
                    (format!("BROKEN: {broken}"), false)
                }
            },
            Err(e) => (format!("not verified: {e}"), stamp.is_none()),
        };
        if let Some((len, modified)) = stamp {
            *cache = Some((len, modified, text.clone(), ok));
        }
        (text, ok)
    }

    fn login(&self, request: &Request) -> Response {
        if !self.config.hosts.same_origin(request) {
            return forbidden("the login form was not posted from this page");
        }
        let form = request.form();
        let name = field(&form, "name").unwrap_or_default().trim().to_owned();
        let secret = Secret::new(field(&form, "secret").unwrap_or_default());
        if !self.config.reviewers.check(&name, &secret) {
            // Slows guessing down; the secrets are long and random anyway.
            std::thread::sleep(Duration::from_millis(300));
            return Response::html(401, page::login(Some("Unknown reviewer or wrong secret.")));
        }
        match self.sessions.create(&name) {
            Ok(token) => Response::see_other("/").with_header(
                "set-cookie",
                &format!(
                    "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                    auth::SESSION_TTL.as_secs(),
                    if request.tls { "; Secure" } else { "" }
                ),
            ),
            Err(e) => Response::html(503, page::message("Not logged in", &e.to_string())),
        }
    }

    fn logout(&self, request: &Request) -> Response {
        if let Some(session) = self.sessions.of(request)
            && self.config.hosts.same_origin(request)
            && csrf_matches(&session, field(&request.form(), "csrf"))
        {
            self.sessions.end(request);
        }
        Response::see_other("/login").with_header(
            "set-cookie",
            &format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        )
    }

    /// A reviewer's approve or deny from the page.
    fn decide(&self, request: &Request) -> Response {
        let Some(session) = self.sessions.of(request) else {
            return Response::html(
                401,
                page::message("Not logged in", "Log in as a reviewer to decide."),
            );
        };
        if !self.config.hosts.same_origin(request) {
            return forbidden("the form was not posted from this page (Origin/Referer)");
        }
        let form = request.form();
        if !csrf_matches(&session, field(&form, "csrf")) {
            return forbidden("the form's token is not this session's (CSRF)");
        }
        let id = field(&form, "item").unwrap_or_default();
        let (verdict, reason, expires) = match field(&form, "action") {
            Some("approve") => {
                let ttl = match field(&form, "ttl").map(super::parse_ttl).transpose() {
                    Ok(ttl) => ttl.unwrap_or(Duration::from_hours(1)).min(MAX_TTL),
                    Err(e) => {
                        return Response::html(400, page::message("Not decided", &e.to_string()));
                    }
                };
                let expires = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default();
                (Verdict::Approve, field(&form, "reason"), Some(expires))
            }
            Some("deny") => {
                let reason = field(&form, "reason").filter(|r| !r.trim().is_empty());
                if reason.is_none() {
                    return Response::html(
                        400,
                        page::message(
                            "Not decided",
                            "A denial needs a reason: the agent is told it.",
                        ),
                    );
                }
                (Verdict::Deny, reason, None)
            }
            _ => return Response::html(400, page::message("Not decided", "Approve or deny?")),
        };
        match self.sign(id, &session.reviewer, verdict, reason, expires) {
            Ok(()) => Response::see_other(&format!("/#{}", http::percent_encode(id))),
            Err(e) => Response::html(409, page::message("Not decided", &e.to_string())),
        }
    }

    /// Signs a decision on a pending item under its session's lock and records it.
    fn sign(
        &self,
        id: &str,
        reviewer: &str,
        verdict: Verdict,
        reason: Option<&str>,
        expires: Option<chrono::DateTime<Utc>>,
    ) -> Result<()> {
        let queue = &self.config.queue;
        let found = queue.find(id)?;
        if found.id != id {
            return Err(Error::Review(format!("no item `{id}`")));
        }
        let _lock = queue.lock_session(&found.session_id)?;
        let item = queue.find(id)?;
        let decided = decide_item(
            item,
            &self.config.signer,
            reviewer,
            &self.config.trusted,
            verdict,
            reason,
            expires,
            Utc::now(),
        )?;
        queue.update(&decided)?;
        let mut entry = decision_record(&decided, verdict, reviewer);
        entry.reason = entry.reason.map(|r| {
            format!(
                "{r} (review service, key {})",
                self.config.signer.public_key().id()
            )
        });
        record(&self.config.audit, &entry);
        Ok(())
    }
}

fn forbidden(why: &str) -> Response {
    Response::html(403, page::message("Refused", why))
}

/// `serve` as a person asked for it on the command line.
#[derive(Debug, Clone, Default)]
pub struct ServeRequest {
    /// `--listen ADDR` [default: 127.0.0.1:8765].
    pub listen: Option<String>,
    /// `--public-host NAME` (repeatable): host names besides loopback ones.
    pub public_hosts: Vec<String>,
    /// `--tls-cert FILE` (PEM chain).
    pub tls_cert: Option<PathBuf>,
    /// `--tls-key FILE` (PEM private key).
    pub tls_key: Option<PathBuf>,
    /// `--insecure-listen`: beyond loopback without TLS.
    pub insecure_listen: bool,
    /// `--key FILE` [default: the key directory's service.key].
    pub key: Option<PathBuf>,
    /// `--passphrase-file FILE`.
    pub passphrase_file: Option<PathBuf>,
}

/// `serve`: loads the service key and the settings, binds, says where it listens and what
/// protects it, and serves until killed.
pub fn serve_command(
    out: &mut dyn Write,
    env: &Env,
    overrides: &Overrides,
    request: ServeRequest,
) -> Result<()> {
    let project = crate::locations::find_project(env, None)?;
    let settings = Settings::load(env, Role::Person, &project, overrides)?;
    let listen: SocketAddr = request
        .listen
        .as_deref()
        .unwrap_or(DEFAULT_LISTEN)
        .parse()
        .map_err(|e| Error::Other(format!("--listen: {e} (expected IP:PORT)")))?;
    let tls = match (&request.tls_cert, &request.tls_key) {
        (Some(cert), Some(key)) => Some(tls_config(cert, key)?),
        (None, None) => None,
        _ => return Err(Error::Other("--tls-cert and --tls-key go together".into())),
    };
    if !listen.ip().is_loopback() && tls.is_none() && !request.insecure_listen {
        return Err(Error::Other(format!(
            "listening on {listen} reaches beyond this machine: give --tls-cert and --tls-key, \
             or --insecure-listen to send logins and decisions in the clear"
        )));
    }
    let key_path = match request.key {
        Some(path) => path,
        None => keys::key_path(settings.key_dir.as_deref(), SERVICE_KEY)?,
    };
    if !key_path.exists() {
        return Err(Error::Other(format!(
            "no service key at `{}`: run `defer-for-review keygen --service` first",
            key_path.display()
        )));
    }
    if let Some(warning) = keys::permissions_warning(&key_path) {
        auth::say(out, &warning);
    }
    let source = PassphraseSource::choose(request.passphrase_file, env);
    let signer = KeyPair::read(&key_path, || {
        source.read(&format!("Passphrase for {}: ", key_path.display()), false)
    })?;
    let public = signer.public_key();
    let mut trusted = settings.trusted_keys.clone();
    let own_key_trusted = trusted.iter().any(|k| k.same_key(&public));
    if !own_key_trusted {
        trusted.push(public.clone());
    }
    let reviewers = Reviewers::new(keys::key_path(
        settings.key_dir.as_deref(),
        auth::REVIEWERS_FILE,
    )?);
    let listener =
        TcpListener::bind(listen).map_err(|e| Error::io("listening on", listen.to_string(), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("listening on", listen.to_string(), e))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    auth::say(out, &format!("hookkit review service: {scheme}://{bound}/"));
    auth::say(
        out,
        &format!(
            "queue {}; audit log {}; signing key {public}",
            settings.queue_dir.display(),
            settings.audit.path.display()
        ),
    );
    if !own_key_trusted {
        auth::say(
            out,
            &format!(
                "note: hooks accept this service's decisions only where the user's \
                 ~/.claude/hookkit.toml has:\n  [review]\n  endpoint = \"{scheme}://{bound}/approve\"\n  \
                 trusted_keys = [{}]",
                toml::Value::String(public.to_string())
            ),
        );
    }
    if reviewers.list()?.is_empty() {
        auth::say(
            out,
            "note: no reviewer can log in yet: run `defer-for-review reviewer add NAME`",
        );
    }
    if !listen.ip().is_loopback() && tls.is_none() {
        auth::say(
            out,
            "WARNING: listening beyond this machine without TLS (--insecure-listen): logins, \
             session cookies and the queue cross the network in the clear",
        );
    }
    let _ = out.flush();
    let service = Arc::new(Service::new(Config {
        queue: Queue::new(settings.queue_dir.clone()),
        audit: settings.audit.clone(),
        signer,
        trusted,
        reviewers,
        hosts: Hosts::new(&request.public_hosts),
    }));
    run(&service, &listener, tls.as_ref());
    Ok(())
}

/// Accepts connections until the listener fails: a thread each, up to [`MAX_CONNECTIONS`].
pub fn run(
    service: &Arc<Service>,
    listener: &TcpListener,
    tls: Option<&Arc<rustls::ServerConfig>>,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = Response::text(503, "busy; try again").write_to(&mut stream);
            continue;
        }
        let service = Arc::clone(service);
        let counter = Arc::clone(&active);
        let tls = tls.cloned();
        let spawned = std::thread::Builder::new()
            .name("review-connection".into())
            .spawn(move || {
                connection(&service, stream, tls);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // No thread: the connection is dropped unanswered, and its slot given back.
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Serves one connection: one request, one response.
fn connection(service: &Service, stream: TcpStream, tls: Option<Arc<rustls::ServerConfig>>) {
    let peer = stream.peer_addr().ok();
    match tls {
        None => {
            let mut stream = stream;
            exchange(service, &mut stream, peer, false);
        }
        Some(config) => {
            let Ok(connection) = rustls::ServerConnection::new(config) else {
                return;
            };
            let mut stream = rustls::StreamOwned::new(connection, stream);
            exchange(service, &mut stream, peer, true);
            stream.conn.send_close_notify();
            let _ = stream.flush();
        }
    }
}

/// Anything a connection reads from and writes to.
trait Duplex: Read + Write {}
impl<T: Read + Write> Duplex for T {}

fn exchange(service: &Service, stream: &mut dyn Duplex, peer: Option<SocketAddr>, tls: bool) {
    let response = match read_request(stream, peer, tls) {
        Ok(request) => {
            // A handler that panics answers 500; the service keeps serving.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| service.handle(&request)))
                .unwrap_or_else(|_| Response::text(500, "internal error"))
        }
        Err(response) => response,
    };
    let _ = response.write_to(stream);
}

/// A rustls server configuration from PEM files.
fn tls_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>> {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| Error::Other(format!("--tls-cert `{}`: {e}", cert.display())))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Other(format!("--tls-cert `{}`: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(Error::Other(format!(
            "--tls-cert `{}` holds no certificate",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| Error::Other(format!("--tls-key `{}`: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Other(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Other(format!("TLS certificate and key: {e}")))?;
    Ok(Arc::new(config))
}

/// `reviewer add|remove|list`: the credentials the page's login checks, kept in `key_dir` (the
/// key directory of [`crate::locations::Locations`]).
pub fn reviewer_command(
    out: &mut dyn Write,
    key_dir: Option<&Path>,
    action: &str,
    name: Option<&str>,
) -> Result<()> {
    let reviewers = Reviewers::new(keys::key_path(key_dir, auth::REVIEWERS_FILE)?);
    let need_name =
        || name.ok_or_else(|| Error::Other(format!("`reviewer {action}` needs a NAME")));
    match action {
        "add" => {
            let name = need_name()?;
            let secret = reviewers.add(name)?;
            auth::say(
                out,
                &format!(
                    "reviewer {name} can log in to the review page with this secret (shown \
                     once; only a salted hash is kept in {}):\n{}",
                    reviewers.path().display(),
                    secret.expose()
                ),
            );
        }
        "remove" => {
            let name = need_name()?;
            if !reviewers.remove(name)? {
                return Err(Error::Other(format!("no reviewer `{name}`")));
            }
            auth::say(out, &format!("removed reviewer {name}"));
        }
        "list" => {
            let list = reviewers.list()?;
            if list.is_empty() {
                auth::say(out, "no reviewers; add one with `reviewer add NAME`");
            }
            for r in list {
                auth::say(out, &format!("{}\t{}", r.name, r.created));
            }
        }
        other => {
            return Err(Error::Other(format!(
                "`reviewer {other}`: expected add, remove or list"
            )));
        }
    }
    Ok(())
}

/// Waits until `stdout` of a started service says where it listens (for tests and scripts).
pub fn read_listen_line(reader: &mut dyn std::io::BufRead) -> Option<String> {
    let mut line = String::new();
    while reader.read_line(&mut line).ok()? > 0 {
        if let Some(url) = line.trim().strip_prefix("hookkit review service: ") {
            return Some(url.to_owned());
        }
        line.clear();
    }
    None
}

#[cfg(test)]
mod tests;
