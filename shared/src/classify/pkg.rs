//! Package managers and registries: installing the project's declared dependencies is routine,
//! adding packages changes the project, installing for the user or the system changes the
//! machine, installing or running code from a URL or a git repository runs what nobody
//! reviewed, and publishing reaches other people.

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// Judges package managers; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    match program {
        "npm" | "pnpm" | "yarn" | "bun" | "cnpm" => node(program, &args, s, v),
        "npx" | "bunx" | "pnpx" => runner(program, &args, 0, s, v),
        "pip" | "pip3" => {
            pip(s.args(), s, v);
        }
        "pipx" | "uv" | "uvx" | "poetry" | "pdm" | "hatch" | "rye" | "pixi" | "conda" | "mamba"
        | "micromamba" | "pipenv" | "flit" | "twine" => python(program, &args, s, v),
        "cargo" => cargo(&args, s, v),
        "go" => go(&args, s, v),
        "gem" | "bundle" | "bundler" => ruby(program, &args, s, v),
        "brew"
        | "apt"
        | "apt-get"
        | "aptitude"
        | "dnf"
        | "yum"
        | "microdnf"
        | "pacman"
        | "yay"
        | "paru"
        | "apk"
        | "zypper"
        | "snap"
        | "flatpak"
        | "port"
        | "pkg"
        | "emerge"
        | "xbps-install"
        | "xbps-remove"
        | "nix-env"
        | "nix"
        | "nix-collect-garbage"
        | "dpkg"
        | "rpm"
        | "add-apt-repository"
        | "apt-key"
        | "choco"
        | "winget"
        | "scoop" => {
            system(program, &args, s, v);
        }
        "dotnet" | "mvn" | "./mvnw" | "mvnw" | "gradle" | "./gradlew" | "gradlew" | "composer"
        | "cpan" | "cpanm" | "luarocks" | "opam" | "cabal" | "stack" | "mix" | "rustup"
        | "asdf" | "mise" | "rtx" | "nvm" | "fnm" | "volta" | "pyenv" | "rbenv" | "sdk"
        | "corepack" | "pre-commit" | "husky" | "deno" | "swift" | "pod" | "carthage"
        | "helmfile" | "krew" | "vcpkg" | "conan" | "nimble" | "pub" | "dart" | "flutter" => {
            return other(program, &args, s, v);
        }
        _ => return false,
    }
    true
}

/// A command the shell reader found behind a package runner (`npx pkg`, `bunx pkg`): a package
/// from a URL or repository runs code nobody reviewed.
pub(super) fn behind_runner(s: &Subject<'_>, v: &mut Verdict) {
    let runner = s
        .command
        .wrappers
        .iter()
        .find(|w| matches!(w.as_str(), "npx" | "bunx" | "pnpx"));
    if let (Some(runner), Some(package)) = (runner, s.command.effective.first())
        && remote_spec(package)
    {
        v.add(
            &c::PKG_INSTALL_REMOTE,
            format!("{runner} runs a package from a URL or repository (`{package}`)"),
            s.text(),
        );
    }
}

/// Where a package spec comes from: the registry, or somewhere nobody reviewed.
fn remote_spec(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git+")
        || lower.starts_with("git@")
        || lower.starts_with("github:")
        || lower.starts_with("gitlab:")
        || lower.starts_with("bitbucket:")
        || lower.starts_with("gist:")
        || lower.starts_with("hg+")
        || lower.starts_with("svn+")
        || lower.starts_with("bzr+")
        || lower.ends_with(".git")
        || (lower.contains(" @ ") && lower.contains("://"))
        // `user/repo` without a scope is a GitHub shorthand for npm and yarn.
        || (!lower.starts_with(['@', '.', '/', '~'])
            && lower.matches('/').count() == 1
            && !lower.contains(':')
            && !lower.ends_with(".tgz")
            && !lower.ends_with(".tar.gz"))
}

/// Options that take a value, for the node package managers.
const NODE_VALUES: &[&str] = &[
    "--prefix",
    "-C",
    "--dir",
    "--cwd",
    "--registry",
    "--workspace",
    "-w",
    "--filter",
    "-F",
    "--tag",
    "--otp",
    "--access",
    "--scope",
    "--loglevel",
    "--cache",
    "--userconfig",
    "--script-shell",
    "--package",
    "-p",
    "--call",
    "-c",
    "--location",
];

fn operands<'a>(args: &[&'a str], values: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if values.contains(a) {
            i += 2;
            continue;
        }
        if *a == "--" {
            out.extend(args[i + 1..].iter().copied());
            break;
        }
        if !a.starts_with('-') {
            out.push(*a);
        }
        i += 1;
    }
    out
}

