//! Metamorphic tests of the gate: the agent it guards rewrites a blocked command until
//! something passes, so a disguised command (wrapped in `sudo`, `bash -c`, `$(...)`, a
//! subshell, quotes inside its name, an absolute path...) must never get a weaker decision
//! than the command itself (`deny > ask > no opinion > allow`), and a harmless command must
//! not become a deny by wearing a purely syntactic disguise.
//!
//! Cases come from a seeded generator: the seed is fixed by default and printed with every
//! failure; `HOOKKIT_METAMORPHIC_SEED=<n>` runs another set. Thousands of cases go through
//! `hookkit::gate::handle` in-process, a sample through the real `pretooluse-gate` binary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::robust::corpus::{self, Original};
use crate::robust::decision::{self, Decision, Strength};
use crate::robust::disguise::{Disguise, disguise};
use crate::robust::rng::{self, Rng};
use crate::util::Sandbox;

/// Disguised destructive commands decided in-process.
const DESTRUCTIVE_CASES: usize = 3000;
/// Disguised harmless commands decided in-process.
const HARMLESS_CASES: usize = 1000;
/// Disguised commands (destructive, harmless) decided by the real binary.
const BINARY_SAMPLE: (usize, usize) = (200, 100);
/// How many violations a failure lists in full (every disguise kind is listed at least once).
const LISTED: usize = 40;

/// One generated case.
#[derive(Debug, Clone)]
struct Case {
    original: Original,
    disguised: String,
    applied: Vec<Disguise>,
}

impl Case {
    fn chain(&self) -> String {
        self.applied
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// `total` cases spread evenly over `originals`, each from its own stream of `seed`.
fn generate(
    originals: &[Original],
    allowed: &[Disguise],
    total: usize,
    seed: u64,
    salt: u64,
) -> Vec<Case> {
    let per_original = total.div_ceil(originals.len()).max(1);
    let mut cases = Vec::new();
    for (i, original) in originals.iter().enumerate() {
        for k in 0..per_original {
            let stream = (salt << 48) ^ ((i as u64) << 20) ^ k as u64;
            let mut rng = Rng::new(seed, stream);
            if let Some((disguised, applied)) = disguise(&original.command, allowed, &mut rng) {
                cases.push(Case {
                    original: original.clone(),
                    disguised,
                    applied,
                });
            }
        }
    }
    cases
}

/// Applies `decide` to every distinct command line, on a few threads.
fn decide_all(
    lines: &[&str],
    decide: &(dyn Fn(&str) -> Decision + Sync),
) -> BTreeMap<String, Decision> {
    let mut unique: Vec<&str> = lines.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let chunk = unique.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = unique
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|line| ((*line).to_owned(), decide(line)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a decision thread panicked"))
            .collect()
    })
}

/// A case that broke the property, with both decisions.
struct Violation<'a> {
    case: &'a Case,
    before: &'a Decision,
    after: &'a Decision,
}

/// Checks every case with `holds(before, after)` and panics with an actionable report.
fn check(
    what: &str,
    property: &str,
    seed: u64,
    cases: &[Case],
    decide: &(dyn Fn(&str) -> Decision + Sync),
    holds: fn(&Decision, &Decision) -> bool,
) {
    let mut lines: Vec<&str> = cases.iter().map(|c| c.disguised.as_str()).collect();
    lines.extend(cases.iter().map(|c| c.original.command.as_str()));
    let decisions = decide_all(&lines, decide);
    let violations: Vec<Violation<'_>> = cases
        .iter()
        .filter_map(|case| {
            let before = &decisions[&case.original.command];
            let after = &decisions[&case.disguised];
            let broken = !holds(before, after) || before.is_panic() || after.is_panic();
            broken.then_some(Violation {
                case,
                before,
                after,
            })
        })
        .collect();
    if violations.is_empty() {
        return;
    }
    panic!("{}", report(what, property, seed, cases.len(), &violations));
}

