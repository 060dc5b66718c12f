//! Builtins that change what the shell knows, applied to the walker's state after the command
//! is recorded: assignments and declarations, `cd`/`pushd`/`popd`, `set`/`shift`, `read`,
//! `alias`/`hash -p`, `trap`, `source`/`eval`, `exit`/`return`/`break`.

use brush_parser::ast;

use super::state::{Attrs, ShellState, Value};
use super::walk::{Flow, Frame, Scope, Stage, Walker};
use super::word::{Expanded, is_name};
use crate::Result;

/// Whether [`Walker::builtin`] follows `name`.
fn is_followed(name: &str) -> bool {
    matches!(
        name,
        "cd" | "pushd"
            | "popd"
            | "dirs"
            | "set"
            | "shift"
            | "declare"
            | "typeset"
            | "local"
            | "export"
            | "readonly"
            | "unset"
            | "read"
            | "mapfile"
            | "readarray"
            | "getopts"
            | "printf"
            | "let"
            | "alias"
            | "unalias"
            | "hash"
            | "trap"
            | "eval"
            | "source"
            | "."
            | "exit"
            | "return"
            | "break"
            | "continue"
            | "shopt"
    )
}

/// Builtins whose wrappers keep them in the current shell (`builtin cd`, `command set`).
pub(super) fn runs_in_shell(wrappers: &[String]) -> bool {
    wrappers
        .iter()
        .all(|w| matches!(w.as_str(), "builtin" | "command" | "time" | "noglob"))
}

