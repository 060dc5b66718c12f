//! Ed25519 keys for decisions the agent cannot forge: key pairs, signatures, public-key lines,
//! passphrase-protected secret key files, and the passphrase prompt.
//!
//! Everything here is built on ring (already in the tree through rustls): Ed25519 for
//! signatures, PBKDF2-HMAC-SHA256 to stretch a passphrase, ChaCha20-Poly1305 to encrypt the
//! secret key with it, and the system's random source.
//!
//! # Formats
//!
//! - A public key is one line, `ed25519:<base64 of the 32 key bytes> <name>`, as it appears in
//!   `[review] trusted_keys`. Its id ([`PublicKey::id`]) is the first 16 hex digits of the
//!   SHA-256 of the key bytes.
//! - A secret key file is JSON, written `0600` in a `0700` directory:
//!
//!   ```json
//!   {"hookkit_secret_key": 1, "algorithm": "ed25519",
//!    "public_key": "ed25519:... alice", "key_id": "3f2a...", "created_at": "2026-...Z",
//!    "encryption": {"kdf": "pbkdf2-hmac-sha256", "iterations": 600000, "salt": "<base64>",
//!                   "cipher": "chacha20-poly1305", "nonce": "<base64>"},
//!    "secret": "<base64>"}
//!   ```
//!
//!   `secret` is ring's PKCS#8 document of the key pair, sealed with ChaCha20-Poly1305 under a
//!   key derived from the passphrase (the tag appended; the header fields are the associated
//!   data, so none of them can be swapped). With `"encryption": null` it is the plain document.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use ring::{aead, pbkdf2};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::digest::{canonical_json, hex_sha256};
use crate::{Error, Result};

/// How a public key line starts.
pub const PUBLIC_PREFIX: &str = "ed25519:";
/// PBKDF2 rounds for a new key file: OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const KDF_ITERATIONS: u32 = 600_000;
/// The fewest and most rounds a key file may ask for: fewer is no protection, more is a
/// file that makes the reader wait minutes.
const KDF_ITERATION_RANGE: std::ops::RangeInclusive<u32> = 100_000..=20_000_000;
const FORMAT_VERSION: u64 = 1;
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// A secret string (a passphrase, a credential) that never shows in `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// `n` bytes from the system's secure random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0; n];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Other("the system's random source failed".into()))?;
    Ok(bytes)
}

/// `n` random bytes as URL-safe base64 without padding: tokens, session ids, credentials.
pub fn random_token(n: usize) -> Result<String> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(n)?))
}

/// Base64 (standard alphabet, padded), the encoding of keys and signatures.
pub fn encode_base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Reads standard base64.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text.trim()).ok()
}

/// An Ed25519 public key with the name it was given.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
    name: String,
}

impl PublicKey {
    /// Reads a public key line: `ed25519:<base64> <name>` (the name may hold spaces, or be
    /// missing).
    pub fn parse(line: &str) -> Result<Self> {
        let line = line.trim();
        let bad = |why: &str| {
            Error::Other(format!(
                "public key `{}`: {why}; expected `ed25519:<base64> <name>`",
                line.chars().take(80).collect::<String>()
            ))
        };
        let rest = line
            .strip_prefix(PUBLIC_PREFIX)
            .ok_or_else(|| bad("not an ed25519 key"))?;
        let (key, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let bytes = decode_base64(key).ok_or_else(|| bad("the key is not base64"))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| bad("an ed25519 key is 32 bytes"))?;
        Ok(Self {
            bytes,
            name: name.trim().to_owned(),
        })
    }

    /// The name given with the key (a reviewer, a service).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's id: the first 16 hex digits of the SHA-256 of its bytes.
    pub fn id(&self) -> String {
        hex_sha256(&self.bytes)[..16].to_owned()
    }

    /// Whether two keys are the same key, whatever their names.
    pub fn same_key(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }

