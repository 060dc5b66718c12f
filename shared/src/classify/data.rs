//! Data stores, containers, clusters, clouds and package registries.

use super::Risk;
use super::bash::{Subject, Verdict};

/// Judges data-store, container, cloud and package programs; returns whether `program` is one.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let text = s.text();
    match program {
        "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlite" | "duckdb" | "clickhouse-client"
        | "clickhouse" | "cockroach" | "mongo" | "mongosh" | "cqlsh" | "sqlcmd" => {
            sql_client(program, s, v);
        }
        "redis-cli" | "valkey-cli" | "keydb-cli" => {
            let words: Vec<String> = args.iter().map(|a| a.to_ascii_uppercase()).collect();
            let piped = piped_text(s).to_ascii_uppercase();
            if words.iter().any(|w| w == "FLUSHALL" || w == "FLUSHDB")
                || piped.contains("FLUSHALL")
                || piped.contains("FLUSHDB")
            {
                v.add(
                    "db.flush",
                    Risk::High,
                    "deletes every key of the Redis database",
                    text,
                );
            } else if words.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "DEL" | "UNLINK" | "SHUTDOWN" | "CONFIG" | "DEBUG"
                )
            }) {
                v.add(
                    "db.write",
                    Risk::Medium,
                    "changes or stops the Redis server",
                    text,
                );
            } else {
                v.add("db.query", Risk::Low, "queries Redis", text);
            }
        }
        "dropdb" | "dropuser" => v.add(
            "db.drop",
            Risk::High,
            format!("{program} deletes a database or role"),
            text,
        ),
        "mysqladmin" if args.iter().any(|a| a.eq_ignore_ascii_case("drop")) => v.add(
            "db.drop",
            Risk::High,
            "mysqladmin drop deletes a database",
            text,
        ),
        "rails" | "rake" | "bin/rails"
            if args.iter().any(|a| {
                matches!(
                    *a,
                    "db:drop" | "db:reset" | "db:schema:load" | "db:purge" | "db:truncate_all"
                )
            }) =>
        {
            v.add("db.drop", Risk::High, "drops or resets the database", text);
        }
        "prisma"
            if args.windows(2).any(|w| w == ["migrate", "reset"])
                || args.contains(&"--force-reset") =>
        {
            v.add(
                "db.drop",
                Risk::High,
                "resets the database, deleting its data",
                text,
            );
        }
        "docker" | "podman" | "nerdctl" => container(&args, s, v),
        "docker-compose" => compose(&args, s, v),
        "kubectl" | "oc" | "k" => kubectl(&args, s, v),
        "terraform" | "tofu" | "terragrunt" => {
            match args.iter().find(|a| !a.starts_with('-')).copied() {
                Some("destroy") => v.add(
                    "iac.destroy",
                    Risk::High,
                    "destroys every resource of the configuration",
                    text,
                ),
                Some("apply") if args.iter().any(|a| *a == "-destroy" || *a == "--destroy") => v
                    .add(
                        "iac.destroy",
                        Risk::High,
                        "destroys every resource of the configuration",
                        text,
                    ),
                Some(
                    "apply" | "import" | "taint" | "untaint" | "state" | "force-unlock"
                    | "workspace",
                ) => v.add(
                    "iac.apply",
                    Risk::Medium,
                    "changes real infrastructure or its state",
                    text,
                ),
                _ => v.add("iac.read", Risk::Low, "plans or reads infrastructure", text),
            }
        }
        "pulumi" | "cdk" | "cdktf" | "serverless" | "sls" | "sam" => {
            match args.iter().find(|a| !a.starts_with('-')).copied() {
                Some("destroy" | "remove" | "delete") => v.add(
                    "iac.destroy",
                    Risk::High,
                    "destroys the deployed stack",
                    text,
                ),
                Some("up" | "deploy" | "apply") => v.add(
                    "iac.apply",
                    Risk::Medium,
                    "changes real infrastructure",
                    text,
                ),
                _ => v.add("iac.read", Risk::Low, "reads infrastructure", text),
            }
        }
        "helm" => match subcommand(&args, KUBE_VALUE_OPTIONS) {
            Some("uninstall" | "delete" | "del" | "un") => v.add(
                "k8s.delete",
                Risk::High,
                "uninstalls a Helm release and its resources",
                text,
            ),
            Some("install" | "upgrade" | "rollback") => {
                v.add("k8s.apply", Risk::Medium, "changes a cluster", text);
            }
            _ => v.add("k8s.read", Risk::Low, "reads charts or releases", text),
        },
        "aws" => aws(&args, s, v),
        "gcloud" | "az" | "doctl" | "linode-cli" | "hcloud" | "flyctl" | "fly" | "heroku"
        | "vercel" | "netlify" | "firebase" => cloud(program, &args, s, v),
        "gsutil" => {
            if matches!(args.first(), Some(&("rm" | "rb"))) {
                let risk = if args
                    .iter()
                    .any(|a| a.starts_with('-') && (a.contains('r') || a.contains('m')))
                    || args.first() == Some(&"rb")
                {
                    Risk::High
                } else {
                    Risk::Medium
                };
                v.add("cloud.delete", risk, "deletes cloud storage objects", text);
            } else {
                v.add(
                    "cloud.storage",
                    Risk::Medium,
                    "reads or writes cloud storage",
                    text,
                );
            }
        }
        "npm" | "pnpm" | "yarn" | "bun" => node_package(program, &args, s, v),
        "pip" | "pip3" | "pipx" | "uv" | "poetry" | "pdm" | "conda" | "mamba" => {
            python_package(program, &args, s, v);
        }
        "cargo" => cargo(&args, s, v),
        "gem" | "twine" | "go" | "brew" | "apt" | "apt-get" | "dnf" | "yum" | "pacman" | "apk"
        | "zypper" | "snap" | "flatpak" | "port" | "nix-env" | "dotnet" | "mvn" | "gradle" => {
            other_package(program, &args, s, v);
        }
        _ => return false,
    }
    true
}

