//! git, read with git's own option grammar: global options before the subcommand (and the
//! programs `-c` options name), long options abbreviated to a prefix, bundled short flags with
//! their glued values (`-bfeature`), push refspecs, and configuration keys that run programs.

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// Branches whose history others build on.
const PROTECTED: &[&str] = &[
    "main",
    "master",
    "trunk",
    "develop",
    "production",
    "prod",
    "release",
    "staging",
];

/// Remotes whose name says a push deploys.
const DEPLOY_REMOTES: &[&str] = &["heroku", "dokku", "production", "prod", "live", "deploy"];

/// Judges `git`; returns whether `program` is git.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    if program != "git" {
        return false;
    }
    let args = s.args();
    let globals = global_options(args, s, v);
    let Some(sub) = args.get(globals.sub_at) else {
        v.add(&c::GIT_READ, "git without a subcommand", s.text());
        return true;
    };
    let rest = &args[globals.sub_at + 1..];
    if let Some((_, expansion)) = globals.aliases.iter().find(|(name, _)| name == sub) {
        alias(expansion, rest, s, v);
        return true;
    }
    for arg in rest {
        if let Some(command) = arg.strip_prefix("ext::") {
            s.judge_words(&ext_words(command), &[], "a git ext:: URL", v);
        }
    }
    let text = s.text();
    let flags = |values: &str| Flags::new(rest, values);
    let (class, reason): (&'static Class, &str) = match sub.as_str() {
        "status" | "diff" | "log" | "show" | "blame" | "grep" | "ls-files" | "ls-tree"
        | "ls-remote" | "rev-parse" | "rev-list" | "describe" | "shortlog" | "cat-file"
        | "for-each-ref" | "show-ref" | "name-rev" | "merge-base" | "whatchanged" | "version"
        | "help" | "fetch" | "var" | "count-objects" | "fsck" | "verify-commit" | "verify-tag"
        | "cherry" | "range-diff" | "format-patch" | "archive" | "check-ignore" | "check-attr"
        | "check-ref-format" | "show-branch" | "difftool" | "annotate" | "bugreport"
        | "diff-tree" | "diff-files" | "diff-index" | "get-tar-commit-id"
        | "interpret-trailers" | "column" | "stripspace" | "patch-id" | "mktree"
        | "hash-object" | "unpack-file" | "verify-pack" | "request-pull" => {
            (&c::GIT_READ, "reads the repository")
        }
        "push" => {
            push(rest, s, v);
            return true;
        }
        "reset" => reset(rest),
        "clean" => {
            let f = flags("e");
            if f.has('f', "force") && !f.has('n', "dry-run") && !f.has('i', "interactive") {
                (
                    &c::GIT_CLEAN,
                    "git clean -f deletes untracked files, which git cannot bring back",
                )
            } else {
                (&c::GIT_READ, "git clean without -f only lists")
            }
        }
        "checkout" => checkout(rest),
        "restore" => {
            let f = flags("s");
            if f.has('S', "staged") && !f.has('W', "worktree") {
                (&c::GIT_LOCAL, "unstages files")
            } else {
                (
                    &c::GIT_DISCARD,
                    "git restore discards uncommitted changes to the files",
                )
            }
        }
        "switch" => {
            let f = flags("cC");
            if f.has('f', "force") || f.long("discard-changes") {
                (
                    &c::GIT_DISCARD,
                    "git switch --discard-changes throws away uncommitted changes",
                )
            } else if f.has('C', "force-create") {
                (&c::GIT_HISTORY, "git switch -C resets an existing branch")
            } else {
                (&c::GIT_LOCAL, "switches branches")
            }
        }
        "branch" => {
            let f = flags("u");
            let delete = f.has('d', "delete");
            if f.short('D') || (delete && f.has('f', "force")) {
                (
                    &c::GIT_BRANCH_DELETE,
                    "git branch -D deletes a branch even with unmerged commits",
                )
            } else if f.short('M') || f.short('C') || (!delete && f.has('f', "force")) {
                (&c::GIT_HISTORY, "overwrites an existing branch")
            } else {
                (&c::GIT_LOCAL, "lists, creates or deletes merged branches")
            }
        }
        "stash" => match rest
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
        {
            Some("clear") => (&c::GIT_STASH_DROP, "git stash clear deletes every stash"),
            Some("drop") => (&c::GIT_STASH_DROP, "git stash drop deletes a stash"),
            _ => (&c::GIT_LOCAL, "stashes, applies or lists changes"),
        },
        "reflog" => match rest.first().map(String::as_str) {
            Some("expire" | "delete") => (
                &c::GIT_REF_DELETE,
                "removes reflog entries, the way back to lost commits",
            ),
            _ => (&c::GIT_READ, "reads the reflog"),
        },
        "tag" => {
            let f = flags("mFuse");
            if f.has('d', "delete") {
                (&c::GIT_REF_DELETE, "deletes tags")
            } else if f.has('f', "force") {
                (&c::GIT_HISTORY, "moves an existing tag")
            } else {
                (&c::GIT_LOCAL, "lists or creates tags")
            }
        }
        "update-ref" => {
            if flags("m").has('d', "delete") {
                (&c::GIT_REF_DELETE, "deletes a ref directly")
            } else {
                (&c::GIT_HISTORY, "moves a ref directly")
            }
        }
        "symbolic-ref" => {
            if flags("m").has('d', "delete") {
                (&c::GIT_REF_DELETE, "deletes a symbolic ref")
            } else if rest.iter().filter(|a| !a.starts_with('-')).count() >= 2 {
                (&c::GIT_HISTORY, "points a symbolic ref elsewhere")
            } else {
                (&c::GIT_READ, "reads a symbolic ref")
            }
        }
        "worktree" => match rest.first().map(String::as_str) {
            Some("remove") if flags("").has('f', "force") => (
                &c::GIT_WORKTREE_REMOVE,
                "removes a worktree with its uncommitted changes",
            ),
            _ => (&c::GIT_LOCAL, "adds, lists or removes clean worktrees"),
        },
        "gc" => {
            let prune_now = rest.iter().any(|a| {
                a.strip_prefix("--prune=")
                    .is_some_and(|when| !matches!(when, "2.weeks.ago" | "2 weeks ago" | "2.weeks"))
            });
            if prune_now {
                (
                    &c::GIT_GC_PRUNE,
                    "git gc --prune=<date> deletes unreachable commits sooner than git's two weeks",
                )
            } else {
                (
                    &c::GIT_LOCAL,
                    "packs the repository (unreachable commits are kept two weeks)",
                )
            }
        }
        "prune" => {
            if flags("").has('n', "dry-run") {
                (&c::GIT_READ, "lists what prune would delete")
            } else if rest.iter().any(|a| a.starts_with("--expire"))
                && !rest.iter().any(|a| a.ends_with("=now") || a == "now")
            {
                (&c::GIT_LOCAL, "deletes old unreachable objects")
            } else {
                (
                    &c::GIT_GC_PRUNE,
                    "git prune deletes every unreachable object now",
                )
            }
        }
        "filter-branch" | "filter-repo" => (
            &c::GIT_REWRITE_HISTORY,
            "rewrites the whole history of the repository",
        ),
        "rm" => {
            let f = flags("");
            if f.long("cached") {
                (&c::GIT_LOCAL, "untracks files")
            } else if f.has('f', "force") {
                (
                    &c::GIT_DISCARD,
                    "git rm -f deletes files with uncommitted changes",
                )
            } else {
                (
                    &c::GIT_RM,
                    "removes tracked files (git keeps them in history)",
                )
            }
        }
        "pull" | "clone" | "submodule" => {
            if sub == "submodule" && rest.first().is_some_and(|a| a == "foreach") {
                let line = rest[1..]
                    .iter()
                    .filter(|a| !a.starts_with("--"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                s.judge_line(&line, "git submodule foreach", v);
            }
            if sub == "clone" {
                clone_options(rest, s, v);
            }
            // `git submodule deinit -f` removes submodules' work trees, changes and all.
            if sub == "submodule"
                && rest.first().is_some_and(|a| a == "deinit")
                && rest.iter().any(|a| a == "-f" || a == "--force")
            {
                (
                    &c::GIT_DISCARD,
                    "git submodule deinit --force discards the submodules' work trees",
                )
            } else {
                (&c::GIT_NETWORK, "fetches and changes files from a remote")
            }
        }
        "rebase" => {
            for (i, a) in rest.iter().enumerate() {
                if matches!(a.as_str(), "-x" | "--exec")
                    && let Some(line) = rest.get(i + 1)
                {
                    s.judge_line(line, "git rebase --exec", v);
                } else if let Some(line) = a.strip_prefix("--exec=") {
                    s.judge_line(line, "git rebase --exec", v);
                }
            }
            (
                &c::GIT_HISTORY,
                "rewrites local history; the reflog keeps the old commits",
            )
        }
        "bisect" => {
            if rest.first().is_some_and(|a| a == "run") {
                s.judge_words(&rest[1..], &[], "git bisect run", v);
            }
            (&c::GIT_LOCAL, "bisects history")
        }
        "merge" | "cherry-pick" | "revert" | "am" | "apply" | "replace" | "mergetool" => (
            &c::GIT_HISTORY,
            "changes local history or files; the reflog keeps the old commits",
        ),
        "commit" => {
            if flags("mFcCtS").long("amend") {
                (
                    &c::GIT_HISTORY,
                    "rewrites the last commit; the reflog keeps it",
                )
            } else {
                (&c::GIT_LOCAL, "records work locally")
            }
        }
        "config" => {
            config(rest, s, v);
            return true;
        }
        "maintenance" => match rest.first().map(String::as_str) {
            Some("start" | "register") => {
                (&c::SYS_SCHEDULE, "registers scheduled git maintenance jobs")
            }
            _ => (&c::GIT_LOCAL, "maintains the repository"),
        },
        "credential" | "credential-store" | "credential-cache" => match rest
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
        {
            Some("fill" | "get") => (&c::SECRET_READ, "prints stored credentials"),
            _ => (&c::GIT_CONFIG_GLOBAL, "changes stored credentials"),
        },
        "send-email" | "imap-send" => (&c::NET_SEND, "sends patches by email"),
        "daemon" | "instaweb" => (&c::NET_LISTEN, "serves the repository on the network"),
        "add" | "mv" | "init" | "notes" | "sparse-checkout" | "lfs" | "hook" | "remote"
        | "restore-staged" | "update-index" | "read-tree" | "write-tree" | "commit-tree"
        | "repack" | "pack-refs" | "checkout-index" | "merge-file" | "rerere" | "mktag"
        | "fast-import" | "bundle" | "stage" | "multi-pack-index" | "commit-graph"
        | "range-diff-write" | "citool" | "gui" | "scalar" => {
            (&c::GIT_LOCAL, "records work locally")
        }
        _ => {
            v.known = false;
            return true;
        }
    };
    v.add(class, reason, text);
    true
}

/// The words of a git `ext::` command: spaces separate them, `% ` is a space inside one, `%%`
/// a percent sign, and `%S`, `%s`, `%G` stand for values git fills in.
fn ext_words(command: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut chars = command.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '%' => match chars.next() {
                Some(' ') => words.last_mut().map_or((), |w| w.push(' ')),
                Some('%') => words.last_mut().map_or((), |w| w.push('%')),
                Some(_) => words.last_mut().map_or((), |w| w.push_str("git-value")),
                None => {}
            },
            ' ' => words.push(String::new()),
            other => words.last_mut().map_or((), |w| w.push(other)),
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// Short flags of one subcommand's arguments, with the short options that take a value
/// (`-b` of `checkout`) ending their bundle: `-bfeature` is `-b feature`, not `-f`.
struct Flags<'a> {
    args: &'a [String],
    shorts: Vec<char>,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String], takes_value: &str) -> Self {
        let mut shorts = Vec::new();
        let mut skip = false;
        for a in args {
            if skip {
                skip = false;
                continue;
            }
            if a == "--" {
                break;
            }
            if a.starts_with("--") || !a.starts_with('-') || a.len() < 2 {
                continue;
            }
            for (pos, ch) in a[1..].char_indices() {
                shorts.push(ch);
                if takes_value.contains(ch) {
                    // The rest of the bundle is the value, or the next word is.
                    skip = pos + ch.len_utf8() == a.len() - 1;
                    break;
                }
            }
        }
        Self { args, shorts }
    }

    fn short(&self, flag: char) -> bool {
        self.shorts.contains(&flag)
    }

    /// A long option in full or abbreviated (at least two characters, or its whole name).
    fn long(&self, name: &str) -> bool {
        self.args.iter().take_while(|a| *a != "--").any(|a| {
            a.strip_prefix("--").is_some_and(|given| {
                let given = given.split('=').next().unwrap_or(given);
                given == name || (given.len() >= 2 && name.starts_with(given))
            })
        })
    }

    fn has(&self, short: char, long: &str) -> bool {
        self.short(short) || self.long(long)
    }
}