    /// Whether `signature` is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.bytes)
            .verify(message, signature)
            .is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", B64.encode(self.bytes))?;
        if !self.name.is_empty() {
            write!(f, " {}", self.name)?;
        }
        Ok(())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// An Ed25519 key pair.
pub struct KeyPair {
    pair: Ed25519KeyPair,
    pkcs8: Vec<u8>,
    name: String,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({})", self.public_key())
    }
}

impl KeyPair {
    /// A fresh key pair from the system's random source.
    pub fn generate(name: &str) -> Result<Self> {
        let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| Error::Other("generating an ed25519 key failed".into()))?;
        Self::from_pkcs8(document.as_ref(), name)
    }

    fn from_pkcs8(pkcs8: &[u8], name: &str) -> Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|e| Error::Other(format!("not an ed25519 key: {e}")))?;
        Ok(Self {
            pair,
            pkcs8: pkcs8.to_vec(),
            name: name.to_owned(),
        })
    }

    /// The public half, with the pair's name.
    pub fn public_key(&self) -> PublicKey {
        let mut bytes = [0; 32];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey {
            bytes,
            name: self.name.clone(),
        }
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }

    /// Writes the secret key file at `path` (`0600`, its directory `0700`), encrypted with
    /// `passphrase` when given. Never replaces an existing file unless `replace`.
    pub fn write(&self, path: &Path, passphrase: Option<&Secret>, replace: bool) -> Result<()> {
        let public = self.public_key();
        let (encryption, secret) = match passphrase {
            Some(passphrase) => {
                if passphrase.is_empty() {
                    return Err(Error::Other("the passphrase is empty".into()));
                }
                let salt = random_bytes(SALT_LEN)?;
                let nonce = random_bytes(aead::NONCE_LEN)?;
                let encryption = json!({
                    "kdf": "pbkdf2-hmac-sha256",
                    "iterations": KDF_ITERATIONS,
                    "salt": B64.encode(&salt),
                    "cipher": "chacha20-poly1305",
                    "nonce": B64.encode(&nonce),
                });
                let aad = header_aad(&public.to_string(), &encryption);
                let key = stretch(passphrase, &salt, KDF_ITERATIONS);
                let mut sealed = self.pkcs8.clone();
                aead_key(&key)?
                    .seal_in_place_append_tag(nonce_of(&nonce)?, aead::Aad::from(&aad), &mut sealed)
                    .map_err(|_| Error::Other("encrypting the secret key failed".into()))?;
                (encryption, sealed)
            }
            None => (Value::Null, self.pkcs8.clone()),
        };
        let file = KeyFile {
            hookkit_secret_key: FORMAT_VERSION,
            algorithm: "ed25519".into(),
            public_key: public.to_string(),
            key_id: public.id(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            encryption,
            secret: B64.encode(&secret),
        };
        let mut text = serde_json::to_string_pretty(&file)
            .map_err(|e| Error::Other(format!("encoding the key file: {e}")))?;
        text.push('\n');
        crate::owner_only::write(path, text.as_bytes(), replace)
    }

    /// Reads a secret key file; `passphrase` is called only when the file is encrypted.
    pub fn read(path: &Path, passphrase: impl FnOnce() -> Result<Secret>) -> Result<Self> {
        let bad = |why: String| Error::Other(format!("key file `{}`: {why}", path.display()));
        let text = fs::read_to_string(path).map_err(|e| Error::io("reading key file", path, e))?;
        let file: KeyFile = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a hookkit secret key file: {e}")))?;
        if file.hookkit_secret_key != FORMAT_VERSION || file.algorithm != "ed25519" {
            return Err(bad(format!(
                "version {} of algorithm `{}` is not one this hookkit reads",
                file.hookkit_secret_key, file.algorithm
            )));
        }
        let public = PublicKey::parse(&file.public_key).map_err(|e| bad(e.to_string()))?;
        let stored =
            decode_base64(&file.secret).ok_or_else(|| bad("`secret` is not base64".into()))?;
        let pkcs8 = if file.encryption.is_null() {
            stored
        } else {
            let params: Encryption = serde_json::from_value(file.encryption.clone())
                .map_err(|e| bad(format!("`encryption`: {e}")))?;
            if params.kdf != "pbkdf2-hmac-sha256" || params.cipher != "chacha20-poly1305" {
                return Err(bad(format!(
                    "unknown protection {} / {}",
                    params.kdf, params.cipher
                )));
            }
            if !KDF_ITERATION_RANGE.contains(&params.iterations) {
                return Err(bad(format!(
                    "{} key-derivation rounds is outside {}..={}",
                    params.iterations,
                    KDF_ITERATION_RANGE.start(),
                    KDF_ITERATION_RANGE.end()
                )));
            }
            let salt = decode_base64(&params.salt).ok_or_else(|| bad("bad salt".into()))?;
            let nonce = decode_base64(&params.nonce).ok_or_else(|| bad("bad nonce".into()))?;
            let passphrase = passphrase()?;
            let key = stretch(&passphrase, &salt, params.iterations);
            let aad = header_aad(&file.public_key, &file.encryption);
            let mut sealed = stored;
            let opened = aead_key(&key)?
                .open_in_place(nonce_of(&nonce)?, aead::Aad::from(&aad), &mut sealed)
                .map_err(|_| bad("wrong passphrase (or the file was altered)".into()))?;
            opened.to_vec()
        };
        let pair = Self::from_pkcs8(&pkcs8, public.name()).map_err(|e| bad(e.to_string()))?;
        if !pair.public_key().same_key(&public) {
            return Err(bad(
                "its `public_key` is not the public half of its secret key".into(),
            ));
        }
        Ok(pair)
    }
}

