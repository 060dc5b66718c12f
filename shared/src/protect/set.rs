//! The protected set as a table: every entry once, read both by [`super::ProtectedSet`] and by
//! [`super::markdown`], so that the documentation is the set.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::pattern::{Pattern, Seg, escape};
use super::{Kind, Level};

/// What an entry's pattern is written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Any directory: the pattern is unanchored (`**/` in front).
    Anywhere,
    /// The filesystem root.
    Root,
    /// The user's home.
    Home,
    /// The project directory.
    Project,
    /// hookkit's state directory.
    State,
    /// hookkit's key directory.
    Keys,
    /// The review queue directory.
    Queue,
    /// The audit log file (the pattern is appended to its name).
    AuditLog,
    /// The running binary itself.
    Exe,
    /// The directory of the running binary.
    ExeDir,
    /// The plugin's root, when hookkit runs as a Claude Code plugin.
    PluginRoot,
    /// The policy file named by `HOOKKIT_POLICY`.
    PolicyVar,
}

impl Anchor {
    /// How the table writes the anchor.
    fn placeholder(self) -> &'static str {
        match self {
            Self::Anywhere => "**",
            Self::Root => "",
            Self::Home => "~",
            Self::Project => "<project>",
            Self::State => "<state>",
            Self::Keys => "<keys>",
            Self::Queue => "<queue>",
            Self::AuditLog => "<audit log>",
            Self::Exe => "<running binary>",
            Self::ExeDir => "<binary's directory>",
            Self::PluginRoot => "<plugin root>",
            Self::PolicyVar => "$HOOKKIT_POLICY",
        }
    }
}

/// One row of the set.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) anchor: Anchor,
    /// The pattern after the anchor: `/`-separated, `**` any depth, a trailing `/` for the
    /// directory and everything below it, `{a,b}` for one of several names in one segment.
    pub(crate) glob: &'static str,
    pub(crate) level: Level,
    pub(crate) kind: Kind,
    /// Reading is refused too (key material).
    pub(crate) reads: bool,
    /// The writable exceptions ([`WRITABLE`]) apply.
    pub(crate) excusable: bool,
    pub(crate) why: &'static str,
}

const fn refuse(anchor: Anchor, glob: &'static str, kind: Kind, why: &'static str) -> Spec {
    Spec {
        anchor,
        glob,
        level: Level::Refuse,
        kind,
        reads: false,
        excusable: false,
        why,
    }
}

const fn claude_dir(anchor: Anchor, why: &'static str) -> Spec {
    Spec {
        excusable: true,
        ..refuse(anchor, "/.claude/", Kind::Settings, why)
    }
}

const fn secret(anchor: Anchor, glob: &'static str, why: &'static str) -> Spec {
    Spec {
        reads: true,
        ..refuse(anchor, glob, Kind::Keys, why)
    }
}

const fn confirm(anchor: Anchor, glob: &'static str, kind: Kind, why: &'static str) -> Spec {
    Spec {
        level: Level::Confirm,
        ..refuse(anchor, glob, kind, why)
    }
}

/// hookkit's binaries, by name.
const BINARIES: &str =
    "{pretooluse-gate,permission-denied-logger,defer-for-review,rules-lint,hookkit}";

