//! git, read with git's own option grammar: global options before the subcommand, long options
//! abbreviated to a prefix, bundled short flags, and push refspecs.

use super::Risk;
use super::bash::{Subject, Verdict};

/// Branches whose history others build on.
const PROTECTED: &[&str] = &[
    "main",
    "master",
    "trunk",
    "develop",
    "production",
    "prod",
    "release",
];

/// Judges `git`; returns whether `program` is git.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    if program != "git" {
        return false;
    }
    let args = s.args();
    let (aliases, sub_at) = global_options(args);
    let Some(sub) = args.get(sub_at) else {
        v.add("git.read", Risk::Low, "git without a subcommand", s.text());
        return true;
    };
    let rest = &args[sub_at + 1..];
    if let Some((_, expansion)) = aliases.iter().find(|(name, _)| name == sub) {
        alias(expansion, rest, s, v);
        return true;
    }
    let has = |short: char, long: &str| has_flag(rest, short, long);
    let text = s.text();
    match sub.as_str() {
        "status" | "diff" | "log" | "show" | "blame" | "grep" | "ls-files" | "ls-tree"
        | "ls-remote" | "rev-parse" | "rev-list" | "describe" | "shortlog" | "cat-file"
        | "for-each-ref" | "show-ref" | "name-rev" | "merge-base" | "whatchanged" | "version"
        | "help" | "fetch" | "remote" | "config" | "var" | "count-objects" | "fsck"
        | "verify-commit" | "cherry" | "range-diff" | "format-patch" | "bisect" | "notes"
        | "archive" | "check-ignore" | "reflog" | "worktree" | "submodule" | "tag" | "stash"
        | "branch" | "gc" | "update-ref" | "clone" | "init" | "add" | "commit" | "mv"
        | "switch" | "checkout" | "restore" | "reset" | "clean" | "push" | "pull" | "merge"
        | "rebase" | "cherry-pick" | "revert" | "am" | "apply" | "rm" | "filter-branch"
        | "filter-repo" | "prune" | "lfs" | "sparse-checkout" | "maintenance" | "replace"
        | "symbolic-ref" => {}
        _ => {
            v.known = false;
            return true;
        }
    }
    match sub.as_str() {
        "push" => push(rest, s, v),
        "reset" => {
            if long_flag(rest, "hard", &[]) {
                v.add(
                    "git.reset-hard",
                    Risk::High,
                    "git reset --hard discards uncommitted changes for good",
                    text,
                );
            } else if long_flag(rest, "merge", &[]) || long_flag(rest, "keep", &[]) {
                v.add(
                    "git.reset",
                    Risk::Medium,
                    "git reset moves the branch and may change files",
                    text,
                );
            } else {
                v.add(
                    "git.reset",
                    Risk::Low,
                    "git reset keeps the working tree",
                    text,
                );
            }
        }
        "clean" => {
            let dry = has('n', "dry-run") || has('i', "interactive");
            if has('f', "force") && !dry {
                v.add(
                    "git.clean",
                    Risk::High,
                    "git clean -f deletes untracked files, which git cannot bring back",
                    text,
                );
            } else {
                v.add(
                    "git.clean",
                    Risk::Low,
                    "git clean without -f only lists",
                    text,
                );
            }
        }
        "checkout" => checkout(rest, s, v),
        "restore" => {
            let staged_only = (has('S', "staged")) && !has('W', "worktree");
            let everything = paths_after_options(rest).iter().any(|p| is_everything(p));
            if staged_only {
                v.add("git.restore", Risk::Low, "unstages files", text);
            } else if everything {
                v.add(
                    "git.discard",
                    Risk::High,
                    "git restore of the whole tree discards every uncommitted change",
                    text,
                );
            } else {
                v.add(
                    "git.discard",
                    Risk::Medium,
                    "git restore discards uncommitted changes to these files",
                    text,
                );
            }
        }
        "switch" => {
            if long_flag(rest, "discard-changes", &[]) || has('f', "force") {
                v.add(
                    "git.discard",
                    Risk::High,
                    "git switch --discard-changes throws away uncommitted changes",
                    text,
                );
            } else if rest
                .iter()
                .any(|a| a == "-C" || long_prefix(a, "force-create"))
            {
                v.add(
                    "git.branch-reset",
                    Risk::Medium,
                    "git switch -C resets an existing branch",
                    text,
                );
            } else {
                v.add("git.switch", Risk::Low, "switches branches", text);
            }
        }
        "branch" => {
            let delete = has('d', "delete");
            let force = has('f', "force");
            if rest
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('D'))
                || (delete && force)
            {
                v.add(
                    "git.branch-delete",
                    Risk::Medium,
                    "git branch -D deletes a branch even with unmerged commits",
                    text,
                );
            } else if rest.iter().any(|a| {
                a.starts_with('-') && !a.starts_with("--") && (a.contains('M') || a.contains('C'))
            }) {
                v.add(
                    "git.branch-reset",
                    Risk::Medium,
                    "overwrites an existing branch",
                    text,
                );
            } else if delete {
                v.add("git.branch", Risk::Low, "deletes a merged branch", text);
            } else {
                v.add("git.read", Risk::Low, "lists or creates branches", text);
            }
        }
        "stash" => match rest.first().map(String::as_str) {
            Some("clear") => v.add(
                "git.stash-drop",
                Risk::High,
                "git stash clear deletes every stash",
                text,
            ),
            Some("drop") => v.add(
                "git.stash-drop",
                Risk::Medium,
                "git stash drop deletes a stash",
                text,
            ),
            _ => v.add("git.stash", Risk::Low, "stashes or lists changes", text),
        },
        "reflog" => match rest.first().map(String::as_str) {
            Some("expire") => v.add(
                "git.reflog-expire",
                Risk::High,
                "expiring the reflog removes the way back to lost commits",
                text,
            ),
            Some("delete") => v.add(
                "git.reflog-expire",
                Risk::Medium,
                "deletes reflog entries",
                text,
            ),
            _ => v.add("git.read", Risk::Low, "reads the reflog", text),
        },
        "gc" => {
            if rest
                .iter()
                .any(|a| a.starts_with("--prune=") && !a.ends_with("=2.weeks.ago"))
                || rest.iter().any(|a| a == "--prune")
            {
                v.add(
                    "git.gc-prune",
                    Risk::High,
                    "git gc --prune=now deletes unreachable commits for good",
                    text,
                );
            } else {
                v.add("git.gc", Risk::Low, "packs the repository", text);
            }
        }
        "prune" => v.add(
            "git.gc-prune",
            Risk::Medium,
            "deletes unreachable objects",
            text,
        ),
        "update-ref" => {
            if has('d', "delete") {
                v.add(
                    "git.update-ref-delete",
                    Risk::Medium,
                    "deletes a ref directly",
                    text,
                );
            } else {
                v.add("git.update-ref", Risk::Medium, "moves a ref directly", text);
            }
        }
        "filter-branch" | "filter-repo" => v.add(
            "git.rewrite-history",
            Risk::High,
            "rewrites the whole history of the repository",
            text,
        ),
        "rm" => {
            if has_flag(rest, '-', "cached") || rest.iter().any(|a| a == "--cached") {
                v.add("git.rm", Risk::Low, "untracks files", text);
            } else if paths_after_options(rest).iter().any(|p| is_everything(p))
                && has('r', "recursive")
            {
                v.add("git.rm", Risk::High, "removes every tracked file", text);
            } else {
                v.add("git.rm", Risk::Medium, "removes tracked files", text);
            }
        }
        "tag" if has('d', "delete") => v.add("git.tag-delete", Risk::Medium, "deletes tags", text),
        "worktree" if rest.first().is_some_and(|a| a == "remove") && has('f', "force") => {
            v.add(
                "git.worktree-remove",
                Risk::Medium,
                "removes a worktree with its changes",
                text,
            );
        }
        "pull" | "clone" | "submodule" => v.add(
            "git.network",
            Risk::Medium,
            "fetches and changes files from a remote",
            text,
        ),
        "rebase" | "merge" | "cherry-pick" | "revert" | "am" | "apply" | "replace"
        | "symbolic-ref" | "lfs" | "sparse-checkout" | "maintenance" => {
            v.add(
                "git.write",
                Risk::Low,
                "changes local history; git keeps the old commits in the reflog",
                text,
            );
        }
        "config"
            if !rest
                .iter()
                .any(|a| a.starts_with("--get") || a == "-l" || a == "--list")
                && rest.len() >= 2 =>
        {
            v.add(
                "git.config",
                Risk::Medium,
                "changes git configuration",
                text,
            );
        }
        "add" | "commit" | "mv" | "init" | "tag" | "worktree" | "notes" | "bisect" => {
            v.add("git.local", Risk::Low, "records work locally", text);
        }
        _ => v.add("git.read", Risk::Low, "reads the repository", text),
    }
    true
}

