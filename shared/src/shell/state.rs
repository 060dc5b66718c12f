//! What the shell knows while a line runs: variables, positional parameters, functions, aliases
//! and the working directory, as far as they can be read without running anything.
//!
//! Where the reading cannot tell which of two states holds (after `if`, `||`, a loop), the two are
//! merged: whatever differs becomes unknown. Unknown is never guessed back into a value.

use std::collections::HashMap;
use std::rc::Rc;

use super::Dir;
use super::word::Expanded;

/// A variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// A scalar; its `dynamic` flag says whether it holds something unresolved.
    Scalar(Expanded),
    /// An indexed array: `(index, element)` pairs in index order (arrays are sparse).
    Array(Vec<(usize, Expanded)>),
    /// Known to be unset (`unset x`, `local x`).
    Unset,
    /// Assigned in the line, but to something that cannot be known (`read x`, a merge of two
    /// different values). Also hides the defaults of `HOME`, `PWD` and `IFS`.
    Unknown,
}

impl Value {
    /// The scalar value (`$a` of an array is its element 0).
    pub(super) fn scalar(&self) -> Option<&Expanded> {
        match self {
            Self::Scalar(v) => Some(v),
            Self::Array(items) => items.iter().find(|(i, _)| *i == 0).map(|(_, v)| v),
            Self::Unset | Self::Unknown => None,
        }
    }
}

/// Attributes given by `declare` that change what an assignment stores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent attributes, each set by its own flag"
)]
pub(super) struct Attrs {
    /// `-l`: values are lowercased.
    pub(super) lower: bool,
    /// `-u`: values are uppercased.
    pub(super) upper: bool,
    /// `-i`: values are evaluated as arithmetic (not followed: they become unknown).
    pub(super) integer: bool,
    /// `-r`: assignments fail.
    pub(super) readonly: bool,
}

/// The working directory and the `cd` history that `cd -`, `pushd` and `popd` use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DirState {
    pub(super) current: Dir,
    /// `$OLDPWD`: unknown before the first `cd` of the line.
    pub(super) old: Dir,
    /// The directory stack below the current directory (`pushd`), innermost last. Entries from
    /// before the line are unknown: `popd` past this stack makes the directory unknown.
    pub(super) stack: Vec<Dir>,
}

impl Default for DirState {
    fn default() -> Self {
        Self {
            current: Dir::Start,
            old: Dir::Unknown,
            stack: Vec::new(),
        }
    }
}

impl DirState {
    /// `cd target` succeeded.
    pub(super) fn cd(&mut self, target: &Expanded, cdpath: bool) {
        let next = self.resolve(target, cdpath);
        self.old = std::mem::replace(&mut self.current, next);
    }

    /// A bare `cd`: home, recorded as `""`.
    pub(super) fn home(&mut self) {
        self.old = std::mem::replace(&mut self.current, Dir::Changed(vec![String::new()]));
    }

    /// `cd -`.
    pub(super) fn back(&mut self) {
        std::mem::swap(&mut self.current, &mut self.old);
    }

    /// Where `cd target` leads from the current directory.
    fn resolve(&self, target: &Expanded, cdpath: bool) -> Dir {
        let text = target.text.as_str();
        if target.dynamic || target.glob {
            return Dir::Unknown;
        }
        // With `CDPATH` set, `cd name` may go to a directory of `CDPATH` instead.
        if cdpath && !(text.starts_with('/') || text.starts_with('.') || text.starts_with('~')) {
            return Dir::Unknown;
        }
        match text {
            "" | "." => self.current.clone(),
            _ if text.starts_with('/') || text.starts_with('~') => Dir::Changed(vec![text.into()]),
            _ => match &self.current {
                Dir::Start => Dir::Changed(vec![text.into()]),
                Dir::Changed(steps) => {
                    let mut steps = steps.clone();
                    steps.push(text.into());
                    Dir::Changed(steps)
                }
                Dir::Unknown => Dir::Unknown,
            },
        }
    }

