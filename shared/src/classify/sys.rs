//! The machine itself: power, services and what starts on its own, schedulers, processes,
//! accounts, firewall, kernel and system settings, keychains.

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// Judges system programs; returns whether `program` is one.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let first = args.iter().find(|a| !a.starts_with('-')).copied();
    let text = s.text();
    let (class, reason): (&'static Class, String) = match program {
        "shutdown" | "reboot" | "halt" | "poweroff" | "kexec" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-c" | "--help" | "--version"))
            {
                (&c::SYS_READ, "cancels a shutdown or prints help".into())
            } else {
                (&c::SYS_POWER, format!("{program} stops the machine"))
            }
        }
        "init" | "telinit" if matches!(args.first(), Some(&("0" | "6" | "1" | "s" | "S"))) => (
            &c::SYS_POWER,
            "changes the runlevel (stops the machine)".into(),
        ),
        "systemctl" => systemctl(&args),
        "service" => match args.get(1).copied() {
            Some("status") | None => (&c::SYS_READ, "reads a service's state".into()),
            _ => (
                &c::SYS_SERVICE,
                "starts, stops or restarts a service".into(),
            ),
        },
        "update-rc.d" | "chkconfig" | "rc-update" | "sysv-rc-conf" => {
            if args.iter().any(|a| matches!(*a, "--list" | "show")) {
                (&c::SYS_READ, "lists services".into())
            } else {
                (
                    &c::SYS_PERSIST,
                    "changes which services start at boot".into(),
                )
            }
        }
        "launchctl" => match first {
            Some("load" | "bootstrap" | "enable" | "submit" | "setenv" | "config") => {
                (&c::SYS_PERSIST, "registers a launch agent or daemon".into())
            }
            Some("unload" | "bootout" | "disable" | "remove" | "stop" | "kickstart" | "kill") => {
                (&c::SYS_SERVICE, "stops or removes a launch agent".into())
            }
            _ => (&c::SYS_READ, "lists launch agents".into()),
        },
        "crontab" => {
            if args.contains(&"-l") && !args.iter().any(|a| a.contains('r') && a.starts_with('-')) {
                (&c::SYS_READ, "lists scheduled jobs".into())
            } else if args
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('r'))
            {
                (
                    &c::SYS_SCHEDULE,
                    "crontab -r deletes every scheduled job".into(),
                )
            } else {
                if let Some(content) = super::fs::stdin_content(s) {
                    s.judge_line(&cron_commands(&content), "a cron job", v);
                }
                (&c::SYS_SCHEDULE, "replaces scheduled jobs".into())
            }
        }
        "at" | "batch" => {
            if args.iter().any(|a| matches!(*a, "-l" | "-c")) {
                (&c::SYS_READ, "lists scheduled jobs".into())
            } else if args.contains(&"-d") || args.contains(&"-r") {
                (&c::SYS_SCHEDULE, "removes scheduled jobs".into())
            } else {
                if let Some(job) = super::fs::stdin_content(s) {
                    s.judge_line(&job, program, v);
                } else if let Some(file) = args.windows(2).find(|w| w[0] == "-f").map(|w| w[1]) {
                    v.add(
                        &c::EXEC_UNREADABLE,
                        format!("schedules the commands of `{file}`, which are not read"),
                        text,
                    );
                }
                (
                    &c::SYS_SCHEDULE,
                    format!("{program} schedules a job to run later"),
                )
            }
        }
        "atq" => (&c::SYS_READ, "lists scheduled jobs".into()),
        "pm2" | "supervisorctl" | "forever" | "foreman" | "overmind" => match first {
            Some("startup" | "unstartup" | "save") if program == "pm2" => {
                (&c::SYS_PERSIST, "pm2 makes processes start at boot".into())
            }
            Some(
                "list" | "ls" | "status" | "logs" | "show" | "describe" | "monit" | "info"
                | "avail" | "tail",
            )
            | None => (&c::SYS_READ, format!("{program} shows managed processes")),
            _ => (
                &c::SYS_SERVICE,
                format!("{program} starts, stops or removes managed processes"),
            ),
        },
        "atrm" => (&c::SYS_SCHEDULE, "removes scheduled jobs".into()),
        "kill" => kill(&args),
        "killall" | "pkill" | "skill" | "slay" => {
            let every = args.iter().any(|a| {
                matches!(
                    *a,
                    "-u" | "--user" | "root" | "-U" | "-9" | "-KILL" | "-SIGKILL" | "-s9"
                )
            }) || (program == "killall" && args.iter().all(|a| a.starts_with('-')));
            if every {
                (
                    &c::SYS_KILL_ALL,
                    format!("{program} ends every process of a user"),
                )
            } else {
                (
                    &c::SYS_KILL,
                    format!("{program} ends every matching process"),
                )
            }
        }
        "killall5" => (&c::SYS_KILL_ALL, "ends every process".into()),
        "renice" | "ionice-set" => (&c::SYS_KILL, "changes the priority of processes".into()),
        "userdel" | "deluser" | "groupdel" | "delgroup" | "passwd" | "chpasswd" | "usermod"
        | "useradd" | "adduser" | "addgroup" | "groupadd" | "groupmod" | "visudo" | "chsh"
        | "chfn" | "chage" | "gpasswd" | "newusers" | "dscl" | "sysadminctl" | "pwpolicy"
        | "vipw" => {
            if program == "dscl"
                && args
                    .iter()
                    .any(|a| matches!(*a, "-read" | "-list" | "-search"))
            {
                (&c::SYS_READ, "reads directory services".into())
            } else {
                (&c::SYS_USERS, format!("{program} changes system accounts"))
            }
        }
        "iptables" | "ip6tables" | "nft" | "ufw" | "firewall-cmd" | "pfctl"
        | "iptables-restore" | "ip6tables-restore" | "ebtables" | "arptables"
        | "socketfilterfw" => {
            if args.iter().any(|a| {
                matches!(
                    *a,
                    "-L" | "--list"
                        | "-S"
                        | "status"
                        | "list"
                        | "-s"
                        | "--state"
                        | "--list-all"
                        | "--get-zones"
                )
            }) && !args.iter().any(|a| {
                matches!(
                    *a,
                    "-F" | "--flush" | "-X" | "-D" | "-A" | "-I" | "disable" | "reset"
                )
            }) {
                (&c::SYS_READ, "lists firewall rules".into())
            } else {
                (&c::SYS_FIREWALL, "changes the firewall".into())
            }
        }
        "ip" | "ifconfig" | "route" | "nmcli" | "iw" | "iwconfig" | "networksetup"
        | "resolvectl" | "tc" | "ethtool" | "brctl" | "wg" | "wg-quick" => {
            let reads = args.is_empty()
                || args.iter().all(|a| {
                    matches!(
                        *a,
                        "a" | "addr"
                            | "address"
                            | "show"
                            | "list"
                            | "l"
                            | "link"
                            | "route"
                            | "r"
                            | "-a"
                            | "-n"
                            | "-4"
                            | "-6"
                            | "-br"
                            | "-c"
                            | "-j"
                            | "-s"
                            | "status"
                            | "neigh"
                            | "n"
                            | "dev"
                            | "device"
                            | "connection"
                            | "con"
                            | "general"
                            | "-listallnetworkservices"
                            | "-getinfo"
                            | "query"
                            | "statistics"
                            | "-getdnsservers"
                            | "rule"
                            | "maddr"
                            | "monitor"
                    ) || !a.starts_with('-')
                        && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
                        && !matches!(
                            *a,
                            "down"
                                | "up"
                                | "add"
                                | "del"
                                | "delete"
                                | "flush"
                                | "set"
                                | "change"
                                | "replace"
                                | "modify"
                        )
                });
            if reads {
                (&c::SYS_READ, format!("{program} shows network state"))
            } else {
                (
                    &c::SYS_CONFIG,
                    format!("{program} changes the network configuration"),
                )
            }
        }
        "mount"
        | "umount"
        | "swapoff"
        | "swapon"
        | "sysctl"
        | "modprobe"
        | "rmmod"
        | "insmod"
        | "setenforce"
        | "chattr"
        | "csrutil"
        | "nvram"
        | "tmutil"
        | "spctl"
        | "tccutil"
        | "hostnamectl"
        | "timedatectl"
        | "localectl"
        | "update-alternatives"
        | "ldconfig"
        | "update-grub"
        | "grub-install"
        | "grub-mkconfig"
        | "efibootmgr"
        | "mkinitcpio"
        | "update-initramfs"
        | "dracut"
        | "sysctl.d"
        | "auditctl"
        | "aa-disable"
        | "aa-complain"
        | "apparmor_parser"
        | "setsebool"
        | "semanage"
        | "pmset"
        | "scutil"
        | "fdesetup"
        | "diskutil"
        | "kextload"
        | "kextunload"
        | "systemsetup"
        | "bless"
        | "lsattr-set" => {
            let lists = args.is_empty()
                || args.iter().all(|a| {
                    matches!(
                        *a,
                        "-a" | "-l"
                            | "list"
                            | "-n"
                            | "status"
                            | "-g"
                            | "--show"
                            | "show"
                            | "--display"
                            | "--query"
                            | "info"
                            | "-getcomputername"
                            | "--get"
                            | "-q"
                            | "--list"
                            | "getenforce"
                            | "-p"
                    ) || (program == "sysctl" && !a.contains('=') && !a.starts_with('-'))
                        || (program == "diskutil" && matches!(*a, "list" | "info" | "activity"))
                        || (program == "mount" && !a.starts_with('/') && !a.starts_with('-'))
                });
            if program == "diskutil"
                && args.iter().any(|a| {
                    a.starts_with("erase")
                        || a.starts_with("zero")
                        || a.starts_with("partition")
                        || a.starts_with("secureErase")
                        || *a == "reformat"
                })
            {
                (&c::DISK_FORMAT, "erases a disk".into())
            } else if program == "tmutil"
                && args.iter().any(|a| {
                    matches!(
                        *a,
                        "delete" | "deletelocalsnapshots" | "thinlocalsnapshots" | "disable"
                    )
                })
            {
                (&c::SYS_CONFIG, "deletes backups or turns them off".into())
            } else if lists && program != "swapoff" {
                (&c::SYS_READ, format!("{program} lists state"))
            } else {
                (&c::SYS_CONFIG, format!("{program} changes system state"))
            }
        }
        "defaults" | "gsettings" | "dconf" | "xfconf-query" | "kwriteconfig5" | "plutil" => {
            if matches!(
                first,
                Some(
                    "read"
                        | "get"
                        | "list"
                        | "list-keys"
                        | "list-schemas"
                        | "dump"
                        | "domains"
                        | "find"
                        | "list-recursively"
                        | "-p"
                        | "-lint"
                )
            ) {
                (&c::SYS_READ, format!("{program} reads preferences"))
            } else if args.iter().any(|a| {
                let lower = a.to_ascii_lowercase();
                lower.contains("loginitems")
                    || lower.contains("loginhook")
                    || lower.contains("logouthook")
                    || lower.contains("autostart")
                    || lower.contains("launchservices")
            }) {
                (
                    &c::SYS_PERSIST,
                    format!("{program} adds something that runs at login"),
                )
            } else {
                (
                    &c::SYS_PREFERENCES,
                    format!("{program} changes preferences"),
                )
            }
        }
        "security" => match first {
            Some(
                "find-generic-password"
                | "find-internet-password"
                | "find-certificate"
                | "dump-keychain"
                | "export"
                | "find-key",
            ) if program == "security"
                && (args.iter().any(|a| matches!(*a, "-w" | "-g" | "-d"))
                    || matches!(first, Some("dump-keychain" | "export"))) =>
            {
                (&c::SYS_KEYCHAIN, "reads passwords from the keychain".into())
            }
            Some(x)
                if x.starts_with("delete")
                    || x.starts_with("add")
                    || x.starts_with("set")
                    || x.starts_with("import")
                    || x.starts_with("unlock")
                    || x.starts_with("create") =>
            {
                (&c::SYS_KEYCHAIN, "changes the keychain".into())
            }
            _ => (&c::SYS_READ, "reads keychain metadata".into()),
        },
        "secret-tool" | "pass" | "gopass" | "op" | "bw" | "lpass" | "keyring" | "kwallet-query"
        | "1password" | "rbw" => match first {
            Some(
                "ls" | "list" | "search" | "--version" | "whoami" | "status" | "signin" | "login"
                | "sync" | "help",
            )
            | None
                if program != "secret-tool" || first == Some("search") =>
            {
                (&c::SYS_READ, format!("{program} lists entries"))
            }
            _ => (
                &c::SYS_KEYCHAIN,
                format!("{program} reads or changes stored passwords"),
            ),
        },
        "gpg" | "gpg2" => {
            if args.iter().any(|a| {
                matches!(
                    *a,
                    "--export-secret-keys"
                        | "--export-secret-subkeys"
                        | "-d"
                        | "--decrypt"
                        | "--delete-secret-keys"
                        | "--delete-keys"
                        | "--delete-secret-and-public-key"
                )
            }) {
                (
                    &c::SYS_KEYCHAIN,
                    "exports, decrypts with or deletes private keys".into(),
                )
            } else {
                (
                    &c::BUILD_EVERYDAY,
                    "gpg signs, verifies or lists keys".into(),
                )
            }
        }
        "su" if args.iter().all(|a| a.starts_with('-') || *a == "root") => {
            (&c::SYS_ROOT_SHELL, "opens a root shell".into())
        }
        "sudo" | "doas" | "su" => {
            if args.is_empty() || args.iter().all(|a| a.starts_with('-')) {
                (
                    &c::SYS_ROOT_SHELL,
                    "opens a root shell or changes sudo state".into(),
                )
            } else {
                (&c::EXEC_ROOT, "runs as another user".into())
            }
        }
        "history"
            if args
                .iter()
                .any(|a| a.starts_with('-') && a.contains(['c', 'd'])) =>
        {
            (
                &c::SYS_HISTORY,
                "clears the shell history or deletes entries from it".into(),
            )
        }
        _ => return false,
    };
    v.add(class, reason, text);
    true
}

