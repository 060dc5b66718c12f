//! Self-protection: the files hookkit runs on, and whether a path, a glob or a word names one.
//!
//! If the agent can change Claude Code's settings, hookkit's binaries or policies, the review
//! queue, the audit trail or key material, every other protection is one call away from gone.
//! This module is the one description of that set ([`ProtectedSet`]) and of how anything the
//! agent names is compared with it. It decides nothing itself: the gate turns a [`Hit`] into an
//! answer.
//!
//! # The set
//!
//! Two levels ([`Level`]): **refuse** (never allowed, whoever is at the prompt) and
//! **confirm** (a person decides). Key material is refused for reading too. The table below is
//! generated from the same rows the code reads ([`markdown`]); a test keeps the copy in the
//! docs current.
//!
//! - Claude Code's configuration in every layer: settings files, managed settings,
//!   `~/.claude.json`, a project's `.mcp.json`, every `.claude/` directory (a project's holds
//!   hookkit's hooks, policy, review queue, audit log and state). In the user's `~/.claude/`,
//!   the agent's own plans, to-do lists and project memory stay writable.
//! - hookkit's own files where the locations put them: every `hookkit*.toml`, the running
//!   binary and its siblings, the plugin's `bin/` and wiring, the review queue, the audit log
//!   with its rotated files and lock, the state and key directories.
//! - What runs later: git's configuration and hooks, shell and login start-up files.
//! - Confirm: the rest of `.git/`, editor directories (`.vscode/`, `.idea/`), and a policy's
//!   `[gate] protected_paths`.
//!
//! # Comparing
//!
//! A word (a file tool's path, a Bash operand from the classifier, a word of a program not
//! known to be read-only) is compared in every spelling the agent could use:
//!
//! - `~`, `~user` (another user's home is not ours: only names that are protected at any depth
//!   count there), `$HOME` and `${HOME}`; the directory the command runs in; `.` and `..`;
//! - case-insensitively (folded), because on a case-insensitive filesystem `.CLAUDE` is
//!   `.claude`;
//! - through the links of the parts that exist (one `lstat` per part, at most [`MAX_LINKS`]
//!   links; a path that cannot be resolved is compared as written), and through the links that
//!   point at the set's own places (`~/.claude` kept in a dotfiles repository);
//! - by device and inode for a regular file with more than one link (a hard link to a
//!   protected file);
//! - as a glob: a word with glob characters is protected when it could match a protected path
//!   (the shell's rule that `*` and `?` do not match a leading `.` is kept; `[.]` is taken to);
//!   brace groups are expanded;
//! - under a directory nobody knows (`cd "$(...)"`, `$DIR/x`): the trailing segments are
//!   compared with the set's names, and a match that depends on the unknown part is a confirm;
//! - inside a longer word: `of=`, `--output=`, `-o.claude/x`, a path in inline code.
//!
//! [`Access`] says what the command does with the word: writes it, removes or moves a tree,
//! reads it, reads a tree, or only names it.

mod built;
mod disk;
mod extract;
mod pattern;
mod resolve;
mod set;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::env::Env;
use crate::locations::Locations;

pub use resolve::MAX_LINKS;

/// The most directory entries read to expand one glob on disk.
const MAX_EXPANDED: usize = 512;

use built::{Built, Which};
use pattern::Pattern;
use resolve::{Disk, Home, Place, places};
use set::Anchors;

/// How strongly a protected path is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// A person decides: ask where one is at the prompt, deny where nobody is.
    Confirm,
    /// Never allowed.
    Refuse,
}

impl Level {
    /// The level's name in the docs' table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Refuse => "refuse",
        }
    }
}

/// What a protected path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Claude Code's settings and configuration, in any layer.
    Settings,
    /// A hookkit policy.
    Policy,
    /// A hookkit binary or the plugin's wiring.
    Binary,
    /// The review queue.
    Queue,
    /// The audit log, its rotated files and lock.
    Audit,
    /// hookkit's state directory.
    State,
    /// Key material (reads refused too).
    Keys,
    /// git's configuration, hooks and history.
    Git,
    /// Shell and login start-up files.
    Startup,
    /// Editor settings.
    Editor,
    /// A pattern of the policy's `[gate] protected_paths`.
    UserPattern,
}

