//! Signed decisions: a person's approval or denial as a statement the hook can verify and the
//! agent cannot forge.
//!
//! A [`Statement`] names exactly one call (item, session, `tool_use_id`, cwd, permission mode,
//! tool, the SHA-256 of the exact input and of the redacted input the reviewer was shown), the
//! decision, its expiry, the reviewer, the time and the reason. It is signed as canonical JSON
//! with an Ed25519 key ([`crate::crypto`]); the hook holds only public keys
//! (`[review] trusted_keys` of the user's own policy). On resume the hook:
//!
//! 1. verifies the signature against a trusted key ([`SignedDecision::verify`]),
//! 2. checks every bound field against the call it sees ([`Binding::check`]),
//! 3. checks the expiry of an approval (a missing expiry counts as expired), and
//! 4. consumes the approval once ([`consume`]): the first resume that creates
//!    `<state>/review-used/<SHA-256 of the signature>` wins, every later one is refused.
//!
//! The queue item's `status` is only a label for people; the signature decides.

use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::time::parse_stamp;
use crate::crypto::{self, KeyPair, PublicKey};
use crate::digest::{canonical_json, hex_sha256};
use crate::{Error, Result, owner_only};

/// The `type` of a decision statement: names the format and separates these signatures from
/// any other use of the same key.
pub const STATEMENT_TYPE: &str = "hookkit.review.decision/1";
/// The directory under the state directory that records used approvals.
pub const USED_DIR: &str = "review-used";

/// Approve or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The call may run, once, until the expiry.
    Approve,
    /// The call must not run.
    Deny,
}

impl Verdict {
    /// `approve` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Deny => "deny",
        }
    }
}

/// What a reviewer signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// The queue item (of the queue that recorded the call).
    pub item: String,
    /// Approve or deny.
    pub decision: Verdict,
    /// The session of the call.
    pub session_id: String,
    /// The call's id.
    pub tool_use_id: String,
    /// The session cwd.
    pub cwd: String,
    /// The session's permission mode (`null` when Claude Code sent none).
    pub permission_mode: Option<String>,
    /// The tool.
    pub tool: String,
    /// SHA-256 of the exact input ([`super::input_sha256`]).
    pub input_sha256: String,
    /// SHA-256 of the redacted input the reviewer was shown (the same function over
    /// [`super::redact_value`] of the input), so that a queue item whose displayed input was
    /// swapped cannot carry an approval over to the real call.
    pub shown_sha256: String,
    /// When an approval stops holding (RFC 3339); required for an approval.
    pub expires_at: Option<String>,
    /// Who decided.
    pub reviewer: String,
    /// When (RFC 3339).
    pub decided_at: String,
    /// Why; a denial's reason goes to the model.
    pub reason: Option<String>,
}

/// A statement with its signature and the public key that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDecision {
    /// The statement, kept as JSON exactly as signed.
    pub statement: Value,
    /// The signer's public key line, `ed25519:<base64> <name>`.
    pub key: String,
    /// The Ed25519 signature of the canonical JSON of `statement`, base64.
    pub signature: String,
}

