//! Printing a [`Report`]: rustc-like text, JSON, or SARIF 2.1.0 for code-scanning upload.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Report, Severity, catalog};

/// The SARIF schema the output declares.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The report as text: each finding with its source line and a caret, then a summary.
pub fn text(report: &Report, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    for f in &report.findings {
        let file = &report.files[f.file];
        let tint = match f.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => CYAN,
        };
        let head = paint(tint, &format!("{}[{}]", f.severity, f.id));
        let _ = writeln!(out, "{head}{}", paint(BOLD, &format!(": {}", f.message)));
        let source_line = file.text.lines().nth(f.line - 1).unwrap_or("");
        let gutter = f.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint(BLUE, "-->"),
            file.display,
            f.line,
            f.column
        );
        let _ = writeln!(out, "{pad} {}", paint(BLUE, "|"));
        let shown: String = source_line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let _ = writeln!(
            out,
            "{} {} {}",
            paint(BLUE, &f.line.to_string()),
            paint(BLUE, "|"),
            shown.trim_end()
        );
        let caret = format!("{}^", " ".repeat(f.column.saturating_sub(1)));
        let _ = writeln!(out, "{pad} {} {}", paint(BLUE, "|"), paint(tint, &caret));
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "{pad} = {} {fix}", paint(BOLD, "fix:"));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary(report));
    out
}

/// One line: how many errors, warnings and notes in how many files.
pub fn summary(report: &Report) -> String {
    let files = report.files.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if report.findings.is_empty() {
        return format!("no problems found in {}", plural(files, "file"));
    }
    format!(
        "{}, {}, {} in {}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "note"),
        plural(files, "file")
    )
}

/// The report as one JSON object: `files`, `findings` and `summary`.
pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "severity": f.severity.as_str(),
                "file": report.files[f.file].display,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "fix": f.fix,
            })
        })
        .collect();
    let files: Vec<Value> = report
        .files
        .iter()
        .map(|f| json!({"path": f.display, "layer": f.layer}))
        .collect();
    json!({
        "files": files,
        "findings": findings,
        "summary": {
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "notes": report.count(Severity::Info),
        }
    })
}

/// The report as a SARIF 2.1.0 log with one run; every catalogue entry is a rule.
pub fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = catalog::ENTRIES
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "name": e.title,
                "shortDescription": {"text": e.title},
                "fullDescription": {"text": e.explain},
                "defaultConfiguration": {"level": e.severity.sarif_level()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule_index = catalog::ENTRIES.iter().position(|e| e.id == f.id);
            let mut text = f.message.clone();
            if let Some(fix) = &f.fix {
                let _ = write!(text, " (fix: {fix})");
            }
            json!({
                "ruleId": f.id,
                "ruleIndex": rule_index,
                "level": f.severity.sarif_level(),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&report.files[f.file].display)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rules-lint",
                "version": crate::VERSION,
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A path as a relative URI reference: forward slashes, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}
