//! Brace expansion of a shell word (`.claude/{a,settings}.json`), as Bash does it before
//! anything else, bounded.

/// Expands the brace groups of a shell word (`a{b,c}d`, nested too) into at most `cap`
/// words, in the shell's order; `None` when there would be more.
pub(crate) fn expand_braces(word: &str, cap: usize) -> Option<Vec<String>> {
    // Each group is a level of recursion: more than a few is not a path anyone writes.
    if word.matches('{').count() > 16 {
        return None;
    }
    let mut out = Vec::new();
    expand_into(word, cap, &mut out)?;
    Some(out)
}

fn expand_into(word: &str, cap: usize, out: &mut Vec<String>) -> Option<()> {
    let Some((open, close, commas)) = first_group(word) else {
        if out.len() >= cap {
            return None;
        }
        out.push(word.to_owned());
        return Some(());
    };
    let (head, tail) = (&word[..open], &word[close + 1..]);
    let mut start = open + 1;
    for at in commas.into_iter().chain([close]) {
        let alternative = &word[start..at];
        expand_into(&format!("{head}{alternative}{tail}"), cap, out)?;
        start = at + 1;
    }
    Some(())
}

/// The first brace group with a top-level comma: its `{`, its `}` and its commas.
fn first_group(word: &str) -> Option<(usize, usize, Vec<usize>)> {
    let bytes = word.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' => {
                let mut depth = 0;
                let mut commas = Vec::new();
                let mut j = i + 1;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 1,
                        b'{' => depth += 1,
                        b'}' if depth == 0 => break,
                        b'}' => depth -= 1,
                        b',' if depth == 0 => commas.push(j),
                        _ => {}
                    }
                    j += 1;
                }
                if j < bytes.len() && !commas.is_empty() {
                    return Some((i, j, commas));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_expand_like_the_shell() {
        assert_eq!(
            expand_braces(".claude/{a,b}.json", 8).unwrap(),
            vec![".claude/a.json", ".claude/b.json"]
        );
        assert_eq!(
            expand_braces("{.c{l,x}aude,y}/s", 8).unwrap(),
            vec![".claude/s", ".cxaude/s", "y/s"]
        );
        assert_eq!(expand_braces("{x}", 8).unwrap(), vec!["{x}"]);
        assert!(expand_braces("{a,b}{a,b}{a,b}{a,b}", 8).is_none());
        assert!(expand_braces(&"{a}".repeat(5000), 64).is_none());
    }
}
