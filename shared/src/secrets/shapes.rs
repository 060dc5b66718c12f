//! Secrets recognised by their shape: vendor tokens (a documented prefix, alphabet and
//! length), JSON Web Tokens, private key blocks, and the tokens without a prefix whose
//! structure gives them away (Discord, Telegram, webhook URLs).

use super::{Found, looks_random, run_end, starts_word};

fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alphanumeric(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alphanumeric_or_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alphanumeric_or_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

fn lower_or_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn key_char_or_dot(b: u8) -> bool {
    key_char(b) || b == b'.'
}

/// A vendor token: a documented prefix (case-sensitive), then a body of `min..=max` bytes
/// from one alphabet, which must look random unless the alphabet is hex.
pub(super) struct TokenShape {
    kind: &'static str,
    prefix: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
    /// Hex bodies are random by construction, and may lack letters.
    hex: bool,
}

const fn shape(
    kind: &'static str,
    prefix: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
) -> TokenShape {
    TokenShape {
        kind,
        prefix,
        body,
        min,
        max,
        hex: false,
    }
}

const fn hex_shape(kind: &'static str, prefix: &'static str, len: usize) -> TokenShape {
    TokenShape {
        hex: true,
        ..shape(kind, prefix, hex, len, len)
    }
}

/// Every vendor token, by prefix. Each prefix, lower-cased, is an anchor.
pub(super) const TOKEN_SHAPES: &[TokenShape] = &[
    shape("anthropic-key", "sk-ant-", key_char, 16, 400),
    shape("openai-key", "sk-proj-", key_char, 20, 400),
    shape("openai-key", "sk-svcacct-", key_char, 20, 400),
    shape("openai-key", "sk-", key_char, 32, 400),
    shape("aws-access-key", "AKIA", upper_or_digit, 16, 16),
    shape("aws-access-key", "ASIA", upper_or_digit, 16, 16),
    shape("github-token", "ghp_", alphanumeric, 16, 255),
    shape("github-token", "gho_", alphanumeric, 16, 255),
    shape("github-token", "ghs_", alphanumeric, 16, 255),
    shape("github-token", "ghu_", alphanumeric, 16, 255),
    shape("github-token", "ghr_", alphanumeric, 16, 255),
    shape(
        "github-token",
        "github_pat_",
        alphanumeric_or_underscore,
        22,
        255,
    ),
    shape("gitlab-token", "glpat-", key_char, 20, 100),
    shape("slack-token", "xoxa-", alphanumeric_or_dash, 10, 255),
    shape("slack-token", "xoxb-", alphanumeric_or_dash, 10, 255),
    shape("slack-token", "xoxe-", alphanumeric_or_dash, 10, 255),
    shape("slack-token", "xoxp-", alphanumeric_or_dash, 10, 255),
    shape("slack-token", "xoxr-", alphanumeric_or_dash, 10, 255),
    shape("stripe-key", "sk_live_", alphanumeric, 16, 255),
    shape("stripe-key", "rk_live_", alphanumeric, 16, 255),
    shape("google-api-key", "AIza", key_char, 35, 35),
    shape("npm-token", "npm_", alphanumeric, 36, 36),
    shape("huggingface-token", "hf_", alphanumeric, 30, 40),
    // `SG.` + 22 + `.` + 43: the dot is checked by `sendgrid_parts`.
    shape("sendgrid-key", "SG.", key_char_or_dot, 60, 80),
    hex_shape("digitalocean-token", "dop_v1_", 64),
    hex_shape("digitalocean-token", "doo_v1_", 64),
    hex_shape("digitalocean-token", "dor_v1_", 64),
    shape("pypi-token", "pypi-", key_char, 50, 400),
    hex_shape("shopify-token", "shpat_", 32),
    hex_shape("shopify-token", "shpca_", 32),
    hex_shape("shopify-token", "shppa_", 32),
    hex_shape("shopify-token", "shpss_", 32),
    shape("square-token", "sq0atp-", key_char, 22, 60),
    shape("square-token", "sq0csp-", key_char, 40, 60),
    shape("square-token", "EAAA", key_char, 60, 70),
    hex_shape("databricks-token", "dapi", 32),
    shape("vault-token", "hvs.", key_char, 24, 400),
    shape("vault-token", "hvb.", key_char, 24, 400),
    shape("mailgun-key", "key-", lower_or_digit, 32, 32),
];

/// Hex bodies are random by construction; others must mix digits and letters, or cases.
fn random_enough(shape: &TokenShape, body: &[u8]) -> bool {
    if shape.hex {
        return body.iter().any(|&b| b != body[0]);
    }
    looks_random(body)
        || body.len() >= 20
            && body.iter().any(u8::is_ascii_uppercase)
            && body.iter().any(u8::is_ascii_lowercase)
}

fn sendgrid_parts(body: &[u8]) -> bool {
    let dots: Vec<usize> = (0..body.len()).filter(|&i| body[i] == b'.').collect();
    dots == [22] && body.len() - 23 >= 40
}

/// A vendor token starting at `at` (found by its lower-cased prefix).
pub(super) fn vendor_token(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) {
        return;
    }
    for shape in TOKEN_SHAPES {
        if !text[at..].starts_with(shape.prefix) {
            continue;
        }
        // The bare `sk-` shape also matches `sk-ant-` and `sk-proj-` keys; those name it better.
        let priority = u8::from(shape.prefix == "sk-");
        let body_start = at + shape.prefix.len();
        let end = run_end(bytes, body_start, shape.body);
        let body = &bytes[body_start..end];
        let ends_word = bytes.get(end).is_none_or(|&b| !key_char(b));
        let fits = (shape.min..=shape.max).contains(&body.len())
            && ends_word
            && random_enough(shape, body)
            && (shape.prefix != "SG." || sendgrid_parts(body));
        if fits {
            found.push(shape.kind, at..end, priority);
        }
    }
}

