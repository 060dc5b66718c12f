//! Recording a gate mode in the user's own policy (`~/.claude/hookkit.toml`): for one project
//! as `[project."/abs/path".gate] mode = "..."`, or for every project as `[gate] mode`.
//!
//! An opt-in to fewer prompts is read from the user's files only, never from a file inside the
//! repository (which the repository, or the agent, could write). The file is edited as text so
//! that the user's comments and layout survive; the result is parsed again and written only if
//! the mode is the one asked for and nothing else changed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::schema::{self, PROJECT_SECTIONS};
use crate::{Error, Result};

/// Which projects a mode applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One project, by its absolute path.
    Project(PathBuf),
    /// Every project (the user file's own `[gate]`).
    Everywhere,
}

/// What [`set_mode`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The file already said so.
    Unchanged,
    /// The file was written (created from the commented template if it did not exist).
    Written,
}

/// What a mode changes, in one line, for the installer and `init`.
pub fn what_it_changes(mode: &str) -> &'static str {
    match mode {
        "auto" => {
            "low and medium risk calls that stay in the project and can be undone (reads, \
             builds, tests, edits of project files) run without a prompt; anything that reaches \
             outside the machine or cannot be undone still needs a person"
        }
        "strict" => {
            "low risk calls (reads, listings, status commands) run without a prompt; everything \
             else is asked as Claude Code would"
        }
        _ => {
            "hookkit never lets a call through on its own: it only denies or asks, and Claude \
             Code's own permissions decide the rest (the default)"
        }
    }
}

/// Sets the gate mode for `scope` in the user policy at `user_file`.
pub fn set_mode(user_file: &Path, scope: &Scope, mode: &str) -> Result<Outcome> {
    if !schema::MODES.contains(&mode) {
        return Err(Error::Other(format!(
            "unknown mode `{mode}`: use one of {}",
            schema::MODES.join(", ")
        )));
    }
    let existing = match std::fs::read_to_string(user_file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("reading", user_file, e)),
    };
    let text = existing
        .clone()
        .unwrap_or_else(|| super::template::user_policy("guard"));
    let before = parse(user_file, &text)?;
    if mode_at(&before, scope) == Some(mode) && existing.is_some() {
        return Ok(Outcome::Unchanged);
    }
    let header = header(scope);
    let edited = edit(&text, &header, mode);
    let safe = parse(user_file, &edited).is_ok_and(|after| {
        mode_at(&after, scope) == Some(mode)
            && without_mode(&before, scope) == without_mode(&after, scope)
    });
    if !safe {
        return Err(Error::Other(format!(
            "`{}` is written in a way hookkit cannot edit safely; add these lines to it \
             yourself:\n\n{header}\nmode = \"{mode}\"\n",
            user_file.display()
        )));
    }
    super::setup::write_atomically(user_file, edited.as_bytes())?;
    Ok(Outcome::Written)
}

/// The table header of the scope's `[gate]`.
fn header(scope: &Scope) -> String {
    match scope {
        Scope::Everywhere => "[gate]".to_owned(),
        Scope::Project(dir) => {
            let key = toml::Value::String(dir.display().to_string());
            format!("[{PROJECT_SECTIONS}.{key}.gate]")
        }
    }
}

fn parse(path: &Path, text: &str) -> Result<toml::Table> {
    text.parse().map_err(|e: toml::de::Error| Error::Policy {
        path: path.to_path_buf(),
        message: e.message().to_owned(),
    })
}

/// The `[gate]` table of the scope, if the file has one.
fn gate_of<'a>(table: &'a toml::Table, scope: &Scope) -> Option<&'a toml::Table> {
    let gate = match scope {
        Scope::Everywhere => table.get("gate"),
        Scope::Project(dir) => table
            .get(PROJECT_SECTIONS)?
            .get(dir.display().to_string().as_str())?
            .get("gate"),
    };
    gate?.as_table()
}

