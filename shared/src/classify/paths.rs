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
            return if all.any(|p| BUILD_DIRS.contains(&p.as_ref())) {
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
    for temp in ["/tmp", "/var/tmp", "/private/tmp", "/dev/shm"] {
        if path.starts_with(temp) && path != Path::new(temp) {
            return Place::Temp;
        }
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

/// A secret a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Secret {
    /// Configuration that may hold secrets (`.env`, `~/.ssh/config`).
    Sensitive,
    /// A private key or a credentials file.
    Credential,
}

/// Whether a path names a secret: `.env` files, SSH/GPG keys, cloud and registry credentials.
pub(crate) fn secret(raw: &str, judged: &Judged, ctx: &Context) -> Option<Secret> {
    let name = judged.path.file_name().map_or_else(
        || raw.rsplit('/').next().unwrap_or(raw).to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pub") {
        return None;
    }
    let in_home = |dir: &str| {
        ctx.home
            .as_ref()
            .is_some_and(|h| judged.path.starts_with(h.join(dir)))
            || raw.starts_with(&format!("~/{dir}"))
            || raw == format!("~/{dir}")
    };
    if lower.starts_with("id_rsa")
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
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || in_home(".gnupg")
        || in_home(".aws")
        || matches!(
            lower.as_str(),
            ".netrc"
                | ".npmrc"
                | ".pypirc"
                | ".git-credentials"
                | ".pgpass"
                | ".my.cnf"
                | "hosts.yml"
                | ".htpasswd"
                | "shadow"
                | "gshadow"
        )
        || lower.starts_with("credentials")
        || lower.ends_with(".tfstate")
        || (in_home(".docker") && lower == "config.json")
        || (in_home(".kube") && lower == "config")
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
    if matches!(
        lower.as_str(),
        "secrets.yml" | "secrets.yaml" | "secrets.json" | "master.key"
    ) {
        return Some(Secret::Credential);
    }
    None
}

/// Files in the home directory that run code or grant access when changed (`~/.bashrc`,
/// `~/.ssh/authorized_keys`).
pub(crate) fn is_startup_or_access_file(judged: &Judged, ctx: &Context) -> bool {
    let Some(home) = &ctx.home else { return false };
    let Ok(rel) = judged.path.strip_prefix(home) else {
        return false;
    };
    let rel = rel.to_string_lossy();
    [
        ".bashrc",
        ".bash_profile",
        ".bash_login",
        ".profile",
        ".zshrc",
        ".zprofile",
        ".zshenv",
        ".zlogin",
        ".config/fish",
        ".ssh",
        ".gitconfig",
        ".config/autostart",
        ".xinitrc",
        ".xprofile",
        ".pam_environment",
        ".config/systemd",
        ".local/bin",
        ".claude",
    ]
    .iter()
    .any(|p| rel == *p || rel.starts_with(&format!("{p}/")))
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
