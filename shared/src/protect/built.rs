//! The set built for one run from the table, and the comparison of one place with it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::disk::{self, Inode, Twins};
use super::pattern::Pattern;
use super::resolve::{Disk, Walked};
use super::set::{self, Anchor, Anchors, SPECS, Spec, WRITABLE};
use super::{Access, Hit, Kind, Level, Via, lock, merge};

/// One entry, anchored for this run.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) pattern: Pattern,
    /// The row it comes from; `None` for a policy's pattern.
    pub(super) spec: Option<&'static Spec>,
    label: Label,
    level: Level,
    kind: Kind,
    reads: bool,
    excusable: bool,
}

/// How an entry is named in messages, made only for a hit.
#[derive(Debug)]
enum Label {
    Row(&'static Spec),
    Written(String),
}

impl Label {
    fn text(&self) -> String {
        match self {
            Self::Row(spec) => set::label(spec.anchor, spec.glob),
            Self::Written(text) => text.clone(),
        }
    }
}

/// Which entries a comparison looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    All,
    /// Entries at a known place.
    Anchored,
    /// Entries that hold at any depth.
    Unanchored,
}

/// The set of one run.
#[derive(Debug)]
pub(super) struct Built {
    pub(super) entries: Vec<Entry>,
    pub(super) writable: Vec<Pattern>,
    /// The set's places reached through links, found on first need.
    twins: OnceLock<Twins>,
    /// The set's files with more than one link, found on first need.
    inodes: OnceLock<Vec<Inode>>,
}

impl Built {
    pub(super) fn new(anchors: &Anchors, extra: &[String]) -> Self {
        let mut entries = Vec::with_capacity(SPECS.len() + extra.len());
        // Each anchor's pattern is made once; the rows share its names.
        let mut prefixes: Vec<(Anchor, Option<Pattern>)> = Vec::new();
        let mut prefix = |anchor: Anchor| -> Option<Pattern> {
            if let Some((_, p)) = prefixes.iter().find(|(a, _)| *a == anchor) {
                return p.clone();
            }
            let p = anchors.prefix(anchor);
            prefixes.push((anchor, p.clone()));
            p
        };
        for spec in SPECS {
            let Some(base) = prefix(spec.anchor) else {
                continue;
            };
            entries.push(Entry {
                pattern: Anchors::row(spec.anchor, spec.glob, &base),
                spec: Some(spec),
                label: Label::Row(spec),
                level: spec.level,
                kind: spec.kind,
                reads: spec.reads,
                excusable: spec.excusable,
            });
        }
        for text in extra {
            if let Some(pattern) = set::user_pattern(anchors, text) {
                entries.push(Entry {
                    pattern,
                    spec: None,
                    label: Label::Written(text.clone()),
                    level: Level::Confirm,
                    kind: Kind::UserPattern,
                    reads: false,
                    excusable: false,
                });
            }
        }
        let writable = WRITABLE
            .iter()
            .filter_map(|(anchor, glob, _)| Some(Anchors::row(*anchor, glob, &prefix(*anchor)?)))
            .collect();
        Self {
            entries,
            writable,
            twins: OnceLock::new(),
            inodes: OnceLock::new(),
        }
    }

    /// Whether an entry counts for this access.
    fn applies(entry: &Entry, access: Access) -> bool {
        !access.reads() || entry.reads
    }

    /// The level of a hit on `entry` for this access.
    fn level(entry: &Entry, access: Access) -> Level {
        match access {
            Access::Named if !entry.reads => entry.level.min(Level::Confirm),
            _ => entry.level,
        }
    }

    pub(super) fn hit(&self, entry: usize, path: &Path, access: Access, via: Via) -> Hit {
        let e = &self.entries[entry];
        Hit {
            path: path.to_path_buf(),
            entry: e.label.text(),
            level: Self::level(e, access),
            what: e.kind,
            via,
            rank: entry,
        }
    }

    fn excused(entry: &Entry, place: &Pattern, writable: &[&Pattern]) -> bool {
        entry.excusable && writable.iter().any(|w| w.covers(place))
    }