/// `header.payload.signature`, each base64url, the first two starting `eyJ` (`{"`).
pub(super) fn json_web_token(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) || !text[at..].starts_with("eyJ") {
        return;
    }
    let header_end = run_end(bytes, at, key_char);
    if header_end - at < 10 || !text[header_end..].starts_with(".eyJ") {
        return;
    }
    let payload_end = run_end(bytes, header_end + 1, key_char);
    if payload_end - header_end < 10 || bytes.get(payload_end) != Some(&b'.') {
        return;
    }
    let signature_end = run_end(bytes, payload_end + 1, key_char);
    if signature_end - payload_end > 10 {
        found.push("jwt", at..signature_end, 0);
    }
}

/// `-----BEGIN <label> PRIVATE KEY-----` (PEM, OpenSSH, PGP's `PRIVATE KEY BLOCK`) followed
/// by a base64 body, through its `-----END` line when there is one.
pub(super) fn private_key(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !text[at..].starts_with("-----BEGIN ") {
        return;
    }
    let label_start = at + "-----BEGIN ".len();
    let label_end = run_end(bytes, label_start, |b| b.is_ascii_uppercase() || b == b' ');
    let label = &text[label_start..label_end];
    if !label.contains("PRIVATE KEY") || !text[label_end..].starts_with("-----") {
        return;
    }
    let body_start = label_end + "-----".len();
    // The body: base64 lines, possibly written with literal `\n` escapes (in JSON, such as a
    // cloud service account's `private_key`) or with `Proc-Type:`-style headers, which the
    // base64 alphabet plus `:`, `,`, `\` covers.
    let body_end = run_end(bytes, body_start, |b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'+' | b'/' | b'=' | b'\\' | b':' | b',' | b'-')
            || b.is_ascii_whitespace()
    });
    let body = &text[body_start..body_end];
    let base64 = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .count();
    if base64 < 32 {
        return;
    }
    let end = match body.find("-----END ") {
        Some(footer) => {
            let after = body_start + footer + "-----END ".len();
            text[after..]
                .find("-----")
                .map_or(body_end, |close| after + close + "-----".len())
        }
        None => body_end,
    };
    found.push("private-key", at..end, 0);
}

/// `AGE-SECRET-KEY-1` and its bech32 body.
pub(super) fn age_key(text: &str, at: usize, found: &mut Found<'_>) {
    const PREFIX: &str = "AGE-SECRET-KEY-1";
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) || !text[at..].starts_with(PREFIX) {
        return;
    }
    let end = run_end(bytes, at + PREFIX.len(), upper_or_digit);
    if (50..=70).contains(&(end - at - PREFIX.len())) {
        found.push("private-key", at..end, 0);
    }
}

