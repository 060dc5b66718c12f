//! Containers and clusters: docker and its kin, compose, kubectl, helm and the tools that
//! deploy to clusters. A command run in a container is judged too, with the host directories
//! mounted into it put back in its paths (`docker run -v $HOME:/h alpine rm -rf /h`).

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// Judges container and cluster programs; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    match program {
        "docker" | "podman" | "nerdctl" | "finch" | "lima-nerdctl" => docker(&args, s, v),
        "docker-compose" | "podman-compose" => compose(&args, s, v),
        "kubectl" | "oc" | "k" | "microk8s.kubectl" | "kubecolor" => kubectl(&args, s, v),
        "helm" => helm(&args, s, v),
        "minikube" | "kind" | "k3d" | "colima" | "multipass" | "vagrant" | "lima" | "limactl"
        | "orb" => local_cluster(program, &args, s, v),
        "skaffold" | "tilt" | "garden" | "argocd" | "flux" | "istioctl" | "linkerd"
        | "kustomize" | "kubeadm" | "eksctl" | "kops" | "k9s" => {
            cluster_tool(program, &args, s, v);
        }
        _ => return false,
    }
    true
}

/// The first word that is neither an option nor the value of one of `value_options`, and
/// where it is.
fn subcommand<'a>(args: &[&'a str], value_options: &[&str]) -> Option<(usize, &'a str)> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if value_options.contains(arg) {
            i += 2;
        } else if arg.starts_with('-') {
            i += 1;
        } else {
            return Some((i, arg));
        }
    }
    None
}

const DOCKER_GLOBALS: &[&str] = &[
    "-H",
    "--host",
    "--context",
    "-c",
    "--config",
    "-l",
    "--log-level",
    "--tlscacert",
    "--tlscert",
    "--tlskey",
    "--url",
    "--connection",
    "--root",
    "--runroot",
    "--storage-driver",
];

/// Options of `docker run`/`create`/`exec` that take a value.
const RUN_VALUES: &[&str] = &[
    "-v",
    "--volume",
    "--mount",
    "-e",
    "--env",
    "--env-file",
    "-p",
    "--publish",
    "-w",
    "--workdir",
    "--name",
    "-u",
    "--user",
    "--entrypoint",
    "--network",
    "--net",
    "-l",
    "--label",
    "--label-file",
    "-h",
    "--hostname",
    "--add-host",
    "--cpus",
    "-m",
    "--memory",
    "--platform",
    "--pull",
    "--restart",
    "--cap-add",
    "--cap-drop",
    "--device",
    "--dns",
    "--log-driver",
    "--log-opt",
    "--security-opt",
    "--tmpfs",
    "--ulimit",
    "--ipc",
    "--pid",
    "--userns",
    "--runtime",
    "--gpus",
    "--cidfile",
    "--stop-signal",
    "--stop-timeout",
    "--health-cmd",
    "--volumes-from",
    "--link",
    "--expose",
    "--shm-size",
    "--sysctl",
    "--ip",
    "--cgroupns",
    "--uts",
    "-a",
    "--attach",
    "--cpu-shares",
    "--memory-swap",
    "--group-add",
    "--detach-keys",
    "--mac-address",
    "--network-alias",
    "--init-path",
    "--storage-opt",
    "--isolation",
];

