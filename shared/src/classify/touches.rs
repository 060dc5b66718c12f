//! What each simple command touches: the directory it runs in, the operands it writes or
//! reads, whether it only reads, and every word that may be a path. The self-protection check
//! resolves these against the protected set without reading the command line again.

use std::path::PathBuf;

use super::catalog::Effect;
use super::subject::{Subject, Verdict};
use super::{code, fs};
use crate::shell::RedirectKind;

/// What one simple command touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touches {
    /// The index of the command in the list the shell reader returned.
    pub command: usize,
    /// The directory it runs in, when known (`None` after a `cd` that cannot be read).
    pub dir: Option<PathBuf>,
    /// When `dir` is not known, where it runs if every `cd` before it in its group succeeded.
    pub likely_dir: Option<PathBuf>,
    /// Operands it creates, changes, deletes, moves or links, redirection targets included,
    /// as words after expansion (relative to `dir`, `~` as written).
    pub writes: Vec<String>,
    /// Operands and redirection sources it reads.
    pub reads: Vec<String>,
    /// The program is known to only read, and nothing is written by redirection.
    pub read_only: bool,
    /// Every argument word and assignment value that may be a path: operands, `--opt=path`,
    /// `of=path`, glued `-opath`, and paths named in inline code.
    pub names: Vec<String>,
    /// For a command run by `find -exec`, `xargs` or `parallel`: where the files it is handed
    /// in place of `{}` (or as extra operands) come from.
    pub fed: Vec<Fed>,
}

/// Files a runner hands the command it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fed {
    /// Files `find` finds below `start` (at any depth) whose name matches `name` (a `find`
    /// glob, which matches dot files too); every file below it when nothing narrows it.
    Found {
        /// A start path of `find`.
        start: String,
        /// Its `-name`/`-iname` pattern, if any.
        name: Option<String>,
    },
    /// A word an earlier stage of the runner's pipeline names (`ls .claude/hooks/* | xargs
    /// ...`): what it lists may be among what it names.
    Word(String),
}

/// What the command of `s` touches; `verdict` is what it was judged to do.
pub(super) fn of(
    s: &Subject<'_>,
    index: usize,
    dir: Option<PathBuf>,
    verdict: &Verdict,
) -> Touches {
    let c = s.command;
    let mut t = Touches {
        command: index,
        dir,
        ..Touches::default()
    };
    for r in &c.redirects {
        match r.kind {
            RedirectKind::Write | RedirectKind::Append | RedirectKind::ReadWrite => {
                if !matches!(
                    r.target.as_str(),
                    "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty"
                ) {
                    t.writes.push(r.target.clone());
                }
            }
            RedirectKind::Read => t.reads.push(r.target.clone()),
            RedirectKind::Duplicate => {}
        }
    }
    let program = c
        .program()
        .map(|p| super::runners::program_name(&super::runners::decoded_name(p)).to_owned())
        .unwrap_or_default();
    writes_of(&program, s, &mut t);
    // Whatever else it is given it may read (`grep -r x ~/.config`, `zip -r out.zip ~`): only
    // key material is refused for reading, so a pattern or a message read as a path costs
    // nothing.
    let read: Vec<String> = operands(s.args(), &[])
        .into_iter()
        .filter(|o| !t.writes.contains(o))
        .collect();
    t.reads.extend(read);
    t.writes.extend(verdict.nested_writes.iter().cloned());
    t.fed = fed(s);
    names_of(s, &mut t);
    t.names.extend(verdict.nested_names.iter().cloned());
    t.read_only = verdict.known
        && !c.dynamic_name
        && t.writes.is_empty()
        && verdict.findings.iter().all(|f| f.effect == Effect::Read);
    dedup(&mut t.writes);
    dedup(&mut t.reads);
    dedup(&mut t.names);
    t
}

