//! The class catalogue: every class id the classifier reports, with its risk, reach and
//! reversibility.
//!
//! `explain`, `rules-lint` (unknown class ids in a policy) and the class table of the docs
//! ([`markdown`]) are generated from [`CLASSES`]. A finding can only be made from one of these
//! constants, so the classifier cannot report a class the catalogue does not hold.
//!
//! # How a class is rated
//!
//! Reach and reversibility decide, not the program's name. A class is rated by where its
//! effect lands ([`Reach`]) and whether it can be taken back ([`Reversibility`]):
//!
//! - **low**: it only reads (files, the allowed hosts, the system's state); or it is routine
//!   work confined to the project that git or a rebuild undoes without loss (builds, tests,
//!   formatters, commits, deleting build output or temporary files).
//! - **medium**: other local work that can be taken back (editing or deleting files git
//!   tracks, installing dependencies into the project, rewriting local history the reflog
//!   keeps); deleting one named file; and what reaches outside the machine but only adds
//!   something others review before it matters (pushing new commits, opening a pull request,
//!   fetching from a host not on the allowed list).
//! - **high**: what cannot be undone (deleting what git cannot bring back, discarding
//!   uncommitted work, destroying history, databases, volumes or backups); remote mutations
//!   (publishing, deploying, merging, force pushes, deleting or changing remote resources, any
//!   request that sends data to another host, secrets read or sent anywhere, running code
//!   fetched from the network); and what changes the machine itself or its future (system
//!   files, disks, other processes, accounts, firewall, start-up files, schedulers, services,
//!   git hooks and git options that run programs, tool configuration, other agents run without
//!   their guards).
//! - **unreadable** (reach `unknown`): what runs cannot be read statically (a computed command
//!   name, a command string built at run time, SQL or code fed from where it cannot be seen).
//!   Whatever the risk shown, the gate asks where a person is at the prompt and refuses
//!   elsewhere.
//!
//! A unit test holds every class to this rule's invariants: reads are low; low never reaches
//! beyond the project nor destroys; what is irreversible or reaches another host is at least
//! medium; what is high needs a person.
//!
//! ## Judgement calls
//!
//! - `rm -r dir` of project files that are not build output (`fs.rm-tree`: `rm -r ./some-dir`,
//!   `rm -rf src/legacy`) is **medium** with an irreversible effect: git brings back what it
//!   tracks, and removing an old module or a generated directory that is not named like build
//!   output is routine, so it is not refused; but untracked work in the tree would be lost, so
//!   the opt-in `auto` mode asks a person. Deleting a whole top-level source, test or docs
//!   tree (`rm -rf src`, `rm -rf tests/*`, `cd src && rm -rf *`: `fs.rm-source`), the project
//!   itself, `.`, `*` or `.git` is high (`fs.rm-project`, `fs.rm-git`): that is the project's
//!   substance, and uncommitted work in it is gone.
//! - Deleting one named file outside the project (`fs.rm-outside`) is medium: the loss is the
//!   one file the command names. Recursive deletes outside the project, and any delete in the
//!   home directory's keys, credentials or start-up files, are high.
//! - `git push` of new commits (`git.push`) is medium with a remote reach: nothing is lost,
//!   others review it; a person decides in the opt-in modes. Force pushes, deletes and
//!   mirrors are high.
//! - Dry runs (`--dry-run`, `--dryrun`, `terraform plan`, `kubectl diff`) are reads.
//! - What `find` hands `rm` is judged as what it finds: a name test (`-name '*.tmp'`) narrows
//!   it to those files, even under `rm -r`; nothing narrowing it is the whole start path.
//! - Emptying or deleting shell history (`history -c`, `> ~/.bash_history`) is high: it
//!   destroys the record of what ran and cannot be taken back.
//! - Trusting the project's own code to run later (`direnv allow`) is medium, like running
//!   its build scripts; an `.envrc` written in the same line is judged for what it runs.
//! - Changing a deployed app's settings (`heroku config:set`, `fly secrets set`) is a remote
//!   change (high); the cloud CLI's own local configuration is medium.

use std::fmt::Write as _;

use super::Risk;

