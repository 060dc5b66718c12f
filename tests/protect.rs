//! The protected set through the library, on a real disk: links in the path and in the set,
//! hard links, globs the shell would expand, hookkit's locations wherever they are.

use std::path::{Path, PathBuf};

use hookkit::env::{Env, Role};
use hookkit::locations::{Flags, Locations};
use hookkit::protect::{Access, Hit, Kind, Level, ProtectedSet, Via};

/// A home and a project on disk, with hookkit installed in the project.
struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // The temporary directory may itself be reached through a link (macOS `/var`).
        let root = dir.path().canonicalize().unwrap();
        let world = Self { _dir: dir, root };
        for file in [
            "project/.claude/settings.json",
            "project/.claude/hooks/pretooluse-gate",
            "project/.claude/hookkit.toml",
            "project/.claude/logs/hookkit-audit.jsonl",
            "project/.git/config",
            "project/.git/hooks/pre-commit.sample",
            "project/src/main.rs",
            "home/.claude/settings.json",
            "home/.claude/plans/plan.md",
            "home/.config/hookkit/reviewer.key",
            "home/.bashrc",
            "opt/bin/pretooluse-gate",
            "opt/bin/defer-for-review",
        ] {
            world.write(file, "x");
        }
        world
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn project(&self) -> PathBuf {
        self.path("project")
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn symlink(&self, target: &str, link: &str) {
        let link = self.path(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    fn env(&self) -> Env {
        Env {
            home: Some(self.home()),
            user: Some("me".into()),
            exe: Some(self.path("opt/bin/pretooluse-gate")),
            ..Env::default()
        }
    }

    fn set_with(&self, flags: &Flags) -> ProtectedSet {
        let env = self.env();
        let locations = Locations::resolve(
            &env,
            Role::Hook,
            &self.project(),
            &hookkit::config::Effective::default(),
            flags,
        );
        ProtectedSet::new(&locations, &env, &[])
    }

    fn set(&self) -> ProtectedSet {
        self.set_with(&Flags::default())
    }

    /// A write of `word` from the project root.
    fn write_hit(&self, word: &str) -> Option<Hit> {
        self.set().write_hit(word, Some(&self.project()))
    }
}

fn level_via(hit: Option<Hit>) -> Option<(Level, Via)> {
    hit.map(|h| (h.level, h.via))
}

#[test]
fn a_link_to_the_settings_is_the_settings() {
    let w = World::new();
    w.symlink(".claude/settings.json", "project/notes.json");
    let hit = w.write_hit("notes.json").unwrap();
    assert_eq!(
        (hit.level, hit.via, hit.what),
        (Level::Refuse, Via::Link, Kind::Settings)
    );
    assert_eq!(hit.path, w.path("project/.claude/settings.json"));
    // Reading it is fine: settings are not key material.
    assert_eq!(w.set().read_hit("notes.json", Some(&w.project())), None);
    // A link that points at a policy not written yet: writing through it creates the policy.
    w.symlink(
        "../elsewhere/../project/.claude/hookkit.local.toml",
        "project/cfg.toml",
    );
    assert_eq!(
        level_via(w.write_hit("cfg.toml")),
        Some((Level::Refuse, Via::Link))
    );
}

#[test]
fn a_linked_directory_leads_into_the_set() {
    let w = World::new();
    w.symlink(".claude", "project/cfg");
    w.symlink("../project/.git/hooks", "project/tools/githooks");
    for word in [
        "cfg/settings.json",
        "cfg/hooks/pretooluse-gate",
        "tools/githooks/pre-push",
    ] {
        assert_eq!(
            level_via(w.write_hit(word)),
            Some((Level::Refuse, Via::Link)),
            "{word}"
        );
    }
    // `..` after a link goes to the target's parent, as the kernel takes it.
    w.symlink("../.claude/hooks", "project/deep/h");
    let hit = w.write_hit("deep/h/../settings.json").unwrap();
    assert_eq!(hit.level, Level::Refuse);
}

#[test]
fn link_loops_are_compared_as_written() {
    let w = World::new();
    w.symlink("b", "project/a");
    w.symlink("a", "project/b");
    assert_eq!(w.write_hit("a/x"), None);
    assert_eq!(
        w.write_hit("a/.claude/x").map(|h| h.level),
        Some(Level::Refuse)
    );
    // A long chain is cut off, never followed forever.
    for i in 0..50 {
        w.symlink(&format!("l{}", i + 1), &format!("project/l{i}"));
    }
    w.symlink(".claude/settings.json", "project/l50");
    let _ = w.write_hit("l0");
}

#[test]
fn a_hard_link_to_a_protected_file_is_that_file() {
    let w = World::new();
    std::fs::hard_link(
        w.path("project/.claude/settings.json"),
        w.path("project/copy.json"),
    )
    .unwrap();
    std::fs::hard_link(w.path("home/.bashrc"), w.path("project/rc.txt")).unwrap();
    let hit = w.write_hit("copy.json").unwrap();
    assert_eq!((hit.level, hit.via), (Level::Refuse, Via::HardLink));
    assert_eq!(hit.path, w.path("project/.claude/settings.json"));
    assert_eq!(
        w.write_hit("rc.txt").map(|h| (h.what, h.via)),
        Some((Kind::Startup, Via::HardLink))
    );
    // A file with one link is only itself.
    assert_eq!(w.write_hit("src/main.rs"), None);
}

#[test]
fn the_sets_own_links_are_followed_to_where_they_lead() {
    let w = World::new();
    // Dotfiles kept in a repository and linked into the home.
    w.write("home/dotfiles/bashrc", "x");
    std::fs::remove_file(w.path("home/.bashrc")).unwrap();
    w.symlink("dotfiles/bashrc", "home/.bashrc");
    std::fs::rename(w.path("home/.claude"), w.path("home/dotfiles/claude")).unwrap();
    w.symlink("dotfiles/claude", "home/.claude");
    let home = w.home();
    let set = w.set();
    let hit = |word: &str| set.write_hit(word, Some(&home)).map(|h| (h.level, h.what));
    assert_eq!(hit("dotfiles/bashrc"), Some((Level::Refuse, Kind::Startup)));
    assert_eq!(
        hit("dotfiles/claude/settings.json"),
        Some((Level::Refuse, Kind::Settings))
    );
    assert_eq!(
        hit("dotfiles/claude/agents/new.md"),
        Some((Level::Refuse, Kind::Settings))
    );
    // The writable notes are writable there too.
    assert_eq!(hit("dotfiles/claude/plans/plan.md"), None);
    assert_eq!(hit("dotfiles/claude/projects/-p/memory/notes.md"), None);
    assert!(hit("dotfiles/claude/projects/-p/session.jsonl").is_some());
    assert_eq!(hit("dotfiles/README.md"), None);
    // And the directory that holds them cannot be removed.
    assert_eq!(
        set.check(Access::WriteTree, "dotfiles", Some(&home))
            .map(|h| h.level),
        Some(Level::Refuse)
    );
}

#[test]
fn a_project_claude_directory_kept_elsewhere_is_still_protected() {
    let w = World::new();
    std::fs::rename(w.path("project/.claude"), w.path("shared-config")).unwrap();
    w.symlink("../shared-config", "project/.claude");
    let hit = w
        .write_hit("../shared-config/hooks/pretooluse-gate")
        .unwrap();
    assert_eq!((hit.level, hit.via), (Level::Refuse, Via::Link));
}

#[test]
fn relative_paths_from_a_subdirectory_reach_the_project() {
    let w = World::new();
    std::fs::create_dir_all(w.path("project/src/deep")).unwrap();
    let set = w.set();
    let deep = w.path("project/src/deep");
    let hit = set
        .write_hit("../../.claude/settings.json", Some(&deep))
        .unwrap();
    assert_eq!(hit.path, w.path("project/.claude/settings.json"));
    assert_eq!(hit.level, Level::Refuse);
    assert_eq!(set.write_hit("../lib.rs", Some(&deep)), None);
}

#[test]
fn globs_count_when_they_could_match_the_set() {
    let w = World::new();
    let set = w.set();
    let at = w.project();
    let hit = |word: &str| set.write_hit(word, Some(&at)).map(|h| (h.level, h.via));
    for word in [
        ".cl?ude/settings.json",
        ".c*/hooks/*",
        "[.]claude",
        ".CL*/SETTINGS.json",
    ] {
        assert_eq!(hit(word), Some((Level::Refuse, Via::Glob)), "{word}");
    }
    assert_eq!(hit("src/*.rs"), None);
    // A policy can be anywhere, so a glob matches one only if one is there now, as the shell
    // will expand it: `rm -rf build/*` is not a write to `build/hookkit.toml`.
    w.write("project/build/out.o", "x");
    assert_eq!(hit("build/*"), None);
    w.write("project/build/hookkit.toml", "x");
    assert_eq!(hit("build/*"), Some((Level::Refuse, Via::Glob)));
    assert_eq!(hit("build/HOOK*"), Some((Level::Refuse, Via::Glob)));
    // Outside the project, a `.claude/` is protected where it exists.
    w.write("other/readme", "x");
    let other = w.path("other");
    assert_eq!(set.write_hit("[.]claude/settings.json", Some(&other)), None);
    w.write("other/.claude/settings.json", "{}");
    assert_eq!(
        set.write_hit("[.]claude/settings.json", Some(&other))
            .map(|h| h.level),
        Some(Level::Refuse)
    );
}

#[test]
fn hookkits_locations_are_protected_wherever_they_are() {
    let w = World::new();
    let flags = Flags {
        log: Some(w.path("var/log/hk.jsonl")),
        queue: Some(w.path("srv/queue")),
    };
    let set = w.set_with(&flags);
    let at = Some(w.project());
    let what = |word: &Path| {
        set.write_hit(&word.to_string_lossy(), at.as_deref())
            .map(|h| (h.level, h.what))
    };
    assert_eq!(
        what(&w.path("var/log/hk.jsonl")),
        Some((Level::Refuse, Kind::Audit))
    );
    assert_eq!(
        what(&w.path("var/log/hk.jsonl.1")),
        Some((Level::Refuse, Kind::Audit))
    );
    assert_eq!(
        what(&w.path("var/log/hk.jsonl.lock")),
        Some((Level::Refuse, Kind::Audit))
    );
    assert_eq!(what(&w.path("var/log/other.log")), None);
    assert_eq!(
        what(&w.path("srv/queue/item.json")),
        Some((Level::Refuse, Kind::Queue))
    );
    assert_eq!(
        what(&w.path("home/.local/state/hookkit/x")),
        Some((Level::Refuse, Kind::State))
    );
    assert_eq!(
        what(&w.path("home/.config/hookkit/reviewer.key")),
        Some((Level::Refuse, Kind::Keys))
    );
    // The running binary's directory holds hookkit's binaries, by name.
    assert_eq!(
        what(&w.path("opt/bin/defer-for-review")),
        Some((Level::Refuse, Kind::Binary))
    );
    assert_eq!(
        what(&w.path("opt/bin/rules-lint")),
        Some((Level::Refuse, Kind::Binary))
    );
    assert_eq!(what(&w.path("opt/bin/jq")), None);
}

#[test]
fn the_audit_log_cannot_be_turned_into_a_link() {
    let w = World::new();
    let set = w.set();
    let logs = w.path("project/.claude/logs");
    // `cd .claude/logs && ln -sf ../../../../.bashrc hookkit-audit.jsonl`
    let hit = set
        .link_hit("../../../home/.bashrc", "hookkit-audit.jsonl", Some(&logs))
        .unwrap();
    assert_eq!(hit.level, Level::Refuse);
    // Nor can a link be made to a protected file from anywhere.
    let hit = set
        .link_hit(
            &w.path("home/.bashrc").to_string_lossy(),
            "rc",
            Some(&w.project()),
        )
        .unwrap();
    assert_eq!((hit.level, hit.what), (Level::Refuse, Kind::Startup));
    assert_eq!(
        set.link_hit("src/main.rs", "main.rs", Some(&w.project())),
        None
    );
}

#[test]
fn key_material_is_not_read_through_a_link_either() {
    let w = World::new();
    w.symlink("../home/.config/hookkit/reviewer.key", "project/k");
    let set = w.set();
    let hit = set.read_hit("k", Some(&w.project())).unwrap();
    assert_eq!(
        (hit.level, hit.what, hit.via),
        (Level::Refuse, Kind::Keys, Via::Link)
    );
    assert_eq!(
        set.read_hit(".claude/settings.json", Some(&w.project())),
        None
    );
    assert_eq!(
        set.check(Access::ReadTree, "..", Some(&w.project()))
            .map(|h| h.what),
        Some(Kind::Keys)
    );
}

#[test]
fn the_home_settings_are_protected_and_the_agents_notes_are_not() {
    let w = World::new();
    let set = w.set();
    let at = Some(w.project());
    let level = |word: &str| set.write_hit(word, at.as_deref()).map(|h| h.level);
    assert_eq!(level("~/.claude/settings.json"), Some(Level::Refuse));
    assert_eq!(level("~/.claude.json"), Some(Level::Refuse));
    assert_eq!(level("~/.claude/plans/plan.md"), None);
    assert_eq!(level("~/.claude/plans/new.md"), None);
    assert_eq!(level("~/.claude/todos/t.json"), None);
}

#[test]
fn after_a_cd_into_the_set_a_bare_name_is_in_it() {
    let w = World::new();
    let set = w.set();
    // `cd .claude; echo {} > settings.json`
    let claude = w.path("project/.claude");
    assert_eq!(
        set.write_hit("settings.json", Some(&claude))
            .map(|h| (h.level, h.what)),
        Some((Level::Refuse, Kind::Settings))
    );
    // `cd .claude/hooks; cp /bin/true pretooluse-gate`
    let hooks = w.path("project/.claude/hooks");
    assert_eq!(
        set.write_hit("pretooluse-gate", Some(&hooks))
            .map(|h| h.level),
        Some(Level::Refuse)
    );
    // `cd .claude/reviews && jq '.status="approved"' item.json > new.json`
    std::fs::create_dir_all(w.path("project/.claude/reviews")).unwrap();
    let reviews = w.path("project/.claude/reviews");
    assert_eq!(
        set.write_hit("new.json", Some(&reviews)).map(|h| h.what),
        Some(Kind::Queue)
    );
    // A program not known to be read-only, run inside the set: its directory counts.
    assert_eq!(
        set.named_hit(".", Some(&hooks)).map(|h| h.level),
        Some(Level::Confirm)
    );
    assert_eq!(set.named_hit(".", Some(&w.project())), None);
}

#[test]
fn moving_the_set_away_is_refused() {
    let w = World::new();
    let set = w.set();
    let at = Some(w.project());
    let tree = |word: &str| {
        set.check(Access::WriteTree, word, at.as_deref())
            .map(|h| h.level)
    };
    assert_eq!(tree(".claude"), Some(Level::Refuse));
    assert_eq!(tree(".git"), Some(Level::Refuse));
    assert_eq!(tree("."), Some(Level::Refuse));
    assert_eq!(tree("src"), None);
    assert_eq!(
        set.check(
            Access::WriteTree,
            &w.path("opt").to_string_lossy(),
            at.as_deref()
        )
        .map(|h| h.what),
        Some(Kind::Binary)
    );
}

/// The real gate's decision on `tool_input` in a sandbox whose project holds hookkit's files,
/// in `permission_mode`.
fn gate_decides(
    sandbox: &crate::util::Sandbox,
    tool: &str,
    input: serde_json::Value,
    mode: &str,
) -> String {
    let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
    payload["tool_name"] = serde_json::json!(tool);
    payload["tool_input"] = input;
    payload["permission_mode"] = serde_json::json!(mode);
    sandbox
        .hook(env!("CARGO_BIN_EXE_pretooluse-gate"))
        .payload(payload)
        .run()
        .decision()
}

fn installed_sandbox() -> crate::util::Sandbox {
    let sandbox = crate::util::Sandbox::new();
    sandbox.write("project/.claude/settings.json", "{}");
    sandbox.write("project/.claude/hooks/pretooluse-gate", "gate");
    sandbox.write("project/notes.md", "notes\n");
    sandbox
}

/// Two calls: the first makes a link (refused), and when the link is there anyway (an
/// archive, a checkout, a person), the second writes through it, by Bash and by a file tool.
#[test]
fn a_link_made_in_one_call_is_not_written_through_in_the_next() {
    let sandbox = installed_sandbox();
    let project = sandbox.project();
    for mode in ["default", "bypassPermissions"] {
        let bash =
            |c: &str| gate_decides(&sandbox, "Bash", serde_json::json!({"command": c}), mode);
        assert_eq!(
            bash("ln -s .claude/settings.json link.md"),
            "deny",
            "{mode}"
        );
        assert_eq!(bash("ln -s .claude cfg"), "deny", "{mode}");
    }
    std::os::unix::fs::symlink(".claude/settings.json", project.join("link.md")).unwrap();
    std::os::unix::fs::symlink(".claude", project.join("cfg")).unwrap();
    for mode in ["default", "bypassPermissions"] {
        let bash =
            |c: &str| gate_decides(&sandbox, "Bash", serde_json::json!({"command": c}), mode);
        assert_eq!(bash("echo '{}' > link.md"), "deny", "{mode}");
        assert_eq!(
            bash("cp /dev/null cfg/hooks/pretooluse-gate"),
            "deny",
            "{mode}"
        );
        assert_eq!(bash("cd cfg && rm settings.json"), "deny", "{mode}");
        let write = serde_json::json!({"file_path": project.join("link.md"), "content": "{}"});
        assert_eq!(
            gate_decides(&sandbox, "Write", write, mode),
            "deny",
            "{mode}"
        );
        // Reading through the link is routine.
        assert_ne!(bash("cat link.md"), "deny", "{mode}");
    }
}

/// Two calls: a script (shell, Python, a makefile, a patch) written first, run or applied
/// next; what it does decides. The same programs on a harmless script are left alone.
#[test]
fn a_script_written_in_one_call_is_judged_when_it_runs_in_the_next() {
    let sandbox = installed_sandbox();
    sandbox.write("project/fix.sh", "cd .claude\necho '{}' > settings.json\n");
    sandbox.write(
        "project/fix.py",
        "import json\njson.dump({}, open('.claude/settings.json', 'w'))\n",
    );
    sandbox.write(
        "project/tools/Makefile",
        "all:\n\t@rm -rf ../.claude/hooks\n",
    );
    sandbox.write(
        "project/fix.patch",
        "--- a/.claude/settings.json\n+++ b/.claude/settings.json\n@@ -1 +1 @@\n-{}\n+{\"disableAllHooks\":true}\n",
    );
    sandbox.write("project/ok.sh", "cargo test\n");
    sandbox.write(
        "project/ok.patch",
        "--- a/src/x.rs\n+++ b/src/x.rs\n@@ -1 +1 @@\n-a\n+b\n",
    );
    for mode in ["default", "bypassPermissions"] {
        let bash =
            |c: &str| gate_decides(&sandbox, "Bash", serde_json::json!({"command": c}), mode);
        for attack in [
            "bash fix.sh",
            "chmod +x fix.sh && ./fix.sh",
            "python3 fix.py",
            "make -C tools",
            "cd tools && make all",
            "patch -p1 < fix.patch",
            "git apply fix.patch",
            "find . -name settings.json -exec cp /dev/null {} \\;",
        ] {
            assert_eq!(bash(attack), "deny", "{mode}: {attack}");
        }
        for routine in ["bash ok.sh", "patch -p1 < ok.patch", "git apply ok.patch"] {
            assert_ne!(bash(routine), "deny", "{mode}: {routine}");
        }
    }
}
