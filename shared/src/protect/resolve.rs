//! From a word to the places it may name: `~` and `$HOME`, the directory it is relative to,
//! `.` and `..`, brace groups and globs; then, on disk, the links of the parts that exist.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::Metadata;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Component, Path, PathBuf};

use super::braces::expand_braces;
use super::pattern::{Pattern, has_glob};

/// The most links followed while resolving one path (Linux allows 40 in all); past it the
/// path is compared as written.
pub const MAX_LINKS: usize = 32;

/// The most words one brace-expanded word becomes; past it the groups are left as written
/// and the word is compared under an unknown directory from the first group on.
const MAX_BRACE_WORDS: usize = 64;

/// Who "home" is, for `~`, `~user` and `$HOME`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Home<'a> {
    pub(crate) dir: Option<&'a Path>,
    pub(crate) user: Option<&'a str>,
}

/// A place a word names.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    /// An absolute place, normalised: a literal path, or a glob the shell will expand.
    At {
        /// The place as text, for messages.
        shown: PathBuf,
        /// The segments, compared against the set.
        pattern: Pattern,
        /// The path as written (`..` kept) up to the first glob segment, all of it for a
        /// literal path: what can be resolved on disk.
        head: PathBuf,
        /// The segments as written from the first glob segment on; empty for a literal path.
        rest: Vec<String>,
        /// Another user's home (`~other`) taken as ours: nothing on disk is looked at.
        foreign: bool,
    },
    /// Relative to a directory nobody knows (`cd "$(...)"`, `$DIR/x`): the trailing segments.
    Under { shown: String, tail: Pattern },
}

impl Place {
    /// Whether the place is a glob.
    #[cfg(test)]
    pub(crate) fn is_glob(&self) -> bool {
        match self {
            Self::At { pattern, .. } => !pattern.is_literal(),
            Self::Under { tail, .. } => !tail.is_literal(),
        }
    }
}

/// The places one spelling of a word names (several when it has brace groups).
pub(crate) fn places(word: &str, cwd: Option<&Path>, home: Home<'_>) -> Vec<Place> {
    if word.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !word.contains('{') {
        place(word, cwd, home, &mut out);
        return out;
    }
    match expand_braces(word, MAX_BRACE_WORDS) {
        Some(words) => {
            for w in &words {
                place(w, cwd, home, &mut out);
            }
        }
        // Too many: what comes before the first group is known, the rest is not.
        None => place(&word.replace('{', "$"), cwd, home, &mut out),
    }
    out
}

