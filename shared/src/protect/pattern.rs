//! Path patterns for the protected set, and the one question asked of them: could a path match
//! both of two patterns?
//!
//! Unlike [`crate::glob`] (one pattern against one path), the protected set compares a pattern
//! with a pattern: an entry of the set (`**/.claude/**`) with what a word may name (a literal
//! path, a glob the shell will expand, `**/settings.json` under a directory nobody knows). Both
//! are sequences of segments; the answer is whether their languages intersect, found by a walk
//! over pairs of positions (no backtracking, so the time is the product of the lengths).
//!
//! Everything is compared case-folded: on a case-insensitive filesystem (macOS, Windows)
//! `.CLAUDE/settings.json` is the settings file, so it is treated as one everywhere.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// One character-level token of a glob segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A literal character (folded).
    Ch(char),
    /// `?`: one character.
    One,
    /// `*`: any run of characters.
    Star,
    /// `[...]`: one character of a class; ranges hold both cases of ASCII letters.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// `**`: zero or more whole segments.
    Any,
    /// A literal name (folded).
    Lit(String),
    /// One of several literal names (folded): `{.bashrc,.zshrc}` in the set's table.
    Alt(Vec<String>),
    /// A glob segment. `hides_dots`: it comes from a shell word and starts with `*` or `?`,
    /// which the shell never lets match a leading `.` (a bracket such as `[.]` is taken to
    /// match one, as `find -name` does).
    Glob { toks: Vec<Tok>, hides_dots: bool },
}

/// A pattern: segments from the root `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    segs: Vec<Seg>,
}

/// Folds case for comparison: Unicode lower case, plus the two letters outside ASCII that a
/// case-insensitive filesystem folds to ASCII ones used in protected names (`ſ` is `s`, the
/// Kelvin sign is `k`).
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(text.to_ascii_lowercase());
        }
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ſ' => out.push('s'),
            '\u{212A}' => out.push('k'),
            '\u{212B}' => out.push('å'),
            c => out.extend(c.to_lowercase()),
        }
    }
    Cow::Owned(out)
}

fn fold_char(c: char) -> char {
    match c {
        'ſ' => 's',
        '\u{212A}' => 'k',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
    }
}

/// Whether a segment holds a glob character the shell would expand (`*`, `?`, or a bracket
/// that closes), ignoring characters escaped with `\`.
pub(crate) fn has_glob(segment: &str) -> bool {
    let mut chars = segment.chars();
    let mut open = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' => return true,
            '[' => open = true,
            ']' if open => return true,
            _ => {}
        }
    }
    false
}

/// Removes `\` escapes from a literal segment.
fn unescape(segment: &str) -> Cow<'_, str> {
    if !segment.contains('\\') {
        return Cow::Borrowed(segment);
    }
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes the glob characters of a literal path, so that an anchor such as a project in
/// `/home/u/[work]` stays literal inside a pattern.
pub(crate) fn escape(path: &str) -> Cow<'_, str> {
    if !path.contains(['*', '?', '[', ']', '\\', '{', '}']) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '{' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

fn tokens(segment: &str) -> Vec<Tok> {
    let chars: Vec<char> = segment.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    out.push(Tok::Ch(fold_char(next)));
                }
                i += 2;
            }
            '?' => {
                out.push(Tok::One);
                i += 1;
            }
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '[' => match class(&chars[i + 1..]) {
                Some((tok, used)) => {
                    out.push(tok);
                    i += 1 + used;
                }
                None => {
                    out.push(Tok::Ch('['));
                    i += 1;
                }
            },
            c => {
                out.push(Tok::Ch(fold_char(c)));
                i += 1;
            }
        }
    }
    out
}

