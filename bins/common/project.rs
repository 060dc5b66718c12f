//! The project a person command works on, found once: `--project-dir`, else
//! `CLAUDE_PROJECT_DIR`, else the nearest directory up with a `.claude/` directory or a git
//! root, stopping below the home directory ([`hookkit::locations::find_project`]).

use std::path::{Path, PathBuf};

use hookkit::config::{Discovery, Effective, Layer};
use hookkit::env::{Env, Role};
use hookkit::locations::{Flags, Locations};

/// A person's run: the environment, with `CLAUDE_PROJECT_DIR` set to the project found, so
/// that library code finding the project on its own agrees with the command.
#[derive(Debug, Clone)]
pub struct Person {
    /// The environment read in `main`, with `project_dir` set to [`Person::project`].
    pub env: Env,
    /// The project root.
    pub project: PathBuf,
    /// Whether the project was named (flag, environment) or found by its markers, rather than
    /// taken to be the working directory for want of one.
    pub found: bool,
}

impl Person {
    /// Finds the project for `flag` (`--project-dir`); a flag naming no directory is an error.
    pub fn find(env: &Env, flag: Option<&Path>) -> hookkit::Result<Self> {
        let project = hookkit::locations::find_project(env, flag)?;
        let project = std::fs::canonicalize(&project).unwrap_or(project);
        let found = flag.is_some() || env.project_dir.is_some() || is_project(&project);
        Ok(Self {
            env: Env {
                project_dir: Some(project.clone()),
                ..env.clone()
            },
            project,
            found,
        })
    }

    /// An error unless the project was named or found: for commands that would otherwise act
    /// on a directory nobody meant.
    pub fn require_found(&self) -> hookkit::Result<&Path> {
        if self.found {
            return Ok(&self.project);
        }
        Err(hookkit::Error::Other(format!(
            "no project here: neither `{}` nor a directory above it (up to your home) has a \
             .claude/ directory or is a git root; pass --project-dir DIR",
            self.project.display()
        )))
    }
}

/// The policy as far as it loads, for commands that must work on a broken policy: reading the
/// trail or the queue is how a person finds out what went wrong.
#[derive(Debug)]
pub struct Lenient {
    /// The layers that parse.
    pub layers: Vec<Layer>,
    /// Their merge, or the defaults when they do not merge.
    pub effective: Effective,
    /// Why a layer was left out, or why the layers did not merge.
    pub errors: Vec<hookkit::Error>,
}

impl Person {
    /// The policy layers a person's command sees (`--policy`, else `HOOKKIT_POLICY`, else the
    /// user and project files), as far as they load.
    pub fn lenient_policy(&self, policy: Option<PathBuf>) -> Lenient {
        let discovery = Discovery::new(&self.env, Role::Person, policy, self.project.clone());
        let (layers, mut errors) = discovery.load_lenient();
        let effective = Effective::of(&layers).unwrap_or_else(|e| {
            errors.push(e);
            Effective::default()
        });
        Lenient {
            layers,
            effective,
            errors,
        }
    }

    /// hookkit's state directory for a person (`HOOKKIT_STATE_DIR`, else
    /// `~/.local/state/hookkit`), where installs are recorded.
    pub fn state_dir(&self) -> PathBuf {
        self.unconfigured().state_dir
    }

    /// hookkit's key directory (`~/.config/hookkit`; none without a home).
    pub fn key_dir(&self) -> Option<PathBuf> {
        self.unconfigured().key_dir
    }

    /// The locations that no policy decides (state and keys), without reading one.
    fn unconfigured(&self) -> Locations {
        Locations::resolve(
            &self.env,
            Role::Person,
            &self.project,
            &Effective::default(),
            &Flags::default(),
        )
    }

    /// Every location for a person's command, from a policy that may be broken: the first
    /// problem is reported through `warn` (one line), the rest follow from it.
    pub fn locations(
        &self,
        policy: Option<PathBuf>,
        flags: &Flags,
        warn: &mut dyn FnMut(&hookkit::Error),
    ) -> Locations {
        let lenient = self.lenient_policy(policy);
        if let Some(first) = lenient.errors.first() {
            warn(first);
        }
        Locations::resolve(
            &self.env,
            Role::Person,
            &self.project,
            &lenient.effective,
            flags,
        )
    }
}

/// A warning for a policy that does not load, on stderr, prefixed with the binary's name.
pub fn warn_policy(binary: &str) -> impl FnMut(&hookkit::Error) + '_ {
    move |e: &hookkit::Error| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "{binary}: warning: {e}; going on with the default locations"
        );
    }
}

/// Whether `dir` has a `.claude/` directory or is a git root.
pub fn is_project(dir: &Path) -> bool {
    dir.join(".claude").is_dir() || dir.join(".git").exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subdirectory_finds_its_project_and_a_loose_directory_is_not_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let home = root.join("home");
        let project = home.join("app");
        std::fs::create_dir_all(project.join(".claude")).unwrap();
        std::fs::create_dir_all(project.join("src/deep")).unwrap();
        std::fs::create_dir_all(home.join("loose")).unwrap();
        let env = |cwd: PathBuf| Env {
            home: Some(home.clone()),
            cwd: Some(cwd),
            ..Env::default()
        };
        let person = Person::find(&env(project.join("src/deep")), None).unwrap();
        assert_eq!(person.project, project);
        assert_eq!(person.env.project_dir.as_deref(), Some(project.as_path()));
        assert!(person.require_found().is_ok());
        let loose = Person::find(&env(home.join("loose")), None).unwrap();
        assert!(loose.require_found().is_err());
        assert!(Person::find(&env(project.clone()), Some(Path::new("/nonexistent"))).is_err());
    }
}