    /// `pushd target`.
    pub(super) fn pushd(&mut self, target: &Expanded, cdpath: bool) {
        let next = self.resolve(target, cdpath);
        let previous = std::mem::replace(&mut self.current, next);
        self.old = previous.clone();
        self.stack.push(previous);
    }

    /// `pushd` without arguments: swaps the two top entries.
    pub(super) fn swap(&mut self) {
        match self.stack.pop() {
            Some(top) => {
                let previous = std::mem::replace(&mut self.current, top);
                self.old = previous.clone();
                self.stack.push(previous);
            }
            None => self.lost(),
        }
    }

    /// `popd`.
    pub(super) fn popd(&mut self) {
        match self.stack.pop() {
            Some(top) => self.old = std::mem::replace(&mut self.current, top),
            None => self.lost(),
        }
    }

    /// The directory can no longer be followed (`pushd +2`, `popd` past the stack).
    pub(super) fn lost(&mut self) {
        self.old = std::mem::replace(&mut self.current, Dir::Unknown);
        self.stack.clear();
    }

    fn merge(&mut self, other: &Self) {
        merge_dir(&mut self.current, &other.current);
        merge_dir(&mut self.old, &other.old);
        if self.stack != other.stack {
            self.stack.clear();
        }
    }
}

fn merge_dir(mine: &mut Dir, other: &Dir) {
    if mine != other {
        *mine = Dir::Unknown;
    }
}

/// A table of the state, shared between copies until one of them changes it: subshells and
/// branches copy the state often, and rarely change it. An empty table allocates nothing.
#[derive(Debug, Clone)]
pub(super) struct Table<V>(Option<Rc<HashMap<String, V>>>);

impl<V> Default for Table<V> {
    fn default() -> Self {
        Self(None)
    }
}

impl<V: PartialEq> PartialEq for Table<V> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
            (Some(a), None) | (None, Some(a)) => a.is_empty(),
        }
    }
}

impl<V: Eq> Eq for Table<V> {}

impl<V: Clone> Table<V> {
    fn of(map: HashMap<String, V>) -> Self {
        Self(Some(Rc::new(map)))
    }

    pub(super) fn get(&self, name: &str) -> Option<&V> {
        self.0.as_ref()?.get(name)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().flat_map(|m| m.keys())
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    /// The table, to change (copied first if shared).
    pub(super) fn make_mut(&mut self) -> &mut HashMap<String, V> {
        Rc::make_mut(self.0.get_or_insert_with(Rc::default))
    }
}

/// Everything the shell knows at one point of the line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct ShellState {
    /// Variables assigned in the line; a name not here is the environment's (unknown, except the
    /// defaults `HOME`, `PWD` and `IFS`).
    pub(super) vars: Table<Value>,
    /// `$1`, `$2`...: unknown (`None`) at the start of the line, set by `set --`, a function
    /// call, or the arguments after `sh -c STRING NAME`.
    pub(super) positional: Option<Rc<Vec<Expanded>>>,
    /// `$0`: unknown at the start of the line.
    pub(super) arg0: Option<Expanded>,
    /// Functions defined so far: their index among the walker's definitions.
    pub(super) functions: Table<usize>,
    /// Aliases defined so far (and `hash -p PATH NAME`, which works like one).
    pub(super) aliases: Table<String>,
    /// Attributes of variables (`declare -l`, `readonly`).
    pub(super) attrs: Table<Attrs>,
    pub(super) dir: DirState,
    /// `set -e`: a failing command ends the shell.
    pub(super) errexit: bool,
    /// `shopt -s lastpipe`: the last stage of a pipeline runs in this shell.
    pub(super) lastpipe: bool,
    /// `shopt -s nocasematch`: patterns of `${x/pat/rep}` ignore case (not followed: such
    /// expansions are unknown).
    pub(super) nocasematch: bool,
}

