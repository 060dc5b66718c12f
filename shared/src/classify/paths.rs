//! Where a path points, judged lexically against the project, the home directory and the
//! system directories (no file-system access: nothing is resolved through links).

use std::path::{Component, Path, PathBuf};

use super::Context;

/// Directories that hold the operating system or other people's data.
const SYSTEM_DIRS: &[&str] = &[
    "bin",
    "boot",
    "dev",
    "etc",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "opt",
    "proc",
    "root",
    "sbin",
    "srv",
    "sys",
    "usr",
    "var",
    "home",
    "mnt",
    "media",
    "snap",
    "run",
    "System",
    "Library",
    "Applications",
    "Users",
    "private",
    "nix",
];

/// Project sub-directories that hold regenerable build output and caches.
const BUILD_DIRS: &[&str] = &[
    "build",
    "generated",
    "dist",
    "target",
    "node_modules",
    ".cache",
    "out",
    "coverage",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".next",
    ".nuxt",
    ".parcel-cache",
    ".turbo",
    ".tox",
    ".nox",
    ".gradle",
    ".sass-cache",
    "tmp",
    ".tmp",
    "temp",
    ".eslintcache",
    "obj",
    ".venv",
    "venv",
    "htmlcov",
    ".angular",
    ".svelte-kit",
    ".docusaurus",
    "_build",
    "cmake-build-debug",
    "cmake-build-release",
    ".build",
    "DerivedData",
    ".nyc_output",
    ".coverage",
    "lib-cov",
    ".hypothesis",
    ".benchmarks",
    ".vite",
    ".expo",
    ".dart_tool",
    ".serverless",
    ".aws-sam",
    ".terraform",
    "bazel-bin",
    "bazel-out",
    "bazel-testlogs",
    "zig-cache",
    "zig-out",
    ".zig-cache",
    ".stack-work",
    "dist-newstyle",
    "_site",
    ".jekyll-cache",
    "storybook-static",
    ".pnpm-store",
];

/// Where a path points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// `/` itself.
    Root,
    /// A system directory or something in it (`/etc`, `/usr/lib`, `/passwd-at-root`).
    System,
    /// The home directory itself.
    Home,
    /// Something inside the home directory (outside the project).
    HomeChild,
    /// The project root itself.
    ProjectRoot,
    /// The project's `.git` directory or something in it.
    ProjectGit,
    /// Build output or a cache inside the project.
    Build,
    /// Anything else inside the project.
    Project,
    /// A temporary directory's contents (`/tmp/x`).
    Temp,
    /// Anywhere else on the machine.
    Outside,
    /// A computed path whose first part is unknown and that ends at a root (`$DIR/`, `$X/*`):
    /// an empty variable turns it into `/`.
    MaybeRoot,
    /// A computed path that could not be resolved.
    Unknown,
}

impl Place {
    /// Whether the place is inside the project.
    pub(crate) fn in_project(self) -> bool {
        matches!(
            self,
            Self::ProjectRoot | Self::ProjectGit | Self::Build | Self::Project
        )
    }
}

/// A path made absolute and normalised, with where it points.
#[derive(Debug, Clone)]
pub(crate) struct Judged {
    /// The normalised absolute path (empty for computed paths).
    pub(crate) path: PathBuf,
    /// Where it points.
    pub(crate) place: Place,
}

