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
use std::ops::Deref;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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

/// A literal name: borrowed from the set's table, or shared between the entries built on one
/// anchor (cloning either costs no allocation).
#[derive(Debug, Clone)]
pub(crate) enum Name {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Self::Static(s) => s,
            Self::Shared(s) => s,
        }
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Name {}

impl Name {
    fn owned(text: &str) -> Self {
        Self::Shared(Arc::from(text))
    }

    /// A name of the table, folded: borrowed when it already is.
    fn table(text: &'static str, folded: bool) -> Self {
        let plain = text
            .bytes()
            .all(|b| b.is_ascii() && b != b'\\' && !(folded && b.is_ascii_uppercase()));
        if plain {
            return Self::Static(text);
        }
        let unescaped = unescape(text);
        if folded {
            Self::owned(&fold(&unescaped))
        } else {
            Self::owned(&unescaped)
        }
    }
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// `**`: zero or more whole segments.
    Any,
    /// A literal name (folded).
    Lit(Name),
    /// One of several literal names, comma-separated as the table writes them
    /// (`.bashrc,.zshrc`); the table writes them in lower case (a unit test keeps it so).
    Alt(&'static str),
    /// A glob segment. `hides_dots`: it comes from a shell word and starts with `*` or `?`,
    /// which the shell never lets match a leading `.` (a bracket such as `[.]` is taken to
    /// match one, as `find -name` does).
    Glob { toks: Arc<[Tok]>, hides_dots: bool },
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

/// Escapes the glob characters of a literal name, so that a log named `audit[1].jsonl` stays
/// literal inside a pattern.
pub(crate) fn escape(name: &str) -> Cow<'_, str> {
    if !name.contains(['*', '?', '[', ']', '\\', '{', '}']) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '{' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

fn tokens(segment: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(segment.len());
    let mut rest = segment;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\\' => {
                if let Some(next) = rest.chars().next() {
                    out.push(Tok::Ch(fold_char(next)));
                    rest = &rest[next.len_utf8()..];
                }
            }
            '?' => out.push(Tok::One),
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
            }
            '[' => {
                if let Some((tok, used)) = class(rest) {
                    out.push(tok);
                    rest = &rest[used..];
                } else {
                    out.push(Tok::Ch('['));
                }
            }
            c => out.push(Tok::Ch(fold_char(c))),
        }
    }
    out
}