impl Kind {
    /// A short name, as in the docs' table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Policy => "policy",
            Self::Binary => "hookkit binary",
            Self::Queue => "review queue",
            Self::Audit => "audit log",
            Self::State => "state",
            Self::Keys => "key material",
            Self::Git => "git",
            Self::Startup => "start-up file",
            Self::Editor => "editor",
            Self::UserPattern => "policy pattern",
        }
    }

    /// What it is, for a message to the agent.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Settings => "Claude Code's settings",
            Self::Policy => "a hookkit policy",
            Self::Binary => "a hookkit binary",
            Self::Queue => "hookkit's review queue",
            Self::Audit => "hookkit's audit log",
            Self::State => "hookkit's state",
            Self::Keys => "key material",
            Self::Git => "git's configuration or history",
            Self::Startup => "a shell start-up file",
            Self::Editor => "editor settings",
            Self::UserPattern => "a path the policy protects",
        }
    }
}

/// How a word came to name a protected path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// The path itself.
    Path,
    /// A glob that could match it.
    Glob,
    /// A symbolic link, in the path or in the set.
    Link,
    /// A hard link: the same file under another name.
    HardLink,
    /// Its trailing segments, under a directory nobody knows.
    UnknownDir,
    /// A path inside a longer word.
    Inside,
    /// A directory that holds it.
    Tree,
}

impl Via {
    /// A short phrase for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Glob => "glob",
            Self::Link => "through a link",
            Self::HardLink => "hard link",
            Self::UnknownDir => "under an unknown directory",
            Self::Inside => "inside the word",
            Self::Tree => "holds it",
        }
    }
}

/// What a command does with a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Creates, changes, truncates, removes or renames the path itself (a redirection, `cp`'s
    /// destination, `rm`, a file tool's write).
    Write,
    /// Removes, moves or changes a whole tree (`rm -r`, `mv`, `chmod -R`, `rsync --delete`):
    /// also a hit when something protected lies below the path.
    WriteTree,
    /// Reads the path: only key material is refused.
    Read,
    /// Reads a whole tree (`grep -r`, `tar c`, `cp -r` from it, `zip -r`): also a hit when key
    /// material lies below it.
    ReadTree,
    /// A word of a program not known to be read-only: at least a confirm for anything
    /// protected, a refusal for key material.
    Named,
}

impl Access {
    fn reads(self) -> bool {
        matches!(self, Self::Read | Self::ReadTree)
    }

    fn tree(self) -> bool {
        matches!(self, Self::WriteTree | Self::ReadTree)
    }
}

/// A word that names something protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The path as resolved (for a hard link, the protected file it shares).
    pub path: PathBuf,
    /// The entry of the set that covers it, as the docs' table writes it
    /// (`**/.claude/{settings.json,settings.local.json}`, `<queue>/`, or a policy pattern).
    pub entry: String,
    /// How strongly it is kept, for this access.
    pub level: Level,
    /// What it is.
    pub what: Kind,
    /// How the word came to name it.
    pub via: Via,
    /// The entry's row in the table: of two hits of one level, the earlier row (the more
    /// specific) names it.
    rank: usize,
}

impl Hit {
    /// One line for a reason: what is protected, and how the word reached it.
    pub fn describe(&self) -> String {
        let how = match self.via {
            Via::Path => String::new(),
            other => format!(", {}", other.as_str()),
        };
        format!(
            "{} is {} (protected: `{}`{how})",
            self.path.display(),
            self.what.describe(),
            self.entry
        )
    }
}

/// The protected set of one run: the built-in entries anchored at this run's locations, plus
/// the policy's `protected_paths`.
///
/// Building it costs nothing: the patterns are made on the first check, the disk is looked at
/// only for what a check needs (the links of the checked path; the set's own links when the
/// checked path exists; inodes only for a file with several links).
#[derive(Debug)]
pub struct ProtectedSet {
    anchors: Anchors,
    user: Option<String>,
    extra: Vec<String>,
    built: OnceLock<Built>,
    disk: Mutex<Disk>,
}

