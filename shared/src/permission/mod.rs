//! Claude Code's permission-rule syntax: `Tool`, `Tool(content)`, `mcp__server__tool`.
//!
//! [`PermissionRule::parse`] accepts exactly what Claude Code 2.1.329 accepts and rejects what
//! makes Claude Code skip a whole settings file, with the column of the fault so that
//! `rules-lint` can point at it. Matching a rule against a tool call lives in the policy engine.

mod rule;

pub use rule::{FILE_TOOLS, PermissionRule, RuleContent, RuleSyntaxError};
