//! The one pass over a text: where each rule should look.
//!
//! Every rule starts from an anchor: a vendor prefix (`ghp_`, `AKIA`), a marker (`://`,
//! `-----BEGIN `, `authorization`), an option dash (`--`, `-p`, `-u`), or the `=` and `:` of a
//! named value. The pass reads each pair of bytes once, lower-cased, and looks it up in a
//! bit table built at compile time from [`ANCHORS`]; only a pair that begins some anchor is
//! compared with the anchors that begin with it. Nothing is allocated or built at start-up,
//! which matters in a process that lives for one tool call.

use super::{Found, named, shapes};

/// What to check where an anchor is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// A vendor token by its prefix ([`shapes::TOKEN_SHAPES`]).
    Token,
    /// A JSON Web Token.
    Jwt,
    /// A PEM private key block.
    PrivateKey,
    /// An age secret key.
    AgeKey,
    /// The value of `aws_secret_access_key`.
    AwsSecret,
    /// A Discord bot token (no prefix: its first part is a user id in base64).
    Discord,
    /// A Twilio API key `SK` + 32 hex.
    Twilio,
    /// A Slack or Discord webhook URL's secret part.
    Webhook,
    /// `scheme://user:password@host`.
    UrlPassword,
    /// `--name value`.
    LongOption,
    /// `mysql -psecret`.
    MysqlPassword,
    /// `curl -u user:password`.
    UserOption,
    /// `Authorization: <scheme> <credentials>`.
    Authorization,
    /// A long random `Bearer <token>` anywhere.
    Bearer,
    /// `Cookie: a=b; c=d`.
    Cookie,
    /// The `=` of `NAME=value`.
    Assign,
    /// The `:` of `name: value` (and of a Telegram bot token).
    Colon,
}

impl Rule {
    /// Checks the text around `at`, where this rule's anchor was found.
    pub(super) fn apply(self, text: &str, at: usize, found: &mut Found<'_>) {
        match self {
            Rule::Token => shapes::vendor_token(text, at, found),
            Rule::Jwt => shapes::json_web_token(text, at, found),
            Rule::PrivateKey => shapes::private_key(text, at, found),
            Rule::AgeKey => shapes::age_key(text, at, found),
            Rule::AwsSecret => shapes::aws_secret_key(text, at, found),
            Rule::Discord => shapes::discord_token(text, at, found),
            Rule::Twilio => shapes::twilio_key(text, at, found),
            Rule::Webhook => shapes::webhook(text, at, found),
            Rule::UrlPassword => named::url_password(text, at, found),
            Rule::LongOption => named::long_option(text, at, found),
            Rule::MysqlPassword => named::mysql_password(text, at, found),
            Rule::UserOption => named::user_option(text, at, found),
            Rule::Authorization => named::authorization(text, at, found),
            Rule::Bearer => named::bearer(text, at, found),
            Rule::Cookie => named::cookie(text, at, found),
            Rule::Assign => named::assignment(text, at, found),
            Rule::Colon => {
                named::colon_value(text, at, found);
                shapes::telegram_token(text, at, found);
            }
        }
    }
}

/// An anchor: lower-case text to find (case-insensitively) and the rule it starts.
#[derive(Debug)]
pub(super) struct Anchor {
    pub(super) text: &'static str,
    pub(super) rule: Rule,
}

const fn anchor(text: &'static str, rule: Rule) -> Anchor {
    Anchor { text, rule }
}

/// Every anchor but `=` and `:`, sorted by their first two bytes (a test checks), so that
/// those starting with one pair are found by a binary search.
pub(super) const ANCHORS: &[Anchor] = &[
    anchor("-----begin ", Rule::PrivateKey),
    anchor("--", Rule::LongOption),
    anchor("-p", Rule::MysqlPassword),
    anchor("-u", Rule::UserOption),
    anchor("://", Rule::UrlPassword),
    anchor("age-secret-key-1", Rule::AgeKey),
    anchor("aiza", Rule::Token),
    anchor("akia", Rule::Token),
    anchor("asia", Rule::Token),
    anchor("authorization", Rule::Authorization),
    anchor("aws_secret_access_key", Rule::AwsSecret),
    anchor("bearer ", Rule::Bearer),
    anchor("cookie", Rule::Cookie),
    anchor("dapi", Rule::Token),
    anchor("discord", Rule::Webhook),
    anchor("doo_v1_", Rule::Token),
    anchor("dop_v1_", Rule::Token),
    anchor("dor_v1_", Rule::Token),
    anchor("eaaa", Rule::Token),
    anchor("eyj", Rule::Jwt),
    anchor("ghp_", Rule::Token),
    anchor("gho_", Rule::Token),
    anchor("ghs_", Rule::Token),
    anchor("ghu_", Rule::Token),
    anchor("ghr_", Rule::Token),
    anchor("github_pat_", Rule::Token),
    anchor("glpat-", Rule::Token),
    anchor("hf_", Rule::Token),
    anchor("hooks.slack.com/", Rule::Webhook),
    anchor("hvb.", Rule::Token),
    anchor("hvs.", Rule::Token),
    anchor("key-", Rule::Token),
    anchor("mj", Rule::Discord),
    anchor("mt", Rule::Discord),
    anchor("mz", Rule::Discord),
    anchor("nd", Rule::Discord),
    anchor("nj", Rule::Discord),
    anchor("npm_", Rule::Token),
    anchor("nt", Rule::Discord),
    anchor("nz", Rule::Discord),
    anchor("od", Rule::Discord),
    anchor("ot", Rule::Discord),
    anchor("pypi-", Rule::Token),
    anchor("rk_live_", Rule::Token),
    anchor("secretaccesskey", Rule::AwsSecret),
    anchor("sg.", Rule::Token),
    anchor("shpat_", Rule::Token),
    anchor("shpca_", Rule::Token),
    anchor("shppa_", Rule::Token),
    anchor("shpss_", Rule::Token),
    anchor("sk", Rule::Twilio),
    anchor("sk-", Rule::Token),
    anchor("sk_live_", Rule::Token),
    anchor("sq0atp-", Rule::Token),
    anchor("sq0csp-", Rule::Token),
    anchor("xoxa-", Rule::Token),
    anchor("xoxb-", Rule::Token),
    anchor("xoxe-", Rule::Token),
    anchor("xoxp-", Rule::Token),
    anchor("xoxr-", Rule::Token),
];

