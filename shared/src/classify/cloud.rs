//! Clouds, infrastructure as code, hosting platforms and other remote services' CLIs. What
//! they change lands outside the machine: reads are low, dry runs are reads, logins and local
//! configuration are medium, every change is high, and deletion is high.

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// What a subcommand verb does to remote resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verb {
    Read,
    Config,
    Change,
    Delete,
    Deploy,
}

impl Verb {
    fn class(self) -> &'static Class {
        match self {
            Self::Read => &c::CLOUD_READ,
            Self::Config => &c::CLOUD_CONFIG,
            Self::Change => &c::CLOUD_CHANGE,
            Self::Delete => &c::CLOUD_DELETE,
            Self::Deploy => &c::PAAS_DEPLOY,
        }
    }
}

/// What one subcommand word says, if it says anything: `delete-bucket`, `apps:destroy`,
/// `describe-instances`, `get`.
pub(super) fn verb_of(word: &str) -> Option<Verb> {
    // `emulators:start`, `apps:destroy`: every segment speaks, deletion first.
    if word.contains(':') {
        // `config:set`, `env:unset`: the remote app's settings, not the local configuration.
        let mut segments = word.split(':');
        if segments.next().is_some_and(|first| {
            matches!(
                first,
                "config" | "env" | "secrets" | "vars" | "variables" | "domains" | "certs"
            )
        }) && segments.any(|seg| {
            matches!(
                seg,
                "set" | "unset" | "add" | "remove" | "rm" | "push" | "import" | "clear" | "update"
            )
        }) {
            return Some(Verb::Change);
        }
        let verbs: Vec<Verb> = word.split(':').filter_map(verb_of_segment).collect();
        return [
            Verb::Delete,
            Verb::Deploy,
            Verb::Read,
            Verb::Config,
            Verb::Change,
        ]
        .into_iter()
        .find(|v| verbs.contains(v));
    }
    verb_of_segment(word)
}

#[expect(clippy::too_many_lines, reason = "word lists, one per kind of verb")]
fn verb_of_segment(word: &str) -> Option<Verb> {
    let lower = word.to_ascii_lowercase();
    let last = lower.rsplit([':', '.']).next().unwrap_or(&lower);
    let head = last.split(['-', '_']).next().unwrap_or(last);
    // `batch-delete-image`, `delete-bucket`: deletion anywhere in the verb.
    let deletes = last.split(['-', '_']).any(|part| {
        matches!(
            part,
            "delete"
                | "destroy"
                | "remove"
                | "purge"
                | "terminate"
                | "deregister"
                | "drop"
                | "wipe"
                | "erase"
                | "truncate"
        )
    });
    if deletes
        || matches!(
            head,
            "delete"
                | "del"
                | "destroy"
                | "remove"
                | "rm"
                | "rb"
                | "purge"
                | "terminate"
                | "deregister"
                | "wipe"
                | "erase"
                | "drop"
                | "truncate"
                | "nuke"
                | "reset"
                | "revoke"
                | "unpublish"
                | "uninstall"
                | "teardown"
                | "decommission"
                | "deprovision"
                | "flush"
                | "prune"
                | "expunge"
                | "unset"
                | "detach"
                | "disassociate"
                | "evict"
                | "kill"
                | "shred"
        )
    {
        return Some(Verb::Delete);
    }
    if matches!(
        head,
        "deploy" | "publish" | "release" | "promote" | "rollout" | "ship"
    ) {
        return Some(Verb::Deploy);
    }
    if matches!(
        head,
        "list"
            | "ls"
            | "describe"
            | "get"
            | "show"
            | "info"
            | "status"
            | "logs"
            | "log"
            | "whoami"
            | "view"
            | "read"
            | "search"
            | "lookup"
            | "head"
            | "inspect"
            | "tail"
            | "cat"
            | "find"
            | "query"
            | "scan"
            | "filter"
            | "validate"
            | "check"
            | "preview"
            | "diff"
            | "plan"
            | "estimate"
            | "print"
            | "version"
            | "help"
            | "doctor"
            | "explain"
            | "open"
            | "browse"
            | "history"
            | "watch"
            | "wait"
            | "simulate"
            | "test"
            | "verify"
            | "export"
            | "outputs"
            | "output"
            | "completion"
            | "docs"
            | "du"
            | "stat"
            | "presign"
            | "batch"
            | "select"
            | "download"
            | "pull"
            | "fetch"
            | "dev"
            | "serve"
            | "emulators"
            | "local"
            | "build"
            | "synth"
            | "init"
            | "fmt"
            | "format"
            | "generate"
            | "gen"
            | "new"
            | "graph"
            | "console"
            | "ping"
            | "dashboard"
            | "listen"
    ) {
        return Some(Verb::Read);
    }
    if matches!(
        head,
        "login"
            | "logout"
            | "auth"
            | "configure"
            | "config"
            | "use"
            | "link"
            | "unlink"
            | "switch"
            | "context"
            | "activate"
            | "target"
            | "profile"
    ) {
        return Some(Verb::Config);
    }
    None
}