/// Global options before the subcommand, as read.
struct Globals {
    /// `-c alias.X=...` definitions.
    aliases: Vec<(String, String)>,
    /// Where the subcommand is.
    sub_at: usize,
}

/// Skips git's global options; judges the programs `-c` options and `--exec-path` name.
fn global_options(args: &[String], s: &Subject<'_>, v: &mut Verdict) -> Globals {
    let mut aliases = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        match arg.as_str() {
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix"
            | "--list-cmds" => i += 2,
            "-c" => {
                if let Some((key, value)) = args.get(i + 1).and_then(|kv| kv.split_once('=')) {
                    if let Some(name) = key.strip_prefix("alias.") {
                        aliases.push((name.to_owned(), value.to_owned()));
                    } else {
                        option_command(key, value, s, v);
                    }
                }
                i += 2;
            }
            "--config-env" => {
                if let Some((key, _)) = args.get(i + 1).and_then(|kv| kv.split_once('='))
                    && exec_key(key)
                {
                    v.add(
                        &c::EXEC_UNREADABLE,
                        format!("git takes `{key}` from an environment variable: the program it runs cannot be read"),
                        s.text(),
                    );
                }
                i += 2;
            }
            a if a.starts_with("--exec-path=") => {
                v.add(
                    &c::EXEC_UNREADABLE,
                    "git runs its commands from another directory (--exec-path)",
                    s.text(),
                );
                i += 1;
            }
            a if a.starts_with('-') => i += 1,
            _ => break,
        }
    }
    Globals { aliases, sub_at: i }
}