/// The lower-cased pair of bytes as one number.
const fn pair(a: u8, b: u8) -> usize {
    ((a.to_ascii_lowercase() as usize) << 8) | b.to_ascii_lowercase() as usize
}

/// The pairs that begin an anchor, one bit each.
static PAIRS: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < ANCHORS.len() {
        let text = ANCHORS[i].text.as_bytes();
        let key = pair(text[0], text[1]);
        bits[key >> 6] |= 1 << (key & 63);
        i += 1;
    }
    bits
};

/// The bytes that begin an anchor (in either case), `=` and `:`: any other byte is passed
/// over with one look-up.
static FIRST: [bool; 256] = {
    let mut first = [false; 256];
    first[b'=' as usize] = true;
    first[b':' as usize] = true;
    let mut i = 0;
    while i < ANCHORS.len() {
        let b = ANCHORS[i].text.as_bytes()[0];
        first[b as usize] = true;
        first[b.to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    first
};

/// Calls `f` with each position of `bytes` where an anchor starts, and the anchor's rule.
pub(super) fn for_each(bytes: &[u8], mut f: impl FnMut(usize, Rule)) {
    for (at, &b) in bytes.iter().enumerate() {
        if !FIRST[usize::from(b)] {
            continue;
        }
        match b {
            b'=' => f(at, Rule::Assign),
            b':' => f(at, Rule::Colon),
            _ => {}
        }
        let Some(&next) = bytes.get(at + 1) else {
            break;
        };
        let key = pair(b, next);
        if PAIRS[key >> 6] >> (key & 63) & 1 == 0 {
            continue;
        }
        let first = ANCHORS.partition_point(|a| anchor_pair(a) < key);
        for anchor in ANCHORS[first..]
            .iter()
            .take_while(|a| anchor_pair(a) == key)
        {
            let text = anchor.text.as_bytes();
            if bytes
                .get(at..at + text.len())
                .is_some_and(|here| here.eq_ignore_ascii_case(text))
            {
                f(at, anchor.rule);
            }
        }
    }
}

fn anchor_pair(anchor: &Anchor) -> usize {
    let text = anchor.text.as_bytes();
    pair(text[0], text[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_lower_case_and_sorted_by_their_first_pair() {
        for a in ANCHORS {
            assert!(a.text.len() >= 2, "{}", a.text);
            assert_eq!(a.text, a.text.to_ascii_lowercase(), "{}", a.text);
        }
        assert!(
            ANCHORS.is_sorted_by_key(anchor_pair),
            "ANCHORS out of order"
        );
    }

    #[test]
    fn every_anchor_is_found_in_any_case_and_nothing_else() {
        let text = "x GHP_ y -----BEGIN z a=b c:d";
        let mut seen = Vec::new();
        for_each(text.as_bytes(), |at, rule| seen.push((at, rule)));
        assert!(seen.contains(&(2, Rule::Token)), "{seen:?}");
        assert!(seen.contains(&(9, Rule::PrivateKey)), "{seen:?}");
        assert!(seen.contains(&(23, Rule::Assign)), "{seen:?}");
        assert!(seen.contains(&(27, Rule::Colon)), "{seen:?}");
        let mut none = Vec::new();
        for_each(b"plain words only", |at, rule| none.push((at, rule)));
        assert!(none.iter().all(|(_, r)| *r == Rule::Discord), "{none:?}");
        for_each(b"=", |at, rule| assert_eq!((at, rule), (0, Rule::Assign)));
    }
}
