//! The audit key and the keyed MAC of each record.
//!
//! Without a key, anyone who can edit the log can also recompute every hash after an edit, or
//! write a fresh chain from scratch: the chain alone proves nothing against a writer. Each
//! record therefore also carries `mac`, the HMAC-SHA256 of its `hash` under a 32-byte key
//! kept outside the project, in `<state_dir>/audit.key` (created `0600` on first use from the
//! system's random source). The gate refuses the agent's tools any read or write of that
//! file; code the agent runs as the user (a test, a build script) can still read it, which
//! the docs say plainly.

use std::ffi::OsStr;
use std::io;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use super::dir::{Access, SafeDir, read_small};
use crate::digest::hex;

/// The key's file name in the state directory.
pub const KEY_FILE: &str = "audit.key";
/// Key length in bytes.
const KEY_LEN: usize = 32;

/// The audit key, ready to seal and check records.
pub(crate) struct AuditKey(hmac::Key);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl AuditKey {
    /// The key in `state`, created when there is none yet.
    pub(crate) fn load_or_create(state: &SafeDir) -> io::Result<Self> {
        if let Some(key) = Self::load(state)? {
            return Ok(key);
        }
        let mut bytes = [0u8; KEY_LEN];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| io::Error::other("the system's random source failed"))?;
        let mut text = hex(&bytes);
        text.push('\n');
        // Another process may create it at the same moment: then its key is the key.
        if !state.create_once(OsStr::new(KEY_FILE), text.as_bytes())? {
            return Self::load(state)?
                .ok_or_else(|| io::Error::other("the audit key vanished while it was created"));
        }
        Ok(Self(hmac::Key::new(hmac::HMAC_SHA256, &bytes)))
    }

    /// The key in `state`, if there is one.
    pub(crate) fn load(state: &SafeDir) -> io::Result<Option<Self>> {
        let path = state.join(KEY_FILE);
        let Some(file) = state.file(OsStr::new(KEY_FILE), Access::Read)? else {
            return Ok(None);
        };
        let text = read_small(file, &path, 256)?;
        let bytes = decode(&text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "`{}` is not an audit key ({KEY_LEN} bytes in hex)",
                    path.display()
                ),
            )
        })?;
        Ok(Some(Self(hmac::Key::new(hmac::HMAC_SHA256, &bytes))))
    }

    /// The MAC of a record's hash, in hex.
    pub(crate) fn seal(&self, hash: &str) -> String {
        hex(hmac::sign(&self.0, hash.as_bytes()).as_ref())
    }

    /// Whether `mac` (hex) is the MAC of `hash`, compared in constant time.
    pub(crate) fn check(&self, hash: &str, mac: &str) -> bool {
        decode_hex(mac.as_bytes())
            .is_some_and(|tag| hmac::verify(&self.0, hash.as_bytes(), &tag).is_ok())
    }
}

fn decode(text: &[u8]) -> Option<[u8; KEY_LEN]> {
    decode_hex(text.trim_ascii())?.try_into().ok()
}

fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |b: u8| char::from(b).to_digit(16);
            u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let state = SafeDir::open(&dir.path().join("state"), None, true).unwrap();
        let made = AuditKey::load_or_create(&state).unwrap();
        let read = AuditKey::load(&state).unwrap().unwrap();
        let mac = made.seal("abc");
        assert_eq!(mac.len(), 64);
        assert!(read.check("abc", &mac));
        assert!(!read.check("abd", &mac));
        assert!(!read.check("abc", &mac[..62]));
        assert!(!read.check("abc", "zz"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let permissions = std::fs::metadata(state.join(KEY_FILE))
                .unwrap()
                .permissions();
            assert_eq!(permissions.mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_file_that_is_not_a_key_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not hex\n").unwrap();
        let state = SafeDir::open(dir.path(), None, false).unwrap();
        assert!(AuditKey::load(&state).is_err());
    }
}
