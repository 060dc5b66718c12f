//! The review queue on disk: one JSON file per deferred call, written atomically (a temporary
//! file, then a rename or link), so that an editor or a script can read and change it.
//!
//! Layout of the queue directory:
//!
//! - `<id>.json`: one item; `<id>` is 6 hex characters derived from the `tool_use_id`.
//! - `.locks/<session hash>.lock`: the per-session lock taken around check-and-enqueue.
//! - `.<id>.<pid>.<n>.tmp`: a write in progress; ignored by readers.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::decision::SignedDecision;
use super::digest::hex_sha256;
use super::time::parse_stamp;
use crate::classify::Risk;
use crate::{Error, Result};

/// How long an item id is, in hex characters.
const ID_LEN: usize = 6;

/// Where a review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a person.
    Pending,
    /// Approved: the call may run with exactly this input until `expires_at`.
    Approved,
    /// Denied: the call must not run.
    Denied,
    /// The approval expired before the call was resumed.
    Expired,
}

impl Status {
    /// `pending`, `approved`, `denied`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Expired => "expired",
        }
    }
}

/// One deferred call and its review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The short id reviewers type; also the file name.
    pub id: String,
    /// Where the review stands.
    pub status: Status,
    /// The session that made the call.
    pub session_id: String,
    /// The call's id, which comes back through `PreToolUse` on resume.
    pub tool_use_id: String,
    /// The session cwd.
    pub cwd: String,
    /// The project the call came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The session's permission mode, which `claude -p --resume` must be given again.
    pub permission_mode: Option<String>,
    /// The tool.
    pub tool: String,
    /// A one-line summary of the redacted input.
    pub summary: String,
    /// The tool input with secrets masked, for display.
    pub input: Value,
    /// SHA-256 of the exact input (see [`input_sha256`](super::input_sha256)); an approval
    /// holds only for this hash.
    pub input_sha256: String,
    /// The class or setting that asked for review.
    pub rule: String,
    /// The call's risk, where rated.
    pub risk: Option<Risk>,
    /// Why the call needs review.
    pub reason: String,
    /// When the call was queued (RFC 3339, UTC).
    pub queued_at: String,
    /// What the hook last answered for this call: `defer`, `deny` or `allow`.
    pub last_answer: String,
    /// Who decided.
    #[serde(default)]
    pub decided_by: Option<String>,
    /// When.
    #[serde(default)]
    pub decided_at: Option<String>,
    /// The reviewer's reason; a denial's goes to the model.
    #[serde(default)]
    pub decision_reason: Option<String>,
    /// When an approval stops holding.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// When the resumed call was allowed to run.
    #[serde(default)]
    pub resumed_at: Option<String>,
    /// The item this one replaced (an expired approval, or an approval of other input).
    #[serde(default)]
    pub replaces: Option<String>,
    /// The item that replaced this one.
    #[serde(default)]
    pub replaced_by: Option<String>,
    /// The person's signed decision: what the hook trusts (`status` and the `decided_*`
    /// fields are labels for people).
    #[serde(default)]
    pub decision: Option<SignedDecision>,
}

/// The call a new item records (its input as sent: the item keeps a copy with secrets masked).
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The session.
    pub session_id: &'a str,
    /// The call's id.
    pub tool_use_id: &'a str,
    /// The session cwd.
    pub cwd: &'a str,
    /// The project it came from.
    pub project: Option<&'a str>,
    /// The permission mode.
    pub permission_mode: Option<&'a str>,
    /// The tool.
    pub tool: &'a str,
    /// The input.
    pub input: &'a Value,
    /// SHA-256 of the exact input.
    pub input_sha256: &'a str,
}

