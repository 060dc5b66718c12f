//! Walks the syntax tree of a command line and collects every simple command that would run.

use std::collections::HashMap;

use brush_parser::ast;

use super::word::Expanded;
use super::{Command, Origin, Redirect, RedirectKind, exec};
use crate::{Error, Result};

/// How many times a command line may be read again from inside itself (`bash -c "eval ..."`).
const MAX_REREADS: usize = 12;

/// Where the walk currently is: what encloses the commands being collected.
#[derive(Debug, Clone)]
pub(super) struct Scope {
    /// Where the commands were found.
    pub(super) origin: Origin,
    /// How many re-reads deep the walk is.
    pub(super) depth: usize,
    /// The enclosing list runs in the background.
    pub(super) background: bool,
    /// Redirections of enclosing compound commands.
    pub(super) redirects: Vec<Redirect>,
    /// Here-document or here-string text of an enclosing compound command.
    pub(super) stdin_text: Option<String>,
    /// The enclosing function.
    pub(super) function: Option<String>,
    /// The commands run in a subshell: `( ... )`, a pipeline stage, the background.
    pub(super) subshell: bool,
    /// The commands run only under a condition: compound commands, `||` lists.
    pub(super) conditional: bool,
}

/// A simple command's position in its pipeline.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stage {
    pub(super) pipeline: usize,
    pub(super) index: usize,
    pub(super) count: usize,
}

/// What a simple command gathered while its words and redirections were read.
struct Accumulated {
    words: Vec<Expanded>,
    raw_words: Vec<String>,
    redirects: Vec<Redirect>,
    stdin_text: Option<String>,
    assignments: Vec<(String, Expanded)>,
}

/// Collects simple commands.
#[derive(Debug, Default)]
pub(crate) struct Walker {
    pub(super) commands: Vec<Command>,
    /// Variables given a static value earlier in the line (`X=rm; $X -rf /`).
    pub(super) vars: HashMap<String, String>,
    next_pipeline: usize,
}

impl Walker {
    /// The commands collected.
    pub(crate) fn finish(self) -> Vec<Command> {
        self.commands
    }

    /// Reads `line` as a program found at `origin`, `depth` re-reads deep.
    pub(crate) fn program(&mut self, line: &str, origin: &Origin, depth: usize) -> Result<()> {
        if depth > MAX_REREADS {
            return Err(Error::Shell(format!(
                "commands nest more than {MAX_REREADS} re-reads deep (bash -c, eval, $(...))"
            )));
        }
        let program = super::parse_program(line)?;
        let scope = Scope {
            origin: origin.clone(),
            depth,
            background: false,
            redirects: Vec::new(),
            stdin_text: None,
            function: None,
            subshell: false,
            conditional: false,
        };
        for list in &program.complete_commands {
            self.compound_list(list, &scope)?;
        }
        Ok(())
    }

    /// Reads a program found inside another, with a nested origin; `what` names the construct.
    pub(super) fn nested(&mut self, line: &str, what: &str, scope: &Scope) -> Result<()> {
        self.program(line, &Origin::Nested(what.to_owned()), scope.depth + 1)
    }

    fn compound_list(&mut self, list: &ast::CompoundList, scope: &Scope) -> Result<()> {
        for ast::CompoundListItem(and_or, separator) in &list.0 {
            let background = scope.background || matches!(separator, ast::SeparatorOperator::Async);
            let has_or = and_or
                .additional
                .iter()
                .any(|a| matches!(a, ast::AndOr::Or(_)));
            let inner = Scope {
                background,
                conditional: scope.conditional || has_or,
                ..scope.clone()
            };
            self.pipeline(&and_or.first, &inner)?;
            for next in &and_or.additional {
                match next {
                    ast::AndOr::And(p) | ast::AndOr::Or(p) => self.pipeline(p, &inner)?,
                }
            }
        }
        Ok(())
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, scope: &Scope) -> Result<()> {
        let scope = &Scope {
            subshell: scope.subshell || scope.background || pipeline.seq.len() > 1,
            ..scope.clone()
        };
        let id = self.next_pipeline;
        self.next_pipeline += 1;
        for (index, command) in pipeline.seq.iter().enumerate() {
            let stage = Stage {
                pipeline: id,
                index,
                count: pipeline.seq.len(),
            };
            self.command(command, scope, stage)?;
        }
        Ok(())
    }

