//! The one catalogue of `hookkit.toml`: every section and key, what its value must be, how it
//! merges across layers, and what it means.
//!
//! The loaders ([`super::Effective`]), `rules-lint` and the policy reference in the docs all
//! read this table, so a key cannot be accepted by one and refused by another.
//!
//! # How layers merge
//!
//! Layers are *trusted* (the built-in defaults, the user's own `~/.claude/hookkit.toml` and
//! its per-project sections, a `--policy` file) or *untrusted* (the project's committed
//! `.claude/hookkit.toml`, which whoever controls the repository writes, and `HOOKKIT_POLICY`
//! in a hook, which a committed settings `env` block can set). Trusted layers override one
//! another in order; untrusted layers can only tighten what they produce:
//!
//! - [`Merge::Strictest`]: the strictest of the trusted result and every untrusted value;
//! - [`Merge::Union`]: a list that restricts, united across every layer;
//! - [`Merge::Intersect`]: a list that permits, narrowed by every untrusted layer that sets it;
//! - [`Merge::TrustedOnly`]: a location, URL, key or opt-in to fewer prompts, taken from
//!   trusted layers only; an untrusted value is ignored and reported.

/// What a key's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any string.
    Str,
    /// A path (relative paths are relative to the project root).
    Path,
    /// An `http(s)://` URL.
    Url,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A non-negative integer.
    Int,
    /// `true` or `false`.
    Bool,
    /// A list of strings.
    Strings,
    /// A list of strings, each one of these.
    StringsOneOf(&'static [&'static str]),
    /// An array of tables (`[[rule]]`), each with these keys.
    Tables(&'static [Key]),
}

impl Kind {
    /// How the kind reads in messages and docs.
    pub fn describe(self) -> String {
        match self {
            Self::Str => "a string".into(),
            Self::Path => "a path".into(),
            Self::Url => "an http(s) URL".into(),
            Self::OneOf(values) => format!("one of {}", quoted(values)),
            Self::Int => "a non-negative integer".into(),
            Self::Bool => "true or false".into(),
            Self::Strings => "a list of strings".into(),
            Self::StringsOneOf(values) => format!("a list of {}", quoted(values)),
            Self::Tables(_) => "an array of tables".into(),
        }
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the values of a key in several layers combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// An ordered setting: the strictest of the trusted result and every untrusted value.
    Strictest(Order),
    /// A list that restricts (more entries is stricter): the union of every layer's list.
    Union,
    /// A list that permits (more entries is looser): the trusted list, intersected with the
    /// list of every untrusted layer that sets one.
    Intersect,
    /// A location, URL, key or opt-in: trusted layers only.
    TrustedOnly,
    /// Rules with their own provenance (`[permissions]`, `[[rule]]`,
    /// `[[permission_denied.override]]`): deny and ask from every layer, allow (and loosening
    /// overrides) from trusted layers only; see the section's reader.
    Rules,
}

impl Merge {
    /// The merge rule in words, for the docs.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Strictest(_) => "strictest across layers",
            Self::Union => "union of every layer (restricts)",
            Self::Intersect => "trusted list, narrowed by project files (permits)",
            Self::TrustedOnly => "user and --policy files only",
            Self::Rules => "deny/ask from every layer; allow from user files only",
        }
    }
}

/// How the values of an ordered setting rank, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The listed strings, loosest first.
    Listed(&'static [&'static str]),
    /// `false` is stricter than `true`.
    FalseIsStricter,
    /// `0` (never) is strictest; otherwise a larger number is stricter.
    ZeroThenLarger,
}