impl Walker {
    /// Applies the effect of the command recorded at `index` (`words`: its effective words) on
    /// the shell it runs in.
    #[expect(
        clippy::too_many_lines,
        reason = "a dispatch table with one arm per builtin"
    )]
    pub(super) fn builtin(
        &mut self,
        index: usize,
        words: &[Expanded],
        declarations: &[(usize, ast::Assignment)],
        scope: &Scope,
        stage: Stage,
    ) -> Result<Flow> {
        let Some((program, args)) = words.split_first() else {
            return Ok(Flow::Normal);
        };
        if program.dynamic || !is_followed(&program.text) {
            return Ok(Flow::Normal);
        }
        let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
        match program.text.as_str() {
            "cd" => Ok(self.cd(args)),
            "pushd" => Ok(self.pushd(args)),
            "popd" => {
                let before = self.state.clone();
                if texts
                    .iter()
                    .any(|a| a.starts_with(['+', '-']) && *a != "-n")
                {
                    self.state.dir.lost();
                } else if !texts.contains(&"-n") {
                    self.state.dir.popd();
                }
                self.forget_oldpwd();
                Ok(Flow::Split(Box::new(before)))
            }
            "shopt" => {
                let on = match texts.first() {
                    Some(&"-s") => true,
                    Some(&"-u") => false,
                    _ => return Ok(Flow::Normal),
                };
                for option in &texts[1..] {
                    match *option {
                        "lastpipe" => self.state.lastpipe = on,
                        "nocasematch" => self.state.nocasematch = on,
                        _ => {}
                    }
                }
                Ok(Flow::Normal)
            }
            "dirs" if texts.contains(&"-c") => {
                self.state.dir.stack.clear();
                Ok(Flow::Normal)
            }
            "set" => {
                self.set(args);
                Ok(Flow::Normal)
            }
            "shift" => {
                let n = match texts.first() {
                    None => Some(1),
                    Some(t) => t.parse::<usize>().ok(),
                };
                match (n, self.state.positional.as_mut()) {
                    (Some(n), Some(all)) if n <= all.len() => {
                        std::rc::Rc::make_mut(all).drain(..n);
                    }
                    (Some(_), Some(_)) => {}
                    _ => self.state.positional = None,
                }
                Ok(Flow::Normal)
            }
            "declare" | "typeset" | "local" | "export" | "readonly" => {
                self.declare(&program.text, args, declarations, scope)?;
                Ok(Flow::Normal)
            }
            "unset" => {
                let functions = texts.contains(&"-f");
                for name in texts.iter().filter(|t| !t.starts_with('-')) {
                    if functions {
                        self.state.functions_mut().remove(*name);
                    } else if is_name(name) {
                        self.set_var(name, Value::Unset);
                    } else {
                        // `unset 'a[1]'` and the like.
                        let base = name.split('[').next().unwrap_or_default();
                        self.set_var(base, Value::Unknown);
                    }
                }
                Ok(Flow::Normal)
            }
            "read" => {
                self.read(index, args, stage);
                Ok(Flow::Normal)
            }
            "mapfile" | "readarray" => {
                let name = texts
                    .iter()
                    .rev()
                    .find(|t| is_name(t))
                    .map_or("MAPFILE", |n| *n);
                self.set_var(name, Value::Unknown);
                Ok(Flow::Normal)
            }
            "getopts" => {
                if let Some(name) = texts.get(1) {
                    self.set_var(name, Value::Unknown);
                }
                self.set_var("OPTARG", Value::Unknown);
                self.set_var("OPTIND", Value::Unknown);
                Ok(Flow::Normal)
            }
            "printf" if texts.first() == Some(&"-v") => {
                if let Some(name) = texts.get(1) {
                    let value = Self::printf_value(&args[2..]);
                    let base = name.split('[').next().unwrap_or_default();
                    if base == *name {
                        self.set_var(name, value);
                    } else {
                        self.set_var(base, Value::Unknown);
                    }
                }
                Ok(Flow::Normal)
            }
            "let" => {
                for arg in &texts {
                    self.arithmetic_assignments(arg);
                }
                Ok(Flow::Normal)
            }
            "alias" => {
                for arg in args {
                    if let Some((name, value)) = arg.text.split_once('=') {
                        if arg.dynamic {
                            self.state.aliases_mut().remove(name);
                        } else {
                            self.state
                                .aliases_mut()
                                .insert(name.to_owned(), value.to_owned());
                        }
                    }
                }
                Ok(Flow::Normal)
            }
            "unalias" => {
                if texts.contains(&"-a") {
                    self.state.aliases_mut().clear();
                }
                for name in &texts {
                    self.state.aliases_mut().remove(*name);
                }
                Ok(Flow::Normal)
            }
            // `hash -p /bin/rm ls`: `ls` now runs `/bin/rm`.
            "hash" if texts.first() == Some(&"-p") => {
                if let (Some(path), Some(name)) = (args.get(1), args.get(2)) {
                    let text = if path.dynamic {
                        "\"$(unknown)\"".to_owned()
                    } else {
                        path.text.clone()
                    };
                    self.state.aliases_mut().insert(name.text.clone(), text);
                }
                Ok(Flow::Normal)
            }
            "trap" => {
                self.trap(args, scope);
                Ok(Flow::Normal)
            }
            "eval" => {
                let line = texts.join(" ");
                self.nested(&line, "eval", scope)
            }
            "source" | "." => self.source(index, args, scope, stage),
            "exit" => {
                self.add_exit();
                Ok(Flow::Exit)
            }
            "return" if self.add_return() => Ok(Flow::Return),
            "break" | "continue" => {
                let levels = texts
                    .first()
                    .and_then(|t| t.parse::<usize>().ok())
                    .unwrap_or(1);
                let count = self.loop_exits.len();
                for slot in self
                    .loop_exits
                    .iter_mut()
                    .skip(count.saturating_sub(levels))
                {
                    *slot = ShellState::merge_options(slot.take(), Some(self.state.clone()));
                }
                Ok(Flow::Normal)
            }
            _ => Ok(Flow::Normal),
        }
    }

    /// `cd`: on success the directory changes, on failure it stays.
    fn cd(&mut self, args: &[Expanded]) -> Flow {
        let before = self.state.clone();
        let operands: Vec<&Expanded> = skip_dir_options(args);
        let cdpath = self.state.cdpath();
        // A bare `cd` goes to `$HOME`, `cd -` to `$OLDPWD`: the line may have set them.
        let assigned = |name: &str| match self.state.vars.get(name) {
            None | Some(Value::Unset) => None,
            Some(value) => Some(
                value
                    .scalar()
                    .cloned()
                    .unwrap_or_else(|| Expanded::unknown(name)),
            ),
        };
        match operands.as_slice() {
            [] => match assigned("HOME") {
                Some(home) => self.state.dir.cd(&home, false),
                None => self.state.dir.home(),
            },
            [target] if target.text == "-" && !target.dynamic => match assigned("OLDPWD") {
                Some(old) => self.state.dir.cd(&old, false),
                None => self.state.dir.back(),
            },
            [target] => self.state.dir.cd(target, cdpath),
            _ => self.state.dir.lost(),
        }
        self.forget_oldpwd();
        Flow::Split(Box::new(before))
    }

    /// After a directory change the shell sets `OLDPWD` itself: the walker's own record of
    /// it holds from then on.
    fn forget_oldpwd(&mut self) {
        if self.state.vars.get("OLDPWD").is_some() {
            self.state.vars_mut().remove("OLDPWD");
        }
    }

    fn pushd(&mut self, args: &[Expanded]) -> Flow {
        let before = self.state.clone();
        let operands = skip_dir_options(args);
        let cdpath = self.state.cdpath();
        match operands.as_slice() {
            [] => self.state.dir.swap(),
            [target] if !target.dynamic && target.text.starts_with(['+', '-']) => {
                self.state.dir.lost();
            }
            [target] => self.state.dir.pushd(target, cdpath),
            _ => self.state.dir.lost(),
        }
        self.forget_oldpwd();
        Flow::Split(Box::new(before))
    }

    /// `set`: options (`-e`), and positional parameters after `--` or the first operand.
    fn set(&mut self, args: &[Expanded]) {
        let mut i = 0;
        let mut positional = None;
        while let Some(arg) = args.get(i) {
            let text = arg.text.as_str();
            if arg.dynamic {
                self.state.positional = None;
                return;
            }
            if text == "--" {
                positional = Some(&args[i + 1..]);
                break;
            }
            if text == "-o" || text == "+o" {
                if args.get(i + 1).is_some_and(|a| a.text == "errexit") {
                    self.state.errexit = text == "-o";
                }
                i += 2;
                continue;
            }
            if let Some(flags) = text.strip_prefix('-').filter(|f| !f.is_empty()) {
                if flags.contains('e') {
                    self.state.errexit = true;
                }
                i += 1;
                continue;
            }
            if let Some(flags) = text.strip_prefix('+').filter(|f| !f.is_empty()) {
                if flags.contains('e') {
                    self.state.errexit = false;
                }
                i += 1;
                continue;
            }
            if text == "-" {
                positional = Some(&args[i + 1..]);
                break;
            }
            positional = Some(&args[i..]);
            break;
        }
        if let Some(values) = positional {
            self.state.set_positional(Some(values.to_vec()));
        }
    }

    /// `declare`, `local`, `export`...: assignments among the arguments, and attributes.
    fn declare(
        &mut self,
        builtin: &str,
        args: &[Expanded],
        declarations: &[(usize, ast::Assignment)],
        scope: &Scope,
    ) -> Result<()> {
        let mut attrs = Attrs::default();
        let mut remove = Attrs::default();
        let mut global = false;
        let mut functions = false;
        let mut nameref = false;
        if builtin == "readonly" {
            attrs.readonly = true;
        }
        for arg in args.iter().filter(|a| !a.text.contains('=')) {
            let (flags, target) = match arg.text.strip_prefix('-') {
                Some(f) => (f, &mut attrs),
                None => match arg.text.strip_prefix('+') {
                    Some(f) => (f, &mut remove),
                    None => continue,
                },
            };
            for flag in flags.chars() {
                match flag {
                    'l' => target.lower = true,
                    'u' => target.upper = true,
                    'i' => target.integer = true,
                    'r' => target.readonly = true,
                    'n' => nameref = true,
                    'g' => global = true,
                    'f' | 'F' => functions = true,
                    _ => {}
                }
            }
        }
        if functions {
            return Ok(());
        }
        if nameref {
            // A name reference makes assignments land elsewhere: nothing assigned is known.
            let names: Vec<String> = self.state.vars.keys().cloned().collect();
            for name in names {
                self.state.vars_mut().insert(name, Value::Unknown);
            }
        }
        let local = !global && matches!(builtin, "local" | "declare" | "typeset");
        let assigned: Vec<usize> = declarations.iter().map(|(i, _)| *i).collect();
        // Names declared without a value.
        for (i, arg) in args.iter().enumerate() {
            if assigned.contains(&i) || arg.text.starts_with(['-', '+']) || !is_name(&arg.text) {
                continue;
            }
            self.set_attrs(&arg.text, &attrs, &remove);
            if local {
                self.make_local(&arg.text);
                if matches!(builtin, "local" | "declare" | "typeset") {
                    self.state
                        .vars_mut()
                        .entry(arg.text.clone())
                        .or_insert(Value::Unset);
                }
            }
        }
        for (_, assignment) in declarations {
            let name = match &assignment.name {
                ast::AssignmentName::VariableName(name)
                | ast::AssignmentName::ArrayElementName(name, _) => name.clone(),
            };
            if local {
                self.make_local(&name);
            }
            self.set_attrs(&name, &Attrs::default(), &remove);
            let mut pending = attrs.clone();
            pending.readonly = false;
            self.set_attrs(&name, &pending, &Attrs::default());
            self.assign(assignment, scope)?;
            if attrs.readonly {
                self.set_attrs(&name, &attrs, &Attrs::default());
            }
        }
        Ok(())
    }

    fn set_attrs(&mut self, name: &str, add: &Attrs, remove: &Attrs) {
        let entry = self.state.attrs_mut().entry(name.to_owned()).or_default();
        entry.lower = (entry.lower || add.lower) && !remove.lower;
        entry.upper = (entry.upper || add.upper) && !remove.upper;
        entry.integer = (entry.integer || add.integer) && !remove.integer;
        entry.readonly |= add.readonly;
    }

    /// Inside a function, `local x` hides the caller's `x` until the function returns.
    fn make_local(&mut self, name: &str) {
        let previous = self.state.vars.get(name).cloned();
        if let Some(Frame { locals, .. }) = self.frames.last_mut()
            && !locals.iter().any(|(n, _)| n == name)
        {
            locals.push((name.to_owned(), previous));
        }
    }

    /// `read`: from a here-string or here-document with a known text, the first line split on
    /// `IFS`; otherwise the names become unknown.
    fn read(&mut self, index: usize, args: &[Expanded], stage: Stage) {
        let mut names = Vec::new();
        let mut array = None;
        let mut raw = false;
        let mut plain = true;
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            match arg.text.as_str() {
                "-r" => raw = true,
                "-a" => {
                    array = args.get(i + 1).map(|a| a.text.clone());
                    i += 1;
                }
                "-p" | "-t" | "-u" | "-i" => {
                    i += 1;
                    if arg.text != "-p" {
                        plain = false;
                    }
                }
                "-d" | "-n" | "-N" => {
                    plain = false;
                    i += 1;
                }
                t if t.starts_with('-') => {
                    if t.contains(['d', 'n', 'N', 'a', 'u', 't']) {
                        plain = false;
                    }
                    raw |= t.contains('r');
                }
                t => names.push(t.to_owned()),
            }
            i += 1;
        }
        if names.is_empty() && array.is_none() {
            names.push("REPLY".into());
        }
        // In a pipeline `read` usually runs in a subshell and what it reads is lost; with
        // `lastpipe` the last stage runs here and reads what the stages before print.
        let input = self
            .stdin_of(index, stage)
            .filter(|t| plain && (raw || !t.contains('\\')));
        let fields = input.and_then(|text| {
            let line = text.lines().next().unwrap_or_default().to_owned();
            let ifs = match self.state.vars.get("IFS") {
                None | Some(Value::Unset) => " \t\n".to_owned(),
                Some(v) => v.scalar().filter(|v| !v.dynamic)?.text.clone(),
            };
            Some(split_read(&line, &ifs, names.len().max(1), array.is_some()))
        });
        if let Some(name) = array {
            let value = match fields {
                Some(fields) => Value::Array(
                    fields
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| (i, Expanded::literal(f)))
                        .collect(),
                ),
                None => Value::Unknown,
            };
            self.set_var(&name, value);
            return;
        }
        for (i, name) in names.iter().enumerate() {
            let value = match &fields {
                Some(fields) => Value::Scalar(Expanded::literal(
                    fields.get(i).cloned().unwrap_or_default(),
                )),
                None => Value::Unknown,
            };
            self.set_var(name, value);
        }
    }

    /// The value `printf -v NAME FORMAT ARGS` assigns.
    fn printf_value(args: &[Expanded]) -> Value {
        let mut words = vec![Expanded::literal("printf")];
        words.extend_from_slice(args);
        let command = super::Command {
            text: String::new(),
            argv: Vec::new(),
            dynamic_args: words.iter().map(|w| w.dynamic).collect(),
            effective: words.into_iter().map(|w| w.text).collect(),
            wrappers: Vec::new(),
            origin: super::Origin::TopLevel,
            dynamic_name: false,
            redirects: Vec::new(),
            stdin_text: None,
            pipeline: 0,
            stage: 0,
            stages: 1,
            background: false,
            function: None,
            subshell: false,
            conditional: false,
            parent: None,
            dir: super::Dir::Start,
            function_call: false,
        };
        match super::output::printed(&command) {
            Some(text) => Value::Scalar(Expanded::literal(text)),
            None => Value::Unknown,
        }
    }

    /// `trap ACTION SIGNAL...`: the action runs later, read when the shell ends.
    fn trap(&mut self, args: &[Expanded], scope: &Scope) {
        let operands: Vec<&Expanded> = args
            .iter()
            .skip_while(|a| a.text.starts_with('-') && a.text != "-" && a.text != "--")
            .skip_while(|a| a.text == "--")
            .collect();
        let [action, _signal, ..] = operands.as_slice() else {
            return;
        };
        if action.text.is_empty() || action.text == "-" {
            return;
        }
        self.add_trap(action.text.clone(), scope);
    }

    /// `source FILE ARGS...`: a process substitution or standard input with a known text is
    /// read in the current shell, with `ARGS` as positional parameters.
    fn source(
        &mut self,
        index: usize,
        args: &[Expanded],
        scope: &Scope,
        stage: Stage,
    ) -> Result<Flow> {
        let args: &[Expanded] = match args.first() {
            Some(first) if first.text == "--" => &args[1..],
            _ => args,
        };
        let Some((file, rest)) = args.split_first() else {
            return Ok(Flow::Normal);
        };
        let Some(text) = self.script_text(index, file, stage) else {
            return Ok(Flow::Normal);
        };
        let what = format!("source {}", script_name(file));
        let saved = (!rest.is_empty()).then(|| {
            self.state
                .positional
                .replace(std::rc::Rc::new(rest.to_vec()))
        });
        self.returns.push(None);
        let flow = self.nested(&text, &what, scope);
        let returned = self.returns.pop().flatten();
        let flow = match (flow?, returned) {
            (Flow::Exit, None) => Flow::Exit,
            (Flow::Exit | Flow::Return, Some(returned)) => {
                self.state = returned;
                Flow::Normal
            }
            (_, returned) => {
                if let Some(returned) = &returned {
                    self.state.merge(returned);
                }
                Flow::Normal
            }
        };
        if let Some(saved) = saved {
            self.state.positional = saved;
        }
        Ok(flow)
    }

    /// The text of a script named by `file` when it is known: a process substitution's output,
    /// or standard input (`/dev/stdin`, `-`) from a here-document or an upstream `echo`.
    pub(super) fn script_text(
        &self,
        index: usize,
        file: &Expanded,
        stage: Stage,
    ) -> Option<String> {
        if let Some(content) = &file.content {
            return Some(content.clone());
        }
        if file.dynamic {
            return None;
        }
        if matches!(
            file.text.as_str(),
            "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0" | "-"
        ) {
            return self.stdin_of(index, stage);
        }
        None
    }

    /// What the command at `index` reads on standard input, when that is known.
    pub(super) fn stdin_of(&self, index: usize, stage: Stage) -> Option<String> {
        if let Some(text) = &self.commands[index].stdin_text {
            return Some(text.clone());
        }
        if stage.index == 0 {
            return None;
        }
        let upstream: Vec<&super::Command> = self
            .commands
            .iter()
            .filter(|c| c.pipeline == stage.pipeline && c.stage < stage.index && c.parent.is_none())
            .collect();
        if upstream.len() != stage.index {
            return None;
        }
        self.output_of_stages(&upstream)
    }
}