fn global(args: &[&str]) -> bool {
    args.iter().any(|a| {
        matches!(
            *a,
            "-g" | "--global"
                | "--location=global"
                | "--user"
                | "--system"
                | "--break-system-packages"
        )
    }) || args
        .windows(2)
        .any(|w| w[0] == "--location" && w[1] == "global")
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand"
)]
fn node(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    if args.iter().any(|a| a.starts_with("--registry")) {
        v.add(
            &c::PKG_INSTALL_REMOTE,
            format!("{program} uses another registry than the configured one"),
            text,
        );
        return;
    }
    let mut words = operands(args, NODE_VALUES);
    // `yarn npm publish` (Yarn 2+) is `npm publish`.
    if program == "yarn" && words.first() == Some(&"npm") {
        words.remove(0);
    }
    let sub = words.first().copied().unwrap_or("");
    let packages = words.get(1..).unwrap_or(&[]);
    let dry = args.contains(&"--dry-run");
    let (class, reason): (&'static Class, String) = match sub {
        "install" | "i" | "add" | "isntall" | "in" | "ins" | "inst" | "insta" | "instal"
        | "isnt" | "isnta" | "isntal" | "upgrade" | "update" | "up" | "u" | "link" | "ln" => {
            if packages.iter().any(|p| remote_spec(p)) {
                (
                    &c::PKG_INSTALL_REMOTE,
                    format!("{program} installs code from a URL or repository"),
                )
            } else if global(args) || matches!(sub, "link" | "ln") && packages.is_empty() {
                (
                    &c::PKG_INSTALL_MACHINE,
                    format!("{program} installs packages for the user"),
                )
            } else if packages.is_empty() && !matches!(sub, "upgrade" | "update" | "up" | "u") {
                (
                    &c::PKG_PROJECT,
                    "installs the project's declared dependencies".into(),
                )
            } else {
                (
                    &c::PKG_INSTALL,
                    format!("{program} adds or upgrades packages from the registry"),
                )
            }
        }
        "uninstall" | "remove" | "rm" | "un" | "r" | "unlink" => {
            if global(args) {
                (
                    &c::PKG_REMOVE_MACHINE,
                    "removes packages installed for the user".into(),
                )
            } else {
                (&c::PKG_REMOVE, "removes packages from the project".into())
            }
        }
        "publish" if dry => (&c::PKG_READ, "a publish dry run".into()),
        "publish" | "dist-tag" | "owner" | "access" | "team" | "org" | "hook" | "star"
        | "unstar" | "deprecate"
            if sub != "deprecate" =>
        {
            if sub == "access"
                && words
                    .get(1)
                    .is_some_and(|w| matches!(*w, "list" | "get" | "ls"))
                || sub == "dist-tag" && words.get(1).is_some_and(|w| *w == "ls")
                || sub == "owner" && words.get(1).is_some_and(|w| *w == "ls")
            {
                (&c::PKG_READ, "reads registry access".into())
            } else {
                (
                    &c::PKG_PUBLISH,
                    format!("{program} {sub} publishes or changes a package on the registry"),
                )
            }
        }
        "unpublish" | "deprecate" => (
            &c::PKG_UNPUBLISH,
            "removes or deprecates a published version".into(),
        ),
        "token" => match words.get(1).copied() {
            Some("list" | "ls") | None => (&c::PKG_READ, "lists registry tokens".into()),
            _ => (&c::PKG_PUBLISH, "creates or revokes registry tokens".into()),
        },
        "login" | "adduser" | "add-user" | "logout" => {
            (&c::PKG_LOGIN, "logs in to or out of the registry".into())
        }
        "config" | "set" | "c" => config(program, &words, args),
        "exec" | "x" | "dlx" | "create" | "init" if !(sub == "init" && packages.is_empty()) => {
            let at = args
                .iter()
                .position(|a| *a == sub)
                .map_or(args.len(), |p| p + 1);
            runner(program, args, at, s, v);
            return;
        }
        "cache" | "prune" | "dedupe" | "ddp" | "rebuild" | "rb" | "ci" | "clean-install"
        | "install-clean" | "pack" | "version" | "init" | "fund" | "shrinkwrap" | "import" => (
            &c::PKG_PROJECT,
            format!("{program} {sub} works on the project's packages"),
        ),
        "audit" if args.contains(&"fix") || words.get(1).is_some_and(|w| *w == "fix") => {
            (&c::PKG_INSTALL, "upgrades vulnerable dependencies".into())
        }
        "ls" | "list" | "la" | "ll" | "view" | "v" | "info" | "show" | "why" | "explain"
        | "search" | "s" | "se" | "find" | "outdated" | "doctor" | "audit" | "help" | "docs"
        | "bugs" | "repo" | "root" | "bin" | "prefix" | "whoami" | "ping" | "query" | "sbom"
        | "licenses" | "store" | "pm" => {
            (&c::PKG_READ, format!("{program} reads package information"))
        }
        _ => {
            // `npm run x`, `npm test`, `yarn build`, `pnpm dev`: the project's own scripts.
            (
                &c::PKG_PROJECT,
                format!("{program} runs the project's scripts"),
            )
        }
    };
    v.add(class, reason, text);
}

