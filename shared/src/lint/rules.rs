//! Checks of Claude Code permission rules: syntax, dead colons, rules broader than they read,
//! and, across every layer, duplicates and allows that a deny or ask rule voids.

use std::collections::HashMap;
use std::fmt;

use crate::permission::{PermissionRule, RuleContent};

use super::bash_rule_match::{RuleMatcher, bash_covers, literal_words};
use super::finding::{Finding, Sink, line_column};
use super::{SourceFile, catalog};

/// Which list of `permissions` a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleList {
    /// `permissions.allow`.
    Allow,
    /// `permissions.ask`.
    Ask,
    /// `permissions.deny`.
    Deny,
}

impl fmt::Display for RuleList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "allow",
            Self::Ask => "ask",
            Self::Deny => "deny",
        })
    }
}

/// A valid rule and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct RuleSite {
    /// Index of the file.
    pub(crate) file: usize,
    /// Byte offset of the rule's first character in the file.
    pub(crate) offset: usize,
    /// The list it is in.
    pub(crate) list: RuleList,
    /// The parsed rule.
    pub(crate) rule: PermissionRule,
}

/// Programs that run whatever they are given: allowing them with any arguments allows all.
const RUNS_ANYTHING: &[&str] = &[
    "bash", "sh", "zsh", "dash", "ksh", "fish", "python", "python3", "python2", "node", "deno",
    "bun", "ruby", "perl", "php", "lua", "xargs", "eval", "exec", "env", "sudo", "doas", "su",
    "find", "nohup", "timeout", "nice", "command", "builtin", "ssh", "watch", "parallel",
];

/// Checks one rule of file `sink.file`; `offset_of(col)` maps a byte column of the rule text
/// to a byte offset in the file. Returns the rule's site when it parses.
pub(crate) fn check_rule(
    text: &str,
    list: RuleList,
    sink: &mut Sink<'_>,
    offset_of: &dyn Fn(usize) -> usize,
) -> Option<RuleSite> {
    let rule = match PermissionRule::parse(text) {
        Ok(rule) => rule,
        Err(e) => {
            sink.report_fix(
                "HK201",
                offset_of(e.column),
                format!(
                    "invalid permission rule `{text}`: {}; Claude Code skips every permission of this file",
                    e.message
                ),
                e.fix.map(|f| format!("write `{f}`")),
            );
            return None;
        }
    };
    let start = offset_of(0);
    check_colon(&rule, list, sink, offset_of);
    if matches!(rule.tool.as_str(), "Write" | "NotebookEdit" | "Glob")
        && matches!(rule.content, RuleContent::Path(_))
    {
        let better = if rule.tool == "Glob" { "Read" } else { "Edit" };
        sink.report_fix(
            "HK209",
            start,
            format!("`{}(...)` rules are deprecated for file paths", rule.tool),
            Some(format!(
                "write `{}`",
                text.trim().replacen(&rule.tool, better, 1)
            )),
        );
    }
    if list == RuleList::Allow && rule.tool == "Bash" {
        check_broad_allow(&rule, sink, start);
    }
    Some(RuleSite {
        file: sink.file,
        offset: start,
        list,
        rule,
    })
}

fn check_colon(
    rule: &PermissionRule,
    list: RuleList,
    sink: &mut Sink<'_>,
    offset_of: &dyn Fn(usize) -> usize,
) {
    let (RuleContent::BashExact(body)
    | RuleContent::BashWildcard(body)
    | RuleContent::BashPrefix(body)) = &rule.content
    else {
        return;
    };
    if !body.contains(':') {
        return;
    }
    let what = if body.contains("://") {
        "a URL"
    } else if body
        .split(':')
        .nth(1)
        .is_some_and(|after| after.starts_with(|c: char| c.is_ascii_digit()))
    {
        "a tag or port"
    } else {
        "a colon"
    };
    let column = rule.text.find(':').unwrap_or(0);
    // Keep the words before the first one with a colon; a wildcard there is broader, which is
    // safe for a deny or ask but not for an allow.
    let words: Vec<String> = literal_words(body)
        .into_iter()
        .take_while(|w| !w.contains(':'))
        .collect();
    let suggestion = if list == RuleList::Allow || words.is_empty() {
        "let pretooluse-gate decide this command".to_owned()
    } else {
        format!(
            "write `Bash({} *)`, or let pretooluse-gate decide",
            words.join(" ")
        )
    };
    sink.report_fix(
        "HK202",
        offset_of(column),
        format!(
            "`{}` has {what} inside a Bash rule: `:` is rule syntax, so the rule never matches the command it reads as",
            rule.text.trim()
        ),
        Some(suggestion),
    );
}