/// Where the files a runner hands this command come from: `find`'s start paths and name
/// test, or the words of the stages before the runner in its pipeline (or of its here-text).
fn fed(s: &Subject<'_>) -> Vec<Fed> {
    let Some(runner) = s.parent() else {
        return Vec::new();
    };
    let name = |c: &crate::shell::Command| {
        super::runners::program_name(&super::runners::decoded_name(c.program().unwrap_or("")))
            .to_owned()
    };
    let found = |c: &crate::shell::Command| {
        let args = c.effective.get(1..).unwrap_or_default();
        let pattern = args
            .windows(2)
            .find(|w| matches!(w[0].as_str(), "-name" | "-iname"))
            .map(|w| w[1].clone());
        fs::find_starts(args)
            .into_iter()
            .map(|start| Fed::Found {
                start,
                name: pattern.clone(),
            })
            .collect::<Vec<_>>()
    };
    match name(runner).as_str() {
        "find" => found(runner),
        "xargs" | "parallel" => {
            let mut out: Vec<Fed> = runner
                .stdin_text
                .iter()
                .flat_map(|text| text.split_whitespace())
                .map(|w| Fed::Word(w.to_owned()))
                .collect();
            for up in s
                .all
                .iter()
                .filter(|o| o.pipeline == runner.pipeline && o.stage < runner.stage)
            {
                if name(up) == "find" {
                    out.extend(found(up));
                } else {
                    out.extend(
                        up.effective
                            .iter()
                            .skip(1)
                            .filter(|w| !w.starts_with('-'))
                            .map(|w| Fed::Word(w.clone())),
                    );
                    out.extend(up.redirects.iter().map(|r| Fed::Word(r.target.clone())));
                }
            }
            out.truncate(256);
            out
        }
        _ => Vec::new(),
    }
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|w| !w.is_empty() && seen.insert(w.clone()));
    list.truncate(256);
}

/// Operands: the words that are not options (every word after `--`).
fn operands(args: &[String], values: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut done = false;
    while let Some(a) = args.get(i) {
        if !done && a == "--" {
            done = true;
        } else if !done && values.contains(&a.as_str()) {
            i += 1;
        } else if done || !a.starts_with('-') || a == "-" {
            out.push(a.clone());
        }
        i += 1;
    }
    out
}

/// The value of option `name` (`-o FILE`, `--output=FILE`, `-oFILE` for short ones).
fn option(args: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        for name in names {
            if a == name {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.clone());
                }
            } else if let Some(v) = a.strip_prefix(&format!("{name}=")) {
                out.push(v.to_owned());
            } else if name.len() == 2
                && !name.starts_with("--")
                && a.starts_with(name)
                && a.len() > 2
                && !a.starts_with("--")
            {
                out.push(a[2..].to_owned());
            }
        }
    }
    out
}

/// The file name a download without `-o` saves to: the URL's last path segment.
fn url_file(url: &str) -> Option<String> {
    let path = url.split_once("://")?.1.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && path.contains('/')).then(|| name.to_owned())
}

