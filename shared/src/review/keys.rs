//! The keys that sign review decisions: `keygen`, trusting a public key in the user's own
//! policy, and loading the key that signs.
//!
//! A reviewer's key lives in `<key dir>/reviewer.key` and the review service's in
//! `<key dir>/service.key` (the key dir is [`crate::locations::Locations::key_dir`]), each passphrase-encrypted
//! unless made with `--no-passphrase`. Their public keys go in `[review] trusted_keys` of
//! `~/.claude/hookkit.toml`, the only place the hook takes them from.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::crypto::{KeyPair, PassphraseSource, PublicKey, Secret};
use crate::{Error, Result};

/// A reviewer's secret key file, in the key directory.
pub const REVIEWER_KEY: &str = "reviewer.key";
/// The review service's secret key file, in the key directory.
pub const SERVICE_KEY: &str = "service.key";

/// A key that signs decisions, and the name decisions are signed with.
#[derive(Debug)]
pub struct Signer {
    /// The key pair.
    pub pair: KeyPair,
    /// Who decides (recorded in every statement).
    pub reviewer: String,
}

impl Signer {
    /// Loads the secret key at `path`, reading the passphrase from `passphrase` only when
    /// the file is encrypted.
    pub fn load(path: &Path, reviewer: &str, passphrase: &PassphraseSource) -> Result<Self> {
        if !path.exists() {
            return Err(Error::Other(format!(
                "no signing key at `{}`: run `defer-for-review keygen` first (or pass --key FILE)",
                path.display()
            )));
        }
        let prompt = format!("Passphrase for {}: ", path.display());
        let pair = KeyPair::read(path, || passphrase.read(&prompt, false))?;
        Ok(Self {
            pair,
            reviewer: reviewer.to_owned(),
        })
    }
}

/// The default path of a key file in the key directory.
pub fn key_path(key_dir: Option<&Path>, file: &str) -> Result<PathBuf> {
    key_dir.map(|d| d.join(file)).ok_or_else(|| {
        Error::Other("no home directory is known, so there is no key directory; pass --key".into())
    })
}

/// `keygen` as a person asked for it on the command line.
#[derive(Debug, Clone, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the command line's switches, one field each"
)]
pub struct KeygenRequest {
    /// The key's name [default: the reviewer's name, or `review-service` with `service`].
    pub name: Option<String>,
    /// The review service's key (`service.key`) instead of a reviewer's.
    pub service: bool,
    /// Where to write the secret key [default: the key directory].
    pub key: Option<PathBuf>,
    /// Write the key unencrypted.
    pub no_passphrase: bool,
    /// Read the passphrase from this file.
    pub passphrase_file: Option<PathBuf>,
    /// Only print the public key line; leave the policy alone.
    pub no_trust: bool,
    /// Replace an existing key file.
    pub force: bool,
}

/// `keygen` for a person: resolves the defaults from the environment and `key_dir` (the key
/// directory of [`crate::locations::Locations`]), asks for the passphrase (twice, on a
/// terminal), and runs [`keygen`]. Warnings go to `err`.
pub fn keygen_command(
    out: &mut dyn Write,
    err: &mut dyn Write,
    env: &crate::env::Env,
    key_dir: Option<&Path>,
    request: KeygenRequest,
) -> Result<PublicKey> {
    let file = if request.service {
        SERVICE_KEY
    } else {
        REVIEWER_KEY
    };
    let path = match request.key {
        Some(path) => path,
        None => key_path(key_dir, file)?,
    };
    let name = match request.name {
        Some(name) => name,
        None if request.service => "review-service".to_owned(),
        None => super::reviewer::reviewer_name(env, None)?,
    };
    let passphrase = if request.no_passphrase {
        let _ = writeln!(
            err,
            "warning: the key is written without a passphrase: code the agent runs as you can \
             read it and sign approvals"
        );
        None
    } else {
        let source = PassphraseSource::choose(request.passphrase_file, env);
        Some(source.read("New passphrase for the signing key: ", true)?)
    };
    let policy = if request.no_trust {
        None
    } else {
        env.home
            .as_ref()
            .map(|h| h.join(".claude").join(crate::locations::POLICY_FILE))
    };
    keygen(
        out,
        &Keygen {
            name,
            path,
            passphrase,
            policy,
            replace: request.force,
        },
    )
}