/// `npm config set`: what a package manager runs or where it installs from.
fn config(program: &str, words: &[&str], args: &[&str]) -> (&'static Class, String) {
    let verb = words.get(1).copied().unwrap_or("");
    if matches!(verb, "get" | "list" | "ls" | "") && !args.contains(&"--edit") {
        return (&c::PKG_READ, format!("{program} reads its configuration"));
    }
    let key = words.get(2).copied().unwrap_or("").to_ascii_lowercase();
    let key = key.split('=').next().unwrap_or("");
    if [
        "registry",
        "script-shell",
        "node-options",
        "prefix",
        "git",
        "globalconfig",
        "userconfig",
        "init-module",
        "npmregistryserver",
        "ignore-scripts",
        "shell",
        "cafile",
        "strict-ssl",
        "index-url",
        "extra-index-url",
        "trusted-host",
        "proxy",
        "https-proxy",
    ]
    .iter()
    .any(|k| key.ends_with(k))
    {
        (
            &c::PKG_CONFIG_EXEC,
            format!("{program} changes where packages come from or what it runs (`{key}`)"),
        )
    } else {
        (
            &c::PKG_CONFIG,
            format!("{program} changes its configuration"),
        )
    }
}

/// `npx pkg args`, `pnpm dlx pkg`, `uvx tool`: a package's command runs, downloaded when
/// needed; the command is judged as if it ran here.
fn runner(program: &str, args: &[&str], from: usize, s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let rest = &args[from.min(args.len())..];
    let mut i = 0;
    let mut package: Option<&str> = None;
    while let Some(a) = rest.get(i) {
        if matches!(*a, "-p" | "--package" | "--from" | "--with") {
            package = rest.get(i + 1).copied();
            i += 2;
        } else if *a == "--" {
            i += 1;
            break;
        } else if a.starts_with("--package=") {
            package = a.strip_prefix("--package=");
            i += 1;
        } else if matches!(*a, "-c" | "--call") {
            if let Some(line) = rest.get(i + 1) {
                s.judge_line(line, &format!("{program} -c"), v);
            }
            v.add(&c::PKG_EXEC, format!("{program} runs a command line"), text);
            return;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let command: Vec<String> = rest[i.min(rest.len())..]
        .iter()
        .map(|w| strip_version(w))
        .collect();
    if package.is_some_and(remote_spec) || rest.get(i).is_some_and(|p| remote_spec(p)) {
        v.add(
            &c::PKG_INSTALL_REMOTE,
            format!("{program} runs a package from a URL or repository"),
            text,
        );
        return;
    }
    v.add(
        &c::PKG_EXEC,
        format!("{program} runs a package's command"),
        text,
    );
    if !command.is_empty() {
        s.judge_words(&command, &[], program, v);
    }
}

/// `rimraf@5` runs `rimraf`.
fn strip_version(word: &str) -> String {
    match word.rfind('@') {
        Some(at) if at > 0 => word[..at].to_owned(),
        _ => word.to_owned(),
    }
}

/// `pip install ...` and the other pip commands (also `python -m pip`).
pub(super) fn pip(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let args: Vec<&str> = rest.iter().map(String::as_str).collect();
    let text = s.text();
    let words = operands(
        &args,
        &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "--target",
            "-t",
            "--prefix",
            "--root",
            "--python",
            "--src",
            "--trusted-host",
            "-e",
            "--editable",
        ],
    );
    let sub = words.first().copied().unwrap_or("");
    let packages = words.get(1..).unwrap_or(&[]);
    let (class, reason): (&'static Class, String) = match sub {
        "install" | "download" | "wheel"
            if sub == "install" || args.iter().any(|a| a.starts_with("--index")) =>
        {
            let index = args.iter().any(|a| {
                matches!(
                    *a,
                    "-i" | "--index-url"
                        | "--extra-index-url"
                        | "-f"
                        | "--find-links"
                        | "--trusted-host"
                ) || a.starts_with("--index-url=")
                    || a.starts_with("--extra-index-url=")
                    || a.starts_with("--find-links=")
            });
            let editable_remote = args
                .windows(2)
                .any(|w| matches!(w[0], "-e" | "--editable") && remote_spec(w[1]));
            if index || editable_remote || packages.iter().any(|p| pip_remote(p)) {
                (
                    &c::PKG_INSTALL_REMOTE,
                    "pip installs code from a URL, a repository or another index".into(),
                )
            } else if global(&args) {
                (
                    &c::PKG_INSTALL_MACHINE,
                    "pip installs packages for the user or the system".into(),
                )
            } else if packages.is_empty()
                || packages
                    .iter()
                    .all(|p| *p == "." || p.starts_with("./") || p.starts_with(".["))
            {
                (
                    &c::PKG_PROJECT,
                    "installs the project's declared dependencies".into(),
                )
            } else {
                (
                    &c::PKG_INSTALL,
                    "pip installs packages from the registry".into(),
                )
            }
        }
        "uninstall" | "remove" => (&c::PKG_REMOVE, "pip removes packages".into()),
        "config" => config("pip", &words, &args),
        _ => (&c::PKG_READ, "pip reads package information".into()),
    };
    v.add(class, reason, text);
}

/// A pip requirement from somewhere other than the index.
fn pip_remote(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git+")
        || lower.starts_with("hg+")
        || lower.starts_with("svn+")
        || lower.starts_with("bzr+")
        || lower.contains(" @ ")
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand"
)]
fn python(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words = operands(
        args,
        &[
            "--python",
            "-p",
            "--with",
            "--from",
            "--index",
            "--index-url",
            "--extra-index-url",
            "-n",
            "--name",
            "-c",
            "--channel",
            "--directory",
            "--project",
            "--group",
            "--optional",
            "-e",
            "--env",
            "--spec",
        ],
    );
    let sub = words.first().copied().unwrap_or("");
    let rest = words.get(1..).unwrap_or(&[]);
    let index = args.iter().any(|a| {
        a.starts_with("--index")
            || a.starts_with("--extra-index")
            || a.starts_with("--find-links")
            || a.starts_with("--channel")
            || *a == "-c"
    });
    if program == "uvx" {
        runner(program, args, 0, s, v);
        return;
    }
    let (class, reason): (&'static Class, String) = match (program, sub) {
        ("uv", "pip") => {
            pip(&s.args()[1..], s, v);
            return;
        }
        (
            "uv" | "pipx" | "hatch" | "pdm" | "poetry" | "pixi" | "rye" | "conda" | "mamba"
            | "micromamba" | "pipenv",
            "run",
        )
        | ("uv" | "pipx", "tool")
            if !(sub == "tool"
                && rest.first().is_some_and(|r| {
                    matches!(
                        *r,
                        "install" | "upgrade" | "uninstall" | "list" | "dir" | "update-shell"
                    )
                })) =>
        {
            let at = args
                .iter()
                .position(|a| *a == sub)
                .map_or(args.len(), |p| p + 1);
            let at = if sub == "tool" { at + 1 } else { at };
            if program == "pipx" || sub == "tool" {
                runner(program, args, at, s, v);
                return;
            }
            let command: Vec<String> = args[at.min(args.len())..]
                .iter()
                .skip_while(|a| a.starts_with('-'))
                .map(|w| (*w).to_owned())
                .collect();
            if !command.is_empty() {
                s.judge_words(&command, &[], program, v);
            }
            (
                &c::PKG_PROJECT,
                format!("{program} runs a command in the project's environment"),
            )
        }
        (_, "publish" | "upload") | ("twine", _)
            if !args.contains(&"--dry-run") && (program != "twine" || sub == "upload") =>
        {
            (&c::PKG_PUBLISH, format!("{program} publishes a package"))
        }
        (_, "install" | "add" | "inject" | "create" | "update" | "upgrade" | "self" | "sync")
            if rest
                .iter()
                .any(|p| pip_remote(p) || remote_spec(p) && program != "conda")
                || index && sub != "sync" =>
        {
            (
                &c::PKG_INSTALL_REMOTE,
                format!("{program} installs code from a URL, a repository or another index"),
            )
        }
        (
            "pipx",
            "install" | "inject" | "upgrade" | "upgrade-all" | "reinstall" | "reinstall-all",
        )
        | ("uv", "tool" | "python")
        | ("conda" | "mamba" | "micromamba", "install" | "create" | "update" | "upgrade")
        | ("poetry", "self") => (
            &c::PKG_INSTALL_MACHINE,
            format!("{program} installs packages or tools for the user"),
        ),
        ("pipx", "uninstall" | "uninstall-all")
        | ("conda" | "mamba" | "micromamba", "remove" | "uninstall" | "env") => (
            &c::PKG_REMOVE_MACHINE,
            format!("{program} removes packages or environments for the user"),
        ),
        (_, "add") => (
            &c::PKG_INSTALL,
            format!("{program} adds packages to the project"),
        ),
        (_, "remove" | "rm" | "uninstall") => (
            &c::PKG_REMOVE,
            format!("{program} removes packages from the project"),
        ),
        (_, "config") => config(program, &words, args),
        ("conda" | "mamba" | "micromamba", "clean") => {
            (&c::PKG_CACHE, "cleans the package cache".into())
        }
        _ => (
            &c::PKG_PROJECT,
            format!("{program} works on the project's environment"),
        ),
    };
    v.add(class, reason, text);
}