/// Judges a path operand as written in a command (`~`, `$HOME`, `..`, globs, trailing `/`).
pub(crate) fn judge(raw: &str, dynamic: bool, ctx: &Context) -> Judged {
    let unknown = |place| Judged {
        path: PathBuf::new(),
        place,
    };
    if raw.is_empty() {
        return unknown(Place::Unknown);
    }
    if (raw.contains('$') || raw.starts_with('`'))
        && let Some(judged) = judge_expansion(raw, ctx)
    {
        return judged;
    }
    // The shell reader's stand-ins for items it cannot read (`xargs` input, items past its
    // limit).
    if dynamic && matches!(raw, "[xargs input]" | "...") {
        return unknown(Place::Unknown);
    }
    if dynamic && !raw.starts_with(['~', '/', '.']) && raw.contains('$')
        || raw.starts_with("$(")
        || raw.starts_with('`')
    {
        // `$DIR/` or `$DIR/*`: when DIR is empty or unset, this is the root.
        let after = raw
            .find('/')
            .map(|i| &raw[i..])
            .unwrap_or_default()
            .trim_end_matches(['*', '/']);
        return unknown(if raw.contains('/') && after.is_empty() {
            Place::MaybeRoot
        } else {
            Place::Unknown
        });
    }
    let expanded = expand_home(raw, ctx);
    let Some(expanded) = expanded else {
        return unknown(Place::Outside);
    };
    let absolute = if expanded.is_absolute() {
        expanded
    } else {
        base_dir(ctx).join(expanded)
    };
    let (normal, contents_of) = normalise(&absolute);
    let place = classify(&normal, contents_of, ctx);
    Judged {
        path: normal,
        place,
    }
}

/// Expansions the shell reader left unresolved whose meaning is still known: the temporary
/// directory (`$TMPDIR/x`), the home directory or its parents (`${HOME%/*}`, `${HOME:h}`), the
/// working directory's parents (`${PWD%/*}`), and defaults (`${DIR:-/}`, judged as the default
/// when that is worse).
fn judge_expansion(raw: &str, ctx: &Context) -> Option<Judged> {
    let (name, operator, rest) = leading_parameter(raw)?;
    if let Some(default) = operator
        .strip_prefix(":-")
        .or_else(|| operator.strip_prefix('-'))
        .or_else(|| operator.strip_prefix(":="))
        .or_else(|| operator.strip_prefix('='))
    {
        let judged = judge(&format!("{default}{rest}"), false, ctx);
        if matches!(
            judged.place,
            Place::Root | Place::System | Place::Home | Place::HomeChild | Place::Outside
        ) {
            return Some(judged);
        }
    }
    match name {
        "TMPDIR" | "TMP" | "TEMP" | "TEMPDIR" if operator.is_empty() => {
            if rest.trim_matches(['/', '*']).is_empty() {
                // The user's temporary directory itself (`$TMPDIR`, `$TMPDIR/*`).
                return Some(Judged {
                    path: PathBuf::from("/tmp"),
                    place: Place::Temp,
                });
            }
            Some(judge(&format!("/tmp{rest}"), false, ctx))
        }
        "HOME" if !operator.is_empty() => {
            // A home directory cut short is one of its parents: `/home` or `/`.
            let parent = ctx
                .home
                .as_ref()
                .and_then(|h| h.parent())
                .map_or_else(|| "/".to_owned(), |p| p.display().to_string());
            let judged = judge(&format!("{parent}{rest}"), false, ctx);
            Some(match judged.place {
                Place::Outside | Place::System => Judged {
                    place: Place::Home,
                    ..judged
                },
                _ => judged,
            })
        }
        "PWD" if !operator.is_empty() => Some(judge(&format!("..{rest}"), false, ctx)),
        _ => None,
    }
}

/// `$NAME`, `${NAME}` or `${NAME<operator>}` at the start of `raw`: the name, the operator
/// text and what follows the expansion.
fn leading_parameter(raw: &str) -> Option<(&str, &str, &str)> {
    let after = raw.strip_prefix('$')?;
    if let Some(braced) = after.strip_prefix('{') {
        let close = braced.find('}')?;
        let inner = &braced[..close];
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        return Some((&inner[..name_len], &inner[name_len..], &braced[close + 1..]));
    }
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    (name_len > 0).then(|| (&after[..name_len], "", &after[name_len..]))
}

/// `path` with `.` and `..` resolved lexically.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            _ => {}
        }
    }
    out
}

fn base_dir(ctx: &Context) -> PathBuf {
    if ctx.cwd.as_os_str().is_empty() {
        ctx.project_dir.clone()
    } else {
        ctx.cwd.clone()
    }
}

