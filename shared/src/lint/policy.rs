//! Checks of a hookkit policy file (`hookkit.toml`): TOML syntax, keys and values against the
//! one schema catalogue the binaries load with ([`crate::config::schema`]), `[permissions]`
//! rules, `[[rule]]` regexes, jq conditions, globs, ids and reachability, class ids, and what a
//! project file sets that the binaries ignore.
//!
//! Whatever a binary refuses to load is an error here: after the span-precise checks, the
//! file goes through the binaries' own loader ([`crate::config::Effective::of`]), and a refusal
//! the checks did not name is reported with the loader's message.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::finding::Sink;
use super::rules::{self, RuleList, RuleSite};
use super::{Options, SourceFile, suggest};
use crate::classify::catalog;
use crate::config::schema::{self, Key, Kind, PROJECT_SECTIONS, Section};
use crate::config::{Effective, Layer, LayerSource, Trust, loosens};
use crate::locations::POLICY_FILE;

type Table<'i> = DeTable<'i>;
type Item<'i> = Spanned<DeValue<'i>>;

/// Which layer a policy file is, from where it lives: the user's own file, a project's
/// (which can only tighten), or any other file (a `--policy` file, which replaces both).
fn source_of(file: &SourceFile, options: &Options) -> LayerSource {
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
    };
    let user = options
        .home
        .as_ref()
        .map(|h| h.join(".claude").join(POLICY_FILE));
    if user.as_deref().is_some_and(|u| same(&file.path, u)) {
        LayerSource::User(file.path.clone())
    } else if same(
        &file.path,
        &options.project_dir.join(".claude").join(POLICY_FILE),
    ) || file.layer == "environment"
    {
        LayerSource::Project(file.path.clone())
    } else {
        LayerSource::Explicit(file.path.clone())
    }
}

/// Checks one policy file; collects its `[permissions]` rules into `sites`.
pub(crate) fn check(
    file: &SourceFile,
    options: &Options,
    sink: &mut Sink<'_>,
    sites: &mut Vec<RuleSite>,
) {
    let root = match DeTable::parse(&file.text) {
        Ok(root) => root,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            sink.report("HK002", at, format!("invalid TOML: {}", e.message().trim()));
            return;
        }
    };
    let source = source_of(file, options);
    let errors_before = errors(sink);
    check_top(
        root.get_ref(),
        matches!(source, LayerSource::User(_)),
        "",
        sink,
    );
    check_contents(root.get_ref(), sink, sites);
    if errors(sink) == errors_before {
        // Whatever the checks above did not name, the loader decides: a file a binary refuses
        // is an error here too.
        if let Err(e) = load(file, &source) {
            sink.report(
                "HK407",
                0,
                format!("the hookkit binaries refuse this file: {e}"),
            );
            return;
        }
    }
    if source.trust() == Trust::Untrusted {
        ignored(file, root.get_ref(), options, sink);
    }
}

fn errors(sink: &Sink<'_>) -> usize {
    sink.findings
        .iter()
        .filter(|f| f.severity == super::Severity::Error)
        .count()
}

/// What the binaries' loader makes of the file: its layer (and, for the user file, the layers
/// of its per-project sections), validated and merged.
fn load(file: &SourceFile, source: &LayerSource) -> crate::Result<Effective> {
    let mut layer = Layer::parse(source.clone(), file.text.clone())?;
    let mut layers = Vec::new();
    if matches!(source, LayerSource::User(_))
        && let Some(toml::Value::Table(projects)) = layer.table.remove(PROJECT_SECTIONS)
    {
        for (_, section) in projects {
            let text = toml::to_string(&section).unwrap_or_default();
            layers.push(Layer::parse(
                LayerSource::UserProject(file.path.clone()),
                text,
            )?);
        }
    }
    layers.insert(0, layer);
    Effective::of(&layers)
}

/// The `[gate]`, `[review]`, ... sections of a file (or of a `[project."<dir>"]` section).
fn check_top(table: &Table<'_>, user_file: bool, prefix: &str, sink: &mut Sink<'_>) {
    let names: Vec<&str> = schema::SECTIONS.iter().map(|s| s.name).collect();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        if name == PROJECT_SECTIONS && prefix.is_empty() {
            if !user_file {
                sink.report_fix(
                    "HK407",
                    key.span().start,
                    format!(
                        "`[{PROJECT_SECTIONS}.\"<dir>\"]` sections are read from your user file \
                         (~/.claude/hookkit.toml) only: the binaries refuse this file"
                    ),
                    Some("move the section into ~/.claude/hookkit.toml, where an opt-in for one project belongs"),
                );
                continue;
            }
            for (dir, section) in as_table(value).into_iter().flatten() {
                match as_table(section) {
                    Some(inner) => check_top(
                        inner,
                        false,
                        &format!("{PROJECT_SECTIONS}.\"{}\".", dir.get_ref()),
                        sink,
                    ),
                    None => wrong_type(
                        sink,
                        &section.span(),
                        &format!("{PROJECT_SECTIONS}.{}", dir.get_ref()),
                        "a table",
                        section.get_ref(),
                    ),
                }
            }
            continue;
        }
        let full = format!("{prefix}{name}");
        let Some(section) = schema::section(name) else {
            refuse_unknown(sink, key, "section", &format!("[{full}]"), &names);
            continue;
        };
        check_section(value, section, &full, sink);
    }
}