/// The first verb the positional words of a CLI say, reading from the end of a command path
/// (`gcloud compute instances delete NAME`): deletion is found wherever it is.
fn verb_in(words: &[&str]) -> Verb {
    let verbs: Vec<Verb> = words.iter().take(5).filter_map(|w| verb_of(w)).collect();
    if verbs.contains(&Verb::Delete) {
        Verb::Delete
    } else if verbs.contains(&Verb::Deploy) {
        Verb::Deploy
    } else {
        // The verb ends a command path (`gcloud config list`, `gcloud auth login`).
        verbs.last().copied().unwrap_or(Verb::Change)
    }
}

fn positional<'a>(args: &[&'a str], value_options: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if value_options.contains(a) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            out.push(*a);
        }
        i += 1;
    }
    out
}

fn dry_run(args: &[&str]) -> bool {
    args.iter().any(|a| {
        matches!(
            *a,
            "--dryrun" | "--dry-run" | "--check" | "-C" | "--preview" | "--what-if" | "--plan"
        ) || a.starts_with("--dry-run=") && !a.ends_with("=none") && !a.ends_with("=false")
    })
}

/// Judges cloud and infrastructure programs; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let text = s.text();
    let (class, reason): (&'static Class, String) = match program {
        "aws" | "awslocal" => aws(&args, s, v),
        "gsutil" => storage(&args, "gs://", s, v),
        "gcloud" | "az" | "doctl" | "linode-cli" | "hcloud" | "vultr-cli" | "scw" | "oci"
        | "ibmcloud" | "exo" | "upcloud" | "civo" | "openstack" | "aliyun" | "tccli" | "yc"
        | "stripe" | "sentry-cli" | "datadog-ci" | "pd" | "twilio" | "auth0" | "okta" | "cf"
        | "kaggle" | "gh-actions" | "akamai" | "fastly" | "algolia" | "mongocli" | "atlas"
        | "planetscale" | "pscale" | "neonctl" | "turso-cli" | "upstash" | "render" | "porter"
        | "northflank" | "koyeb" | "databricks" | "snow" | "confluent" | "ccloud" | "rancher"
        | "nomad" | "waypoint" | "boundary" | "packer" | "heroku" | "railway" | "flyctl"
        | "fly" | "vercel" | "netlify" | "firebase" | "wrangler" | "amplify" | "eb" | "copilot"
        | "surge" | "now" | "deta" | "appwrite" | "convex" | "shopify" | "expo" | "eas"
        | "fastlane" | "vsce" | "ovsx" | "apify" | "modal" | "replicate" | "hf"
        | "huggingface-cli" | "restic" | "borg" | "velero" | "kopia" | "duplicity"
        | "rclone-cloud" => service(program, &args, s, v),
        "terraform" | "tofu" | "terragrunt" | "pulumi" | "cdk" | "cdktf" | "serverless" | "sls"
        | "sam" | "crossplane" | "terramate" | "atmos" | "spacectl" => iac(program, &args),
        "ansible" | "ansible-playbook" | "ansible-pull" | "salt" | "salt-ssh" | "pssh"
        | "parallel-ssh" | "fab" | "pyinfra" | "chef-client" | "knife" | "puppet" | "mussh" => {
            config_management(program, &args, s, v)
        }
        "vault" | "doppler" | "infisical" | "chamber" | "sops" | "age" | "berglas" => {
            secrets(program, &args, s, v)
        }
        "ngrok" | "cloudflared" | "lt" | "localtunnel" | "bore" | "tailscale" | "zrok" | "frpc" => {
            if args.iter().any(|a| {
                matches!(
                    *a,
                    "status" | "version" | "ip" | "whois" | "--version" | "help"
                )
            }) {
                (&c::CLOUD_READ, format!("{program} reads tunnel state"))
            } else {
                (
                    &c::NET_LISTEN,
                    format!("{program} exposes this machine to the network"),
                )
            }
        }
        "supabase" => supabase(&args),
        _ => return false,
    };
    v.add(class, reason, text);
    true
}

