//! The reference pages generated from the code: the policy reference from the schema
//! catalogue, the class catalogue from the classifier's, and the lint catalogue from
//! rules-lint's (the decision table's page is checked by the gate's tests). Each test regenerates its page and
//! compares it with the checked-in one (`HOOKKIT_BLESS=1` writes it).

use std::fmt::Write as _;

use hookkit::classify::catalog::CLASSES;
use hookkit::config::schema::{self, Kind, Section};
use hookkit::lint::catalog::ENTRIES;

use super::check_generated;

const GENERATED: &str = "<!-- Generated from the code by tests/hookkit/docs.rs: do not edit by hand. \
     Change the code, then run `HOOKKIT_BLESS=1 cargo test --test integration hookkit::docs`. -->";

/// A table cell: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn keys_table(out: &mut String, keys: &[schema::Key]) {
    out.push_str("| key | value | default | across layers | meaning |\n|---|---|---|---|---|\n");
    for key in keys {
        let default = if key.default.is_empty() {
            "—".to_owned()
        } else {
            format!("`{}`", key.default)
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            key.name,
            cell(&key.kind.describe()),
            cell(&default),
            key.merge.describe(),
            cell(key.doc)
        );
    }
}

fn section(out: &mut String, section: &Section) {
    let header = if section.array {
        format!("[[{}]]", section.name)
    } else {
        format!("[{}]", section.name)
    };
    let _ = writeln!(out, "\n## `{header}`\n\n{}\n", section.doc);
    keys_table(out, section.keys);
    for key in section.keys {
        if let Kind::Tables(inner) = key.kind {
            let _ = writeln!(
                out,
                "\n### `[[{}.{}]]`\n\n{}\n",
                section.name, key.name, key.doc
            );
            keys_table(out, inner);
        }
    }
}

#[test]
fn the_policy_reference_is_generated_from_the_schema() {
    let mut out = format!(
        "# Policy reference: `hookkit.toml`\n\n{GENERATED}\n\n\
         hookkit reads its policy in layers, lowest first: the built-in defaults, your own \
         `~/.claude/hookkit.toml` and its section for this project (`[project.\"/abs/path\"]`), \
         then the project's `.claude/hookkit.toml`, and in a hook `HOOKKIT_POLICY`. A file named \
         with `--policy` (or `HOOKKIT_POLICY` for a person) replaces your file and the project's.\n\n\
         Your files and a `--policy` file are trusted: they override one another in order. The \
         project's file and `HOOKKIT_POLICY` in a hook are not (whoever controls the repository \
         writes them), so they can only tighten; the column \"across layers\" says how. What they \
         set that is not honoured is reported by `hookkit status` and `rules-lint` (HK409).\n\n\
         A file with an unknown section or key, or a value of the wrong kind, is refused as a \
         whole: the gate then answers its failure decision for every call until it is fixed \
         (`rules-lint` reports it as an error, HK405/HK407).\n\n\
         The gate modes, loosest first: {}.\n",
        schema::MODES
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for s in schema::SECTIONS {
        section(&mut out, s);
    }
    let _ = writeln!(
        out,
        "\n## `[{0}.\"/abs/path\"]` (your own file only)\n\nAny of the sections above, for one \
         project, in `~/.claude/hookkit.toml`: `[{0}.\"/home/me/app\".gate]` with `mode = \
         \"auto\"` opts that project alone into `auto`. `hookkit init --mode auto`, run in the \
         project, writes it. A project's own file may not hold such a section.",
        schema::PROJECT_SECTIONS
    );
    check_generated("docs/policy.md", &out);
}

/// How an enum with a `serde` name reads.
macro_rules! name_of {
    ($value:expr) => {
        serde_json::to_value($value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
}

#[test]
fn the_class_catalogue_is_generated_from_the_classifier() {
    let mut out = format!(
        "# Class catalogue\n\n{GENERATED}\n\n\
         Every class id the built-in classifier reports, with its risk, where its effect lands \
         (reach) and whether it can be undone. These are the ids `explain` and the audit trail \
         show, and the ids `[review] rule_ids` and `[[permission_denied.override]] rule` take \
         (rules-lint warns about an id not listed here, HK408).\n\n\
         Reach and reversibility decide the effect the decision table reads: reads; local, \
         reversible work (which `auto` may allow without a prompt); or what needs a person.\n\n\
         | class | risk | reach | reversible | effect | what it is |\n|---|---|---|---|---|---|\n"
    );
    for class in CLASSES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            class.id,
            class.risk.as_str(),
            name_of!(class.reach),
            name_of!(class.reversibility),
            name_of!(class.effect()),
            cell(class.summary)
        );
    }
    check_generated("docs/classes.md", &out);
}

#[test]
fn the_lint_catalogue_is_generated_from_rules_lint() {
    let mut out = format!(
        "# rules-lint findings\n\n{GENERATED}\n\n\
         Every finding `rules-lint` (and `hookkit lint`) can report. Ids are stable: a number is \
         never reused. `HK0xx` are file-level problems, `HK1xx` hooks, `HK2xx` permission rules, \
         `HK3xx` bypassable rules, `HK4xx` hookkit policy files and `HK5xx` results of \
         `--verify`. `rules-lint --explain ID` prints one entry.\n\n\
         | id | name | severity |\n|---|---|---|\n"
    );
    for entry in ENTRIES {
        let _ = writeln!(
            out,
            "| [{0}](#{1}) | {2} | {3} |",
            entry.id,
            entry.id.to_lowercase(),
            entry.title,
            entry.severity
        );
    }
    for entry in ENTRIES {
        let _ = writeln!(
            out,
            "\n## {}\n\n`{}`, {}.\n\n{}",
            entry.id, entry.title, entry.severity, entry.explain
        );
    }
    check_generated("docs/lint.md", &out);
}
