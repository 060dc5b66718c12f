//! The hash chain: how a record is sealed with its hash and how a line is checked.
//!
//! A record's `hash` is the SHA-256 (lower-case hex) of its line as written, minus the trailing
//! `,"hash":"…"` member: the bytes are hashed as they are, so no canonical form is needed to
//! check them, and any change to any byte of the record changes the hash.

use std::borrow::Cow;

use std::ops::ControlFlow;

use sha2::{Digest, Sha256};

use super::flat::for_each_member;

/// The `prev` of the very first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HASH_MEMBER: &str = ",\"hash\":\"";
/// `,"hash":"` + 64 hex digits + `"}`.
const SEAL_LEN: usize = HASH_MEMBER.len() + 64 + 2;

use crate::digest::hex;
pub(crate) use crate::digest::hex_sha256 as sha256_hex;

/// Seals a serialised record (a JSON object without `hash`): returns the line, newline
/// included, and the record's hash.
pub(crate) fn seal(body: &str) -> (String, String) {
    let hash = sha256_hex(body.as_bytes());
    let open = body.strip_suffix('}').unwrap_or(body);
    let mut line = String::with_capacity(body.len() + SEAL_LEN + 1);
    line.push_str(open);
    line.push_str(HASH_MEMBER);
    line.push_str(&hash);
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
    /// The record follows a torn line that the writer skipped.
    pub after_torn: bool,
}

/// Whether a sealed line (one [`read_link`] accepted) hashes to `hash`.
pub(crate) fn hash_matches(line: &[u8], hash: &str) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(&line[..line.len() - SEAL_LEN]);
    hasher.update(b"}");
    hex(&hasher.finalize()) == hash
}

/// Reads the chain members of a line (without its newline) when it is a sealed record; does
/// not check the hash (see [`hash_matches`]), which a writer looking for what to chain to
/// does not need.
pub(crate) fn read_link(line: &[u8]) -> Option<Link<'_>> {
    let sealed = line.len() > SEAL_LEN
        && line.ends_with(b"\"}")
        && line[line.len() - SEAL_LEN..].starts_with(HASH_MEMBER.as_bytes());
    if !sealed {
        return None;
    }
    let (mut seq, mut prev, mut hash, mut after_torn) = (None, None, None, false);
    let flat = for_each_member(line, |key, value| {
        match key {
            b"seq" => seq = value.number(),
            b"prev" => prev = value.text(),
            b"hash" => hash = value.text(),
            b"after_torn" => after_torn = value.boolean().unwrap_or(false),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    let well_formed = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    let (seq, prev, hash) = (seq?, prev?, hash?);
    (flat && well_formed(&hash) && well_formed(&prev)).then_some(Link {
        seq,
        prev,
        hash,
        after_torn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_line_checks_and_any_change_breaks_it() {
        let body = format!(r#"{{"decision":"deny","seq":1,"prev":"{GENESIS}"}}"#);
        let (line, hash) = seal(&body);
        let line = line.trim_end().as_bytes();
        let parsed = read_link(line).unwrap();
        assert_eq!((parsed.seq, parsed.hash.as_ref()), (1, hash.as_str()));
        assert!(hash_matches(line, &hash));
        let altered = String::from_utf8(line.to_vec())
            .unwrap()
            .replace("deny", "allo");
        assert!(!hash_matches(altered.as_bytes(), &hash));
        assert!(read_link(&line[..line.len() - 3]).is_none());
    }

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