/// Text a command reads on stdin: a here-document, a here-string, or what `echo`/`printf`/
/// `cat` with static words print earlier in its pipeline.
fn piped_text(s: &Subject<'_>) -> String {
    let mut text = s.command.stdin_text.clone().unwrap_or_default();
    for up in s.upstream() {
        if matches!(up.program(), Some("echo" | "printf" | "cat")) {
            text.push_str(&up.effective[1..].join(" "));
            if let Some(more) = &up.stdin_text {
                text.push_str(more);
            }
        }
    }
    text
}

/// What SQL text does, at worst.
pub(super) fn sql_risk(sql: &str) -> Option<(&'static str, Risk, &'static str)> {
    let upper = sql.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.' && c != '(' && c != ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut worst: Option<(&'static str, Risk, &'static str)> = None;
    let mut keep = |found: (&'static str, Risk, &'static str)| {
        if worst.is_none_or(|w| found.1 > w.1) {
            worst = Some(found);
        }
    };
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        match *w {
            "DROP"
                if matches!(
                    next,
                    "TABLE" | "DATABASE" | "SCHEMA" | "USER" | "ROLE" | "KEYSPACE" | "OWNED"
                ) =>
            {
                keep(("db.drop", Risk::High, "drops a table, database or schema"));
            }
            "DROP" => keep(("db.drop", Risk::Medium, "drops a database object")),
            "TRUNCATE" => keep(("db.truncate", Risk::High, "empties a table")),
            "DELETE"
                if next == "FROM"
                    && !words[i..]
                        .iter()
                        .take_while(|w| **w != ";")
                        .any(|w| *w == "WHERE") =>
            {
                keep(("db.delete-all", Risk::High, "deletes every row of a table"));
            }
            "DELETE" | "UPDATE" | "INSERT" | "ALTER" | "CREATE" | "GRANT" | "REVOKE"
            | "REPLACE" | "MERGE" => keep(("db.write", Risk::Medium, "changes data or schema")),
            "FLUSHALL" | "FLUSHDB" => keep(("db.flush", Risk::High, "deletes every key")),
            w if w.contains("DROPDATABASE()")
                || w.ends_with(".DROP()")
                || w.contains("DELETEMANY({})") =>
            {
                keep(("db.drop", Risk::High, "drops a database or collection"));
            }
            _ => {}
        }
    }
    if upper.contains("DROPDATABASE(") || upper.contains(".DROP(") {
        keep(("db.drop", Risk::High, "drops a database or collection"));
    }
    if upper.contains("DELETEMANY({})") || upper.contains("REMOVE({})") {
        keep((
            "db.delete-all",
            Risk::High,
            "deletes every document of a collection",
        ));
    }
    worst
}