/// Where a class's effect lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    /// Nothing changes: it reads.
    None,
    /// The project (or temporary files and caches that are rebuilt).
    Project,
    /// The machine outside the project: home, system, other repositories, processes.
    Machine,
    /// Outside the machine: remote hosts, registries, clouds, other people.
    Remote,
    /// Cannot be told: what runs could not be read statically.
    Unknown,
}

impl Reach {
    /// `none`, `project`, `machine`, `remote`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Project => "project",
            Self::Machine => "machine",
            Self::Remote => "remote",
            Self::Unknown => "unknown",
        }
    }
}

/// Whether a class's effect can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reversibility {
    /// Git, a rebuild or the same tool brings it back.
    Reversible,
    /// It cannot be undone.
    Irreversible,
}

impl Reversibility {
    /// `reversible`, `irreversible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reversible => "reversible",
            Self::Irreversible => "irreversible",
        }
    }
}

/// What the gate's decision table needs to know about a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// It only reads: plan mode may allow it.
    Read,
    /// Local, reversible work: `auto` may allow it without a prompt.
    Local,
    /// It reaches outside the machine or cannot be undone: a person decides (where one is at
    /// the prompt).
    NeedsPerson,
    /// What it does cannot be read statically: never allowed, and asked (or refused where
    /// nobody is at the prompt) in every mode.
    Unreadable,
}

impl Effect {
    /// `read`, `local`, `needs-person`, `unreadable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Local => "local",
            Self::NeedsPerson => "needs-person",
            Self::Unreadable => "unreadable",
        }
    }
}

/// One class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    /// The stable id, `area.kind`.
    pub id: &'static str,
    /// Its risk.
    pub risk: Risk,
    /// Where its effect lands.
    pub reach: Reach,
    /// Whether it can be undone.
    pub reversibility: Reversibility,
    /// What it is, for people.
    pub summary: &'static str,
}

impl Class {
    /// What the decision table reads.
    pub fn effect(&self) -> Effect {
        match (self.reach, self.reversibility) {
            (Reach::Unknown, _) => Effect::Unreadable,
            (Reach::None, _) => Effect::Read,
            (Reach::Project, Reversibility::Reversible) => Effect::Local,
            _ => Effect::NeedsPerson,
        }
    }
}

/// Defines one constant per class and [`CLASSES`], the list of them all, in one place.
macro_rules! catalogue {
    ($($name:ident = $id:literal, $risk:ident, $reach:ident, $rev:ident, $summary:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $summary, ".")]
            pub const $name: Class = Class {
                id: $id,
                risk: Risk::$risk,
                reach: Reach::$reach,
                reversibility: Reversibility::$rev,
                summary: $summary,
            };
        )*
        /// Every class, by area.
        pub const CLASSES: &[Class] = &[$($name),*];
    };
}

