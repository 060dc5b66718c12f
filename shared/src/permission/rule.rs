//! One permission rule and its parser.

use std::fmt;

/// Tools whose rule content is a gitignore-style path pattern.
pub const FILE_TOOLS: &[&str] = &[
    "Read",
    "Edit",
    "Write",
    "Glob",
    "Grep",
    "NotebookEdit",
    "MultiEdit",
];

/// What a rule's parenthesised content means for its tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleContent {
    /// No content, or `(*)`: every call of the tool.
    Any,
    /// `Bash(npm run build)`: the whole command, exactly (whitespace normalised).
    BashExact(String),
    /// `Bash(npm run test:*)`: the prefix alone or followed by a space.
    BashPrefix(String),
    /// `Bash(git * main)`: `*` matches anything, anchored on the whole command; `\*` is a star.
    BashWildcard(String),
    /// A file tool's gitignore-style pattern: `//abs`, `~/x`, `/x` (settings root), `./x`, `x`.
    Path(String),
    /// `WebFetch(domain:*.example.com)`.
    Domain(String),
    /// `Tool(param:value)`, such as `Agent(model:opus)`.
    Param {
        /// The input parameter.
        name: String,
        /// Its required value.
        value: String,
    },
    /// Any other content, compared literally: `Agent(Explore)`, `Skill(name)`, `WebSearch(term)`.
    Literal(String),
}

/// A parsed permission rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRule {
    /// The rule as written.
    pub text: String,
    /// The tool name, or the whole `mcp__...` name for MCP rules (which may contain `*`).
    pub tool: String,
    /// The content.
    pub content: RuleContent,
}

/// Why a rule does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSyntaxError {
    /// What is wrong, in Claude Code's terms where it has them.
    pub message: String,
    /// The byte offset in the rule text where the fault is.
    pub column: usize,
    /// A corrected rule or a hint, when there is an obvious one.
    pub fix: Option<String>,
}

impl fmt::Display for RuleSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at column {})", self.message, self.column + 1)
    }
}

impl std::error::Error for RuleSyntaxError {}

fn error(message: impl Into<String>, column: usize, fix: Option<String>) -> RuleSyntaxError {
    RuleSyntaxError {
        message: message.into(),
        column,
        fix,
    }
}

impl PermissionRule {
    /// Parses a rule in Claude Code's syntax.
    pub fn parse(text: &str) -> Result<Self, RuleSyntaxError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(error("empty rule", 0, None));
        }
        let lead = text.len() - text.trim_start().len();
        let (tool, content) = split_tool_and_content(trimmed).map_err(|mut e| {
            e.column += lead;
            e
        })?;
        check_tool_name(tool)?;
        let content_start = lead + tool.len() + 1;
        let content = match content {
            None => RuleContent::Any,
            Some(raw) => classify_content(tool, raw, content_start)?,
        };
        Ok(Self {
            text: text.to_owned(),
            tool: tool.to_owned(),
            content,
        })
    }

    /// Whether this is an MCP rule (`mcp__server`, `mcp__server__tool`, `mcp__server__*`).
    pub fn is_mcp(&self) -> bool {
        self.tool.starts_with("mcp__")
    }
}

/// Splits `Tool(content)` at the first unescaped `(`; checks that the matching `)` ends it.
fn split_tool_and_content(rule: &str) -> Result<(&str, Option<&str>), RuleSyntaxError> {
    let Some(open) = rule.find('(') else {
        if let Some(close) = rule.find(')') {
            return Err(error("`)` without a matching `(`", close, None));
        }
        return Ok((rule, None));
    };
    let tool = &rule[..open];
    let bytes = rule.as_bytes();
    let mut depth = 0usize;
    let mut close = None;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => {
                close = Some(i);
                break;
            }
            b')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    let Some(close) = close else {
        return Err(error(
            "unbalanced parentheses: the rule has no closing `)`",
            rule.len(),
            Some(format!("{rule})")),
        ));
    };
    if depth != 0 {
        return Err(error(
            "unbalanced parentheses inside the rule; escape them as `\\(` and `\\)`",
            open,
            None,
        ));
    }
    if close + 1 != rule.len() {
        return Err(error(
            format!("text after the closing `)`: `{}`", &rule[close + 1..]),
            close + 1,
            Some(rule[..=close].to_owned()),
        ));
    }
    let inner = &rule[open + 1..close];
    if inner.is_empty() {
        return Err(error(
            "empty parentheses: write the tool name alone to match every call",
            open,
            Some(tool.to_owned()),
        ));
    }
    Ok((tool, Some(inner)))
}