/// `~` and `~/x` against the home directory; `~user` is someone else's home.
fn expand_home(raw: &str, ctx: &Context) -> Option<PathBuf> {
    let home = || {
        ctx.home
            .clone()
            .unwrap_or_else(|| PathBuf::from("/nonexistent-home"))
    };
    if raw == "~" {
        return Some(home());
    }
    if let Some(rest) = raw.strip_prefix("~/") {
        return Some(home().join(rest));
    }
    if raw.starts_with('~') {
        return None;
    }
    Some(PathBuf::from(raw))
}

/// Resolves `.` and `..` lexically. A trailing all-wildcard component (`dir/*`) stands for the
/// directory itself (its whole contents); a glob with literal parts (`*.o`) stands for
/// something inside the directory before it. Returns the path and whether it means "something
/// inside" it.
fn normalise(path: &Path) -> (PathBuf, bool) {
    let mut out = PathBuf::from("/");
    let mut inside = false;
    let components: Vec<Component<'_>> = path.components().collect();
    for (i, component) in components.iter().enumerate() {
        match component {
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                let name = name.to_string_lossy();
                if name.contains(['*', '?', '[']) {
                    let whole = name.chars().all(|c| matches!(c, '*' | '?' | '.'));
                    if !(whole && i + 1 == components.len()) {
                        inside = true;
                    }
                    break;
                }
                out.push(name.as_ref());
            }
        }
    }
    (out, inside)
}

fn classify(path: &Path, inside: bool, ctx: &Context) -> Place {
    let project = normalise(&ctx.project_dir).0;
    if !ctx.project_dir.as_os_str().is_empty() {
        if path == project {
            return if inside {
                Place::Project
            } else {
                Place::ProjectRoot
            };
        }
        if let Ok(rel) = path.strip_prefix(&project) {
            let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
            let first = parts.next().unwrap_or_default();
            if first == ".git" {
                return Place::ProjectGit;
            }
            let mut all = std::iter::once(first).chain(parts);
            return if all.any(|p| BUILD_DIRS.contains(&p.as_ref()) || p.ends_with(".egg-info")) {
                Place::Build
            } else {
                Place::Project
            };
        }
    }
    if let Some(home) = &ctx.home {
        let home = normalise(home).0;
        if path == home {
            return if inside {
                Place::HomeChild
            } else {
                Place::Home
            };
        }
        if path.starts_with(&home) {
            return Place::HomeChild;
        }
    }
    if path == Path::new("/") {
        return if inside { Place::System } else { Place::Root };
    }
    if let Some(temp) = TEMP_DIRS.iter().find(|t| path.starts_with(t))
        && (path != Path::new(temp) || inside)
    {
        return if shares_temp_root(path, temp, ctx) {
            Place::Outside
        } else {
            Place::Temp
        };
    }
    let first = path
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if SYSTEM_DIRS.contains(&first.as_str()) || path.components().count() == 2 {
        return Place::System;
    }
    Place::Outside
}

/// Temporary directories: what is in them is scratch.
const TEMP_DIRS: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/private/tmp",
    "/dev/shm",
    "/var/folders",
    "/private/var/folders",
];

/// Whether `path` in the temporary directory `temp` is in the same directory of it as the
/// project or the home directory (`/tmp/ci-123/other` when the project is
/// `/tmp/ci-123/project`): when the project itself lives in a temporary directory, its
/// neighbours and parents are someone's work, not scratch.
fn shares_temp_root(path: &Path, temp: &str, ctx: &Context) -> bool {
    let top = |p: &Path| -> Option<PathBuf> {
        let rel = p.strip_prefix(temp).ok()?;
        let first = rel.components().next()?;
        Some(Path::new(temp).join(first))
    };
    let Some(root) = top(path) else { return false };
    [Some(ctx.project_dir.as_path()), ctx.home.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.as_os_str().is_empty())
        .any(|p| top(&normalise(p).0).is_some_and(|r| r == root))
}