fn mode_at<'a>(table: &'a toml::Table, scope: &Scope) -> Option<&'a str> {
    gate_of(table, scope)?.get("mode")?.as_str()
}

/// The whole table minus the scope's mode (and the tables left empty by its removal), to
/// check that an edit changed nothing else.
fn without_mode(table: &toml::Table, scope: &Scope) -> toml::Table {
    /// Removes `path` from `table`, then every table on the way that is left empty.
    fn remove(table: &mut toml::Table, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            table.remove(*first);
            return;
        }
        if let Some(toml::Value::Table(inner)) = table.get_mut(*first) {
            remove(inner, rest);
            if inner.is_empty() {
                table.remove(*first);
            }
        }
    }
    let mut copy = table.clone();
    match scope {
        Scope::Everywhere => remove(&mut copy, &["gate", "mode"]),
        Scope::Project(dir) => {
            let dir = dir.display().to_string();
            remove(&mut copy, &[PROJECT_SECTIONS, &dir, "gate", "mode"]);
        }
    }
    copy
}

/// `text` with `mode = "<mode>"` under `header`: the section's `mode` line replaced, or the
/// line added after the header, or the section appended.
fn edit(text: &str, header: &str, mode: &str) -> String {
    let line = format!("mode = \"{mode}\"");
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim() == header) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        let _ = write!(out, "\n{header}\n{line}\n");
        return out;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |p| start + 1 + p);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let existing = (start + 1..end).find(|&i| {
        let trimmed = out[i].trim_start();
        trimmed
            .strip_prefix("mode")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    match existing {
        Some(i) => out[i] = line,
        None => out.insert(start + 1, line),
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Discovery, Effective};
    use crate::env::{Env, Role};

    fn effective_mode(home: &Path, project: &Path) -> String {
        let env = Env {
            home: Some(home.to_path_buf()),
            ..Env::default()
        };
        let layers = Discovery::new(&env, Role::Hook, None, project.to_path_buf())
            .load()
            .unwrap();
        let effective = Effective::of(&layers).unwrap();
        effective
            .value("gate", "mode")
            .and_then(toml::Value::as_str)
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_project_opt_in_applies_to_that_project_only_and_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let app = dir.path().join("app \"quoted\"");
        let other = dir.path().join("other");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        let file = home.join(".claude/hookkit.toml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "# my notes\n[gate]\nhigh_risk = \"deny\" # keep\n").unwrap();
        let scope = Scope::Project(app.clone());
        assert_eq!(set_mode(&file, &scope, "auto").unwrap(), Outcome::Written);
        assert_eq!(set_mode(&file, &scope, "auto").unwrap(), Outcome::Unchanged);
        assert_eq!(effective_mode(&home, &app), "auto");
        assert_eq!(effective_mode(&home, &other), "guard");
        assert_eq!(set_mode(&file, &scope, "strict").unwrap(), Outcome::Written);
        assert_eq!(effective_mode(&home, &app), "strict");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("# my notes\n[gate]\nhigh_risk = \"deny\" # keep\n"),
            "{text}"
        );
        assert_eq!(text.matches("mode =").count(), 1, "{text}");
    }

    #[test]
    fn a_new_file_starts_from_the_template_and_a_global_mode_edits_gate() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hookkit.toml");
        set_mode(&file, &Scope::Everywhere, "strict").unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("mode = \"strict\""), "{text}");
        assert_eq!(text.matches("\nmode =").count(), 1, "{text}");
        assert!(set_mode(&file, &Scope::Everywhere, "loose").is_err());
    }

    #[test]
    fn a_file_it_cannot_edit_safely_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hookkit.toml");
        let original = "gate = { mode = \"guard\" }\n";
        std::fs::write(&file, original).unwrap();
        let error = set_mode(&file, &Scope::Everywhere, "auto").unwrap_err();
        assert!(error.to_string().contains("add these lines"), "{error}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    }
}
