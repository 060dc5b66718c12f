//! The machine itself: power, processes, users, schedulers, firewalls.

use super::Risk;
use super::bash::{Subject, Verdict};

/// Judges system programs; returns whether `program` is one.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let text = s.text();
    match program {
        "shutdown" | "reboot" | "halt" | "poweroff" | "kexec" => {
            if args.iter().any(|a| *a == "-c" || *a == "--help") {
                v.add("sys.power", Risk::Low, "cancels a shutdown", text);
            } else {
                v.add(
                    "sys.power",
                    Risk::High,
                    format!("{program} stops the machine"),
                    text,
                );
            }
        }
        "init" | "telinit" if matches!(args.first(), Some(&("0" | "6" | "1" | "s" | "S"))) => {
            v.add(
                "sys.power",
                Risk::High,
                "changes the runlevel (stops the machine)",
                text,
            );
        }
        "systemctl" => match args.iter().find(|a| !a.starts_with('-')).copied() {
            Some(
                "poweroff" | "reboot" | "halt" | "kexec" | "suspend" | "hibernate" | "rescue"
                | "emergency",
            ) => {
                v.add(
                    "sys.power",
                    Risk::High,
                    "stops or suspends the machine",
                    text,
                );
            }
            Some(
                "stop" | "disable" | "mask" | "kill" | "restart" | "isolate" | "daemon-reload"
                | "enable" | "start",
            ) => {
                v.add("sys.service", Risk::Medium, "changes system services", text);
            }
            _ => v.add("sys.read", Risk::Low, "reads service state", text),
        },
        "kill" => kill(&args, s, v),
        "killall" | "pkill" | "skill" | "slay" => {
            let all_users = args.iter().any(|a| *a == "-u" || *a == "root");
            let risk = if all_users
                || program == "killall" && args.iter().any(|a| *a == "-9" || *a == "-KILL")
            {
                Risk::High
            } else {
                Risk::Medium
            };
            v.add(
                "sys.kill-many",
                risk,
                format!("{program} ends every matching process"),
                text,
            );
        }
        "killall5" => v.add("sys.kill-all", Risk::High, "ends every process", text),
        "crontab" => {
            if args
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('r'))
            {
                v.add(
                    "sys.crontab-remove",
                    Risk::High,
                    "crontab -r deletes every scheduled job",
                    text,
                );
            } else if args.contains(&"-l") {
                v.add("sys.read", Risk::Low, "lists scheduled jobs", text);
            } else {
                v.add("sys.crontab", Risk::Medium, "replaces scheduled jobs", text);
            }
        }
        "userdel" | "deluser" | "groupdel" | "passwd" | "chpasswd" | "usermod" | "useradd"
        | "adduser" | "visudo" | "chsh" => {
            v.add(
                "sys.users",
                Risk::High,
                format!("{program} changes system accounts"),
                text,
            );
        }
        "iptables" | "ip6tables" | "nft" | "ufw" | "firewall-cmd" | "pfctl" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-L" | "--list" | "-S" | "status" | "list"))
            {
                v.add("sys.read", Risk::Low, "lists firewall rules", text);
            } else {
                v.add("sys.firewall", Risk::High, "changes the firewall", text);
            }
        }
        "mount" | "umount" | "swapoff" | "swapon" | "sysctl" | "modprobe" | "rmmod" | "insmod"
        | "setenforce" | "chattr" | "launchctl" | "csrutil" | "nvram" | "diskutil" | "tmutil" => {
            if args.is_empty()
                || args
                    .iter()
                    .all(|a| matches!(*a, "-a" | "-l" | "list" | "-n"))
                    && program != "swapoff"
            {
                v.add(
                    "sys.read",
                    Risk::Low,
                    format!("{program} lists state"),
                    text,
                );
            } else if program == "diskutil"
                && args.iter().any(|a| {
                    a.starts_with("erase") || a.starts_with("zero") || *a == "partitionDisk"
                })
            {
                v.add("disk.format", Risk::High, "erases a disk", text);
            } else {
                v.add(
                    "sys.config",
                    Risk::Medium,
                    format!("{program} changes system state"),
                    text,
                );
            }
        }
        "su" if args.iter().all(|a| a.starts_with('-') || *a == "root") => {
            v.add("sys.root-shell", Risk::Medium, "opens a root shell", text);
        }
        "sudo" | "doas" | "su" => {
            if args.is_empty() || args.iter().all(|a| a.starts_with('-')) {
                v.add(
                    "sys.root-shell",
                    Risk::Medium,
                    "opens a root shell or changes sudo state",
                    text,
                );
            } else {
                v.add("exec.root", Risk::Medium, "runs as another user", text);
            }
        }
        "history" if args.iter().any(|a| *a == "-c" || *a == "-w") => v.add(
            "sys.history",
            Risk::Medium,
            "clears the shell history",
            text,
        ),
        _ => return false,
    }
    true
}

fn kill(args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    if args.iter().any(|a| *a == "-l" || *a == "-L") {
        v.add("sys.read", Risk::Low, "lists signals", text);
        return;
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
        v.add(
            "sys.read",
            Risk::Low,
            "kill -0 only checks that a process exists",
            text,
        );
    } else if targets
        .iter()
        .any(|t| matches!(*t, "-1" | "1" | "0" | "-0"))
    {
        v.add(
            "sys.kill-all",
            Risk::High,
            "kill -1 ends every process the user can reach",
            text,
        );
    } else {
        v.add("sys.kill", Risk::Medium, "ends processes", text);
    }
}