/// A secret a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Secret {
    /// Configuration that may hold secrets (`.env`, `~/.ssh/config`).
    Sensitive,
    /// A private key, a credentials file, or the environment of a process.
    Credential,
}

/// Directories under home whose files are keys or credentials.
const CREDENTIAL_DIRS: &[&str] = &[
    ".gnupg",
    ".aws",
    ".azure",
    ".config/gcloud",
    ".password-store",
    ".local/share/keyrings",
    "Library/Keychains",
    ".config/hookkit",
    ".terraform.d",
    ".config/op",
    ".1password",
];

/// Whether a path names a secret: `.env` files, SSH/GPG keys, cloud and registry credentials,
/// a process's environment.
pub(crate) fn secret(raw: &str, judged: &Judged, ctx: &Context) -> Option<Secret> {
    let name = judged.path.file_name().map_or_else(
        || raw.rsplit('/').next().unwrap_or(raw).to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let lower = name.to_ascii_lowercase();
    // Public keys and certificates are published by design.
    if lower.ends_with(".pub")
        || (lower.ends_with(".pem")
            && !lower.contains("key")
            && ["cert", "chain", "bundle", "ca.pem", "ca-"]
                .iter()
                .any(|w| lower.contains(w)))
    {
        return None;
    }
    let in_home = |dir: &str| {
        ctx.home
            .as_ref()
            .is_some_and(|h| judged.path.starts_with(h.join(dir)))
            || raw.starts_with(&format!("~/{dir}/"))
            || raw == format!("~/{dir}")
    };
    let path = judged.path.to_string_lossy();
    let environ = (path.starts_with("/proc/") && lower == "environ")
        || raw.starts_with("/proc/") && raw.ends_with("/environ");
    if environ
        || lower.starts_with("id_rsa")
        || lower.starts_with("id_dsa")
        || lower.starts_with("id_ecdsa")
        || lower.starts_with("id_ed25519")
        || [
            ".pem",
            ".key",
            ".p12",
            ".pfx",
            ".jks",
            ".keystore",
            ".ppk",
            ".gpg",
            ".asc",
            ".kdbx",
            ".tfstate",
            ".tfstate.backup",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || CREDENTIAL_DIRS.iter().any(|d| in_home(d))
        || matches!(
            lower.as_str(),
            ".netrc"
                | "_netrc"
                | ".npmrc"
                | ".pypirc"
                | ".git-credentials"
                | ".pgpass"
                | ".my.cnf"
                | "hosts.yml"
                | ".htpasswd"
                | "shadow"
                | "gshadow"
                | "master.key"
                | "secrets.yml"
                | "secrets.yaml"
                | "secrets.json"
                | ".vault-token"
                | ".credentials.json"
                | "credentials.tfrc.json"
                | "service-account.json"
                | "application_default_credentials.json"
                | "keychain-db"
        )
        || lower.starts_with("credentials")
        || (in_home(".docker") && lower == "config.json")
        || (in_home(".kube") && lower == "config")
        || (in_home(".ssh") && lower.starts_with("id_"))
        // The whole `~/.ssh` holds the private keys.
        || ctx.home.as_ref().is_some_and(|h| judged.path == h.join(".ssh"))
    {
        return Some(Secret::Credential);
    }
    if in_home(".ssh") {
        return Some(Secret::Sensitive);
    }
    if lower == ".env" || lower == ".envrc" || lower.starts_with(".env.") || lower.ends_with(".env")
    {
        let template = [
            ".example",
            ".sample",
            ".template",
            ".dist",
            ".defaults",
            ".test.example",
        ]
        .iter()
        .any(|t| lower.ends_with(t));
        return (!template).then_some(Secret::Sensitive);
    }
    None
}

/// Files and directories under home that run code later or grant access when changed: shell
/// start-up files, tool and git configuration that can name programs, directories on `PATH`,
/// autostart and launch agents, `authorized_keys`, Claude Code's and hookkit's settings.
const RUNS_LATER_IN_HOME: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".bash_aliases",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".zlogin",
    ".zlogout",
    ".oh-my-zsh",
    ".config/fish",
    ".config/nushell",
    ".ssh",
    ".gitconfig",
    ".config/git",
    ".gitattributes_global",
    ".cargo/config",
    ".cargo/config.toml",
    ".cargo/bin",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".config/pip",
    ".pip",
    ".pydistutils.cfg",
    ".condarc",
    ".gemrc",
    ".bundle",
    ".m2",
    ".gradle",
    ".curlrc",
    ".wgetrc",
    ".docker",
    ".kube",
    ".aws/config",
    ".config/gh",
    ".config/autostart",
    ".config/systemd",
    ".config/environment.d",
    ".config/direnv",
    ".direnvrc",
    ".local/bin",
    ".local/share/applications",
    "bin",
    "go/bin",
    "Library/LaunchAgents",
    "Library/LaunchDaemons",
    "Library/Application Support/com.apple.backgroundtaskmanagementagent",
    ".xinitrc",
    ".xprofile",
    ".xsession",
    ".xsessionrc",
    ".pam_environment",
    ".vimrc",
    ".vim",
    ".config/nvim",
    ".emacs",
    ".emacs.d",
    ".tmux.conf",
    ".inputrc",
    ".pythonrc",
    ".pythonstartup",
    ".irbrc",
    ".pryrc",
    ".node_repl_history",
    ".claude",
    ".claude.json",
    ".config/hookkit",
    ".config/claude",
    ".codex",
    ".gemini",
    ".cursor",
];

/// Project files that make the agent run code later or change its guards.
const RUNS_LATER_IN_PROJECT: &[&str] = &[
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".claude/hooks",
    ".claude/hookkit.toml",
    ".mcp.json",
];

/// Files and directories that run code later or grant access when changed: those of
/// [`RUNS_LATER_IN_HOME`], and anywhere, Python's start-up hooks (`*.pth` in a
/// `site-packages`, `sitecustomize.py`, `usercustomize.py`).
pub(crate) fn is_startup_or_access_file(judged: &Judged, ctx: &Context) -> bool {
    let name = judged
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let path = judged.path.to_string_lossy();
    if (name.ends_with(".pth")
        && (path.contains("site-packages") || path.contains("dist-packages")))
        || name == "sitecustomize.py"
        || name == "usercustomize.py"
    {
        return true;
    }
    // The project's agent wiring: Claude Code's settings and hooks, hookkit's policy, MCP
    // servers (commands the agent's tools start).
    if let Ok(rel) = judged.path.strip_prefix(normalise(&ctx.project_dir).0) {
        let rel = rel.to_string_lossy();
        if RUNS_LATER_IN_PROJECT
            .iter()
            .any(|p| rel == *p || rel.starts_with(&format!("{p}/")))
        {
            return true;
        }
    }
    let Some(home) = &ctx.home else { return false };
    let Ok(rel) = judged.path.strip_prefix(home) else {
        return false;
    };
    let rel = rel.to_string_lossy();
    RUNS_LATER_IN_HOME
        .iter()
        .any(|p| rel == *p || rel.starts_with(&format!("{p}/")))
        || (rel.starts_with(".local/lib/python") && name.ends_with(".pth"))
}

/// Top-level project directories that hold the project's own work: its sources, tests and
/// docs. Deleting one of them whole is deleting the project's substance, not a clean-up.
const SOURCE_ROOTS: &[&str] = &[
    "src",
    "source",
    "sources",
    "lib",
    "libs",
    "app",
    "apps",
    "pkg",
    "packages",
    "cmd",
    "internal",
    "include",
    "crates",
    "components",
    "test",
    "tests",
    "spec",
    "specs",
    "docs",
    "doc",
    "scripts",
    "migrations",
];

/// Whether a judged path is one of the project's top-level source, test or docs trees, or
/// everything in one (`src`, `./tests/`, `src/*`).
pub(crate) fn is_source_root(judged: &Judged, ctx: &Context) -> bool {
    if !matches!(judged.place, Place::Project) {
        return false;
    }
    let project = normalise(&ctx.project_dir).0;
    let Ok(rel) = judged.path.strip_prefix(&project) else {
        return false;
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [dir] | [dir, _] if parts.len() == 1 || parts[1] == "*" => {
            SOURCE_ROOTS.contains(&dir.as_str())
        }
        _ => false,
    }
}

/// Shell and REPL history files: emptying or deleting them destroys the record of what ran.
pub(crate) fn is_history_file(judged: &Judged) -> bool {
    let name = judged
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        name.as_str(),
        ".bash_history"
            | ".zsh_history"
            | ".zhistory"
            | ".sh_history"
            | ".history"
            | "fish_history"
            | ".python_history"
            | ".node_repl_history"
            | ".psql_history"
            | ".mysql_history"
            | ".sqlite_history"
            | ".rediscli_history"
            | ".lesshst"
            | ".viminfo"
    ) && matches!(
        judged.place,
        Place::Home | Place::HomeChild | Place::Outside
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            cwd: PathBuf::from("/home/u/proj/src"),
            project_dir: PathBuf::from("/home/u/proj"),
            home: Some(PathBuf::from("/home/u")),
            allowed_hosts: Vec::new(),
        }
    }

    fn place(raw: &str) -> Place {
        judge(raw, raw.contains('$'), &ctx()).place
    }

    #[test]
    fn judges_places() {
        assert_eq!(place("/"), Place::Root);
        assert_eq!(place("/*"), Place::Root);
        assert_eq!(place("//"), Place::Root);
        assert_eq!(place("/etc/"), Place::System);
        assert_eq!(place("~"), Place::Home);
        assert_eq!(place("~/"), Place::Home);
        assert_eq!(place("~/*"), Place::Home);
        assert_eq!(place("~/.ssh"), Place::HomeChild);
        assert_eq!(place(".."), Place::ProjectRoot);
        assert_eq!(place("../.."), Place::Home);
        assert_eq!(place("../*"), Place::ProjectRoot);
        assert_eq!(place("../target"), Place::Build);
        assert_eq!(place("../node_modules/x"), Place::Build);
        assert_eq!(place("lib"), Place::Project);
        assert_eq!(place("*.o"), Place::Project);
        assert_eq!(place("../.git"), Place::ProjectGit);
        assert_eq!(place("/tmp/x"), Place::Temp);
        assert_eq!(place("/tmp"), Place::System);
        assert_eq!(place("$TMPDIR"), Place::Temp);
        assert_eq!(place("$TMPDIR/x"), Place::Temp);
        assert_eq!(place("${HOME%/*}"), Place::Home);
        assert_eq!(place("${DIR:-/}"), Place::Root);
        assert_eq!(place("/data/x"), Place::Outside);
        assert_eq!(place("$DIR/"), Place::MaybeRoot);
        assert_eq!(place("$DIR/*"), Place::MaybeRoot);
        assert_eq!(place("$DIR/build"), Place::Unknown);
        assert_eq!(place("~root"), Place::Outside);
    }

    #[test]
    fn finds_secrets() {
        let c = ctx();
        let s = |raw: &str| secret(raw, &judge(raw, false, &c), &c);
        assert_eq!(s("~/.ssh/id_rsa"), Some(Secret::Credential));
        assert_eq!(s("~/.ssh/id_ed25519.pub"), None);
        assert_eq!(s("~/.aws/credentials"), Some(Secret::Credential));
        assert_eq!(s(".env"), Some(Secret::Sensitive));
        assert_eq!(s(".env.production"), Some(Secret::Sensitive));
        assert_eq!(s(".env.example"), None);
        assert_eq!(s("src/main.rs"), None);
    }
}
