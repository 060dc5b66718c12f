//! Bypassable Bash deny and ask rules: spellings of the same command that the rule misses.
//!
//! For each rule, a sample command the rule catches is rewritten the ways an agent (or a
//! shell) can say the same thing: other flag spellings, wrappers, `bash -c`, global options,
//! absolute paths, `VAR=1` prefixes. Each variant is matched under Claude Code's semantics
//! ([`super::bash_rule_match`]); those the rule does not catch are reported.

use crate::permission::RuleContent;

use super::bash_rule_match::RuleMatcher;
use super::finding::{Finding, line_column};
use super::rules::{RuleList, RuleSite};
use super::{Severity, SourceFile};

/// How many missed variants one finding lists.
const SHOWN: usize = 4;

/// Long flags and their one-letter forms, for the programs agents most often run.
const SHORT_FLAGS: &[(&str, &str)] = &[
    ("--force", "-f"),
    ("--recursive", "-r"),
    ("--delete", "-d"),
    ("--no-verify", "-n"),
    ("--all", "-a"),
    ("--hard", ""),
];

/// Reports the deny and ask rules that a variant of their own command slips past.
pub(crate) fn check(files: &[SourceFile], sites: &[RuleSite]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for site in sites {
        if site.list == RuleList::Allow || site.rule.tool != "Bash" {
            continue;
        }
        if !seen.insert((site.list, format!("{:?}", site.rule.content))) {
            continue;
        }
        let matcher = RuleMatcher::new(&site.rule.content);
        let Some(sample) = sample(&site.rule.content) else {
            continue;
        };
        if !matcher.catches(&sample) {
            continue;
        }
        let missed: Vec<(String, &str)> = variants(&sample)
            .into_iter()
            .filter(|(variant, _)| !matcher.catches(variant))
            .collect();
        if missed.is_empty() {
            continue;
        }
        let shown: Vec<String> = missed
            .iter()
            .take(SHOWN)
            .map(|(variant, how)| format!("`{variant}` ({how})"))
            .collect();
        let more = missed.len().saturating_sub(SHOWN);
        let program = sample.split_whitespace().next().unwrap_or("");
        let (line, column) = line_column(&files[site.file].text, site.offset);
        out.push(Finding {
            id: "HK301",
            severity: Severity::Warning,
            file: site.file,
            line,
            column,
            message: format!(
                "{} rule `{}` misses {} spelling{} of the same command: {}{}",
                site.list,
                site.rule.text.trim(),
                missed.len(),
                if missed.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            fix: Some(format!(
                "let pretooluse-gate own `{program}`: it removes wrappers and paths and reads flags before deciding"
            )),
        });
    }
    out
}

/// A command the rule is meant to catch.
fn sample(content: &RuleContent) -> Option<String> {
    let tail = |body: &str| {
        if body.starts_with("git push") {
            "origin main"
        } else {
            "target"
        }
    };
    match content {
        RuleContent::BashExact(e) => Some(e.clone()),
        RuleContent::BashPrefix(p) => Some(format!("{p} {}", tail(p))),
        RuleContent::BashWildcard(w) => {
            let program = w.split_whitespace().next()?;
            if program.contains('*') {
                return None;
            }
            let body = w
                .strip_suffix(" *")
                .map_or_else(|| w.clone(), |head| format!("{head} {}", tail(w)));
            Some(
                body.replace("\\*", "\u{0}")
                    .replace('*', "x")
                    .replace('\u{0}', "*"),
            )
        }
        _ => None,
    }
}

/// Rewrites of `sample` that run the same thing, each with how it was made.
fn variants(sample: &str) -> Vec<(String, &'static str)> {
    let words: Vec<&str> = sample.split_whitespace().collect();
    let Some((&program, rest)) = words.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<(String, &'static str)> = Vec::new();
    flag_spellings(program, rest, &mut out);
    if program == "git" {
        out.push((format!("git -C . {}", rest.join(" ")), "global option"));
    }
    for wrapper in ["sudo", "env", "command", "nice", "timeout 5"] {
        out.push((format!("{wrapper} {sample}"), "wrapper"));
    }
    out.push((format!("bash -c '{sample}'"), "bash -c"));
    if !program.contains('/') {
        out.push((
            format!("/usr/bin/{program} {}", rest.join(" ")),
            "absolute path",
        ));
    }
    out.push((format!("VAR=1 {sample}"), "env-var prefix"));
    let mut seen = std::collections::HashSet::new();
    out.retain(|(v, _)| {
        let v = v.trim().to_owned();
        v != sample && seen.insert(v)
    });
    for (v, _) in &mut out {
        *v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out
}

fn with_word(program: &str, rest: &[&str], index: usize, replacement: &str) -> String {
    let mut words = vec![program];
    for (i, w) in rest.iter().enumerate() {
        if i == index {
            if !replacement.is_empty() {
                words.push(replacement);
            }
        } else {
            words.push(w);
        }
    }
    words.join(" ")
}

fn flag_spellings(program: &str, rest: &[&str], out: &mut Vec<(String, &'static str)>) {
    for (i, word) in rest.iter().enumerate() {
        if let Some(long) = word.strip_prefix("--").filter(|l| l.len() > 2) {
            let abbreviated = format!("--{}", &long[..long.len() - 1]);
            out.push((
                with_word(program, rest, i, &abbreviated),
                "abbreviated flag",
            ));
            if let Some((_, short)) = SHORT_FLAGS.iter().find(|(l, s)| l == word && !s.is_empty()) {
                out.push((with_word(program, rest, i, short), "short flag"));
            }
            if i + 1 < rest.len() {
                let mut moved: Vec<&str> = rest.to_vec();
                let flag = moved.remove(i);
                moved.push(flag);
                out.push((
                    format!("{program} {}", moved.join(" ")),
                    "flag after operands",
                ));
            }
            if program == "git"
                && rest.first() == Some(&"push")
                && *word == "--force"
                && let Some(last) = rest.len().checked_sub(1).filter(|&l| l != i)
            {
                let without: Vec<&str> = rest
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(j, w)| if j == last { "" } else { *w })
                    .collect();
                out.push((
                    format!("{program} {} +{}", without.join(" "), rest[last]),
                    "+refspec",
                ));
            }
        } else if let Some(letters) = word.strip_prefix('-').filter(|l| {
            !l.starts_with('-') && !l.is_empty() && l.chars().all(|c| c.is_ascii_alphabetic())
        }) {
            if letters.len() > 1 {
                let reversed: String = letters.chars().rev().collect();
                out.push((
                    with_word(program, rest, i, &format!("-{reversed}")),
                    "bundled flags reordered",
                ));
                let long: Option<Vec<&str>> = letters
                    .chars()
                    .map(|c| {
                        SHORT_FLAGS
                            .iter()
                            .find(|(_, s)| s.len() == 2 && s.ends_with(c))
                            .map(|(l, _)| *l)
                    })
                    .collect();
                if let Some(long) = long {
                    out.push((with_word(program, rest, i, &long.join(" ")), "long flags"));
                }
                let split: Vec<String> = letters.chars().map(|c| format!("-{c}")).collect();
                out.push((with_word(program, rest, i, &split.join(" ")), "flags split"));
            } else if let Some((long, _)) = SHORT_FLAGS.iter().find(|(_, s)| s == word) {
                out.push((with_word(program, rest, i, long), "long flag"));
            }
            if let Some(next) = rest
                .get(i + 1)
                .and_then(|n| n.strip_prefix('-'))
                .filter(|n| {
                    !n.starts_with('-')
                        && !n.is_empty()
                        && n.chars().all(|c| c.is_ascii_alphabetic())
                })
            {
                let mut joined: Vec<&str> = rest.to_vec();
                let bundle = format!("-{letters}{next}");
                joined.splice(i..=i + 1, [bundle.as_str()]);
                out.push((format!("{program} {}", joined.join(" ")), "bundled flags"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_catches(content: &RuleContent, line: &str) -> bool {
        RuleMatcher::new(content).catches(line)
    }

    #[test]
    fn force_push_rule_misses_short_flag_and_refspec() {
        let content = RuleContent::BashPrefix("git push --force".into());
        let sample = sample(&content).unwrap();
        assert_eq!(sample, "git push --force origin main");
        let missed: Vec<String> = variants(&sample)
            .into_iter()
            .filter(|(v, _)| !rule_catches(&content, v))
            .map(|(v, _)| v)
            .collect();
        assert!(missed.contains(&"git push -f origin main".to_owned()));
        assert!(missed.contains(&"git push origin +main".to_owned()));
        assert!(missed.contains(&"git push --forc origin main".to_owned()));
        assert!(missed.contains(&"sudo git push --force origin main".to_owned()));
        assert!(missed.contains(&"git -C . push --force origin main".to_owned()));
        assert!(!missed.contains(&"VAR=1 git push --force origin main".to_owned()));
    }

    #[test]
    fn rm_rule_variants_cover_bundles() {
        let v: Vec<String> = variants("rm -rf target")
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(v.contains(&"rm -fr target".to_owned()));
        assert!(v.contains(&"rm -r -f target".to_owned()));
        let v: Vec<String> = variants("rm -r -f target")
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(v.contains(&"rm -rf target".to_owned()));
    }

    #[test]
    fn a_catch_all_deny_is_not_reported() {
        let content = RuleContent::BashWildcard("*git*".into());
        assert!(sample(&content).is_none());
    }
}