fn check_broad_allow(rule: &PermissionRule, sink: &mut Sink<'_>, at: usize) {
    let shown = rule.text.trim();
    let (body, open_ended) = match &rule.content {
        RuleContent::Any => {
            sink.report_fix(
                "HK206",
                at,
                format!("`{shown}` allows every shell command"),
                Some("allow the specific commands the agent needs, and let pretooluse-gate assess the rest"),
            );
            return;
        }
        RuleContent::BashPrefix(p) => (p.as_str(), true),
        RuleContent::BashWildcard(w) => (w.as_str(), true),
        RuleContent::BashExact(e) => (e.as_str(), false),
        _ => return,
    };
    let words = literal_words(body);
    if open_ended && let Some(program) = words.first() {
        let fixed = words.len() == 1
            || words
                .get(1)
                .is_some_and(|w| matches!(w.as_str(), "-c" | "-e" | "-exec" | "--"));
        let program = program.rsplit('/').next().unwrap_or(program);
        if fixed && RUNS_ANYTHING.contains(&program) {
            sink.report_fix(
                    "HK207",
                    at,
                    format!("`{shown}` allows `{program}` with any arguments, and `{program}` runs whatever it is given"),
                    Some(format!("allow the specific `{program} ...` commands needed, or let pretooluse-gate assess `{program}`")),
                );
            return;
        }
    }
    if let RuleContent::BashWildcard(w) = &rule.content {
        let inner = w.trim_end_matches('*').trim_end();
        if let Some(star) = inner.find('*').filter(|_| has_unescaped_inner_star(inner)) {
            let filler = if words.first().is_some_and(|p| p == "git") {
                "push --force origin"
            } else {
                "--any --flags"
            };
            let mut example = String::from(&w[..star]);
            example.push_str(filler);
            example.push_str(&w[star + 1..]);
            let example = example.replace('*', "x");
            sink.report_fix(
                "HK206",
                at,
                format!(
                    "`{shown}`: a `*` inside the rule matches any words, flags included; it also allows `{}`",
                    example.split_whitespace().collect::<Vec<_>>().join(" ")
                ),
                Some("list the exact commands, or put `*` only at the end"),
            );
        }
    }
}

fn has_unescaped_inner_star(s: &str) -> bool {
    s.match_indices('*')
        .any(|(i, _)| i == 0 || s.as_bytes()[i - 1] != b'\\')
}

/// Duplicates and shadowed allows across every file.
pub(crate) fn check_across(files: &[SourceFile], sites: &[RuleSite]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut first_of: HashMap<(RuleList, &str, String), usize> = HashMap::new();
    // Cheap necessary conditions, computed once: a Bash rule covers another only if its
    // literal head is a prefix of the other's; deny and ask rules grouped by tool.
    let matchers: Vec<Option<RuleMatcher>> = sites
        .iter()
        .map(|s| is_bash_content(&s.rule.content).then(|| RuleMatcher::new(&s.rule.content)))
        .collect();
    let mut blockers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, site) in sites.iter().enumerate() {
        if site.list != RuleList::Allow {
            blockers
                .entry(tool_family(&site.rule.tool))
                .or_default()
                .push(index);
        }
    }
    for (index, site) in sites.iter().enumerate() {
        let key = (
            site.list,
            site.rule.tool.as_str(),
            format!("{:?}", site.rule.content),
        );
        if let Some(&first) = first_of.get(&key) {
            out.push(finding(
                files,
                site,
                "HK203",
                format!(
                    "duplicate {} rule `{}`, already at {}",
                    site.list,
                    site.rule.text.trim(),
                    place(files, &sites[first])
                ),
                Some("remove this copy".to_owned()),
            ));
            continue;
        }
        first_of.insert(key, index);
        if site.list != RuleList::Allow {
            continue;
        }
        let candidates = blockers
            .get(tool_family(&site.rule.tool))
            .map_or(&[][..], Vec::as_slice);
        for (list, id) in [(RuleList::Deny, "HK204"), (RuleList::Ask, "HK205")] {
            let cover = candidates.iter().map(|&i| (i, &sites[i])).find(|(i, s)| {
                s.list == list
                    && match (&matchers[*i], &matchers[index]) {
                        (Some(broad), Some(narrow)) => broad.covers(narrow),
                        _ => {
                            path_may_cover(&s.rule.content, &site.rule.content)
                                && covers(&s.rule, &site.rule)
                        }
                    }
            });
            if let Some((_, cover)) = cover {
                let effect = if list == RuleList::Deny {
                    "deny always wins, so it never allows anything"
                } else {
                    "ask is checked before allow, so the call is still asked"
                };
                out.push(finding(
                    files,
                    site,
                    id,
                    format!(
                        "allow rule `{}` is covered by {list} rule `{}` at {}: {effect}",
                        site.rule.text.trim(),
                        cover.rule.text.trim(),
                        place(files, cover)
                    ),
                    Some(format!(
                        "remove the allow, or narrow the {list} rule if the allow is wanted"
                    )),
                ));
                break;
            }
        }
    }
    out
}

