//! The spellings of one word worth comparing with the set: the word itself, the word as the
//! shell would read it when it still holds quoting, and the path-like pieces inside a longer
//! word (`of=.claude/x`, `--output=.claude/x`, `open('.claude/settings.json','w')`).

use crate::shell;

/// The most pieces taken from inside one word.
const MAX_PIECES: usize = 64;

/// Characters that end a path inside a longer word: quoting, assignment, code punctuation.
const SEPARATORS: &[char] = &[
    ' ', '\t', '\n', '\r', '\'', '"', '`', '=', ',', '(', ')', ';', '<', '>', '|', '&', ':',
];

/// One spelling of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spelling {
    pub(crate) text: String,
    /// A piece of a longer word, not the word itself.
    pub(crate) inside: bool,
}

/// The spellings of `word`, the word itself first.
pub(crate) fn spellings(word: &str) -> Vec<Spelling> {
    let mut out = vec![Spelling {
        text: word.to_owned(),
        inside: false,
    }];
    let push = |text: &str, inside: bool, out: &mut Vec<Spelling>| {
        if !text.is_empty() && !out.iter().any(|s| s.text == text) {
            out.push(Spelling {
                text: text.to_owned(),
                inside,
            });
        }
    };
    // Words reach us decoded by the shell layer; one that still holds quoting is read again,
    // and also taken with the quoting simply removed.
    if word.contains(['\'', '"', '\\']) {
        if let Ok(commands) = shell::parse(&format!(": {word}"))
            && let Some(first) = commands.first()
        {
            for arg in first.argv.iter().skip(1) {
                push(arg, false, &mut out);
            }
        }
        let bare: String = word
            .replace("$'", "'")
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        push(&bare, false, &mut out);
    }
    let whole: Vec<String> = out.iter().map(|s| s.text.clone()).collect();
    let mut pieces = 0;
    for text in &whole {
        for piece in pieces_of(text) {
            if pieces >= MAX_PIECES {
                return out;
            }
            if path_like(piece) {
                pieces += 1;
                push(piece, true, &mut out);
            }
        }
    }
    out
}

/// The pieces of a word between separators, and what follows a glued short option
/// (`-o.claude/x`).
fn pieces_of(word: &str) -> impl Iterator<Item = &str> {
    let glued = word
        .strip_prefix('-')
        .filter(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .and_then(|rest| rest.get(1..));
    let split: Vec<&str> = if word.contains(SEPARATORS) {
        word.split(SEPARATORS).collect()
    } else {
        Vec::new()
    };
    glued.into_iter().chain(split)
}

/// Whether a piece could name something of the set: it has a directory part, starts like a
/// path (`.`, `~`, `$`), holds a glob, or names a policy. Every name the set matches at any
/// depth starts with `.` or `hookkit` (a unit test of the table keeps it so); a bare word such
/// as `open` or `w` is left alone.
fn path_like(piece: &str) -> bool {
    piece.contains(['/', '*', '?', '['])
        || piece.starts_with(['.', '~', '$'])
        || piece.to_ascii_lowercase().contains("hookkit")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(word: &str) -> Vec<String> {
        spellings(word).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn finds_paths_inside_longer_words() {
        assert!(texts("of=.claude/settings.json").contains(&".claude/settings.json".to_owned()));
        assert!(texts("--output=.claude/x").contains(&".claude/x".to_owned()));
        assert!(texts("-o.claude/x").contains(&".claude/x".to_owned()));
        let code = "import json; json.dump({}, open('.claude/settings.json','w'))";
        let found = texts(code);
        assert!(
            found.contains(&".claude/settings.json".to_owned()),
            "{found:?}"
        );
        assert!(!found.contains(&"w".to_owned()));
        assert!(texts("cfg:hookkit.toml").contains(&"hookkit.toml".to_owned()));
    }

    #[test]
    fn reads_quoting_that_is_still_there() {
        assert!(texts(r".\claude/settings.json").contains(&".claude/settings.json".to_owned()));
        assert!(texts("$'.claude/settings.json'").contains(&".claude/settings.json".to_owned()));
        assert!(texts(r"$'\x2eclaude/x'").contains(&".claude/x".to_owned()));
        assert!(texts("'.cl'\"aude\"/x").contains(&".claude/x".to_owned()));
    }

    #[test]
    fn pieces_are_bounded() {
        let word = "a/b,".repeat(1000);
        assert!(spellings(&word).len() <= MAX_PIECES + 2);
    }
}
