//! The class catalogue: every class id the classifier reports, with its risk, reach and
//! reversibility.
//!
//! `explain`, `rules-lint` (unknown class ids in a policy) and the README's class table are
//! generated from [`CLASSES`].
//!
//! # How a class is rated
//!
//! - **low**: it only reads (files, the network from allowed hosts, the system's state).
//! - **medium**: local, reversible work: it changes the project or temporary files in a way git
//!   or a rebuild brings back, or runs the project's own tests and builds.
//! - **high**: what cannot be undone (deleting what git cannot bring back, rewriting shared
//!   history), or what reaches outside the machine (publishing, deploying, remote mutations,
//!   sending data to hosts outside `allowed_hosts`), or what changes the machine's future
//!   (start-up files, schedulers, git hooks and config, tool configuration).
//!
//! Reach and reversibility decide, not the program's name: a new class is rated by where its
//! effect lands ([`Reach`]) and whether it can be taken back ([`Reversibility`]).

use super::Risk;

/// Where a class's effect lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    /// Nothing changes: it reads.
    None,
    /// The project (or temporary files).
    Project,
    /// The machine outside the project: home, system, other repositories, processes.
    Machine,
    /// Outside the machine: remote hosts, registries, clouds, other people.
    Remote,
    /// Cannot be told: the command could not be read statically.
    Unknown,
}

/// Whether a class's effect can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reversibility {
    /// Git, a rebuild or the same tool brings it back.
    Reversible,
    /// It cannot be undone.
    Irreversible,
}

/// What the gate's decision table needs to know about a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// It only reads: plan mode may allow it.
    Read,
    /// Local, reversible work: `auto` may allow it without a prompt.
    Local,
    /// It reaches outside the machine or cannot be undone: a person decides (where one is at
    /// the prompt).
    NeedsPerson,
    /// What it does cannot be read statically: never allowed, and asked (or refused where
    /// nobody is at the prompt) in every mode.
    Unreadable,
}

/// One class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    /// The stable id, `area.kind`.
    pub id: &'static str,
    /// Its risk.
    pub risk: Risk,
    /// Where its effect lands.
    pub reach: Reach,
    /// Whether it can be undone.
    pub reversibility: Reversibility,
    /// What it is, for people.
    pub summary: &'static str,
}

impl Class {
    /// What the decision table reads.
    pub fn effect(&self) -> Effect {
        match (self.reach, self.reversibility) {
            (Reach::Unknown, _) => Effect::Unreadable,
            (Reach::None, _) => Effect::Read,
            (Reach::Project, Reversibility::Reversible) => Effect::Local,
            _ => Effect::NeedsPerson,
        }
    }
}

const fn class(
    id: &'static str,
    risk: Risk,
    reach: Reach,
    reversibility: Reversibility,
    summary: &'static str,
) -> Class {
    Class {
        id,
        risk,
        reach,
        reversibility,
        summary,
    }
}

use Reach::{Machine, None as Reads, Project, Remote};
use Reversibility::{Irreversible, Reversible};

/// Every class, by area.
pub const CLASSES: &[Class] = &[
    class(
        "read.everyday",
        Risk::Low,
        Reads,
        Reversible,
        "everyday commands that only read or print",
    ),
    class(
        "build.everyday",
        Risk::Low,
        Project,
        Reversible,
        "everyday commands that change nothing outside the project",
    ),
    class("git.read", Risk::Low, Reads, Reversible, "read-only git"),
    class(
        "git.push",
        Risk::Medium,
        Remote,
        Reversible,
        "a push that adds commits to a remote branch",
    ),
    class(
        "fs.rm-root",
        Risk::High,
        Machine,
        Irreversible,
        "recursive delete of `/`",
    ),
    class(
        "net.fetch",
        Risk::Low,
        Reads,
        Reversible,
        "a fetch from an allowed host",
    ),
    class("web.search", Risk::Low, Reads, Reversible, "a web search"),
];

/// The class called `id`, if the catalogue has it.
pub fn lookup(id: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|c| c.id == id)
}

/// What the decision table reads for a finding of class `id` rated `risk`.
///
/// Classes missing from the catalogue are judged by their id until every class is listed:
/// reads are reads, areas that reach other hosts need a person, the rest is local.
pub fn effect_of(id: &str, risk: Risk) -> Effect {
    if let Some(class) = lookup(id) {
        return class.effect();
    }
    let (area, kind) = id.split_once('.').unwrap_or((id, ""));
    let reads = id.starts_with("read.") || kind == "read" || id == "web.search";
    let remote = matches!(
        area,
        "net" | "gh" | "cloud" | "k8s" | "iac" | "pkg" | "docker"
    ) || id.starts_with("git.push");
    if risk == Risk::Low && reads {
        Effect::Read
    } else if remote || risk == Risk::High {
        Effect::NeedsPerson
    } else {
        Effect::Local
    }
}