/// A cheap necessary condition for one path rule to cover another: the broad pattern's
/// literal start is a prefix of the narrow one's.
fn path_may_cover(broad: &RuleContent, narrow: &RuleContent) -> bool {
    match (broad, narrow) {
        (RuleContent::Path(b), RuleContent::Path(n)) => {
            let literal = b.split(['*', '?', '[']).next().unwrap_or("");
            n.starts_with(literal)
        }
        _ => true,
    }
}

fn is_bash_content(content: &RuleContent) -> bool {
    matches!(
        content,
        RuleContent::BashExact(_) | RuleContent::BashPrefix(_) | RuleContent::BashWildcard(_)
    )
}

/// The tool a rule is about, with MCP rules grouped by `mcp__` so server rules meet tools.
fn tool_family(tool: &str) -> &str {
    if tool.starts_with("mcp__") {
        "mcp__"
    } else {
        tool
    }
}

fn finding(
    files: &[SourceFile],
    site: &RuleSite,
    id: &'static str,
    message: String,
    fix: Option<String>,
) -> Finding {
    let (line, column) = line_column(&files[site.file].text, site.offset);
    Finding {
        id,
        severity: catalog::lookup(id).map_or(super::Severity::Warning, |e| e.severity),
        file: site.file,
        line,
        column,
        message,
        fix,
    }
}

/// `file:line` of a site, for messages.
pub(crate) fn place(files: &[SourceFile], site: &RuleSite) -> String {
    let (line, _) = line_column(&files[site.file].text, site.offset);
    format!("{}:{line}", files[site.file].display)
}

/// Whether every call `narrow` matches is also matched by `broad`.
pub(crate) fn covers(broad: &PermissionRule, narrow: &PermissionRule) -> bool {
    if !tool_covers(&broad.tool, &narrow.tool) {
        return false;
    }
    if broad.tool != narrow.tool {
        // An MCP server or glob rule covering a tool rule; MCP rules have no content.
        return true;
    }
    match (&broad.content, &narrow.content) {
        (RuleContent::Any, _) => true,
        (_, RuleContent::Any) => false,
        (
            RuleContent::BashExact(_) | RuleContent::BashPrefix(_) | RuleContent::BashWildcard(_),
            _,
        ) => bash_covers(&broad.content, &narrow.content),
        (RuleContent::Path(b), RuleContent::Path(n)) => {
            b == n
                || (!n.contains(['*', '?', '['])
                    && crate::glob::Pattern::new(b).is_ok_and(|p| p.matches(n)))
                || b.strip_suffix("/**")
                    .is_some_and(|dir| n.starts_with(dir) && n[dir.len()..].starts_with('/'))
        }
        (RuleContent::Domain(b), RuleContent::Domain(n)) => {
            b == n
                || b.strip_prefix("*.")
                    .is_some_and(|suffix| n.ends_with(&format!(".{suffix}")))
        }
        (b, n) => b == n,
    }
}

fn tool_covers(broad: &str, narrow: &str) -> bool {
    if broad == narrow {
        return true;
    }
    if !broad.starts_with("mcp__") || !narrow.starts_with("mcp__") {
        return false;
    }
    let server_only = broad.matches("__").count() == 1 && !broad.contains('*');
    if server_only {
        return narrow.starts_with(&format!("{broad}__"));
    }
    broad
        .strip_suffix('*')
        .is_some_and(|prefix| !prefix.contains('*') && narrow.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> PermissionRule {
        PermissionRule::parse(text).unwrap()
    }

    #[test]
    fn coverage_follows_claude_code_semantics() {
        assert!(covers(&rule("Bash"), &rule("Bash(ls)")));
        assert!(covers(
            &rule("Bash(git push:*)"),
            &rule("Bash(git push --force)")
        ));
        assert!(covers(&rule("Bash(git *)"), &rule("Bash(git push:*)")));
        assert!(!covers(&rule("Bash(git push:*)"), &rule("Bash(git *)")));
        assert!(covers(
            &rule("Read(./secrets/**)"),
            &rule("Read(./secrets/a.txt)")
        ));
        assert!(covers(
            &rule("mcp__github"),
            &rule("mcp__github__get_issue")
        ));
        assert!(covers(
            &rule("mcp__github__get_*"),
            &rule("mcp__github__get_issue")
        ));
        assert!(!covers(
            &rule("mcp__github__get_*"),
            &rule("mcp__github__create")
        ));
        assert!(covers(
            &rule("WebFetch(domain:*.example.com)"),
            &rule("WebFetch(domain:api.example.com)")
        ));
        assert!(!covers(&rule("Read(./a)"), &rule("Edit(./a)")));
    }
}