catalogue! {
    // Everyday work.
    READ_EVERYDAY = "read.everyday", Low, None, Reversible,
        "everyday commands that only read or print";
    BUILD_EVERYDAY = "build.everyday", Low, Project, Reversible,
        "builds, tests, formatters and other everyday work that stays in the project";
    FILE_READ = "file.read", Low, None, Reversible, "a file tool reading inside the project";
    FILE_READ_OUTSIDE = "file.read-outside", Low, None, Reversible,
        "a file tool reading outside the project (no secrets)";
    FILE_WRITE = "file.write", Low, Project, Reversible,
        "a file tool writing inside the project or a temporary directory";
    FILE_SCRIPT_DANGER = "file.script-danger", High, Machine, Irreversible,
        "writes a file that a later everyday command runs (script, Makefile, package.json, git hook, CI file) and that would do something high risk";

    // Running other commands.
    EXEC_SHELL = "exec.shell", Low, None, Reversible,
        "a shell running a command string, here-document or printed text (judged on its own)";
    EXEC_NESTED = "exec.nested", Low, None, Reversible,
        "a program that runs another command line (judged on its own)";
    EXEC_TRUST = "exec.trust", Medium, Project, Reversible,
        "trusts the project's own code to run later (direnv allow, mise trust)";
    EXEC_ROOT = "exec.root", Medium, Machine, Reversible, "runs a command as root or another user";
    EXEC_DYNAMIC = "exec.dynamic", Medium, Unknown, Irreversible,
        "the command name is computed and cannot be read";
    EXEC_DYNAMIC_DESTRUCTIVE = "exec.dynamic-destructive", High, Machine, Irreversible,
        "a computed command name whose arguments would be destructive as a command";
    EXEC_UNREADABLE = "exec.unreadable", Medium, Unknown, Irreversible,
        "runs a command string built at run time, or one that cannot be read";
    EXEC_STDIN_SCRIPT = "exec.stdin-script", Medium, Unknown, Irreversible,
        "a shell or interpreter runs commands from a pipe that cannot be read";
    EXEC_DECODE = "exec.decode-to-shell", High, Machine, Irreversible,
        "runs decoded or reassembled text as commands";
    CLI_DESTRUCTIVE = "cli.destructive", High, Remote, Irreversible,
        "a tool hookkit does not model is asked to delete, destroy, reset or wipe something";

    // Inline code given to interpreters.
    CODE_INLINE = "code.inline", Low, Project, Reversible,
        "inline code that runs, deletes and sends nothing beyond the project";
    CODE_SPAWN = "code.spawn", Medium, Unknown, Irreversible,
        "inline code that starts programs it computes at run time";
    CODE_MODULE = "code.module", Low, Project, Reversible,
        "runs a development tool as an interpreter module (`python -m pytest`)";

    // Files.
    FS_RM_ROOT = "fs.rm-root", High, Machine, Irreversible, "deletes the filesystem root";
    FS_RM_SYSTEM = "fs.rm-system", High, Machine, Irreversible,
        "deletes system directories or files";
    FS_RM_HOME = "fs.rm-home", High, Machine, Irreversible,
        "deletes the home directory, a tree in it, or a key, credential or start-up file";
    FS_RM_OUTSIDE_TREE = "fs.rm-outside-tree", High, Machine, Irreversible,
        "recursive delete outside the project";
    FS_RM_OUTSIDE = "fs.rm-outside", Medium, Machine, Irreversible,
        "deletes one named file outside the project";
    FS_RM_PROJECT = "fs.rm-project", High, Project, Irreversible,
        "deletes the whole project (its root, `.`, `*`)";
    FS_RM_GIT = "fs.rm-git", High, Project, Irreversible, "deletes the repository's `.git`";
    FS_RM_SOURCE = "fs.rm-source", High, Project, Irreversible,
        "deletes a whole top-level source, test or docs tree of the project (`src`, `tests`)";
    FS_RM_TREE = "fs.rm-tree", Medium, Project, Irreversible,
        "recursive delete of project directories that are not build output (git restores what it tracks)";
    FS_RM = "fs.rm", Medium, Project, Reversible, "deletes project files";
    FS_RM_BUILD = "fs.rm-build", Low, Project, Reversible,
        "deletes build output or caches inside the project";
    FS_RM_TEMP = "fs.rm-temp", Low, Project, Reversible, "deletes temporary files";
    FS_RM_COMPUTED = "fs.rm-computed", Medium, Machine, Irreversible,
        "deletes a file whose path is computed or read from input";
    FS_RM_COMPUTED_TREE = "fs.rm-computed-tree", Medium, Unknown, Irreversible,
        "recursive delete of paths that are computed or read from input";
    FS_TRUNCATE = "fs.truncate", Medium, Project, Reversible, "empties a project file";
    FS_CREATE = "fs.create", Low, Project, Reversible, "creates files or directories";
    FS_WRITE = "fs.write", Low, Project, Reversible,
        "writes project or temporary files (redirections, tee, copies)";
    FS_COPY = "fs.copy", Low, Project, Reversible, "copies, moves or links inside the project";
    FS_EDIT = "fs.edit", Low, Project, Reversible, "edits project files in place";
    FS_DD = "fs.dd", Low, Project, Reversible, "copies data between files";
    FS_CHMOD = "fs.chmod", Low, Project, Reversible, "changes permissions inside the project";
    FS_CHOWN = "fs.chown", Medium, Project, Reversible, "changes ownership inside the project";
    FS_CHMOD_WORLD = "fs.chmod-world", Medium, Project, Reversible,
        "makes project files writable by every user, or setuid";
    FS_PERMS_OUTSIDE = "fs.perms-outside", High, Machine, Irreversible,
        "changes permissions or ownership outside the project";
    FS_WRITE_OUTSIDE = "fs.write-outside", Medium, Machine, Irreversible,
        "writes a file outside the project";
    FS_WRITE_COMPUTED = "fs.write-computed", Medium, Machine, Irreversible,
        "writes a file whose path is computed";
    FS_WRITE_SYSTEM = "fs.write-system", High, Machine, Irreversible,
        "writes in a system directory";
    FS_WRITE_STARTUP = "fs.write-startup", High, Machine, Irreversible,
        "changes a file that runs code later or grants access (shell start-up files, tool and git configuration, PATH directories, autostart and launch agents, `.pth` files, `authorized_keys`, git hooks)";
    FS_WRITE_GIT = "fs.write-git", Medium, Project, Irreversible,
        "writes inside `.git`";
    FS_MV_AWAY = "fs.mv-away", High, Machine, Irreversible,
        "moves the root, a system directory, the home directory or the project away";
    FS_MV_DISCARD = "fs.mv-discard", High, Machine, Irreversible,
        "moves files onto a device or `/dev/null`, destroying them";
    FS_SYNC_DELETE = "fs.sync-delete", Medium, Project, Irreversible,
        "a local sync that deletes extra files in a project or temporary destination";
    FS_SYNC_DELETE_OUTSIDE = "fs.sync-delete-outside", High, Machine, Irreversible,
        "a local sync that deletes extra files outside the project";
    SECRET_READ = "secret.read", High, Remote, Irreversible,
        "reads a private key or credentials (what is read goes into the conversation)";
    SECRET_READ_CONFIG = "secret.read-config", Medium, Remote, Irreversible,
        "reads a file that may hold secrets (`.env`, ssh configuration)";
    SECRET_WRITE = "secret.write", Medium, Project, Irreversible,
        "overwrites a file that holds secrets";

    // Disks.
    DISK_LIST = "disk.list", Low, None, Reversible, "lists disks or partitions";
    DISK_READ_RAW = "disk.read-raw", Medium, Machine, Reversible, "reads a raw device";
    DISK_FORMAT = "disk.format", High, Machine, Irreversible, "formats or wipes a disk";
    DISK_PARTITION = "disk.partition", High, Machine, Irreversible,
        "changes a disk's partition table";
    DISK_OVERWRITE = "disk.overwrite", High, Machine, Irreversible,
        "writes raw data onto a device";

    // git.
    GIT_READ = "git.read", Low, None, Reversible, "reads the repository or fetches";
    GIT_LOCAL = "git.local", Low, Project, Reversible,
        "records work locally (add, commit, branch, switch, stash, tag)";
    GIT_HISTORY = "git.history", Medium, Project, Reversible,
        "rewrites local history or moves refs; the reflog keeps the old commits";
    GIT_NETWORK = "git.network", Medium, Project, Reversible,
        "changes the working tree from a remote (pull, clone, submodules)";
    GIT_RM = "git.rm", Medium, Project, Reversible, "removes tracked files";
    GIT_DISCARD = "git.discard", High, Project, Irreversible,
        "discards uncommitted changes (checkout or restore of files, forced switches, `git rm -f`)";
    GIT_RESET_HARD = "git.reset-hard", High, Project, Irreversible,
        "`git reset --hard` discards uncommitted changes";
    GIT_CLEAN = "git.clean", High, Project, Irreversible,
        "deletes untracked files, which git cannot bring back";
    GIT_STASH_DROP = "git.stash-drop", High, Project, Irreversible, "deletes stashed changes";
    GIT_BRANCH_DELETE = "git.branch-delete", High, Project, Irreversible,
        "deletes a branch even with unmerged commits";
    GIT_REF_DELETE = "git.ref-delete", High, Project, Irreversible,
        "deletes refs, tags or reflog entries";
    GIT_WORKTREE_REMOVE = "git.worktree-remove", High, Project, Irreversible,
        "removes a worktree with its uncommitted changes";
    GIT_GC_PRUNE = "git.gc-prune", High, Project, Irreversible,
        "deletes unreachable commits now";
    GIT_REWRITE_HISTORY = "git.rewrite-history", High, Project, Irreversible,
        "rewrites the whole history of the repository";
    GIT_CONFIG = "git.config", Medium, Project, Reversible,
        "changes the repository's git configuration";
    GIT_CONFIG_GLOBAL = "git.config-global", Medium, Machine, Reversible,
        "changes the user's or the system's git configuration";
    GIT_CONFIG_EXEC = "git.config-exec", High, Machine, Irreversible,
        "sets a git option that runs programs or redirects remotes (hooks, fsmonitor, ssh command, pager, editor, `!` aliases, url rewrites, credential helpers, filters, includes)";
    GIT_PUSH = "git.push", Medium, Remote, Reversible, "pushes new commits to a remote";
    GIT_PUSH_FORCE_LEASE = "git.push-force-lease", Medium, Remote, Reversible,
        "a force push with lease of a branch that is not shared";
    GIT_PUSH_FORCE = "git.push-force", High, Remote, Irreversible,
        "a force push overwrites remote history";
    GIT_PUSH_DELETE = "git.push-delete", High, Remote, Irreversible,
        "deletes remote branches or tags";
    GIT_PUSH_MIRROR = "git.push-mirror", High, Remote, Irreversible,
        "overwrites and deletes every remote ref";

    // The network.
    NET_FETCH = "net.fetch", Low, None, Reversible, "a request to an allowed host";
    NET_FETCH_UNLISTED = "net.fetch-unlisted", Medium, Remote, Reversible,
        "a request to a host that is not allowed (or cannot be read)";
    NET_LOCAL_SEND = "net.local-send", Medium, Machine, Reversible,
        "sends data to a service on this machine";
    NET_SEND = "net.send", High, Remote, Irreversible,
        "sends data to or changes something on another host";
    NET_DELETE = "net.delete", High, Remote, Irreversible, "an HTTP DELETE request";
    NET_UPLOAD = "net.upload", High, Remote, Irreversible,
        "copies files to another machine";
    NET_EXFILTRATE = "net.exfiltrate", High, Remote, Irreversible,
        "sends secrets, the environment or the home directory to a host";
    NET_PIPE_TO_SHELL = "net.pipe-to-shell", High, Machine, Irreversible,
        "runs code downloaded from the network";
    NET_REVERSE_SHELL = "net.reverse-shell", High, Remote, Irreversible,
        "connects a shell to the network";
    NET_LISTEN = "net.listen", Medium, Machine, Reversible, "opens a listening port";
    NET_SSH = "net.ssh", Medium, Remote, Reversible,
        "opens a session on another machine, or runs commands there that only read";
    NET_REMOTE_EXEC = "net.remote-exec", High, Remote, Irreversible,
        "runs commands that change another machine (ssh, kubectl exec, docker exec on a remote host)";
    NET_CLOUD_METADATA = "net.cloud-metadata", High, Machine, Irreversible,
        "reads the cloud instance metadata service, which holds credentials";
    WEB_SEARCH = "web.search", Low, None, Reversible, "a web search";

    // GitHub and GitLab.
    FORGE_READ = "forge.read", Low, None, Reversible, "reads from GitHub or GitLab";
    FORGE_WRITE = "forge.write", Medium, Remote, Reversible,
        "opens or comments on pull requests and issues";
    FORGE_PUBLISH = "forge.publish", High, Remote, Irreversible,
        "merges, releases, publishes gists, runs workflows, or changes repository settings or secrets";
    FORGE_DELETE = "forge.delete", High, Remote, Irreversible,
        "deletes repositories, releases, issues, secrets or other data on GitHub or GitLab";

    // Databases.
    DB_QUERY = "db.query", Low, None, Reversible, "a query that changes nothing";
    DB_SESSION = "db.session", Medium, Machine, Reversible, "opens a database session";
    DB_WRITE = "db.write", Medium, Machine, Irreversible, "changes data or schema";
    DB_SCRIPT = "db.script", Medium, Machine, Irreversible,
        "runs SQL from a file or pipe that cannot be read";
    DB_DROP = "db.drop", High, Machine, Irreversible,
        "drops or resets a database, table, schema or collection";
    DB_TRUNCATE = "db.truncate", High, Machine, Irreversible, "empties a table";
    DB_DELETE_ALL = "db.delete-all", High, Machine, Irreversible,
        "deletes every row or document";
    DB_FLUSH = "db.flush", High, Machine, Irreversible, "deletes every key of a key-value store";

    // Containers and clusters.
    CONTAINER_READ = "container.read", Low, None, Reversible, "reads container state";
    CONTAINER_BUILD = "container.build", Low, Project, Reversible, "builds images or pulls them";
    CONTAINER_RUN = "container.run", Medium, Project, Reversible, "starts containers";
    CONTAINER_EXEC = "container.exec", Medium, Machine, Reversible,
        "runs a command in a container (judged on its own)";
    CONTAINER_STOP = "container.stop", Medium, Machine, Reversible, "stops containers";
    CONTAINER_RM = "container.rm", Medium, Machine, Irreversible,
        "deletes named containers, images or networks";
    CONTAINER_RM_ALL = "container.rm-all", High, Machine, Irreversible,
        "deletes every container or image a computed list names";
    CONTAINER_PRUNE = "container.prune", Medium, Machine, Reversible,
        "deletes unused images or build cache, which a rebuild restores";
    CONTAINER_SYSTEM_PRUNE = "container.system-prune", High, Machine, Irreversible,
        "deletes stopped containers, unused images and possibly volumes";
    CONTAINER_VOLUME_DELETE = "container.volume-delete", High, Machine, Irreversible,
        "deletes volumes and the data in them";
    CONTAINER_HOST_ESCAPE = "container.host-escape", High, Machine, Irreversible,
        "runs a container with the host's file system, devices or privileges";
    CONTAINER_PUSH = "container.push", High, Remote, Irreversible, "publishes an image";
    K8S_READ = "k8s.read", Low, None, Reversible, "reads a cluster, or a dry run";
    K8S_LOCAL = "k8s.local", Medium, Machine, Reversible,
        "changes the local cluster configuration or forwards a port";
    K8S_CHANGE = "k8s.change", High, Remote, Irreversible,
        "changes cluster resources (apply, create, patch, scale, install...)";
    K8S_DELETE = "k8s.delete", High, Remote, Irreversible, "deletes cluster resources";

    // Clouds, infrastructure and hosting.
    CLOUD_READ = "cloud.read", Low, None, Reversible, "reads cloud resources, or a dry run";
    CLOUD_CONFIG = "cloud.config", Medium, Machine, Reversible,
        "changes the local cloud CLI configuration or logs in";
    CLOUD_FETCH = "cloud.fetch", Medium, Project, Reversible,
        "downloads from cloud storage";
    CLOUD_CHANGE = "cloud.change", High, Remote, Irreversible,
        "creates, changes, uploads to or deploys cloud resources";
    CLOUD_DELETE = "cloud.delete", High, Remote, Irreversible,
        "deletes or destroys cloud resources, apps, sites or data";
    IAC_READ = "iac.read", Low, None, Reversible, "plans, validates or reads infrastructure";
    IAC_APPLY = "iac.apply", High, Remote, Irreversible,
        "changes real infrastructure or its state";
    IAC_DESTROY = "iac.destroy", High, Remote, Irreversible,
        "destroys the resources of a configuration or stack";
    PAAS_DEPLOY = "paas.deploy", High, Remote, Irreversible, "deploys or publishes a service";

    // Packages.
    PKG_READ = "pkg.read", Low, None, Reversible, "reads package information";
    PKG_PROJECT = "pkg.project", Low, Project, Reversible,
        "runs project scripts or installs the declared dependencies";
    PKG_INSTALL = "pkg.install", Medium, Project, Reversible,
        "adds packages from the registry to the project";
    PKG_EXEC = "pkg.exec", Medium, Project, Reversible,
        "runs a package's command, downloading it when needed (judged on its own)";
    PKG_REMOVE = "pkg.remove", Medium, Project, Reversible, "removes packages from the project";
    PKG_CACHE = "pkg.cache", Low, Project, Reversible, "cleans a package cache";
    PKG_INSTALL_MACHINE = "pkg.install-machine", Medium, Machine, Reversible,
        "installs or upgrades packages or tools for the user or the system";
    PKG_REMOVE_MACHINE = "pkg.remove-machine", Medium, Machine, Reversible,
        "removes packages installed for the user";
    PKG_REMOVE_SYSTEM = "pkg.remove-system", High, Machine, Irreversible,
        "removes or purges system packages";
    PKG_INSTALL_REMOTE = "pkg.install-remote", High, Machine, Irreversible,
        "installs or runs code from a URL, a git repository or `@latest` rather than the registry's locked versions";
    PKG_CONFIG = "pkg.config", Medium, Machine, Reversible,
        "changes a package manager's configuration";
    PKG_CONFIG_EXEC = "pkg.config-exec", High, Machine, Irreversible,
        "changes where packages come from or what a package manager runs (registry, index, script shell)";
    PKG_LOGIN = "pkg.login", Medium, Machine, Reversible, "logs in to or out of a registry";
    PKG_PUBLISH = "pkg.publish", High, Remote, Irreversible,
        "publishes a package, or changes its owners, tags or access";
    PKG_UNPUBLISH = "pkg.unpublish", High, Remote, Irreversible,
        "removes, yanks or deprecates published versions";

    // The machine.
    SYS_READ = "sys.read", Low, None, Reversible, "reads system state";
    SYS_POWER = "sys.power", High, Machine, Reversible, "stops, restarts or suspends the machine";
    SYS_SERVICE = "sys.service", Medium, Machine, Reversible,
        "starts, stops or restarts services";
    SYS_PERSIST = "sys.persist", High, Machine, Irreversible,
        "makes a program start later on its own (enabled services, timers, launch agents, login items)";
    SYS_SCHEDULE = "sys.schedule", High, Machine, Irreversible,
        "adds, replaces or removes scheduled jobs (crontab, at, batch)";
    SYS_KILL = "sys.kill", Medium, Machine, Reversible, "ends processes";
    SYS_KILL_ALL = "sys.kill-all", High, Machine, Irreversible,
        "ends every process, every process of a user, or every process of a name with SIGKILL";
    SYS_USERS = "sys.users", High, Machine, Irreversible, "changes system accounts or passwords";
    SYS_FIREWALL = "sys.firewall", High, Machine, Irreversible, "changes the firewall";
    SYS_CONFIG = "sys.config", High, Machine, Irreversible,
        "changes kernel, mount, security or system settings";
    SYS_PREFERENCES = "sys.preferences", Medium, Machine, Reversible,
        "changes desktop or tool preferences (defaults write, gsettings, dconf)";
    SYS_ROOT_SHELL = "sys.root-shell", Medium, Machine, Reversible, "opens a root shell";
    SYS_HISTORY = "sys.history", High, Machine, Irreversible,
        "clears, empties or deletes the shell history, the record of what ran";
    SYS_FORK_BOMB = "sys.fork-bomb", High, Machine, Reversible,
        "starts copies of itself without end";
    SYS_KEYCHAIN = "sys.keychain", High, Remote, Irreversible,
        "reads or exports passwords from the system keychain";

    // hookkit itself and other agents.
    HOOKKIT_READ = "hookkit.read", Low, None, Reversible,
        "a hookkit command that only reads (list, show, verify, report, status, explain)";
    HOOKKIT_STATE_CHANGE = "hookkit.state-change", High, Machine, Irreversible,
        "changes hookkit's own state: approves or denies reviews, installs, uninstalls, makes keys, rotates logs";
    AGENT_RUN = "agent.run", Medium, Machine, Reversible,
        "runs another coding agent with its approvals in place";
    AGENT_UNGUARDED = "agent.unguarded", High, Machine, Irreversible,
        "runs a coding agent with its permissions, approvals or hooks switched off, or changes an agent's settings, hooks or tools";

    // MCP tools without a command, path or URL field, by what their name says.
    MCP_DELETE = "mcp.delete", High, Remote, Irreversible,
        "an MCP tool whose name says it deletes, drops or destroys something";
    MCP_PUBLISH = "mcp.publish", High, Remote, Irreversible,
        "an MCP tool whose name says it merges, publishes, deploys or transfers";
    MCP_WRITE = "mcp.write", Medium, Remote, Reversible,
        "an MCP tool whose name says it creates, changes or sends something in the service it reaches";

    // PowerShell.
    PS_UNREAD = "ps.unread", Medium, Unknown, Irreversible,
        "PowerShell that hookkit cannot read";
    PS_CONFIG = "ps.execution-policy", High, Machine, Irreversible,
        "lowers PowerShell's execution policy";
}