impl Item {
    /// A pending item for `call`, which needs review for `why`, queued at `now`; secrets in
    /// the input and the reason are masked. Its id is set by [`Queue::insert`].
    pub fn pending(
        call: &Call<'_>,
        why: &super::policy::Trigger,
        now: DateTime<Utc>,
        last_answer: &str,
        replaces: Option<&str>,
    ) -> Self {
        let input = super::redact_value(call.input);
        Self {
            id: String::new(),
            status: Status::Pending,
            session_id: call.session_id.to_owned(),
            tool_use_id: call.tool_use_id.to_owned(),
            cwd: call.cwd.to_owned(),
            project: call.project.map(str::to_owned),
            permission_mode: call.permission_mode.map(str::to_owned),
            tool: call.tool.to_owned(),
            summary: super::summary(&input),
            input,
            input_sha256: call.input_sha256.to_owned(),
            rule: why.rule.clone(),
            risk: why.risk,
            reason: crate::secrets::redact(&why.reason),
            queued_at: super::time::stamp(now),
            last_answer: last_answer.to_owned(),
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            expires_at: None,
            resumed_at: None,
            replaces: replaces.map(str::to_owned),
            replaced_by: None,
            decision: None,
        }
    }

    /// Whether this is an undecided deferral: pending, and the run stopped on it.
    pub fn is_waiting(&self) -> bool {
        self.status == Status::Pending && self.last_answer == "defer"
    }

    /// Whether this is the current item of its call (not replaced by a newer one).
    pub fn is_current(&self) -> bool {
        self.replaced_by.is_none()
    }

    /// When it was queued.
    pub fn queued_time(&self) -> Option<DateTime<Utc>> {
        parse_stamp(&self.queued_at)
    }

    /// Whether an approval has passed its expiry at `now`. An unreadable expiry counts as
    /// expired: an approval nobody can date is not one to trust.
    pub fn approval_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .as_deref()
            .is_some_and(|at| parse_stamp(at).is_none_or(|at| at <= now))
    }
}

/// A queue file that could not be read as an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub error: String,
}

/// Everything in the queue directory.
#[derive(Debug, Default)]
pub struct Scan {
    /// The items, oldest first.
    pub items: Vec<Item>,
    /// Files that looked like items but were not.
    pub unreadable: Vec<Unreadable>,
}

impl Scan {
    /// The current item of a call.
    pub fn current_for(&self, tool_use_id: &str) -> Option<&Item> {
        self.items
            .iter()
            .filter(|i| i.tool_use_id == tool_use_id && i.is_current())
            .max_by(|a, b| a.queued_at.cmp(&b.queued_at))
    }

    /// An undecided deferral of `session_id` other than `tool_use_id`'s.
    pub fn waiting_in_session(&self, session_id: &str, tool_use_id: &str) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| i.session_id == session_id && i.tool_use_id != tool_use_id && i.is_waiting())
    }
}

/// A queue directory.
#[derive(Debug, Clone)]
pub struct Queue {
    dir: PathBuf,
}

/// An exclusive lock on one session's queue entries; released when dropped.
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