/// An unknown section or key: the binaries refuse the whole file.
fn refuse_unknown(
    sink: &mut Sink<'_>,
    key: &Spanned<std::borrow::Cow<'_, str>>,
    what: &str,
    full: &str,
    names: &[&str],
) {
    let hint = suggest::did_you_mean(key.get_ref(), names);
    sink.report_fix(
        "HK407",
        key.span().start,
        format!("unknown policy {what} `{full}`: the binaries refuse this file"),
        hint,
    );
}

fn check_section(value: &Item<'_>, section: &Section, full: &str, sink: &mut Sink<'_>) {
    if section.array {
        let Some(items) = value.get_ref().as_array() else {
            wrong_type(
                sink,
                &value.span(),
                full,
                "an array of tables (`[[...]]`)",
                value.get_ref(),
            );
            return;
        };
        for item in items {
            match item.get_ref().as_table() {
                Some(table) => check_keys(table, section.keys, full, sink),
                None => wrong_type(sink, &item.span(), full, "a table", item.get_ref()),
            }
        }
    } else {
        match value.get_ref().as_table() {
            Some(table) => check_keys(table, section.keys, full, sink),
            None => wrong_type(sink, &value.span(), full, "a table", value.get_ref()),
        }
    }
}

fn check_keys(table: &Table<'_>, keys: &[Key], path: &str, sink: &mut Sink<'_>) {
    let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let full = format!("{path}.{name}");
        let Some(known) = keys.iter().find(|k| k.name == name) else {
            refuse_unknown(sink, key, "key", &full, &names);
            continue;
        };
        check_value(value, known.kind, &full, sink);
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

fn wrong_type(sink: &mut Sink<'_>, span: &Range<usize>, full: &str, want: &str, got: &DeValue<'_>) {
    sink.report(
        "HK405",
        span.start,
        format!("`{full}` must be {want}, not {}", got.type_str()),
    );
}

fn check_value(value: &Item<'_>, kind: Kind, full: &str, sink: &mut Sink<'_>) {
    let span = value.span();
    let inner = value.get_ref();
    let want = kind.describe();
    match kind {
        Kind::Str | Kind::Path if !inner.is_str() => wrong_type(sink, &span, full, &want, inner),
        Kind::Url => match inner.as_str() {
            None => wrong_type(sink, &span, full, &want, inner),
            Some(url) => {
                let lower = url.trim().to_ascii_lowercase();
                if !url.trim().is_empty()
                    && !lower.starts_with("http://")
                    && !lower.starts_with("https://")
                {
                    sink.report(
                        "HK405",
                        span.start,
                        format!("`{full}` must be an http(s) URL, not `{url}`"),
                    );
                }
            }
        },
        Kind::Int => match inner {
            DeValue::Integer(n) if n.as_str().starts_with('-') => sink.report(
                "HK405",
                span.start,
                format!("`{full}` must be {want}, not {}", n.as_str()),
            ),
            DeValue::Integer(_) => {}
            _ => wrong_type(sink, &span, full, &want, inner),
        },
        Kind::Bool if !inner.is_bool() => wrong_type(sink, &span, full, &want, inner),
        Kind::OneOf(allowed) => one_of(value, allowed, full, sink),
        Kind::Strings | Kind::StringsOneOf(_) => {
            let Some(items) = inner.as_array() else {
                wrong_type(sink, &span, full, &want, inner);
                return;
            };
            for item in items {
                match kind {
                    Kind::StringsOneOf(allowed) => one_of(item, allowed, full, sink),
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
        Kind::Tables(keys) => match inner.as_array() {
            Some(items) => {
                for item in items {
                    match item.get_ref().as_table() {
                        Some(table) => check_keys(table, keys, full, sink),
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

/// The rules, regexes, jq conditions, globs and class ids of a file.
fn check_contents(root: &Table<'_>, sink: &mut Sink<'_>, sites: &mut Vec<RuleSite>) {
    if let Some(permissions) = get(root, "permissions").and_then(|v| as_table(v)) {
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
    if let Some(rules) = get(root, "rule") {
        check_rules(array(rules), sink);
    }
    if let Some(review) = get(root, "review").and_then(|v| as_table(v)) {
        for item in get(review, "when").map_or(&[][..], array) {
            check_jq(item, sink);
        }
        for item in get(review, "paths").map_or(&[][..], array) {
            check_glob(item, sink);
        }
        for item in get(review, "rule_ids").map_or(&[][..], array) {
            check_class(item, false, "review.rule_ids", sink);
        }
    }
    if let Some(denied) = get(root, "permission_denied").and_then(|v| as_table(v)) {
        for entry in get(denied, "override").map_or(&[][..], array) {
            if let Some(rule) = as_table(entry).and_then(|t| get(t, "rule")) {
                check_class(rule, true, "permission_denied.override.rule", sink);
            }
        }
    }
}

/// A class id the classifier never reports never matches: a typo, or a class that was
/// renamed. `prefix` allows `area.*`.
fn check_class(item: &Item<'_>, prefix: bool, key: &str, sink: &mut Sink<'_>) {
    let Some(id) = str_of(item) else { return };
    let known = match id.strip_suffix('*').filter(|_| prefix) {
        Some(start) => catalog::CLASSES.iter().any(|c| c.id.starts_with(start)),
        None => catalog::lookup(id).is_some(),
    };
    if known {
        return;
    }
    let ids: Vec<&str> = catalog::CLASSES.iter().map(|c| c.id).collect();
    let hint = suggest::did_you_mean(id, &ids).unwrap_or_else(|| {
        "`hookkit lint --explain HK408` says where the class ids are listed".to_owned()
    });
    sink.report_fix(
        "HK408",
        item.span().start,
        format!("`{key}`: `{id}` is not a class the classifier reports, so it never matches"),
        Some(hint),
    );
}

/// Reports what a project file sets that the binaries do not honour, and why: allow rules,
/// opt-ins, locations, lists it may only narrow, and values looser than the trusted layers'.
fn ignored(file: &SourceFile, root: &Table<'_>, options: &Options, sink: &mut Sink<'_>) {
    let mut layers = trusted_layers(options);
    let Ok(project) = Layer::parse(LayerSource::Project(file.path.clone()), file.text.clone())
    else {
        return;
    };
    layers.push(project);
    let Ok(effective) = Effective::of(&layers) else {
        return;
    };
    for ignored in &effective.ignored {
        if let Some(at) = span_of(root, &ignored.key) {
            let fix = if ignored.key == "gate.mode" {
                "an opt-in for this project belongs in ~/.claude/hookkit.toml: `hookkit init --mode MODE`"
            } else {
                "if you mean it, set it in your own ~/.claude/hookkit.toml"
            };
            sink.report_fix(
                "HK409",
                at,
                format!(
                    "`{}` is ignored in a project file: {}",
                    ignored.key, ignored.why
                ),
                Some(fix),
            );
        }
    }
    for (i, rule) in get(root, "rule").map_or(&[][..], array).iter().enumerate() {
        let entry = toml::Value::Table(rule_table(rule));
        if let Some(why) = loosens("rule", "", &entry) {
            sink.report(
                "HK409",
                rule.span().start,
                format!("`rule[{i}]` is ignored in a project file: {why}"),
            );
        }
    }
}

/// The built-in layer and the user's own file (with its section for this project).
fn trusted_layers(options: &Options) -> Vec<Layer> {
    let env = crate::env::Env {
        home: options.home.clone(),
        ..crate::env::Env::default()
    };
    let discovery = crate::config::Discovery::new(
        &env,
        crate::env::Role::Hook,
        None,
        options.project_dir.clone(),
    );
    let (layers, _) = discovery.load_lenient();
    layers
        .into_iter()
        .filter(|l| l.trust() == Trust::Trusted)
        .collect()
}

/// A `[[rule]]` entry as a plain table, for [`loosens`].
fn rule_table(rule: &Item<'_>) -> toml::Table {
    let mut table = toml::Table::new();
    if let Some(decision) = as_table(rule)
        .and_then(|t| get(t, "decision"))
        .and_then(str_of)
    {
        table.insert("decision".into(), toml::Value::String(decision.to_owned()));
    }
    table
}

/// The byte offset of `section.key` or `section.key[i]` in the file.
fn span_of(root: &Table<'_>, key: &str) -> Option<usize> {
    let (path, index) = match key.split_once('[') {
        Some((path, rest)) => (path, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (key, None),
    };
    let (section, name) = path.split_once('.')?;
    let item = get(as_table(get(root, section)?)?, name)?;
    match index {
        Some(i) => array(item).get(i).map(|e| e.span().start),
        None => Some(item.span().start),
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