fn cargo(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    for (i, a) in args.iter().enumerate() {
        let value = if *a == "--config" {
            args.get(i + 1).copied()
        } else {
            a.strip_prefix("--config=")
        };
        if let Some(value) = value
            && ["runner", "linker", "rustc-wrapper", "rustc", "rustdoc"]
                .iter()
                .any(|k| value.contains(k))
            && let Some((_, command)) = value.split_once('=')
        {
            s.judge_line(
                command.trim().trim_matches(['"', '\'', '[', ']']),
                "a cargo --config option",
                v,
            );
        }
    }
    let words = operands(
        args,
        &[
            "--config",
            "-p",
            "--package",
            "--manifest-path",
            "--target",
            "--features",
            "-F",
            "--bin",
            "--example",
            "--test",
            "--bench",
            "-j",
            "--jobs",
            "--target-dir",
            "--profile",
            "--registry",
            "--index",
            "--git",
            "--branch",
            "--tag",
            "--rev",
            "--path",
            "--root",
            "--version",
            "--vers",
            "-Z",
            "--color",
            "--message-format",
        ],
    );
    let words: Vec<&str> = words.into_iter().filter(|w| !w.starts_with('+')).collect();
    let git = args.iter().any(|a| {
        *a == "--git"
            || a.starts_with("--git=")
            || *a == "--index"
            || a.starts_with("--index=")
            || *a == "--registry"
            || a.starts_with("--registry=")
    });
    let (class, reason): (&'static Class, &str) = match words.first().copied() {
        Some("publish") if args.contains(&"--dry-run") => (&c::PKG_READ, "a publish dry run"),
        Some("publish" | "owner") => (
            &c::PKG_PUBLISH,
            "cargo publish releases a crate (permanent)",
        ),
        Some("yank") => (&c::PKG_UNPUBLISH, "yanks a published version"),
        Some("login" | "logout") => (&c::PKG_LOGIN, "logs in to or out of the registry"),
        Some("install" | "add" | "binstall") if git => (
            &c::PKG_INSTALL_REMOTE,
            "installs a crate from a repository or another registry",
        ),
        Some("install" | "binstall" | "uninstall") => (
            &c::PKG_INSTALL_MACHINE,
            "installs or removes a tool for the user",
        ),
        Some("add") => (&c::PKG_INSTALL, "adds a dependency to the project"),
        Some("remove" | "rm") => (&c::PKG_REMOVE, "removes a dependency"),
        Some("run" | "r") => (&c::BUILD_EVERYDAY, "runs the project's program"),
        _ => (&c::BUILD_EVERYDAY, "builds, tests or checks the project"),
    };
    v.add(class, reason, text);
}