/// Where one word (no brace groups) is: one place, or two for a word with glob characters
/// (the glob, and the same characters taken literally, as a file tool or a quoted word
/// means them).
fn place(word: &str, cwd: Option<&Path>, home: Home<'_>, out: &mut Vec<Place>) {
    let (base, rest, foreign): (Option<PathBuf>, &str, bool) = if let Some(rest) = strip_home(word)
    {
        (home.dir.map(Path::to_path_buf), rest, false)
    } else if let Some(rest) = tilde_word(word, "~+") {
        (cwd.map(Path::to_path_buf), rest, false)
    } else if word.starts_with('~') && !word.starts_with("~-") {
        let (user, rest) = word[1..].split_once('/').unwrap_or((&word[1..], ""));
        if home.user == Some(user) {
            (home.dir.map(Path::to_path_buf), rest, false)
        } else {
            // Another user's home is a home too: its start-up files run at that user's login
            // (an agent running as root can write them), and `USER` comes from an environment
            // a repository can set. It is compared as ours, and not looked at on disk.
            let before = out.len();
            if let Some(dir) = home.dir {
                let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
                at(dir, &segments, true, out);
                for place in &mut out[before..] {
                    if let Place::At { shown, .. } = place {
                        let mut theirs = PathBuf::from(format!("~{user}"));
                        if let Ok(inside) = shown.strip_prefix(dir)
                            && !inside.as_os_str().is_empty()
                        {
                            theirs.push(inside);
                        }
                        *shown = theirs;
                    }
                }
            }
            return;
        }
    } else if word.starts_with("~-") {
        (None, word.get(2..).unwrap_or(""), false)
    } else if word.starts_with('/') {
        (Some(PathBuf::from("/")), word, false)
    } else {
        (cwd.map(Path::to_path_buf), word, false)
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    // A segment nobody can read (`$X`, `$(...)`, `{home}`) hides everything before it.
    let unknown = segments
        .iter()
        .rposition(|s| s.contains(['$', '`', '{', '}']));
    match (base, unknown) {
        (Some(base), None) if base.is_absolute() => at(&base, &segments, foreign, out),
        (_, Some(last)) => out.extend(under(&segments[last + 1..])),
        _ => out.extend(under(&segments)),
    }
}

/// `~`, `~/x`, `$HOME/x`, `${HOME}/x`: the rest after the home.
fn strip_home(word: &str) -> Option<&str> {
    ["~", "$HOME", "${HOME}"]
        .iter()
        .find_map(|prefix| tilde_word(word, prefix))
}

/// `word` without `prefix` when the prefix is a whole first segment.
fn tilde_word<'a>(word: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = word.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn at(base: &Path, segments: &[&str], foreign: bool, out: &mut Vec<Place>) {
    let first_glob = segments.iter().position(|s| has_glob(s));
    let (literal, rest) = segments.split_at(first_glob.unwrap_or(segments.len()));
    let mut head = base.to_path_buf();
    head.extend(literal);
    let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
    let (shown, pattern) = rebase(base, segments.iter().copied());
    if first_glob.is_some() {
        // The same characters taken literally, as a file tool or a quoted word means them.
        let mut whole = base.to_path_buf();
        whole.extend(segments);
        out.push(Place::At {
            shown: shown.clone(),
            pattern,
            head,
            rest,
            foreign,
        });
        out.push(Place::At {
            pattern: Pattern::path(&shown),
            shown,
            head: whole,
            rest: Vec::new(),
            foreign,
        });
    } else {
        out.push(Place::At {
            shown,
            pattern,
            head,
            rest,
            foreign,
        });
    }
}

/// `dir` (absolute) followed by `segments`, with `.` and `..` taken lexically: the place as
/// text and as a pattern.
pub(crate) fn rebase<'a>(
    dir: &'a Path,
    segments: impl IntoIterator<Item = &'a str>,
) -> (PathBuf, Pattern) {
    let mut kept: Vec<Cow<'a, str>> = Vec::new();
    let from_dir = dir.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy()),
        Component::ParentDir => Some(Cow::Borrowed("..")),
        _ => None,
    });
    for part in from_dir.chain(segments.into_iter().map(Cow::Borrowed)) {
        match &*part {
            "." => {}
            ".." => {
                kept.pop();
            }
            _ => kept.push(part),
        }
    }
    let mut shown = PathBuf::from("/");
    shown.extend(kept.iter().map(|s| &**s));
    (shown, Pattern::word(kept.iter().map(|s| &**s)))
}

fn under(segments: &[&str]) -> Option<Place> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in segments {
        match *seg {
            "." => {}
            // Leading `..` only moves within what is unknown.
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Place::Under {
        shown: parts.join("/"),
        tail: Pattern::word(parts.iter().copied()),
    })
}

/// A path on disk, with the links of its existing part followed.
#[derive(Debug)]
pub(crate) struct Walked {
    /// The path with every link followed, as far as the path exists (the rest appended as
    /// written); `None` when a link loop or more than [`MAX_LINKS`] links stop the walk.
    pub(crate) path: Option<PathBuf>,
    /// Whether a link was followed.
    pub(crate) linked: bool,
    /// What the whole path names, when it exists (links followed).
    pub(crate) meta: Option<Metadata>,
}

/// What `lstat` said of one path.
#[derive(Debug, Clone)]
enum Node {
    Missing,
    /// A link, and what it holds.
    Link(PathBuf),
    Real(Metadata),
}

/// The disk as one run sees it: every path looked at once (`lstat`, and `readlink` for a
/// link), so that the checks of one call, and the search for the set's own links, share
/// their system calls.
#[derive(Debug, Default)]
pub(crate) struct Disk {
    nodes: HashMap<Vec<u8>, Node, BuildHasherDefault<Fnv>>,
}