/// Skips git's global options; returns `-c alias.X=...` definitions and where the subcommand is.
fn global_options(args: &[String]) -> (Vec<(String, String)>, usize) {
    let mut aliases = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        match arg.as_str() {
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix"
            | "--config-env" | "--exec-path" | "--list-cmds" => i += 2,
            "-c" => {
                if let Some((key, value)) = args.get(i + 1).and_then(|kv| kv.split_once('='))
                    && let Some(name) = key.strip_prefix("alias.")
                {
                    aliases.push((name.to_owned(), value.to_owned()));
                }
                i += 2;
            }
            a if a.starts_with('-') => i += 1,
            _ => break,
        }
    }
    (aliases, i)
}

/// `git -c alias.nuke='reset --hard' nuke`: judge what the alias expands to.
fn alias(expansion: &str, rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let line = match expansion.strip_prefix('!') {
        Some(shell) => format!("{shell} {}", rest.join(" ")),
        None => format!("git {expansion} {}", rest.join(" ")),
    };
    let mut inner = super::Assessment::default();
    match super::bash::assess_line(&line, s.ctx, &mut inner) {
        Ok(()) if inner.findings.iter().any(|f| f.risk > Risk::Low) => {
            for f in inner.findings {
                v.add(
                    &f.class,
                    f.risk,
                    format!("{} (through a git alias)", f.reason),
                    s.text(),
                );
            }
        }
        Ok(()) => v.add(
            "git.alias",
            Risk::Medium,
            "runs a git alias defined on the command line",
            s.text(),
        ),
        Err(_) => v.add(
            "git.alias",
            Risk::High,
            "runs a git alias that cannot be read",
            s.text(),
        ),
    }
}