#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per docker subcommand"
)]
fn docker(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let Some((at, sub)) = subcommand(args, DOCKER_GLOBALS) else {
        v.add(&c::CONTAINER_READ, "docker without a subcommand", text);
        return;
    };
    let rest = &args[at + 1..];
    let positional: Vec<&str> = rest
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let has = |flags: &[&str]| rest.iter().any(|a| flags.contains(a));
    let (sub, rest, positional): (&str, &[&str], Vec<&str>) = match sub {
        "container" | "image" | "volume" | "network" | "system" | "builder" | "buildx"
        | "context" | "plugin" | "secret" | "config" | "service" | "stack" | "swarm" | "node"
        | "manifest" | "trust" | "machine" | "pod" => {
            let inner = positional.first().copied().unwrap_or("ls");
            let pos = rest
                .iter()
                .position(|a| *a == inner)
                .map_or(rest.len(), |p| p + 1);
            (
                leak_pair(sub, inner),
                &rest[pos.min(rest.len())..],
                positional.into_iter().skip(1).collect(),
            )
        }
        "compose" => {
            compose(rest, s, v);
            return;
        }
        other => (other, rest, positional),
    };
    let (class, reason): (&'static Class, String) = match sub {
        "system reset" | "machine reset" => (
            &c::CONTAINER_SYSTEM_PRUNE,
            "deletes every container, image and volume".into(),
        ),
        // Without `--all` or `--volumes` it deletes only stopped containers, dangling images
        // and build cache, all of which are made again.
        "system prune"
            if !rest.iter().any(|a| {
                matches!(*a, "--all" | "--volumes")
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('a'))
            }) =>
        {
            (
                &c::CONTAINER_PRUNE,
                "deletes stopped containers, dangling images and build cache".into(),
            )
        }
        "system prune" => (
            &c::CONTAINER_SYSTEM_PRUNE,
            "deletes stopped containers, unused images and possibly volumes".into(),
        ),
        "volume prune" | "volume rm" | "volume remove" => (
            &c::CONTAINER_VOLUME_DELETE,
            "deletes volumes and the data in them".into(),
        ),
        "image prune" | "container prune" | "network prune" | "builder prune" | "buildx prune" => {
            (&c::CONTAINER_PRUNE, "deletes unused objects".into())
        }
        "rm" | "rmi" | "container rm" | "image rm" | "network rm" | "container remove"
        | "image remove" | "pod rm" | "manifest rm" | "context rm" | "buildx rm" | "machine rm" => {
            let computed = s.command.dynamic_args.iter().skip(1).any(|d| *d)
                || s.command.text.contains("$(")
                || positional.is_empty() && has(&["-a", "--all"]);
            if computed {
                (
                    &c::CONTAINER_RM_ALL,
                    "deletes every container or image a computed list names".into(),
                )
            } else {
                (
                    &c::CONTAINER_RM,
                    "deletes containers, images or networks".into(),
                )
            }
        }
        "kill" | "stop" | "pause" | "container stop" | "container kill" | "pod stop"
        | "pod kill" | "machine stop" => (&c::CONTAINER_STOP, "stops containers".into()),
        "run" | "create" | "container run" | "container create" => {
            run(rest, s, v);
            return;
        }
        "exec" | "container exec" => {
            exec(rest, s, v);
            return;
        }
        "start" | "restart" | "unpause" | "container start" | "container restart" | "up"
        | "pod start" | "machine start" | "network create" | "volume create" | "context create"
        | "context use" | "buildx create" | "buildx use" => (
            &c::CONTAINER_RUN,
            "starts containers or creates local objects".into(),
        ),
        "push" | "image push" | "manifest push" | "buildx imagetools" | "trust sign" => {
            (&c::CONTAINER_PUSH, "publishes an image".into())
        }
        "build" | "buildx build" | "image build"
            if has(&["--push"])
                || rest
                    .iter()
                    .any(|a| a.starts_with("--output=type=registry") || *a == "type=registry") =>
        {
            (&c::CONTAINER_PUSH, "builds and publishes an image".into())
        }
        "build" | "buildx build" | "buildx bake" | "image build" | "pull" | "image pull"
        | "tag" | "image tag" | "load" | "image load" | "import" | "image import" | "commit"
        | "save" | "image save" => (&c::CONTAINER_BUILD, "builds, pulls or tags images".into()),
        "cp" | "container cp" => {
            if let (Some(src), Some(dest)) = (positional.first(), positional.last())
                && !dest.contains(':')
                && src.contains(':')
            {
                super::fs::write_target(dest, false, false, s, v);
            }
            (
                &c::CONTAINER_EXEC,
                "copies files between a container and the host".into(),
            )
        }
        "login" | "logout" | "context update" => (
            &c::CLOUD_CONFIG,
            "changes registry logins or contexts".into(),
        ),
        "plugin install" | "plugin upgrade" => (
            &c::PKG_INSTALL_REMOTE,
            "installs a plugin from a registry".into(),
        ),
        "service rm" | "stack rm" | "node rm" | "secret rm" | "config rm" | "swarm leave" => (
            &c::K8S_DELETE,
            "deletes swarm services, stacks or nodes".into(),
        ),
        "service create" | "service update" | "service scale" | "service rollback"
        | "stack deploy" | "secret create" | "config create" | "swarm init" | "swarm join"
        | "node update" => (&c::K8S_CHANGE, "changes a swarm".into()),
        _ => (&c::CONTAINER_READ, "reads containers or images".into()),
    };
    v.add(class, format!("docker {sub}: {reason}"), text);
}