fn go(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words = operands(
        args,
        &[
            "-C",
            "-o",
            "-p",
            "-tags",
            "-ldflags",
            "-gcflags",
            "-mod",
            "-modfile",
            "-run",
            "-bench",
            "-count",
            "-timeout",
            "-exec",
            "-toolexec",
            "-overlay",
            "-pgo",
            "-covermode",
            "-coverprofile",
        ],
    );
    for (i, a) in args.iter().enumerate() {
        if matches!(*a, "-exec" | "-toolexec")
            && let Some(line) = args.get(i + 1)
        {
            s.judge_line(line, &format!("go {a}"), v);
        }
    }
    let sub = words.first().copied().unwrap_or("");
    let target = words.get(1).copied().unwrap_or("");
    let remote_module = |t: &str| {
        !t.starts_with(['.', '/'])
            && t.split('/').next().is_some_and(|host| host.contains('.'))
            && !t.ends_with(".go")
    };
    let (class, reason): (&'static Class, &str) = match sub {
        "run" if target.contains('@') || remote_module(target) => (
            &c::PKG_INSTALL_REMOTE,
            "go run builds and runs a module from the network",
        ),
        "install" if target.contains('@') || remote_module(target) => (
            &c::PKG_INSTALL_MACHINE,
            "go install builds a module from the network into the user's bin directory",
        ),
        "get" => (&c::PKG_INSTALL, "adds or upgrades a dependency"),
        "env" if args.contains(&"-w") || args.contains(&"-u") => {
            if args.iter().any(|a| {
                [
                    "GOPROXY",
                    "GOFLAGS",
                    "GOSUMDB",
                    "GONOSUMDB",
                    "GOPRIVATE",
                    "GOINSECURE",
                    "GOTOOLCHAIN",
                    "CC",
                    "CXX",
                    "GOBIN",
                ]
                .iter()
                .any(|k| a.starts_with(k))
            }) {
                (
                    &c::PKG_CONFIG_EXEC,
                    "changes where go fetches modules from or what it runs",
                )
            } else {
                (&c::PKG_CONFIG, "changes go's configuration")
            }
        }
        _ => (
            &c::BUILD_EVERYDAY,
            "go builds, tests or formats the project",
        ),
    };
    v.add(class, reason, text);
}