/// Whether the key file at `path` is encrypted (so reading it needs a passphrase).
pub fn is_encrypted(path: &Path) -> Result<bool> {
    let text = fs::read_to_string(path).map_err(|e| Error::io("reading key file", path, e))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        Error::Other(format!(
            "key file `{}`: not a hookkit secret key file: {e}",
            path.display()
        ))
    })?;
    Ok(!value.get("encryption").is_none_or(Value::is_null))
}

/// The secret key file as stored.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    hookkit_secret_key: u64,
    algorithm: String,
    public_key: String,
    key_id: String,
    created_at: String,
    encryption: Value,
    secret: String,
}

#[derive(Deserialize)]
struct Encryption {
    kdf: String,
    iterations: u32,
    salt: String,
    cipher: String,
    nonce: String,
}

/// The associated data that ties a sealed key to its file's header.
fn header_aad(public_key: &str, encryption: &Value) -> Vec<u8> {
    let header = json!({
        "hookkit_secret_key": FORMAT_VERSION,
        "algorithm": "ed25519",
        "public_key": public_key,
        "encryption": encryption,
    });
    canonical_json(&header).into_bytes()
}

fn stretch(passphrase: &Secret, salt: &[u8], iterations: u32) -> [u8; KEY_LEN] {
    let mut key = [0; KEY_LEN];
    let rounds = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        salt,
        passphrase.expose().as_bytes(),
        &mut key,
    );
    key
}

fn aead_key(key: &[u8; KEY_LEN]) -> Result<aead::LessSafeKey> {
    aead::UnboundKey::new(&aead::CHACHA20_POLY1305, key)
        .map(aead::LessSafeKey::new)
        .map_err(|_| Error::Other("setting up ChaCha20-Poly1305 failed".into()))
}

fn nonce_of(bytes: &[u8]) -> Result<aead::Nonce> {
    aead::Nonce::try_assume_unique_for_key(bytes)
        .map_err(|_| Error::Other("a nonce is 12 bytes".into()))
}

/// A salted, stretched hash of a credential, `pbkdf2-sha256$<rounds>$<salt>$<hash>`, for
/// files that must let a credential be checked without holding it.
pub fn hash_credential(secret: &Secret, iterations: u32) -> Result<String> {
    let salt = random_bytes(SALT_LEN)?;
    let key = stretch(secret, &salt, iterations);
    Ok(format!(
        "pbkdf2-sha256${iterations}${}${}",
        B64.encode(&salt),
        B64.encode(key)
    ))
}