/// The signer a person's `approve`/`deny` uses: `key` or the reviewer key of the key
/// directory, unlocked with the passphrase from `passphrase_file`, `HOOKKIT_PASSPHRASE` or
/// the terminal. A key others can read is used, with a warning on `err`.
pub fn signer_command(
    err: &mut dyn Write,
    env: &crate::env::Env,
    key_dir: Option<&Path>,
    key: Option<PathBuf>,
    passphrase_file: Option<PathBuf>,
    reviewer: &str,
) -> Result<Signer> {
    let path = match key {
        Some(path) => path,
        None => key_path(key_dir, REVIEWER_KEY)?,
    };
    if let Some(warning) = permissions_warning(&path) {
        let _ = writeln!(err, "{warning}");
    }
    Signer::load(
        &path,
        reviewer,
        &PassphraseSource::choose(passphrase_file, env),
    )
}

/// What `keygen` makes.
#[derive(Debug, Clone)]
pub struct Keygen {
    /// The key's name (shown next to the public key).
    pub name: String,
    /// Where the secret key goes.
    pub path: PathBuf,
    /// The passphrase; `None` writes the key unencrypted.
    pub passphrase: Option<Secret>,
    /// The user's policy to add the public key to; `None` only prints the line.
    pub policy: Option<PathBuf>,
    /// Replace an existing key file.
    pub replace: bool,
}

/// What became of the public key in the user's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustEdit {
    /// Added to `[review] trusted_keys`.
    Added,
    /// It was there already.
    Present,
    /// Not edited; the person adds the line. Why.
    Manual(String),
}

/// `keygen`: makes a key pair, writes the secret key, trusts the public key in the user's
/// policy, and explains what the key's placement protects against.
pub fn keygen(out: &mut dyn Write, options: &Keygen) -> Result<PublicKey> {
    let pair = KeyPair::generate(&options.name)?;
    pair.write(&options.path, options.passphrase.as_ref(), options.replace)?;
    let public = pair.public_key();
    let w = |e| Error::io("writing output", "<stdout>", e);
    writeln!(
        out,
        "secret key: {} (0600, {})",
        options.path.display(),
        if options.passphrase.is_some() {
            "encrypted with your passphrase"
        } else {
            "NOT encrypted"
        }
    )
    .map_err(w)?;
    writeln!(out, "public key {}: {public}", public.id()).map_err(w)?;
    let edit = match &options.policy {
        Some(policy) => trust_key(policy, &public)?,
        None => TrustEdit::Manual("--no-trust was given".into()),
    };
    match (&edit, &options.policy) {
        (TrustEdit::Added, Some(policy)) => writeln!(
            out,
            "added it to [review] trusted_keys in {}",
            policy.display()
        ),
        (TrustEdit::Present, Some(policy)) => writeln!(
            out,
            "it is already in [review] trusted_keys of {}",
            policy.display()
        ),
        (TrustEdit::Manual(why), _) => writeln!(
            out,
            "not added to your policy ({why}); add this line under [review] in \
             ~/.claude/hookkit.toml of the account whose hooks should trust it:\n  \
             trusted_keys = [{}]",
            toml::Value::String(public.to_string())
        ),
        (_, None) => Ok(()),
    }
    .map_err(w)?;
    writeln!(out, "\n{}", placement_note(options.passphrase.is_some())).map_err(w)?;
    Ok(public)
}

/// What each placement of a signing key protects against.
pub fn placement_note(encrypted: bool) -> String {
    let this = |yes: bool| if yes { " (this key)" } else { "" };
    format!(
        "What protects a signing key:\n\
         - With a passphrase{}: the agent's tools cannot read the key directory (the gate \
         refuses it), and code the agent runs as you (tests, builds, scripts) can copy the file \
         but cannot use it without the passphrase. Type the passphrase at the prompt; a \
         passphrase in a file or variable that such code can read protects nothing.\n\
         - On another account or machine (run keygen there with --no-trust and add the printed \
         line here, or run the review service there): out of reach of everything the agent \
         runs as you.\n\
         - Without a passphrase{}: protected from the agent's own tools only; code the agent \
         runs as you can read it and sign approvals. Use it where Claude Code's sandbox keeps \
         such code out of your home, or for throwaway setups.",
        this(encrypted),
        this(!encrypted)
    )
}

