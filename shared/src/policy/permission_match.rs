//! Matching one rule in Claude Code's syntax against a tool call, with Claude Code's semantics.

use std::path::Path;

use serde_json::Value;

use super::call::CallFacts;
use super::global_options::without_global_options;
use super::path::PathPattern;
use super::wildcard::Wildcard;
use crate::Result;
use crate::permission::{FILE_TOOLS, PermissionRule, RuleContent};
use crate::protocol::{FileAccess, ToolView};
use crate::shell::Command;

/// A parsed permission rule, ready to match.
#[derive(Debug)]
pub(crate) struct PermissionMatcher {
    /// The rule as parsed.
    pub(crate) rule: PermissionRule,
    /// The content's matcher.
    content: Content,
    /// Whether the rule is an allow (MCP wildcards are then limited to the tool part).
    allow: bool,
}

#[derive(Debug)]
enum Content {
    Any,
    Exact(String),
    Prefix(String),
    Wildcard {
        pattern: Wildcard,
        /// `npm *` also matches the bare `npm`.
        bare: Option<String>,
    },
    Path(PathPattern),
    Domain(String),
    Param {
        name: String,
        value: String,
    },
    Literal(String),
}

impl PermissionMatcher {
    /// Prepares a rule; `settings_root` anchors `/x` path patterns.
    pub(crate) fn new(rule: PermissionRule, settings_root: &Path, allow: bool) -> Self {
        let content = match &rule.content {
            RuleContent::Any => Content::Any,
            RuleContent::BashExact(s) => Content::Exact(s.clone()),
            RuleContent::BashPrefix(s) => Content::Prefix(s.clone()),
            RuleContent::BashWildcard(s) => Content::Wildcard {
                pattern: Wildcard::new(s),
                bare: s
                    .strip_suffix(" *")
                    .filter(|head| !head.ends_with('\\'))
                    .map(str::to_owned),
            },
            RuleContent::Path(p) => Content::Path(PathPattern::new(p, settings_root)),
            RuleContent::Domain(d) => Content::Domain(d.to_ascii_lowercase()),
            RuleContent::Param { name, value } => Content::Param {
                name: name.clone(),
                value: value.clone(),
            },
            RuleContent::Literal(s) => Content::Literal(s.clone()),
        };
        Self {
            rule,
            content,
            allow,
        }
    }

    /// Whether the rule names the Bash tool.
    pub(crate) fn is_bash(&self) -> bool {
        self.rule.tool == "Bash"
    }

    /// Whether a Bash rule matches one simple command. Allow rules look at the command's text
    /// only; deny and ask rules also look at the command with its wrappers removed, so that
    /// `sudo git push --force` is caught by a `git push` rule, and with the program's global
    /// options removed, so that `git -C . push` is too.
    pub(crate) fn matches_command(&self, command: &Command) -> bool {
        if !self.is_bash() {
            return false;
        }
        if self.bash_text_matches(&command.text) {
            return true;
        }
        if self.allow || command.effective.is_empty() {
            return false;
        }
        let effective = command.effective.join(" ");
        if effective != command.text && self.bash_text_matches(&effective) {
            return true;
        }
        without_global_options(&command.effective)
            .is_some_and(|words| self.bash_text_matches(&words.join(" ")))
    }

    fn bash_text_matches(&self, text: &str) -> bool {
        match &self.content {
            Content::Any => true,
            Content::Exact(exact) => text == exact,
            Content::Prefix(prefix) => {
                prefix_matches(text, prefix)
                    || text
                        .strip_prefix("xargs ")
                        .is_some_and(|rest| prefix_matches(rest.trim_start(), prefix))
            }
            Content::Wildcard { pattern, bare } => {
                pattern.matches(text) || bare.as_deref() == Some(text)
            }
            _ => false,
        }
    }