/// Reads a bracket class after its `[`: the token and how many bytes it used, or `None` when
/// it never closes (then `[` is literal, as in the shell).
fn class(text: &str) -> Option<(Tok, usize)> {
    let mut chars = text.char_indices().peekable();
    let negated = matches!(chars.peek(), Some((_, '!' | '^')));
    if negated {
        chars.next();
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let (at, c) = chars.next()?;
        if c == ']' && !first {
            return Some((Tok::Class { negated, ranges }, at + 1));
        }
        first = false;
        let lo = if c == '\\' { chars.next()?.1 } else { c };
        let mut ahead = chars.clone();
        match (ahead.next(), ahead.next()) {
            (Some((_, '-')), Some((_, hi))) if hi != ']' => {
                chars = ahead;
                push_range(&mut ranges, lo, hi);
            }
            _ => push_range(&mut ranges, lo, lo),
        }
    }
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

/// A table of reachable position pairs, on the stack when small (every comparison of a path
/// with the set makes one per entry).
struct Reach {
    small: [bool; 256],
    large: Vec<bool>,
    width: usize,
}

impl Reach {
    fn new(rows: usize, width: usize) -> Self {
        let size = rows * width;
        Self {
            small: [false; 256],
            large: if size > 256 {
                vec![false; size]
            } else {
                Vec::new()
            },
            width,
        }
    }

    fn cells(&mut self) -> &mut [bool] {
        if self.large.is_empty() {
            &mut self.small
        } else {
            &mut self.large
        }
    }

    fn get(&mut self, i: usize, j: usize) -> bool {
        let w = self.width;
        self.cells()[i * w + j]
    }

    fn set(&mut self, i: usize, j: usize) {
        let w = self.width;
        self.cells()[i * w + j] = true;
    }
}

/// The pair walk shared by tokens and segments: `star(x)` items may take nothing, or take one
/// item of the other side and stay; two other items move together when `meet` says so.
fn pair_walk<T>(
    a: &[T],
    b: &[T],
    star: impl Fn(&T) -> bool,
    meet: impl Fn(&T, &T) -> bool,
) -> bool {
    let (n, m) = (a.len(), b.len());
    let mut reach = Reach::new(n + 1, m + 1);
    reach.set(0, 0);
    for i in 0..=n {
        for j in 0..=m {
            if !reach.get(i, j) {
                continue;
            }
            let sa = a.get(i).is_some_and(&star);
            let sb = b.get(j).is_some_and(&star);
            if sa {
                reach.set(i + 1, j);
            }
            if sb {
                reach.set(i, j + 1);
            }
            if i < n && j < m {
                match (sa, sb) {
                    (true, true) => {}
                    (true, false) => reach.set(i, j + 1),
                    (false, true) => reach.set(i + 1, j),
                    (false, false) => {
                        if meet(&a[i], &b[j]) {
                            reach.set(i + 1, j + 1);
                        }
                    }
                }
            }
        }
    }
    reach.get(n, m)
}

/// Whether some name matches both token sequences.
fn toks_meet(a: &[Tok], b: &[Tok]) -> bool {
    pair_walk(a, b, |t| *t == Tok::Star, chars_meet)
}

/// Whether a glob matches a literal name; iterative, one backtrack point for `*`.
fn glob_matches(toks: &[Tok], name: &str) -> bool {
    // Positions are byte offsets; a star remembers where it started to take characters.
    let (mut t, mut c) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(ch) = name[c..].chars().next() {
        match toks.get(t) {
            Some(Tok::Star) => {
                star = Some((t, c));
                t += 1;
            }
            Some(tok) if chars_meet(tok, &Tok::Ch(ch)) => {
                t += 1;
                c += ch.len_utf8();
            }
            _ => match star {
                Some((st, sc)) => {
                    let skipped = name[sc..].chars().next().map_or(1, char::len_utf8);
                    t = st + 1;
                    c = sc + skipped;
                    star = Some((st, sc + skipped));
                }
                None => return false,
            },
        }
    }
    toks[t.min(toks.len())..]
        .iter()
        .all(|tok| *tok == Tok::Star)
}

/// Whether a glob that hides dots could match a name whose first character is a dot.
fn dot_ok(hides_dots: bool, starts_with_dot: bool) -> bool {
    !(hides_dots && starts_with_dot)
}

fn glob_starts_with_dot(toks: &[Tok]) -> bool {
    toks.first() == Some(&Tok::Ch('.'))
}

/// Whether the literal (folded) `name` could be matched by `seg`.
fn name_meets(name: &str, seg: &Seg) -> bool {
    match seg {
        Seg::Any => true,
        Seg::Lit(other) => name == &**other,
        Seg::Alt(names) => names.split(',').any(|n| n == name),
        Seg::Glob { toks, hides_dots } => {
            dot_ok(*hides_dots, name.starts_with('.')) && glob_matches(toks, name)
        }
    }
}

/// Whether one name could match both segments.
fn segs_meet(a: &Seg, b: &Seg) -> bool {
    match (a, b) {
        (Seg::Lit(name), other) | (other, Seg::Lit(name)) => name_meets(name, other),
        (Seg::Alt(names), other) | (other, Seg::Alt(names)) => {
            names.split(',').any(|n| name_meets(n, other))
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
        (Seg::Any, _) | (_, Seg::Any) => true,
    }
}

/// Whether the literal segment `name` is matched by `seg` (which may be a glob or `**`).
fn seg_covers(seg: &Seg, name: &Seg) -> bool {
    match name {
        Seg::Lit(n) => name_meets(n, seg),
        _ => false,
    }
}

fn glob_seg(raw: &str, from_shell: bool) -> Seg {
    let toks = tokens(raw);
    let hides_dots = from_shell && matches!(toks.first(), Some(Tok::Star | Tok::One));
    Seg::Glob {
        toks: toks.into(),
        hides_dots,
    }
}

/// The normal segments of a path, with `.` and `..` taken lexically.
fn path_segments(path: &Path) -> Vec<Cow<'_, str>> {
    let mut out: Vec<Cow<'_, str>> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s.to_string_lossy()),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

impl Pattern {
    /// A pattern of the set's table: `/`-separated, `**` for any depth, a trailing `/` for the
    /// directory and everything below it, `{a,b}` for one of several literal names within a
    /// segment, `\` to escape. Names are folded unless `folded` is false (the raw form looks
    /// paths up on a case-sensitive disk).
    #[cfg(test)]
    pub(crate) fn table(text: &'static str, folded: bool) -> Self {
        Self::table_under(&[], text, folded)
    }

    /// [`Self::table`] put after the segments of `prefix` (an anchor), in one allocation.
    pub(crate) fn table_under(prefix: &[Seg], text: &'static str, folded: bool) -> Self {
        let mut segs = Vec::with_capacity(prefix.len() + 4);
        segs.extend(prefix.iter().cloned());
        for raw in text.split('/').filter(|s| !s.is_empty()) {
            let bytes = raw.as_bytes();
            segs.push(if raw == "**" {
                Seg::Any
            } else if bytes[0] == b'{' && bytes[bytes.len() - 1] == b'}' {
                Seg::Alt(&raw[1..raw.len() - 1])
            } else if bytes.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) && has_glob(raw) {
                glob_seg(raw, false)
            } else {
                Seg::Lit(Name::table(raw, folded))
            });
        }
        if text.ends_with('/') && segs.last() != Some(&Seg::Any) {
            segs.push(Seg::Any);
        }
        Self { segs }
    }

    /// The segments, to build other patterns on.
    pub(crate) fn segments(&self) -> &[Seg] {
        &self.segs
    }

    /// A pattern written at run time (a policy's `protected_paths`): like [`Self::table`],
    /// without brace groups.
    pub(crate) fn written(text: &str) -> Self {
        let mut segs: Vec<Seg> = text
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|raw| {
                if raw == "**" {
                    Seg::Any
                } else if has_glob(raw) {
                    glob_seg(raw, false)
                } else {
                    Seg::Lit(Name::owned(&fold(&unescape(raw))))
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
                    glob_seg(raw, true)
                } else {
                    Seg::Lit(Name::owned(&fold(&unescape(raw))))
                }
            })
            .collect();
        Self { segs }
    }

    /// A literal path (absolute; `.` and `..` taken lexically), nothing in it a glob.
    pub(crate) fn path(path: &Path) -> Self {
        Self {
            segs: path_segments(path)
                .iter()
                .map(|s| Seg::Lit(Name::owned(&fold(s))))
                .collect(),
        }
    }

    /// The same path with its names as written, for looking it up on disk.
    pub(crate) fn raw_path(path: &Path) -> Self {
        Self {
            segs: path_segments(path)
                .iter()
                .map(|s| Seg::Lit(Name::owned(s)))
                .collect(),
        }
    }

    /// The same literal path with a glob added to its last name (`<log>.*`).
    pub(crate) fn with_suffix_glob(&self, suffix: &str) -> Self {
        let mut segs = self.segs.clone();
        if let Some(Seg::Lit(last)) = segs.pop() {
            segs.push(glob_seg(&format!("{}{suffix}", escape(&last)), false));
        }
        Self { segs }
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
        if let Some(met) = literal_meets(&self.segs, &other.segs) {
            return met;
        }
        if let Some(met) = literal_meets(&other.segs, &self.segs) {
            return met;
        }
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

    /// The concrete paths this pattern spells (one per alternative), or none when a glob or
    /// `**` comes before its end or before a trailing `**`: the files and directories of the
    /// set that can be looked up on disk.
    pub(crate) fn concrete(&self) -> Vec<PathBuf> {
        let head = match self.segs.split_last() {
            Some((Seg::Any, head)) => head,
            _ => &self.segs[..],
        };
        if head
            .iter()
            .any(|s| matches!(s, Seg::Any | Seg::Glob { .. }))
        {
            return Vec::new();
        }
        self.literal_heads()
    }

    /// The paths spelt by the literal segments before the first glob or `**` (one per
    /// alternative); none for a pattern that starts with one.
    pub(crate) fn literal_heads(&self) -> Vec<PathBuf> {
        let mut paths = vec![PathBuf::from("/")];
        let mut any = false;
        for seg in &self.segs {
            match seg {
                Seg::Lit(name) => paths.iter_mut().for_each(|p| p.push(&**name)),
                Seg::Alt(names) => {
                    paths = paths
                        .iter()
                        .flat_map(|p| names.split(',').map(move |n| p.join(n)))
                        .collect();
                }
                _ => break,
            }
            any = true;
        }
        if any { paths } else { Vec::new() }
    }

    /// Whether segment `i` could be the file name `name` (as on disk), or `None` when the
    /// segment is `**`.
    pub(crate) fn name_at(&self, i: usize, name: &str) -> Option<bool> {
        match self.segs.get(i)? {
            Seg::Any => None,
            seg => Some(name_meets(&fold(name), seg)),
        }
    }

    /// What is left of the pattern after a literal path `prefix`, once for each way the
    /// prefix can be consumed: `~/.claude/**` after `~/.claude` leaves `**` (and nothing);
    /// `~/.bashrc` after `~` leaves `.bashrc`. For an unanchored pattern, only what the
    /// prefix has started to match is kept (the rest holds anywhere already).
    pub(crate) fn after(&self, prefix: &Self) -> Vec<Self> {
        let n = self.segs.len();
        let close = |at: &mut [bool]| {
            for i in 0..n {
                if at[i] && self.segs[i] == Seg::Any {
                    at[i + 1] = true;
                }
            }
        };
        let mut at = vec![false; n + 1];
        at[0] = true;
        close(&mut at);
        for seg in &prefix.segs {
            let mut next = vec![false; n + 1];
            for i in (0..n).filter(|&i| at[i]) {
                match &self.segs[i] {
                    Seg::Any => next[i] = true,
                    own if segs_meet(own, seg) => next[i + 1] = true,
                    _ => {}
                }
            }
            close(&mut next);
            if !next.contains(&true) {
                return Vec::new();
            }
            at = next;
        }
        (0..=n)
            .filter(|&i| at[i] && !(i <= 1 && self.unanchored()))
            .map(|i| Self {
                segs: self.segs[i..].to_vec(),
            })
            .collect()
    }

    /// The pattern (a remainder) put under the literal directory `dir`.
    pub(crate) fn under(&self, dir: &Path) -> Self {
        let mut out = Self::path(dir);
        out.segs.extend(self.segs.iter().cloned());
        out
    }
}

/// The common case, a literal path against a pattern, as a walk of the pattern's positions
/// (a bit set) along the path, which stops at the first segment that leaves no position:
/// `None` when `path` is not literal or the pattern too long for the bit set.
fn literal_meets(pattern: &[Seg], path: &[Seg]) -> Option<bool> {
    if pattern.len() >= 64 {
        return None;
    }
    let any: u64 = pattern
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == Seg::Any)
        .fold(0, |bits, (i, _)| bits | 1 << i);
    // `**` may take no segment: a position on one also stands on the next.
    let close = |mut at: u64| {
        let mut grown = at | ((at & any) << 1);
        while grown != at {
            at = grown;
            grown = at | ((at & any) << 1);
        }
        at
    };
    let mut at = close(1);
    for seg in path {
        let Seg::Lit(name) = seg else {
            return None;
        };
        let mut next = at & any;
        let mut rest = at & !any;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if i < pattern.len() && name_meets(name, &pattern[i]) {
                next |= 1 << (i + 1);
            }
        }
        at = close(next);
        if at == 0 {
            return Some(false);
        }
    }
    Some(at & (1 << pattern.len()) != 0)
}