impl Order {
    /// The rank of `value` (higher is stricter); `None` for a value of the wrong kind.
    pub fn rank(self, value: &toml::Value) -> Option<u64> {
        match (self, value) {
            (Self::Listed(values), toml::Value::String(s)) => {
                values.iter().position(|v| v == s).map(|p| p as u64)
            }
            (Self::FalseIsStricter, toml::Value::Boolean(b)) => Some(u64::from(!*b)),
            (Self::ZeroThenLarger, toml::Value::Integer(0)) => Some(u64::MAX),
            (Self::ZeroThenLarger, toml::Value::Integer(n)) => u64::try_from(*n).ok(),
            _ => None,
        }
    }
}

/// One key of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Its name.
    pub name: &'static str,
    /// What its value must be.
    pub kind: Kind,
    /// How it merges across layers.
    pub merge: Merge,
    /// Its value when no layer sets it, as TOML (empty when there is none).
    pub default: &'static str,
    /// What it means, for people.
    pub doc: &'static str,
}

/// One section of `hookkit.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// `gate`, `permissions`, `rule`, ...
    pub name: &'static str,
    /// `[name]` (false) or `[[name]]` (true).
    pub array: bool,
    /// Its keys.
    pub keys: &'static [Key],
    /// What it is for.
    pub doc: &'static str,
}