fn aws(args: &[&str], s: &Subject<'_>, v: &mut Verdict) -> (&'static Class, String) {
    const VALUES: &[&str] = &[
        "--profile",
        "--region",
        "--output",
        "--endpoint-url",
        "--query",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
    ];
    let words = positional(args, VALUES);
    if dry_run(args) {
        return (&c::CLOUD_READ, "a dry run changes nothing".into());
    }
    match words.as_slice() {
        ["s3", rest @ ..] => storage_words(rest, args, "s3://", s, v),
        ["configure", "list" | "get" | "list-profiles", ..] | ["sts", ..] => (
            &c::CLOUD_READ,
            "reads the AWS identity or configuration".into(),
        ),
        ["configure" | "sso", ..] | ["ecr", "get-login-password" | "get-login", ..] => (
            &c::CLOUD_CONFIG,
            "logs in or changes the AWS configuration".into(),
        ),
        [
            "secretsmanager",
            "get-secret-value" | "batch-get-secret-value",
            ..,
        ]
        | [
            "ssm",
            "get-parameter" | "get-parameters" | "get-parameters-by-path",
            ..,
        ] if args.iter().any(|a| a.contains("decrypt")) || words[0] == "secretsmanager" => {
            (&c::SECRET_READ, "prints secrets stored in AWS".into())
        }
        ["ssm", "send-command" | "start-session", ..] | ["ecs", "execute-command", ..] => (
            &c::NET_REMOTE_EXEC,
            "runs commands on cloud machines".into(),
        ),
        [service, op, ..] => {
            let verb = verb_of(op).unwrap_or(Verb::Change);
            let verb = if matches!(
                *op,
                "invoke"
                    | "run-instances"
                    | "start-instances"
                    | "send-message"
                    | "publish"
                    | "put-object"
                    | "create-stack"
                    | "update-stack"
            ) {
                Verb::Change
            } else {
                verb
            };
            (verb.class(), format!("aws {service} {op}"))
        }
        _ => (&c::CLOUD_READ, "aws help or version".into()),
    }
}

/// `gsutil` and `gcloud storage`: object storage commands by direction.
fn storage(
    args: &[&str],
    scheme: &str,
    s: &Subject<'_>,
    v: &mut Verdict,
) -> (&'static Class, String) {
    let words = positional(args, &["-o", "-p", "-u"]);
    storage_words(&words, args, scheme, s, v)
}

fn storage_words(
    words: &[&str],
    args: &[&str],
    scheme: &str,
    s: &Subject<'_>,
    v: &mut Verdict,
) -> (&'static Class, String) {
    let remote = |w: &&str| {
        w.starts_with(scheme)
            || w.starts_with("gs://")
            || w.starts_with("s3://")
            || w.starts_with("az://")
    };
    match words {
        ["rm" | "rb" | "rmdir" | "delete" | "del", ..] => (
            &c::CLOUD_DELETE,
            "deletes cloud storage objects or buckets".into(),
        ),
        ["sync" | "rsync", ..]
            if args.iter().any(|a| {
                matches!(
                    *a,
                    "--delete" | "-d" | "--delete-unmatched-destination-objects"
                )
            }) =>
        {
            (
                &c::CLOUD_DELETE,
                "a sync that deletes objects at the destination".into(),
            )
        }
        ["mv", src, ..] if remote(src) => (
            &c::CLOUD_DELETE,
            "moves objects out of cloud storage".into(),
        ),
        ["cp" | "mv" | "sync" | "rsync", .., dest] if remote(dest) => {
            (&c::CLOUD_CHANGE, "uploads to cloud storage".into())
        }
        ["cp" | "mv" | "sync" | "rsync", .., dest] => {
            super::fs::write_target(dest, false, false, s, v);
            (&c::CLOUD_FETCH, "downloads from cloud storage".into())
        }
        [
            "mb" | "website" | "setmeta" | "acl" | "iam" | "lifecycle" | "versioning" | "defacl"
            | "cors" | "label",
            ..,
        ] => (&c::CLOUD_CHANGE, "changes cloud storage".into()),
        _ => (&c::CLOUD_READ, "reads cloud storage".into()),
    }
}