/// A signed decision that verified against a trusted key.
#[derive(Debug, Clone)]
pub struct Verified {
    /// What was signed.
    pub statement: Statement,
    /// The trusted key that signed it (with the name the user gave it).
    pub key: PublicKey,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

/// Why a decision is not honoured. Each says what was wrong in words a person (and the model)
/// can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing is trusted to sign decisions.
    NoTrustedKeys,
    /// Signed by a key that is not trusted.
    UntrustedKey {
        /// The signer's key id.
        key_id: String,
    },
    /// The signature does not verify: edited or forged.
    BadSignature,
    /// Not a statement this hook understands.
    Malformed(String),
    /// Signed for another call.
    OtherCall {
        /// The field that differs.
        field: &'static str,
        /// Its value in the statement.
        signed: String,
        /// Its value for this call.
        actual: String,
    },
    /// Approved for another permission mode.
    OtherMode {
        /// The mode the approval names.
        signed: String,
        /// The mode of this run.
        actual: String,
    },
    /// The approval's expiry has passed.
    Expired {
        /// When it expired.
        at: String,
    },
    /// An approval without a (readable) expiry.
    NoExpiry,
    /// The approval was already used once.
    Used,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoTrustedKeys => f.write_str(
                "no key is trusted to sign review decisions (`[review] trusted_keys` in the \
                 user's ~/.claude/hookkit.toml is empty; `defer-for-review keygen` adds one)",
            ),
            Self::UntrustedKey { key_id } => write!(
                f,
                "it is signed by key {key_id}, which is not in `[review] trusted_keys` of the \
                 user's own policy"
            ),
            Self::BadSignature => f.write_str(
                "its signature does not verify: the decision was edited after it was signed, or \
                 forged",
            ),
            Self::Malformed(why) => write!(f, "it is not a decision this hook reads ({why})"),
            Self::OtherCall {
                field,
                signed,
                actual,
            } => write!(
                f,
                "it was signed for another call: its {field} is `{}`, this call's is `{}`",
                short(signed),
                short(actual)
            ),
            Self::OtherMode { signed, actual } => write!(
                f,
                "it approves the call in permission mode `{signed}`, and this run uses \
                 `{actual}`; resume with `--permission-mode {signed}`"
            ),
            Self::Expired { at } => write!(f, "the approval expired at {at}"),
            Self::NoExpiry => {
                f.write_str("the approval has no readable expiry, which counts as expired")
            }
            Self::Used => f.write_str(
                "the approval was already used once, and an approval runs its call only once",
            ),
        }
    }
}

fn short(text: &str) -> String {
    super::hook::clip(text, 64)
}

impl Statement {
    /// Signs the statement with `pair`.
    pub fn sign(&self, pair: &KeyPair) -> Result<SignedDecision> {
        let statement = serde_json::to_value(self)
            .map_err(|e| Error::Review(format!("encoding the decision: {e}")))?;
        let signature = pair.sign(canonical_json(&statement).as_bytes());
        Ok(SignedDecision {
            statement,
            key: pair.public_key().to_string(),
            signature: crypto::encode_base64(&signature),
        })
    }

    /// Whether an approval has passed its expiry at `now`; `Err` when it has none or an
    /// unreadable one. A denial never expires.
    pub fn check_expiry(&self, now: DateTime<Utc>) -> std::result::Result<(), Refusal> {
        if self.decision == Verdict::Deny {
            return Ok(());
        }
        let at = self.expires_at.as_deref().ok_or(Refusal::NoExpiry)?;
        let when = parse_stamp(at).ok_or(Refusal::NoExpiry)?;
        if when <= now {
            return Err(Refusal::Expired { at: at.to_owned() });
        }
        Ok(())
    }
}

impl SignedDecision {
    /// Verifies the signature against `trusted`, then reads the statement.
    pub fn verify(&self, trusted: &[PublicKey]) -> std::result::Result<Verified, Refusal> {
        if trusted.is_empty() {
            return Err(Refusal::NoTrustedKeys);
        }
        let signer = PublicKey::parse(&self.key).map_err(|e| Refusal::Malformed(e.to_string()))?;
        let key = trusted
            .iter()
            .find(|k| k.same_key(&signer))
            .ok_or_else(|| Refusal::UntrustedKey {
                key_id: signer.id(),
            })?;
        let signature = crypto::decode_base64(&self.signature)
            .ok_or_else(|| Refusal::Malformed("the signature is not base64".into()))?;
        if !key.verifies(canonical_json(&self.statement).as_bytes(), &signature) {
            return Err(Refusal::BadSignature);
        }
        let statement: Statement = serde_json::from_value(self.statement.clone())
            .map_err(|e| Refusal::Malformed(e.to_string()))?;
        if statement.kind != STATEMENT_TYPE {
            return Err(Refusal::Malformed(format!(
                "type `{}`, expected `{STATEMENT_TYPE}`",
                statement.kind
            )));
        }
        Ok(Verified {
            statement,
            key: key.clone(),
            signature,
        })
    }
}

/// The call a decision must name, as the hook sees it.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    /// The queue item the decision was found on (`None` for a service's answer, whose item
    /// ids are its own).
    pub item: Option<&'a str>,
    /// The session.
    pub session_id: &'a str,
    /// The call's id.
    pub tool_use_id: &'a str,
    /// The session cwd.
    pub cwd: &'a str,
    /// The permission mode.
    pub permission_mode: Option<&'a str>,
    /// The tool.
    pub tool: &'a str,
    /// SHA-256 of the exact input.
    pub input_sha256: &'a str,
    /// SHA-256 of the redacted input.
    pub shown_sha256: &'a str,
}