/// Configuration keys whose value is a program git runs, or that redirect where git fetches
/// from and pushes to.
fn exec_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let last = key.rsplit('.').next().unwrap_or(&key);
    matches!(
        key.as_str(),
        "core.hookspath"
            | "core.fsmonitor"
            | "core.sshcommand"
            | "core.pager"
            | "core.editor"
            | "core.askpass"
            | "core.gitproxy"
            | "core.alternaterefscommand"
            | "core.worktree"
            | "sequence.editor"
            | "gpg.program"
            | "diff.external"
            | "init.templatedir"
            | "uploadpack.packobjectshook"
            | "web.browser"
            | "safe.directory"
            | "include.path"
            | "core.attributesfile"
            | "interactive.difffilter"
    ) || key.starts_with("alias.")
        || key.starts_with("includeif.")
        || key.starts_with("url.")
        || key.starts_with("filter.")
        || (key.starts_with("credential.") && last == "helper")
        || (key.starts_with("gpg.") && last == "program")
        || (key.starts_with("diff.") && matches!(last, "command" | "textconv"))
        || (key.starts_with("merge.") && last == "driver")
        || (key.starts_with("pager."))
        || (key.starts_with("remote.")
            && matches!(last, "uploadpack" | "receivepack" | "proxy" | "vcs"))
        || (key.starts_with("protocol.") && last == "allow")
        || (key.starts_with("submodule.") && last == "update")
        || matches!(last, "cmd" | "path" if key.starts_with("difftool.") || key.starts_with("mergetool.") || key.starts_with("man.") || key.starts_with("browser."))
}

