//! The set and the comparison, on paths that do not exist (nothing on disk is involved; the
//! integration tests cover links and hard links).

use super::set::{Anchor, SPECS};
use super::*;
use crate::locations::Flags;

const P: &str = "/nonexistent-p";
const H: &str = "/nonexistent-h/u";

fn env() -> Env {
    Env {
        home: Some(H.into()),
        user: Some("u".into()),
        exe: Some("/nonexistent-opt/hk/bin/pretooluse-gate".into()),
        plugin_root: Some("/nonexistent-plug".into()),
        ..Env::default()
    }
}

fn set_with(flags: &Flags, extra: &[&str]) -> ProtectedSet {
    let locations = Locations::resolve(
        &env(),
        crate::env::Role::Hook,
        Path::new(P),
        &crate::config::Effective::default(),
        flags,
    );
    let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
    ProtectedSet::new(&locations, &env(), &extra)
}

fn set() -> ProtectedSet {
    set_with(&Flags::default(), &["/deploy/"])
}

fn cwd(rel: &str) -> PathBuf {
    Path::new(P).join(rel)
}

/// The level and kind of a write of `word` from the project root.
fn write(word: &str) -> Option<(Level, Kind)> {
    set()
        .write_hit(word, Some(Path::new(P)))
        .map(|h| (h.level, h.what))
}

fn refused(word: &str, kind: Kind) {
    assert_eq!(write(word), Some((Level::Refuse, kind)), "{word}");
}

#[test]
fn claude_codes_settings_are_refused_in_every_layer_and_case() {
    for word in [
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".CLAUDE/settings.json",
        ".Claude/Settings.JSON",
        "sub/dir/.claude/settings.json",
        "~/.claude/settings.json",
        "$HOME/.claude/settings.local.json",
        "${HOME}/.claude/settings.json",
        "~u/.claude/settings.json",
        "~/.claude.json",
        "~/.claude.json.backup",
        "~/.claude.json.backup.1730000000",
        ".mcp.json",
        "packages/x/.MCP.json",
        "/etc/claude-code/managed-settings.json",
        "/etc/claude-code/managed-mcp.json",
        "/Library/Application Support/ClaudeCode/managed-settings.json",
        ".claude/agents/x.md",
        "~/.claude/agents/x.md",
        "~/.claude/commands/x.md",
        "~/.claude/skills/x/SKILL.md",
        "~/.claude/plugins/x/hooks/hooks.json",
        "~/.claude/hooks/pretooluse-gate",
        "~/.claude/CLAUDE.md",
        "~/.claude/projects/-p/session.jsonl",
        "~/.claude",
        ".claude",
    ] {
        refused(word, Kind::Settings);
    }
}

#[test]
fn the_agents_own_notes_stay_writable() {
    for word in [
        "~/.claude/plans/plan.md",
        "~/.claude/todos/list.json",
        "~/.claude/projects/-nonexistent-p/memory/notes.md",
        "~/.claude/plans",
    ] {
        assert_eq!(write(word), None, "{word}");
    }
    // Not by climbing out of them.
    refused("~/.claude/plans/../settings.json", Kind::Settings);
    refused("~/.claude/projects/-p/memory/../x.jsonl", Kind::Settings);
    // A project's `.claude/plans/` is a project's `.claude/`.
    refused(".claude/plans/x.md", Kind::Settings);
}

#[test]
fn hookkits_own_files_are_refused_where_the_locations_put_them() {
    refused(".claude/logs/hookkit-audit.jsonl", Kind::Audit);
    refused(".claude/logs/hookkit-audit.jsonl.1", Kind::Audit);
    refused(".claude/logs/hookkit-audit.jsonl.lock", Kind::Audit);
    refused(".claude/reviews/abc.json", Kind::Queue);
    refused(".claude/hookkit.toml", Kind::Policy);
    refused("hookkit.toml", Kind::Policy);
    refused("conf/hookkit-strict.TOML", Kind::Policy);
    refused("~/.local/state/hookkit/streaks/s1", Kind::State);
    refused("~/.config/hookkit/reviewer.key", Kind::Keys);
    refused("/nonexistent-opt/hk/bin/defer-for-review", Kind::Binary);
    refused("/nonexistent-opt/hk/bin/pretooluse-gate", Kind::Binary);
    refused("/nonexistent-opt/hk/bin/hookkit", Kind::Binary);
    assert_eq!(write("/nonexistent-opt/hk/bin/other-tool"), None);
    refused("/nonexistent-plug/bin/pretooluse-gate", Kind::Binary);
    refused("/nonexistent-plug/hooks/hooks.json", Kind::Binary);
    refused("/nonexistent-plug/.claude-plugin/plugin.json", Kind::Binary);
    assert_eq!(write("/nonexistent-plug/README.md"), None);
}