#[expect(
    clippy::too_many_lines,
    reason = "a table of writer programs, one arm each"
)]
fn writes_of(program: &str, s: &Subject<'_>, t: &mut Touches) {
    let args = s.args();
    let w = &mut t.writes;
    match program {
        "rm" | "srm" | "rimraf" | "unlink" | "shred" | "rmdir" | "truncate" | "touch" | "mkdir"
        | "tee" | "sponge" | "wipe" | "ed" | "red" | "ex" | "del-cli" => {
            w.extend(operands(
                args,
                &["-s", "--size", "-r", "--reference", "-m", "--mode", "-a"],
            ));
        }
        "chmod" | "chown" | "chgrp" | "setfacl" | "chattr" | "xattr" => {
            let ops = operands(args, &["--reference", "-m", "-x", "-M", "-X"]);
            w.extend(
                ops.into_iter()
                    .skip(usize::from(program != "setfacl" && program != "xattr")),
            );
        }
        "cp" | "install" | "ln" | "rsync" | "ditto" | "gcp" | "scp" => {
            let (sources, dest) = fs::copy_operands(program, args, |_| false);
            t.reads.extend(sources.into_iter().map(|(p, _)| p));
            w.extend(dest.map(|(p, _)| p));
        }
        "mv" | "gmv" => {
            let (sources, dest) = fs::copy_operands(program, args, |_| false);
            w.extend(sources.into_iter().map(|(p, _)| p));
            w.extend(dest.map(|(p, _)| p));
        }
        "dd" => {
            w.extend(
                args.iter()
                    .filter_map(|a| a.strip_prefix("of="))
                    .map(str::to_owned),
            );
            t.reads.extend(
                args.iter()
                    .filter_map(|a| a.strip_prefix("if="))
                    .map(str::to_owned),
            );
        }
        "sed" | "gsed" | "perl" | "ruby" => {
            let in_place = args.iter().any(|a| {
                a == "--in-place"
                    || a.starts_with("--in-place=")
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('i'))
            });
            if in_place {
                let ops = operands(
                    args,
                    &["-e", "-f", "-E", "--expression", "--file", "-I", "-M", "-r"],
                );
                let explicit = args
                    .iter()
                    .any(|a| matches!(a.as_str(), "-e" | "-E" | "-f" | "--expression"));
                w.extend(ops.into_iter().skip(usize::from(!explicit)));
            }
        }
        "awk" | "gawk"
            if (args.windows(2).any(|p| p[0] == "-i" && p[1] == "inplace")
                || args.iter().any(|a| a == "-iinplace")) =>
        {
            w.extend(
                operands(args, &["-i", "-F", "-v", "-f"])
                    .into_iter()
                    .skip(1),
            );
        }
        "curl" | "wget" | "wget2" | "aria2c" | "http" | "xh" => {
            w.extend(option(
                args,
                &[
                    "-o",
                    "--output",
                    "-O",
                    "--output-document",
                    "-P",
                    "--directory-prefix",
                    "--output-dir",
                    "-d",
                    "--dir",
                ],
            ));
            let remote_name = args.iter().any(|a| {
                a == "-O"
                    || a == "--remote-name"
                    || a.starts_with("-O") && program == "curl"
                    || a == "--remote-name-all"
            });
            if (program != "curl" && w.is_empty()) || (program == "curl" && remote_name) {
                w.extend(args.iter().filter_map(|a| url_file(a)));
            }
        }
        "tar" | "bsdtar" | "gtar" => {
            let extract = args.iter().any(|a| {
                a == "--extract"
                    || a == "-x"
                    || (!a.starts_with("--")
                        && a.contains('x')
                        && (a.starts_with('-') || args.first() == Some(a)))
            });
            if extract {
                let dirs = option(args, &["-C", "--directory"]);
                if dirs.is_empty() {
                    w.push(".".to_owned());
                }
                w.extend(dirs);
            } else {
                w.extend(option(args, &["-f", "--file"]));
            }
        }
        "unzip" | "7z" | "7za" | "unrar" | "cpio" | "gunzip" | "bunzip2" | "unxz" => {
            let dirs = option(args, &["-d", "-o"]);
            if dirs.is_empty() {
                w.push(".".to_owned());
            }
            w.extend(dirs);
        }
        "zip" | "gzip" | "bzip2" | "xz" | "zstd" => {
            w.extend(operands(args, &["-o", "-x", "-i"]).into_iter().take(1));
        }
        "patch" => {
            w.extend(option(args, &["-d", "--directory", "-o", "--output"]));
            let ops = operands(
                args,
                &["-p", "-d", "-o", "-i", "-r", "-B", "-V", "-z", "-D", "-F"],
            );
            if ops.is_empty() {
                w.push(".".to_owned());
            } else {
                w.extend(ops.into_iter().take(1));
            }
        }
        "vim" | "vi" | "nvim" | "gvim" | "emacs" | "nano" | "micro" | "hx" | "kak" | "code"
        | "subl" => {
            w.extend(operands(
                args,
                &["-c", "--cmd", "-S", "-u", "-i", "--eval", "-l", "--load"],
            ));
        }
        "git" => git_writes(args, w),
        "find" => {
            if args.iter().any(|a| a == "-delete") {
                w.extend(
                    args.iter()
                        .take_while(|a| !a.starts_with('-') && !matches!(a.as_str(), "(" | "!"))
                        .cloned(),
                );
                if w.is_empty() {
                    w.push(".".to_owned());
                }
            }
            w.extend(option(args, &["-fprint", "-fprintf", "-fls", "-fprint0"]));
        }
        "docker" | "podman" if args.first().is_some_and(|a| a == "cp") => {
            w.extend(
                operands(args, &[])
                    .into_iter()
                    .skip(1)
                    .last()
                    .filter(|d| !d.contains(':')),
            );
        }
        "gpg" | "openssl" | "ssh-keygen" | "pandoc" | "convert" | "magick" | "ffmpeg" | "gcc"
        | "cc" | "clang" | "go" | "rustc" | "sort" | "uniq" | "jq" | "yq" | "base64" | "split"
        | "csplit" | "iconv" | "xxd" => {
            w.extend(option(
                args,
                &["-o", "--output", "-out", "-f", "--output-file"],
            ));
            if program == "ffmpeg" {
                w.extend(
                    operands(
                        args,
                        &[
                            "-i", "-f", "-c", "-map", "-b:v", "-b:a", "-ss", "-t", "-vf", "-af",
                        ],
                    )
                    .into_iter()
                    .last(),
                );
            }
        }
        _ => {}
    }
    // Inline code names paths too, and writes what its file calls name.
    if let Some(body) = code::inline_body(program, s) {
        let report = code::analyse_report(&body, s.ctx);
        t.writes.extend(report.writes);
        t.names.extend(report.names);
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a table of git's subcommands, one arm per group"
)]
fn git_writes(args: &[String], w: &mut Vec<String>) {
    // Global options, then the subcommand.
    let mut i = 0;
    let mut dir: Option<String> = None;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-C" => {
                dir = args.get(i + 1).cloned();
                i += 2;
            }
            "-c" | "--git-dir" | "--work-tree" | "--namespace" => i += 2,
            s if s.starts_with('-') => i += 1,
            _ => break,
        }
    }
    let Some(sub) = args.get(i) else { return };
    let rest = &args[i + 1..];
    let prefix = |p: String| match &dir {
        Some(d) => format!("{}/{p}", d.trim_end_matches('/')),
        None => p,
    };
    let paths_after_dashes = |rest: &[String]| -> Vec<String> {
        match rest.iter().position(|a| a == "--") {
            Some(p) => rest[p + 1..].to_vec(),
            None => rest
                .iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect(),
        }
    };
    match sub.as_str() {
        "mv" | "rm" => w.extend(operands(rest, &[]).into_iter().map(prefix)),
        "restore" | "checkout" => {
            let ops = paths_after_dashes(rest);
            if rest.iter().any(|a| a == "--") || sub == "restore" {
                w.extend(ops.into_iter().map(prefix));
            } else {
                // Without `--`, a branch switch rewrites the working tree.
                w.push(prefix(".".to_owned()));
            }
        }
        "apply" | "am" | "reset" | "clean" | "stash" | "merge" | "rebase" | "cherry-pick"
        | "revert" | "pull" | "switch" | "worktree" => {
            w.push(prefix(".".to_owned()));
        }
        "clone" => {
            let ops = operands(
                rest,
                &[
                    "-b",
                    "--branch",
                    "-o",
                    "--origin",
                    "-c",
                    "--config",
                    "--depth",
                    "--reference",
                    "-u",
                    "--upload-pack",
                    "--template",
                    "--separate-git-dir",
                ],
            );
            if let Some(target) = ops.get(1) {
                w.push(prefix(target.clone()));
            } else if let Some(url) = ops.first() {
                let name = url
                    .trim_end_matches('/')
                    .trim_end_matches(".git")
                    .rsplit(['/', ':'])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                w.push(prefix(name));
            }
        }
        "init" => w.push(prefix(
            operands(
                rest,
                &["-b", "--initial-branch", "--template", "--separate-git-dir"],
            )
            .into_iter()
            .next()
            .unwrap_or_else(|| ".".to_owned()),
        )),
        "config" => {
            w.extend(option(rest, &["--file", "-f"]));
            if rest.iter().any(|a| a == "--global") {
                w.push("~/.gitconfig".to_owned());
            }
            if !rest.iter().any(|a| {
                a.starts_with("--get")
                    || a == "-l"
                    || a == "--list"
                    || a == "--global"
                    || a == "--system"
            }) && rest.iter().filter(|a| !a.starts_with('-')).count() >= 2
            {
                w.push(prefix(".git/config".to_owned()));
            }
        }
        "add" | "commit" | "tag" | "branch" | "update-ref" | "notes" | "gc" | "prune" | "fetch"
        | "push" | "reflog" | "filter-branch" | "update-index" | "hook" => {
            w.push(prefix(".git".to_owned()));
        }
        _ => {}
    }
}