/// `docker container rm` and the like as one static string.
fn leak_pair(group: &str, inner: &str) -> &'static str {
    const PAIRS: &[&str] = &[
        "system reset",
        "machine reset",
        "system prune",
        "volume prune",
        "volume rm",
        "volume remove",
        "image prune",
        "container prune",
        "network prune",
        "builder prune",
        "buildx prune",
        "container rm",
        "image rm",
        "network rm",
        "container remove",
        "image remove",
        "pod rm",
        "manifest rm",
        "context rm",
        "buildx rm",
        "machine rm",
        "container stop",
        "container kill",
        "pod stop",
        "pod kill",
        "machine stop",
        "container run",
        "container create",
        "container exec",
        "container start",
        "container restart",
        "pod start",
        "machine start",
        "network create",
        "volume create",
        "context create",
        "context use",
        "buildx create",
        "buildx use",
        "image push",
        "manifest push",
        "buildx imagetools",
        "trust sign",
        "buildx build",
        "buildx bake",
        "image build",
        "image pull",
        "image tag",
        "image load",
        "image import",
        "image save",
        "container cp",
        "context update",
        "plugin install",
        "plugin upgrade",
        "service rm",
        "stack rm",
        "node rm",
        "secret rm",
        "config rm",
        "swarm leave",
        "service create",
        "service update",
        "service scale",
        "service rollback",
        "stack deploy",
        "secret create",
        "config create",
        "swarm init",
        "swarm join",
        "node update",
    ];
    PAIRS
        .iter()
        .find(|p| p.split_once(' ') == Some((group, inner)))
        .copied()
        .unwrap_or("read")
}

/// A bind mount: the host path and where it appears in the container.
struct Mount {
    host: String,
    container: String,
    read_only: bool,
}

fn mounts(rest: &[&str]) -> Vec<Mount> {
    let mut out = Vec::new();
    for (i, a) in rest.iter().enumerate() {
        let spec = match *a {
            "-v" | "--volume" => rest.get(i + 1).copied(),
            _ if a.starts_with("--") => a.strip_prefix("--volume="),
            _ => a.strip_prefix("-v").filter(|v| !v.is_empty()),
        };
        if let Some(spec) = spec {
            let mut parts = spec.split(':');
            if let (Some(host), Some(container)) = (parts.next(), parts.next()) {
                let read_only = parts
                    .next()
                    .is_some_and(|o| o.split(',').any(|x| x == "ro"));
                if host.starts_with(['/', '~', '.', '$']) {
                    out.push(Mount {
                        host: host.to_owned(),
                        container: container.to_owned(),
                        read_only,
                    });
                }
            }
        }
        let mount = match *a {
            "--mount" => rest.get(i + 1).copied(),
            _ => a.strip_prefix("--mount="),
        };
        if let Some(spec) = mount {
            let field = |name: &str| {
                spec.split(',').find_map(|kv| {
                    let (k, val) = kv.split_once('=')?;
                    (name.split('|').any(|n| n == k)).then(|| val.to_owned())
                })
            };
            if let (Some(host), Some(container)) =
                (field("source|src"), field("target|destination|dst"))
            {
                let read_only = spec
                    .split(',')
                    .any(|kv| kv == "readonly" || kv == "ro" || kv == "readonly=true");
                out.push(Mount {
                    host,
                    container,
                    read_only,
                });
            }
        }
    }
    out
}

