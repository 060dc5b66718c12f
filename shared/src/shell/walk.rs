//! Walks the syntax tree of a command line and collects every simple command that would run,
//! following what the shell knows along the way ([`ShellState`]): through `&&` and `||`,
//! conditionals and loops (merging what may differ), subshells (whose changes do not leak out),
//! function calls (bodies read with their arguments) and traps.

use std::rc::Rc;

use brush_parser::ast;

use super::state::{ShellState, Value};
use super::word::Expanded;
use super::{Command, Origin, Redirect, RedirectKind, exec};
use crate::{Error, Result};

/// How many times a command line may be read again from inside itself (`bash -c "eval ..."`).
const MAX_REREADS: usize = 12;

/// The most bytes of dense shell read again from inside the line (`bash -c`, `eval`, function
/// bodies, loop bodies walked again, ...), beyond the line itself.
const MAX_REREAD_BYTES: usize = 2 * super::MAX_DENSE_BYTES;

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

impl Scope {
    fn top(origin: &Origin, depth: usize) -> Self {
        Self {
            origin: origin.clone(),
            depth,
            background: false,
            redirects: Vec::new(),
            stdin_text: None,
            function: None,
            subshell: false,
            conditional: false,
        }
    }
}

/// A simple command's position in its pipeline.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stage {
    pub(super) pipeline: usize,
    pub(super) index: usize,
    pub(super) count: usize,
}

/// How control leaves something that ran.
#[derive(Debug)]
pub(super) enum Flow {
    /// On to what follows; success and failure leave the same state.
    Normal,
    /// On to what follows; the walker's state is the one after success, this one after failure
    /// (a `cd` that fails leaves the directory as it was).
    Split(Box<ShellState>),
    /// Nothing after it runs in this shell (`exit`, `exec cmd`).
    Exit,
    /// Nothing after it runs in this function or sourced text (`return`).
    Return,
}

/// Whether the end of something can be reached, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Yes,
    Exit,
    Return,
}

impl Reach {
    /// The weaker of two stops: a path that only returns does not end the shell.
    fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::Yes, _) | (_, Self::Yes) => Self::Yes,
            (Self::Return, _) | (_, Self::Return) => Self::Return,
            _ => Self::Exit,
        }
    }

    fn flow(self) -> Flow {
        match self {
            Self::Yes => Flow::Normal,
            Self::Exit => Flow::Exit,
            Self::Return => Flow::Return,
        }
    }
}

/// A function defined in the line.
#[derive(Debug)]
pub(super) struct FunctionDef {
    pub(super) name: String,
    pub(super) body: Rc<ast::FunctionBody>,
    /// Where it was defined.
    pub(super) scope: Scope,
    /// Its body was read, at a call or on its own.
    pub(super) walked: bool,
}

/// A `trap` action, read when its shell ends.
#[derive(Debug)]
struct Trap {
    action: String,
    state: ShellState,
    scope: Scope,
}

/// What is gathered about one shell (a subshell, `bash -c`) while it is walked.
#[derive(Debug, Default)]
struct ShellFrame {
    traps: Vec<Trap>,
    /// The states at its `exit`s: an `EXIT` trap may run in any of them.
    exits: Option<ShellState>,
}

/// A function call in progress.
#[derive(Debug)]
pub(super) struct Frame {
    pub(super) name: String,
    /// Variables made local, with the values they had before.
    pub(super) locals: Vec<(String, Option<Value>)>,
}

/// What the walk may still spend on following values: loop bodies and function bodies read
/// again, text re-read, text produced by expansions, pattern matching.
#[derive(Debug)]
struct Budget {
    expansions: usize,
    reread_bytes: usize,
    expanded_bytes: usize,
    matching: usize,
}

/// The most bytes expansions may produce in one line (values of variables, outputs of
/// substitutions, brace expansions); past it, expansions are unknown.
const MAX_EXPANDED_BYTES: usize = 256 * 1024;

/// The most steps (characters times pattern length) spent matching patterns in one line
/// (`${x%pat}`, `${x//pat/rep}`); past it, such expansions are unknown.
const MAX_MATCHING: usize = 2 * 1024 * 1024;