/// The built-in set, most specific first (the first entry that covers a path names it).
pub(crate) const SPECS: &[Spec] = &[
    // Key material: reading is refused too.
    secret(Anchor::Keys, "/", "hookkit's key material (reviewer keys)"),
    secret(Anchor::State, "/audit.key", "the audit trail's MAC key"),
    secret(
        Anchor::Home,
        "/.claude/.credentials.json",
        "Claude Code's login credentials",
    ),
    // Claude Code's configuration, in every layer.
    refuse(
        Anchor::Anywhere,
        "/.claude/{settings.json,settings.local.json}",
        Kind::Settings,
        "Claude Code's settings: hooks, permissions, environment (user, project and local layers)",
    ),
    refuse(
        Anchor::Root,
        "/etc/claude-code/",
        Kind::Settings,
        "managed settings and MCP servers (Linux)",
    ),
    refuse(
        Anchor::Root,
        "/Library/Application Support/ClaudeCode/",
        Kind::Settings,
        "managed settings and MCP servers (macOS)",
    ),
    refuse(
        Anchor::Home,
        "/.claude.json",
        Kind::Settings,
        "Claude Code's global state: trusted folders, MCP servers, per-project allowed tools",
    ),
    refuse(
        Anchor::Home,
        "/.claude.json.*",
        Kind::Settings,
        "backups and temporary copies of `~/.claude.json`",
    ),
    refuse(
        Anchor::Anywhere,
        "/.mcp.json",
        Kind::Settings,
        "a project's MCP servers: commands Claude Code starts",
    ),
    // hookkit's own files, wherever the locations put them.
    refuse(
        Anchor::Anywhere,
        "/hookkit*.toml",
        Kind::Policy,
        "hookkit's policies, wherever they are",
    ),
    refuse(
        Anchor::PolicyVar,
        "",
        Kind::Policy,
        "the policy file the environment names",
    ),
    refuse(
        Anchor::Exe,
        "",
        Kind::Binary,
        "the hook binary that is running",
    ),
    refuse(
        Anchor::ExeDir,
        "/{pretooluse-gate,permission-denied-logger,defer-for-review,rules-lint,hookkit}",
        Kind::Binary,
        "hookkit's binaries next to the running one",
    ),
    refuse(
        Anchor::PluginRoot,
        "/{bin,hooks,.claude-plugin}/",
        Kind::Binary,
        "the plugin's binaries, hook wiring and manifest",
    ),
    refuse(Anchor::Queue, "/", Kind::Queue, "the review queue"),
    refuse(Anchor::AuditLog, "", Kind::Audit, "the audit log"),
    refuse(
        Anchor::AuditLog,
        ".*",
        Kind::Audit,
        "the audit log's rotated files and lock",
    ),
    refuse(
        Anchor::State,
        "/",
        Kind::State,
        "hookkit's state: denial streaks, audit checkpoints, used approvals",
    ),
    // Everything else in a `.claude/` directory.
    claude_dir(
        Anchor::Home,
        "the user's Claude Code directory: settings, hooks, agents, commands, skills, plugins, \
         memory file, transcripts, shell snapshots",
    ),
    claude_dir(
        Anchor::Project,
        "the project's Claude Code directory (named on its own so that removing or moving the \
         project counts)",
    ),
    claude_dir(
        Anchor::Anywhere,
        "any `.claude/` directory: settings, hookkit's hooks, policy, review queue, audit log \
         and state, agents, commands, skills",
    ),
    // What git runs or obeys.
    refuse(
        Anchor::Anywhere,
        "/.git/{config,config.worktree}",
        Kind::Git,
        "git's configuration: aliases, `core.hooksPath`, `core.fsmonitor`, filters run commands",
    ),
    refuse(
        Anchor::Anywhere,
        "/.git/{hooks,info,modules,worktrees}/",
        Kind::Git,
        "git's hooks, attributes and excludes, and the git directories of submodules and \
         worktrees",
    ),
    refuse(
        Anchor::Home,
        "/.gitconfig",
        Kind::Git,
        "the user's git configuration, which every repository obeys",
    ),
    refuse(
        Anchor::Home,
        "/.config/git/",
        Kind::Git,
        "the user's git configuration, attributes and hooks (XDG layout)",
    ),
    refuse(
        Anchor::Root,
        "/etc/gitconfig",
        Kind::Git,
        "the system's git configuration",
    ),
    confirm(
        Anchor::Anywhere,
        "/.git/",
        Kind::Git,
        "git's history, index and refs: a person decides",
    ),
    // What a shell or a login session runs.
    refuse(
        Anchor::Home,
        "/{.bashrc,.bash_profile,.bash_login,.bash_logout,.bash_aliases,.profile,.zshrc,.zshenv,\
         .zprofile,.zlogin,.zlogout,.kshrc,.mkshrc,.cshrc,.tcshrc,.login,.logout,.xprofile,\
         .xinitrc,.xsession,.xsessionrc,.pam_environment}",
        Kind::Startup,
        "the user's shell and login start-up files",
    ),
    refuse(
        Anchor::Home,
        "/{.bashrc.d,.oh-my-zsh}/",
        Kind::Startup,
        "directories the user's shell start-up files read",
    ),
    refuse(
        Anchor::Home,
        "/.config/{fish,zsh,nushell,powershell,environment.d,autostart}/",
        Kind::Startup,
        "shell, session and autostart configuration",
    ),
    refuse(
        Anchor::Root,
        "/etc/{profile,bash.bashrc,bashrc,environment,zshenv,zshrc,zprofile,zlogin,zlogout,\
         csh.cshrc,csh.login}",
        Kind::Startup,
        "system-wide shell start-up files (writable when the agent runs as root)",
    ),
    refuse(
        Anchor::Root,
        "/etc/{profile.d,zsh,fish}/",
        Kind::Startup,
        "system-wide shell start-up directories",
    ),
    // A person decides.
    confirm(
        Anchor::Anywhere,
        "/{.vscode,.idea}/",
        Kind::Editor,
        "editor settings and tasks, which an editor may run",
    ),
];