/// A CLI of a remote service: read verbs read, configuration is local, everything else
/// changes or deletes remote resources. Some carry a command run remotely (`heroku run`,
/// `fly ssh console -C`, `gcloud compute ssh --command`), judged on its own.
#[expect(
    clippy::too_many_lines,
    reason = "the remote services' special forms, one block each"
)]
fn service(
    program: &str,
    args: &[&str],
    s: &Subject<'_>,
    v: &mut Verdict,
) -> (&'static Class, String) {
    const VALUES: &[&str] = &[
        "--project",
        "--region",
        "--zone",
        "--format",
        "--app",
        "-a",
        "--account",
        "-s",
        "--site",
        "--scope",
        "--team",
        "-t",
        "--token",
        "--config",
        "-c",
        "--profile",
        "-p",
        "--env",
        "-e",
        "--org",
        "--output",
        "-o",
        "--subscription",
        "--resource-group",
        "-g",
        "--context",
        "--namespace",
        "-n",
    ];
    let words = positional(args, VALUES);
    let first = words.first().copied().unwrap_or("");
    if dry_run(args) {
        return (
            &c::CLOUD_READ,
            format!("{program}: a dry run changes nothing"),
        );
    }
    // Remote commands: `heroku run CMD`, `railway run CMD` (local, with remote secrets).
    if matches!(
        program,
        "heroku" | "fly" | "flyctl" | "gcloud" | "eb" | "railway" | "modal" | "az"
    ) && let Some(cmd) = remote_command(program, args)
    {
        if super::runners::interactive_shell(&cmd.split_whitespace().collect::<Vec<_>>()) {
            return (
                &c::NET_SSH,
                format!("{program} opens a shell on a remote machine"),
            );
        }
        let local = program == "railway";
        let mut inner = Verdict::default();
        s.judge_line(&cmd, program, &mut inner);
        let reads = inner.known
            && inner
                .findings
                .iter()
                .all(|f| f.effect == c::READ_EVERYDAY.effect());
        v.findings.extend(inner.findings);
        return if reads || local {
            (
                &c::CLOUD_READ,
                format!("{program} runs a command (judged on its own)"),
            )
        } else {
            (
                &c::NET_REMOTE_EXEC,
                format!("{program} runs a command that changes a remote machine"),
            )
        };
    }
    // Bare `vercel` and `netlify deploy` deploy; `vercel dev` runs locally.
    if program == "vercel"
        && (words.is_empty() || matches!(first, "--prod" | "deploy" | "redeploy" | "promote"))
        && !args
            .iter()
            .any(|a| matches!(*a, "--help" | "-h" | "--version" | "-v"))
    {
        return (&c::PAAS_DEPLOY, "vercel deploys the project".into());
    }
    if matches!(program, "eas" | "expo") && matches!(first, "submit" | "update" | "publish") {
        return (
            &c::PAAS_DEPLOY,
            format!("{program} {first} publishes an app"),
        );
    }
    if matches!(program, "vsce" | "ovsx") && first == "publish" {
        return (&c::PKG_PUBLISH, format!("{program} publishes an extension"));
    }
    if matches!(
        program,
        "restic" | "borg" | "kopia" | "duplicity" | "velero"
    ) {
        let destructive = words.iter().any(|w| {
            matches!(
                *w,
                "forget"
                    | "prune"
                    | "delete"
                    | "compact"
                    | "purge"
                    | "remove-older-than"
                    | "cleanup"
                    | "recover"
            )
        }) || words
            .iter()
            .any(|w| matches!(verb_of(w), Some(Verb::Delete)));
        return if destructive {
            (&c::CLOUD_DELETE, format!("{program} deletes backups"))
        } else if words.iter().any(|w| {
            matches!(
                *w,
                "backup" | "create" | "init" | "snapshot" | "restore" | "mount" | "extract"
            )
        }) {
            (
                &c::CLOUD_CHANGE,
                format!("{program} writes or restores backups"),
            )
        } else {
            (&c::CLOUD_READ, format!("{program} reads backups"))
        };
    }
    if program == "wrangler" && words.starts_with(&["d1", "execute"]) {
        let sql = args
            .windows(2)
            .find(|w| w[0] == "--command")
            .map_or("", |w| w[1]);
        if let Some((class, reason)) = super::db::sql_risk(sql) {
            return (class, format!("wrangler d1: {reason}"));
        }
    }
    if first.is_empty()
        || matches!(
            first,
            "help" | "version" | "--version" | "--help" | "-h" | "completion"
        )
    {
        return (&c::CLOUD_READ, format!("{program} help or version"));
    }
    let verb = verb_in(&words);
    let verb = match (program, verb) {
        ("heroku" | "railway", _)
            if words
                .iter()
                .any(|w| w.ends_with(":destroy") || w.ends_with(":reset") || *w == "down") =>
        {
            Verb::Delete
        }
        ("firebase", Verb::Read)
            if words.iter().any(|w| {
                w.contains(":set")
                    || w.contains(":update")
                    || w.contains(":push")
                    || w.contains(":import")
            }) =>
        {
            Verb::Change
        }
        (_, verb) => verb,
    };
    (
        verb.class(),
        format!(
            "{program} {}",
            words.iter().take(4).copied().collect::<Vec<_>>().join(" ")
        ),
    )
}