fn check_tool_name(tool: &str) -> Result<(), RuleSyntaxError> {
    if tool.is_empty() {
        return Err(error("missing tool name before `(`", 0, None));
    }
    if let Some(bad) = tool
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '*' | '.')))
    {
        return Err(error(
            format!("invalid character `{}` in the tool name", bad.1),
            bad.0,
            None,
        ));
    }
    let first = tool.chars().next().unwrap_or('A');
    if !tool.contains('_') && !first.is_ascii_uppercase() {
        let mut fixed = first.to_ascii_uppercase().to_string();
        fixed.push_str(&tool[1..]);
        return Err(error(
            "Tool names must start with uppercase",
            0,
            Some(fixed),
        ));
    }
    if tool.contains('*') && !tool.starts_with("mcp__") {
        return Err(error(
            "wildcards in the tool name are allowed only in MCP rules",
            tool.find('*').unwrap_or(0),
            None,
        ));
    }
    Ok(())
}

fn classify_content(tool: &str, raw: &str, at: usize) -> Result<RuleContent, RuleSyntaxError> {
    if tool.starts_with("mcp__") {
        return Err(error(
            "MCP rules take no parentheses: use `mcp__server`, `mcp__server__tool` or `mcp__server__*`",
            at - 1,
            None,
        ));
    }
    let content = raw.trim();
    if content.is_empty() || content == "*" {
        return Ok(RuleContent::Any);
    }
    let unescaped = unescape_parens(content);
    match tool {
        "Bash" => bash_content(&unescaped, at),
        t if FILE_TOOLS.contains(&t) => {
            if let Some(pos) = unescaped.find(":*") {
                return Err(error(
                    "`:*` is Bash's prefix syntax; file rules use globs such as `src/**`",
                    at + pos,
                    Some(format!(
                        "{tool}({}**)",
                        unescaped[..pos].trim_end_matches('/').to_owned() + "/"
                    )),
                ));
            }
            Ok(RuleContent::Path(unescaped))
        }
        "WebFetch" => {
            if unescaped.contains("://") {
                let host = unescaped
                    .split("://")
                    .nth(1)
                    .unwrap_or("")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                return Err(error(
                    "WebFetch permissions use domain format, not URLs",
                    at,
                    Some(format!("WebFetch(domain:{host})")),
                ));
            }
            match unescaped.strip_prefix("domain:") {
                Some(domain) if !domain.is_empty() => Ok(RuleContent::Domain(domain.to_owned())),
                _ => Err(error(
                    "WebFetch rules must be `WebFetch(domain:example.com)`",
                    at,
                    None,
                )),
            }
        }
        "WebSearch" => {
            if let Some(pos) = unescaped.find('*') {
                return Err(error("WebSearch rules take no wildcards", at + pos, None));
            }
            Ok(RuleContent::Literal(unescaped))
        }
        _ => Ok(match unescaped.split_once(':') {
            Some((name, value))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                RuleContent::Param {
                    name: name.to_owned(),
                    value: value.to_owned(),
                }
            }
            _ => RuleContent::Literal(unescaped),
        }),
    }
}