#[test]
fn custom_locations_are_protected_where_they_are() {
    let flags = Flags {
        log: Some("/nonexistent-var/log/hk/audit.jsonl".into()),
        queue: Some("/nonexistent-srv/queue".into()),
    };
    let set = set_with(&flags, &[]);
    let kind = |w: &str| set.write_hit(w, Some(Path::new(P))).map(|h| h.what);
    assert_eq!(kind("/nonexistent-srv/queue/item.json"), Some(Kind::Queue));
    assert_eq!(kind("/nonexistent-srv/queue"), Some(Kind::Queue));
    assert_eq!(
        kind("/nonexistent-var/log/hk/audit.jsonl"),
        Some(Kind::Audit)
    );
    assert_eq!(
        kind("/nonexistent-var/log/hk/audit.jsonl.2"),
        Some(Kind::Audit)
    );
    assert_eq!(kind("/nonexistent-var/log/hk/other.log"), None);
    // Moving the directory that holds the log moves the log.
    let tree = set.check(
        Access::WriteTree,
        "/nonexistent-var/log/hk",
        Some(Path::new(P)),
    );
    assert_eq!(
        tree.map(|h| (h.what, h.via)),
        Some((Kind::Audit, Via::Tree))
    );
}

#[test]
fn git_internals_are_refused_and_history_confirmed() {
    refused(".git/hooks/pre-commit", Kind::Git);
    refused(".GIT/hooks/pre-commit", Kind::Git);
    refused(".git/config", Kind::Git);
    refused(".git/info/attributes", Kind::Git);
    refused(".git/modules/sub/hooks/post-checkout", Kind::Git);
    refused("vendor/lib/.git/config", Kind::Git);
    refused("~/.gitconfig", Kind::Git);
    refused("~/.config/git/config", Kind::Git);
    refused("/etc/gitconfig", Kind::Git);
    assert_eq!(
        write(".git/refs/heads/main"),
        Some((Level::Confirm, Kind::Git))
    );
    assert_eq!(write(".gitignore"), None);
    assert_eq!(write(".github/workflows/ci.yml"), None);
}

#[test]
fn start_up_files_are_refused_in_every_home() {
    refused("~/.bashrc", Kind::Startup);
    refused("~/.zshenv", Kind::Startup);
    refused("~/.profile", Kind::Startup);
    refused("~/.baſhrc", Kind::Startup);
    refused("~/.config/fish/config.fish", Kind::Startup);
    refused("~/.config/fish/conf.d/x.fish", Kind::Startup);
    refused("/etc/profile.d/x.sh", Kind::Startup);
    refused("/etc/bash.bashrc", Kind::Startup);
    // Another user's home is a home: `USER` may lie, and root can write there.
    refused("~other/.bashrc", Kind::Startup);
    refused("~other/.claude/settings.json", Kind::Settings);
    assert_eq!(write("~other/notes.txt"), None);
    assert_eq!(write(".bashrc"), None);
}

#[test]
fn relative_paths_climb_from_the_directory_the_command_runs_in() {
    let set = set();
    let deep = cwd("a/b");
    let hit = set
        .write_hit("../../.claude/settings.json", Some(&deep))
        .unwrap();
    assert_eq!(hit.path, cwd(".claude/settings.json"));
    assert_eq!(hit.level, Level::Refuse);
    // After `cd .claude`, a bare name is inside it.
    let inside = cwd(".claude");
    assert_eq!(
        set.write_hit("settings.json", Some(&inside))
            .map(|h| h.what),
        Some(Kind::Settings)
    );
    assert_eq!(
        set.write_hit("hooks/pretooluse-gate", Some(&inside))
            .map(|h| h.level),
        Some(Level::Refuse)
    );
    assert_eq!(set.write_hit("../src/main.rs", Some(&inside)), None);
}

#[test]
fn globs_are_protected_when_they_could_match() {
    for word in [
        ".cl?ude/settings.json",
        ".c*/settings.json",
        ".c*/hooks/*",
        "[.]claude/settings.json",
        "[.]claude",
        ".[c]laude/*",
        ".cl[a-z]ude/settings.json",
        ".claude/*",
        "~/.clau*/settings.json",
        ".claude/{a,settings}.json",
        "{src,.claude}/x",
    ] {
        let hit = set()
            .write_hit(word, Some(Path::new(P)))
            .unwrap_or_else(|| panic!("{word}"));
        assert_eq!(hit.level, Level::Refuse, "{word}");
    }
    // The shell's `*` and `?` do not match a leading dot.
    let bare = set_with(&Flags::default(), &[]);
    for word in ["*/settings.json", "?claude/settings.json", "src/*.rs", "*"] {
        assert_eq!(bare.write_hit(word, Some(Path::new(P))), None, "{word}");
    }
    // But `*/x.yml` could be `deploy/x.yml`, which the policy protects.
    assert_eq!(write("*/x.yml"), Some((Level::Confirm, Kind::UserPattern)));
    // Under the writable notes, a glob that stays there is fine; one that leaves is not.
    assert_eq!(write("~/.claude/plans/*.md"), None);
    assert!(write("~/.claude/p*/x.md").is_some());
}