/// The commands of crontab lines (the five schedule fields dropped).
fn cron_commands(table: &str) -> String {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains('=') || l.starts_with('@'))
        .map(|l| {
            if l.starts_with('@') {
                l.split_once(char::is_whitespace)
                    .map_or("", |(_, r)| r)
                    .to_owned()
            } else {
                l.split_whitespace().skip(5).collect::<Vec<_>>().join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn systemctl(args: &[&str]) -> (&'static Class, String) {
    let verb = args.iter().find(|a| !a.starts_with('-')).copied();
    match verb {
        Some(
            "poweroff"
            | "reboot"
            | "halt"
            | "kexec"
            | "suspend"
            | "hibernate"
            | "hybrid-sleep"
            | "rescue"
            | "emergency"
            | "isolate"
            | "soft-reboot"
            | "suspend-then-hibernate",
        ) => (
            &c::SYS_POWER,
            "stops, suspends or changes the state of the machine".into(),
        ),
        Some(
            "enable" | "disable" | "mask" | "unmask" | "link" | "preset" | "preset-all"
            | "set-default" | "edit" | "revert" | "reenable" | "add-wants" | "add-requires"
            | "set-property" | "set-environment" | "import-environment",
        ) => (
            &c::SYS_PERSIST,
            "changes what starts on its own at boot or login".into(),
        ),
        Some(
            "start" | "stop" | "restart" | "reload" | "try-restart" | "reload-or-restart" | "kill"
            | "reset-failed" | "daemon-reload" | "daemon-reexec" | "freeze" | "thaw" | "clean",
        ) => (&c::SYS_SERVICE, "starts, stops or restarts services".into()),
        _ => (&c::SYS_READ, "reads service state".into()),
    }
}

fn kill(args: &[&str]) -> (&'static Class, String) {
    if args.iter().any(|a| *a == "-l" || *a == "-L") {
        return (&c::SYS_READ, "lists signals".into());
    }
    // After the signal option, `-1` (or `-- -1`) is every process; 1 is init.
    let mut targets: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut signal_seen = false;
    let mut after_dashes = false;
    while let Some(arg) = args.get(i) {
        if *arg == "--" {
            after_dashes = true;
        } else if !after_dashes && (*arg == "-s" || *arg == "-n") {
            i += 1;
            signal_seen = true;
        } else if !after_dashes && arg.starts_with('-') && !signal_seen && *arg != "-1" {
            signal_seen = true;
        } else if !after_dashes && *arg == "-1" && !signal_seen {
            // `kill -1 pid` sends SIGHUP; `kill -1` alone targets everything.
            if args.len() == 1 {
                targets.push("-1");
            }
            signal_seen = true;
        } else {
            targets.push(arg);
        }
        i += 1;
    }
    if args.first().is_some_and(|a| matches!(*a, "-0" | "-s0"))
        || args.windows(2).any(|w| w[0] == "-s" && w[1] == "0")
    {
        (
            &c::SYS_READ,
            "kill -0 only checks that a process exists".into(),
        )
    } else if targets
        .iter()
        .any(|t| matches!(*t, "-1" | "1" | "0" | "-0"))
    {
        (
            &c::SYS_KILL_ALL,
            "kill -1 ends every process the user can reach".into(),
        )
    } else {
        (&c::SYS_KILL, "ends processes".into())
    }
}