    /// The first entry of the strictest level that `place` touches, and how.
    pub(super) fn matching(
        &self,
        place: &Pattern,
        access: Access,
        which: Which,
    ) -> Option<(usize, Via)> {
        let writable: Vec<&Pattern> = self.writable.iter().collect();
        let entries = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| match which {
                Which::All => true,
                Which::Anchored => !e.pattern.unanchored(),
                Which::Unanchored => e.pattern.unanchored(),
            });
        Self::first(
            entries.map(|(i, e)| (i, e, &e.pattern)),
            place,
            access,
            &writable,
        )
    }

    /// Like [`Self::matching`], against the set's places that are reached through links.
    pub(super) fn twin_matching(
        &self,
        anchors: &Anchors,
        disk: &Mutex<Disk>,
        place: &Pattern,
        access: Access,
    ) -> Option<usize> {
        let twins = self
            .twins
            .get_or_init(|| disk::twins(self, anchors, &mut lock(disk)));
        if twins.entries.is_empty() {
            return None;
        }
        let writable: Vec<&Pattern> = self.writable.iter().chain(&twins.writable).collect();
        let entries = twins
            .entries
            .iter()
            .map(|(i, pattern)| (*i, &self.entries[*i], pattern));
        Self::first(entries, place, access, &writable).map(|(i, _)| i)
    }

    fn first<'a>(
        entries: impl Iterator<Item = (usize, &'a Entry, &'a Pattern)>,
        place: &Pattern,
        access: Access,
        writable: &[&Pattern],
    ) -> Option<(usize, Via)> {
        let mut best: Option<(usize, Via, Level)> = None;
        for (i, entry, pattern) in entries {
            if !Self::applies(entry, access) {
                continue;
            }
            let how = if pattern.meets(place) {
                Via::Path
            } else if access.tree() && pattern.within(place) {
                Via::Tree
            } else {
                continue;
            };
            if Self::excused(entry, place, writable) {
                continue;
            }
            let level = Self::level(entry, access);
            if best.is_none_or(|(_, _, l)| level > l) {
                best = Some((i, how, level));
                if level == Level::Refuse {
                    break;
                }
            }
        }
        best.map(|(i, how, _)| (i, how))
    }

    /// A place under a directory nobody knows: certain when an anywhere-entry matches its
    /// trailing segments alone; a confirm when it could match, depending on the directory.
    pub(super) fn under(&self, shown: &str, tail: &Pattern, access: Access) -> Option<Hit> {
        let at = PathBuf::from(format!(".../{shown}"));
        let maybe_writable = self.writable.iter().any(|w| w.meets_tail(tail));
        let mut best: Option<Hit> = None;
        for (i, entry) in self.entries.iter().enumerate() {
            if !Self::applies(entry, access) {
                continue;
            }
            let certain = entry.pattern.unanchored()
                && entry.pattern.meets(tail)
                && !(entry.excusable && maybe_writable);
            let hit = if certain {
                let via = if tail.is_literal() {
                    Via::Path
                } else {
                    Via::Glob
                };
                self.hit(i, &at, access, via)
            } else if entry.pattern.meets_tail(tail)
                || (access.tree() && entry.pattern.unanchored() && entry.pattern.within(tail))
            {
                let mut hit = self.hit(i, &at, access, Via::UnknownDir);
                hit.level = hit.level.min(Level::Confirm);
                hit
            } else {
                continue;
            };
            let refused = hit.level == Level::Refuse;
            best = merge(best, Some(hit));
            if refused {
                break;
            }
        }
        best
    }

    /// A regular file with more than one link that is one of the set's files.
    pub(super) fn hard_link(
        &self,
        anchors: &Anchors,
        walked: &Walked,
        access: Access,
    ) -> Option<Hit> {
        let (dev, ino) = disk::identity(walked.meta.as_ref()?)?;
        let inodes = self.inodes.get_or_init(|| disk::inodes(self, anchors));
        let inode = inodes.iter().find(|n| n.dev == dev && n.ino == ino)?;
        if !Self::applies(&self.entries[inode.entry], access) {
            return None;
        }
        Some(self.hit(inode.entry, &inode.path, access, Via::HardLink))
    }

    #[cfg(test)]
    pub(super) fn inodes_found(&self) -> bool {
        self.inodes.get().is_some()
    }

    /// Whether an entry is refused (only those are looked for among hard links).
    pub(super) fn refused(entry: &Entry) -> bool {
        entry.level == Level::Refuse
    }
}