fn ruby(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words = operands(
        args,
        &[
            "--source",
            "-s",
            "-v",
            "--version",
            "--gemfile",
            "-j",
            "--jobs",
            "--path",
            "--without",
            "--with",
            "-i",
            "--install-dir",
        ],
    );
    let sub = words.first().copied().unwrap_or("");
    let rest = words.get(1..).unwrap_or(&[]);
    let source = args.iter().any(|a| {
        *a == "--source"
            || *a == "-s"
            || a.starts_with("--source=")
            || *a == "--git"
            || a.starts_with("--git=")
    });
    let (class, reason): (&'static Class, String) = match (program, sub) {
        (_, "exec" | "ex" | "e") => {
            let at = args
                .iter()
                .position(|a| *a == sub)
                .map_or(args.len(), |p| p + 1);
            let command: Vec<String> = args[at..].iter().map(|w| (*w).to_owned()).collect();
            if !command.is_empty() {
                s.judge_words(&command, &[], &format!("{program} exec"), v);
            }
            (
                &c::EXEC_NESTED,
                format!("{program} exec runs a command (judged on its own)"),
            )
        }
        ("gem", "push") => (&c::PKG_PUBLISH, "gem push publishes a gem".into()),
        ("gem", "yank" | "owner") => (&c::PKG_UNPUBLISH, "changes a published gem".into()),
        ("gem", "sources") if args.iter().any(|a| matches!(*a, "--add" | "-a")) => {
            (&c::PKG_CONFIG_EXEC, "adds a gem source".into())
        }
        (_, "install" | "add" | "update")
            if source || rest.iter().any(|p| remote_spec(p) && p.contains("://")) =>
        {
            (
                &c::PKG_INSTALL_REMOTE,
                format!("{program} installs code from another source"),
            )
        }
        ("gem", "install" | "update") => (
            &c::PKG_INSTALL_MACHINE,
            "gem installs gems for the user".into(),
        ),
        ("gem", "uninstall" | "cleanup") => (&c::PKG_REMOVE_MACHINE, "gem removes gems".into()),
        (_, "add") => (
            &c::PKG_INSTALL,
            format!("{program} adds a gem to the project"),
        ),
        (_, "remove") => (
            &c::PKG_REMOVE,
            format!("{program} removes a gem from the project"),
        ),
        (_, "config")
            if rest.first().is_some_and(|w| matches!(*w, "set" | "unset")) || rest.len() >= 2 =>
        {
            (
                &c::PKG_CONFIG,
                format!("{program} changes its configuration"),
            )
        }
        (
            "gem",
            "list" | "search" | "info" | "env" | "contents" | "dependency" | "which" | "query"
            | "specification" | "help",
        ) => (&c::PKG_READ, "gem reads gem information".into()),
        _ => (
            &c::PKG_PROJECT,
            format!("{program} installs or checks the project's gems"),
        ),
    };
    v.add(class, reason, text);
}

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand"
)]
fn system(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words = operands(
        args,
        &[
            "-o",
            "--option",
            "-c",
            "--config",
            "-t",
            "--target-release",
            "--repo",
            "--enablerepo",
            "--disablerepo",
            "--arch",
            "--root",
            "-r",
        ],
    );
    let sub = words.first().copied().unwrap_or("");
    let flags: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| a.starts_with('-'))
        .collect();
    let pacman_remove =
        matches!(program, "pacman" | "yay" | "paru") && flags.iter().any(|f| f.starts_with("-R"));
    let pacman_install = matches!(program, "pacman" | "yay" | "paru")
        && flags.iter().any(|f| {
            f.starts_with("-S") && !f.contains('s') && !f.contains('i') && !f.contains('c')
                || *f == "-U"
        });
    let (class, reason): (&'static Class, String) = match (program, sub) {
        ("add-apt-repository" | "apt-key", _) => (
            &c::PKG_CONFIG_EXEC,
            "adds a package repository or signing key".into(),
        ),
        ("dnf" | "yum", "config-manager") if args.iter().any(|a| a.starts_with("--add-repo")) => {
            (&c::PKG_CONFIG_EXEC, "adds a package repository".into())
        }
        ("zypper", "ar" | "addrepo")
        | ("flatpak", "remote-add")
        | ("snap", "set")
        | ("brew", "tap")
            if !words.get(1..).unwrap_or(&[]).is_empty() || program != "brew" =>
        {
            (&c::PKG_CONFIG_EXEC, "adds a package repository".into())
        }
        ("dpkg", _)
            if flags
                .iter()
                .any(|f| matches!(*f, "-r" | "-P" | "--remove" | "--purge")) =>
        {
            (&c::PKG_REMOVE_SYSTEM, "removes system packages".into())
        }
        ("rpm", _) if flags.iter().any(|f| f.starts_with("-e") || *f == "--erase") => {
            (&c::PKG_REMOVE_SYSTEM, "removes system packages".into())
        }
        ("dpkg" | "rpm", _)
            if flags.iter().any(|f| {
                matches!(
                    *f,
                    "-i" | "--install" | "-U" | "-Uvh" | "-ivh" | "--upgrade"
                )
            }) =>
        {
            (
                &c::PKG_INSTALL_MACHINE,
                "installs a system package from a file".into(),
            )
        }
        ("dpkg" | "rpm", _) => (&c::PKG_READ, "reads installed packages".into()),
        ("nix-collect-garbage", _) => (
            &c::PKG_REMOVE_MACHINE,
            "deletes old package generations".into(),
        ),
        ("nix", "run" | "shell" | "develop") => {
            if words.get(1).is_some_and(|t| {
                t.starts_with("github:") || t.starts_with("git+") || t.contains("://")
            }) {
                (
                    &c::PKG_INSTALL_REMOTE,
                    "nix runs a flake from a repository".into(),
                )
            } else {
                (&c::PKG_EXEC, "nix runs a package".into())
            }
        }
        ("brew", "services") if words.get(1).is_none_or(|w| matches!(*w, "list" | "info")) => {
            (&c::PKG_READ, "brew lists services".into())
        }
        ("brew", "services") => (&c::SYS_SERVICE, "brew starts or stops a service".into()),
        ("brew", "install" | "reinstall")
            if words
                .iter()
                .skip(1)
                .any(|p| p.contains("://") || p.ends_with(".rb")) =>
        {
            (
                &c::PKG_INSTALL_REMOTE,
                "brew installs a formula from a URL or file".into(),
            )
        }
        _ if pacman_remove => (&c::PKG_REMOVE_SYSTEM, "removes system packages".into()),
        _ if pacman_install => (
            &c::PKG_INSTALL_MACHINE,
            "installs or upgrades system packages".into(),
        ),
        ("brew", "uninstall" | "remove" | "rm" | "untap" | "cleanup" | "autoremove" | "unlink") => {
            (&c::PKG_REMOVE_MACHINE, "brew removes packages".into())
        }
        (
            _,
            "remove" | "purge" | "autoremove" | "autopurge" | "erase" | "uninstall" | "del"
            | "delete" | "rm" | "autoclean" | "clean",
        ) if !matches!(program, "brew" | "choco" | "winget" | "scoop") => {
            if matches!(sub, "autoclean" | "clean") {
                (&c::PKG_CACHE, format!("{program} cleans its package cache"))
            } else {
                (
                    &c::PKG_REMOVE_SYSTEM,
                    format!("{program} removes system packages"),
                )
            }
        }
        (
            _,
            "install" | "reinstall" | "upgrade" | "dist-upgrade" | "full-upgrade" | "update"
            | "add" | "refresh" | "tap" | "link" | "in" | "up" | "dup" | "-i" | "-iA" | "profile"
            | "switch" | "rebuild" | "sync" | "-S",
        ) => (
            &c::PKG_INSTALL_MACHINE,
            format!("{program} installs or upgrades packages for the machine"),
        ),
        (_, "uninstall" | "remove" | "rm") => (
            &c::PKG_REMOVE_MACHINE,
            format!("{program} removes packages"),
        ),
        _ if program == "nix-env"
            && flags
                .iter()
                .any(|f| f.starts_with("-i") || f.starts_with("-u")) =>
        {
            (&c::PKG_INSTALL_MACHINE, "nix-env installs packages".into())
        }
        _ if program == "nix-env"
            && flags
                .iter()
                .any(|f| f.starts_with("-e") || *f == "--uninstall") =>
        {
            (&c::PKG_REMOVE_MACHINE, "nix-env removes packages".into())
        }
        _ => (&c::PKG_READ, format!("{program} reads package information")),
    };
    v.add(class, reason, text);
}