fn sql_client(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut sql = String::new();
    let mut has_file = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if matches!(
            arg,
            "-c" | "--command" | "-e" | "--execute" | "--eval" | "-q" | "--query" | "-Q"
        ) {
            if let Some(value) = args.get(i + 1) {
                sql.push_str(value);
                sql.push('\n');
            }
            i += 2;
            continue;
        }
        if let Some((name, value)) = arg.split_once('=') {
            if matches!(name, "--command" | "--execute" | "--eval" | "--query") {
                sql.push_str(value);
                sql.push('\n');
            }
        } else if matches!(arg, "-f" | "--file") || arg.starts_with('<') {
            has_file = true;
        } else if !arg.starts_with('-') && matches!(program, "sqlite3" | "sqlite" | "duckdb") {
            sql.push_str(arg);
            sql.push('\n');
        }
        i += 1;
    }
    sql.push_str(&piped_text(s));
    let text = s.text();
    match sql_risk(&sql) {
        Some((class, risk, reason)) => v.add(class, risk, format!("{program}: {reason}"), text),
        None if sql.trim().is_empty()
            && (has_file
                || s.command.stage > 0
                || s.command
                    .redirects
                    .iter()
                    .any(|r| r.kind == crate::shell::RedirectKind::Read)) =>
        {
            v.add(
                "db.script",
                Risk::Medium,
                format!("{program} runs SQL from a file or pipe that cannot be checked"),
                text,
            );
        }
        None if sql.trim().is_empty() => v.add(
            "db.session",
            Risk::Medium,
            format!("opens a {program} session"),
            text,
        ),
        None => v.add(
            "db.query",
            Risk::Low,
            format!("{program} query that changes nothing"),
            text,
        ),
    }
}

fn container(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(a));
    match positional.as_slice() {
        ["system", "prune", ..] => {
            let risk = if has(&["-a", "--all", "--volumes", "-af", "-fa"]) {
                Risk::High
            } else {
                Risk::Medium
            };
            v.add(
                "docker.prune",
                risk,
                "deletes unused images, containers and possibly volumes",
                text,
            );
        }
        ["volume", "prune" | "rm" | "remove", ..] => v.add(
            "docker.volume-delete",
            Risk::High,
            "deletes volumes and the data in them",
            text,
        ),
        [
            "image" | "container" | "network" | "builder" | "buildx",
            "prune",
            ..,
        ] => v.add("docker.prune", Risk::Medium, "deletes unused objects", text),
        ["rm" | "rmi", ..] | ["container" | "image", "rm", ..] => {
            let mass =
                s.command.dynamic_args.iter().skip(1).any(|d| *d) || s.command.text.contains("$(");
            if mass {
                v.add(
                    "docker.rm-all",
                    Risk::High,
                    "deletes every container or image a computed list names",
                    text,
                );
            } else {
                v.add(
                    "docker.rm",
                    Risk::Medium,
                    "deletes containers or images",
                    text,
                );
            }
        }
        ["kill" | "stop", ..] => v.add("docker.stop", Risk::Medium, "stops containers", text),
        ["compose", ..] => {
            let after = args
                .iter()
                .position(|a| *a == "compose")
                .map_or(args, |i| &args[i + 1..]);
            compose(after, s, v);
        }
        ["run" | "create", ..] => {
            let host_root = args
                .iter()
                .any(|a| a.starts_with("/:") || a.contains("=/,") || a.ends_with("source=/"));
            if args.contains(&"--privileged") || host_root || args.contains(&"--pid=host") {
                v.add(
                    "docker.host-escape",
                    Risk::High,
                    "runs a container with the host's root file system or full privileges",
                    text,
                );
            } else {
                v.add("docker.run", Risk::Medium, "starts a container", text);
            }
        }
        ["exec", ..] => v.add(
            "docker.exec",
            Risk::Medium,
            "runs a command in a container",
            text,
        ),
        ["push", ..] => v.add("docker.push", Risk::Medium, "publishes an image", text),
        _ => v.add("docker.read", Risk::Low, "reads or builds containers", text),
    }
}

fn compose(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    match args.iter().find(|a| !a.starts_with('-')).copied() {
        Some("down")
            if args
                .iter()
                .any(|a| matches!(*a, "-v" | "--volumes" | "--rmi")) =>
        {
            v.add(
                "docker.volume-delete",
                Risk::High,
                "deletes the project's volumes and their data",
                text,
            );
        }
        Some("down" | "rm" | "kill" | "stop") => v.add(
            "docker.stop",
            Risk::Medium,
            "stops and removes containers",
            text,
        ),
        Some("up" | "run" | "exec" | "start" | "restart" | "create") => {
            v.add("docker.run", Risk::Medium, "starts containers", text);
        }
        _ => v.add(
            "docker.read",
            Risk::Low,
            "reads or builds compose services",
            text,
        ),
    }
}