/// Collects simple commands.
#[derive(Debug)]
pub(crate) struct Walker {
    pub(super) commands: Vec<Command>,
    /// What the shell knows at the point being walked.
    pub(super) state: ShellState,
    next_pipeline: usize,
    pub(super) defs: Vec<FunctionDef>,
    /// The traps set in each shell being walked, and the states at its `exit`s, innermost
    /// last.
    shells: Vec<ShellFrame>,
    /// The states at `return` in each function call or sourced text being walked.
    pub(super) returns: Vec<Option<ShellState>>,
    /// The function calls in progress.
    pub(super) frames: Vec<Frame>,
    /// States at `break` (and `continue`) in each loop being walked, innermost last.
    pub(super) loop_exits: Vec<Option<ShellState>>,
    budget: Budget,
}

impl Default for Walker {
    fn default() -> Self {
        Self {
            commands: Vec::new(),
            state: ShellState::default(),
            next_pipeline: 0,
            defs: Vec::new(),
            shells: vec![ShellFrame::default()],
            returns: Vec::new(),
            frames: Vec::new(),
            loop_exits: Vec::new(),
            budget: Budget {
                expansions: super::MAX_EXPANSIONS,
                reread_bytes: MAX_REREAD_BYTES,
                expanded_bytes: MAX_EXPANDED_BYTES,
                matching: MAX_MATCHING,
            },
        }
    }
}

impl Walker {
    /// Reads `line`, the whole command line.
    pub(crate) fn line(mut self, line: &str) -> Result<Vec<Command>> {
        let program = super::parse_program(line)?;
        let scope = Scope::top(&Origin::TopLevel, 0);
        for list in &program.complete_commands {
            let flow = self.compound_list(list, &scope)?;
            self.settle(flow);
        }
        let shell = self.shells.pop().unwrap_or_default();
        self.run_traps(shell)?;
        self.unused_functions()?;
        Ok(self.commands)
    }

    /// Reads `line` as a program found at `origin`, in the current shell, `depth` re-reads deep.
    pub(crate) fn program(&mut self, line: &str, origin: &Origin, depth: usize) -> Result<Flow> {
        if depth > MAX_REREADS {
            return Err(Error::Shell(format!(
                "commands nest more than {MAX_REREADS} re-reads deep (bash -c, eval, $(...))"
            )));
        }
        let (program, dense) = super::parse_program_measured(line)?;
        self.spend_reread(dense)?;
        let scope = Scope::top(origin, depth);
        let mut reach = Reach::Yes;
        for list in &program.complete_commands {
            let flow = self.compound_list(list, &scope)?;
            if reach == Reach::Yes {
                reach = self.settle(flow);
            }
        }
        Ok(reach.flow())
    }

    /// Reads a program found inside another, in the current shell; `what` names the construct.
    pub(super) fn nested(&mut self, line: &str, what: &str, scope: &Scope) -> Result<Flow> {
        self.program(line, &Origin::Nested(what.to_owned()), scope.depth + 1)
    }

    /// Reads a program that another process runs (`bash -c`, `watch`): it starts from what
    /// this shell knows, and what it changes stays there.
    pub(super) fn child(&mut self, line: &str, what: &str, scope: &Scope) -> Result<()> {
        self.subshell(|w| w.nested(line, what, scope).map(drop))
    }