impl Queue {
    /// The queue in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The queue directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of an item.
    pub fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Reads every item. A missing directory is an empty queue; a file that is not a valid
    /// item is reported in [`Scan::unreadable`], never skipped silently.
    pub fn scan(&self) -> Result<Scan> {
        let mut scan = Scan::default();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(scan),
            Err(e) => return Err(Error::io("reading review queue", &self.dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("reading review queue", &self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".json") else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            match read_item(&path, stem) {
                Ok(item) => scan.items.push(item),
                Err(error) => scan.unreadable.push(Unreadable { path, error }),
            }
        }
        scan.items
            .sort_by(|a, b| a.queued_at.cmp(&b.queued_at).then(a.id.cmp(&b.id)));
        scan.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(scan)
    }

    /// Whether the queue may hold an item of this call, found by looking only at the ids
    /// [`insert`](Self::insert) would have chosen for it. `false` is certain unless item files
    /// were deleted by hand; an unreadable candidate counts as `true`.
    pub fn may_hold(&self, tool_use_id: &str) -> bool {
        if tool_use_id.is_empty() {
            return false;
        }
        for attempt in 0..1000 {
            let path = self.path_of(&candidate_id(tool_use_id, attempt));
            match fs::read_to_string(&path) {
                Err(e) if e.kind() == ErrorKind::NotFound => return false,
                Err(_) => return true,
                Ok(text) => match serde_json::from_str::<Item>(&text) {
                    Ok(item) if item.tool_use_id != tool_use_id => {}
                    _ => return true,
                },
            }
        }
        true
    }

    /// Finds an item by its id or a unique prefix of it (at least 3 characters).
    pub fn find(&self, id: &str) -> Result<Item> {
        let id = id.trim();
        if !is_id(id) {
            return Err(Error::Review(format!(
                "`{id}` is not an item id (letters and digits, as `list` shows them)"
            )));
        }
        let exact = self.path_of(id);
        if exact.is_file() {
            return read_item(&exact, id)
                .map_err(|e| Error::Review(format!("item `{id}` (`{}`): {e}", exact.display())));
        }
        if id.len() < 3 {
            return Err(Error::Review(format!(
                "no item `{id}` in `{}`",
                self.dir.display()
            )));
        }
        let scan = self.scan()?;
        let matches: Vec<&Item> = scan.items.iter().filter(|i| i.id.starts_with(id)).collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::Review(format!(
                "no item `{id}` in `{}` (`list --all` shows every item)",
                self.dir.display()
            ))),
            many => Err(Error::Review(format!(
                "`{id}` matches {} items ({}); type more of the id",
                many.len(),
                many.iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Takes the exclusive lock of a session, waiting for other holders.
    pub fn lock_session(&self, session_id: &str) -> Result<SessionLock> {
        let dir = self.dir.join(".locks");
        fs::create_dir_all(&dir)
            .map_err(|e| Error::io("creating review lock directory", &dir, e))?;
        let path = dir.join(format!("{}.lock", &hex_sha256(session_id.as_bytes())[..16]));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("opening review lock", &path, e))?;
        file.lock()
            .map_err(|e| Error::io("locking review lock", &path, e))?;
        Ok(SessionLock { _file: file })
    }

    /// Stores a new item under a fresh id derived from its `tool_use_id` (set in
    /// `item.id`). The file appears complete or not at all, and never replaces another item.
    pub fn insert(&self, item: &mut Item) -> Result<()> {
        self.create_dir()?;
        for attempt in 0u32..1000 {
            item.id = candidate_id(&item.tool_use_id, attempt);
            let target = self.path_of(&item.id);
            if target.exists() {
                continue;
            }
            let temp = self.write_temp(item)?;
            let linked = fs::hard_link(&temp, &target);
            let _ = fs::remove_file(&temp);
            match linked {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io("adding review item", &target, e)),
            }
        }
        Err(Error::Review(format!(
            "no free item id for `{}` in `{}`",
            item.tool_use_id,
            self.dir.display()
        )))
    }

    /// Replaces an existing item's file atomically.
    pub fn update(&self, item: &Item) -> Result<()> {
        self.create_dir()?;
        let temp = self.write_temp(item)?;
        let target = self.path_of(&item.id);
        fs::rename(&temp, &target).map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io("updating review item", &target, e)
        })
    }

    fn create_dir(&self) -> Result<()> {
        fs::create_dir_all(&self.dir).map_err(|e| Error::io("creating review queue", &self.dir, e))
    }

    fn write_temp(&self, item: &Item) -> Result<PathBuf> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join(format!(".{}.{}.{n}.tmp", item.id, std::process::id()));
        let mut text = serde_json::to_string_pretty(item)
            .map_err(|e| Error::Review(format!("encoding item `{}`: {e}", item.id)))?;
        text.push('\n');
        let written = File::create(&temp).and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        });
        written.map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io("writing review item", &temp, e)
        })?;
        Ok(temp)
    }
}