/// Whether a value of an option that runs programs or redirects remotes is one everybody sets:
/// a command of programs hookkit knows and that does nothing risky (`core.editor vim`,
/// `core.pager delta`), hooks kept in the project, a rewrite to an allowed host
/// (`url.git@github.com:.insteadOf`), a credential helper that ships with git or gh, a named
/// safe directory, an alias of git subcommands. Anything else is set to run later unread.
fn harmless_exec_value(key: &str, value: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    const TOOLS: &[&str] = &[
        "ssh",
        "git",
        "gpg",
        "gpg2",
        "gh",
        "glab",
        "vim",
        "vi",
        "nvim",
        "emacs",
        "emacsclient",
        "nano",
        "micro",
        "hx",
        "code",
        "subl",
        "zed",
        "mate",
        "idea",
        "less",
        "more",
        "most",
        "delta",
        "bat",
        "diff-so-fancy",
        "meld",
        "kdiff3",
        "vimdiff",
        "nvimdiff",
        "opendiff",
        "bcompare",
        "git-lfs",
        "difftastic",
        "difft",
    ];
    let lower = key.to_ascii_lowercase();
    if lower == "core.hookspath" {
        let j = s.path(value, value.contains('$'));
        return j.place.in_project() && j.place != super::paths::Place::ProjectGit;
    }
    if lower == "safe.directory" {
        return value != "*" && !value.is_empty();
    }
    if let Some(base) = lower.strip_prefix("url.") {
        let base = base
            .trim_end_matches(".insteadof")
            .trim_end_matches(".pushinsteadof");
        return super::net::remote_spec(base)
            .is_some_and(|host| super::host_allowed(host, &s.ctx.allowed_hosts));
    }
    if let Some(name) = lower.strip_prefix("alias.") {
        let _ = name;
        return !value.starts_with('!');
    }
    if lower.starts_with("credential.") && lower.ends_with("helper") {
        let helper = value.trim();
        if matches!(
            helper,
            "store"
                | "cache"
                | "osxkeychain"
                | "manager"
                | "manager-core"
                | "libsecret"
                | "wincred"
                | ""
                | "cache --timeout=3600"
        ) || helper.starts_with("store --file")
            || helper.ends_with("gh auth git-credential")
        {
            return true;
        }
    }
    if !command_key(&lower) {
        return false;
    }
    let line = value.strip_prefix('!').unwrap_or(value).trim();
    if matches!(line, "" | "true" | "false") {
        return true;
    }
    // The command is judged; it is harmless only when nothing in it is stopped and every
    // program in it is an everyday one, an editor, a pager or a tool git calls.
    let mut inner = Verdict::default();
    s.judge_line(line, &format!("git's `{key}`"), &mut inner);
    let harmless = inner.findings.iter().all(|f| {
        f.risk == super::Risk::Low
            || f.entry().id == c::NET_SSH.id
            || f.entry().id == c::SECRET_READ_CONFIG.id
    }) && crate::shell::parse(line).is_ok_and(|commands| {
        commands.iter().all(|cmd| {
            cmd.program().is_some_and(|p| {
                let p = super::runners::program_name(p);
                TOOLS.contains(&p) || super::everyday::class_of(p).is_some()
            })
        })
    });
    v.findings.extend(inner.findings);
    harmless
}

