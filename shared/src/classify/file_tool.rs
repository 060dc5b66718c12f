//! File tools (Read, Write, Edit, MultiEdit, Glob, Grep, NotebookEdit, and MCP tools that name
//! a path): secrets, places outside the project, files that run code later, and files that a
//! later everyday command runs (judged by [`super::scripts`]).

use super::catalog;
use super::paths::{self, Place, Secret};
use super::{Assessment, Context, Finding, fs};
use crate::protocol::FileAccess;

/// Judges one file-tool call into `out`.
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
    let add = |out: &mut Assessment, class, reason: String| {
        out.findings.push(Finding::new(class, reason, subject));
    };
    match access {
        FileAccess::Read => match (secret, judged.place) {
            (Some(Secret::Credential), _) => add(
                out,
                &catalog::SECRET_READ,
                format!("{tool} of the private key or credentials `{subject}`"),
            ),
            (Some(Secret::Sensitive), _) => add(
                out,
                &catalog::SECRET_READ_CONFIG,
                format!("{tool} of `{subject}`, which may hold secrets"),
            ),
            (
                None,
                Place::Root | Place::System | Place::Home | Place::HomeChild | Place::Outside,
            ) => add(
                out,
                &catalog::FILE_READ_OUTSIDE,
                format!("{tool} outside the project"),
            ),
            _ => add(
                out,
                &catalog::FILE_READ,
                format!("{tool} inside the project"),
            ),
        },
        FileAccess::Write => {
            match fs::write_class(&judged, subject, true, ctx) {
                Some((class, reason)) => add(out, class, format!("{tool}: {reason}")),
                None => add(
                    out,
                    &catalog::FILE_WRITE,
                    format!("{tool} inside the project or a temporary directory"),
                ),
            }
            if let Some(content) = content
                && let Some((class, danger)) =
                    super::scripts::danger(&judged.path.to_string_lossy(), content, ctx)
            {
                add(
                    out,
                    class,
                    format!("{tool} of a file that a later command runs: {danger}"),
                );
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
