//! Quoting words for a POSIX shell, so that a printed command can be pasted as it is.

/// Quotes one word for a POSIX shell: left bare when it holds only characters no shell treats
/// specially, otherwise wrapped in single quotes (a single quote inside becomes `'\''`).
pub fn quote(word: &str) -> String {
    let bare = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if bare {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote("3406f058-4219-454d"), "3406f058-4219-454d");
        assert_eq!(quote("acceptEdits"), "acceptEdits");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(quote("x;y"), "'x;y'");
    }
}