/// `docker run`: host escapes, and the command it runs with mounted paths put back.
fn run(rest: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mounts = mounts(rest);
    let escape_flag = rest.iter().any(|a| {
        matches!(
            *a,
            "--privileged"
                | "--pid=host"
                | "--userns=host"
                | "--uts=host"
                | "--ipc=host"
                | "--cgroupns=host"
        ) || a.starts_with("--cap-add=SYS_ADMIN")
            || a.starts_with("--cap-add=ALL")
            || a.starts_with("--device=/dev/sd")
            || a.starts_with("--device=/dev/nvme")
            || a.contains("apparmor=unconfined")
            || a.contains("seccomp=unconfined")
    }) || rest.windows(2).any(|w| {
        matches!(w[0], "--pid" | "--userns" | "--ipc" | "--uts") && w[1] == "host"
            || w[0] == "--cap-add"
                && matches!(w[1], "SYS_ADMIN" | "ALL" | "SYS_MODULE" | "SYS_PTRACE")
            || w[0] == "--security-opt" && w[1].contains("unconfined")
            || w[0] == "--device"
                && (w[1].starts_with("/dev/sd")
                    || w[1].starts_with("/dev/nvme")
                    || w[1].starts_with("/dev/mem"))
    });
    let escape_mount = mounts.iter().find(|m| {
        let j = s.path(&m.host, m.host.contains('$'));
        m.host.contains("docker.sock")
            || m.host.contains("containerd.sock")
            || (!m.read_only
                && matches!(
                    j.place,
                    super::paths::Place::Root
                        | super::paths::Place::System
                        | super::paths::Place::Home
                        | super::paths::Place::MaybeRoot
                ))
    });
    if escape_flag {
        v.add(
            &c::CONTAINER_HOST_ESCAPE,
            "runs a container with the host's privileges or devices",
            text,
        );
    } else if let Some(m) = escape_mount {
        v.add(
            &c::CONTAINER_HOST_ESCAPE,
            format!(
                "mounts the host's `{}` into a container that can change it",
                m.host
            ),
            text,
        );
    }
    // The image, then the command.
    let mut i = 0;
    let mut entrypoint: Option<&str> = None;
    while let Some(a) = rest.get(i) {
        if *a == "--entrypoint" {
            entrypoint = rest.get(i + 1).copied();
            i += 2;
        } else if let Some(e) = a.strip_prefix("--entrypoint=") {
            entrypoint = Some(e);
            i += 1;
        } else if RUN_VALUES.contains(a) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let command: Vec<String> = entrypoint
        .into_iter()
        .chain(rest.iter().skip(i + 1).copied())
        .map(|w| host_path(w, &mounts))
        .collect();
    v.add(&c::CONTAINER_RUN, "starts a container", text);
    if !command.is_empty() {
        s.judge_words(&command, &[], "a container", v);
    }
}

/// A path inside the container, put back to the host path mounted there; other words as they
/// are.
fn host_path(word: &str, mounts: &[Mount]) -> String {
    for m in mounts {
        let target = m.container.trim_end_matches('/');
        if target.is_empty() {
            continue;
        }
        if word == target || word == format!("{target}/") {
            return m.host.clone();
        }
        if let Some(rest) = word.strip_prefix(&format!("{target}/")) {
            return format!("{}/{rest}", m.host.trim_end_matches('/'));
        }
    }
    word.to_owned()
}

/// `docker exec CONTAINER cmd...`: the command is judged as if it ran here.
fn exec(rest: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let mut i = 0;
    while let Some(a) = rest.get(i) {
        if matches!(
            *a,
            "-e" | "--env" | "-u" | "--user" | "-w" | "--workdir" | "--env-file" | "--detach-keys"
        ) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let command: Vec<String> = rest.iter().skip(i + 1).map(|w| (*w).to_owned()).collect();
    if command.is_empty() {
        v.add(
            &c::CONTAINER_EXEC,
            "runs a command in a container",
            s.text(),
        );
        return;
    }
    // A command that only reads (`docker exec web cat /etc/os-release`) reads the container.
    let mut inner = Verdict::default();
    s.judge_words(&command, &[], "a container", &mut inner);
    let reads = inner.known
        && inner
            .findings
            .iter()
            .all(|f| f.effect == c::READ_EVERYDAY.effect());
    v.findings.extend(inner.findings);
    v.nested_writes.extend(inner.nested_writes);
    v.nested_names.extend(inner.nested_names);
    if reads {
        v.add(
            &c::CONTAINER_READ,
            "runs a command that only reads in a container",
            s.text(),
        );
    } else {
        v.add(
            &c::CONTAINER_EXEC,
            "runs a command in a container (judged on its own)",
            s.text(),
        );
    }
}

fn compose(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let Some((at, sub)) = subcommand(
        args,
        &[
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--profile",
            "--env-file",
            "--project-directory",
            "--ansi",
            "--progress",
            "--parallel",
        ],
    ) else {
        v.add(&c::CONTAINER_READ, "compose without a subcommand", text);
        return;
    };
    let rest = &args[at + 1..];
    let (class, reason): (&'static Class, &str) = match sub {
        "down"
            if rest
                .iter()
                .any(|a| matches!(*a, "-v" | "--volumes" | "--rmi")) =>
        {
            (
                &c::CONTAINER_VOLUME_DELETE,
                "deletes the project's volumes or images",
            )
        }
        "rm" if rest.iter().any(|a| matches!(*a, "-v" | "--volumes")) => (
            &c::CONTAINER_VOLUME_DELETE,
            "deletes containers and their anonymous volumes",
        ),
        "down" | "rm" | "kill" | "stop" | "pause" => {
            (&c::CONTAINER_STOP, "stops and removes containers")
        }
        "exec" | "run" => {
            let mut i = 0;
            while let Some(a) = rest.get(i) {
                if matches!(
                    *a,
                    "-e" | "--env"
                        | "-u"
                        | "--user"
                        | "-w"
                        | "--workdir"
                        | "--name"
                        | "-p"
                        | "--publish"
                        | "-v"
                        | "--volume"
                        | "--entrypoint"
                        | "-l"
                        | "--label"
                ) {
                    i += 2;
                } else if a.starts_with('-') {
                    i += 1;
                } else {
                    break;
                }
            }
            let command: Vec<String> = rest.iter().skip(i + 1).map(|w| (*w).to_owned()).collect();
            if !command.is_empty() {
                s.judge_words(&command, &[], "a compose service", v);
            }
            (&c::CONTAINER_RUN, "runs a command in a service")
        }
        "up" | "start" | "restart" | "create" | "unpause" | "watch" | "scale" => {
            (&c::CONTAINER_RUN, "starts containers")
        }
        "push" => (&c::CONTAINER_PUSH, "publishes the services' images"),
        "build" | "pull" => (&c::CONTAINER_BUILD, "builds or pulls images"),
        _ => (&c::CONTAINER_READ, "reads compose services"),
    };
    v.add(class, format!("compose {sub}: {reason}"), text);
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
    "--as-group",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-f",
    "--filename",
    "-c",
    "--container",
    "--field-selector",
    "--request-timeout",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--cache-dir",
    "--tls-server-name",
    "-v",
    "--v",
    "-k",
    "--kustomize",
];

fn dry_run(args: &[&str]) -> bool {
    args.iter().any(|a| {
        *a == "--dry-run"
            || a.strip_prefix("--dry-run=").is_some_and(|m| m != "none")
            || *a == "--dryrun"
    }) || args
        .windows(2)
        .any(|w| w[0] == "--dry-run" && w[1] != "none")
}

fn kubectl(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let Some((at, sub)) = subcommand(args, KUBE_VALUE_OPTIONS) else {
        v.add(&c::K8S_READ, "kubectl without a subcommand", text);
        return;
    };
    let rest = &args[at + 1..];
    if dry_run(args) || sub == "diff" {
        v.add(&c::K8S_READ, "a dry run or a diff changes nothing", text);
        return;
    }
    let (class, reason): (&'static Class, &str) = match sub {
        "delete" => (&c::K8S_DELETE, "deletes cluster resources"),
        // `kubectl cp pod:/x ./x` copies out of the cluster: a read and a local write.
        "cp" if rest
            .iter()
            .rfind(|a| !a.starts_with('-'))
            .is_some_and(|dest| !dest.contains(':')) =>
        {
            if let Some(dest) = rest.iter().rfind(|a| !a.starts_with('-')) {
                super::fs::write_target(dest, false, false, s, v);
            }
            (&c::K8S_READ, "copies files out of a pod")
        }
        "drain" | "cordon" | "uncordon" | "taint" | "replace" | "patch" | "apply" | "create"
        | "scale" | "autoscale" | "set" | "edit" | "label" | "annotate" | "expose" | "run"
        | "attach" | "debug" | "certificate" | "cp" | "rollout"
            if sub != "rollout"
                || rest
                    .first()
                    .is_some_and(|r| matches!(*r, "restart" | "undo" | "pause" | "resume")) =>
        {
            if rest
                .iter()
                .any(|a| *a == "--prune" || a.starts_with("--prune"))
                || (sub == "replace" && rest.contains(&"--force"))
            {
                (
                    &c::K8S_DELETE,
                    "changes cluster resources and deletes others",
                )
            } else {
                (&c::K8S_CHANGE, "changes cluster resources")
            }
        }
        "exec" => {
            let command: Vec<String> = rest
                .iter()
                .position(|a| *a == "--")
                .map(|p| rest[p + 1..].iter().map(|w| (*w).to_owned()).collect())
                .unwrap_or_default();
            if command.is_empty() || super::runners::interactive_shell(&command) {
                (&c::NET_SSH, "opens a shell in a pod")
            } else {
                let mut inner = Verdict::default();
                s.judge_words(&command, &[], "kubectl exec", &mut inner);
                let reads = inner.known
                    && inner
                        .findings
                        .iter()
                        .all(|f| f.effect == c::READ_EVERYDAY.effect());
                v.findings.extend(inner.findings);
                if reads {
                    (&c::K8S_READ, "runs a command that only reads in a pod")
                } else {
                    (&c::NET_REMOTE_EXEC, "runs a command that changes a pod")
                }
            }
        }
        "port-forward" | "proxy" => (&c::K8S_LOCAL, "forwards a port to the cluster"),
        "config" => match rest.first().copied() {
            Some("view" | "get-contexts" | "current-context" | "get-clusters" | "get-users") => {
                (&c::K8S_READ, "reads the cluster configuration")
            }
            _ => (&c::K8S_LOCAL, "changes the local cluster configuration"),
        },
        "get" | "describe"
            if rest.iter().any(|r| r.starts_with("secret"))
                && rest
                    .iter()
                    .any(|a| a.starts_with("-o") || a.starts_with("--output")) =>
        {
            (&c::SECRET_READ, "prints the cluster's secrets")
        }
        _ => (&c::K8S_READ, "reads a cluster"),
    };
    v.add(class, format!("kubectl {sub}: {reason}"), text);
}

fn helm(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let sub = subcommand(args, KUBE_VALUE_OPTIONS).map(|(_, s)| s);
    if dry_run(args) {
        v.add(&c::K8S_READ, "a helm dry run changes nothing", text);
        return;
    }
    let (class, reason): (&'static Class, &str) = match sub {
        Some("uninstall" | "delete" | "del" | "un") => {
            (&c::K8S_DELETE, "uninstalls a release and its resources")
        }
        Some("install" | "upgrade" | "rollback") => (&c::K8S_CHANGE, "changes a cluster"),
        Some("push") => (&c::CONTAINER_PUSH, "publishes a chart"),
        Some("plugin") if args.contains(&"install") || args.contains(&"update") => (
            &c::PKG_INSTALL_REMOTE,
            "installs a helm plugin from a repository",
        ),
        Some("repo" | "registry")
            if args
                .iter()
                .any(|a| matches!(*a, "add" | "remove" | "login" | "logout")) =>
        {
            (&c::K8S_LOCAL, "changes local chart repositories")
        }
        _ => (&c::K8S_READ, "reads charts or releases"),
    };
    v.add(class, format!("helm: {reason}"), text);
}

fn local_cluster(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let (class, reason): (&'static Class, &str) = match sub {
        "delete" | "destroy" | "rm" | "prune" => (
            &c::CONTAINER_RM,
            "deletes a local cluster or virtual machine",
        ),
        "start" | "create" | "up" | "launch" | "run" | "provision" | "reload" | "resume" => (
            &c::CONTAINER_RUN,
            "starts a local cluster or virtual machine",
        ),
        "stop" | "halt" | "suspend" | "pause" => (
            &c::CONTAINER_STOP,
            "stops a local cluster or virtual machine",
        ),
        "ssh" | "exec" | "shell" => (
            &c::CONTAINER_EXEC,
            "runs commands in a local virtual machine",
        ),
        _ => (&c::CONTAINER_READ, "reads a local cluster"),
    };
    v.add(class, format!("{program}: {reason}"), text);
}

fn cluster_tool(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let has = |w: &str| words.contains(&w);
    let (class, reason): (&'static Class, &str) = if dry_run(args) {
        (&c::K8S_READ, "a dry run changes nothing")
    } else if has("delete")
        || has("uninstall")
        || has("destroy")
        || has("reset")
        || has("rm")
        || has("remove")
    {
        (&c::K8S_DELETE, "deletes cluster resources")
    } else if has("deploy")
        || has("run")
        || has("dev")
        || has("sync")
        || has("apply")
        || has("install")
        || has("create")
        || has("bootstrap")
        || has("reconcile")
        || has("upgrade")
        || has("rollback")
        || has("set")
        || has("up")
        || has("init")
        || has("join")
        || has("scale")
        || has("edit")
    {
        if program == "kustomize" {
            (&c::FS_EDIT, "edits a kustomization")
        } else {
            (&c::K8S_CHANGE, "changes a cluster")
        }
    } else {
        (&c::K8S_READ, "reads or renders cluster resources")
    };
    v.add(class, format!("{program}: {reason}"), text);
}