/// The failure report: counts by disguise and by original class, then the cases themselves,
/// each kind of disguise at least once.
fn report(
    what: &str,
    property: &str,
    seed: u64,
    total: usize,
    violations: &[Violation<'_>],
) -> String {
    let mut by_disguise: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
    for v in violations {
        for d in &v.case.applied {
            *by_disguise.entry(d.name()).or_default() += 1;
        }
        *by_class.entry(v.case.original.class.as_str()).or_default() += 1;
    }
    let mut listed: Vec<&Violation<'_>> = Vec::new();
    let mut kinds_listed = std::collections::BTreeSet::new();
    for v in violations {
        if v.case.applied.iter().any(|d| kinds_listed.insert(*d)) {
            listed.push(v);
        }
    }
    for v in violations {
        if listed.len() >= LISTED.max(kinds_listed.len()) {
            break;
        }
        if !listed.iter().any(|l| std::ptr::eq(*l, v)) {
            listed.push(v);
        }
    }
    let mut out = format!(
        "{} of {total} disguised {what} broke the property: {property}\n\
         seed {seed:#x} (rerun: HOOKKIT_METAMORPHIC_SEED={seed:#x} cargo test metamorphic)\n\
         violations by disguise: {by_disguise:?}\n\
         violations by original class: {by_class:?}\n",
        violations.len()
    );
    for v in listed {
        let _ = write!(
            out,
            "\n  [{}] {:?}  ->  {}\n    disguised ({}): {:?}  ->  {}\n",
            v.case.original.class,
            v.case.original.command,
            v.before,
            v.case.chain(),
            v.case.disguised,
            v.after,
        );
    }
    out
}

fn never_weaker(before: &Decision, after: &Decision) -> bool {
    after.strength >= before.strength
}

fn not_turned_into_deny(before: &Decision, after: &Decision) -> bool {
    before.strength == Strength::Deny || after.strength != Strength::Deny
}

#[test]
fn disguised_destructive_commands_never_get_a_weaker_decision() {
    let seed = rng::seed_from_env();
    let sandbox = Sandbox::new();
    let project = sandbox.project();
    let cases = generate(
        &corpus::destructive(),
        Disguise::ALL,
        DESTRUCTIVE_CASES,
        seed,
        1,
    );
    check(
        "destructive commands (in-process gate)",
        "the disguised decision is never weaker than the original's",
        seed,
        &cases,
        &|line| decision::in_process(line, &project),
        never_weaker,
    );
}

#[test]
fn disguised_harmless_commands_are_never_denied() {
    let seed = rng::seed_from_env();
    let sandbox = Sandbox::new();
    let project = sandbox.project();
    let cases = generate(&corpus::safe(), Disguise::HARMLESS, HARMLESS_CASES, seed, 2);
    check(
        "harmless commands (in-process gate)",
        "a syntactic disguise does not turn a harmless command into a deny",
        seed,
        &cases,
        &|line| decision::in_process(line, &project),
        not_turned_into_deny,
    );
}

/// Every `step`-th case, so the sample spreads over every original.
fn sample(cases: Vec<Case>, size: usize) -> Vec<Case> {
    let step = (cases.len() / size.max(1)).max(1);
    cases.into_iter().step_by(step).take(size).collect()
}

#[test]
fn sampled_disguises_through_the_binary_never_get_a_weaker_decision() {
    let seed = rng::seed_from_env();
    let sandbox = Sandbox::new();
    let binary = |line: &str| decision::through_binary(&sandbox, line);
    let destructive = sample(
        generate(
            &corpus::destructive(),
            Disguise::ALL,
            DESTRUCTIVE_CASES,
            seed,
            3,
        ),
        BINARY_SAMPLE.0,
    );
    check(
        "destructive commands (pretooluse-gate binary)",
        "the disguised decision is never weaker than the original's",
        seed,
        &destructive,
        &binary,
        never_weaker,
    );
    let harmless = sample(
        generate(&corpus::safe(), Disguise::HARMLESS, HARMLESS_CASES, seed, 4),
        BINARY_SAMPLE.1,
    );
    check(
        "harmless commands (pretooluse-gate binary)",
        "a syntactic disguise does not turn a harmless command into a deny",
        seed,
        &harmless,
        &binary,
        not_turned_into_deny,
    );
}

#[test]
fn the_generator_uses_every_disguise_often() {
    let seed = rng::seed_from_env();
    let cases = generate(
        &corpus::destructive(),
        Disguise::ALL,
        DESTRUCTIVE_CASES,
        seed,
        1,
    );
    assert!(
        cases.len() >= DESTRUCTIVE_CASES * 9 / 10,
        "{} cases",
        cases.len()
    );
    let mut uses: BTreeMap<Disguise, usize> = BTreeMap::new();
    for case in &cases {
        for d in &case.applied {
            *uses.entry(*d).or_default() += 1;
        }
        assert_ne!(case.disguised, case.original.command);
    }
    for d in Disguise::ALL {
        let n = uses.get(d).copied().unwrap_or_default();
        assert!(
            n >= 40,
            "disguise {} used only {n} times: {uses:?}",
            d.name()
        );
    }
}

/// Runs `line` with bash in a fresh directory, with `sudo` and `doas` standing for themselves
/// (they run their arguments), and returns the directory.
fn run_in_bash(root: &Path, bin: &Path, case: usize, line: &str) -> std::path::PathBuf {
    let dir = root.join(format!("case-{case}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The stand-ins for `sudo` and `doas` also answer to the absolute paths of the real ones.
    let mut line = line.to_owned();
    for wrapper in ["sudo", "doas"] {
        let stand_in = bin.join(wrapper).display().to_string();
        line = line.replace(&format!("/usr/bin/{wrapper}"), &stand_in);
    }
    let status = Command::new("bash")
        .arg("-c")
        .arg(&line)
        .current_dir(&dir)
        .env("PATH", path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    status.expect("running bash");
    dir
}

#[test]
fn disguises_preserve_meaning_under_bash() {
    let seed = rng::seed_from_env();
    let root = tempfile::tempdir().unwrap();
    let bin = root.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for wrapper in ["sudo", "doas"] {
        let path = bin.join(wrapper);
        std::fs::write(&path, "#!/bin/sh\nexec \"$@\"\n").unwrap();
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    let probes = [
        ("probe.touch", "touch hit", "hit"),
        ("probe.and", "mkdir -p d && touch d/hit", "d/hit"),
        ("probe.pipe", "printf 'x y' | tee hit", "hit"),
        ("probe.quotes", "touch 'a b' \"c d\"", "c d"),
    ];
    let originals: Vec<Original> = probes
        .iter()
        .map(|(class, command, _)| Original {
            class: (*class).to_owned(),
            command: (*command).to_owned(),
        })
        .collect();
    let cases = generate(&originals, Disguise::ALL, 240, seed, 5);
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let dir = run_in_bash(root.path(), &bin, n, &case.disguised);
        let (_, _, expected) = probes
            .iter()
            .find(|(_, command, _)| *command == case.original.command)
            .unwrap();
        if !dir.join(expected).exists() {
            failures.push(format!(
                "  {:?} disguised ({}) as {:?} did not create {expected}",
                case.original.command,
                case.chain(),
                case.disguised
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "disguises that change what bash runs (seed {seed:#x}):\n{}",
        failures.join("\n")
    );
}

#[test]
fn quoting_disguises_escape_what_they_wrap() {
    let mut rng = Rng::new(1, 1);
    let line = r#"psql -c 'DROP TABLE "users"' $HOME `id` \x"#;
    assert_eq!(
        Disguise::BashC.apply(line, &mut rng).unwrap(),
        r#"bash -c 'psql -c '\''DROP TABLE "users"'\'' $HOME `id` \x'"#
    );
    assert_eq!(
        Disguise::ShC.apply(line, &mut rng).unwrap(),
        r#"sh -c "psql -c 'DROP TABLE \"users\"' \$HOME \`id\` \\x""#
    );
    assert_eq!(
        Disguise::RedirectBetweenWords
            .apply("rm -rf /", &mut rng)
            .map(|l| l.replace("2>>", "2>").replace("</dev/null", "2>/dev/null")),
        Some("rm 2>/dev/null -rf /".to_owned())
    );
    assert_eq!(Disguise::Sudo.apply("cd / && rm -rf *", &mut rng), None);
    assert_eq!(
        Disguise::AbsolutePath.apply("rm -rf /", &mut rng).unwrap(),
        "/bin/rm -rf /"
    );
    assert_eq!(Disguise::Backticks.apply(r"rm \x", &mut rng), None);
    assert_eq!(Disguise::ThenTrue.apply("sleep 1 &", &mut rng), None);
}