/// Keys whose value is a command line git runs.
fn command_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let last = key.rsplit('.').next().unwrap_or(&key);
    matches!(
        key.as_str(),
        "core.fsmonitor"
            | "core.sshcommand"
            | "core.pager"
            | "core.editor"
            | "core.askpass"
            | "core.gitproxy"
            | "core.alternaterefscommand"
            | "sequence.editor"
            | "gpg.program"
            | "diff.external"
            | "uploadpack.packobjectshook"
            | "web.browser"
            | "interactive.difffilter"
    ) || key.starts_with("filter.")
        || key.starts_with("pager.")
        || (key.starts_with("credential.") && last == "helper")
        || (key.starts_with("diff.") && matches!(last, "command" | "textconv"))
        || (key.starts_with("merge.") && last == "driver")
        || (key.starts_with("remote.") && matches!(last, "uploadpack" | "receivepack" | "proxy"))
        || last == "cmd"
}

/// `git -c key=value`: a value that is a command line is judged as the command git runs.
fn option_command(key: &str, value: &str, s: &Subject<'_>, v: &mut Verdict) {
    let lower = key.to_ascii_lowercase();
    if lower == "core.hookspath" && matches!(value, "/dev/null" | "" | "/nonexistent") {
        // Running without hooks.
        return;
    }
    if (command_key(&lower) || lower == "core.hookspath")
        && !harmless_exec_value(key, value, s, v)
        && !v.any_stopping()
    {
        v.add(
            &c::EXEC_UNREADABLE,
            format!("git runs `{value}` for `{key}`, which cannot be read"),
            s.text(),
        );
    }
}