/// Whether `secret` matches a hash made by [`hash_credential`] (in constant time).
pub fn credential_matches(secret: &Secret, hash: &str) -> bool {
    let mut parts = hash.split('$');
    let (Some("pbkdf2-sha256"), Some(rounds), Some(salt), Some(expected), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Some(rounds), Some(salt), Some(expected)) = (
        rounds.parse::<u32>().ok().and_then(NonZeroU32::new),
        decode_base64(salt),
        decode_base64(expected),
    ) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        &salt,
        secret.expose().as_bytes(),
        &expected,
    )
    .is_ok()
}

/// Where a passphrase comes from, in the order a person's command looks.
#[derive(Debug, Clone)]
pub enum PassphraseSource {
    /// `--passphrase-file FILE`: its first line.
    File(PathBuf),
    /// `HOOKKIT_PASSPHRASE` (honoured for a person only).
    Given(Secret),
    /// The controlling terminal, with echo off.
    Terminal,
}

impl PassphraseSource {
    /// `--passphrase-file` when given, else `HOOKKIT_PASSPHRASE` (a person's only), else the
    /// terminal.
    pub fn choose(file: Option<PathBuf>, env: &crate::env::Env) -> Self {
        match (file, env.passphrase_for(crate::env::Role::Person)) {
            (Some(path), _) => Self::File(path),
            (None, Some(secret)) => Self::Given(secret),
            (None, None) => Self::Terminal,
        }
    }

    /// Reads the passphrase; with `confirm`, a terminal asks twice and the answers must match.
    pub fn read(&self, prompt: &str, confirm: bool) -> Result<Secret> {
        let secret = match self {
            Self::File(path) => {
                let text = fs::read_to_string(path)
                    .map_err(|e| Error::io("reading passphrase file", path, e))?;
                Secret::new(text.lines().next().unwrap_or_default())
            }
            Self::Given(secret) => secret.clone(),
            Self::Terminal => {
                let first = read_from_terminal(prompt)?;
                if confirm && read_from_terminal("Repeat it: ")? != first {
                    return Err(Error::Other("the passphrases differ".into()));
                }
                first
            }
        };
        if secret.is_empty() {
            return Err(Error::Other("the passphrase is empty".into()));
        }
        Ok(secret)
    }
}