/// Reads a bracket class after its `[`: the token and how many characters it used, or `None`
/// when it never closes (then `[` is literal, as in the shell).
fn class(chars: &[char]) -> Option<(Tok, usize)> {
    let mut i = 0;
    let negated = matches!(chars.first(), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            break;
        }
        first = false;
        let (lo, step) = if c == '\\' {
            (*chars.get(i + 1)?, 2)
        } else {
            (c, 1)
        };
        i += step;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&h| h != ']') {
            let hi = chars[i + 1];
            i += 2;
            push_range(&mut ranges, lo, hi);
        } else {
            push_range(&mut ranges, lo, lo);
        }
    }
    Some((Tok::Class { negated, ranges }, i + 1))
}

/// Adds a range and, for the ASCII letters in it, the same letters in lower case (the other
/// side of a comparison is folded).
fn push_range(ranges: &mut Vec<(char, char)>, lo: char, hi: char) {
    ranges.push((lo, hi));
    let (a, z) = (lo.max('A'), hi.min('Z'));
    if a <= z {
        ranges.push((a.to_ascii_lowercase(), z.to_ascii_lowercase()));
    }
    for special in ['ſ', '\u{212A}'] {
        if (lo..=hi).contains(&special) {
            let f = fold_char(special);
            ranges.push((f, f));
        }
    }
}

fn class_has(negated: bool, ranges: &[(char, char)], c: char) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)) != negated
}

/// Whether one character could satisfy both tokens (neither is `*`).
fn chars_meet(a: &Tok, b: &Tok) -> bool {
    match (a, b) {
        (Tok::Ch(x), Tok::Ch(y)) => x == y,
        (Tok::Ch(c), Tok::Class { negated, ranges })
        | (Tok::Class { negated, ranges }, Tok::Ch(c)) => class_has(*negated, ranges, *c),
        (
            Tok::Class {
                negated: false,
                ranges: r1,
            },
            Tok::Class {
                negated: false,
                ranges: r2,
            },
        ) => r1
            .iter()
            .any(|&(a1, z1)| r2.iter().any(|&(a2, z2)| a1 <= z2 && a2 <= z1)),
        // `?`, or a negated class against anything: some character fits both.
        _ => true,
    }
}

/// Whether some name matches both token sequences: a walk over pairs of positions, where `*`
/// may stay put while the other side moves.
fn toks_meet(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    let mut reach = vec![false; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    reach[0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !reach[at(i, j)] {
                continue;
            }
            let sa = a.get(i).is_some_and(|t| *t == Tok::Star);
            let sb = b.get(j).is_some_and(|t| *t == Tok::Star);
            if sa {
                reach[at(i + 1, j)] = true;
            }
            if sb {
                reach[at(i, j + 1)] = true;
            }
            if i < n && j < m {
                match (sa, sb) {
                    (true, true) => {}
                    (true, false) => reach[at(i, j + 1)] = true,
                    (false, true) => reach[at(i + 1, j)] = true,
                    (false, false) => {
                        if chars_meet(&a[i], &b[j]) {
                            reach[at(i + 1, j + 1)] = true;
                        }
                    }
                }
            }
        }
    }
    reach[at(n, m)]
}

fn lit_toks(name: &str) -> Vec<Tok> {
    name.chars().map(Tok::Ch).collect()
}

/// Whether a glob that hides dots could match `first`, the first character of a name.
fn dot_ok(hides_dots: bool, name_starts_with_dot: bool) -> bool {
    !(hides_dots && name_starts_with_dot)
}

fn glob_starts_with_dot(toks: &[Tok]) -> bool {
    toks.first() == Some(&Tok::Ch('.'))
}