impl Section {
    /// The key called `name`, if the section has one.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// The gate modes, loosest first: `auto` allows low and medium local work silently, `strict`
/// allows only low, `guard` (the default) never lets the classifier allow anything.
pub const MODES: &[&str] = &["auto", "strict", "guard"];

const fn key(
    name: &'static str,
    kind: Kind,
    merge: Merge,
    default: &'static str,
    doc: &'static str,
) -> Key {
    Key {
        name,
        kind,
        merge,
        default,
        doc,
    }
}

const GATE: &[Key] = &[
    key(
        "mode",
        Kind::OneOf(&["guard", "strict", "auto"]),
        Merge::Strictest(Order::Listed(MODES)),
        "\"guard\"",
        "How much the classifier may allow on its own. `guard`: nothing (only deny, ask or no \
         opinion). `strict`: low risk. `auto`: low and medium risk local, reversible work. An \
         opt-in to `strict` or `auto` counts only from your own files.",
    ),
    key(
        "on_error",
        Kind::OneOf(&["ask", "deny"]),
        Merge::Strictest(Order::Listed(&["ask", "deny"])),
        "\"ask\"",
        "What the gate answers when it cannot decide (a broken file, a command that does not \
         parse, a crash). `ask` becomes `deny` where nobody would see the prompt.",
    ),
    key(
        "high_risk",
        Kind::OneOf(&["ask", "deny"]),
        Merge::Strictest(Order::Listed(&["ask", "deny"])),
        "\"deny\"",
        "What high risk gets. `ask` becomes `deny` where nobody would see the prompt.",
    ),
    key(
        "escalate_after",
        Kind::Int,
        Merge::Strictest(Order::ZeroThenLarger),
        "3",
        "After this many denials in a row in a session, a person decides the next one (ask), \
         where a person is at the prompt. 0 never asks.",
    ),
    key(
        "allowed_hosts",
        Kind::Strings,
        Merge::Intersect,
        "[\"github.com\", \"*.githubusercontent.com\", \"crates.io\", \"*.crates.io\"]",
        "Hosts network commands and WebFetch may reach at low risk (`*.example.com` for \
         subdomains). Project files can only remove hosts.",
    ),
    key(
        "protected_paths",
        Kind::Strings,
        Merge::Union,
        "[]",
        "More paths whose writes need a person (asked where one is at the prompt, refused \
         elsewhere), in the file rules' syntax (`//abs`, `~/x`, `/x` from the project, `x`).",
    ),
];

const PERMISSIONS: &[Key] = &[
    key(
        "deny",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "Rules in Claude Code's syntax whose calls are denied.",
    ),
    key(
        "ask",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "Rules whose calls a person decides (denied where nobody would see the prompt).",
    ),
    key(
        "allow",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "Rules whose calls are allowed without a prompt. Read from your own files only.",
    ),
];

const RULE: &[Key] = &[
    key(
        "id",
        Kind::Str,
        Merge::Rules,
        "",
        "A stable id, unique in its file.",
    ),
    key(
        "tools",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "Tool names (`*` wildcards); any tool when empty.",
    ),
    key(
        "program",
        Kind::Str,
        Merge::Rules,
        "",
        "Bash: the program that really runs, wrappers removed.",
    ),
    key(
        "args",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "Bash: words that must all appear among the arguments.",
    ),
    key(
        "command_regex",
        Kind::Str,
        Merge::Rules,
        "",
        "Bash: a regex over each simple command's text.",
    ),
    key(
        "paths",
        Kind::Strings,
        Merge::Rules,
        "[]",
        "File tools: gitignore-style globs.",
    ),
    key(
        "when",
        Kind::Str,
        Merge::Rules,
        "",
        "A jq condition over the whole hook input.",
    ),
    key(
        "decision",
        Kind::OneOf(&["deny", "ask", "allow"]),
        Merge::Rules,
        "",
        "What the rule answers; `allow` only from your own files.",
    ),
    key("reason", Kind::Str, Merge::Rules, "", "Why, for the user."),
    key(
        "message",
        Kind::Str,
        Merge::Rules,
        "",
        "What the model is told.",
    ),
];

const AUDIT: &[Key] = &[
    key(
        "log",
        Kind::Path,
        Merge::TrustedOnly,
        "\".claude/logs/hookkit-audit.jsonl\"",
        "The audit log, relative to the project root unless absolute.",
    ),
    key(
        "log_allows",
        Kind::OneOf(&["none", "medium", "all"]),
        Merge::Strictest(Order::Listed(&["none", "medium", "all"])),
        "\"medium\"",
        "Which allows the gate records.",
    ),
    key(
        "max_bytes",
        Kind::Int,
        Merge::TrustedOnly,
        "10485760",
        "Rotate the log when it passes this size; rotated files are kept.",
    ),
];

const OVERRIDE: &[Key] = &[
    key(
        "tool",
        Kind::Str,
        Merge::Rules,
        "",
        "The tool name, or a prefix ending in `*`.",
    ),
    key(
        "command_prefix",
        Kind::Str,
        Merge::Rules,
        "",
        "Bash: the leading words of some simple command, wrappers removed.",
    ),
    key(
        "rule",
        Kind::Str,
        Merge::Rules,
        "",
        "A classifier class id, or a prefix ending in `*`.",
    ),
    key(
        "retry",
        Kind::Bool,
        Merge::Rules,
        "",
        "The answer when the override applies; `true` only from your own files.",
    ),
];

const PERMISSION_DENIED: &[Key] = &[
    key(
        "retry",
        Kind::Bool,
        Merge::Strictest(Order::FalseIsStricter),
        "true",
        "Tell the model it may retry another way after auto mode denied a call.",
    ),
    key(
        "override",
        Kind::Tables(OVERRIDE),
        Merge::Rules,
        "[]",
        "Exceptions, first match wins.",
    ),
];

const REVIEW: &[Key] = &[
    key(
        "tools",
        Kind::Strings,
        Merge::Union,
        "[\"Bash\", \"Write\", \"Edit\"]",
        "Tools whose calls of the listed risks need review.",
    ),
    key(
        "risk",
        Kind::StringsOneOf(&["low", "medium", "high"]),
        Merge::Union,
        "[\"medium\", \"high\"]",
        "Risk levels that need review.",
    ),
    key(
        "rule_ids",
        Kind::Strings,
        Merge::Union,
        "[]",
        "Class or rule ids that always need review.",
    ),
    key(
        "paths",
        Kind::Strings,
        Merge::Union,
        "[]",
        "Globs whose calls always need review.",
    ),
    key(
        "when",
        Kind::Strings,
        Merge::Union,
        "[]",
        "jq conditions that make a call need review.",
    ),
    key(
        "headless",
        Kind::OneOf(&["auto", "always", "never"]),
        Merge::Strictest(Order::Listed(&["always", "auto", "never"])),
        "\"auto\"",
        "Whether runs are headless (defer) or interactive (ask); `auto` guesses. `never` is the \
         strictest: an ask is a denial in `claude -p`.",
    ),
    key(
        "queue_dir",
        Kind::Path,
        Merge::TrustedOnly,
        "\".claude/reviews\"",
        "The review queue, relative to the project root unless absolute.",
    ),
    key(
        "endpoint",
        Kind::Url,
        Merge::TrustedOnly,
        "\"\"",
        "An approval service to ask before deferring.",
    ),
    key(
        "endpoint_timeout_ms",
        Kind::Int,
        Merge::TrustedOnly,
        "5000",
        "How long to wait for the approval service (at most 20000).",
    ),
    key(
        "trusted_keys",
        Kind::Strings,
        Merge::TrustedOnly,
        "[]",
        "Public keys (`ed25519:<base64> <name>`) whose signed review decisions the hook \
         accepts: reviewers' keys and the review service's.",
    ),
    key(
        "allow_unsigned_endpoint",
        Kind::Bool,
        Merge::TrustedOnly,
        "false",
        "Accept an approval endpoint's unsigned `{\"approve\": true}` answers (a service that \
         cannot sign); otherwise its answers must be signed decisions.",
    ),
];

/// Every section, in the order the docs list them.
pub const SECTIONS: &[Section] = &[
    Section {
        name: "gate",
        array: false,
        keys: GATE,
        doc: "The policy gate's settings.",
    },
    Section {
        name: "permissions",
        array: false,
        keys: PERMISSIONS,
        doc: "Rules in Claude Code's own syntax and semantics.",
    },
    Section {
        name: "rule",
        array: true,
        keys: RULE,
        doc: "Rules that say what the short syntax cannot; every condition given must hold.",
    },
    Section {
        name: "audit",
        array: false,
        keys: AUDIT,
        doc: "The audit trail.",
    },
    Section {
        name: "permission_denied",
        array: false,
        keys: PERMISSION_DENIED,
        doc: "permission-denied-logger's answer.",
    },
    Section {
        name: "review",
        array: false,
        keys: REVIEW,
        doc: "Which calls defer-for-review sends to a person, and where.",
    },
];

/// The key of the user file that holds per-project sections: `[project."/abs/path".gate]`.
pub const PROJECT_SECTIONS: &str = "project";

/// The section called `name`, if there is one.
pub fn section(name: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.name == name)
}