/// `git clone --upload-pack=CMD`, `--config key=value`, `--template=dir`.
fn clone_options(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    for (i, a) in rest.iter().enumerate() {
        let value = |name: &str| -> Option<String> {
            a.strip_prefix(&format!("{name}="))
                .map(str::to_owned)
                .or_else(|| (a == name).then(|| rest.get(i + 1).cloned()).flatten())
        };
        if let Some(cmd) = value("--upload-pack").or_else(|| value("-u")) {
            s.judge_line(&cmd, "git clone --upload-pack", v);
        }
        if let Some(kv) = value("--config").or_else(|| value("-c"))
            && let Some((key, val)) = kv.split_once('=')
        {
            if exec_key(key) {
                v.add(
                    &c::GIT_CONFIG_EXEC,
                    format!("clones with `{key}` set, which runs programs or redirects remotes"),
                    s.text(),
                );
            }
            option_command(key, val, s, v);
        }
        if value("--template").is_some() {
            v.add(
                &c::EXEC_UNREADABLE,
                "clones with a template directory whose hooks are not read",
                s.text(),
            );
        }
    }
}

/// `git config`: reads are reads; keys that run programs are high in any scope.
fn config(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let global = rest.iter().any(|a| {
        matches!(a.as_str(), "--global" | "--system" | "--file" | "-f") || a.starts_with("--file=")
    });
    let reading = rest.iter().any(|a| {
        a.starts_with("--get")
            || matches!(
                a.as_str(),
                "-l" | "--list" | "--show-origin" | "--show-scope" | "--name-only" | "get" | "list"
            )
    });
    let positional: Vec<&String> = rest
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            let after_value_option = *i > 0
                && matches!(
                    rest[i - 1].as_str(),
                    "--file" | "-f" | "--blob" | "--type" | "--default"
                );
            !a.starts_with('-') && !after_value_option
        })
        .map(|(_, a)| a)
        .filter(|a| !matches!(a.as_str(), "set" | "unset" | "get" | "list"))
        .collect();
    if let Some(file) = rest
        .iter()
        .position(|a| a == "--file" || a == "-f")
        .and_then(|i| rest.get(i + 1))
        .or_else(|| {
            rest.iter()
                .find_map(|a| a.strip_prefix("--file=").map(|_| a))
        })
        && !reading
    {
        let file = file.strip_prefix("--file=").unwrap_or(file);
        super::fs::write_target(file, false, false, s, v);
    }
    let editing = rest.iter().any(|a| a == "--edit" || a == "-e");
    let unsetting = rest
        .iter()
        .any(|a| a.starts_with("--unset") || a == "--remove-section" || a == "--rename-section");
    if reading || (positional.len() < 2 && !editing && !unsetting) {
        v.add(&c::GIT_READ, "reads git configuration", text);
        return;
    }
    let key = positional.first().map_or("", |k| k.as_str());
    let value = positional.get(1).map_or("", |v| v.as_str());
    if exec_key(key) && !unsetting && !harmless_exec_value(key, value, s, v) {
        v.add(
            &c::GIT_CONFIG_EXEC,
            format!("sets `{key}`, which runs programs or redirects remotes"),
            text,
        );
    } else if global || editing {
        v.add(
            &c::GIT_CONFIG_GLOBAL,
            "changes the user's or the system's git configuration",
            text,
        );
    } else {
        v.add(
            &c::GIT_CONFIG,
            "changes the repository's git configuration",
            text,
        );
    }
}