impl ShellState {
    /// Merges `other` into `self`: what differs becomes unknown.
    pub(super) fn merge(&mut self, other: &Self) {
        if self == other {
            return;
        }
        if self.vars != other.vars {
            let mut names: Vec<String> = other.vars.keys().cloned().collect();
            names.extend(self.vars.keys().cloned());
            for name in names {
                if self.vars.get(&name) != other.vars.get(&name) {
                    self.vars.make_mut().insert(name, Value::Unknown);
                }
            }
        }
        if self.positional != other.positional {
            self.positional = None;
        }
        if self.arg0 != other.arg0 {
            self.arg0 = None;
        }
        // A function or alias that may be defined is taken as defined: reading its body can only
        // add commands.
        if self.functions != other.functions {
            let functions = self.functions.make_mut();
            for (name, def) in other.functions.iter() {
                functions.entry(name.clone()).or_insert(*def);
            }
        }
        if self.aliases != other.aliases {
            let aliases = self.aliases.make_mut();
            for (name, text) in other.aliases.iter() {
                aliases.entry(name.clone()).or_insert_with(|| text.clone());
            }
        }
        if self.attrs != other.attrs {
            let mut names: Vec<String> = other.attrs.keys().cloned().collect();
            names.extend(self.attrs.keys().cloned());
            for name in names {
                if self.attrs.get(&name) != other.attrs.get(&name) {
                    // Whether a later assignment is transformed is not known: it is then unknown.
                    let attrs = self.attrs.make_mut().entry(name).or_default();
                    attrs.integer = true;
                    attrs.readonly = false;
                }
            }
        }
        self.dir.merge(&other.dir);
        self.errexit &= other.errexit;
        self.lastpipe |= other.lastpipe;
        self.nocasematch |= other.nocasematch;
    }

    /// `a` merged with `b`, where `None` is a path that cannot be taken.
    pub(super) fn merge_options(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(mut a), Some(b)) => {
                a.merge(&b);
                Some(a)
            }
            (a, b) => a.or(b),
        }
    }

    /// This state with everything it could change made unknown: what a loop body or a function
    /// may see when it cannot be followed step by step.
    pub(super) fn generalised(&self) -> Self {
        // A name never assigned keeps the environment's value, which is what it was anyway.
        let vars: HashMap<String, Value> = self
            .vars
            .keys()
            .map(|k| (k.clone(), Value::Unknown))
            .collect();
        Self {
            vars: Table::of(vars),
            positional: None,
            arg0: None,
            functions: self.functions.clone(),
            aliases: self.aliases.clone(),
            attrs: self.attrs.clone(),
            dir: DirState {
                current: Dir::Unknown,
                old: Dir::Unknown,
                stack: Vec::new(),
            },
            errexit: false,
            lastpipe: self.lastpipe,
            nocasematch: self.nocasematch,
        }
    }

    /// A state that knows nothing about the shell it describes (a remote host's).
    pub(super) fn foreign() -> Self {
        let mut state = Self::default().generalised();
        state.functions = Table::default();
        state.aliases = Table::default();
        state
    }

    /// The variables, to change.
    pub(super) fn vars_mut(&mut self) -> &mut HashMap<String, Value> {
        self.vars.make_mut()
    }

    /// The aliases, to change.
    pub(super) fn aliases_mut(&mut self) -> &mut HashMap<String, String> {
        self.aliases.make_mut()
    }

    /// The functions, to change.
    pub(super) fn functions_mut(&mut self) -> &mut HashMap<String, usize> {
        self.functions.make_mut()
    }

    /// The attributes, to change.
    pub(super) fn attrs_mut(&mut self) -> &mut HashMap<String, Attrs> {
        self.attrs.make_mut()
    }

    /// Sets the positional parameters.
    pub(super) fn set_positional(&mut self, values: Option<Vec<Expanded>>) {
        self.positional = values.map(Rc::new);
    }

    /// Whether `CDPATH` may be set, so that `cd name` may not go to `./name`.
    pub(super) fn cdpath(&self) -> bool {
        match self.vars.get("CDPATH") {
            None => false,
            Some(value) => value
                .scalar()
                .is_none_or(|v| v.dynamic || !v.text.is_empty()),
        }
    }
}