fn bash_content(content: &str, at: usize) -> Result<RuleContent, RuleSyntaxError> {
    if let Some(prefix) = content.strip_suffix(":*") {
        if prefix.trim().is_empty() {
            return Err(error(
                "the prefix before `:*` is empty",
                at,
                Some("Bash".to_owned()),
            ));
        }
        if let Some(pos) = prefix.find(":*") {
            return Err(error(
                "`:*` may appear only once, at the end",
                at + pos,
                None,
            ));
        }
        return Ok(RuleContent::BashPrefix(normalise_space(prefix)));
    }
    if let Some(pos) = content.find(":*") {
        return Err(error(
            "`:*` must be at the end of the rule",
            at + pos,
            Some(format!("Bash({} *)", content.replace(":*", "").trim())),
        ));
    }
    if has_unescaped_star(content) {
        Ok(RuleContent::BashWildcard(normalise_space(content)))
    } else {
        Ok(RuleContent::BashExact(normalise_space(
            &content.replace("\\*", "*"),
        )))
    }
}

fn has_unescaped_star(s: &str) -> bool {
    let mut escaped = false;
    for c in s.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '*' if !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

fn unescape_parens(s: &str) -> String {
    s.replace("\\(", "(").replace("\\)", ")")
}

/// Collapses runs of whitespace to one space and trims, as Claude Code does before matching.
pub(crate) fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rule: &str) -> RuleContent {
        PermissionRule::parse(rule).unwrap().content
    }

    fn fault(rule: &str) -> RuleSyntaxError {
        PermissionRule::parse(rule).unwrap_err()
    }

    #[test]
    fn parses_each_bash_form() {
        assert_eq!(content("Bash"), RuleContent::Any);
        assert_eq!(content("Bash(*)"), RuleContent::Any);
        assert_eq!(
            content("Bash(npm run build)"),
            RuleContent::BashExact("npm run build".into())
        );
        assert_eq!(
            content("Bash(npm run test:*)"),
            RuleContent::BashPrefix("npm run test".into())
        );
        assert_eq!(
            content("Bash(git * main)"),
            RuleContent::BashWildcard("git * main".into())
        );
        assert_eq!(
            content("Bash(echo \\*)"),
            RuleContent::BashExact("echo *".into())
        );
    }

    #[test]
    fn rejects_what_claude_code_rejects() {
        assert!(fault("Bash(:*)").message.contains("empty"));
        assert!(fault("Bash(npm:* run)").message.contains("end"));
        assert!(fault("Bash(ls)x").message.contains("after"));
        assert!(fault("Bash(ls").message.contains("unbalanced"));
        assert_eq!(
            fault("bash(ls)").message,
            "Tool names must start with uppercase"
        );
        assert!(
            fault("WebFetch(https://x.com/a)")
                .message
                .contains("domain format")
        );
        assert!(fault("mcp__github(x)").message.contains("MCP"));
        assert!(fault("Read(src:*)").message.contains(":*"));
        assert!(fault("Bash()").message.contains("empty parentheses"));
    }

    #[test]
    fn reports_columns() {
        assert_eq!(fault("Bash(ls)x").column, 8);
        assert_eq!(fault("Bash(npm:* run)").column, 8);
    }

    #[test]
    fn parses_other_tools() {
        assert_eq!(content("Read(./.env)"), RuleContent::Path("./.env".into()));
        assert_eq!(
            content("WebFetch(domain:*.example.com)"),
            RuleContent::Domain("*.example.com".into())
        );
        assert_eq!(
            content("Agent(model:opus)"),
            RuleContent::Param {
                name: "model".into(),
                value: "opus".into()
            }
        );
        assert_eq!(
            content("Skill(deploy)"),
            RuleContent::Literal("deploy".into())
        );
        let mcp = PermissionRule::parse("mcp__github__*").unwrap();
        assert!(mcp.is_mcp());
        assert_eq!(mcp.content, RuleContent::Any);
    }

    #[test]
    fn escaped_parentheses_are_content() {
        assert_eq!(
            content("Bash(echo \\(hi\\))"),
            RuleContent::BashExact("echo (hi)".into())
        );
    }
}