/// Whether one name could match both segments (neither is `**`).
fn segs_meet(a: &Seg, b: &Seg) -> bool {
    match (a, b) {
        (Seg::Any, _) | (_, Seg::Any) => true,
        (Seg::Lit(x), Seg::Lit(y)) => x == y,
        (Seg::Alt(xs), other) | (other, Seg::Alt(xs)) => {
            xs.iter().any(|x| segs_meet(&Seg::Lit(x.clone()), other))
        }
        (Seg::Lit(name), Seg::Glob { toks, hides_dots })
        | (Seg::Glob { toks, hides_dots }, Seg::Lit(name)) => {
            dot_ok(*hides_dots, name.starts_with('.')) && toks_meet(toks, &lit_toks(name))
        }
        (
            Seg::Glob {
                toks: t1,
                hides_dots: h1,
            },
            Seg::Glob {
                toks: t2,
                hides_dots: h2,
            },
        ) => {
            dot_ok(*h1, glob_starts_with_dot(t2))
                && dot_ok(*h2, glob_starts_with_dot(t1))
                && toks_meet(t1, t2)
        }
    }
}

/// Whether the literal segment `name` is matched by `seg` (which may be a glob or `**`).
fn seg_covers(seg: &Seg, name: &Seg) -> bool {
    match name {
        Seg::Lit(_) => segs_meet(seg, name),
        _ => false,
    }
}

impl Pattern {
    /// A pattern of the set, from its text: `/`-separated, `**` for any depth, a trailing `/`
    /// for the directory and everything below it, `{a,b}` for one of several literal names
    /// within a segment, `\` to escape.
    pub(crate) fn entry(text: &str) -> Self {
        Self::parse_entry(text, true)
    }

    /// An entry's pattern with its names as written (not folded): only for
    /// [`Self::concrete`], to look the paths up on a case-sensitive disk.
    pub(crate) fn raw(text: &str) -> Self {
        Self::parse_entry(text, false)
    }