/// The id a call's item gets on the `attempt`-th try: the first 6 hex characters of a hash of
/// its `tool_use_id` and the attempt number.
fn candidate_id(tool_use_id: &str, attempt: u32) -> String {
    hex_sha256(format!("{tool_use_id}\n{attempt}").as_bytes())[..ID_LEN].to_owned()
}

/// Whether a text can be an item id: what keeps ids (and so file names) inside the queue.
fn is_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.chars().all(|c| c.is_ascii_alphanumeric())
}

fn read_item(path: &Path, stem: &str) -> std::result::Result<Item, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let item: Item = serde_json::from_str(&text).map_err(|e| format!("not a review item: {e}"))?;
    if item.id != stem || !is_id(&item.id) {
        return Err(format!(
            "its id `{}` does not match the file name `{stem}.json`",
            item.id
        ));
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(tool_use_id: &str) -> Item {
        Item {
            id: String::new(),
            status: Status::Pending,
            session_id: "s1".into(),
            tool_use_id: tool_use_id.into(),
            cwd: "/p".into(),
            project: None,
            permission_mode: Some("default".into()),
            tool: "Bash".into(),
            summary: "rm -rf x".into(),
            input: json!({"command": "rm -rf x"}),
            input_sha256: "00".into(),
            rule: "unrecognised".into(),
            risk: Some(Risk::Medium),
            reason: "r".into(),
            queued_at: "2026-11-21T10:00:00Z".into(),
            last_answer: "defer".into(),
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            expires_at: None,
            resumed_at: None,
            replaces: None,
            replaced_by: None,
            decision: None,
        }
    }

    #[test]
    fn insert_gives_distinct_short_ids_and_scan_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let queue = Queue::new(dir.path().join("q"));
        let mut a = item("toolu_a");
        let mut b = item("toolu_a");
        assert!(!queue.may_hold("toolu_a"));
        queue.insert(&mut a).unwrap();
        queue.insert(&mut b).unwrap();
        assert!(queue.may_hold("toolu_a"));
        assert!(!queue.may_hold("toolu_c"));
        assert_eq!(a.id.len(), ID_LEN);
        assert_ne!(a.id, b.id);
        let scan = queue.scan().unwrap();
        assert_eq!(scan.items.len(), 2);
        assert!(scan.unreadable.is_empty());
        assert_eq!(queue.find(&a.id).unwrap(), a);
        assert_eq!(queue.find(&b.id[..4]).unwrap(), b);
    }

    #[test]
    fn corrupt_and_mismatched_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let queue = Queue::new(dir.path());
        fs::write(dir.path().join("abc123.json"), "{not json").unwrap();
        let mut good = item("toolu_b");
        queue.insert(&mut good).unwrap();
        fs::copy(queue.path_of(&good.id), dir.path().join("ffffff.json")).unwrap();
        fs::write(dir.path().join(".x.tmp"), "partial").unwrap();
        let scan = queue.scan().unwrap();
        assert_eq!(scan.items.len(), 1);
        assert_eq!(scan.unreadable.len(), 2);
        assert!(
            scan.unreadable[1].error.contains("does not match"),
            "{:?}",
            scan.unreadable
        );
        let err = queue.find("abc123").unwrap_err().to_string();
        assert!(err.contains("abc123.json"), "{err}");
        let err = queue.find("../../etc/passwd").unwrap_err().to_string();
        assert!(err.contains("not an item id"), "{err}");
    }

    #[test]
    fn waiting_means_pending_and_deferred() {
        let mut a = item("t1");
        assert!(a.is_waiting());
        a.last_answer = "deny".into();
        assert!(!a.is_waiting());
        let scan = Scan {
            items: vec![item("t1"), item("t2")],
            unreadable: vec![],
        };
        assert_eq!(
            scan.waiting_in_session("s1", "t1").unwrap().tool_use_id,
            "t2"
        );
        assert!(scan.waiting_in_session("s2", "t1").is_none());
    }
}