/// The exceptions: under the user's `.claude/`, the agent's own notes stay writable.
pub(crate) const WRITABLE: &[(Anchor, &str, &str)] = &[
    (Anchor::Home, "/.claude/plans/", "the agent's plans"),
    (Anchor::Home, "/.claude/todos/", "the agent's to-do lists"),
    (
        Anchor::Home,
        "/.claude/projects/*/memory/",
        "the agent's memory for a project",
    ),
];

/// The directories the set is built from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Anchors {
    pub(crate) home: Option<PathBuf>,
    pub(crate) project: Option<PathBuf>,
    pub(crate) state: Option<PathBuf>,
    pub(crate) keys: Option<PathBuf>,
    pub(crate) queue: Option<PathBuf>,
    pub(crate) audit_log: Option<PathBuf>,
    pub(crate) exe: Option<PathBuf>,
    pub(crate) plugin_root: Option<PathBuf>,
    pub(crate) policy_var: Option<PathBuf>,
}

impl Anchors {
    /// Where an anchor is in this run (the empty path for the root and anywhere).
    pub(crate) fn path(&self, anchor: Anchor) -> Option<PathBuf> {
        let absolute = |p: &Option<PathBuf>| p.clone().filter(|p| p.is_absolute());
        match anchor {
            Anchor::Anywhere | Anchor::Root => Some(PathBuf::new()),
            Anchor::Home => absolute(&self.home),
            Anchor::Project => absolute(&self.project),
            Anchor::State => absolute(&self.state),
            Anchor::Keys => absolute(&self.keys),
            Anchor::Queue => absolute(&self.queue),
            Anchor::AuditLog => absolute(&self.audit_log),
            Anchor::Exe => absolute(&self.exe),
            Anchor::ExeDir => absolute(&self.exe).and_then(|e| e.parent().map(Path::to_path_buf)),
            Anchor::PluginRoot => absolute(&self.plugin_root),
            Anchor::PolicyVar => absolute(&self.policy_var),
        }
    }

    /// The pattern of a row of the table under its anchor, or `None` when the anchor is not
    /// known here. `prefix` is the anchor's own pattern, made once per anchor by the caller.
    pub(crate) fn row(anchor: Anchor, glob: &'static str, prefix: &Pattern) -> Pattern {
        match anchor {
            Anchor::Anywhere => Pattern::table_under(&[Seg::Any], glob, true),
            // The log's rotated files and lock: its name with a suffix.
            Anchor::AuditLog if !glob.is_empty() => prefix.with_suffix_glob(glob),
            _ => Pattern::table_under(prefix.segments(), glob, true),
        }
    }