    fn command(&mut self, command: &ast::Command, scope: &Scope, stage: Stage) -> Result<()> {
        match command {
            ast::Command::Simple(simple) => self.simple(simple, scope, stage),
            ast::Command::Compound(compound, redirects) => {
                let inner = self.with_redirects(scope, redirects.as_ref())?;
                self.compound(compound, &inner)
            }
            ast::Command::Function(def) => {
                let inner = Scope {
                    function: Some(def.fname.value.clone()),
                    ..self.with_redirects(scope, def.body.1.as_ref())?
                };
                self.compound(&def.body.0, &inner)
            }
            ast::Command::ExtendedTest(test, redirects) => {
                let inner = self.with_redirects(scope, redirects.as_ref())?;
                self.extended_test(&test.expr, &inner)
            }
        }
    }

    fn with_redirects(&mut self, scope: &Scope, list: Option<&ast::RedirectList>) -> Result<Scope> {
        let mut inner = scope.clone();
        if let Some(list) = list {
            for redirect in &list.0 {
                self.redirect(redirect, &mut inner.redirects, &mut inner.stdin_text, scope)?;
            }
        }
        Ok(inner)
    }

    fn compound(&mut self, compound: &ast::CompoundCommand, scope: &Scope) -> Result<()> {
        use ast::CompoundCommand as C;
        let scope = &Scope {
            conditional: true,
            ..scope.clone()
        };
        match compound {
            C::Arithmetic(arith) => self.arithmetic(&arith.expr.value, scope),
            C::ArithmeticForClause(clause) => self.compound_list(&clause.body.list, scope),
            C::BraceGroup(group) => self.compound_list(&group.list, scope),
            C::Subshell(subshell) => {
                let inner = Scope {
                    subshell: true,
                    ..scope.clone()
                };
                self.compound_list(&subshell.list, &inner)
            }
            C::ForClause(clause) => {
                for word in clause.values.iter().flatten() {
                    self.expand(&word.value, scope)?;
                }
                self.compound_list(&clause.body.list, scope)
            }
            C::CaseClause(clause) => {
                self.expand(&clause.value.value, scope)?;
                for item in &clause.cases {
                    if let Some(list) = &item.cmd {
                        self.compound_list(list, scope)?;
                    }
                }
                Ok(())
            }
            C::IfClause(clause) => {
                self.compound_list(&clause.condition, scope)?;
                self.compound_list(&clause.then, scope)?;
                for branch in clause.elses.iter().flatten() {
                    if let Some(condition) = &branch.condition {
                        self.compound_list(condition, scope)?;
                    }
                    self.compound_list(&branch.body, scope)?;
                }
                Ok(())
            }
            C::WhileClause(clause) | C::UntilClause(clause) => {
                self.compound_list(&clause.0, scope)?;
                self.compound_list(&clause.1.list, scope)
            }
            C::Coprocess(coproc) => {
                let stage = self.lone_stage();
                self.command(&coproc.body, scope, stage)
            }
        }
    }

    pub(super) fn lone_stage(&mut self) -> Stage {
        let id = self.next_pipeline;
        self.next_pipeline += 1;
        Stage {
            pipeline: id,
            index: 0,
            count: 1,
        }
    }

    /// Arithmetic can hold command substitutions: `(( $(rm -rf /) ))`.
    fn arithmetic(&mut self, text: &str, scope: &Scope) -> Result<()> {
        if text.contains("$(") || text.contains('`') {
            self.expand(&format!("\"{text}\""), scope)?;
        }
        Ok(())
    }