/// The 40-character secret after `aws_secret_access_key` (`=`, `:`, quoted or not).
pub(super) fn aws_secret_key(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let name_len = if bytes[at..].len() >= 21
        && bytes[at..at + 21].eq_ignore_ascii_case(b"aws_secret_access_key")
    {
        21
    } else {
        "secretaccesskey".len()
    };
    let quote_or_blank = |b: u8| matches!(b, b'"' | b'\'' | b' ' | b'\t');
    let mut i = run_end(bytes, at + name_len, quote_or_blank);
    if !matches!(bytes.get(i), Some(b'=' | b':')) {
        return;
    }
    i = run_end(bytes, i + 1, quote_or_blank);
    let end = run_end(bytes, i, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'=')
    });
    if end - i == 40 && looks_random(&bytes[i..end]) {
        found.push("aws-secret-key", i..end, 1);
    }
}

/// A Discord bot token: the user id in base64 (`MT`, `Mj`, `Mz`, `ND`, `NT`, `Nj`, `Nz`, `OD`,
/// `OT`: the encodings of a leading digit), `.`, a 6-7 character time stamp, `.`, the HMAC.
pub(super) fn discord_token(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) {
        return;
    }
    let lead = &bytes[at..at + 2];
    let digit_lead = [
        b"MT", b"Mj", b"Mz", b"ND", b"NT", b"Nj", b"Nz", b"OD", b"OT",
    ];
    if !digit_lead.iter().any(|l| l.as_slice() == lead) {
        return;
    }
    let id_end = run_end(bytes, at, alphanumeric);
    if !(24..=28).contains(&(id_end - at)) || bytes.get(id_end) != Some(&b'.') {
        return;
    }
    let stamp_end = run_end(bytes, id_end + 1, key_char);
    if !(6..=7).contains(&(stamp_end - id_end - 1)) || bytes.get(stamp_end) != Some(&b'.') {
        return;
    }
    let end = run_end(bytes, stamp_end + 1, key_char);
    if (27..=40).contains(&(end - stamp_end - 1)) {
        found.push("discord-token", at..end, 0);
    }
}

/// A Telegram bot token around the `:` at `colon`: the bot's 8-10 digit id, `:`, then 35
/// characters starting `AA`.
pub(super) fn telegram_token(text: &str, colon: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let id_start = (0..colon)
        .rev()
        .take_while(|&i| bytes[i].is_ascii_digit())
        .last()
        .unwrap_or(colon);
    // In the API's URLs the token follows `/bot`.
    let after_bot = id_start >= 3 && bytes[id_start - 3..id_start].eq_ignore_ascii_case(b"bot");
    if !(8..=10).contains(&(colon - id_start)) || !(starts_word(bytes, id_start) || after_bot) {
        return;
    }
    if !text[colon + 1..].starts_with("AA") {
        return;
    }
    let end = run_end(bytes, colon + 1, key_char);
    if end - colon - 1 == 35 {
        found.push("telegram-bot-token", id_start..end, 0);
    }
}

/// A Twilio API key: `SK` and 32 lower-case hex digits.
pub(super) fn twilio_key(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) || !text[at..].starts_with("SK") {
        return;
    }
    let end = run_end(bytes, at + 2, lower_hex);
    let ends_word = bytes.get(end).is_none_or(|&b| !key_char(b));
    if end - at - 2 == 32 && ends_word {
        found.push("twilio-key", at..end, 0);
    }
}

/// The secret path of a Slack incoming webhook (`hooks.slack.com/services/T…/B…/…`) or a
/// Discord webhook (`discord.com/api/webhooks/<id>/<token>`).
pub(super) fn webhook(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let rest = &bytes[at..];
    let after = |prefix: &str| {
        (rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
            .then(|| at + prefix.len())
    };
    if let Some(start) = after("hooks.slack.com/services/") {
        let end = run_end(bytes, start, |b| b.is_ascii_alphanumeric() || b == b'/');
        if end - start >= 20 {
            found.push("slack-webhook", start..end, 0);
        }
        return;
    }
    let Some(start) =
        after("discord.com/api/webhooks/").or_else(|| after("discordapp.com/api/webhooks/"))
    else {
        return;
    };
    let id_end = run_end(bytes, start, |b| b.is_ascii_digit());
    if id_end == start || bytes.get(id_end) != Some(&b'/') {
        return;
    }
    let end = run_end(bytes, id_end + 1, key_char);
    if end - id_end > 40 {
        found.push("discord-webhook", id_end + 1..end, 0);
    }
}