/// `git -c alias.nuke='reset --hard' nuke`: judge what the alias expands to.
fn alias(expansion: &str, rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let line = match expansion.strip_prefix('!') {
        Some(shell) => format!("{shell} {}", rest.join(" ")),
        None => format!("git {expansion} {}", rest.join(" ")),
    };
    v.add(
        &c::EXEC_NESTED,
        "runs a git alias defined on the command line (judged on its own)",
        s.text(),
    );
    s.judge_line(&line, "a git alias", v);
}

fn is_everything(path: &str) -> bool {
    matches!(
        path,
        "." | "./" | "*" | ":/" | ":/*" | "/" | ".." | ":(top)" | ":/."
    )
}

/// A word that names a file rather than a branch: it has a file extension, or is `.`.
fn looks_like_file(word: &str) -> bool {
    is_everything(word)
        || word
            .rsplit('/')
            .next()
            .and_then(|name| name.rsplit_once('.'))
            .is_some_and(|(stem, ext)| {
                !stem.is_empty()
                    && (1..=5).contains(&ext.len())
                    && ext.chars().all(|c| c.is_ascii_alphanumeric())
                    && !ext.chars().all(|c| c.is_ascii_digit())
            })
}

fn checkout(rest: &[String]) -> (&'static Class, &'static str) {
    let f = Flags::new(rest, "bBt");
    if f.short('b') || f.long("orphan") {
        return (&c::GIT_LOCAL, "creates and switches to a branch");
    }
    if f.short('B') {
        return (&c::GIT_HISTORY, "git checkout -B resets an existing branch");
    }
    if f.has('f', "force") {
        return (
            &c::GIT_DISCARD,
            "git checkout -f discards uncommitted changes",
        );
    }
    let separator = rest.iter().position(|a| a == "--");
    let files = match separator {
        Some(p) => !rest[p + 1..].is_empty(),
        None => rest
            .iter()
            .filter(|a| !a.starts_with('-'))
            .any(|a| looks_like_file(a)),
    };
    if f.long("ours") || f.long("theirs") || f.long("merge") || f.long("conflict") {
        return (&c::GIT_HISTORY, "resolves conflicts in files");
    }
    if f.has('p', "patch") {
        return (&c::GIT_HISTORY, "discards chosen hunks interactively");
    }
    if files {
        (
            &c::GIT_DISCARD,
            "git checkout of files discards their uncommitted changes",
        )
    } else {
        (&c::GIT_LOCAL, "switches branches")
    }
}