/// The key `section.key`, if there is one.
pub fn lookup(section_name: &str, key_name: &str) -> Option<&'static Key> {
    section(section_name)?.key(key_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses_as_its_kind() {
        for section in SECTIONS {
            for key in section.keys {
                if key.default.is_empty() {
                    continue;
                }
                let text = format!("v = {}", key.default);
                let table: toml::Table = text
                    .parse()
                    .unwrap_or_else(|e| panic!("{}.{}: {e}", section.name, key.name));
                let value = &table["v"];
                if let Merge::Strictest(order) = key.merge {
                    assert!(
                        order.rank(value).is_some(),
                        "{}.{} default does not rank",
                        section.name,
                        key.name
                    );
                }
            }
        }
    }

    #[test]
    fn orders_rank_stricter_values_higher() {
        let mode = Order::Listed(MODES);
        let rank = |o: Order, v: toml::Value| o.rank(&v).unwrap();
        assert!(rank(mode, "guard".into()) > rank(mode, "auto".into()));
        assert!(
            rank(Order::FalseIsStricter, false.into()) > rank(Order::FalseIsStricter, true.into())
        );
        let esc = Order::ZeroThenLarger;
        assert!(rank(esc, 0.into()) > rank(esc, 10.into()));
        assert!(rank(esc, 10.into()) > rank(esc, 3.into()));
    }
}