/// The first word that is neither an option nor the value of one of `value_options`.
fn subcommand<'a>(args: &[&'a str], value_options: &[&str]) -> Option<&'a str> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if value_options.contains(arg) {
            i += 2;
        } else if arg.starts_with('-') {
            i += 1;
        } else {
            return Some(arg);
        }
    }
    None
}

const KUBE_VALUE_OPTIONS: &[&str] = &[
    "--context",
    "--kube-context",
    "-n",
    "--namespace",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--as",
    "-l",
    "--selector",
];

fn kubectl(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    match subcommand(args, KUBE_VALUE_OPTIONS) {
        Some("delete") => v.add("k8s.delete", Risk::High, "deletes cluster resources", text),
        Some(
            "drain" | "cordon" | "taint" | "replace" | "patch" | "apply" | "create" | "scale"
            | "rollout" | "set" | "edit" | "label" | "annotate" | "autoscale" | "expose" | "run"
            | "exec" | "cp" | "port-forward" | "uncordon",
        ) => {
            if args.iter().any(|a| *a == "--force" || *a == "--prune") {
                v.add(
                    "k8s.delete",
                    Risk::High,
                    "changes cluster resources and may delete them",
                    text,
                );
            } else {
                v.add("k8s.apply", Risk::Medium, "changes a cluster", text);
            }
        }
        _ => v.add("k8s.read", Risk::Low, "reads a cluster", text),
    }
}

fn aws(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let recursive = args
        .iter()
        .any(|a| matches!(*a, "--recursive" | "--force" | "--delete"));
    match positional.as_slice() {
        ["s3", "rm" | "rb", ..] if recursive => v.add(
            "cloud.delete",
            Risk::High,
            "deletes every object under an S3 prefix or bucket",
            text,
        ),
        ["s3", "sync", ..] if recursive => v.add(
            "cloud.delete",
            Risk::High,
            "s3 sync --delete removes objects at the destination",
            text,
        ),
        ["s3", "rm" | "rb", ..] => {
            v.add("cloud.delete", Risk::Medium, "deletes an S3 object", text);
        }
        ["s3", "ls", ..] => v.add("cloud.read", Risk::Low, "lists S3 objects", text),
        [_, op, ..]
            if op.starts_with("delete")
                || op.starts_with("terminate")
                || op.starts_with("remove")
                || op.starts_with("deregister")
                || op.starts_with("purge") =>
        {
            v.add(
                "cloud.delete",
                Risk::High,
                format!("aws {op} deletes cloud resources"),
                text,
            );
        }
        [_, op, ..]
            if op.starts_with("describe")
                || op.starts_with("get")
                || op.starts_with("list")
                || *op == "ls" =>
        {
            v.add("cloud.read", Risk::Low, "reads cloud resources", text);
        }
        ["sts" | "configure", ..] => v.add(
            "cloud.read",
            Risk::Low,
            "reads the AWS identity or configuration",
            text,
        ),
        _ => v.add("cloud.write", Risk::Medium, "changes cloud resources", text),
    }
}

fn cloud(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    if positional
        .iter()
        .any(|a| matches!(*a, "delete" | "destroy" | "remove" | "rm" | "purge"))
    {
        v.add(
            "cloud.delete",
            Risk::High,
            format!("{program} deletes cloud resources"),
            text,
        );
    } else if positional.iter().any(|a| {
        matches!(
            *a,
            "list" | "describe" | "show" | "get" | "ls" | "info" | "status" | "logs" | "whoami"
        )
    }) {
        v.add(
            "cloud.read",
            Risk::Low,
            format!("{program} reads cloud resources"),
            text,
        );
    } else {
        v.add(
            "cloud.write",
            Risk::Medium,
            format!("{program} changes cloud resources"),
            text,
        );
    }
}