#[test]
fn escapes_and_quoting_left_in_a_word_are_read() {
    for word in [
        r".\claude/settings.json",
        r"\.claude/settings.json",
        "$'.claude/settings.json'",
        r"$'\x2eclaude/settings.json'",
        r"$'\056claude/settings.json'",
        "'.claude'/settings.json",
        "\".claude/settings.json\"",
    ] {
        assert_eq!(
            set().write_hit(word, Some(Path::new(P))).map(|h| h.level),
            Some(Level::Refuse),
            "{word}"
        );
    }
}

#[test]
fn under_an_unknown_directory_names_decide() {
    let set = set();
    let hit = |w: &str| set.write_hit(w, None).map(|h| (h.level, h.via));
    assert_eq!(
        hit("settings.json"),
        Some((Level::Confirm, Via::UnknownDir))
    );
    assert_eq!(
        hit("hooks/pre-commit"),
        Some((Level::Confirm, Via::UnknownDir))
    );
    assert_eq!(
        hit("hookkit-audit.jsonl"),
        Some((Level::Confirm, Via::UnknownDir))
    );
    assert_eq!(
        hit("pretooluse-gate"),
        Some((Level::Confirm, Via::UnknownDir))
    );
    assert_eq!(
        hit(".claude/settings.json"),
        Some((Level::Refuse, Via::Path))
    );
    assert_eq!(hit(".claude/agents/x.md"), Some((Level::Refuse, Via::Path)));
    assert_eq!(hit("hookkit.toml"), Some((Level::Refuse, Via::Path)));
    // It could be the user's writable notes, or a project's `.claude/`.
    assert_eq!(hit(".claude/plans/x.md").map(|h| h.0), Some(Level::Confirm));
    assert_eq!(hit("notes.txt"), None);
    assert_eq!(hit("src/main.rs"), None);
    // A directory the shell computes is unknown too.
    let known = set.write_hit(
        "$(git rev-parse --show-toplevel)/.claude/settings.json",
        Some(Path::new(P)),
    );
    assert_eq!(known.map(|h| h.level), Some(Level::Refuse));
    let maybe = set.write_hit("$DIR/settings.json", Some(Path::new(P)));
    assert_eq!(maybe.map(|h| h.level), Some(Level::Confirm));
}

#[test]
fn words_inside_longer_words_are_found() {
    let set = set();
    let at = Some(Path::new(P));
    for word in [
        "of=.claude/settings.json",
        "--output=.claude/hooks/pretooluse-gate",
        "-o.claude/settings.json",
    ] {
        let hit = set.write_hit(word, at).unwrap_or_else(|| panic!("{word}"));
        assert_eq!((hit.level, hit.via), (Level::Refuse, Via::Inside), "{word}");
    }
    let code = "import json; json.dump({}, open('.claude/settings.json', 'w'))";
    let hit = set.named_hit(code, at).unwrap();
    assert_eq!((hit.level, hit.what), (Level::Confirm, Kind::Settings));
    let code = "require('fs').writeFileSync(require('os').homedir() + '/.bashrc', 'x')";
    // A path built from pieces nobody can read is not guessed: only what is written.
    assert_eq!(set.named_hit(code, at), None);
    let code = r#"f"{home}/.claude/settings.json""#;
    assert_eq!(
        set.named_hit(code, at).map(|h| h.level),
        Some(Level::Confirm)
    );
    assert_eq!(set.named_hit("print('hello')", at), None);
}

#[test]
fn a_program_that_only_names_a_path_needs_a_person_and_keys_stay_refused() {
    let set = set();
    let at = Some(Path::new(P));
    let named = |w: &str| set.named_hit(w, at).map(|h| h.level);
    assert_eq!(named(".claude/settings.json"), Some(Level::Confirm));
    assert_eq!(named("~/.bashrc"), Some(Level::Confirm));
    assert_eq!(named("~/.config/hookkit/reviewer.key"), Some(Level::Refuse));
    assert_eq!(
        named("~/.local/state/hookkit/audit.key"),
        Some(Level::Refuse)
    );
    assert_eq!(named("src/main.rs"), None);
    assert_eq!(named("-p"), None);
}