/// The class called `id`, if the catalogue has it.
pub fn lookup(id: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|c| c.id == id)
}

/// What the decision table reads for a finding of class `id`. An id the catalogue does not
/// hold (a policy naming a class that was renamed, a bug) needs a person.
pub fn effect_of(id: &str) -> Effect {
    lookup(id).map_or(Effect::NeedsPerson, Class::effect)
}

/// The catalogue as a Markdown table, for the docs and the README: one row per class with its
/// risk, reach, reversibility and the effect the decision table reads (the same names the JSON
/// outputs use).
pub fn markdown() -> String {
    let mut out = String::from(
        "| class | risk | reach | reversible | effect | what it is |\n|---|---|---|---|---|---|\n",
    );
    for class in CLASSES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            class.id,
            class.risk.as_str(),
            class.reach.as_str(),
            class.reversibility.as_str(),
            class.effect().as_str(),
            class.summary.replace('|', "\\|").replace('\n', " ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for class in CLASSES {
            assert!(seen.insert(class.id), "duplicate class id {}", class.id);
            let (area, kind) = class.id.split_once('.').expect("area.kind");
            assert!(
                !area.is_empty()
                    && !kind.is_empty()
                    && class.id.chars().all(|c| c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == '.'
                        || c == '-'),
                "{}",
                class.id
            );
            assert!(!class.summary.ends_with('.'), "{}", class.id);
        }
    }

    /// The rating rule of the module docs, as invariants every class keeps.
    #[test]
    fn every_class_keeps_the_rating_rule() {
        for c in CLASSES {
            let id = c.id;
            if c.reach == Reach::None {
                assert_eq!(c.risk, Risk::Low, "{id}: what only reads is low");
            }
            if c.risk == Risk::Low {
                assert!(
                    matches!(c.reach, Reach::None | Reach::Project)
                        && c.reversibility == Reversibility::Reversible,
                    "{id}: low stays in the project and can be undone"
                );
            }
            if c.reversibility == Reversibility::Irreversible || c.reach == Reach::Remote {
                assert!(
                    c.risk >= Risk::Medium,
                    "{id}: irreversible or remote is not low"
                );
            }
            if c.risk == Risk::High {
                assert!(
                    matches!(c.effect(), Effect::NeedsPerson | Effect::Unreadable),
                    "{id}: high needs a person"
                );
            }
            if c.reach == Reach::Unknown {
                assert_ne!(c.risk, Risk::Low, "{id}: what cannot be read is not low");
            }
        }
    }

    #[test]
    fn unknown_ids_need_a_person() {
        assert_eq!(effect_of("no.such-class"), Effect::NeedsPerson);
        assert_eq!(effect_of("read.everyday"), Effect::Read);
        assert_eq!(effect_of("exec.dynamic"), Effect::Unreadable);
        assert_eq!(effect_of("git.push"), Effect::NeedsPerson);
        assert_eq!(effect_of("fs.rm-build"), Effect::Local);
    }

    #[test]
    fn the_markdown_table_lists_every_class() {
        let table = markdown();
        assert_eq!(table.lines().count(), CLASSES.len() + 2);
        assert!(table.contains("| `fs.rm-root` | high | machine | irreversible | needs-person |"));
        // The names are the ones the JSON outputs use.
        for class in CLASSES {
            assert_eq!(
                serde_json::to_value(class.effect()).unwrap(),
                class.effect().as_str()
            );
            assert_eq!(
                serde_json::to_value(class.reach).unwrap(),
                class.reach.as_str()
            );
            assert_eq!(
                serde_json::to_value(class.reversibility).unwrap(),
                class.reversibility.as_str()
            );
        }
    }
}