fn node_package(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    match positional.as_slice() {
        ["publish", ..] => v.add(
            "pkg.publish",
            Risk::Medium,
            format!("{program} publish releases a package to the registry"),
            text,
        ),
        ["unpublish" | "deprecate", ..] => v.add(
            "pkg.unpublish",
            Risk::High,
            "removes a published package version",
            text,
        ),
        ["install" | "i" | "add" | "isntall", _, ..] => v.add(
            "pkg.install",
            Risk::Medium,
            "installs new packages from the registry (their install scripts run)",
            text,
        ),
        ["x" | "exec" | "dlx", ..] => v.add(
            "pkg.exec",
            Risk::Medium,
            "downloads and runs a package",
            text,
        ),
        ["cache", "clean", ..] => v.add("pkg.cache", Risk::Low, "clears the package cache", text),
        ["config" | "set", "set", ..]
        | [
            "login" | "adduser" | "token" | "owner" | "access" | "team",
            ..,
        ] => v.add(
            "pkg.account",
            Risk::Medium,
            "changes registry configuration or access",
            text,
        ),
        _ => v.add(
            "pkg.project",
            Risk::Low,
            "runs project scripts or installs the locked dependencies",
            text,
        ),
    }
}

fn python_package(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    match args.iter().find(|a| !a.starts_with('-')).copied() {
        Some("install" | "add") => package_install(s.args().get(1..).unwrap_or(&[]), s, v),
        Some("publish" | "upload") => v.add(
            "pkg.publish",
            Risk::Medium,
            format!("{program} publishes a package"),
            text,
        ),
        Some("uninstall" | "remove") => v.add(
            "pkg.remove",
            Risk::Medium,
            "removes installed packages",
            text,
        ),
        _ => v.add("pkg.project", Risk::Low, "runs project tooling", text),
    }
}

/// `pip install ...`: locked or local sources are low, new packages from the registry medium.
pub(super) fn package_install(rest: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let new_packages = rest.iter().filter(|a| !a.starts_with('-')).any(|a| {
        !matches!(a.as_str(), "." | "install" | "add")
            && !a.ends_with(".txt")
            && !a.starts_with("./")
            && !a.starts_with("-e")
    });
    let from_file = rest
        .iter()
        .any(|a| a == "-r" || a == "--requirement" || a == "-e" || a == ".");
    if new_packages && !(from_file && rest.iter().filter(|a| !a.starts_with('-')).count() <= 1) {
        v.add(
            "pkg.install",
            Risk::Medium,
            "installs new packages from the registry",
            text,
        );
    } else {
        v.add(
            "pkg.project",
            Risk::Low,
            "installs the project's declared dependencies",
            text,
        );
    }
}

fn cargo(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    match args
        .iter()
        .find(|a| !a.starts_with('-') && !a.starts_with('+'))
        .copied()
    {
        Some("publish") => v.add(
            "pkg.publish",
            Risk::Medium,
            "cargo publish releases a crate to crates.io (permanent)",
            text,
        ),
        Some("yank" | "owner" | "login" | "logout") => v.add(
            "pkg.account",
            Risk::Medium,
            "changes a published crate or registry access",
            text,
        ),
        Some("install" | "add" | "binstall") => v.add(
            "pkg.install",
            Risk::Medium,
            "installs new crates from the registry",
            text,
        ),
        _ => v.add(
            "build.cargo",
            Risk::Low,
            "builds, tests or checks the project",
            text,
        ),
    }
}

fn other_package(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let sub = args.iter().find(|a| !a.starts_with('-')).copied();
    match (program, sub) {
        ("gem", Some("push" | "yank"))
        | ("twine", Some("upload"))
        | ("dotnet", Some("nuget"))
        | ("mvn", Some("deploy"))
        | ("gradle", Some("publish")) => {
            v.add(
                "pkg.publish",
                Risk::Medium,
                format!("{program} publishes a package"),
                text,
            );
        }
        (
            "go",
            Some(
                "build" | "test" | "vet" | "fmt" | "run" | "mod" | "list" | "env" | "version"
                | "doc" | "generate" | "work" | "tool" | "clean",
            ),
        )
        | ("dotnet" | "mvn" | "gradle", _) => {
            v.add(
                "build.other",
                Risk::Low,
                format!("{program} builds or tests the project"),
                text,
            );
        }
        (
            _,
            Some("install" | "add" | "get" | "upgrade" | "update" | "-S" | "-Syu" | "reinstall"),
        )
        | ("pacman", _) => {
            v.add(
                "pkg.install",
                Risk::Medium,
                format!("{program} installs or upgrades packages"),
                text,
            );
        }
        (_, Some("remove" | "uninstall" | "purge" | "autoremove" | "erase")) => v.add(
            "pkg.remove",
            Risk::Medium,
            format!("{program} removes packages"),
            text,
        ),
        _ => v.add(
            "pkg.read",
            Risk::Low,
            format!("{program} reads package information"),
            text,
        ),
    }
}