/// Whether a long option `--name` is present, written in full or as a prefix of at least one
/// character that is not the full name of one of `exact_others`.
fn long_flag(args: &[String], name: &str, exact_others: &[&str]) -> bool {
    args.iter().any(|a| {
        a.strip_prefix("--").is_some_and(|given| {
            let given = given.split('=').next().unwrap_or(given);
            !given.is_empty() && name.starts_with(given) && !exact_others.contains(&given)
        })
    })
}

fn long_prefix(arg: &str, name: &str) -> bool {
    arg.strip_prefix("--")
        .is_some_and(|g| !g.is_empty() && name.starts_with(g.split('=').next().unwrap_or(g)))
}

/// A short flag in any bundle (`-fd`), or its long option in full or abbreviated.
fn has_flag(args: &[String], short: char, long: &str) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| {
        (a.starts_with('-') && !a.starts_with("--") && a[1..].contains(short))
            || long_prefix(a, long)
    })
}

fn paths_after_options(args: &[String]) -> Vec<&str> {
    match args.iter().position(|a| a == "--") {
        Some(p) => args[p + 1..].iter().map(String::as_str).collect(),
        None => args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .map(String::as_str)
            .collect(),
    }
}

fn is_everything(path: &str) -> bool {
    matches!(path, "." | "./" | "*" | ":/" | ":/*" | "/" | "..")
}

fn checkout(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let force = has_flag(rest, 'f', "force");
    let separator = rest.iter().position(|a| a == "--");
    let files: Vec<&str> = match separator {
        Some(p) => rest[p + 1..].iter().map(String::as_str).collect(),
        None => rest
            .iter()
            .filter(|a| !a.starts_with('-'))
            .map(String::as_str)
            .filter(|p| is_everything(p))
            .collect(),
    };
    if force || files.iter().any(|p| is_everything(p)) {
        v.add(
            "git.discard",
            Risk::High,
            "git checkout of the whole tree discards every uncommitted change",
            text,
        );
    } else if !files.is_empty() {
        v.add(
            "git.discard",
            Risk::Medium,
            "git checkout -- <files> discards uncommitted changes to them",
            text,
        );
    } else {
        v.add("git.switch", Risk::Low, "switches branches", text);
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
fn push(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mut force = false;
    let mut lease = false;
    let mut mirror = false;
    let mut delete = false;
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
                | "prune"
                | "set-upstream"
                | "signed"
                | "no-signed"
                | "ipv4"
                | "ipv6" => {}
                "repo" | "receive-pack" | "exec" | "push-option" | "recurse-submodules" => {
                    skip_next = !long.contains('=');
                }
                n if "force-with-lease".starts_with(n) && n.len() > "force".len() => lease = true,
                n if "force".starts_with(n) || "force-with-lease".starts_with(n) => force = true,
                n if "mirror".starts_with(n) => mirror = true,
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
    let refspecs = positional.get(1..).unwrap_or(&[]);
    let mut protected = false;
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
        if src.is_empty() {
            let risk = if PROTECTED.contains(&branch) {
                Risk::High
            } else {
                Risk::Medium
            };
            v.add(
                "git.push-delete",
                risk,
                format!("deletes the remote branch `{branch}`"),
                text,
            );
        }
    }
    if mirror {
        v.add(
            "git.push-mirror",
            Risk::High,
            "git push --mirror overwrites and deletes every remote ref",
            text,
        );
    } else if force {
        v.add(
            "git.push-force",
            Risk::High,
            "a force push overwrites remote history",
            text,
        );
    } else if lease {
        if protected {
            v.add(
                "git.push-force",
                Risk::High,
                "a force push (with lease) overwrites the history of a shared branch",
                text,
            );
        } else {
            v.add(
                "git.push-force-lease",
                Risk::Medium,
                "a force push with lease rewrites a remote branch",
                text,
            );
        }
    } else if delete {
        let risk = if protected { Risk::High } else { Risk::Medium };
        v.add("git.push-delete", risk, "deletes remote branches", text);
    } else {
        v.add(
            "git.push",
            Risk::Medium,
            "publishes commits to a remote",
            text,
        );
    }
}