fn reset(rest: &[String]) -> (&'static Class, &'static str) {
    let f = Flags::new(rest, "");
    if f.long("hard") {
        (
            &c::GIT_RESET_HARD,
            "git reset --hard discards uncommitted changes for good",
        )
    } else if f.long("merge") || f.long("keep") {
        (
            &c::GIT_HISTORY,
            "git reset moves the branch and may change files",
        )
    } else if rest
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| !a.starts_with('-') && !looks_like_file(a))
    {
        (
            &c::GIT_HISTORY,
            "git reset moves the branch; the working tree is kept",
        )
    } else {
        (&c::GIT_LOCAL, "unstages changes; the working tree is kept")
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per option"
)]
fn push(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mut force = false;
    let mut lease = false;
    let mut mirror = false;
    let mut delete = false;
    let mut prune = false;
    let mut positional: Vec<&str> = Vec::new();
    let mut skip_next = false;
    for arg in rest {
        if skip_next {
            skip_next = false;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if name.is_empty() {
                continue;
            }
            // Exact names first: --force is also a prefix of --force-with-lease.
            match name {
                "force-with-lease" | "force-if-includes" => lease = true,
                "force" => force = true,
                "mirror" => mirror = true,
                "delete" => delete = true,
                "prune" => prune = true,
                "no-force-with-lease"
                | "no-force"
                | "dry-run"
                | "no-verify"
                | "verify"
                | "follow-tags"
                | "tags"
                | "all"
                | "atomic"
                | "thin"
                | "no-thin"
                | "quiet"
                | "verbose"
                | "progress"
                | "porcelain"
                | "set-upstream"
                | "signed"
                | "no-signed"
                | "ipv4"
                | "ipv6"
                | "no-recurse-submodules" => {}
                "repo" | "receive-pack" | "exec" | "push-option" | "recurse-submodules" => {
                    skip_next = !long.contains('=');
                }
                n if "force-with-lease".starts_with(n) && n.len() > "force".len() => lease = true,
                n if "force".starts_with(n) && n.len() >= 2 => force = true,
                n if "mirror".starts_with(n) && n.len() >= 2 => mirror = true,
                n if "delete".starts_with(n) && n.len() >= 2 => delete = true,
                _ => {}
            }
        } else if arg.starts_with('-') && arg.len() > 1 {
            let flags = &arg[1..];
            force |= flags.contains('f');
            delete |= flags.contains('d');
            if flags.ends_with('o') {
                skip_next = true;
            }
        } else {
            positional.push(arg);
        }
    }
    if rest.iter().any(|a| a == "--dry-run" || a == "-n") {
        v.add(
            &c::GIT_READ,
            "git push --dry-run only shows what would be pushed",
            text,
        );
        return;
    }
    let remote = positional.first().copied().unwrap_or("");
    // A remote added earlier in the same line (`git remote add x URL && git push x`) is its URL.
    let added = s.all.iter().find_map(|o| {
        if o.program() != Some("git") {
            return None;
        }
        let words: Vec<&str> = o
            .effective
            .iter()
            .skip(1)
            .map(String::as_str)
            .filter(|w| !w.starts_with('-'))
            .collect();
        match words.as_slice() {
            ["remote", "add" | "set-url", name, url, ..] if *name == remote => Some(*url),
            _ => None,
        }
    });
    let remote_url = added.unwrap_or(remote);
    // A push to a URL sends the repository there: to a host that is not allowed, it leaves.
    if let Some(host) = super::net::remote_spec(remote_url)
        && !super::host_allowed(host, &s.ctx.allowed_hosts)
    {
        v.add(
            &c::NET_SEND,
            format!("pushes the repository to {host}, which is not an allowed host"),
            text,
        );
    }
    let refspecs = positional.get(1..).unwrap_or(&[]);
    let mut protected = false;
    let mut deleted: Vec<&str> = Vec::new();
    for spec in refspecs {
        let plus = spec.starts_with('+');
        let spec = spec.trim_start_matches('+');
        let (src, dst) = spec.split_once(':').unwrap_or((spec, spec));
        let branch = dst.trim_start_matches("refs/heads/");
        if PROTECTED.contains(&branch) {
            protected = true;
        }
        if plus {
            force = true;
        }
        if src.is_empty() && !dst.is_empty() {
            deleted.push(dst);
        }
    }
    if mirror {
        v.add(
            &c::GIT_PUSH_MIRROR,
            "git push --mirror overwrites and deletes every remote ref",
            text,
        );
    } else if !deleted.is_empty() || delete {
        let what = if deleted.is_empty() {
            refspecs.join(", ")
        } else {
            deleted.join(", ")
        };
        v.add(
            &c::GIT_PUSH_DELETE,
            format!("deletes `{what}` on the remote"),
            text,
        );
    } else if prune {
        v.add(
            &c::GIT_PUSH_DELETE,
            "git push --prune deletes remote branches that are not local",
            text,
        );
    } else if force {
        v.add(
            &c::GIT_PUSH_FORCE,
            "a force push overwrites remote history",
            text,
        );
    } else if lease && protected {
        v.add(
            &c::GIT_PUSH_FORCE,
            "a force push (with lease) overwrites the history of a shared branch",
            text,
        );
    } else if lease {
        v.add(
            &c::GIT_PUSH_FORCE_LEASE,
            "a force push with lease rewrites a remote branch",
            text,
        );
    } else if DEPLOY_REMOTES.contains(&remote) {
        v.add(
            &c::PAAS_DEPLOY,
            format!("pushing to `{remote}` deploys"),
            text,
        );
    } else {
        v.add(&c::GIT_PUSH, "publishes commits to a remote", text);
    }
}
