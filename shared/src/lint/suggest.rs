//! "Did you mean" suggestions by edit distance.

/// The Levenshtein distance between `a` and `b`, compared case-insensitively.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A "did you mean" clause for messages, or an empty string.
pub(crate) fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("PreToolUSe", &["PreToolUse", "PostToolUse"]),
            Some("PreToolUse")
        );
        assert_eq!(
            closest("permisions", &["permissions", "hooks"]),
            Some("permissions")
        );
        assert_eq!(closest("zzz", &["permissions", "hooks"]), None);
    }
}