/// Every argument word and option value that may be a path.
fn names_of(s: &Subject<'_>, t: &mut Touches) {
    let c = s.command;
    // The program word is a path too (`./.claude/hooks/defer-for-review`).
    for word in &c.argv {
        let candidates: Vec<&str> = if let Some((_, value)) = word.split_once('=') {
            vec![value]
        } else if let Some(rest) = word.strip_prefix('-') {
            // `-o/path`, `-C.claude`: a glued value that looks like a path.
            let value = rest.trim_start_matches('-');
            let value = value.get(1..).unwrap_or("");
            if value.contains('/') || value.starts_with('.') || value.starts_with('~') {
                vec![value]
            } else {
                Vec::new()
            }
        } else {
            vec![word.as_str()]
        };
        for candidate in candidates {
            if candidate.is_empty() || candidate.contains("://") || candidate.len() > 4096 {
                continue;
            }
            t.names.push(candidate.to_owned());
        }
    }
    t.names.extend(t.writes.iter().cloned());
    t.names.extend(t.reads.iter().cloned());
    t.names.extend(c.redirects.iter().map(|r| r.target.clone()));
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use crate::classify::{Context, assess};
    use crate::protocol::ToolCall;

    fn touches(line: &str) -> Vec<super::Touches> {
        let ctx = Context {
            cwd: PathBuf::from("/p"),
            project_dir: PathBuf::from("/p"),
            home: Some(PathBuf::from("/h")),
            allowed_hosts: Vec::new(),
        };
        assess(&ToolCall::new("Bash", json!({ "command": line })), &ctx)
            .unwrap()
            .touches
    }

    fn writes(line: &str) -> Vec<String> {
        touches(line).into_iter().flat_map(|t| t.writes).collect()
    }

    #[test]
    fn writers_name_what_they_change() {
        assert_eq!(
            writes("echo {} > .claude/settings.json"),
            [".claude/settings.json"]
        );
        assert_eq!(writes("cp /bin/true pretooluse-gate"), ["pretooluse-gate"]);
        assert_eq!(writes("dd if=/dev/zero of=x.bin"), ["x.bin"]);
        assert_eq!(writes("curl -o out.txt https://x.io/a"), ["out.txt"]);
        assert_eq!(writes("wget https://x.io/a/file.tgz"), ["file.tgz"]);
        assert_eq!(writes("tar -xf a.tar -C .claude"), [".claude"]);
        assert_eq!(writes("unzip a.zip -d hooks"), ["hooks"]);
        assert_eq!(writes("sed -i s/a/b/ f.txt"), ["f.txt"]);
        assert_eq!(writes("perl -pi -e 's/a/b/' f.txt"), ["f.txt"]);
        assert_eq!(writes("awk -i inplace '{print}' f.txt"), ["f.txt"]);
        assert_eq!(writes("git mv a b"), ["a", "b"]);
        assert_eq!(writes("git checkout -- a.txt"), ["a.txt"]);
        assert_eq!(writes("mv a b"), ["a", "b"]);
        assert_eq!(
            writes("ln -sf ../../x hookkit-audit.jsonl"),
            ["hookkit-audit.jsonl"]
        );
        assert_eq!(
            writes("python3 -c \"open('.claude/settings.json','w').write('{}')\""),
            [".claude/settings.json"]
        );
        assert_eq!(
            writes("node -e \"require('fs').writeFileSync('.claude/x', '')\""),
            [".claude/x"]
        );
    }

    #[test]
    fn command_lines_run_by_other_programs_count_as_theirs() {
        assert!(writes("tmux new -d 'rm -rf .claude'").contains(&".claude".to_owned()));
        let t = touches("sg docker -c 'echo {} > .claude/settings.json'");
        assert!(
            t[0].writes.contains(&".claude/settings.json".to_owned()),
            "{:?}",
            t[0]
        );
        assert!(!t[0].read_only);
    }

    #[test]
    fn reads_and_directories() {
        let t = touches("cd .claude && cat settings.json");
        assert_eq!(
            t[1].dir.as_deref(),
            Some(std::path::Path::new("/p/.claude"))
        );
        assert!(t[1].read_only);
        assert!(t[1].names.contains(&"settings.json".to_owned()));
        let t = touches("cd \"$X\" && rm -rf y");
        assert_eq!(t[1].dir, None);
        assert!(!t[1].read_only);
        assert!(
            touches("frobnicate --out=.claude/x")
                .iter()
                .all(|t| t.names.contains(&".claude/x".to_owned()))
        );
        assert!(
            touches("tool -o.claude/x")[0]
                .names
                .contains(&".claude/x".to_owned())
        );
    }
}