/// Whether some path matches both segment sequences.
fn segments_meet(p: &[Seg], q: &[Seg]) -> bool {
    pair_walk(p, q, |s| *s == Seg::Any, segs_meet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &'static str) -> Pattern {
        Pattern::table(text, true)
    }

    /// A reproducible stream of numbers below `n` (xorshift).
    fn numbers(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap()
        }
    }

    fn word(text: &str) -> Pattern {
        Pattern::word(text.split('/').filter(|s| !s.is_empty()))
    }

    #[test]
    fn literal_paths_meet_entries_case_insensitively() {
        let e = entry("**/.claude/");
        assert!(e.meets(&word("/p/.claude/settings.json")));
        assert!(e.meets(&word("/p/.CLAUDE/settings.json")));
        assert!(e.meets(&word("/p/.claude")));
        assert!(!e.meets(&word("/p/claude/settings.json")));
        assert!(entry("/home/u/.claude.json*").meets(&word("/home/u/.claude.json.backup")));
        // The long s and the Kelvin sign fold to ASCII on case-insensitive filesystems.
        assert!(entry("**/.mcp.json").meets(&word("/p/.mcp.json")));
        assert!(
            entry("/home/u/.claude/settings.json").meets(&word("/home/u/.claude/ſettings.json"))
        );
        assert!(entry("**/.git/hooks/").meets(&word("/p/.git/hoo\u{212A}s/x")));
    }

    #[test]
    fn word_globs_meet_what_they_could_match() {
        let settings = entry("**/.claude/settings.json");
        assert!(settings.meets(&word("/p/.cl?ude/settings.json")));
        assert!(settings.meets(&word("/p/[.]claude/settings.json")));
        assert!(settings.meets(&word("/p/.c*/s*")));
        assert!(settings.meets(&word("/p/.[a-d]laude/SETTINGS.JSON")));
        // The shell's `*` and `?` skip dot files.
        assert!(!settings.meets(&word("/p/*/settings.json")));
        assert!(!settings.meets(&word("/p/?claude/settings.json")));
        assert!(!settings.meets(&word("/p/.c*/x*")));
        let policy = entry("**/hookkit*.toml");
        assert!(policy.meets(&word("/p/hook*.toml")));
        assert!(policy.meets(&word("/p/*kit-dev.toml")));
        assert!(!policy.meets(&word("/p/*.json")));
        assert!(!policy.meets(&word("/p/[!h]ookkit.toml")));
    }

    #[test]
    fn tails_meet_named_segments_only() {
        let settings = entry("/home/u/.claude/settings.json");
        assert!(settings.meets_tail(&word("settings.json")));
        assert!(settings.meets_tail(&word(".claude/settings.json")));
        assert!(!settings.meets_tail(&word("x/settings.json")));
        let dir = entry("**/.claude/");
        assert!(dir.meets_tail(&word(".claude/x")));
        assert!(!dir.meets_tail(&word("notes.txt")));
        let hooks = entry("**/.git/hooks/");
        assert!(hooks.meets_tail(&word("hooks/pre-commit")));
        assert!(!hooks.meets_tail(&word("pre-commit")));
    }

    #[test]
    fn trees_hold_what_lies_below_them() {
        let settings = entry("/home/u/.claude/settings.json");
        assert!(settings.within(&word("/home/u")));
        assert!(settings.within(&word("/home")));
        assert!(settings.within(&word("/home/u/.claude/settings.json")));
        assert!(!settings.within(&word("/home/u/src")));
        let config = entry("**/.git/config");
        assert!(config.within(&word("/p/.git")));
        assert!(!config.within(&word("/p")));
        assert!(!config.within(&word("/p/src")));
    }

    #[test]
    fn exceptions_cover_only_what_they_surely_hold() {
        let plans = entry("/h/.claude/plans/");
        assert!(plans.covers(&word("/h/.claude/plans/x.md")));
        assert!(plans.covers(&word("/h/.claude/plans/*.md")));
        assert!(!plans.covers(&word("/h/.claude/p*/x.md")));
        assert!(!plans.covers(&word("/h/.claude/settings.json")));
        let memory = entry("/h/.claude/projects/*/memory/");
        assert!(memory.covers(&word("/h/.claude/projects/-p/memory/notes.md")));
        assert!(!memory.covers(&word("/h/.claude/projects/-p/other.jsonl")));
    }

    #[test]
    fn alternatives_and_concrete_paths() {
        let rc = entry("/h/{.bashrc,.zshrc}");
        assert!(rc.meets(&word("/h/.ZSHRC")));
        assert!(!rc.meets(&word("/h/.bash_history")));
        assert_eq!(
            rc.concrete(),
            vec![PathBuf::from("/h/.bashrc"), PathBuf::from("/h/.zshrc")]
        );
        assert_eq!(entry("/s/").concrete(), vec![PathBuf::from("/s")]);
        assert!(entry("**/.git/").concrete().is_empty());
        assert!(entry("/h/*/m/").concrete().is_empty());
        assert_eq!(entry("/h/*/m/").literal_heads(), vec![PathBuf::from("/h")]);
        assert!(entry(r"/p/\[work\]/x").meets(&Pattern::path(Path::new("/p/[work]/x"))));
    }

    #[test]
    fn remainders_after_a_prefix_go_under_a_links_target() {
        let rest = |pattern: &'static str, prefix: &str| -> Vec<Pattern> {
            entry(pattern).after(&Pattern::path(Path::new(prefix)))
        };
        let target = Path::new("/d/claude");
        let twins: Vec<Pattern> = rest("/h/.claude/", "/h/.claude")
            .iter()
            .map(|r| r.under(target))
            .collect();
        assert!(
            twins
                .iter()
                .any(|t| t.meets(&word("/d/claude/settings.json")))
        );
        assert!(twins.iter().any(|t| t.meets(&word("/d/claude"))));
        assert!(!twins.iter().any(|t| t.meets(&word("/d/other"))));
        // A link below the entry's head: what lies at the link's target is covered.
        let inside = rest("/h/.claude/", "/h/.claude/settings.json");
        assert!(
            inside
                .iter()
                .any(|r| r.under(Path::new("/d/s.json")).meets(&word("/d/s.json")))
        );
        // A link above it: the entry's rest goes under the target.
        let above = rest("/h/.bashrc", "/h");
        assert_eq!(above.len(), 1);
        assert!(
            above[0]
                .under(Path::new("/usr/h"))
                .meets(&word("/usr/h/.bashrc"))
        );
        assert!(rest("/h/.bashrc", "/x").is_empty());
        // Unanchored entries keep only what the link's own name starts.
        let anywhere = rest("**/.claude/", "/p/.claude");
        assert!(
            anywhere
                .iter()
                .all(|r| !r.unanchored() || r.meets(&word("/x")))
        );
        assert!(
            anywhere
                .iter()
                .any(|r| r.under(Path::new("/s")).meets(&word("/s/hooks/x")))
        );
        assert!(rest("**/.claude/", "/p/src").is_empty());
    }

    #[test]
    fn the_literal_walk_agrees_with_the_pair_walk() {
        let pieces = [
            Seg::Any,
            Seg::Lit(Name::Static("a")),
            Seg::Lit(Name::Static("b")),
            Seg::Alt("a,c"),
            glob_seg("*", false),
            glob_seg("?b", false),
        ];
        let names = ["a", "b", "c", "ab"];
        let mut next = numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..5000 {
            let pattern: Vec<Seg> = (0..next(6))
                .map(|_| pieces[next(pieces.len())].clone())
                .collect();
            let path: Vec<Seg> = (0..next(6))
                .map(|_| Seg::Lit(Name::Static(names[next(names.len())])))
                .collect();
            assert_eq!(
                literal_meets(&pattern, &path),
                Some(segments_meet(&pattern, &path)),
                "{pattern:?} against {path:?}"
            );
        }
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
        let mut next = numbers(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let a: String = (0..=next(3)).map(|_| pieces[next(pieces.len())]).collect();
            let b: String = (0..=next(3)).map(|_| pieces[next(pieces.len())]).collect();
            let (ta, tb) = (tokens(&a), tokens(&b));
            let reference = |glob: &str, name: &str| {
                let matched = glob_matches(&tokens(glob), name);
                assert_eq!(
                    matched,
                    crate::glob::Pattern::new(glob).unwrap().matches(name),
                    "{glob} against {name}"
                );
                matched
            };
            // Names are never empty; two globs that share only the empty name are both all
            // stars, and share every other name too.
            let brute = names[1..]
                .iter()
                .any(|n| reference(&a, n) && reference(&b, n));
            assert_eq!(toks_meet(&ta, &tb), brute, "{a} and {b}");
        }
    }
}