    fn parse_entry(text: &str, folded: bool) -> Self {
        let name = |s: &str| {
            let plain = unescape(s);
            if folded {
                fold(&plain).into_owned()
            } else {
                plain.into_owned()
            }
        };
        let mut segs: Vec<Seg> = text
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|raw| {
                if raw == "**" {
                    Seg::Any
                } else if let Some(inner) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}'))
                {
                    Seg::Alt(inner.split(',').map(name).collect())
                } else if has_glob(raw) {
                    Seg::Glob {
                        toks: tokens(raw),
                        hides_dots: false,
                    }
                } else {
                    Seg::Lit(name(raw))
                }
            })
            .collect();
        if text.ends_with('/') && segs.last() != Some(&Seg::Any) {
            segs.push(Seg::Any);
        }
        Self { segs }
    }

    /// A pattern from the segments of a shell word (already made absolute and normalised):
    /// glob characters are globs, with the shell's rule that `*` and `?` skip dot files.
    pub(crate) fn word<'a>(segments: impl IntoIterator<Item = &'a str>) -> Self {
        let segs = segments
            .into_iter()
            .map(|raw| {
                if raw == "**" {
                    Seg::Any
                } else if has_glob(raw) {
                    let toks = tokens(raw);
                    let hides_dots = matches!(toks.first(), Some(Tok::Star | Tok::One));
                    Seg::Glob { toks, hides_dots }
                } else {
                    Seg::Lit(fold(&unescape(raw)).into_owned())
                }
            })
            .collect();
        Self { segs }
    }

    /// A literal path (absolute), nothing in it a glob.
    pub(crate) fn path(path: &Path) -> Self {
        let text = path.to_string_lossy();
        let folded = fold(&text);
        Self {
            segs: folded
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| Seg::Lit(s.to_owned()))
                .collect(),
        }
    }

    /// The same pattern under any directory (`**/` in front).
    pub(crate) fn anywhere(mut self) -> Self {
        self.segs.insert(0, Seg::Any);
        self
    }

    /// The same pattern and everything below it (`/**` after).
    pub(crate) fn and_below(&self) -> Self {
        let mut segs = self.segs.clone();
        segs.push(Seg::Any);
        Self { segs }
    }

    /// Whether the pattern starts with `**` (is not anchored at a directory).
    pub(crate) fn unanchored(&self) -> bool {
        self.segs.first() == Some(&Seg::Any)
    }

    /// Whether every segment is literal.
    pub(crate) fn is_literal(&self) -> bool {
        self.segs.iter().all(|s| matches!(s, Seg::Lit(_)))
    }

    /// Whether some path matches both patterns.
    pub(crate) fn meets(&self, other: &Self) -> bool {
        segments_meet(&self.segs, &other.segs)
    }

    /// Whether some path below a directory nobody knows matches both this pattern and
    /// `tail` (relative), with `tail`'s first segment on one of this pattern's named
    /// segments: `settings.json` against `~/.claude/settings.json`, but a plain `notes.txt`
    /// never against `**/.claude/**` (the `**` after `.claude` would take any name).
    pub(crate) fn meets_tail(&self, tail: &Self) -> bool {
        (0..self.segs.len())
            .filter(|&k| self.segs[k] != Seg::Any)
            .any(|k| segments_meet(&self.segs[k..], &tail.segs))
    }

    /// Whether this pattern, which lies below a directory (`tree`, absolute), could name
    /// something inside it or the directory itself. An unanchored pattern counts only when
    /// one of its named segments falls on one of the directory's own segments (`/p/.git`
    /// holds `**/.git/config`; `/p/src` holds nothing of `**/.git/**` that is known).
    pub(crate) fn within(&self, tree: &Self) -> bool {
        let below = tree.and_below();
        if !self.unanchored() {
            return self.meets(&below);
        }
        let rest = &self.segs[1..];
        if rest.first().is_none_or(|s| *s == Seg::Any) {
            return false;
        }
        (0..tree.segs.len()).any(|t| segments_meet(rest, &below.segs[t..]))
    }

    /// Whether every path `other` can name matches this pattern (which must end in `**` or
    /// be literal), judged only for the literal leading segments of `other`: enough for the
    /// set's writable exceptions (`~/.claude/plans/**` covers `~/.claude/plans/*.md`, not
    /// `~/.claude/p*/x.md`).
    pub(crate) fn covers(&self, other: &Self) -> bool {
        match self.segs.split_last() {
            Some((Seg::Any, head)) => {
                other.segs.len() >= head.len()
                    && head
                        .iter()
                        .zip(&other.segs)
                        .all(|(mine, theirs)| seg_covers(mine, theirs))
            }
            _ => {
                self.segs.len() == other.segs.len()
                    && self
                        .segs
                        .iter()
                        .zip(&other.segs)
                        .all(|(mine, theirs)| seg_covers(mine, theirs))
            }
        }
    }

    /// The concrete paths this pattern's literal head spells (one per alternative), or none
    /// when a glob or `**` comes before its end or before a trailing `**`: the files and
    /// directories of the set that can be looked up on disk.
    pub(crate) fn concrete(&self) -> Vec<PathBuf> {
        let head = match self.segs.split_last() {
            Some((Seg::Any, head)) => head,
            _ => &self.segs[..],
        };
        let mut paths = vec![PathBuf::from("/")];
        for seg in head {
            match seg {
                Seg::Lit(name) => paths.iter_mut().for_each(|p| p.push(name)),
                Seg::Alt(names) => {
                    paths = paths
                        .iter()
                        .flat_map(|p| names.iter().map(move |n| p.join(n)))
                        .collect();
                }
                _ => return Vec::new(),
            }
        }
        paths
    }

    /// Whether segment `i` could be the file name `name` (as on disk), or `None` when the
    /// segment is `**`.
    pub(crate) fn name_at(&self, i: usize, name: &str) -> Option<bool> {
        match self.segs.get(i)? {
            Seg::Any => None,
            seg => Some(segs_meet(seg, &Seg::Lit(fold(name).into_owned()))),
        }
    }

    /// The number of segments.
    pub(crate) fn len(&self) -> usize {
        self.segs.len()
    }

    /// The pattern with its first `n` segments replaced by the literal `path`.
    pub(crate) fn rebased(&self, n: usize, path: &Path) -> Self {
        let mut out = Self::path(path);
        out.segs.extend(self.segs.iter().skip(n).cloned());
        out
    }
}