impl ProtectedSet {
    /// The set for these locations and this environment (`home`, the running binary, the
    /// plugin root, `HOOKKIT_POLICY`), plus the policy's `[gate] protected_paths` patterns
    /// (file-rule syntax: `//abs`, `~/x`, `/x` from the project, a bare name at any depth).
    pub fn new(locations: &Locations, env: &Env, extra_patterns: &[String]) -> Self {
        let project = &locations.project_dir;
        let absolute = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                project.join(p)
            }
        };
        Self {
            anchors: Anchors {
                home: locations.home.clone().or_else(|| env.home.clone()),
                project: Some(project.clone()),
                state: Some(absolute(&locations.state_dir)),
                keys: locations.key_dir.as_deref().map(absolute),
                queue: Some(absolute(&locations.queue_dir)),
                audit_log: Some(absolute(&locations.audit_log)),
                exe: env.exe.clone(),
                plugin_root: env.plugin_root.clone(),
                policy_var: env.policy.as_deref().map(absolute),
            },
            user: env.user.clone(),
            extra: extra_patterns.to_vec(),
            built: OnceLock::new(),
            disk: Mutex::new(Disk::default()),
        }
    }

    /// Whether writing `word` (relative to `cwd`; `None` when the directory is not known)
    /// touches the set.
    pub fn write_hit(&self, word: &str, cwd: Option<&Path>) -> Option<Hit> {
        self.check(Access::Write, word, cwd)
    }

    /// Whether reading `word` reads key material.
    pub fn read_hit(&self, word: &str, cwd: Option<&Path>) -> Option<Hit> {
        self.check(Access::Read, word, cwd)
    }

    /// Whether `word`, given to a program not known to be read-only, names something of the
    /// set: a confirm at least, a refusal for key material.
    pub fn named_hit(&self, word: &str, cwd: Option<&Path>) -> Option<Hit> {
        self.check(Access::Named, word, cwd)
    }

    /// Whether a link from `link` to `target` (`ln`, `ln -s`, `cp -l`, `cp -s`, `link`)
    /// reaches into the set: the link's name is a protected path, or its target is (taken
    /// both from the link's directory, as a symbolic link reads it, and from `cwd`).
    pub fn link_hit(&self, target: &str, link: &str, cwd: Option<&Path>) -> Option<Hit> {
        let name = self.check(Access::Write, link, cwd);
        if name.as_ref().is_some_and(|h| h.level == Level::Refuse) {
            return name;
        }
        let link_dir = places(link, cwd, self.home())
            .into_iter()
            .find_map(|place| match place {
                Place::At { shown, .. } => shown.parent().map(Path::to_path_buf),
                Place::Under { .. } => None,
            });
        let from_link = match &link_dir {
            Some(dir) if !target.starts_with(['/', '~', '$']) => {
                self.check(Access::Write, target, Some(dir))
            }
            _ => None,
        };
        let from_cwd = self.check(Access::Write, target, cwd);
        [name, from_link, from_cwd]
            .into_iter()
            .flatten()
            .map(|mut hit| {
                if hit.via == Via::Path {
                    hit.via = Via::Link;
                }
                hit
            })
            .reduce(stricter)
    }

    /// Whether `word`, used as `access` says, touches the set; the strictest hit of all the
    /// word's spellings and places.
    pub fn check(&self, access: Access, word: &str, cwd: Option<&Path>) -> Option<Hit> {
        let built = self.built();
        let mut best: Option<Hit> = None;
        for spelling in extract::spellings(word) {
            for place in places(&spelling.text, cwd, self.home()) {
                if let Some(mut hit) = self.place_hit(built, &place, access) {
                    if spelling.inside && hit.via == Via::Path {
                        hit.via = Via::Inside;
                    }
                    let refused = hit.level == Level::Refuse;
                    best = Some(match best {
                        Some(b) => stricter(b, hit),
                        None => hit,
                    });
                    if refused {
                        return best;
                    }
                }
            }
        }
        best
    }

    fn home(&self) -> Home<'_> {
        Home {
            dir: self.anchors.home.as_deref(),
            user: self.user.as_deref(),
        }
    }

    fn built(&self) -> &Built {
        self.built
            .get_or_init(|| Built::new(&self.anchors, &self.extra))
    }

    /// A glob: it touches an entry of a known place (the project's `.claude/`, the queue) if
    /// it could match it; it touches an entry that holds at any depth (`hookkit*.toml`, a
    /// bare name of the policy) only if it matches one on disk now, as the shell will expand
    /// it (else `rm -rf build/*` would be a write to `build/hookkit.toml`), unless the disk
    /// cannot say.
    fn glob_hit(&self, built: &Built, place: &Place, access: Access) -> Option<Hit> {
        let Place::At {
            shown,
            pattern,
            head,
            rest,
            foreign,
        } = place
        else {
            return None;
        };
        let glob = |(e, _)| built.hit(e, shown, access, Via::Glob);
        let known = built.matching(pattern, access, Which::Anchored).map(glob);
        let Some(anywhere) = built.matching(pattern, access, Which::Unanchored) else {
            return known;
        };
        let expanded = if *foreign {
            None
        } else {
            lock(&self.disk)
                .walk(head)
                .path
                .and_then(|dir| resolve::expand(&dir, rest, MAX_EXPANDED))
        };
        let Some(paths) = expanded else {
            return merge(known, Some(glob(anywhere)));
        };
        let on_disk = paths
            .iter()
            .filter_map(|path| {
                let literal = Place::At {
                    shown: path.clone(),
                    pattern: Pattern::path(path),
                    head: path.clone(),
                    rest: Vec::new(),
                    foreign: false,
                };
                self.place_hit(built, &literal, access)
            })
            .map(|mut hit| {
                hit.via = Via::Glob;
                hit
            })
            .reduce(stricter);
        merge(known, on_disk)
    }

    fn place_hit(&self, built: &Built, place: &Place, access: Access) -> Option<Hit> {
        match place {
            Place::At {
                shown,
                pattern,
                head,
                rest,
                foreign,
            } => {
                let mut best = if rest.is_empty() {
                    built
                        .matching(pattern, access, Which::All)
                        .map(|(e, how)| built.hit(e, shown, access, how))
                } else {
                    self.glob_hit(built, place, access)
                };
                if *foreign || best.as_ref().is_some_and(|h| h.level == Level::Refuse) {
                    return best;
                }
                let walked = lock(&self.disk).walk(head);
                // Where the links lead, when the path has any.
                let physical = walked
                    .path
                    .as_ref()
                    .filter(|_| walked.linked)
                    .map(|p| resolve::rebase(p, rest.iter().map(String::as_str)));
                if let Some((at, physical)) = &physical {
                    let hit = built
                        .matching(physical, access, Which::All)
                        .map(|(e, _)| built.hit(e, at, access, Via::Link));
                    best = merge(best, hit);
                }
                let (at, target) = physical
                    .as_ref()
                    .map_or((shown, pattern), |(at, p)| (at, p));
                let hit = built
                    .twin_matching(&self.anchors, &self.disk, target, access)
                    .map(|e| built.hit(e, at, access, Via::Link));
                best = merge(best, hit);
                if rest.is_empty() {
                    best = merge(best, built.hard_link(&self.anchors, &walked, access));
                }
                best
            }
            Place::Under { shown, tail } => built.under(shown, tail, access),
        }
    }
}

/// The stricter of two hits; on a tie, the one of the more specific entry, then the first.
fn stricter(a: Hit, b: Hit) -> Hit {
    if (b.level, std::cmp::Reverse(b.rank)) > (a.level, std::cmp::Reverse(a.rank)) {
        b
    } else {
        a
    }
}

/// The disk's memory, even after a panic elsewhere (it holds only what `lstat` said).
fn lock(disk: &Mutex<Disk>) -> MutexGuard<'_, Disk> {
    disk.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn merge(a: Option<Hit>, b: Option<Hit>) -> Option<Hit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(stricter(a, b)),
        (a, b) => a.or(b),
    }
}

/// The protected set as a Markdown table, for the docs: every entry with its level, whether
/// reads are refused, what it is and why; then the writable exceptions.
pub fn markdown() -> String {
    set::markdown()
}

#[cfg(test)]
mod tests;
