//! Checks of a hookkit policy file (`hookkit.toml`, README "Policy file"): TOML syntax, known
//! keys and values, `[permissions]` rules, and `[[rule]]` regexes, jq conditions, globs, ids
//! and reachability.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::finding::Sink;
use super::rules::{self, RuleList, RuleSite};
use super::{SourceFile, suggest};

type Table<'i> = DeTable<'i>;
type Item<'i> = Spanned<DeValue<'i>>;

/// What a key's value must be.
#[derive(Clone, Copy)]
enum Expect {
    Str,
    OneOf(&'static [&'static str]),
    Int,
    Bool,
    Strings,
    StringsOneOf(&'static [&'static str]),
    Table(&'static [(&'static str, Expect)]),
    Tables(&'static [(&'static str, Expect)]),
}

const GATE: &[(&str, Expect)] = &[
    ("mode", Expect::OneOf(&["guard", "auto", "strict"])),
    ("on_error", Expect::OneOf(&["ask", "deny"])),
    ("high_risk", Expect::OneOf(&["deny", "ask"])),
    ("escalate_after", Expect::Int),
    ("allowed_hosts", Expect::Strings),
    ("protected_paths", Expect::Strings),
];
const PERMISSIONS: &[(&str, Expect)] = &[
    ("deny", Expect::Strings),
    ("ask", Expect::Strings),
    ("allow", Expect::Strings),
];
const RULE: &[(&str, Expect)] = &[
    ("id", Expect::Str),
    ("tools", Expect::Strings),
    ("program", Expect::Str),
    ("args", Expect::Strings),
    ("command_regex", Expect::Str),
    ("paths", Expect::Strings),
    ("when", Expect::Str),
    ("decision", Expect::OneOf(&["deny", "ask", "allow"])),
    ("reason", Expect::Str),
    ("message", Expect::Str),
];
const AUDIT: &[(&str, Expect)] = &[
    ("log", Expect::Str),
    ("log_allows", Expect::OneOf(&["none", "medium", "all"])),
    ("max_bytes", Expect::Int),
];
const OVERRIDE: &[(&str, Expect)] = &[
    ("tool", Expect::Str),
    ("command_prefix", Expect::Str),
    ("retry", Expect::Bool),
];
const PERMISSION_DENIED: &[(&str, Expect)] = &[
    ("retry", Expect::Bool),
    ("override", Expect::Tables(OVERRIDE)),
];
const REVIEW: &[(&str, Expect)] = &[
    ("tools", Expect::Strings),
    ("risk", Expect::StringsOneOf(&["low", "medium", "high"])),
    ("rule_ids", Expect::Strings),
    ("paths", Expect::Strings),
    ("when", Expect::Strings),
    ("headless", Expect::OneOf(&["auto", "always", "never"])),
    ("queue_dir", Expect::Str),
    ("endpoint", Expect::Str),
    ("endpoint_timeout_ms", Expect::Int),
];
const TOP: &[(&str, Expect)] = &[
    ("gate", Expect::Table(GATE)),
    ("permissions", Expect::Table(PERMISSIONS)),
    ("rule", Expect::Tables(RULE)),
    ("audit", Expect::Table(AUDIT)),
    ("permission_denied", Expect::Table(PERMISSION_DENIED)),
    ("review", Expect::Table(REVIEW)),
];

/// Checks one policy file; collects its `[permissions]` rules into `sites`.
pub(crate) fn check(file: &SourceFile, sink: &mut Sink<'_>, sites: &mut Vec<RuleSite>) {
    let root = match DeTable::parse(&file.text) {
        Ok(root) => root,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            sink.report("HK002", at, format!("invalid TOML: {}", e.message().trim()));
            return;
        }
    };
    check_table(root.get_ref(), TOP, "", sink);
    if let Some(permissions) = get(root.get_ref(), "permissions").and_then(|v| as_table(v)) {
        for (name, list) in [
            ("allow", RuleList::Allow),
            ("ask", RuleList::Ask),
            ("deny", RuleList::Deny),
        ] {
            for item in get(permissions, name).map_or(&[][..], array) {
                if let DeValue::String(text) = item.get_ref() {
                    let start = item.span().start + 1;
                    let site = rules::check_rule(text, list, sink, &|col| start + col);
                    sites.extend(site);
                }
            }
        }
    }
    if let Some(rules) = get(root.get_ref(), "rule") {
        check_rules(array(rules), sink);
    }
    if let Some(review) = get(root.get_ref(), "review").and_then(|v| as_table(v)) {
        for item in get(review, "when").map_or(&[][..], array) {
            check_jq(item, sink);
        }
        for item in get(review, "paths").map_or(&[][..], array) {
            check_glob(item, sink);
        }
    }
}