    fn extended_test(&mut self, expr: &ast::ExtendedTestExpr, scope: &Scope) -> Result<()> {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(a, b) | E::Or(a, b) => {
                self.extended_test(a, scope)?;
                self.extended_test(b, scope)
            }
            E::Not(a) | E::Parenthesized(a) => self.extended_test(a, scope),
            E::UnaryTest(_, word) => self.expand(&word.value, scope).map(drop),
            E::BinaryTest(_, left, right) => {
                self.expand(&left.value, scope)?;
                self.expand(&right.value, scope).map(drop)
            }
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, scope: &Scope, stage: Stage) -> Result<()> {
        let mut acc = Accumulated {
            words: Vec::new(),
            raw_words: Vec::new(),
            redirects: scope.redirects.clone(),
            stdin_text: scope.stdin_text.clone(),
            assignments: Vec::new(),
        };
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            self.item(item, true, &mut acc, scope)?;
        }
        if let Some(name) = &simple.word_or_name {
            acc.raw_words.push(name.value.clone());
            let expanded = self.expand(&name.value, scope)?;
            acc.words.extend(expanded);
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            self.item(item, false, &mut acc, scope)?;
        }
        if acc.words.is_empty() {
            // Assignments alone set shell variables; remember static values for `$X` later.
            for (name, value) in acc.assignments {
                if value.dynamic {
                    self.vars.remove(&name);
                } else {
                    self.vars.insert(name, value.text);
                }
            }
            if acc.redirects.len() == scope.redirects.len() && acc.stdin_text == scope.stdin_text {
                return Ok(());
            }
        }
        let raw = exec::Raw {
            text: acc.raw_words.join(" "),
            words: acc.words,
            redirects: acc.redirects,
            stdin_text: acc.stdin_text,
        };
        exec::finish(self, raw, scope, stage)
    }

    fn item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        in_prefix: bool,
        acc: &mut Accumulated,
        scope: &Scope,
    ) -> Result<()> {
        use ast::CommandPrefixOrSuffixItem as I;
        match item {
            I::AssignmentWord(assignment, _) if in_prefix => {
                let value = self.assignment_value(&assignment.value, scope)?;
                if let ast::AssignmentName::VariableName(name) = &assignment.name {
                    acc.assignments.push((name.clone(), value));
                }
            }
            I::Word(word) | I::AssignmentWord(_, word) => {
                acc.raw_words.push(word.value.clone());
                let expanded = self.expand(&word.value, scope)?;
                acc.words.extend(expanded);
            }
            I::IoRedirect(redirect) => {
                acc.raw_words.push(render_redirect(redirect));
                self.redirect(redirect, &mut acc.redirects, &mut acc.stdin_text, scope)?;
            }
            I::ProcessSubstitution(kind, subshell) => {
                let (text, what) = process_substitution(kind, subshell);
                let inner = Scope {
                    origin: Origin::Nested(what.into()),
                    ..scope.clone()
                };
                self.compound_list(&subshell.list, &inner)?;
                acc.raw_words.push(text.clone());
                acc.words.push(Expanded {
                    text,
                    dynamic: true,
                });
            }
        }
        Ok(())
    }

    fn assignment_value(
        &mut self,
        value: &ast::AssignmentValue,
        scope: &Scope,
    ) -> Result<Expanded> {
        match value {
            ast::AssignmentValue::Scalar(word) => {
                let parts = self.expand_quoted(&word.value, scope)?;
                Ok(parts)
            }
            ast::AssignmentValue::Array(items) => {
                for (key, word) in items {
                    if let Some(key) = key {
                        self.expand(&key.value, scope)?;
                    }
                    self.expand(&word.value, scope)?;
                }
                Ok(Expanded {
                    text: String::new(),
                    dynamic: true,
                })
            }
        }
    }

    /// Reads one redirection into `redirects` (file targets) or `stdin_text` (here-documents
    /// and here-strings), walking any commands it runs.
    fn redirect(
        &mut self,
        redirect: &ast::IoRedirect,
        redirects: &mut Vec<Redirect>,
        stdin_text: &mut Option<String>,
        scope: &Scope,
    ) -> Result<()> {
        match redirect {
            ast::IoRedirect::File(fd, kind, target) => {
                let kind = match kind {
                    ast::IoFileRedirectKind::Read => RedirectKind::Read,
                    ast::IoFileRedirectKind::Write | ast::IoFileRedirectKind::Clobber => {
                        RedirectKind::Write
                    }
                    ast::IoFileRedirectKind::Append => RedirectKind::Append,
                    ast::IoFileRedirectKind::ReadAndWrite => RedirectKind::ReadWrite,
                    ast::IoFileRedirectKind::DuplicateInput
                    | ast::IoFileRedirectKind::DuplicateOutput => RedirectKind::Duplicate,
                };
                let target = match target {
                    ast::IoFileRedirectTarget::Filename(word) => {
                        self.expand_quoted(&word.value, scope)?.text
                    }
                    ast::IoFileRedirectTarget::Fd(n) => {
                        redirects.push(Redirect {
                            fd: *fd,
                            kind: RedirectKind::Duplicate,
                            target: n.to_string(),
                        });
                        return Ok(());
                    }
                    ast::IoFileRedirectTarget::ProcessSubstitution(ps_kind, subshell) => {
                        let (text, what) = process_substitution(ps_kind, subshell);
                        self.compound_list(
                            &subshell.list,
                            &Scope {
                                origin: Origin::Nested(what.into()),
                                ..scope.clone()
                            },
                        )?;
                        text
                    }
                    ast::IoFileRedirectTarget::Duplicate(word) => {
                        let text = self.expand_quoted(&word.value, scope)?.text;
                        // `>& file` writes a file; only `>&2` and `>&-` duplicate or close.
                        let duplicates = text == "-"
                            || text
                                .trim_end_matches('-')
                                .chars()
                                .all(|c| c.is_ascii_digit());
                        redirects.push(Redirect {
                            fd: *fd,
                            kind: if duplicates {
                                RedirectKind::Duplicate
                            } else {
                                RedirectKind::Write
                            },
                            target: text,
                        });
                        return Ok(());
                    }
                };
                redirects.push(Redirect {
                    fd: *fd,
                    kind,
                    target,
                });
            }
            ast::IoRedirect::HereDocument(_, doc) => {
                let body = if doc.requires_expansion {
                    self.expand_heredoc(&doc.doc.value, scope)?
                } else {
                    doc.doc.value.clone()
                };
                *stdin_text = Some(body);
            }
            ast::IoRedirect::HereString(_, word) => {
                let mut text = self.expand_quoted(&word.value, scope)?.text;
                text.push('\n');
                *stdin_text = Some(text);
            }
            ast::IoRedirect::OutputAndError(word, append) => {
                let target = self.expand_quoted(&word.value, scope)?.text;
                redirects.push(Redirect {
                    fd: None,
                    kind: if *append {
                        RedirectKind::Append
                    } else {
                        RedirectKind::Write
                    },
                    target,
                });
            }
        }
        Ok(())
    }
}

fn process_substitution(
    kind: &ast::ProcessSubstitutionKind,
    subshell: &ast::SubshellCommand,
) -> (String, &'static str) {
    match kind {
        ast::ProcessSubstitutionKind::Read => (format!("<({})", subshell.list), "<(...)"),
        ast::ProcessSubstitutionKind::Write => (format!(">({})", subshell.list), ">(...)"),
    }
}

/// The redirection as written, for a command's text (here-document bodies left out).
fn render_redirect(redirect: &ast::IoRedirect) -> String {
    match redirect {
        ast::IoRedirect::HereDocument(fd, doc) => format!(
            "{}<<{}{}",
            fd.map(|f| f.to_string()).unwrap_or_default(),
            if doc.remove_tabs { "-" } else { "" },
            doc.here_end.value
        ),
        other => other
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}
