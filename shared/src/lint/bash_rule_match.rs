//! Claude Code's Bash-rule matching, as far as the lint needs it (spec section 9): exact,
//! legacy prefix (`p` or `p ...`) and anchored wildcard (`*` is any text, `\*` a star, a
//! trailing ` *` also matches the bare command), applied to each sub-command of a compound
//! line after `VAR=value` prefixes and the wrappers Claude Code strips are removed.
//!
//! Scoped to `rules-lint`: the gate's policy engine has its own matcher, and the two are to be
//! reconciled; keep this one small and literal.

use crate::permission::RuleContent;

/// One token of a rule pattern: a literal character or a `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    Star,
}

/// A Bash rule as a pattern: `tokens`, plus the bare form a trailing ` *` also matches.
struct Pattern {
    tokens: Vec<Token>,
    bare: Option<Vec<Token>>,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push(Token::Char('*'));
            }
            '*' => out.push(Token::Star),
            c => out.push(Token::Char(c)),
        }
    }
    out
}

fn pattern(content: &RuleContent) -> Option<Pattern> {
    let (tokens, open) = match content {
        RuleContent::Any => (vec![Token::Star], false),
        RuleContent::BashExact(e) => (e.chars().map(Token::Char).collect(), false),
        RuleContent::BashPrefix(p) => {
            let mut t: Vec<Token> = p.chars().map(Token::Char).collect();
            t.extend([Token::Char(' '), Token::Star]);
            (t, true)
        }
        RuleContent::BashWildcard(w) => {
            let t = tokens(w);
            let open = t.ends_with(&[Token::Char(' '), Token::Star]);
            (t, open)
        }
        _ => return None,
    };
    let bare = open.then(|| tokens_without_tail(&tokens));
    Some(Pattern { tokens, bare })
}

fn tokens_without_tail(tokens: &[Token]) -> Vec<Token> {
    tokens[..tokens.len() - 2].to_vec()
}