/// FNV-1a: paths are short and come from this run, so a simple hash serves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Disk {
    fn node(&mut self, path: &Path) -> Node {
        let key = path.as_os_str().as_encoded_bytes();
        if let Some(node) = self.nodes.get(key) {
            return node.clone();
        }
        let node = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(path) {
                Ok(target) => Node::Link(target),
                Err(_) => Node::Missing,
            },
            Ok(m) => Node::Real(m),
            Err(_) => Node::Missing,
        };
        self.nodes.insert(key.to_vec(), node.clone());
        node
    }

    /// Follows the links of `path` (absolute) part by part, as the kernel would; `..` after a
    /// link goes to the target's parent.
    pub(crate) fn walk(&mut self, path: &Path) -> Walked {
        let mut parts = path.components();
        // What links put in front of the parts still to come, last first.
        let mut pending: Vec<OsString> = Vec::new();
        let mut out = PathBuf::from("/");
        let mut exists = true;
        let mut linked = false;
        let mut links = 0;
        let mut meta: Option<Metadata> = None;
        loop {
            let part: Cow<'_, OsStr> = match pending.pop() {
                Some(part) => Cow::Owned(part),
                None => match parts.next() {
                    Some(Component::Normal(name)) => Cow::Borrowed(name),
                    Some(Component::ParentDir) => Cow::Borrowed(OsStr::new("..")),
                    Some(_) => continue,
                    None => break,
                },
            };
            if part == OsStr::new(".") {
                continue;
            }
            if part == OsStr::new("..") {
                out.pop();
                meta = None;
                continue;
            }
            out.push(&part);
            if !exists {
                continue;
            }
            match self.node(&out) {
                Node::Link(target) => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Walked {
                            path: None,
                            linked: true,
                            meta: None,
                        };
                    }
                    linked = true;
                    out.pop();
                    if target.is_absolute() {
                        out = PathBuf::from("/");
                    }
                    let mut more = components(&target);
                    more.reverse();
                    pending.extend(more);
                    meta = None;
                }
                Node::Real(m) => meta = Some(m),
                Node::Missing => {
                    exists = false;
                    meta = None;
                }
            }
        }
        if exists && meta.is_none() {
            meta = match self.node(&out) {
                Node::Real(m) => Some(m),
                _ => None,
            };
        }
        Walked {
            path: Some(out),
            linked,
            meta,
        }
    }

    /// The names directly inside `dir` (resolved) that are links, with one listing.
    pub(crate) fn links_in(dir: &Path) -> Vec<OsString> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_symlink()))
            .map(|e| e.file_name())
            .collect()
    }
}

