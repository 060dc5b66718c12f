//! `rules-lint`: finds the permission rules and hooks that silently do nothing, or less than
//! they say, in Claude Code settings, plugin `hooks/hooks.json` files and hookkit policies.
//!
//! [`discover`] finds the files that apply to a project, [`lint`] checks them and returns a
//! [`Report`] of [`Finding`]s (each with a stable id from [`catalog`]), [`render`] prints the
//! report as text, JSON or SARIF, and [`verify`] runs the wired PreToolUse hooks against
//! dangerous and safe payloads.

pub(crate) mod bash_rule_match;
mod bypass;
pub mod catalog;
pub mod discover;
mod finding;
mod hooks;
mod json;
mod policy;
pub mod render;
mod rules;
mod settings;
pub(crate) mod suggest;
pub mod verify;

use std::path::{Path, PathBuf};

pub use finding::{Finding, Severity};
pub use rules::RuleList;

/// What kind of file a [`SourceFile`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A Claude Code `settings.json` (managed, user, project, local or explicit).
    Settings,
    /// A plugin's `hooks/hooks.json`: `{"description"?, "hooks": {...}}`.
    PluginHooks,
    /// A hookkit policy file (`hookkit.toml`).
    Policy,
}

impl FileKind {
    /// Guesses the kind from a file name: `*.toml` is a policy, `hooks.json` a plugin's hooks,
    /// anything else a settings file.
    pub fn from_path(path: &Path) -> Self {
        let is_toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if is_toml {
            Self::Policy
        } else if path.file_name().and_then(|n| n.to_str()) == Some("hooks.json") {
            Self::PluginHooks
        } else {
            Self::Settings
        }
    }
}

/// One file to lint, already read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The path as shown in findings (relative to the working directory when inside it).
    pub display: String,
    /// What it is.
    pub kind: FileKind,
    /// Which layer it is (`managed`, `user`, `project`, `local`, `plugin`, `policy`, `file`).
    pub layer: &'static str,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// Reads `path` as a file of `kind` in `layer`, shown as `display`.
    pub fn read(
        path: &Path,
        display: String,
        kind: FileKind,
        layer: &'static str,
    ) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::Error::io("reading file to lint", path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            display,
            kind,
            layer,
            text,
        })
    }
}

/// What the lint may assume about the machine the settings are used on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The project root (`CLAUDE_PROJECT_DIR`), for `"$CLAUDE_PROJECT_DIR"/...` commands.
    pub project_dir: PathBuf,
    /// The home directory, for `~/...` commands.
    pub home: Option<PathBuf>,
    /// The `PATH` to look bare command names up in.
    pub path_var: Option<std::ffi::OsString>,
    /// The settings are used only by headless runs (`claude -p`), where defer works.
    pub headless: bool,
}

/// The result of linting a set of files.
#[derive(Debug, Clone)]
pub struct Report {
    /// The files, in the order given; [`Finding::file`] indexes into it.
    pub files: Vec<SourceFile>,
    /// The findings, sorted by file, line and column.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether the report fails the run: any error, or any warning when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.count(Severity::Error) > 0 || (strict && self.count(Severity::Warning) > 0)
    }

    /// Adds findings (from [`verify`]) and keeps the order.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
        sort(&mut self.findings);
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file, a.line, a.column, a.id, &a.message)
            .cmp(&(b.file, b.line, b.column, b.id, &b.message))
    });
}

/// Lints `files` together: each on its own, then the permission rules across all of them
/// (duplicates, shadowing and bypasses span layers).
pub fn lint(files: Vec<SourceFile>, options: &Options) -> Report {
    let mut findings = Vec::new();
    let mut sites = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let mut sink = finding::Sink::new(index, &file.text);
        match file.kind {
            FileKind::Settings | FileKind::PluginHooks => {
                settings::check(file, options, &mut sink, &mut sites);
            }
            FileKind::Policy => policy::check(file, options, &mut sink, &mut sites),
        }
        findings.extend(sink.findings);
    }
    findings.extend(rules::check_across(&files, &sites));
    findings.extend(bypass::check(&files, &sites));
    sort(&mut findings);
    Report { files, findings }
}

/// The PreToolUse command hooks that `files` wire, for [`verify`].
pub fn wired_guards(files: &[SourceFile]) -> Vec<hooks::WiredHook> {
    let mut wired = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if file.kind != FileKind::Policy
            && let Ok(root) = json::parse(&file.text)
        {
            hooks::collect_guards(index, file, &root, &mut wired);
        }
    }
    wired
}

pub use hooks::WiredHook;

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_text(kind: FileKind, text: &str) -> Report {
        let file = SourceFile {
            path: PathBuf::from("settings.json"),
            display: "settings.json".into(),
            kind,
            layer: "file",
            text: text.into(),
        };
        lint(vec![file], &Options::default())
    }

    fn ids(report: &Report) -> Vec<&'static str> {
        report.findings.iter().map(|f| f.id).collect()
    }

    #[test]
    fn rule_columns_map_through_json_escapes() {
        let text = r#"{"permissions": {"deny": ["Bash(echo \"hi\")x"]}}"#;
        let report = lint_text(FileKind::Settings, text);
        let finding = report.findings.iter().find(|f| f.id == "HK201").unwrap();
        // The fault is the `x` after `)`, after two escaped quotes in the file.
        let x = text.find(")x").unwrap() + 1;
        assert_eq!(finding.column, x + 1);
        assert_eq!(finding.line, 1);
    }

    #[test]
    fn a_clean_file_has_no_findings() {
        let text = r#"{"permissions": {"allow": ["Bash(git status)"], "deny": ["Read(./.env)"]}}"#;
        assert!(lint_text(FileKind::Settings, text).findings.is_empty());
    }

    #[test]
    fn plugin_files_reject_top_level_events() {
        let report = lint_text(FileKind::PluginHooks, r#"{"PreToolUse": []}"#);
        assert_eq!(ids(&report), ["HK003"]);
        assert!(report.findings[0].message.contains("top level"));
    }

    #[test]
    fn policy_findings_point_at_the_value() {
        let text = "[gate]\nmode = \"loose\"\n";
        let report = lint_text(FileKind::Policy, text);
        assert_eq!(ids(&report), ["HK405"]);
        assert_eq!((report.findings[0].line, report.findings[0].column), (2, 8));
    }

    #[test]
    fn strictness_decides_failure() {
        let report = lint_text(
            FileKind::Settings,
            r#"{"permissions": {"allow": ["Bash"]}}"#,
        );
        assert_eq!(ids(&report), ["HK206"]);
        assert!(!report.fails(false));
        assert!(report.fails(true));
    }

    #[test]
    fn kinds_follow_file_names() {
        assert_eq!(
            FileKind::from_path(Path::new("a/hookkit.TOML")),
            FileKind::Policy
        );
        assert_eq!(
            FileKind::from_path(Path::new("p/hooks/hooks.json")),
            FileKind::PluginHooks
        );
        assert_eq!(
            FileKind::from_path(Path::new(".claude/settings.json")),
            FileKind::Settings
        );
    }
}