/// Whether every string `narrow` matches is matched by `broad` (a star in `narrow` can only be
/// absorbed by a star in `broad`). Sound, and exact for the rule shapes people write.
fn includes(broad: &[Token], narrow: &[Token]) -> bool {
    let n = narrow.len();
    // reach[j]: the broad tokens so far can produce narrow[..j].
    let mut reach = vec![false; n + 1];
    let mut next = vec![false; n + 1];
    reach[0] = true;
    for token in broad {
        match token {
            Token::Star => {
                let mut any = false;
                for j in 0..=n {
                    any |= reach[j];
                    next[j] = any;
                }
            }
            Token::Char(c) => {
                next[0] = false;
                for j in 0..n {
                    next[j + 1] = reach[j] && narrow[j] == Token::Char(*c);
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.contains(&true) {
            return false;
        }
    }
    reach[n]
}

fn pattern_includes(broad: &Pattern, narrow: &[Token]) -> bool {
    includes(&broad.tokens, narrow) || broad.bare.as_ref().is_some_and(|b| includes(b, narrow))
}

/// Whether Bash rule `broad` matches every command Bash rule `narrow` matches.
pub(crate) fn bash_covers(broad: &RuleContent, narrow: &RuleContent) -> bool {
    let (Some(b), Some(n)) = (pattern(broad), pattern(narrow)) else {
        return false;
    };
    pattern_includes(&b, &n.tokens)
        && n.bare
            .as_ref()
            .is_none_or(|bare| pattern_includes(&b, bare))
}

/// A Bash rule compiled once, to match many command lines.
pub(crate) struct RuleMatcher {
    pattern: Option<Pattern>,
    /// The literal text before the first `*`, trimmed: every match starts with it.
    head: String,
}

impl RuleMatcher {
    /// Compiles a rule's content; other tools' content never matches.
    pub(crate) fn new(content: &RuleContent) -> Self {
        let pattern = pattern(content);
        let head: String = pattern.as_ref().map_or_else(String::new, |p| {
            p.tokens
                .iter()
                .map_while(|t| match t {
                    Token::Char(c) => Some(*c),
                    Token::Star => None,
                })
                .collect()
        });
        Self {
            pattern,
            head: head.trim_end().to_owned(),
        }
    }

    /// Whether every command `narrow` matches is matched by this rule.
    pub(crate) fn covers(&self, narrow: &Self) -> bool {
        let (Some(b), Some(n)) = (&self.pattern, &narrow.pattern) else {
            return false;
        };
        narrow.head.starts_with(&self.head)
            && pattern_includes(b, &n.tokens)
            && n.bare.as_ref().is_none_or(|bare| pattern_includes(b, bare))
    }

    /// Whether the rule matches one already-normalised simple command.
    pub(crate) fn matches(&self, command: &str) -> bool {
        let Some(p) = &self.pattern else {
            return false;
        };
        if !command.starts_with(&self.head) {
            return false;
        }
        let text: Vec<Token> = command.chars().map(Token::Char).collect();
        pattern_includes(p, &text)
    }

    /// Whether a deny or ask rule catches `line`: some sub-command of it, as Claude Code sees
    /// it (assignments and stripped wrappers removed, whitespace normalised), matches.
    pub(crate) fn catches(&self, line: &str) -> bool {
        // A line without shell syntax is one simple command: no need for the shell reader.
        let plain = !line.contains(['\'', '"', '\\', ';', '&', '|', '\n', '=', '$', '`', '(']);
        if plain {
            return self.matches(&strip_known_wrappers(line));
        }
        let Ok(commands) = crate::shell::parse(line) else {
            return false;
        };
        commands
            .iter()
            .any(|c| self.matches(&strip_known_wrappers(&c.text)))
    }
}

/// Whether a Bash rule matches one already-normalised simple command.
#[cfg(test)]
fn matches_command(content: &RuleContent, command: &str) -> bool {
    RuleMatcher::new(content).matches(command)
}

/// Whether a deny or ask rule catches `line` (see [`RuleMatcher::catches`]).
#[cfg(test)]
fn rule_catches(content: &RuleContent, line: &str) -> bool {
    RuleMatcher::new(content).catches(line)
}

/// Wrappers Claude Code's Bash-rule matcher removes before matching (spec section 9 lists
/// `timeout, nice, stdbuf, env, command, builtin, noglob`). How it applies the list was not
/// traced, so the lint assumes it strips them with their usual arguments: a variant through
/// them is then not reported, which keeps HK301 free of false alarms.
fn strip_known_wrappers(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    loop {
        let skip = match words.first().copied() {
            Some("nice") => 1 + usize::from(words.get(1) == Some(&"-n")) * 2,
            Some("timeout") => {
                let options = words[1..].iter().take_while(|w| w.starts_with('-')).count();
                2 + options
            }
            Some("stdbuf") => 1 + words[1..].iter().take_while(|w| w.starts_with('-')).count(),
            Some("env") => {
                1 + words[1..]
                    .iter()
                    .take_while(|w| w.contains('=') || w.starts_with('-'))
                    .count()
            }
            Some("command" | "builtin" | "noglob") => 1,
            _ => break,
        };
        words.drain(..skip.min(words.len()));
    }
    words.join(" ")
}

/// The words of a rule body before its first `*`, whole words only.
pub(crate) fn literal_words(body: &str) -> Vec<String> {
    let before = body.split('*').next().unwrap_or("");
    let complete = if body.contains('*') && !before.ends_with(' ') {
        before.rsplit_once(' ').map_or("", |(head, _)| head)
    } else {
        before
    };
    complete.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> RuleContent {
        RuleContent::BashExact(s.into())
    }
    fn prefix(s: &str) -> RuleContent {
        RuleContent::BashPrefix(s.into())
    }
    fn wild(s: &str) -> RuleContent {
        RuleContent::BashWildcard(s.into())
    }

    #[test]
    fn matches_each_rule_form() {
        assert!(matches_command(&exact("git status"), "git status"));
        assert!(!matches_command(&exact("git status"), "git status -s"));
        assert!(matches_command(&prefix("git push"), "git push"));
        assert!(matches_command(&prefix("git push"), "git push origin"));
        assert!(!matches_command(&prefix("git push"), "git pushx"));
        assert!(matches_command(&wild("npm *"), "npm"));
        assert!(matches_command(
            &wild("git * main"),
            "git push --force origin main"
        ));
        assert!(!matches_command(&wild("git * main"), "git push main2"));
        assert!(matches_command(&wild("* --version"), "node --version"));
    }

    #[test]
    fn catches_sub_commands_after_stripping() {
        let rule = prefix("git push --force");
        assert!(rule_catches(&rule, "FOO=1 git push --force"));
        assert!(rule_catches(&rule, "ls && git push --force"));
        assert!(rule_catches(&rule, "timeout 5 git push --force"));
        assert!(rule_catches(&rule, "env A=b git push --force"));
        assert!(!rule_catches(&rule, "sudo git push --force"));
        assert!(!rule_catches(&rule, "git push -f"));
    }

    #[test]
    fn coverage_of_rules() {
        assert!(bash_covers(&prefix("git"), &wild("git push *")));
        assert!(bash_covers(&wild("git *"), &prefix("git")));
        assert!(!bash_covers(&wild("git push *"), &wild("git * main")));
        assert!(bash_covers(&exact("ls"), &exact("ls")));
    }

    #[test]
    fn literal_words_stop_at_the_first_star() {
        assert_eq!(literal_words("git push *"), ["git", "push"]);
        assert_eq!(literal_words("git pu* x"), ["git"]);
        assert_eq!(literal_words("rm -rf"), ["rm", "-rf"]);
    }
}
