//! File tools (Read, Write, Edit, Glob, Grep, NotebookEdit): secrets, places outside the
//! project, and scripts that would do harm when run.

use super::paths::{self, Place, Secret};
use super::{Assessment, Context, Finding, Risk};
use crate::protocol::FileAccess;

/// Judges one file-tool call into `out`.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per program or option"
)]
pub(super) fn assess(
    tool: &str,
    access: FileAccess,
    path: &str,
    content: Option<&str>,
    ctx: &Context,
    out: &mut Assessment,
) {
    let subject = if path.is_empty() { "." } else { path };
    let judged = paths::judge(subject, false, ctx);
    out.trace.push(format!("{tool} {}", judged.path.display()));
    let secret = paths::secret(subject, &judged, ctx).or_else(|| secret_dir(&judged, ctx));
    let add = |out: &mut Assessment, class: &str, risk: Risk, reason: String| {
        out.findings
            .push(Finding::new(class, risk, reason, subject));
    };
    match access {
        FileAccess::Read => match (secret, judged.place) {
            (Some(Secret::Credential), _) => add(
                out,
                "secret.read",
                Risk::High,
                format!("{tool} of the private key or credentials `{subject}`"),
            ),
            (Some(Secret::Sensitive), _) => add(
                out,
                "secret.read",
                Risk::Medium,
                format!("{tool} of `{subject}`, which may hold secrets"),
            ),
            (
                None,
                Place::Root | Place::System | Place::Home | Place::HomeChild | Place::Outside,
            ) => {
                add(
                    out,
                    "file.read-outside",
                    Risk::Low,
                    format!("{tool} outside the project"),
                );
            }
            _ => add(
                out,
                "file.read",
                Risk::Low,
                format!("{tool} inside the project"),
            ),
        },
        FileAccess::Write => {
            if secret == Some(Secret::Credential) || paths::is_startup_or_access_file(&judged, ctx)
            {
                add(
                    out,
                    "secret.write",
                    Risk::High,
                    format!(
                        "{tool} of `{subject}`, which holds credentials, runs at login or grants access"
                    ),
                );
            } else if secret.is_some() {
                add(
                    out,
                    "secret.write",
                    Risk::Medium,
                    format!("{tool} of the secrets file `{subject}`"),
                );
            }
            match judged.place {
                Place::Root | Place::System => add(
                    out,
                    "fs.write-system",
                    Risk::High,
                    format!("{tool} in a system directory"),
                ),
                Place::Home
                | Place::HomeChild
                | Place::Outside
                | Place::Unknown
                | Place::MaybeRoot => {
                    add(
                        out,
                        "fs.write-outside",
                        Risk::Medium,
                        format!("{tool} outside the project"),
                    );
                }
                Place::ProjectGit => add(
                    out,
                    "fs.write-git",
                    Risk::Medium,
                    format!("{tool} inside .git"),
                ),
                Place::Temp => add(
                    out,
                    "file.write",
                    Risk::Low,
                    format!("{tool} of a temporary file"),
                ),
                _ => add(
                    out,
                    "file.write",
                    Risk::Low,
                    format!("{tool} inside the project"),
                ),
            }
            if let Some(content) = content {
                script(tool, subject, content, ctx, out);
            }
        }
    }
}

/// A directory that holds keys (`~/.ssh`, `~/.aws`, `~/.gnupg`), for Glob and Grep.
fn secret_dir(judged: &paths::Judged, ctx: &Context) -> Option<Secret> {
    let home = ctx.home.as_ref()?;
    [".ssh", ".aws", ".gnupg"]
        .iter()
        .any(|d| judged.path == home.join(d))
        .then_some(Secret::Credential)
}

/// Writing a script whose body would be high risk if run asks first.
fn script(tool: &str, path: &str, content: &str, ctx: &Context, out: &mut Assessment) {
    let lower = path.to_ascii_lowercase();
    let shell_script = content.starts_with("#!")
        && (content.lines().next().is_some_and(|l| l.contains("sh")))
        || [".sh", ".bash", ".zsh", ".command", ".ksh"]
            .iter()
            .any(|e| lower.ends_with(e))
        || lower.ends_with("makefile")
        || lower.ends_with(".mk");
    let code = [".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php"]
        .iter()
        .any(|e| lower.ends_with(e))
        || content.starts_with("#!");
    let mut danger: Option<String> = None;
    if shell_script {
        // A Makefile's recipes are shell lines after a tab.
        let body: String = if lower.ends_with("makefile") || lower.ends_with(".mk") {
            content
                .lines()
                .filter_map(|l| l.strip_prefix('\t'))
                .map(|l| l.trim_start_matches(['@', '-']))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            content.to_owned()
        };
        let mut inner = Assessment::default();
        if super::bash::assess_line(&body, ctx, &mut inner).is_ok() {
            danger = inner
                .worst()
                .filter(|f| f.risk == Risk::High)
                .map(|f| format!("{} (`{}`)", f.reason, super::shorten(&f.subject)));
        }
    }
    if danger.is_none()
        && code
        && let Some((_, Risk::High, reason)) = super::code::analyse(content, ctx, 0)
    {
        danger = Some(format!("code that {reason}"));
    }
    if let Some(danger) = danger {
        out.findings.push(Finding::new(
            "file.script-danger",
            Risk::Medium,
            format!("{tool} of a script that would be stopped if run: {danger}"),
            path,
        ));
    }
}