/// The pair walk over segments: `**` on either side may take zero segments, or take one and
/// stay.
fn segments_meet(p: &[Seg], q: &[Seg]) -> bool {
    let (n, m) = (p.len(), q.len());
    let mut reach = vec![false; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    reach[0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !reach[at(i, j)] {
                continue;
            }
            let ap = p.get(i) == Some(&Seg::Any);
            let aq = q.get(j) == Some(&Seg::Any);
            if ap {
                reach[at(i + 1, j)] = true;
            }
            if aq {
                reach[at(i, j + 1)] = true;
            }
            if i < n && j < m {
                match (ap, aq) {
                    (true, true) => {}
                    (true, false) => reach[at(i, j + 1)] = true,
                    (false, true) => reach[at(i + 1, j)] = true,
                    (false, false) => {
                        if segs_meet(&p[i], &q[j]) {
                            reach[at(i + 1, j + 1)] = true;
                        }
                    }
                }
            }
        }
    }
    reach[at(n, m)]
}

/// Expands the brace groups of a shell word (`a{b,c}d`, nested too) into at most `cap`
/// words, in the shell's order; `None` when there would be more.
pub(crate) fn expand_braces(word: &str, cap: usize) -> Option<Vec<String>> {
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

    fn word(text: &str) -> Pattern {
        Pattern::word(text.split('/').filter(|s| !s.is_empty()))
    }

    #[test]
    fn literal_paths_meet_entries_case_insensitively() {
        let e = Pattern::entry("**/.claude/");
        assert!(e.meets(&word("/p/.claude/settings.json")));
        assert!(e.meets(&word("/p/.CLAUDE/settings.json")));
        assert!(e.meets(&word("/p/.claude")));
        assert!(!e.meets(&word("/p/claude/settings.json")));
        assert!(
            Pattern::entry("/home/u/.claude.json*").meets(&word("/home/u/.claude.json.backup"))
        );
        // The long s and the Kelvin sign fold to ASCII on case-insensitive filesystems.
        assert!(Pattern::entry("**/.mcp.json").meets(&word("/p/.mcp.json")));
        assert!(
            Pattern::entry("/home/u/.claude/settings.json")
                .meets(&word("/home/u/.claude/ſettings.json"))
        );
        assert!(Pattern::entry("**/.git/hooks/").meets(&word("/p/.git/hoo\u{212A}s/x")));
    }

    #[test]
    fn word_globs_meet_what_they_could_match() {
        let settings = Pattern::entry("**/.claude/settings.json");
        assert!(settings.meets(&word("/p/.cl?ude/settings.json")));
        assert!(settings.meets(&word("/p/[.]claude/settings.json")));
        assert!(settings.meets(&word("/p/.c*/s*")));
        assert!(settings.meets(&word("/p/.[a-d]laude/SETTINGS.JSON")));
        // The shell's `*` and `?` skip dot files.
        assert!(!settings.meets(&word("/p/*/settings.json")));
        assert!(!settings.meets(&word("/p/?claude/settings.json")));
        assert!(!settings.meets(&word("/p/.c*/x*")));
        let policy = Pattern::entry("**/hookkit*.toml");
        assert!(policy.meets(&word("/p/hook*.toml")));
        assert!(policy.meets(&word("/p/*kit-dev.toml")));
        assert!(!policy.meets(&word("/p/*.json")));
        assert!(!policy.meets(&word("/p/[!h]ookkit.toml")));
    }

    #[test]
    fn tails_meet_named_segments_only() {
        let settings = Pattern::entry("/home/u/.claude/settings.json");
        assert!(settings.meets_tail(&word("settings.json")));
        assert!(settings.meets_tail(&word(".claude/settings.json")));
        assert!(!settings.meets_tail(&word("x/settings.json")));
        let dir = Pattern::entry("**/.claude/");
        assert!(dir.meets_tail(&word(".claude/x")));
        assert!(!dir.meets_tail(&word("notes.txt")));
        let hooks = Pattern::entry("**/.git/hooks/");
        assert!(hooks.meets_tail(&word("hooks/pre-commit")));
        assert!(!hooks.meets_tail(&word("pre-commit")));
    }

    #[test]
    fn trees_hold_what_lies_below_them() {
        let settings = Pattern::entry("/home/u/.claude/settings.json");
        assert!(settings.within(&word("/home/u")));
        assert!(settings.within(&word("/home")));
        assert!(settings.within(&word("/home/u/.claude/settings.json")));
        assert!(!settings.within(&word("/home/u/src")));
        let config = Pattern::entry("**/.git/config");
        assert!(config.within(&word("/p/.git")));
        assert!(!config.within(&word("/p")));
        assert!(!config.within(&word("/p/src")));
    }

    #[test]
    fn exceptions_cover_only_what_they_surely_hold() {
        let plans = Pattern::entry("/h/.claude/plans/");
        assert!(plans.covers(&word("/h/.claude/plans/x.md")));
        assert!(plans.covers(&word("/h/.claude/plans/*.md")));
        assert!(!plans.covers(&word("/h/.claude/p*/x.md")));
        assert!(!plans.covers(&word("/h/.claude/settings.json")));
        let memory = Pattern::entry("/h/.claude/projects/*/memory/");
        assert!(memory.covers(&word("/h/.claude/projects/-p/memory/notes.md")));
        assert!(!memory.covers(&word("/h/.claude/projects/-p/other.jsonl")));
    }

    #[test]
    fn alternatives_and_concrete_paths() {
        let rc = Pattern::entry("/h/{.bashrc,.zshrc}");
        assert!(rc.meets(&word("/h/.ZSHRC")));
        assert!(!rc.meets(&word("/h/.bash_history")));
        assert_eq!(
            rc.concrete(),
            vec![PathBuf::from("/h/.bashrc"), PathBuf::from("/h/.zshrc")]
        );
        assert_eq!(Pattern::entry("/s/").concrete(), vec![PathBuf::from("/s")]);
        assert!(Pattern::entry("**/.git/").concrete().is_empty());
        assert!(Pattern::entry(r"/p/\[work\]/x").meets(&Pattern::path(Path::new("/p/[work]/x"))));
    }

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
    }

    #[test]
    fn glob_characters_are_found_unless_escaped() {
        assert!(has_glob(".cl?ude"));
        assert!(has_glob("[.]claude"));
        assert!(!has_glob(r".cl\?ude"));
        assert!(!has_glob("[unclosed"));
    }

    #[test]
    fn token_meeting_agrees_with_brute_force() {
        // Two globs of at most three tokens share a name if they share one of at most six
        // characters, so every name that short over a small alphabet settles the question.
        let alphabet = ['a', 'b', '.', 'c'];
        let pieces = ["a", "b", ".", "*", "?", "[ab]", "[!a]"];
        let mut names = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..6 {
            last = last
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(last.iter().cloned());
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap()
        };
        for _ in 0..300 {
            let a: String = (0..=next(3)).map(|_| pieces[next(pieces.len())]).collect();
            let b: String = (0..=next(3)).map(|_| pieces[next(pieces.len())]).collect();
            let (ta, tb) = (tokens(&a), tokens(&b));
            let brute = names
                .iter()
                .any(|n| toks_meet(&ta, &lit_toks(n)) && toks_meet(&tb, &lit_toks(n)));
            assert_eq!(toks_meet(&ta, &tb), brute, "{a} and {b}");
        }
    }
}