    /// Whether a rule for a tool other than Bash matches the call.
    pub(crate) fn matches_call(&self, facts: &CallFacts<'_>) -> Result<bool> {
        if self.is_bash() {
            return Ok(false);
        }
        if self.rule.is_mcp() {
            return Ok(self.mcp_matches(&facts.call.name));
        }
        if !self.tool_covers(facts) {
            return Ok(false);
        }
        Ok(match &self.content {
            Content::Any => true,
            Content::Path(pattern) => match &facts.file_path {
                Some(path) => pattern.matches(path, facts.anchors(), facts.searches)?,
                None => false,
            },
            Content::Domain(domain) => match facts.view {
                ToolView::WebFetch(fetch) => {
                    url_host(&fetch.url).is_some_and(|host| domain_matches(&host, domain))
                }
                _ => false,
            },
            Content::Param { name, value } => facts
                .call
                .input
                .get(name)
                .is_some_and(|v| value_text(v).as_deref() == Some(value.as_str())),
            Content::Literal(literal) => literal_matches(facts, literal),
            Content::Exact(_) | Content::Prefix(_) | Content::Wildcard { .. } => false,
        })
    }

    /// `Edit(...)` covers every editing tool and `Read(...)` covers Read, Grep and Glob.
    fn tool_covers(&self, facts: &CallFacts<'_>) -> bool {
        let tool = self.rule.tool.as_str();
        if tool == facts.call.name {
            return true;
        }
        let access = match facts.view {
            ToolView::File { access, .. } if FILE_TOOLS.contains(&facts.call.name.as_str()) => {
                *access
            }
            _ => return false,
        };
        matches!(
            (tool, access),
            ("Edit", FileAccess::Write) | ("Read", FileAccess::Read)
        )
    }

    /// `mcp__server` covers the server's tools; `mcp__server__tool` is exact; stars are
    /// wildcards, which allow rules honour only after a literal `mcp__<server>__`.
    fn mcp_matches(&self, name: &str) -> bool {
        let rule = self.rule.tool.as_str();
        if !rule.contains('*') {
            if name == rule {
                return true;
            }
            let server_only = !rule["mcp__".len()..].contains("__");
            return server_only
                && name
                    .strip_prefix(rule)
                    .is_some_and(|rest| rest.starts_with("__") && rest.len() > 2);
        }
        if self.allow {
            let literal_server = rule["mcp__".len()..]
                .split_once("__")
                .is_some_and(|(server, _)| !server.is_empty() && !server.contains('*'));
            if !literal_server {
                return false;
            }
        }
        Wildcard::new(rule).matches(name)
    }
}

fn prefix_matches(text: &str, prefix: &str) -> bool {
    text == prefix
        || text
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(' '))
}

/// The lower-cased host of an http(s) URL.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.trim_end_matches('.').to_ascii_lowercase())
}

/// `example.com` matches only itself; `*.example.com` matches its subdomains.
pub(crate) fn domain_matches(host: &str, domain: &str) -> bool {
    match domain.strip_prefix("*.") {
        Some(parent) => host
            .strip_suffix(parent)
            .is_some_and(|head| head.ends_with('.') && head.len() > 1),
        None => host == domain,
    }
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        _ => None,
    }
}

/// `Agent(Explore)`, `Skill(name)`, `WebSearch(term)`: the tool's main field equals the text.
fn literal_matches(facts: &CallFacts<'_>, literal: &str) -> bool {
    let main_fields: &[&str] = match facts.call.name.as_str() {
        "WebSearch" => &["query"],
        "Agent" | "Task" => &["subagent_type"],
        "Skill" => &["skill", "command", "name"],
        _ => &[],
    };
    let input = &facts.call.input;
    if main_fields.is_empty() {
        return input
            .as_object()
            .is_some_and(|map| map.values().any(|v| v.as_str() == Some(literal)));
    }
    main_fields
        .iter()
        .any(|field| input.get(field).and_then(Value::as_str) == Some(literal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_domains() {
        assert_eq!(
            url_host("https://User@Docs.Example.com:8443/a?b").as_deref(),
            Some("docs.example.com")
        );
        assert!(domain_matches("docs.example.com", "*.example.com"));
        assert!(!domain_matches("example.com", "*.example.com"));
        assert!(!domain_matches("evilexample.com", "*.example.com"));
        assert!(domain_matches("example.com", "example.com"));
    }

    #[test]
    fn prefixes_need_a_word_boundary() {
        assert!(prefix_matches("npm run test", "npm run test"));
        assert!(prefix_matches("npm run test:unit x", "npm run test:unit"));
        assert!(!prefix_matches("npm run testing", "npm run test"));
    }
}