/// Other language and tool managers.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per subcommand"
)]
fn other(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) -> bool {
    let text = s.text();
    let words = operands(
        args,
        &[
            "-p",
            "--project",
            "-c",
            "--configuration",
            "-f",
            "--framework",
            "--version",
            "-v",
            "-s",
            "--source",
        ],
    );
    let sub = words.first().copied().unwrap_or("");
    let rest = words.get(1..).unwrap_or(&[]);
    let (class, reason): (&'static Class, String) = match (program, sub) {
        ("deno", "run" | "install" | "x" | "repl" | "eval" | "") => return false,
        ("deno", "publish") | ("dart" | "flutter", "pub")
            if program == "deno" || rest.first().is_some_and(|w| *w == "publish") =>
        {
            (&c::PKG_PUBLISH, format!("{program} publishes a package"))
        }
        ("deno", "add") => (&c::PKG_INSTALL, "deno adds a dependency".into()),
        ("dotnet", "nuget")
            if rest
                .first()
                .is_some_and(|w| matches!(*w, "push" | "delete")) =>
        {
            (
                &c::PKG_PUBLISH,
                "dotnet nuget pushes or deletes a package".into(),
            )
        }
        ("dotnet", "tool")
            if rest
                .first()
                .is_some_and(|w| *w == "install" || *w == "update")
                && global(args) =>
        {
            (
                &c::PKG_INSTALL_MACHINE,
                "dotnet installs a tool for the user".into(),
            )
        }
        ("dotnet", "add") => (&c::PKG_INSTALL, "dotnet adds a package".into()),
        ("dotnet", "ef") if rest.starts_with(&["database", "drop"]) => {
            (&c::DB_DROP, "dotnet ef drops the database".into())
        }
        ("dotnet", "ef") if rest.starts_with(&["database", "update"]) => {
            (&c::DB_WRITE, "dotnet ef migrates the database".into())
        }
        ("mvn" | "./mvnw" | "mvnw", _)
            if words.iter().any(|w| {
                *w == "deploy" || w.starts_with("release:perform") || w.contains("nexus-staging")
            }) =>
        {
            (
                &c::PKG_PUBLISH,
                "maven deploys artifacts to a repository".into(),
            )
        }
        ("gradle" | "./gradlew" | "gradlew", _)
            if words.iter().any(|w| {
                w.starts_with("publish")
                    || *w == "uploadArchives"
                    || w.contains("ToMavenCentral")
                    || *w == "closeAndReleaseRepository"
            }) && !words.iter().any(|w| w.contains("MavenLocal")) =>
        {
            (&c::PKG_PUBLISH, "gradle publishes artifacts".into())
        }
        ("composer", "require") => (&c::PKG_INSTALL, "composer adds a package".into()),
        ("composer", "remove") => (&c::PKG_REMOVE, "composer removes a package".into()),
        ("composer", "global") => (
            &c::PKG_INSTALL_MACHINE,
            "composer installs a tool for the user".into(),
        ),
        ("composer", "config")
            if rest
                .iter()
                .any(|w| w.starts_with("repositories") || *w == "secure-http") =>
        {
            (
                &c::PKG_CONFIG_EXEC,
                "composer adds a package repository".into(),
            )
        }
        ("composer", "create-project") => (
            &c::PKG_EXEC,
            "composer creates a project from a package".into(),
        ),
        ("mix", "hex.publish") => (&c::PKG_PUBLISH, "mix publishes a package".into()),
        ("mix", "ecto.drop" | "ecto.reset" | "ecto.rollback") => (
            &c::DB_DROP,
            format!("mix {sub} drops or rolls back the database"),
        ),
        ("mix", "ecto.migrate" | "ecto.setup") => {
            (&c::DB_WRITE, format!("mix {sub} changes the database"))
        }
        ("mix", "archive.install" | "escript.install")
            if rest
                .iter()
                .any(|w| matches!(*w, "git" | "github") || w.contains("://")) =>
        {
            (
                &c::PKG_INSTALL_REMOTE,
                "mix installs an archive from a repository".into(),
            )
        }
        ("cpan" | "cpanm", _)
        | (
            "luarocks" | "opam" | "cabal" | "stack" | "krew" | "nimble",
            "install" | "upgrade" | "update",
        ) => {
            if rest.iter().any(|w| w.contains("://")) {
                (
                    &c::PKG_INSTALL_REMOTE,
                    format!("{program} installs code from a URL"),
                )
            } else {
                (
                    &c::PKG_INSTALL_MACHINE,
                    format!("{program} installs packages for the user"),
                )
            }
        }
        (
            "rustup" | "asdf" | "mise" | "rtx" | "nvm" | "fnm" | "volta" | "pyenv" | "rbenv"
            | "sdk" | "corepack",
            "install" | "update" | "upgrade" | "toolchain" | "component" | "target" | "default"
            | "global" | "enable" | "set" | "plugin" | "self" | "uninstall" | "remove" | "rm"
            | "disable",
        ) => (
            &c::PKG_INSTALL_MACHINE,
            format!("{program} installs, removes or switches tools for the user"),
        ),
        ("pre-commit" | "husky", "install" | "init" | "uninstall") => (
            &c::GIT_CONFIG,
            format!("{program} installs the project's git hooks"),
        ),
        ("pre-commit", "autoupdate") => (&c::PKG_INSTALL, "pre-commit upgrades its hooks".into()),
        (
            "pod" | "carthage" | "swift" | "helmfile" | "vcpkg" | "conan" | "pub" | "dart"
            | "flutter",
            "publish" | "push" | "trunk" | "apply" | "sync" | "destroy" | "upload",
        ) => {
            if program == "helmfile" {
                if sub == "destroy" {
                    (&c::K8S_DELETE, "helmfile destroys releases".into())
                } else {
                    (&c::K8S_CHANGE, "helmfile changes a cluster".into())
                }
            } else {
                (&c::PKG_PUBLISH, format!("{program} publishes a package"))
            }
        }
        _ => (
            &c::BUILD_EVERYDAY,
            format!("{program} builds, tests or manages the project"),
        ),
    };
    v.add(class, reason, text);
    true
}