fn get<'a, 'i>(table: &'a Table<'i>, name: &str) -> Option<&'a Item<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == name)
        .map(|(_, v)| v)
}

fn as_table<'a, 'i>(item: &'a Item<'i>) -> Option<&'a Table<'i>> {
    item.get_ref().as_table()
}

fn array<'a, 'i>(item: &'a Item<'i>) -> &'a [Item<'i>] {
    item.get_ref().as_array().map_or(&[][..], |a| a)
}

fn str_of<'a>(item: &'a Item<'_>) -> Option<&'a str> {
    item.get_ref().as_str()
}

fn check_table(table: &Table<'_>, schema: &[(&str, Expect)], path: &str, sink: &mut Sink<'_>) {
    let names: Vec<&str> = schema.iter().map(|(n, _)| *n).collect();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let full = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        let Some((_, expect)) = schema.iter().find(|(n, _)| *n == name) else {
            let hint = suggest::did_you_mean(name, &names);
            sink.report_fix(
                "HK003",
                key.span().start,
                format!("unknown policy key `{full}`"),
                hint,
            );
            continue;
        };
        check_value(value, *expect, &full, sink);
    }
}

fn wrong_type(sink: &mut Sink<'_>, span: &Range<usize>, full: &str, want: &str, got: &DeValue<'_>) {
    sink.report(
        "HK405",
        span.start,
        format!("`{full}` must be {want}, not {}", got.type_str()),
    );
}

fn check_value(value: &Item<'_>, expect: Expect, full: &str, sink: &mut Sink<'_>) {
    let span = value.span();
    let inner = value.get_ref();
    match expect {
        Expect::Str if !inner.is_str() => wrong_type(sink, &span, full, "a string", inner),
        Expect::Int if !inner.is_integer() => wrong_type(sink, &span, full, "an integer", inner),
        Expect::Bool if !inner.is_bool() => wrong_type(sink, &span, full, "true or false", inner),
        Expect::OneOf(allowed) => one_of(value, allowed, full, sink),
        Expect::Strings | Expect::StringsOneOf(_) => {
            let Some(items) = inner.as_array() else {
                wrong_type(sink, &span, full, "an array of strings", inner);
                return;
            };
            for item in items {
                match expect {
                    Expect::StringsOneOf(allowed) => one_of(item, allowed, full, sink),
                    _ if !item.get_ref().is_str() => {
                        wrong_type(
                            sink,
                            &item.span(),
                            &format!("each of `{full}`"),
                            "a string",
                            item.get_ref(),
                        );
                    }
                    _ => {}
                }
            }
        }
        Expect::Table(schema) => match inner.as_table() {
            Some(table) => check_table(table, schema, full, sink),
            None => wrong_type(sink, &span, full, "a table", inner),
        },
        Expect::Tables(schema) => match inner.as_array() {
            Some(items) => {
                for item in items {
                    match item.get_ref().as_table() {
                        Some(table) => check_table(table, schema, full, sink),
                        None => wrong_type(sink, &item.span(), full, "a table", item.get_ref()),
                    }
                }
            }
            None => wrong_type(sink, &span, full, "an array of tables (`[[...]]`)", inner),
        },
        _ => {}
    }
}

fn one_of(value: &Item<'_>, allowed: &[&str], full: &str, sink: &mut Sink<'_>) {
    let Some(text) = str_of(value) else {
        wrong_type(sink, &value.span(), full, "a string", value.get_ref());
        return;
    };
    if !allowed.contains(&text) {
        let hint = suggest::did_you_mean(text, allowed)
            .unwrap_or_else(|| format!("use one of {}", allowed.join(", ")));
        sink.report_fix(
            "HK405",
            value.span().start,
            format!(
                "`{full}` cannot be `{text}`: allowed are {}",
                allowed.join(", ")
            ),
            Some(hint),
        );
    }
}

fn check_jq(item: &Item<'_>, sink: &mut Sink<'_>) {
    if let Some(src) = str_of(item)
        && let Err(e) = crate::jq::Condition::compile(src)
    {
        sink.report(
            "HK402",
            item.span().start,
            format!("{e}: it does not compile"),
        );
    }
}

fn check_glob(item: &Item<'_>, sink: &mut Sink<'_>) {
    if let Some(src) = str_of(item)
        && let Err(e) = crate::glob::Pattern::new(src)
    {
        sink.report(
            "HK406",
            item.span().start,
            format!("glob does not compile: {e}"),
        );
    }
}

const BASH_ONLY: &[&str] = &["program", "args", "command_regex"];
const FILE_TOOLS_OR_ANY: &[&str] = &[
    "Read",
    "Edit",
    "Write",
    "MultiEdit",
    "NotebookEdit",
    "Glob",
    "Grep",
];

