//! Global options that programs take before their subcommand, removed so that a rule names the
//! subcommand as a person would: `git -C . push`, `git -c k=v push` and `git --no-pager push`
//! all run `git push`; `npm --tag next publish` runs `npm publish`.
//!
//! Deny and ask rules are matched against the command as written, with its wrappers removed,
//! and with these options removed too, so that a user's `deny = ["Bash(git push:*)"]` means
//! what they meant. Allow rules never look through anything.

/// A program's global options that take a separate value (`-C dir`); every other leading word
/// that starts with `-` is an option on its own. Only the options before the subcommand are
/// removed.
struct Globals {
    program: &'static str,
    /// Options whose value is the next word (unless written `--opt=value` or `-Xvalue`).
    with_value: &'static [&'static str],
    /// A leading word that is not an option but still comes before the subcommand
    /// (`cargo +nightly build`).
    plus_toolchain: bool,
}

const GLOBALS: &[Globals] = &[
    Globals {
        program: "git",
        with_value: &[
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "--namespace",
            "--exec-path",
            "--config-env",
            "--super-prefix",
            "--attr-source",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "npm",
        with_value: &[
            "--tag",
            "--registry",
            "-w",
            "--workspace",
            "--prefix",
            "--loglevel",
            "--userconfig",
            "--globalconfig",
            "--cache",
            "--otp",
            "--access",
            "-C",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "pnpm",
        with_value: &[
            "-C",
            "--dir",
            "-F",
            "--filter",
            "-w",
            "--workspace",
            "--reporter",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "yarn",
        with_value: &["--cwd", "--registry"],
        plus_toolchain: false,
    },
    Globals {
        program: "cargo",
        with_value: &["-Z", "--config", "-C", "--color", "--target-dir"],
        plus_toolchain: true,
    },
    Globals {
        program: "docker",
        with_value: &[
            "-H",
            "--host",
            "-c",
            "--context",
            "--config",
            "-l",
            "--log-level",
            "--tlscacert",
            "--tlscert",
            "--tlskey",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "podman",
        with_value: &[
            "--connection",
            "-c",
            "--url",
            "--root",
            "--runroot",
            "--log-level",
            "--identity",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "kubectl",
        with_value: &[
            "-n",
            "--namespace",
            "--context",
            "--kubeconfig",
            "--cluster",
            "--user",
            "-s",
            "--server",
            "--as",
            "--as-group",
            "--token",
            "-v",
            "--request-timeout",
            "--cache-dir",
            "--certificate-authority",
            "--client-certificate",
            "--client-key",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "helm",
        with_value: &[
            "-n",
            "--namespace",
            "--kube-context",
            "--kubeconfig",
            "--registry-config",
            "--repository-config",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "terraform",
        with_value: &[],
        plus_toolchain: false,
    },
    Globals {
        program: "aws",
        with_value: &[
            "--profile",
            "--region",
            "--output",
            "--endpoint-url",
            "--query",
            "--cli-read-timeout",
            "--cli-connect-timeout",
            "--ca-bundle",
            "--color",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "gcloud",
        with_value: &[
            "--project",
            "--account",
            "--configuration",
            "--verbosity",
            "--format",
            "--impersonate-service-account",
            "--billing-project",
        ],
        plus_toolchain: false,
    },
    Globals {
        program: "gh",
        with_value: &["-R", "--repo", "--hostname"],
        plus_toolchain: false,
    },
];

/// `words` (a simple command, program first) with the program's leading global options
/// removed; `None` when the program has none in the table or none were written.
pub(crate) fn without_global_options(words: &[String]) -> Option<Vec<String>> {
    let program = words.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    let globals = GLOBALS.iter().find(|g| g.program == name)?;
    let mut i = 1;
    while let Some(word) = words.get(i) {
        if globals.plus_toolchain && i == 1 && word.starts_with('+') {
            i += 1;
            continue;
        }
        if word == "--" || !word.starts_with('-') || word == "-" {
            break;
        }
        // `--opt=value` and glued `-nvalue` are one word; `--opt value` and `-n value` two.
        let takes_value = globals.with_value.contains(&word.as_str());
        i += if takes_value { 2 } else { 1 };
    }
    if i == 1 {
        return None;
    }
    let mut out = vec![program.clone()];
    out.extend(words.iter().skip(i).cloned());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(line: &str) -> Option<String> {
        let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        without_global_options(&words).map(|w| w.join(" "))
    }

    #[test]
    fn leading_global_options_are_removed() {
        assert_eq!(
            strip("git -C . push origin").as_deref(),
            Some("git push origin")
        );
        assert_eq!(strip("git -c k=v push").as_deref(), Some("git push"));
        assert_eq!(strip("git --no-pager push").as_deref(), Some("git push"));
        assert_eq!(
            strip("git --git-dir=.git -c a=b --no-pager push --force").as_deref(),
            Some("git push --force")
        );
        assert_eq!(
            strip("npm --tag next publish").as_deref(),
            Some("npm publish")
        );
        assert_eq!(
            strip("cargo +nightly --locked publish").as_deref(),
            Some("cargo publish")
        );
        assert_eq!(
            strip("kubectl -n prod --context c delete pod x").as_deref(),
            Some("kubectl delete pod x")
        );
        assert_eq!(
            strip("docker -H tcp://h:2375 rm -f x").as_deref(),
            Some("docker rm -f x")
        );
        assert_eq!(
            strip("/usr/bin/git -C x push").as_deref(),
            Some("/usr/bin/git push")
        );
        assert_eq!(strip("git push"), None);
        assert_eq!(strip("ls -la"), None);
    }
}