/// The paths a glob matches on disk now, as the shell would expand it: from `dir` (the glob's
/// literal head, resolved), one directory listing per segment of `rest`. `None` when that
/// takes more than `budget` entries or meets a `**`: then the disk cannot say.
pub(crate) fn expand(dir: &Path, rest: &[String], budget: usize) -> Option<Vec<PathBuf>> {
    let mut budget = budget;
    let mut current = vec![dir.to_path_buf()];
    for segment in rest {
        match segment.as_str() {
            "." => continue,
            ".." => {
                for p in &mut current {
                    p.pop();
                }
                continue;
            }
            "**" => return None,
            _ => {}
        }
        let name = Pattern::word([segment.as_str()]);
        let mut next = Vec::new();
        for dir in &current {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                budget = budget.checked_sub(1)?;
                let file = entry.file_name();
                if name.name_at(0, &file.to_string_lossy())? {
                    next.push(dir.join(file));
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    Some(current)
}

/// The files and directories at or below `dir` whose name `name` matches, as `find` walks
/// them (links not followed, dot files included); `None` when more than `budget` entries
/// would be read.
pub(crate) fn find(dir: &Path, name: &Pattern, budget: usize) -> Option<Vec<PathBuf>> {
    let mut budget = budget;
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    if let Some(own) = dir.file_name()
        && name.name_at(0, &own.to_string_lossy()) == Some(true)
    {
        found.push(dir.to_path_buf());
    }
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            budget = budget.checked_sub(1)?;
            let path = current.join(entry.file_name());
            if name.name_at(0, &entry.file_name().to_string_lossy()) == Some(true) {
                found.push(path.clone());
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            }
        }
    }
    Some(found)
}

fn components(path: &Path) -> Vec<OsString> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> Home<'static> {
        Home {
            dir: Some(Path::new("/home/u")),
            user: Some("u"),
        }
    }

    /// The first place of a word (the glob, for a word with glob characters).
    fn one(word: &str, cwd: Option<&str>) -> Place {
        let mut all = places(word, cwd.map(Path::new), home());
        assert!(!all.is_empty(), "{word}");
        all.remove(0)
    }

    fn shown(word: &str, cwd: Option<&str>) -> String {
        match one(word, cwd) {
            Place::At { shown, .. } => shown.display().to_string(),
            Place::Under { shown, .. } => format!("?/{shown}"),
        }
    }

    #[test]
    fn homes_and_relative_words_become_absolute() {
        assert_eq!(shown("~/.bashrc", None), "/home/u/.bashrc");
        assert_eq!(shown("$HOME/.bashrc", None), "/home/u/.bashrc");
        assert_eq!(shown("${HOME}/.bashrc", None), "/home/u/.bashrc");
        assert_eq!(shown("~u/.bashrc", None), "/home/u/.bashrc");
        assert_eq!(shown("~other/.bashrc", None), "~other/.bashrc");
        assert_eq!(shown("~+/x", Some("/p")), "/p/x");
        assert_eq!(shown("../../.claude", Some("/p/a/b")), "/p/.claude");
        assert_eq!(shown("/../../etc/./profile", None), "/etc/profile");
        assert_eq!(shown("~home", None), "~home");
    }

    #[test]
    fn unknown_directories_keep_the_trailing_segments() {
        assert_eq!(shown("settings.json", None), "?/settings.json");
        assert_eq!(shown("$DIR/.claude/x", Some("/p")), "?/.claude/x");
        assert_eq!(shown("$(pwd)/../.claude/x", Some("/p")), "?/.claude/x");
        assert_eq!(shown("~-/.bashrc", Some("/p")), "?/.bashrc");
        assert_eq!(shown("../x", None), "?/x");
        assert!(places("$X", Some(Path::new("/p")), home()).is_empty());
    }

    #[test]
    fn braces_give_one_place_each() {
        let all = places(".claude/{a,b}.json", Some(Path::new("/p")), home());
        assert_eq!(all.len(), 2);
        let many = "{a,b}".repeat(8) + "/.claude/x";
        assert_eq!(places(&many, Some(Path::new("/p")), home()).len(), 1);
    }

    #[test]
    fn globs_keep_their_literal_head() {
        match one(".c*/hooks/*", Some("/p")) {
            Place::At { head, rest, .. } => {
                assert_eq!(head, PathBuf::from("/p"));
                assert_eq!(rest, [".c*", "hooks", "*"]);
            }
            other @ Place::Under { .. } => panic!("{other:?}"),
        }
        assert!(one("[.]claude", Some("/p")).is_glob());
        // The same characters taken literally come second.
        let both = places("[id]/page.tsx", Some(Path::new("/p")), home());
        assert_eq!(both.len(), 2);
        assert!(both[0].is_glob() && !both[1].is_glob());
    }

    #[cfg(unix)]
    #[test]
    fn walks_follow_links_and_stop_at_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("real/.claude")).unwrap();
        std::fs::write(root.join("real/.claude/settings.json"), "{}").unwrap();
        std::os::unix::fs::symlink(".claude/settings.json", root.join("real/notes.json")).unwrap();
        std::os::unix::fs::symlink("real", root.join("alias")).unwrap();
        let mut disk = Disk::default();
        let mut walk = |p: &Path| disk.walk(p);
        let w = walk(&root.join("alias/notes.json"));
        assert_eq!(w.path.unwrap(), root.join("real/.claude/settings.json"));
        assert!(w.linked && w.meta.unwrap().is_file());
        let w = walk(&root.join("alias/../real/new/deeper"));
        assert_eq!(w.path.unwrap(), root.join("real/new/deeper"));
        assert!(w.meta.is_none());
        std::os::unix::fs::symlink("b", root.join("a")).unwrap();
        std::os::unix::fs::symlink("a", root.join("b")).unwrap();
        assert!(walk(&root.join("a/x")).path.is_none());
    }
}