/// How strongly a decision wins when two rules match the same call.
fn strength(decision: Option<&str>) -> u8 {
    match decision {
        Some("deny") => 3,
        Some("ask") => 2,
        Some("allow") => 1,
        _ => 0,
    }
}

fn check_rules(rules: &[Item<'_>], sink: &mut Sink<'_>) {
    let mut seen_ids: Vec<(String, usize)> = Vec::new();
    let mut seen_conditions: Vec<(String, Option<String>, usize)> = Vec::new();
    for item in rules {
        let Some(rule) = as_table(item) else { continue };
        let at = item.span().start;
        if let Some(id) = get(rule, "id")
            && let Some(text) = str_of(id)
        {
            if seen_ids.iter().any(|(seen, _)| seen == text) {
                sink.report_fix(
                    "HK403",
                    id.span().start,
                    format!("rule id `{text}` is used twice"),
                    Some("give each `[[rule]]` its own id"),
                );
            } else {
                seen_ids.push((text.to_owned(), id.span().start));
            }
        }
        if let Some(regex) = get(rule, "command_regex")
            && let Some(src) = str_of(regex)
            && let Err(e) = regex_lite::Regex::new(src)
        {
            let reason = e.to_string();
            let reason = reason
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ")
                .to_owned();
            sink.report(
                "HK401",
                regex.span().start,
                format!("`command_regex` `{src}` does not compile: {reason}"),
            );
        }
        if let Some(when) = get(rule, "when") {
            check_jq(when, sink);
        }
        for path in get(rule, "paths").map_or(&[][..], array) {
            check_glob(path, sink);
        }
        let tools: Option<Vec<&str>> =
            get(rule, "tools").map(|t| array(t).iter().filter_map(str_of).collect());
        if let Some(tools) = &tools {
            let bash_keys: Vec<&str> = BASH_ONLY
                .iter()
                .copied()
                .filter(|k| get(rule, k).is_some())
                .collect();
            if !bash_keys.is_empty() && !tools.contains(&"Bash") {
                sink.report_fix("HK404", at, format!("rule applies to {} but uses `{}`, which only Bash calls have: it never matches", tools.join(", "), bash_keys.join("`, `")), Some("add \"Bash\" to `tools` or drop the Bash-only keys"));
                continue;
            }
            if get(rule, "paths").is_some() && !tools.iter().any(|t| FILE_TOOLS_OR_ANY.contains(t))
            {
                sink.report_fix("HK404", at, format!("rule applies to {} but uses `paths`, which only file tools have: it never matches", tools.join(", ")), Some("list file tools (Read, Edit, Write...) in `tools` or drop `paths`"));
                continue;
            }
        }
        let conditions = conditions_key(rule);
        let decision = get(rule, "decision").and_then(str_of).map(str::to_owned);
        if let Some((_, earlier, _)) = seen_conditions.iter().find(|(c, _, _)| *c == conditions)
            && strength(earlier.as_deref()) >= strength(decision.as_deref())
        {
            sink.report_fix("HK404", at, format!("an earlier rule has the same conditions and decides `{}`: this rule is never reached", earlier.as_deref().unwrap_or("?")), Some("remove it or change its conditions"));
            continue;
        }
        seen_conditions.push((conditions, decision, at));
    }
    // A weaker rule before an identical stronger one is just as dead: the stronger one wins.
    let mut reported = Vec::new();
    for (i, (cond, decision, at)) in seen_conditions.iter().enumerate() {
        if let Some((_, stronger, _)) = seen_conditions[i + 1..]
            .iter()
            .find(|(c, d, _)| c == cond && strength(d.as_deref()) > strength(decision.as_deref()))
            && !reported.contains(at)
        {
            reported.push(*at);
            sink.report_fix("HK404", *at, format!("a later rule with the same conditions decides `{}`, which wins: this rule never decides anything", stronger.as_deref().unwrap_or("?")), Some("remove it or change its conditions"));
        }
    }
}

/// The rule's matching conditions, as a comparable string.
fn conditions_key(rule: &Table<'_>) -> String {
    let mut parts: Vec<String> = rule
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.get_ref().as_ref(),
                "id" | "decision" | "reason" | "message"
            )
        })
        .map(|(k, v)| format!("{}={}", k.get_ref(), render(v.get_ref())))
        .collect();
    parts.sort();
    parts.join(";")
}

fn render(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Array(items) => {
            let mut inner: Vec<String> = items.iter().map(|i| render(i.get_ref())).collect();
            inner.sort();
            format!("[{}]", inner.join(","))
        }
        other => format!("{other:?}"),
    }
}