/// Adds `key` to `[review] trusted_keys` of the policy file at `path`, editing the text so
/// that comments and layout survive. The edit is checked by reading the result back: if
/// anything but that one list would change, or the file's shape is unusual (an inline
/// `review` table, dotted keys), the file is left alone and [`TrustEdit::Manual`] says why.
pub fn trust_key(path: &Path, key: &PublicKey) -> Result<TrustEdit> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io("reading policy file", path, e)),
    };
    let Ok(before) = text.parse::<toml::Table>() else {
        return Ok(TrustEdit::Manual(format!(
            "`{}` does not parse as TOML",
            path.display()
        )));
    };
    let existing = trusted_lines(&before);
    if existing
        .iter()
        .filter_map(|line| PublicKey::parse(line).ok())
        .any(|k| k.same_key(key))
    {
        return Ok(TrustEdit::Present);
    }
    let entry = key.to_string();
    let Some(edited) = with_trusted_key(&text, &entry) else {
        return Ok(TrustEdit::Manual(format!(
            "the shape of `{}` is unusual",
            path.display()
        )));
    };
    if !only_key_added(&before, &edited, &entry) {
        return Ok(TrustEdit::Manual(format!(
            "an edit of `{}` would change more than the key list",
            path.display()
        )));
    }
    let mode = fs::metadata(path).map_or(0o644, |m| {
        std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777
    });
    replace_file(path, edited.as_bytes(), mode)?;
    Ok(TrustEdit::Added)
}

fn trusted_lines(table: &toml::Table) -> Vec<String> {
    table
        .get("review")
        .and_then(|r| r.get("trusted_keys"))
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `edited` parses to `before` with `entry` appended to `[review] trusted_keys`.
fn only_key_added(before: &toml::Table, edited: &str, entry: &str) -> bool {
    let Ok(mut after) = edited.parse::<toml::Table>() else {
        return false;
    };
    let mut expected = trusted_lines(before);
    expected.push(entry.to_owned());
    if trusted_lines(&after) != expected {
        return false;
    }
    let mut before = before.clone();
    for table in [&mut before, &mut after] {
        if let Some(toml::Value::Table(review)) = table.get_mut("review") {
            review.remove("trusted_keys");
            if review.is_empty() {
                table.remove("review");
            }
        }
    }
    before == after
}

/// The policy text with `entry` added to `[review] trusted_keys`, or `None` where the text's
/// shape is not one this edit handles.
fn with_trusted_key(text: &str, entry: &str) -> Option<String> {
    let mut text = text.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let text = text.as_str();
    let quoted = toml::Value::String(entry.to_owned()).to_string();
    let block = format!("trusted_keys = [\n    {quoted},\n]\n");
    let Some(header) = find_header(text, "review") else {
        let mut out = text.to_owned();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("[review]\n");
        out.push_str(&block);
        return Some(out);
    };
    let section_end = next_header(text, header).unwrap_or(text.len());
    let section = &text[header..section_end];
    let Some(key_at) = find_key(section, "trusted_keys").map(|at| header + at) else {
        let mut out = text.to_owned();
        out.insert_str(header, &block);
        return Some(out);
    };
    let open = key_at + text[key_at..].find('[')?;
    let (close, last_significant) = matching_bracket(text, open)?;
    let mut out = text.to_owned();
    let own_line = text[..close]
        .rsplit('\n')
        .next()
        .is_some_and(|before| before.trim().is_empty());
    let insertion = if own_line {
        format!("    {quoted},\n")
    } else {
        format!(" {quoted}")
    };
    let insert_at = if own_line {
        text[..close].rfind('\n').map_or(close, |n| n + 1)
    } else {
        close
    };
    out.insert_str(insert_at, &insertion);
    if !matches!(text.as_bytes()[last_significant], b'[' | b',') {
        out.insert(last_significant + 1, ',');
    }
    Some(out)
}

/// The offset just after the `[name]` header line.
fn find_header(text: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        let trimmed = line.trim();
        if let Some(inner) = trimmed.strip_prefix('[').filter(|t| !t.starts_with('['))
            && let Some((head, rest)) = inner.split_once(']')
            && head.trim() == name
            && (rest.trim().is_empty() || rest.trim().starts_with('#'))
        {
            return Some(offset);
        }
    }
    None
}

