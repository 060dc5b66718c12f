//! Claude Code's `*` wildcards for Bash rules and MCP tool names: `*` matches any text, `\*` is
//! a literal star, and the match is anchored on the whole string. No regex is compiled.

/// A wildcard pattern split into the literal pieces between its stars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    /// Literal pieces; a star sits between each pair.
    pieces: Vec<String>,
}

impl Wildcard {
    /// Reads a pattern: `*` is any text, `\*` a literal star; other characters are literal.
    pub(crate) fn new(pattern: &str) -> Self {
        let mut pieces = vec![String::new()];
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'*') => {
                    chars.next();
                    push_char(&mut pieces, '*');
                }
                '*' => pieces.push(String::new()),
                c => push_char(&mut pieces, c),
            }
        }
        Self { pieces }
    }

    /// Whether `text` matches the whole pattern.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let Some((first, rest)) = self.pieces.split_first() else {
            return text.is_empty();
        };
        let Some((last, middle)) = rest.split_last() else {
            return text == first;
        };
        let Some(mut tail) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        for piece in middle {
            match tail.find(piece.as_str()) {
                Some(at) => tail = &tail[at + piece.len()..],
                None => return false,
            }
        }
        tail.len() >= last.len() && tail.ends_with(last.as_str())
    }
}

fn push_char(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_matching() {
        let w = Wildcard::new("git * main");
        assert!(w.matches("git push origin main"));
        assert!(!w.matches("git push origin main2"));
        assert!(!w.matches("sudo git push main"));
        assert!(Wildcard::new("* --version").matches("node --version"));
        assert!(Wildcard::new("npm *").matches("npm "));
        assert!(!Wildcard::new("npm *").matches("npm"));
        assert!(Wildcard::new("a*b*c").matches("abc"));
        assert!(!Wildcard::new("a*bc*c").matches("abc"));
    }

    #[test]
    fn escaped_star_is_literal() {
        let w = Wildcard::new(r"echo \*");
        assert_eq!(w.pieces.len(), 1);
        assert!(w.matches("echo *"));
        assert!(!w.matches("echo hi"));
    }
}