/// How a script file is named in an origin: `<(...)` for a process substitution.
pub(super) fn script_name(file: &Expanded) -> &str {
    if file.content.is_some() {
        "<(...)"
    } else {
        &file.text
    }
}

/// Splits a line for `read` into at most `count` fields (the last takes the rest of the line),
/// or every field for `read -a`.
fn split_read(line: &str, ifs: &str, count: usize, all: bool) -> Vec<String> {
    let white = |c: char| ifs.contains(c) && c.is_whitespace();
    let line = line.trim_matches(white);
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut fields = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if !ifs.contains(c) {
            i += 1;
            continue;
        }
        if !all && fields.len() + 1 == count {
            break;
        }
        fields.push(line[start..at].to_owned());
        // One separator: white space, at most one other character, white space.
        while i < chars.len() && white(chars[i].1) {
            i += 1;
        }
        if i < chars.len() && ifs.contains(chars[i].1) && !white(chars[i].1) {
            i += 1;
            while i < chars.len() && white(chars[i].1) {
                i += 1;
            }
        }
        start = chars.get(i).map_or(line.len(), |(at, _)| *at);
    }
    if start < line.len() || fields.is_empty() && !line.is_empty() {
        fields.push(line[start..].to_owned());
    }
    fields
}

/// The operands of `cd` and `pushd` after their options (`-L`, `-P`, `-e`, `-@`, `--`).
fn skip_dir_options(args: &[Expanded]) -> Vec<&Expanded> {
    let mut operands = Vec::new();
    let mut options = true;
    for arg in args {
        if options && !arg.dynamic && arg.text == "--" {
            options = false;
            continue;
        }
        if options
            && !arg.dynamic
            && arg.text.len() > 1
            && arg.text.starts_with('-')
            && arg.text[1..]
                .chars()
                .all(|c| matches!(c, 'L' | 'P' | 'e' | '@' | 'n'))
        {
            continue;
        }
        options = false;
        operands.push(arg);
    }
    operands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_splits_like_bash() {
        assert_eq!(split_read("rm -rf ~", " \t\n", 1, false), ["rm -rf ~"]);
        assert_eq!(split_read("rm -rf ~", " \t\n", 2, false), ["rm", "-rf ~"]);
        assert_eq!(split_read("a,b,c", ",", 5, true), ["a", "b", "c"]);
    }
}