    /// Runs `f` in a subshell: the state afterwards is the state before, and the traps it sets
    /// are read when it ends.
    pub(super) fn subshell<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let saved = self.state.clone();
        self.shells.push(ShellFrame::default());
        // `return` does not leave a subshell's function.
        let returns = std::mem::take(&mut self.returns);
        let result = f(self);
        self.returns = returns;
        let shell = self.shells.pop().unwrap_or_default();
        let result = match result {
            Ok(value) => self.run_traps(shell).map(|()| value),
            Err(e) => Err(e),
        };
        self.state = saved;
        result
    }

    /// Records a `trap` action, read when the current shell ends.
    pub(super) fn add_trap(&mut self, action: String, scope: &Scope) {
        let trap = Trap {
            action,
            state: self.state.clone(),
            scope: scope.clone(),
        };
        if let Some(frame) = self.shells.last_mut() {
            frame.traps.push(trap);
        }
    }

    /// Records the state at an `exit` of the current shell.
    pub(super) fn add_exit(&mut self) {
        if let Some(frame) = self.shells.last_mut() {
            frame.exits = ShellState::merge_options(frame.exits.take(), Some(self.state.clone()));
        }
    }

    /// Records the state at a `return` of the innermost function call or sourced text;
    /// `false` when there is none (Bash then complains and goes on).
    pub(super) fn add_return(&mut self) -> bool {
        match self.returns.last_mut() {
            Some(slot) => {
                *slot = ShellState::merge_options(slot.take(), Some(self.state.clone()));
                true
            }
            None => false,
        }
    }

    /// Reads the trap actions of a shell that ends. They run at some point after they were
    /// set: they see what the state was then merged with what it is at the end and at each
    /// `exit`.
    fn run_traps(&mut self, shell: ShellFrame) -> Result<()> {
        for trap in shell.traps {
            let mut state = trap.state;
            state.merge(&self.state);
            if let Some(exit) = &shell.exits {
                state.merge(exit);
            }
            self.subshell(|w| {
                w.state = state;
                w.nested(&trap.action, "trap", &trap.scope).map(drop)
            })?;
        }
        Ok(())
    }

    /// Spends one expansion (a loop body or function body walked again); `false` when none is
    /// left.
    pub(super) fn spend_expansion(&mut self) -> bool {
        spend(&mut self.budget.expansions, 1)
    }

    /// Spends `bytes` of expansion output; `false` when the budget does not cover them.
    pub(super) fn spend_expanded(&mut self, bytes: usize) -> bool {
        spend(&mut self.budget.expanded_bytes, bytes)
    }

    /// What expansions may still produce.
    pub(super) fn expanded_left(&self) -> usize {
        self.budget.expanded_bytes
    }

    /// Spends `steps` of pattern matching; `false` when the budget does not cover them.
    pub(super) fn spend_matching(&mut self, steps: usize) -> bool {
        spend(&mut self.budget.matching, steps)
    }

    fn spend_reread(&mut self, dense: usize) -> Result<()> {
        self.budget.reread_bytes = self.budget.reread_bytes.checked_sub(dense).ok_or_else(|| {
            Error::Shell(format!(
                "command re-reads more than {MAX_REREAD_BYTES} bytes of shell from inside itself"
            ))
        })?;
        Ok(())
    }

    /// Records a command; the line may not produce more than [`super::MAX_COMMANDS`].
    pub(super) fn push_command(&mut self, command: Command) -> Result<usize> {
        if self.commands.len() >= super::MAX_COMMANDS {
            return Err(Error::Shell(format!(
                "command runs more than {} simple commands once loops and functions are followed",
                super::MAX_COMMANDS
            )));
        }
        self.commands.push(command);
        Ok(self.commands.len() - 1)
    }

    /// Turns a flow into the state after it, whatever its status: `Yes` when the end is
    /// reachable.
    fn settle(&mut self, flow: Flow) -> Reach {
        match flow {
            Flow::Normal => Reach::Yes,
            Flow::Split(fail) => {
                self.state.merge(&fail);
                Reach::Yes
            }
            Flow::Exit => Reach::Exit,
            Flow::Return => Reach::Return,
        }
    }

    /// The states after success and after failure (`None`: that outcome cannot happen).
    fn paths(&self, flow: Flow) -> (Option<ShellState>, Option<ShellState>, Reach) {
        match flow {
            Flow::Normal => (
                Some(self.state.clone()),
                Some(self.state.clone()),
                Reach::Yes,
            ),
            Flow::Split(fail) => (Some(self.state.clone()), Some(*fail), Reach::Yes),
            Flow::Exit => (None, None, Reach::Exit),
            Flow::Return => (None, None, Reach::Return),
        }
    }

    /// Sets the state to `ok`, with `fail` as the failure state, and says how control goes on.
    fn join(&mut self, ok: Option<ShellState>, fail: Option<ShellState>, stop: Reach) -> Flow {
        match (ok, fail) {
            (Some(ok), Some(fail)) => {
                self.state = ok;
                if self.state == fail {
                    Flow::Normal
                } else {
                    Flow::Split(Box::new(fail))
                }
            }
            (Some(state), None) | (None, Some(state)) => {
                self.state = state;
                Flow::Normal
            }
            (None, None) => stop.flow(),
        }
    }

    pub(super) fn compound_list(
        &mut self,
        list: &ast::CompoundList,
        scope: &Scope,
    ) -> Result<Flow> {
        let mut reach = Reach::Yes;
        let count = list.0.len();
        for (i, ast::CompoundListItem(and_or, separator)) in list.0.iter().enumerate() {
            let has_or = and_or
                .additional
                .iter()
                .any(|a| matches!(a, ast::AndOr::Or(_)));
            if matches!(separator, ast::SeparatorOperator::Async) || scope.background {
                let inner = Scope {
                    background: true,
                    subshell: true,
                    conditional: scope.conditional || has_or,
                    ..scope.clone()
                };
                self.subshell(|w| w.and_or(and_or, &inner).map(drop))?;
                continue;
            }
            let inner = Scope {
                conditional: scope.conditional || has_or,
                ..scope.clone()
            };
            if reach != Reach::Yes {
                // Unreachable (after `exit`): read all the same, from the state at hand, without
                // letting it change the state.
                self.subshell(|w| w.and_or(and_or, &inner).map(drop))?;
                continue;
            }
            let flow = self.and_or(and_or, &inner)?;
            match flow {
                Flow::Split(fail) if i + 1 == count => return Ok(Flow::Split(fail)),
                // `set -e`: a lone command that fails ends the shell.
                Flow::Split(_) if self.state.errexit && and_or.additional.is_empty() => {}
                other => reach = self.settle(other),
            }
        }
        Ok(reach.flow())
    }

    fn and_or(&mut self, list: &ast::AndOrList, scope: &Scope) -> Result<Flow> {
        let flow = self.pipeline(&list.first, scope)?;
        if list.additional.is_empty() {
            return Ok(flow);
        }
        let (mut ok, mut fail, mut stop) = self.paths(flow);
        for next in &list.additional {
            let (and, pipeline) = match next {
                ast::AndOr::And(p) => (true, p),
                ast::AndOr::Or(p) => (false, p),
            };
            let from = if and { ok.take() } else { fail.take() };
            let reachable = from.is_some();
            self.state = match from {
                Some(state) => state,
                None => ok
                    .clone()
                    .or_else(|| fail.clone())
                    .unwrap_or_else(|| self.state.clone()),
            };
            let flow = self.pipeline(pipeline, scope)?;
            let (ok2, fail2, stop2) = self.paths(flow);
            if !reachable {
                continue;
            }
            stop = if stop == Reach::Yes {
                stop2
            } else {
                stop.or(stop2)
            };
            if and {
                ok = ok2;
                fail = ShellState::merge_options(fail, fail2);
            } else {
                ok = ShellState::merge_options(ok, ok2);
                fail = fail2;
            }
        }
        Ok(self.join(ok, fail, stop))
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, scope: &Scope) -> Result<Flow> {
        let id = self.next_pipeline;
        self.next_pipeline += 1;
        let count = pipeline.seq.len();
        if count == 1 {
            let stage = Stage {
                pipeline: id,
                index: 0,
                count,
            };
            let flow = self.command(&pipeline.seq[0], scope, stage)?;
            return Ok(match flow {
                // `! cd x`: success and failure trade places.
                Flow::Split(fail) if pipeline.bang => {
                    let ok = std::mem::replace(&mut self.state, *fail);
                    Flow::Split(Box::new(ok))
                }
                other => other,
            });
        }
        // Every stage of a pipeline runs in a subshell.
        let scope = Scope {
            subshell: true,
            ..scope.clone()
        };
        for (index, command) in pipeline.seq.iter().enumerate() {
            let stage = Stage {
                pipeline: id,
                index,
                count,
            };
            if index + 1 == count && self.state.lastpipe {
                let flow = self.command(command, &scope, stage)?;
                self.settle(flow);
                continue;
            }
            self.subshell(|w| w.command(command, &scope, stage).map(drop))?;
        }
        Ok(Flow::Normal)
    }

    fn command(&mut self, command: &ast::Command, scope: &Scope, stage: Stage) -> Result<Flow> {
        match command {
            ast::Command::Simple(simple) => self.simple(simple, scope, stage),
            ast::Command::Compound(compound, redirects) => {
                let inner = self.with_redirects(scope, redirects.as_ref())?;
                self.compound(compound, &inner)
            }
            ast::Command::Function(def) => {
                self.define(def, scope);
                Ok(Flow::Normal)
            }
            ast::Command::ExtendedTest(test, redirects) => {
                let inner = self.with_redirects(scope, redirects.as_ref())?;
                self.extended_test(&test.expr, &inner)?;
                Ok(Flow::Normal)
            }
        }
    }

    /// Remembers a function: its body is read where it is called, or on its own at the end.
    fn define(&mut self, def: &ast::FunctionDefinition, scope: &Scope) {
        let name = def.fname.value.clone();
        self.defs.push(FunctionDef {
            name: name.clone(),
            body: Rc::new(def.body.clone()),
            scope: scope.clone(),
            walked: false,
        });
        let index = self.defs.len() - 1;
        self.state.functions_mut().insert(name, index);
    }

    /// Reads the body of function `index` for a call in the current shell; the positional
    /// parameters are the call's arguments. Past the depth and budget limits, or for a function
    /// calling itself, the body is read once with nothing known.
    pub(super) fn call(
        &mut self,
        index: usize,
        args: Vec<Expanded>,
        scope: &Scope,
    ) -> Result<Flow> {
        let name = self.defs[index].name.clone();
        let recursive = self.frames.iter().any(|f| f.name == name);
        if recursive || self.frames.len() >= super::MAX_CALL_DEPTH || !self.spend_expansion() {
            self.walk_unknown(index)?;
            // Whatever the body changed is unknown from here on.
            self.state = self.state.generalised();
            return Ok(Flow::Normal);
        }
        self.defs[index].walked = true;
        let body = Rc::clone(&self.defs[index].body);
        let inner = Scope {
            function: Some(name.clone()),
            ..self.with_redirects(scope, body.1.as_ref())?
        };
        let saved = self.state.positional.replace(Rc::new(args));
        self.frames.push(Frame {
            name,
            locals: Vec::new(),
        });
        self.returns.push(None);
        let flow = self.compound(&body.0, &inner);
        let returned = self.returns.pop().flatten();
        let locals = self.frames.pop().map(|f| f.locals).unwrap_or_default();
        let restore = |state: &mut ShellState| {
            state.positional.clone_from(&saved);
            for (name, value) in locals.iter().rev() {
                match value {
                    Some(value) => state.vars_mut().insert(name.clone(), value.clone()),
                    None => state.vars_mut().remove(name),
                };
            }
        };
        // The call's status is its last command's: `f(){ cd x; }; f && ...` runs in `x`. A
        // `return` in the body ends the call with the state it had there.
        Ok(match (flow?, returned) {
            (Flow::Split(mut fail), returned) => {
                if let Some(returned) = &returned {
                    self.state.merge(returned);
                    fail.merge(returned);
                }
                restore(&mut self.state);
                restore(&mut fail);
                Flow::Split(fail)
            }
            (Flow::Exit, None) => Flow::Exit,
            (Flow::Exit | Flow::Return, Some(returned)) => {
                self.state = returned;
                restore(&mut self.state);
                Flow::Normal
            }
            (Flow::Normal | Flow::Return, returned) => {
                if let Some(returned) = &returned {
                    self.state.merge(returned);
                }
                restore(&mut self.state);
                Flow::Normal
            }
        })
    }

    /// Reads a function's body once with nothing known about its arguments or the state.
    fn walk_unknown(&mut self, index: usize) -> Result<()> {
        if self.defs[index].walked {
            return Ok(());
        }
        self.defs[index].walked = true;
        let body = Rc::clone(&self.defs[index].body);
        let scope = Scope {
            function: Some(self.defs[index].name.clone()),
            ..self.defs[index].scope.clone()
        };
        self.subshell(|w| {
            w.state = w.state.generalised();
            let inner = w.with_redirects(&scope, body.1.as_ref())?;
            w.compound(&body.0, &inner).map(drop)
        })
    }

    /// Functions never called where the line can see it may still be called (by a name
    /// computed at run time, `command_not_found_handle`): their bodies are read on their own.
    fn unused_functions(&mut self) -> Result<()> {
        for index in 0..self.defs.len() {
            self.walk_unknown(index)?;
        }
        Ok(())
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

    fn compound(&mut self, compound: &ast::CompoundCommand, scope: &Scope) -> Result<Flow> {
        use ast::CompoundCommand as C;
        let scope = &Scope {
            conditional: true,
            ..scope.clone()
        };
        match compound {
            C::Arithmetic(arith) => {
                self.arithmetic(&arith.expr.value, scope)?;
                Ok(Flow::Normal)
            }
            C::ArithmeticForClause(clause) => {
                for expr in [&clause.initializer, &clause.condition, &clause.updater]
                    .into_iter()
                    .flatten()
                {
                    self.arithmetic(&expr.value, scope)?;
                }
                self.repeat(|w| {
                    let flow = w.compound_list(&clause.body.list, scope)?;
                    Ok(w.settle(flow))
                })
            }
            C::BraceGroup(group) => self.compound_list(&group.list, scope),
            C::Subshell(subshell) => {
                let inner = Scope {
                    subshell: true,
                    ..scope.clone()
                };
                self.subshell(|w| w.compound_list(&subshell.list, &inner).map(drop))?;
                Ok(Flow::Normal)
            }
            C::ForClause(clause) => self.for_clause(clause, scope),
            C::CaseClause(clause) => {
                self.expand_quoted(&clause.value.value, scope)?;
                let start = self.state.clone();
                // No pattern may match.
                let mut end = Some(start.clone());
                let mut stop = Reach::Exit;
                for item in &clause.cases {
                    self.state = start.clone();
                    for pattern in &item.patterns {
                        self.expand_quoted(&pattern.value, scope)?;
                    }
                    if let Some(list) = &item.cmd {
                        let flow = self.compound_list(list, scope)?;
                        match self.settle(flow) {
                            Reach::Yes => {
                                end = ShellState::merge_options(end, Some(self.state.clone()));
                            }
                            other => stop = stop.or(other),
                        }
                    } else {
                        end = ShellState::merge_options(end, Some(self.state.clone()));
                    }
                }
                Ok(self.join(end, None, stop))
            }
            C::IfClause(clause) => self.if_clause(clause, scope),
            C::WhileClause(clause) | C::UntilClause(clause) => self.repeat(|w| {
                let flow = w.compound_list(&clause.0, scope)?;
                if w.settle(flow) != Reach::Yes {
                    return Ok(Reach::Exit);
                }
                let flow = w.compound_list(&clause.1.list, scope)?;
                Ok(w.settle(flow))
            }),
            C::Coprocess(coproc) => {
                let stage = self.lone_stage();
                let inner = Scope {
                    subshell: true,
                    background: true,
                    ..scope.clone()
                };
                self.subshell(|w| w.command(&coproc.body, &inner, stage).map(drop))?;
                Ok(Flow::Normal)
            }
        }
    }

    fn if_clause(&mut self, clause: &ast::IfClauseCommand, scope: &Scope) -> Result<Flow> {
        let base = self.state.clone();
        let flow = self.compound_list(&clause.condition, scope)?;
        let (ok, mut fail, _) = self.paths(flow);
        let mut end: Option<ShellState> = None;
        let mut stop = Reach::Exit;
        let mut branch = |w: &mut Self, from: Option<ShellState>, body: &ast::CompoundList| {
            let reachable = from.is_some();
            w.state = from.unwrap_or_else(|| base.clone());
            let flow = w.compound_list(body, scope)?;
            match w.settle(flow) {
                Reach::Yes if reachable => {
                    end = ShellState::merge_options(end.take(), Some(w.state.clone()));
                }
                Reach::Yes => {}
                other => stop = stop.or(other),
            }
            Ok::<(), Error>(())
        };
        branch(self, ok, &clause.then)?;
        for item in clause.elses.iter().flatten() {
            match &item.condition {
                Some(condition) => {
                    let reachable = fail.is_some();
                    self.state = fail.take().unwrap_or_else(|| base.clone());
                    let flow = self.compound_list(condition, scope)?;
                    let (ok, next_fail, _) = self.paths(flow);
                    branch(self, ok.filter(|_| reachable), &item.body)?;
                    fail = next_fail.filter(|_| reachable);
                }
                None => {
                    branch(self, fail.take(), &item.body)?;
                }
            }
        }
        // Without an `else`, a false condition goes on from where it left the state.
        let end = ShellState::merge_options(end, fail);
        Ok(self.join(end, None, stop))
    }

    /// A `for` loop: over known words, each value in turn; over a glob, the glob itself stands
    /// for the files; otherwise the variable is unknown.
    fn for_clause(&mut self, clause: &ast::ForClauseCommand, scope: &Scope) -> Result<Flow> {
        let name = clause.variable_name.clone();
        let values = match &clause.values {
            Some(words) => {
                let mut values = Vec::new();
                for word in words {
                    values.extend(self.expand_word(&word.value, scope)?);
                }
                Some(values)
            }
            None => self.state.positional.as_deref().cloned(),
        };
        let known = values.filter(|v| v.iter().all(|x| !x.dynamic));
        let body = |w: &mut Self, value: Option<&Expanded>| -> Result<Reach> {
            let value = value.map_or(Value::Unknown, |v| Value::Scalar(v.clone()));
            w.set_var(&name, value);
            let flow = w.compound_list(&clause.body.list, scope)?;
            Ok(w.settle(flow))
        };
        match known {
            Some(values)
                if values.iter().all(|v| !v.glob)
                    && values.len() <= super::MAX_LOOP_VALUES
                    && (values.len() <= 1 || self.spend_expansion()) =>
            {
                self.loop_exits.push(None);
                let mut reach = Reach::Yes;
                for value in &values {
                    if let Some(Some(continued)) = self.loop_exits.last().cloned() {
                        self.state.merge(&continued);
                    }
                    reach = body(self, Some(value))?;
                    if reach != Reach::Yes {
                        break;
                    }
                }
                let exits = self.loop_exits.pop().flatten();
                let end = if reach == Reach::Yes {
                    Some(self.state.clone())
                } else {
                    None
                };
                Ok(self.join(ShellState::merge_options(end, exits), None, reach))
            }
            Some(values) if values.len() == 1 => {
                let glob = values[0].clone();
                self.set_var(&name, Value::Scalar(glob.clone()));
                self.repeat(|w| body(w, Some(&glob)))
            }
            _ => {
                self.set_var(&name, Value::Unknown);
                self.repeat(|w| body(w, None))
            }
        }
    }

    /// A loop body that may run any number of times. It is read with the state before the
    /// loop, then again with what it changes merged in, until nothing changes (at most three
    /// times, within the budget); then once more with everything it could change unknown.
    fn repeat(&mut self, mut body: impl FnMut(&mut Self) -> Result<Reach>) -> Result<Flow> {
        let mut seen = self.state.clone();
        self.loop_exits.push(None);
        for round in 0.. {
            self.state = seen.clone();
            let reach = body(self)?;
            let mut next = seen.clone();
            if reach == Reach::Yes {
                next.merge(&self.state);
            }
            if let Some(Some(exit)) = self.loop_exits.last() {
                next.merge(exit);
            }
            if next == seen {
                break;
            }
            if round >= 2 || !self.spend_expansion() {
                let unknown = next.generalised();
                self.state = unknown.clone();
                body(self)?;
                seen = unknown;
                break;
            }
            seen = next;
        }
        self.loop_exits.pop();
        self.state = seen;
        Ok(Flow::Normal)
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

    /// Arithmetic can hold command substitutions (`(( $(rm -rf /) ))`) and assign variables.
    fn arithmetic(&mut self, text: &str, scope: &Scope) -> Result<()> {
        if text.contains("$(") || text.contains('`') {
            self.expand(&format!("\"{text}\""), scope)?;
        }
        self.arithmetic_assignments(text);
        self.arithmetic_as_commands(text, scope)
    }

    /// Variables assigned in arithmetic (`x=1`, `x+=2`, `x++`) hold numbers the walk does not
    /// compute: they become unknown.
    pub(super) fn arithmetic_assignments(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let name = &text[start..i];
            let rest = text[i..].trim_start();
            let before = text[..start].trim_end();
            let assigned = (rest.starts_with('=') && !rest.starts_with("=="))
                || rest.starts_with("++")
                || rest.starts_with("--")
                || before.ends_with("++")
                || before.ends_with("--")
                || ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="]
                    .iter()
                    .any(|op| rest.starts_with(op));
            if assigned {
                self.set_var(name, Value::Unknown);
            }
        }
    }

    /// The parser reads `( ( rm -rf / ) )` and `$( ( rm -rf / ) )`, which Bash runs as nested
    /// subshells, as arithmetic `((...))` and `$((...))`. So the text of any arithmetic is also
    /// read as commands in a subshell. That can only make a decision stricter: real arithmetic
    /// such as `i + 1` reads as a command nobody recognises, and text that does not parse as
    /// commands is left as the arithmetic it is.
    pub(super) fn arithmetic_as_commands(&mut self, text: &str, scope: &Scope) -> Result<()> {
        if super::parse_program(text).is_err() {
            return Ok(());
        }
        let inner = Scope {
            subshell: true,
            ..scope.clone()
        };
        self.child(text, "arithmetic read as subshells", &inner)
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

    fn simple(&mut self, simple: &ast::SimpleCommand, scope: &Scope, stage: Stage) -> Result<Flow> {
        let mut acc = Accumulated {
            words: Vec::new(),
            raw_words: Vec::new(),
            redirects: scope.redirects.clone(),
            stdin_text: scope.stdin_text.clone(),
            declarations: Vec::new(),
        };
        let mut assignments = Vec::new();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                ast::CommandPrefixOrSuffixItem::AssignmentWord(assignment, _) => {
                    assignments.push(assignment);
                }
                other => self.item(other, &mut acc, scope)?,
            }
        }
        if let Some(name) = &simple.word_or_name {
            acc.raw_words.push(name.value.clone());
            let expanded = self.expand_word(&name.value, scope)?;
            acc.words.extend(expanded);
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            self.item(item, &mut acc, scope)?;
        }
        if acc.words.is_empty() {
            // Assignments alone set shell variables, each seeing the ones before it.
            for assignment in assignments {
                self.assign(assignment, scope)?;
            }
            if acc.redirects.len() == scope.redirects.len() && acc.stdin_text == scope.stdin_text {
                return Ok(Flow::Normal);
            }
        } else {
            // Assignments before a command only reach its environment; their values may
            // still run commands.
            for assignment in assignments {
                self.assignment_value(&assignment.value, scope)?;
            }
        }
        let raw = exec::Raw {
            text: acc.raw_words.join(" "),
            words: acc.words,
            redirects: acc.redirects,
            stdin_text: acc.stdin_text,
            declarations: acc.declarations,
            wrappers: Vec::new(),
        };
        exec::finish(self, raw, scope, stage)
    }

    fn item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        acc: &mut Accumulated,
        scope: &Scope,
    ) -> Result<()> {
        use ast::CommandPrefixOrSuffixItem as I;
        match item {
            I::Word(word) => {
                acc.raw_words.push(word.value.clone());
                let expanded = self.expand_word(&word.value, scope)?;
                acc.words.extend(expanded);
            }
            I::AssignmentWord(assignment, word) => {
                // `declare x=1`, `export PATH=...`: a word for the command, an assignment for
                // the builtins that make one.
                acc.raw_words.push(word.value.clone());
                let expanded = self.expand_quoted(&word.value, scope)?;
                acc.declarations.push((acc.words.len(), assignment.clone()));
                acc.words.push(expanded);
            }
            I::IoRedirect(redirect) => {
                acc.raw_words.push(render_redirect(redirect));
                self.redirect(redirect, &mut acc.redirects, &mut acc.stdin_text, scope)?;
            }
            I::ProcessSubstitution(kind, subshell) => {
                let (text, what) = process_substitution(kind, subshell);
                let content = self.process_substitution(subshell, what, scope)?;
                acc.raw_words.push(text.clone());
                acc.words.push(Expanded {
                    content,
                    ..Expanded::unknown(text)
                });
            }
        }
        Ok(())
    }

    /// Walks a process substitution in a subshell; returns what it prints when that is fixed.
    fn process_substitution(
        &mut self,
        subshell: &ast::SubshellCommand,
        what: &str,
        scope: &Scope,
    ) -> Result<Option<String>> {
        let inner = Scope {
            origin: Origin::Nested(what.into()),
            subshell: true,
            ..scope.clone()
        };
        let first = self.commands.len();
        self.subshell(|w| w.compound_list(&subshell.list, &inner).map(drop))?;
        Ok(self.output_of(&self.commands[first..]))
    }

    /// Reads one redirection into `redirects` (file targets) or `stdin_text` (here-documents,
    /// here-strings and `< <(...)` whose output is known), walking any commands it runs.
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
                        let content = self.process_substitution(subshell, what, scope)?;
                        if kind == RedirectKind::Read
                            && fd.is_none_or(|fd| fd == 0)
                            && let Some(content) = content
                        {
                            *stdin_text = Some(content);
                        }
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

fn spend(left: &mut usize, amount: usize) -> bool {
    match left.checked_sub(amount) {
        Some(rest) => {
            *left = rest;
            true
        }
        None => false,
    }
}

/// What a simple command gathered while its words and redirections were read.
struct Accumulated {
    words: Vec<Expanded>,
    raw_words: Vec<String>,
    redirects: Vec<Redirect>,
    stdin_text: Option<String>,
    /// Assignment words among the arguments (`declare x=1`), with their index in `words`.
    declarations: Vec<(usize, ast::Assignment)>,
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
