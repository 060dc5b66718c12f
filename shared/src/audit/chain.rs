//! The hash chain: how a record is sealed with its hash and MAC, and how a line is checked.
//!
//! A record's `hash` is the SHA-256 (lower-case hex) of its line as written, minus the trailing
//! `,"hash":"…"` member (and `,"mac":"…"` after it): the bytes are hashed as they are, so no
//! canonical form is needed to check them, and any change to any byte of the record changes
//! the hash. `mac` is the HMAC of that hash under the audit key (see [`super::mac`]).

use std::borrow::Cow;

use std::ops::ControlFlow;

use sha2::{Digest, Sha256};

use super::flat::for_each_member;
use super::mac::AuditKey;

/// The `prev` of the very first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HASH_MEMBER: &str = ",\"hash\":\"";
const MAC_MEMBER: &str = "\",\"mac\":\"";
/// `,"hash":"` + 64 hex digits + `"}`.
const SEAL_LEN: usize = HASH_MEMBER.len() + 64 + 2;
/// `,"hash":"` + 64 hex digits + `","mac":"` + 64 hex digits + `"}`.
const KEYED_SEAL_LEN: usize = HASH_MEMBER.len() + 64 + MAC_MEMBER.len() + 64 + 2;

use crate::digest::hex;
pub(crate) use crate::digest::hex_sha256 as sha256_hex;

/// Seals a serialised record (a JSON object without `hash`): returns the line, newline
/// included, and the record's hash. With a key, the line also carries the hash's MAC.
pub(crate) fn seal(body: &str, key: Option<&AuditKey>) -> (String, String) {
    let hash = sha256_hex(body.as_bytes());
    let open = body.strip_suffix('}').unwrap_or(body);
    let mut line = String::with_capacity(body.len() + KEYED_SEAL_LEN + 1);
    line.push_str(open);
    line.push_str(HASH_MEMBER);
    line.push_str(&hash);
    if let Some(key) = key {
        line.push_str(MAC_MEMBER);
        line.push_str(&key.seal(&hash));
    }
    line.push_str("\"}\n");
    (line, hash)
}

/// The chain members of a record line.
#[derive(Debug)]
pub(crate) struct Link<'a> {
    /// The record's position in the whole trail, from 1.
    pub seq: u64,
    /// The previous record's hash.
    pub prev: Cow<'a, str>,
    /// This record's hash.
    pub hash: Cow<'a, str>,
    /// The MAC of the hash, when the record was sealed with a key.
    pub mac: Option<Cow<'a, str>>,
    /// The record follows a torn line that the writer skipped.
    pub after_torn: bool,
    /// How many bytes at the end of the line the seal takes.
    seal_len: usize,
}

impl Link<'_> {
    /// Whether the sealed `line` this link was read from hashes to its `hash`.
    pub(crate) fn hash_matches(&self, line: &[u8]) -> bool {
        let mut hasher = Sha256::new();
        hasher.update(&line[..line.len() - self.seal_len]);
        hasher.update(b"}");
        hex(&hasher.finalize()) == self.hash
    }
}

/// The length of the seal that ends `line`, if it ends with one.
fn seal_len(line: &[u8]) -> Option<usize> {
    let ends = |len: usize| {
        line.len() > len
            && line.ends_with(b"\"}")
            && line[line.len() - len..].starts_with(HASH_MEMBER.as_bytes())
    };
    if ends(KEYED_SEAL_LEN)
        && line[line.len() - KEYED_SEAL_LEN + HASH_MEMBER.len() + 64..]
            .starts_with(MAC_MEMBER.as_bytes())
    {
        Some(KEYED_SEAL_LEN)
    } else if ends(SEAL_LEN) {
        Some(SEAL_LEN)
    } else {
        None
    }
}

/// Reads the chain members of a line (without its newline) when it is a sealed record; does
/// not check the hash (see [`Link::hash_matches`]), which a writer looking for what to chain
/// to does not need.
pub(crate) fn read_link(line: &[u8]) -> Option<Link<'_>> {
    let seal_len = seal_len(line)?;
    let (mut seq, mut prev, mut hash, mut mac, mut after_torn) = (None, None, None, None, false);
    let flat = for_each_member(line, |key, value| {
        match key {
            b"seq" => seq = value.number(),
            b"prev" => prev = value.text(),
            b"hash" => hash = value.text(),
            b"mac" => mac = value.text(),
            b"after_torn" => after_torn = value.boolean().unwrap_or(false),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    let well_formed = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    let (seq, prev, hash) = (seq?, prev?, hash?);
    let keyed = seal_len == KEYED_SEAL_LEN;
    let mac_ok = match &mac {
        Some(mac) => keyed && well_formed(mac),
        None => !keyed,
    };
    (flat && mac_ok && well_formed(&hash) && well_formed(&prev)).then_some(Link {
        seq,
        prev,
        hash,
        mac,
        after_torn,
        seal_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_line_checks_and_any_change_breaks_it() {
        let body = format!(r#"{{"decision":"deny","seq":1,"prev":"{GENESIS}"}}"#);
        let (line, hash) = seal(&body, None);
        let line = line.trim_end().as_bytes();
        let parsed = read_link(line).unwrap();
        assert_eq!((parsed.seq, parsed.hash.as_ref()), (1, hash.as_str()));
        assert!(parsed.mac.is_none());
        assert!(parsed.hash_matches(line));
        let altered = String::from_utf8(line.to_vec())
            .unwrap()
            .replace("deny", "allo");
        assert!(
            !read_link(altered.as_bytes())
                .unwrap()
                .hash_matches(altered.as_bytes())
        );
        assert!(read_link(&line[..line.len() - 3]).is_none());
    }

    #[test]
    fn a_keyed_seal_carries_the_mac_of_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let state = super::super::dir::SafeDir::open(dir.path(), None, false).unwrap();
        let key = AuditKey::load_or_create(&state).unwrap();
        let body = format!(r#"{{"decision":"deny","seq":1,"prev":"{GENESIS}"}}"#);
        let (line, hash) = seal(&body, Some(&key));
        let line = line.trim_end().as_bytes();
        let parsed = read_link(line).unwrap();
        assert!(parsed.hash_matches(line));
        assert!(key.check(&hash, parsed.mac.as_deref().unwrap()));
        // A `mac` anywhere but in the seal is not a record.
        let moved = format!(r#"{{"mac":"{hash}","seq":1,"prev":"{GENESIS}","hash":"{hash}"}}"#);
        assert!(read_link(moved.as_bytes()).is_none());
    }

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
