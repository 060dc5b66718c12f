//! What the disk adds to the set: the links that lead from the set's places to somewhere else
//! (`~/.bashrc` kept in a dotfiles repository, a project's `.claude/` shared from elsewhere),
//! and the set's files that have more than one name (hard links).
//!
//! Both are looked for once per run, and only when a check needs them. Links are found by
//! resolving the anchors (home, project, hookkit's locations) part by part and listing the few
//! directories that hold most of the set (home, `~/.claude`, `~/.config`, the project and its
//! `.claude/`): about thirty system calls in all. A link found at `L` leading to `T` gives
//! every entry that could lie at or below `L` a twin at `T` (the entry's remainder after `L`,
//! put under `T`).

use std::path::{Path, PathBuf};

use super::built::Built;
use super::pattern::Pattern;
use super::resolve::Disk;
use super::set::{Anchor, Anchors};

/// The most directory entries read to find the set's files with more than one link.
const MAX_SCANNED: usize = 512;

/// The most links looked at around the set's places.
const MAX_FOUND: usize = 64;

/// The set's places reached through links.
#[derive(Debug, Default)]
pub(super) struct Twins {
    /// (entry index, the entry's remainder under the link's target).
    pub(super) entries: Vec<(usize, Pattern)>,
    /// The writable exceptions, likewise.
    pub(super) writable: Vec<Pattern>,
}

/// One of the set's files with more than one link.
#[derive(Debug)]
pub(super) struct Inode {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) entry: usize,
    pub(super) path: PathBuf,
}

/// The links around the set's places: on the way to each anchor (a home or a project reached
/// through a link), and directly inside the directories that hold most of the set.
fn links(anchors: &Anchors, disk: &mut Disk) -> Vec<(PathBuf, PathBuf)> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut record = |link: PathBuf, target: Option<PathBuf>| {
        if let Some(target) = target
            && found.len() < MAX_FOUND
            && !found.iter().any(|(l, _)| *l == link)
        {
            found.push((link, target));
        }
    };
    let home = anchors.path(Anchor::Home);
    let project = anchors.path(Anchor::Project);
    let mut roots: Vec<PathBuf> = [
        Anchor::State,
        Anchor::Keys,
        Anchor::Queue,
        Anchor::AuditLog,
        Anchor::PluginRoot,
    ]
    .into_iter()
    .filter_map(|a| anchors.path(a))
    .collect();
    roots.extend(home.iter().cloned());
    roots.extend(project.iter().cloned());
    for root in &roots {
        if !disk.walk(root).linked {
            continue;
        }
        // The first part of the anchor's path that is a link.
        let mut prefix = PathBuf::from("/");
        for part in root.components().skip(1) {
            prefix.push(part);
            let walked = disk.walk(&prefix);
            if walked.linked {
                record(prefix.clone(), walked.path);
                break;
            }
        }
    }
    let mut listed: Vec<PathBuf> = Vec::new();
    for dir in [&home, &project].into_iter().flatten() {
        listed.push(dir.clone());
        listed.push(dir.join(".claude"));
    }
    if let Some(home) = &home {
        listed.push(home.join(".config"));
    }
    for dir in listed {
        let walked = disk.walk(&dir);
        let (Some(on_disk), Some(meta)) = (walked.path, walked.meta) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        for name in Disk::links_in(&on_disk) {
            let link = dir.join(name);
            let target = disk.walk(&link).path;
            record(link, target);
        }
    }
    found
}

/// The twins of the set's entries and writable exceptions under the links around them.
pub(super) fn twins(built: &Built, anchors: &Anchors, disk: &mut Disk) -> Twins {
    let mut twins = Twins::default();
    for (link, target) in links(anchors, disk) {
        let at = Pattern::path(&link);
        for (i, entry) in built.entries.iter().enumerate() {
            for rest in entry.pattern.after(&at) {
                twins.entries.push((i, rest.under(&target)));
            }
        }
        for pattern in &built.writable {
            for rest in pattern.after(&at) {
                twins.writable.push(rest.under(&target));
            }
        }
    }
    twins
}

/// The refused entries' files that have more than one link, by device and inode: each
/// entry's exact paths, and what lies up to two levels below a directory entry.
pub(super) fn inodes(built: &Built, anchors: &Anchors) -> Vec<Inode> {
    let mut found = Vec::new();
    let mut budget = MAX_SCANNED;
    for (i, entry) in built.entries.iter().enumerate() {
        let Some(spec) = entry.spec.filter(|_| Built::refused(entry)) else {
            continue;
        };
        // An anywhere-entry is looked for where it matters most: in the project.
        let anchor = match spec.anchor {
            Anchor::Anywhere => Anchor::Project,
            other => other,
        };
        let Some(raw) = anchors.raw_pattern(anchor, spec.glob) else {
            continue;
        };
        for path in raw.concrete() {
            scan(&path, i, 2, &mut budget, &mut found);
        }
    }
    found
}

/// Records the files with several links at `path` and below it, `depth` levels down.
fn scan(path: &Path, entry: usize, depth: usize, budget: &mut usize, found: &mut Vec<Inode>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        if let Some((dev, ino)) = identity(&meta) {
            found.push(Inode {
                dev,
                ino,
                entry,
                path: path.to_path_buf(),
            });
        }
        return;
    }
    if !meta.is_dir() || depth == 0 {
        return;
    }
    let Ok(dir) = std::fs::read_dir(path) else {
        return;
    };
    for item in dir.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        scan(&item.path(), entry, depth - 1, budget, found);
    }
}

/// The device and inode of a regular file with more than one link.
#[cfg(unix)]
pub(super) fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    (meta.is_file() && meta.nlink() > 1).then(|| (meta.dev(), meta.ino()))
}

/// Hard links are not compared where the platform gives no inode.
#[cfg(not(unix))]
pub(super) fn identity(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_around_the_anchors_are_found_with_their_targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let home = root.join("home");
        std::fs::create_dir_all(home.join("dotfiles/claude")).unwrap();
        std::fs::write(home.join("dotfiles/bashrc"), "").unwrap();
        std::os::unix::fs::symlink("dotfiles/bashrc", home.join(".bashrc")).unwrap();
        std::os::unix::fs::symlink("dotfiles/claude", home.join(".claude")).unwrap();
        std::os::unix::fs::symlink("home", root.join("alias")).unwrap();
        let anchors = Anchors {
            home: Some(root.join("alias")),
            ..Anchors::default()
        };
        let mut found = links(&anchors, &mut Disk::default());
        found.sort();
        assert_eq!(
            found,
            vec![
                (root.join("alias"), home.clone()),
                (root.join("alias/.bashrc"), home.join("dotfiles/bashrc")),
                (root.join("alias/.claude"), home.join("dotfiles/claude")),
            ]
        );
    }
}