    /// The anchor's own pattern: its path, literal.
    pub(crate) fn prefix(&self, anchor: Anchor) -> Option<Pattern> {
        self.path(anchor).map(|p| Pattern::path(&p))
    }

    /// The pattern of a row, made on its own.
    #[cfg(test)]
    pub(crate) fn pattern(&self, anchor: Anchor, glob: &'static str) -> Option<Pattern> {
        Some(Self::row(anchor, glob, &self.prefix(anchor)?))
    }

    /// A row with its names as written, for looking its paths up on disk; `None` for an
    /// anywhere-anchor and for the log's suffixed files.
    pub(crate) fn raw_pattern(&self, anchor: Anchor, glob: &'static str) -> Option<Pattern> {
        if anchor == Anchor::Anywhere || (anchor == Anchor::AuditLog && !glob.is_empty()) {
            return None;
        }
        let base = self.path(anchor)?;
        Some(Pattern::table_under(
            Pattern::raw_path(&base).segments(),
            glob,
            false,
        ))
    }
}

/// Removes `.` and `..` segments from a pattern's text (a `..` takes the segment before it).
fn normalise(text: &str) -> String {
    if !text.contains("/.") {
        return text.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in text.split('/') {
        match seg {
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut joined = out.join("/");
    if text.starts_with('/') && !joined.starts_with('/') {
        joined.insert(0, '/');
    }
    if text.ends_with('/') && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// A `protected_paths` pattern of a policy, in the file rules' syntax: `//abs` from the root,
/// `~/x` under home, `/x` and `./x` and `x/y` under the project, a bare name at any depth.
/// Whatever it matches is covered with everything below it.
pub(crate) fn user_pattern(anchors: &Anchors, text: &str) -> Option<Pattern> {
    let text = text.trim();
    let (anchor, rest) = if let Some(rest) = text.strip_prefix("//") {
        (Anchor::Root, format!("/{rest}"))
    } else if text == "~" {
        (Anchor::Home, "/".to_owned())
    } else if let Some(rest) = text.strip_prefix("~/") {
        (Anchor::Home, format!("/{rest}"))
    } else if let Some(rest) = text.strip_prefix('/') {
        (Anchor::Project, format!("/{rest}"))
    } else if let Some(rest) = text.strip_prefix("./") {
        (Anchor::Project, format!("/{rest}"))
    } else if text.trim_end_matches('/').contains('/') || text.starts_with("..") {
        (Anchor::Project, format!("/{text}"))
    } else {
        (Anchor::Anywhere, format!("/{text}"))
    };
    if rest.trim_matches('/').is_empty() && anchor != Anchor::Home {
        return None;
    }
    let base = anchors.path(anchor)?;
    let text = normalise(&format!("{}{rest}", escape(&base.to_string_lossy())));
    let pattern = Pattern::written(&text);
    let pattern = if anchor == Anchor::Anywhere {
        pattern.anywhere()
    } else {
        pattern
    };
    Some(pattern.and_below())
}

/// How the table writes an entry.
pub(crate) fn label(anchor: Anchor, glob: &str) -> String {
    format!("{}{glob}", anchor.placeholder())
}

/// The whole set as Markdown: the entries, then the writable exceptions.
pub(crate) fn markdown() -> String {
    let mut out = String::new();
    out.push_str("| path | level | reads refused | what | why |\n|---|---|---|---|---|\n");
    for spec in SPECS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            label(spec.anchor, spec.glob),
            spec.level.as_str(),
            if spec.reads { "yes" } else { "no" },
            spec.kind.as_str(),
            spec.why
        );
    }
    let _ = writeln!(
        out,
        "| each `[gate] protected_paths` pattern | {} | no | {} | the policy's own additions |",
        Level::Confirm.as_str(),
        Kind::UserPattern.as_str()
    );
    out.push_str("\nWritable on purpose, inside the entries above marked for it (`.claude/`):\n\n");
    out.push_str("| path | why |\n|---|---|\n");
    for (anchor, glob, why) in WRITABLE {
        let _ = writeln!(out, "| `{}` | {why} |", label(*anchor, glob));
    }
    let _ = writeln!(
        out,
        "\nAnchors: `~` the home, `<project>` the project, `<state>` hookkit's state directory, \
         `<keys>` its key directory, `<queue>` the review queue, `<audit log>` the audit log \
         (all as `hookkit::locations` resolves them), `<running binary>` the hook binary \
         that runs and `<binary's directory>` its directory, `<plugin root>` \
         `$CLAUDE_PLUGIN_ROOT`, `**` any directory. hookkit's binaries are {}.",
        BINARIES.trim_matches(['{', '}']).replace(',', ", ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors() -> Anchors {
        Anchors {
            home: Some("/home/u".into()),
            project: Some("/p".into()),
            ..Anchors::default()
        }
    }

    fn path(text: &str) -> Pattern {
        Pattern::path(Path::new(text))
    }

    #[test]
    fn the_binaries_row_names_every_binary() {
        let row = SPECS.iter().find(|s| s.anchor == Anchor::ExeDir).unwrap();
        assert_eq!(row.glob, format!("/{BINARIES}"));
    }

    #[test]
    fn user_patterns_follow_the_file_rules_anchors() {
        let a = anchors();
        let hits = |pattern: &str, p: &str| user_pattern(&a, pattern).unwrap().meets(&path(p));
        assert!(hits("/deploy/", "/p/deploy/x.yml"));
        assert!(hits("/deploy", "/p/deploy/x.yml"));
        assert!(!hits("/deploy/", "/p/src/deploy.rs"));
        assert!(hits("//srv/app", "/srv/app/config"));
        assert!(hits("~/notes", "/home/u/notes/a.md"));
        assert!(hits("secrets", "/p/a/secrets/b"));
        assert!(hits("*.pem", "/p/a/key.pem"));
        assert!(hits("../shared/x", "/shared/x"));
        assert!(user_pattern(&a, "/").is_none());
        assert!(user_pattern(&Anchors::default(), "~/x").is_none());
    }

    #[test]
    fn patterns_keep_anchor_names_literal() {
        let a = Anchors {
            queue: Some("/w/[q]*".into()),
            ..Anchors::default()
        };
        let queue = a.pattern(Anchor::Queue, "/").unwrap();
        assert!(queue.meets(&path("/w/[q]*/item.json")));
        assert!(!queue.meets(&path("/w/qx/item.json")));
    }

    #[test]
    fn brace_groups_of_the_table_are_lower_case_names() {
        // `Seg::Alt` compares them as written with folded names.
        for glob in SPECS.iter().map(|s| s.glob) {
            for group in glob.split('{').skip(1) {
                let names = group.split('}').next().unwrap();
                assert!(
                    names
                        .bytes()
                        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'\\'),
                    "{glob}"
                );
            }
        }
    }

    #[test]
    fn the_table_file_is_the_set() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/protect/protected-set.md");
        let table = markdown();
        if std::env::var_os("HOOKKIT_BLESS").is_some() {
            std::fs::write(&path, &table).unwrap();
        }
        assert!(
            include_str!("protected-set.md") == table,
            "{} is out of date: run `HOOKKIT_BLESS=1 cargo test -p hookkit protect::set` and \
             commit it",
            path.display()
        );
    }

    #[test]
    fn every_row_has_a_label_and_a_reason() {
        let table = markdown();
        for spec in SPECS {
            assert!(!spec.why.is_empty());
            assert!(table.contains(&label(spec.anchor, spec.glob)));
        }
        assert!(table.contains("`~/.claude/plans/`"));
    }
}