/// The offset of the next line that starts a table header after `from`.
fn next_header(text: &str, from: usize) -> Option<usize> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && trimmed
                .trim_start_matches('[')
                .trim_start()
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"' || c == '\'')
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The offset of the line assigning `key` in a section's text.
fn find_key(section: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in section.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

/// The offset of the `]` closing the array opened at `open`, and of the last significant
/// character before it (outside strings and comments).
fn matching_bracket(text: &str, open: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut last = open;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            quote @ (b'"' | b'\'') => {
                if text[i..].starts_with("\"\"\"") || text[i..].starts_with("'''") {
                    return None;
                }
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes.get(i) == Some(&b'\n') {
                        return None;
                    }
                    i += 1;
                }
                last = i;
            }
            b'[' => {
                depth += 1;
                last = i;
            }
            b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((i, last));
                }
                last = i;
            }
            c if c.is_ascii_whitespace() => {}
            _ => last = i,
        }
        i += 1;
    }
    None
}

/// Replaces a file's content atomically, with `mode`.
fn replace_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    }
    let temp = path.with_extension(format!("toml.{}.tmp", std::process::id()));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::io("writing policy file", path, e));
    }
    Ok(())
}

/// A warning for a key file others may read.
pub fn permissions_warning(path: &Path) -> Option<String> {
    crate::owner_only::readable_by_others(path).then(|| {
        format!(
            "warning: `{}` can be read by other users; chmod 600 it",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= new";

    fn edit(text: &str) -> Option<String> {
        let before: toml::Table = text.parse().unwrap();
        let edited = with_trusted_key(text, KEY)?;
        assert!(
            only_key_added(&before, &edited, KEY),
            "{text}\n---\n{edited}"
        );
        Some(edited)
    }

    #[test]
    fn adds_the_key_to_every_usual_shape_and_keeps_the_rest() {
        let cases = [
            "",
            "[gate]\nmode = \"guard\"\n",
            "# mine\n[review]\nrisk = [\"high\"] # only high\n\n[audit]\nlog = \"x\"\n",
            "[review]\ntrusted_keys = []\n",
            "[review]\ntrusted_keys = [\"ed25519:BBBB old\"]\n[gate]\nmode = \"strict\"\n",
            "[review]\ntrusted_keys = [\n  \"ed25519:BBBB old\", # laptop\n]\n",
            "[review]\ntrusted_keys = [\n  \"ed25519:BBBB old\" # no comma\n]\n",
            "[ review ] # section\nwhen = ['a[0]']\ntrusted_keys = ['x]y', \"z\\\"]\"]\n",
            "[review]\ntools = [\"Bash\"]",
        ];
        for text in cases {
            let edited = edit(text).unwrap_or_else(|| panic!("no edit for:\n{text}"));
            assert!(edited.contains(KEY), "{edited}");
        }
        let kept = edit("# mine\n[review]\nrisk = [\"high\"] # only high\n").unwrap();
        assert!(
            kept.contains("# mine") && kept.contains("# only high"),
            "{kept}"
        );
    }

    #[test]
    fn unusual_shapes_are_left_to_the_person() {
        for text in [
            "review = { risk = [\"high\"] }\n",
            "review.risk = [\"high\"]\n",
            "[review]\ntrusted_keys = \"\"\"\nx\"\"\"\n",
        ] {
            let before: toml::Table = text.parse().unwrap();
            let done = with_trusted_key(text, KEY).filter(|e| only_key_added(&before, e, KEY));
            assert!(done.is_none(), "{text}: {done:?}");
        }
    }

    #[test]
    fn trust_key_writes_checks_and_never_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/hookkit.toml");
        let key = KeyPair::generate("alice").unwrap().public_key();
        assert_eq!(trust_key(&path, &key).unwrap(), TrustEdit::Added);
        assert_eq!(trust_key(&path, &key).unwrap(), TrustEdit::Present);
        let other = KeyPair::generate("bob").unwrap().public_key();
        assert_eq!(trust_key(&path, &other).unwrap(), TrustEdit::Added);
        let table: toml::Table = fs::read_to_string(&path).unwrap().parse().unwrap();
        assert_eq!(trusted_lines(&table), [key.to_string(), other.to_string()]);
        fs::write(&path, "review.tools = [\"Bash\"]\n").unwrap();
        assert!(matches!(
            trust_key(&path, &key).unwrap(),
            TrustEdit::Manual(_)
        ));
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "review.tools = [\"Bash\"]\n"
        );
    }
}