/// Reads one line from the controlling terminal with echo turned off (restored afterwards,
/// even on error).
fn read_from_terminal(prompt: &str) -> Result<Secret> {
    let tty = Path::new("/dev/tty");
    let no_terminal = |e: std::io::Error| {
        Error::Other(format!(
            "no terminal to ask for the passphrase ({e}); use --passphrase-file FILE or \
             HOOKKIT_PASSPHRASE"
        ))
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(tty)
        .map_err(no_terminal)?;
    let saved = rustix::termios::tcgetattr(&file).map_err(|e| no_terminal(e.into()))?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(rustix::termios::LocalModes::ECHO);
    quiet
        .local_modes
        .insert(rustix::termios::LocalModes::ECHONL);
    let mut writer = &file;
    writer
        .write_all(prompt.as_bytes())
        .and_then(|()| writer.flush())
        .map_err(|e| Error::io("writing the prompt to", tty, e))?;
    rustix::termios::tcsetattr(&file, rustix::termios::OptionalActions::Flush, &quiet)
        .map_err(|e| no_terminal(e.into()))?;
    let mut line = String::new();
    let read = BufReader::new(&file).read_line(&mut line);
    let restored = rustix::termios::tcsetattr(&file, rustix::termios::OptionalActions::Now, &saved);
    read.map_err(|e| Error::io("reading the passphrase from", tty, e))?;
    restored.map_err(|e| Error::io("restoring the terminal", tty, e.into()))?;
    Ok(Secret::new(line.trim_end_matches(['\n', '\r'])))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn signatures_verify_only_for_the_signed_message_and_key() {
        let pair = KeyPair::generate("alice").unwrap();
        let other = KeyPair::generate("mallory").unwrap();
        let signature = pair.sign(b"approve call A");
        let public = pair.public_key();
        assert!(public.verifies(b"approve call A", &signature));
        assert!(!public.verifies(b"approve call B", &signature));
        assert!(!other.public_key().verifies(b"approve call A", &signature));
        let mut flipped = signature.clone();
        flipped[10] ^= 1;
        assert!(!public.verifies(b"approve call A", &flipped));
    }

    #[test]
    fn public_key_lines_round_trip_and_bad_ones_are_refused() {
        let public = KeyPair::generate("alice at laptop").unwrap().public_key();
        let line = public.to_string();
        assert!(line.starts_with("ed25519:"), "{line}");
        assert!(line.ends_with(" alice at laptop"), "{line}");
        let parsed = PublicKey::parse(&line).unwrap();
        assert_eq!(parsed, public);
        assert_eq!(parsed.id().len(), 16);
        for bad in [
            "ssh-ed25519 AAAA alice",
            "ed25519:not-base64!! x",
            "ed25519:AAAA x",
            "",
        ] {
            assert!(PublicKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_files_round_trip_plain_and_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let pair = KeyPair::generate("alice").unwrap();
        let plain = dir.path().join("keys/plain.key");
        pair.write(&plain, None, false).unwrap();
        assert_eq!(
            fs::metadata(&plain).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(dir.path().join("keys"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
        assert!(!is_encrypted(&plain).unwrap());
        let back = KeyPair::read(&plain, || panic!("a plain file needs no passphrase")).unwrap();
        assert_eq!(back.public_key(), pair.public_key());
        assert!(pair.write(&plain, None, false).is_err(), "never replaced");

        let sealed = dir.path().join("keys/sealed.key");
        let passphrase = Secret::new("correct horse");
        pair.write(&sealed, Some(&passphrase), false).unwrap();
        assert!(is_encrypted(&sealed).unwrap());
        let text = fs::read_to_string(&sealed).unwrap();
        let plain_secret: Value =
            serde_json::from_str(&fs::read_to_string(&plain).unwrap()).unwrap();
        assert!(!text.contains(plain_secret["secret"].as_str().unwrap()));
        let back = KeyPair::read(&sealed, || Ok(passphrase.clone())).unwrap();
        assert_eq!(back.public_key(), pair.public_key());
        let wrong = KeyPair::read(&sealed, || Ok(Secret::new("wrong"))).unwrap_err();
        assert!(wrong.to_string().contains("wrong passphrase"), "{wrong}");

        // The header is bound to the sealed key: another public key is refused.
        let other = KeyPair::generate("mallory")
            .unwrap()
            .public_key()
            .to_string();
        let mut value: Value = serde_json::from_str(&text).unwrap();
        value["public_key"] = Value::String(other.clone());
        fs::write(&sealed, value.to_string()).unwrap();
        assert!(KeyPair::read(&sealed, || Ok(passphrase.clone())).is_err());
        let mut value = plain_secret;
        value["public_key"] = Value::String(other);
        fs::write(&plain, value.to_string()).unwrap();
        let err = KeyPair::read(&plain, || unreachable!()).unwrap_err();
        assert!(err.to_string().contains("public half"), "{err}");
    }

    #[test]
    fn credentials_hash_and_match_in_constant_time() {
        let secret = Secret::new("s3cret-credential");
        let hash = hash_credential(&secret, 1000).unwrap();
        assert!(credential_matches(&secret, &hash));
        assert!(!credential_matches(
            &Secret::new("s3cret-credentiaL"),
            &hash
        ));
        assert!(!credential_matches(&secret, "pbkdf2-sha256$0$AA==$AA=="));
        assert!(!credential_matches(&secret, "garbage"));
        assert_ne!(hash, hash_credential(&secret, 1000).unwrap(), "salted");
        assert_eq!(format!("{secret:?}"), "Secret(..)");
    }

    #[test]
    fn passphrase_files_give_their_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pass");
        fs::write(&path, "horse battery\nignored\n").unwrap();
        let read = PassphraseSource::File(path.clone())
            .read("", false)
            .unwrap();
        assert_eq!(read.expose(), "horse battery");
        fs::write(&path, "\n").unwrap();
        assert!(PassphraseSource::File(path).read("", false).is_err());
    }
}
