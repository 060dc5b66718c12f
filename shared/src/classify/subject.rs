//! What every judge of a simple command works with: the command and its line ([`Subject`]), and
//! what it found ([`Verdict`]). Commands that run other command lines are judged through
//! [`Subject::judge_line`] and [`Subject::judge_words`], so that every runner reads its
//! command with the same judges.

use std::cell::Cell;
use std::path::Path;

use super::catalog::{self, Class};
use super::paths::{self, Judged, Place};
use super::{Context, Finding};
use crate::shell::{self, Command};

/// What one simple command was judged to do.
#[derive(Debug, Default)]
pub(super) struct Verdict {
    pub(super) findings: Vec<Finding>,
    /// The command's program is one the classifier knows.
    pub(super) known: bool,
    /// What the command lines it runs (`tmux new 'rm -rf x'`) write, and the paths they name:
    /// the command's own touches include them.
    pub(super) nested_writes: Vec<String>,
    pub(super) nested_names: Vec<String>,
}

impl Verdict {
    /// Records a finding of `class` about `subject`.
    pub(super) fn add(&mut self, class: &'static Class, reason: impl Into<String>, subject: &str) {
        self.known = true;
        self.findings.push(Finding::new(class, reason, subject));
    }

    /// Whether any finding is high risk or cannot be read.
    pub(super) fn any_stopping(&self) -> bool {
        self.findings.iter().any(Finding::stops)
    }
}

/// Everything one command is judged with: itself, the whole line, and where it runs.
pub(super) struct Subject<'a> {
    pub(super) command: &'a Command,
    pub(super) all: &'a [Command],
    /// The call's context, with `cwd` set to the directory this command runs in.
    pub(super) ctx: &'a Context,
    /// Whether the directory it runs in is known (a `cd` to a computed path makes it unknown).
    pub(super) dir_known: bool,
    /// Where it runs if every `cd` before it succeeded, when that is not known for sure
    /// (`cd .claude; echo {} > settings.json`).
    pub(super) likely_dir: Option<&'a Path>,
}

thread_local! {
    /// How deeply command lines found inside other commands are being judged.
    static NESTING: Cell<usize> = const { Cell::new(0) };
}

/// The deepest nesting of command lines judged inside commands (`tmux new 'sh -c "..."'`).
const MAX_NESTING: usize = 6;

impl Subject<'_> {
    /// The effective arguments after the program name.
    pub(super) fn args(&self) -> &[String] {
        self.command.effective.get(1..).unwrap_or(&[])
    }

    /// Whether effective argument `i` (counted after the program) is computed.
    pub(super) fn arg_dynamic(&self, i: usize) -> bool {
        self.command.is_dynamic(i + 1)
    }

    /// The text findings name.
    pub(super) fn text(&self) -> &str {
        &self.command.text
    }

    /// The earlier stages of this command's pipeline, nearest first.
    pub(super) fn upstream(&self) -> impl Iterator<Item = &Command> {
        let c = self.command;
        self.all
            .iter()
            .filter(move |o| o.pipeline == c.pipeline && o.stage < c.stage)
            .rev()
    }

    /// The command that runs this one (`find` for `find -exec`, `xargs`), if any.
    pub(super) fn parent(&self) -> Option<&Command> {
        self.command.parent.and_then(|p| self.all.get(p))
    }

    /// Where a path operand points, from the directory this command runs in.
    pub(super) fn path(&self, raw: &str, dynamic: bool) -> Judged {
        let judged = paths::judge(raw, dynamic, self.ctx);
        if !self.dir_known && !raw.starts_with(['/', '~', '$']) {
            // Where a `cd` that may have failed left it: from the start, or where the `cd`s
            // lead; the worse of the two when the start is already a risky place.
            let likely = self.likely_dir.map(|dir| {
                let likely = Context {
                    cwd: dir.to_path_buf(),
                    ..self.ctx.clone()
                };
                paths::judge(raw, dynamic, &likely)
            });
            let risky = |j: &Judged| {
                matches!(
                    j.place,
                    Place::Root
                        | Place::System
                        | Place::Home
                        | Place::HomeChild
                        | Place::Outside
                        | Place::ProjectRoot
                        | Place::ProjectGit
                )
            };
            return match likely {
                Some(likely) if risky(&judged) && rank(likely.place) < rank(judged.place) => likely,
                _ if risky(&judged) => judged,
                Some(likely) => likely,
                None => Judged {
                    path: std::path::PathBuf::new(),
                    place: Place::Unknown,
                },
            };
        }
        judged
    }

    /// The directory this command runs in.
    pub(super) fn cwd(&self) -> &Path {
        &self.ctx.cwd
    }

    /// Judges `line`, a command line this command runs (`tmux new 'rm -rf ~'`), into `v`: its
    /// findings are reported as this command's, marked as run by `what`. A line that cannot be
    /// read is itself a finding: what runs cannot be told.
    pub(super) fn judge_line(&self, line: &str, what: &str, v: &mut Verdict) {
        if line.trim().is_empty() {
            return;
        }
        match shell::parse(line) {
            Ok(commands) => self.judge_commands(&commands, what, v),
            Err(e) => v.add(
                &catalog::EXEC_UNREADABLE,
                format!("{what} runs a command line that cannot be read ({e})"),
                self.text(),
            ),
        }
    }

    /// Judges `words`, a command given as separate words (`chronic rm -rf ~`), into `v`. The
    /// words are read back through the shell reader, so that the wrappers and nested commands
    /// among them (`sudo`, `sh -c`, `xargs`) are read as everywhere else; words marked dynamic
    /// stay unresolved.
    pub(super) fn judge_words(
        &self,
        words: &[String],
        dynamic: &[bool],
        what: &str,
        v: &mut Verdict,
    ) {
        if words.is_empty() {
            return;
        }
        let line = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if dynamic.get(i).copied().unwrap_or(false) {
                    w.clone()
                } else {
                    quote(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.judge_line(&line, what, v);
    }

    fn judge_commands(&self, commands: &[Command], what: &str, v: &mut Verdict) {
        let depth = NESTING.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if depth > MAX_NESTING {
            v.add(
                &catalog::EXEC_UNREADABLE,
                format!("{what} nests command lines too deeply to read"),
                self.text(),
            );
        } else {
            for command in commands {
                let inner = Subject {
                    command,
                    all: commands,
                    ctx: self.ctx,
                    dir_known: self.dir_known,
                    likely_dir: self.likely_dir,
                };
                let verdict = super::bash::judge(&inner);
                let touched = super::touches::of(&inner, 0, None, &verdict);
                v.nested_writes.extend(touched.writes);
                v.nested_names.extend(touched.names);
                if !verdict.known && verdict.findings.is_empty() {
                    continue;
                }
                v.known = true;
                for f in verdict.findings {
                    v.findings.push(Finding::new(
                        f.entry(),
                        format!("{} (run by {what})", f.reason),
                        self.text(),
                    ));
                }
            }
        }
        NESTING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// Quotes `word` for a shell command line, so that it reads back as the same single word.
pub(super) fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%^".contains(c))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// How bad deleting or writing a place is, worst first.
fn rank(place: Place) -> u8 {
    match place {
        Place::Root => 0,
        Place::MaybeRoot => 1,
        Place::System => 2,
        Place::Home => 3,
        Place::HomeChild => 4,
        Place::Outside => 5,
        Place::ProjectRoot => 6,
        Place::ProjectGit => 7,
        Place::Unknown => 8,
        Place::Project => 9,
        Place::Build => 10,
        Place::Temp => 11,
    }
}