impl Binding<'_> {
    /// Checks every bound field of `statement` against this call.
    pub fn check(&self, statement: &Statement) -> std::result::Result<(), Refusal> {
        let fields: [(&'static str, &str, &str); 7] = [
            (
                "item",
                self.item.unwrap_or(&statement.item),
                &statement.item,
            ),
            ("session", self.session_id, &statement.session_id),
            ("tool_use_id", self.tool_use_id, &statement.tool_use_id),
            ("cwd", self.cwd, &statement.cwd),
            ("tool", self.tool, &statement.tool),
            ("input hash", self.input_sha256, &statement.input_sha256),
            (
                "shown input hash",
                self.shown_sha256,
                &statement.shown_sha256,
            ),
        ];
        for (field, actual, signed) in fields {
            if actual != signed {
                return Err(Refusal::OtherCall {
                    field,
                    signed: signed.to_owned(),
                    actual: actual.to_owned(),
                });
            }
        }
        if self.permission_mode != statement.permission_mode.as_deref() {
            return Err(Refusal::OtherMode {
                signed: statement
                    .permission_mode
                    .clone()
                    .unwrap_or_else(|| "(none)".into()),
                actual: self.permission_mode.unwrap_or("(none)").to_owned(),
            });
        }
        Ok(())
    }
}

/// Records that an approval was used: creates `<state_dir>/review-used/<SHA-256 of the
/// signature>` (never replacing one). `Ok(false)` when it was used before; of concurrent
/// callers exactly one gets `Ok(true)`.
pub fn consume(state_dir: &Path, verified: &Verified) -> Result<bool> {
    let dir = used_dir(state_dir);
    owner_only::create_dir_all(&dir)
        .map_err(|e| Error::io("creating the used-approvals directory", &dir, e))?;
    let path = dir.join(hex_sha256(&verified.signature));
    let created = owner_only::options()
        .write(true)
        .create_new(true)
        .open(&path);
    match created {
        Ok(mut file) => {
            let s = &verified.statement;
            // What was used, for a person who finds the file; its existence is the record.
            let _ = writeln!(
                file,
                "{}",
                serde_json::json!({
                    "item": s.item, "session_id": s.session_id, "tool_use_id": s.tool_use_id,
                    "reviewer": s.reviewer, "used_at": super::time::stamp(Utc::now()),
                })
            );
            Ok(true)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io("recording a used approval", &path, e)),
    }
}

/// Where used approvals are recorded.
pub fn used_dir(state_dir: &Path) -> PathBuf {
    state_dir.join(USED_DIR)
}