/// The command given to a remote runner: `run CMD...`, `ssh ... -C CMD`, `--command=CMD`.
fn remote_command(program: &str, args: &[&str]) -> Option<String> {
    for (i, a) in args.iter().enumerate() {
        if matches!(*a, "-C" | "--command") {
            return args.get(i + 1).map(|c| (*c).to_owned());
        }
        if let Some(cmd) = a.strip_prefix("--command=") {
            return Some(cmd.to_owned());
        }
    }
    if !matches!(program, "heroku" | "railway" | "modal") {
        return None;
    }
    let at = args
        .iter()
        .position(|a| matches!(*a, "run" | "run:detached" | "exec"))?;
    let mut rest = &args[at + 1..];
    while let Some(first) = rest.first() {
        if first.starts_with('-') && *first != "--" {
            rest = &rest[1..];
            if matches!(
                *first,
                "-a" | "--app" | "-s" | "--size" | "-e" | "--env" | "--type" | "-x"
            ) && !rest.is_empty()
            {
                rest = &rest[1..];
            }
        } else {
            break;
        }
    }
    let rest: Vec<&str> = rest.iter().copied().skip_while(|a| *a == "--").collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

fn iac(program: &str, args: &[&str]) -> (&'static Class, String) {
    let words = positional(
        args,
        &[
            "-chdir",
            "--stack",
            "-s",
            "--cwd",
            "-C",
            "--profile",
            "--region",
            "-target",
            "-var",
            "-var-file",
            "--var",
            "--var-file",
            "-auto-approve",
        ],
    );
    let joined = words.join(" ");
    let destroy = words
        .iter()
        .any(|w| matches!(*w, "destroy" | "remove" | "delete" | "rm"))
        || args.iter().any(|a| matches!(*a, "-destroy" | "--destroy"));
    let plan = words.first().is_some_and(|w| {
        matches!(
            *w,
            "plan"
                | "preview"
                | "diff"
                | "synth"
                | "validate"
                | "fmt"
                | "init"
                | "show"
                | "output"
                | "graph"
                | "providers"
                | "version"
                | "console"
                | "ls"
                | "list"
                | "doctor"
                | "get"
                | "login"
                | "logout"
                | "print"
                | "info"
                | "logs"
                | "metadata"
                | "test"
                | "whoami"
                | "about"
                | "about-stack"
                | "offline"
                | "local"
                | "build"
                | "package"
        )
    }) || joined.starts_with("state list")
        || joined.starts_with("state show")
        || joined.starts_with("state pull")
        || joined.starts_with("workspace list")
        || joined.starts_with("workspace show")
        || joined.starts_with("stack ls")
        || joined.starts_with("stack output")
        || joined.starts_with("config get")
        || joined.starts_with("stack select")
        || joined.starts_with("workspace select")
        || joined.starts_with("config set");
    if destroy && words.first().is_none_or(|w| *w != "plan") {
        (
            &c::IAC_DESTROY,
            format!("{program} destroys the resources of the configuration"),
        )
    } else if plan || words.is_empty() {
        (
            &c::IAC_READ,
            format!("{program} plans, validates or reads infrastructure"),
        )
    } else {
        (
            &c::IAC_APPLY,
            format!("{program} {joined}: changes real infrastructure or its state"),
        )
    }
}

fn config_management(
    program: &str,
    args: &[&str],
    s: &Subject<'_>,
    v: &mut Verdict,
) -> (&'static Class, String) {
    if dry_run(args)
        || args.iter().any(|a| {
            matches!(
                *a,
                "--syntax-check" | "--list-hosts" | "--list-tasks" | "--version"
            )
        })
    {
        return (
            &c::CLOUD_READ,
            format!("{program} checks without changing anything"),
        );
    }
    if program == "ansible" {
        let module = args
            .windows(2)
            .find(|w| matches!(w[0], "-m" | "--module-name"))
            .map_or("command", |w| w[1]);
        let module_args = args
            .windows(2)
            .find(|w| matches!(w[0], "-a" | "--args"))
            .map(|w| w[1]);
        if matches!(module, "ping" | "setup" | "gather_facts" | "debug") {
            return (&c::CLOUD_READ, format!("ansible {module} reads the hosts"));
        }
        if let (true, Some(cmd)) = (
            matches!(
                module,
                "command" | "shell" | "raw" | "ansible.builtin.shell" | "ansible.builtin.command"
            ),
            module_args,
        ) {
            let mut inner = Verdict::default();
            s.judge_line(cmd, "ansible", &mut inner);
            let reads = inner.known
                && inner
                    .findings
                    .iter()
                    .all(|f| f.effect == c::READ_EVERYDAY.effect());
            v.findings.extend(inner.findings);
            if reads {
                return (
                    &c::CLOUD_READ,
                    "ansible runs a command that only reads on the hosts".into(),
                );
            }
        }
    }
    (
        &c::NET_REMOTE_EXEC,
        format!("{program} changes remote machines"),
    )
}

fn secrets(
    program: &str,
    args: &[&str],
    s: &Subject<'_>,
    v: &mut Verdict,
) -> (&'static Class, String) {
    let words = positional(
        args,
        &[
            "-address",
            "-namespace",
            "-mount",
            "-format",
            "-field",
            "--project",
            "-p",
            "--config",
            "-c",
        ],
    );
    if matches!(program, "doppler" | "infisical" | "chamber" | "berglas")
        && words.first().is_some_and(|w| matches!(*w, "run" | "exec"))
    {
        let at = args.iter().position(|a| *a == "--").map_or_else(
            || {
                args.iter()
                    .position(|a| matches!(*a, "run" | "exec"))
                    .map_or(args.len(), |p| p + 1)
            },
            |p| p + 1,
        );
        let command: Vec<String> = args[at.min(args.len())..]
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        s.judge_words(&command, &[], program, v);
        return (
            &c::EXEC_NESTED,
            format!("{program} runs a command with secrets in its environment"),
        );
    }
    if matches!(program, "sops" | "age") {
        return if args.iter().any(|a| matches!(*a, "-d" | "--decrypt")) {
            (&c::SECRET_READ, format!("{program} decrypts secrets"))
        } else {
            (
                &c::BUILD_EVERYDAY,
                format!("{program} encrypts or edits a file"),
            )
        };
    }
    let verb = verb_in(&words);
    let reading_secret = words
        .iter()
        .any(|w| matches!(*w, "get" | "read" | "download" | "export"))
        && !words.contains(&"list");
    match verb {
        Verb::Delete => (
            &c::CLOUD_DELETE,
            format!("{program} deletes secrets or disables engines"),
        ),
        Verb::Read if reading_secret => (&c::SECRET_READ, format!("{program} prints secrets")),
        Verb::Read => (&c::CLOUD_READ, format!("{program} lists secrets")),
        Verb::Config => (&c::CLOUD_CONFIG, format!("{program} logs in")),
        Verb::Change | Verb::Deploy => (
            &c::CLOUD_CHANGE,
            format!("{program} writes secrets or policies"),
        ),
    }
}

fn supabase(args: &[&str]) -> (&'static Class, String) {
    let words = positional(
        args,
        &["--project-ref", "--db-url", "--workdir", "-o", "--output"],
    );
    let joined = words.join(" ");
    if joined.starts_with("db reset")
        || joined.contains("delete")
        || joined.starts_with("stop --no-backup")
    {
        (
            &c::DB_DROP,
            "supabase resets a database or deletes a project".into(),
        )
    } else if joined.starts_with("functions deploy") || joined.starts_with("deploy") {
        (&c::PAAS_DEPLOY, "supabase deploys functions".into())
    } else if joined.starts_with("db push")
        || joined.starts_with("secrets set")
        || joined.starts_with("config push")
        || joined.starts_with("storage cp")
        || joined.starts_with("storage rm")
        || joined.starts_with("migration repair")
    {
        (
            &c::CLOUD_CHANGE,
            "supabase changes the remote project".into(),
        )
    } else if joined.starts_with("login")
        || joined.starts_with("link")
        || joined.starts_with("init")
        || joined.starts_with("start")
        || joined.starts_with("stop")
        || joined.starts_with("migration new")
    {
        (&c::CLOUD_CONFIG, "supabase changes the local setup".into())
    } else {
        (&c::CLOUD_READ, "supabase reads or generates".into())
    }
}