#[test]
fn reads_are_refused_for_key_material_only() {
    let set = set();
    let at = Some(Path::new(P));
    let read = |w: &str| set.read_hit(w, at).map(|h| (h.level, h.what));
    assert_eq!(read(".claude/settings.json"), None);
    assert_eq!(read("~/.claude/settings.json"), None);
    assert_eq!(read("~/.bashrc"), None);
    assert_eq!(
        read("~/.config/hookkit/reviewer.key"),
        Some((Level::Refuse, Kind::Keys))
    );
    assert_eq!(
        read("~/.config/HOOKKIT/*"),
        Some((Level::Refuse, Kind::Keys))
    );
    assert_eq!(
        read("~/.local/state/hookkit/audit.key"),
        Some((Level::Refuse, Kind::Keys))
    );
    assert_eq!(read("~/.local/state/hookkit/streaks/x"), None);
    assert_eq!(
        read("~/.claude/.credentials.json"),
        Some((Level::Refuse, Kind::Keys))
    );
    // A recursive read of a tree that holds them reads them.
    let tree = |w: &str| set.check(Access::ReadTree, w, at).map(|h| h.via);
    assert_eq!(tree("~"), Some(Via::Tree));
    assert_eq!(tree("~/.config"), Some(Via::Tree));
    assert_eq!(tree("."), None);
    assert_eq!(read("~"), None);
}

#[test]
fn removing_or_moving_a_tree_that_holds_the_set_is_refused() {
    let set = set();
    let at = Some(Path::new(P));
    let tree = |w: &str| set.check(Access::WriteTree, w, at).map(|h| h.level);
    assert_eq!(tree("."), Some(Level::Refuse));
    assert_eq!(tree("~"), Some(Level::Refuse));
    assert_eq!(tree("~/.local"), Some(Level::Refuse));
    assert_eq!(tree(".git"), Some(Level::Refuse));
    assert_eq!(tree("~/.claude/plans"), None);
    assert_eq!(tree("src"), None);
    assert_eq!(tree("/tmp/build"), None);
    // A plain write of a directory is not a write of what it holds.
    assert_eq!(set.write_hit(".", at), None);
}

#[test]
fn links_into_the_set_are_refused() {
    let set = set();
    let at = Some(Path::new(P));
    let link = |t: &str, l: &str| set.link_hit(t, l, at).map(|h| h.level);
    assert_eq!(
        link(".claude/settings.json", "notes.json"),
        Some(Level::Refuse)
    );
    assert_eq!(link("~/.bashrc", "rc"), Some(Level::Refuse));
    // The audit log replaced by a link to a start-up file: the link's name is protected.
    assert_eq!(
        link("../../../../.bashrc", ".claude/logs/hookkit-audit.jsonl"),
        Some(Level::Refuse)
    );
    // A relative target is read from the link's directory.
    assert_eq!(link("../.mcp.json", "sub/x.json"), Some(Level::Refuse));
    assert_eq!(link("src/lib.rs", "lib.rs"), None);
    assert_eq!(link(".vscode/settings.json", "x"), Some(Level::Confirm));
}

#[test]
fn policy_patterns_and_editors_are_confirmed() {
    assert_eq!(
        write("deploy/prod.yml"),
        Some((Level::Confirm, Kind::UserPattern))
    );
    assert_eq!(
        write(".vscode/tasks.json"),
        Some((Level::Confirm, Kind::Editor))
    );
    assert_eq!(
        write(".idea/workspace.xml"),
        Some((Level::Confirm, Kind::Editor))
    );
    assert_eq!(write("src/deploy.rs"), None);
}

#[test]
fn hits_say_what_and_how() {
    let set = set();
    let hit = set
        .write_hit(".claude/settings.json", Some(Path::new(P)))
        .unwrap();
    assert_eq!(hit.via, Via::Path);
    // The most specific row names it, though `.claude/` covers it too.
    assert_eq!(hit.entry, "**/.claude/{settings.json,settings.local.json}");
    let text = hit.describe();
    assert!(text.contains("Claude Code's settings"), "{text}");
    let glob = set
        .write_hit(".cl?ude/settings.json", Some(Path::new(P)))
        .unwrap();
    assert_eq!(glob.via, Via::Glob);
    assert!(glob.describe().contains("glob"), "{}", glob.describe());
}

#[test]
fn every_name_protected_at_any_depth_is_found_inside_words() {
    // `extract` takes a bare piece of a longer word only if it starts with `.` or names a
    // policy; every anywhere-row must keep that true.
    for spec in SPECS.iter().filter(|s| s.anchor == Anchor::Anywhere) {
        let first = spec.glob.trim_start_matches('/');
        let first = first.trim_start_matches('{');
        assert!(
            first.starts_with('.') || first.starts_with("hookkit"),
            "{}",
            spec.glob
        );
    }
}

#[test]
fn building_the_set_reads_nothing_until_a_check() {
    let set = set();
    assert!(set.built.get().is_none());
    let _ = set.write_hit("x", Some(Path::new(P)));
    assert!(set.built.get().is_some());
    assert!(!set.built.get().unwrap().inodes_found());
}