/// Reads `[review] trusted_keys` as written; an entry that is not a key is an error naming it.
pub fn parse_trusted(lines: &[String]) -> Result<Vec<PublicKey>> {
    lines
        .iter()
        .map(|line| {
            PublicKey::parse(line).map_err(|e| Error::Other(format!("[review] trusted_keys: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(decision: Verdict) -> Statement {
        Statement {
            kind: STATEMENT_TYPE.into(),
            item: "abc123".into(),
            decision,
            session_id: "s1".into(),
            tool_use_id: "toolu_1".into(),
            cwd: "/p".into(),
            permission_mode: Some("default".into()),
            tool: "Bash".into(),
            input_sha256: "a".repeat(64),
            shown_sha256: "b".repeat(64),
            expires_at: Some("2999-01-01T00:00:00.000Z".into()),
            reviewer: "alice".into(),
            decided_at: "2026-01-01T00:00:00.000Z".into(),
            reason: None,
        }
    }

    fn binding(s: &Statement) -> Binding<'_> {
        Binding {
            item: Some(&s.item),
            session_id: &s.session_id,
            tool_use_id: &s.tool_use_id,
            cwd: &s.cwd,
            permission_mode: s.permission_mode.as_deref(),
            tool: &s.tool,
            input_sha256: &s.input_sha256,
            shown_sha256: &s.shown_sha256,
        }
    }

    #[test]
    fn a_signed_statement_verifies_only_against_its_key_and_unchanged() {
        let alice = KeyPair::generate("alice").unwrap();
        let mallory = KeyPair::generate("mallory").unwrap();
        let signed = statement(Verdict::Approve).sign(&alice).unwrap();
        let trusted = [alice.public_key()];
        let verified = signed.verify(&trusted).unwrap();
        assert_eq!(verified.statement, statement(Verdict::Approve));

        assert_eq!(signed.verify(&[]).unwrap_err(), Refusal::NoTrustedKeys);
        let forged = statement(Verdict::Approve).sign(&mallory).unwrap();
        assert!(matches!(
            forged.verify(&trusted).unwrap_err(),
            Refusal::UntrustedKey { .. }
        ));
        // Claiming a trusted key does not help a forger.
        let mut claimed = forged.clone();
        claimed.key = alice.public_key().to_string();
        assert_eq!(claimed.verify(&trusted).unwrap_err(), Refusal::BadSignature);
        for (field, value) in [
            ("decision", "approve"),
            ("expires_at", "3999-01-01T00:00:00.000Z"),
            ("tool_use_id", "toolu_2"),
            ("input_sha256", "c"),
        ] {
            let mut edited = statement(Verdict::Deny).sign(&alice).unwrap();
            edited.statement[field] = Value::String(value.into());
            assert_eq!(
                edited.verify(&trusted).unwrap_err(),
                Refusal::BadSignature,
                "{field}"
            );
        }
        let mut extra = signed.clone();
        extra.statement["note"] = Value::String("added".into());
        assert_eq!(extra.verify(&trusted).unwrap_err(), Refusal::BadSignature);
    }

    #[test]
    fn every_bound_field_is_checked() {
        let s = statement(Verdict::Approve);
        assert_eq!(binding(&s).check(&s), Ok(()));
        let other = "x".to_owned();
        let cases: Vec<(&str, Binding<'_>)> = vec![
            (
                "item",
                Binding {
                    item: Some(&other),
                    ..binding(&s)
                },
            ),
            (
                "session",
                Binding {
                    session_id: &other,
                    ..binding(&s)
                },
            ),
            (
                "tool_use_id",
                Binding {
                    tool_use_id: &other,
                    ..binding(&s)
                },
            ),
            (
                "cwd",
                Binding {
                    cwd: &other,
                    ..binding(&s)
                },
            ),
            (
                "tool",
                Binding {
                    tool: &other,
                    ..binding(&s)
                },
            ),
            (
                "input hash",
                Binding {
                    input_sha256: &other,
                    ..binding(&s)
                },
            ),
            (
                "shown input hash",
                Binding {
                    shown_sha256: &other,
                    ..binding(&s)
                },
            ),
        ];
        for (name, b) in cases {
            match b.check(&s) {
                Err(Refusal::OtherCall { field, .. }) => assert_eq!(field, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let bypass = Binding {
            permission_mode: Some("bypassPermissions"),
            ..binding(&s)
        };
        let refusal = bypass.check(&s).unwrap_err();
        assert!(
            refusal.to_string().contains("--permission-mode default"),
            "{refusal}"
        );
        // A service's answer is not tied to a local item id.
        assert_eq!(
            Binding {
                item: None,
                ..binding(&s)
            }
            .check(&s),
            Ok(())
        );
    }

    #[test]
    fn approvals_need_a_future_expiry_and_denials_none() {
        let now = Utc::now();
        let mut s = statement(Verdict::Approve);
        assert_eq!(s.check_expiry(now), Ok(()));
        s.expires_at = Some("2020-01-01T00:00:00Z".into());
        assert!(matches!(s.check_expiry(now), Err(Refusal::Expired { .. })));
        s.expires_at = None;
        assert_eq!(s.check_expiry(now), Err(Refusal::NoExpiry));
        s.expires_at = Some("tomorrow".into());
        assert_eq!(s.check_expiry(now), Err(Refusal::NoExpiry));
        s.decision = Verdict::Deny;
        assert_eq!(s.check_expiry(now), Ok(()));
    }

    #[test]
    fn an_approval_is_consumed_exactly_once_under_contention() {
        let dir = tempfile::tempdir().unwrap();
        let alice = KeyPair::generate("alice").unwrap();
        let signed = statement(Verdict::Approve).sign(&alice).unwrap();
        let verified = signed.verify(&[alice.public_key()]).unwrap();
        let wins: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|_| scope.spawn(|| consume(dir.path(), &verified).unwrap()))
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(wins, 1);
        assert!(!consume(dir.path(), &verified).unwrap());
    }
}
