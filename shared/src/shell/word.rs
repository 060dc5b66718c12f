//! Word expansion, as far as it can be done without running anything: brace expansion, quote
//! removal, escape decoding, `$'...'` strings, variables, arrays and positional parameters known
//! from earlier in the line (with the parameter operations `${x%pat}`, `${x/a/b}`, `${x:-d}`,
//! `${x^^}`...), field splitting with a known `IFS`, and command substitutions whose output is
//! fixed (`$(echo rm)`, `$(printf '\162\155')`). Every command substitution met is walked as a
//! nested program. What cannot be resolved is kept as written and marked dynamic.

use brush_parser::word::{
    self, Parameter, ParameterExpr, ParameterTestType, ParameterTransformOp, SpecialParameter,
    SubstringMatchKind, WordPiece, WordPieceWithSource,
};

use super::pattern::{self, Anchor, Pattern};
use super::state::Value;
use super::walk::{Scope, Walker};
use super::{brace, output};
use crate::{Error, Result};

/// One word after expansion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Expanded {
    /// The text; unresolved expansions are kept as written (`$X`, `$(cmd)`); `$HOME` is `~`.
    pub(crate) text: String,
    /// Whether part of the word could not be resolved.
    pub(crate) dynamic: bool,
    /// Whether the word holds a glob character the shell would match against file names.
    pub(crate) glob: bool,
    /// For a process substitution (`<(echo x)`), what reading it gives, when that is known.
    pub(crate) content: Option<String>,
}

impl Expanded {
    /// A word known exactly.
    pub(crate) fn literal(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// A word that could not be resolved, shown as `text`.
    pub(crate) fn unknown(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            dynamic: true,
            ..Self::default()
        }
    }
}

/// What each word an expansion produces costs on top of its bytes (see `spend_expanded`).
const WORD_COST: usize = 16;

/// How unquoted expansions are split into words: the characters of `IFS`, or unknown.
#[derive(Debug, Clone)]
enum Ifs {
    Known(std::borrow::Cow<'static, str>),
    Unknown,
}

/// Words being built: unquoted resolved expansions may split into several.
struct Builder {
    done: Vec<Expanded>,
    current: Expanded,
    started: bool,
    /// Assignments and redirection targets are not split: breaks become spaces.
    joined: bool,
    ifs: Ifs,
}

impl Builder {
    fn new(ifs: Ifs, joined: bool) -> Self {
        Self {
            done: Vec::new(),
            current: Expanded::default(),
            started: false,
            joined,
            ifs,
        }
    }

    /// Appends source text: quoted text is never a glob.
    fn push_text(&mut self, text: &str, quoted: bool) {
        if !quoted && !self.joined && text.contains(['*', '?', '[']) {
            self.current.glob = true;
        }
        self.current.text.push_str(text);
        self.started = true;
    }

    /// Appends an unresolved expansion as written.
    fn push_unknown(&mut self, source: &str) {
        self.current.text.push_str(source);
        self.current.dynamic = true;
        self.started = true;
    }

    /// Appends the value of an expansion: unquoted, it is split on `IFS` and may glob.
    fn push_value(&mut self, value: &Expanded, quoted: bool) {
        if value.dynamic {
            self.push_unknown(&value.text);
            return;
        }
        if quoted || self.joined {
            self.current.glob |= value.glob && !quoted;
            self.current.text.push_str(&value.text);
            self.started = true;
            return;
        }
        let separators = match &self.ifs {
            Ifs::Known(ifs) => ifs.to_string(),
            Ifs::Unknown => {
                if !value.text.is_empty() {
                    self.push_unknown(&value.text);
                }
                return;
            }
        };
        let split = split_fields(&value.text, &separators);
        if split.leading && self.started {
            self.break_word();
        }
        for (i, field) in split.fields.iter().enumerate() {
            if i > 0 {
                self.break_word();
            }
            self.push_text(field, false);
        }
        if split.trailing && self.started {
            self.break_word();
        }
    }

    /// Appends several values that are separate words (`"$@"`, `"${a[@]}"`): the first joins
    /// what comes before, the last what comes after.
    fn push_words(&mut self, values: &[Expanded], quoted: bool) {
        for (i, value) in values.iter().enumerate() {
            if i > 0 && (quoted || self.started) {
                self.break_word();
            }
            if quoted {
                self.started = true;
            }
            self.push_value(value, quoted);
        }
    }

    /// Appends words already split into fields.
    fn push_fields(&mut self, fields: &[Expanded]) {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.break_word();
            }
            self.current.glob |= field.glob;
            self.current.dynamic |= field.dynamic;
            self.current.text.push_str(&field.text);
            self.started = true;
        }
    }

    fn break_word(&mut self) {
        if self.joined {
            self.current.text.push(' ');
            return;
        }
        self.done.push(std::mem::take(&mut self.current));
        self.started = false;
    }

    fn finish(mut self) -> Vec<Expanded> {
        if self.started {
            self.done.push(self.current);
        }
        self.done
    }
}

/// Fields of one expansion's value.
struct Split {
    /// The value starts with `IFS` white space: what comes before is a word of its own.
    leading: bool,
    fields: Vec<String>,
    /// The value ends with a separator: what comes after starts a new word.
    trailing: bool,
}

/// Splits `value` on the characters of `ifs` as Bash does: runs of `IFS` white space are one
/// separator and are trimmed at both ends; every other `IFS` character ends a field.
fn split_fields(value: &str, ifs: &str) -> Split {
    let white = |c: char| ifs.contains(c) && matches!(c, ' ' | '\t' | '\n');
    let other = |c: char| ifs.contains(c) && !white(c);
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    while i < chars.len() && white(chars[i]) {
        i += 1;
    }
    let leading = i > 0;
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut trailing = false;
    let mut pending = false;
    while i < chars.len() {
        let c = chars[i];
        if !white(c) && !other(c) {
            field.push(c);
            pending = true;
            i += 1;
            continue;
        }
        // A separator: white space, at most one other character, white space.
        while i < chars.len() && white(chars[i]) {
            i += 1;
        }
        if i < chars.len() && other(chars[i]) {
            i += 1;
            while i < chars.len() && white(chars[i]) {
                i += 1;
            }
        }
        fields.push(std::mem::take(&mut field));
        pending = false;
        if i == chars.len() {
            trailing = true;
        }
    }
    if pending {
        fields.push(field);
    }
    Split {
        leading,
        fields,
        trailing,
    }
}

/// What a parameter names.
enum Lookup {
    /// Its values (one for a scalar; the elements of `$@` or `${a[@]}`).
    Values(Vec<Expanded>),
    /// Known to be unset.
    Unset,
    /// Not known.
    Unknown,
}

/// A parameter's resolved value and how it expands.
struct Resolved {
    lookup: Lookup,
    /// `$@`, `$*`, `${a[@]}`, `${a[*]}`: several words.
    multi: bool,
    /// `$*` and `${a[*]}`: joined with the first character of `IFS` when quoted.
    concatenate: bool,
}

impl Walker {
    /// Expands a command word into the words it becomes: brace expansion first, then the rest.
    pub(super) fn expand_word(&mut self, raw: &str, scope: &Scope) -> Result<Vec<Expanded>> {
        if !raw.contains('{') {
            return self.expand(raw, scope);
        }
        let expanded = brace::expand(raw).filter(|w| {
            w.len() == 1 || self.spend_expanded(w.iter().map(|w| w.len() + WORD_COST).sum())
        });
        match expanded {
            Some(words) if words.len() == 1 => self.expand(&words[0], scope),
            Some(words) => {
                let mut out = Vec::new();
                for word in words {
                    out.extend(self.expand(&word, scope)?);
                }
                Ok(out)
            }
            None => {
                // Too large to follow: its commands are still read, the word is unresolved.
                let mut words = self.expand(raw, scope)?;
                for word in &mut words {
                    word.dynamic = true;
                }
                Ok(words)
            }
        }
    }

    /// Expands one shell word (no brace expansion), walking its command substitutions.
    pub(super) fn expand(&mut self, raw: &str, scope: &Scope) -> Result<Vec<Expanded>> {
        let pieces = parse_word(raw)?;
        let mut builder = Builder::new(self.ifs(), false);
        self.pieces(raw, &pieces, false, &mut builder, scope)?;
        Ok(builder.finish())
    }

    /// Expands a word where no field splitting happens (assignments, redirection targets).
    pub(super) fn expand_quoted(&mut self, raw: &str, scope: &Scope) -> Result<Expanded> {
        let pieces = parse_word(raw)?;
        let mut builder = Builder::new(self.ifs(), true);
        self.pieces(raw, &pieces, false, &mut builder, scope)?;
        let mut words = builder.finish();
        Ok(if words.is_empty() {
            Expanded::default()
        } else {
            words.swap_remove(0)
        })
    }

    /// Expands a here-document body that allows expansion, walking its command substitutions.
    pub(super) fn expand_heredoc(&mut self, body: &str, scope: &Scope) -> Result<String> {
        if !body.contains(['$', '`', '\\']) {
            return Ok(body.to_owned());
        }
        let pieces = word::parse_heredoc(body, &brush_parser::ParserOptions::default())
            .map_err(|e| Error::Shell(e.to_string()))?;
        let mut builder = Builder::new(self.ifs(), true);
        self.pieces(body, &pieces, true, &mut builder, scope)?;
        Ok(builder.finish().into_iter().map(|w| w.text).collect())
    }

    /// Expands a pattern (`${x%PATTERN}`): quoted characters are escaped so that they match
    /// themselves. `None` when part of it is unknown.
    fn expand_pattern(&mut self, raw: &str, scope: &Scope) -> Result<Option<Pattern>> {
        let pieces = parse_word(raw)?;
        let mut source = String::new();
        for piece in &pieces {
            let text = raw.get(piece.start_index..piece.end_index).unwrap_or("");
            match &piece.piece {
                WordPiece::Text(t) => source.push_str(t),
                WordPiece::EscapeSequence(e) => source.push_str(e),
                _ => {
                    let value = self.expand_quoted(text, scope)?;
                    if value.dynamic {
                        return Ok(None);
                    }
                    let quoted = !matches!(piece.piece, WordPiece::ParameterExpansion(_));
                    for c in value.text.chars() {
                        if quoted && matches!(c, '*' | '?' | '[' | ']' | '\\') {
                            source.push('\\');
                        }
                        source.push(c);
                    }
                }
            }
        }
        Ok(Pattern::new(&source))
    }

    /// How unquoted expansions split now.
    fn ifs(&self) -> Ifs {
        if self.state.vars.is_empty() {
            return Ifs::Known(" \t\n".into());
        }
        match self.state.vars.get("IFS") {
            None | Some(Value::Unset) => Ifs::Known(" \t\n".into()),
            Some(value) => match value.scalar() {
                Some(v) if !v.dynamic => Ifs::Known(v.text.clone().into()),
                _ => Ifs::Unknown,
            },
        }
    }

    fn pieces(
        &mut self,
        raw: &str,
        pieces: &[WordPieceWithSource],
        quoted: bool,
        out: &mut Builder,
        scope: &Scope,
    ) -> Result<()> {
        for piece in pieces {
            let source = raw.get(piece.start_index..piece.end_index).unwrap_or("");
            match &piece.piece {
                WordPiece::Text(text) => out.push_text(text, quoted),
                WordPiece::SingleQuotedText(text) => out.push_text(text, true),
                WordPiece::AnsiCQuotedText(text) => out.push_text(&decode_ansi_c(text), true),
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    // `"$@"` with no parameters is no word at all; any other quotes make one.
                    let only_multi = matches!(inner.as_slice(), [one] if is_multi(&one.piece));
                    if !only_multi {
                        out.started = true;
                    }
                    self.pieces(raw, inner, true, out, scope)?;
                }
                WordPiece::TildeExpansion(tilde) => match tilde {
                    // `~` is `$HOME`, which the line may have set.
                    word::TildeExpr::Home => match self.state.vars.get("HOME") {
                        None | Some(Value::Unset) => out.push_text("~", true),
                        Some(Value::Scalar(home)) if !home.dynamic => {
                            out.push_text(&home.text, true);
                        }
                        Some(_) => out.push_unknown("~"),
                    },
                    word::TildeExpr::UserHome(user) => out.push_text(&format!("~{user}"), true),
                    word::TildeExpr::WorkingDir => out.push_text(".", true),
                    _ => out.push_unknown(source),
                },
                WordPiece::ParameterExpansion(expr) => {
                    self.parameter(expr, quoted, source, out, scope)?;
                }
                WordPiece::CommandSubstitution(inner)
                | WordPiece::BackquotedCommandSubstitution(inner) => {
                    let what = if matches!(piece.piece, WordPiece::CommandSubstitution(_)) {
                        "$(...)"
                    } else {
                        "`...`"
                    };
                    let printed = self.substitution(inner, what, scope)?;
                    match printed.filter(|t| self.spend_expanded(t.len())) {
                        // The shell drops the trailing newlines of the output.
                        Some(text) => {
                            out.push_value(&Expanded::literal(text.trim_end_matches('\n')), quoted);
                        }
                        None => out.push_unknown(source),
                    }
                }
                WordPiece::EscapeSequence(escape) => {
                    let escaped = escape.strip_prefix('\\').unwrap_or(escape);
                    if escaped == "\n" {
                        out.started = true;
                    } else if quoted && !escaped.starts_with(['$', '`', '"', '\\']) {
                        out.push_text(escape, true);
                    } else {
                        out.push_text(escaped, true);
                    }
                }
                WordPiece::ArithmeticExpression(expr) => {
                    if expr.value.contains("$(") || expr.value.contains('`') {
                        self.expand(&format!("\"{}\"", expr.value), scope)?;
                    }
                    self.arithmetic_as_commands(&expr.value, scope)?;
                    self.arithmetic_assignments(&expr.value);
                    out.push_unknown(source);
                }
            }
        }
        Ok(())
    }

    /// Walks a command substitution in a subshell; returns what it prints when that is fixed.
    pub(super) fn substitution(
        &mut self,
        inner: &str,
        what: &str,
        scope: &Scope,
    ) -> Result<Option<String>> {
        let first = self.commands.len();
        self.subshell(|w| w.nested(inner, what, scope).map(drop))?;
        Ok(self.output_of(&self.commands[first..]))
    }

    /// What `commands` (one pipeline) print, unless a function, an alias or a changed `PATH`
    /// may have replaced the programs whose output is computed.
    pub(super) fn output_of(&self, commands: &[super::Command]) -> Option<String> {
        self.output_of_stages(&commands.iter().collect::<Vec<_>>())
            .filter(|_| commands.iter().all(|c| c.stages == commands.len()))
    }

    /// [`Self::output_of`] for the first stages of a pipeline.
    pub(super) fn output_of_stages(&self, stages: &[&super::Command]) -> Option<String> {
        let path_changed = self.state.vars.get("PATH").is_some();
        let shadowed = stages.iter().any(|c| {
            c.function_call
                || c.program().is_some_and(|p| {
                    self.state.aliases.get(p).is_some()
                        || (path_changed && !matches!(p, "echo" | "printf"))
                })
        });
        if shadowed {
            return None;
        }
        output::of_stages(stages)
    }

    /// A parameter expansion: `$x`, `${x...}`, `$1`, `$@`...
    fn parameter(
        &mut self,
        expr: &ParameterExpr,
        quoted: bool,
        source: &str,
        out: &mut Builder,
        scope: &Scope,
    ) -> Result<()> {
        let (parameter, indirect) = parameter_of(expr);
        let resolved = match parameter {
            // Too large to copy within the budget: unknown.
            Some(p) if self.size_of(p) > self.expanded_left() => Resolved {
                lookup: Lookup::Unknown,
                multi: false,
                concatenate: false,
            },
            Some(p) => self.lookup(p, indirect),
            None => Resolved {
                lookup: Lookup::Unknown,
                multi: false,
                concatenate: false,
            },
        };
        let multi = resolved.multi;
        let concatenate = resolved.concatenate;
        let (values, fields) = self.operate(expr, resolved, parameter, quoted, scope)?;
        // Values may grow without end (`x=$x$x`): what expansions produce is bounded.
        let values = values
            .filter(|v| self.spend_expanded(v.iter().map(|w| w.text.len() + WORD_COST).sum()));
        match values {
            None => out.push_unknown(source),
            Some(values) if multi && quoted && concatenate => {
                let separator = match self.ifs() {
                    Ifs::Known(ifs) => ifs.chars().next().map(String::from).unwrap_or_default(),
                    Ifs::Unknown => {
                        out.push_unknown(source);
                        return Ok(());
                    }
                };
                let dynamic = values.iter().any(|v| v.dynamic);
                let text = values
                    .iter()
                    .map(|v| v.text.as_str())
                    .collect::<Vec<_>>()
                    .join(&separator);
                out.push_value(
                    &Expanded {
                        text,
                        dynamic,
                        ..Expanded::default()
                    },
                    true,
                );
            }
            Some(values) if fields => out.push_fields(&values),
            Some(values) => out.push_words(&values, quoted),
        }
        Ok(())
    }

    /// Applies a parameter expansion's operation to what the parameter names; also says
    /// whether the result is already split into fields (a default word, unquoted).
    #[expect(
        clippy::too_many_lines,
        reason = "a dispatch table with one arm per parameter operation"
    )]
    fn operate(
        &mut self,
        expr: &ParameterExpr,
        resolved: Resolved,
        parameter: Option<&Parameter>,
        quoted: bool,
        scope: &Scope,
    ) -> Result<(Option<Vec<Expanded>>, bool)> {
        use ParameterExpr as P;
        let Resolved { lookup, multi, .. } = resolved;
        // Words given inside the expansion (defaults, patterns) may run commands: expand them
        // all, used or not. Unquoted, such a word is already split into fields.
        let mut fields = false;
        let values: Option<Vec<Expanded>> = match expr {
            P::Parameter { .. } => known(lookup),
            P::UseDefaultValues {
                test_type,
                default_value,
                ..
            }
            | P::AssignDefaultValues {
                test_type,
                default_value,
                ..
            } => {
                let default = self.sub_words(default_value.as_deref(), quoted, scope)?;
                let values = match lookup {
                    Lookup::Unknown => None,
                    Lookup::Values(v) if !is_null(&v, test_type) => Some(v),
                    _ => {
                        fields = !quoted;
                        default
                    }
                };
                if let (P::AssignDefaultValues { .. }, Some(Parameter::Named(name)), Some(v)) =
                    (expr, parameter, &values)
                {
                    let text = v
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let dynamic = v.iter().any(|w| w.dynamic);
                    self.set_var(
                        name,
                        Value::Scalar(Expanded {
                            text,
                            dynamic,
                            ..Expanded::default()
                        }),
                    );
                } else if let (P::AssignDefaultValues { .. }, Some(Parameter::Named(name))) =
                    (expr, parameter)
                {
                    self.set_var(name, Value::Unknown);
                }
                values
            }
            P::UseAlternativeValue {
                test_type,
                alternative_value,
                ..
            } => {
                let alternative = self.sub_words(alternative_value.as_deref(), quoted, scope)?;
                match lookup {
                    Lookup::Unknown => None,
                    Lookup::Unset => Some(Vec::new()),
                    Lookup::Values(v) if is_null(&v, test_type) => Some(Vec::new()),
                    Lookup::Values(_) => {
                        fields = !quoted;
                        alternative
                    }
                }
            }
            P::IndicateErrorIfNullOrUnset {
                test_type,
                error_message,
                ..
            } => {
                self.sub_words(error_message.as_deref(), true, scope)?;
                match lookup {
                    Lookup::Values(v) if !is_null(&v, test_type) => Some(v),
                    _ => None,
                }
            }
            P::ParameterLength { .. } => match lookup {
                Lookup::Values(v) if multi => Some(vec![Expanded::literal(v.len().to_string())]),
                Lookup::Values(v) => each(v, |t| Some(t.chars().count().to_string())),
                Lookup::Unset => Some(vec![Expanded::literal("0")]),
                Lookup::Unknown => None,
            },
            P::Substring { offset, length, .. } => {
                let offset = self.arithmetic_value(&offset.value, scope)?;
                let length = match length {
                    Some(l) => Some(self.arithmetic_value(&l.value, scope)?),
                    None => None,
                };
                match (known(lookup), offset, length) {
                    (Some(v), Some(offset), length) if length.is_none_or(|l| l.is_some()) => {
                        let length = length.flatten();
                        if multi && self.is_sparse(parameter) {
                            // Slices of a sparse array count indices, not positions.
                            None
                        } else if multi {
                            let all = self.with_arg0(parameter, v);
                            slice(&all, offset, length).map(<[Expanded]>::to_vec)
                        } else {
                            each(v, |t| {
                                let chars: Vec<char> = t.chars().collect();
                                slice(&chars, offset, length).map(|s| s.iter().collect())
                            })
                        }
                    }
                    _ => None,
                }
            }
            P::Transform { op, .. } => match known(lookup) {
                Some(v) => each(v, |t| transform(t, op)),
                None => None,
            },
            P::RemoveSmallestSuffixPattern { .. }
            | P::RemoveLargestSuffixPattern { .. }
            | P::RemoveSmallestPrefixPattern { .. }
            | P::RemoveLargestPrefixPattern { .. }
            | P::ReplaceSubstring { .. }
            | P::UppercaseFirstChar { .. }
            | P::UppercasePattern { .. }
            | P::LowercaseFirstChar { .. }
            | P::LowercasePattern { .. } => self.patterned(expr, known(lookup), scope)?,
            P::MemberKeys { variable_name, .. } => match self.state.vars.get(variable_name) {
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .map(|(i, _)| Expanded::literal(i.to_string()))
                        .collect(),
                ),
                Some(Value::Scalar(_)) => Some(vec![Expanded::literal("0")]),
                _ => None,
            },
            P::VariableNames { .. } => None,
        };
        Ok((values, fields))
    }

    /// The operations that match a pattern: `${x%pat}`, `${x/pat/rep}`, `${x^^pat}`...
    fn patterned(
        &mut self,
        expr: &ParameterExpr,
        values: Option<Vec<Expanded>>,
        scope: &Scope,
    ) -> Result<Option<Vec<Expanded>>> {
        use ParameterExpr as P;
        let values = values.filter(|_| !self.state.nocasematch);
        Ok(match expr {
            P::RemoveSmallestSuffixPattern { pattern, .. }
            | P::RemoveLargestSuffixPattern { pattern, .. }
            | P::RemoveSmallestPrefixPattern { pattern, .. }
            | P::RemoveLargestPrefixPattern { pattern, .. } => {
                let compiled = match pattern {
                    Some(p) => self.expand_pattern(p, scope)?,
                    None => Pattern::new(""),
                };
                match (values, compiled) {
                    (Some(v), Some(p))
                        if self.spend_matching(v.iter().map(|w| p.cost(w.text.len())).sum()) =>
                    {
                        each(v, |t| {
                            Some(match expr {
                                P::RemoveSmallestSuffixPattern { .. } => {
                                    pattern::remove_suffix(t, &p, false)
                                }
                                P::RemoveLargestSuffixPattern { .. } => {
                                    pattern::remove_suffix(t, &p, true)
                                }
                                P::RemoveSmallestPrefixPattern { .. } => {
                                    pattern::remove_prefix(t, &p, false)
                                }
                                _ => pattern::remove_prefix(t, &p, true),
                            })
                        })
                    }
                    _ => None,
                }
            }
            P::ReplaceSubstring {
                pattern,
                replacement,
                match_kind,
                ..
            } => {
                let compiled = self.expand_pattern(pattern, scope)?;
                let replacement = match replacement {
                    Some(r) => self.expand_quoted(r, scope)?,
                    None => Expanded::default(),
                };
                let anchor = match match_kind {
                    SubstringMatchKind::Prefix => Anchor::Start,
                    SubstringMatchKind::Suffix => Anchor::End,
                    SubstringMatchKind::FirstOccurrence => Anchor::First,
                    SubstringMatchKind::Anywhere => Anchor::All,
                };
                match (values, compiled) {
                    (Some(v), Some(p))
                        if !replacement.dynamic
                            && self.spend_matching(
                                v.iter()
                                    .map(|w| p.cost(w.text.len()).saturating_mul(w.text.len()))
                                    .sum(),
                            ) =>
                    {
                        each(v, |t| {
                            Some(pattern::replace(t, &p, &replacement.text, anchor))
                        })
                    }
                    _ => None,
                }
            }
            P::UppercaseFirstChar { pattern, .. }
            | P::UppercasePattern { pattern, .. }
            | P::LowercaseFirstChar { pattern, .. }
            | P::LowercasePattern { pattern, .. } => {
                let compiled = match pattern.as_deref() {
                    Some(p) if !p.is_empty() => self.expand_pattern(p, scope)?,
                    _ => Pattern::new("?"),
                };
                let upper = matches!(
                    expr,
                    P::UppercaseFirstChar { .. } | P::UppercasePattern { .. }
                );
                let all = matches!(
                    expr,
                    P::UppercasePattern { .. } | P::LowercasePattern { .. }
                );
                match (values, compiled) {
                    (Some(v), Some(p)) => each(v, |t| Some(change_case(t, &p, upper, all))),
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// Expands a word given inside a parameter expansion (`${x:-WORD}`): unquoted, it splits
    /// into fields then and there. `None` when part of it is unknown.
    fn sub_words(
        &mut self,
        raw: Option<&str>,
        quoted: bool,
        scope: &Scope,
    ) -> Result<Option<Vec<Expanded>>> {
        let Some(raw) = raw else {
            return Ok(Some(Vec::new()));
        };
        let words = if quoted {
            vec![self.expand_quoted(raw, scope)?]
        } else {
            self.expand(raw, scope)?
        };
        Ok(words.iter().all(|w| !w.dynamic).then_some(words))
    }

    /// `$@`-like slices count `$0` at offset 0.
    fn with_arg0(&self, parameter: Option<&Parameter>, values: Vec<Expanded>) -> Vec<Expanded> {
        if matches!(
            parameter,
            Some(Parameter::Special(
                SpecialParameter::AllPositionalParameters { .. }
            ))
        ) {
            let arg0 = self
                .state
                .arg0
                .clone()
                .unwrap_or_else(|| Expanded::unknown("$0"));
            std::iter::once(arg0).chain(values).collect()
        } else {
            values
        }
    }

    /// The value of an arithmetic operand: an integer, or a variable holding one.
    /// `Some(None)` when it is not known.
    fn arithmetic_value(&mut self, text: &str, scope: &Scope) -> Result<Option<i64>> {
        if text.contains("$(") || text.contains('`') {
            self.expand(&format!("\"{text}\""), scope)?;
            return Ok(None);
        }
        let trimmed = text.trim();
        if let Ok(n) = trimmed.parse::<i64>() {
            return Ok(Some(n));
        }
        let name = trimmed.trim_start_matches('$');
        if is_name(name) {
            return Ok(self
                .state
                .vars
                .get(name)
                .and_then(Value::scalar)
                .filter(|v| !v.dynamic)
                .and_then(|v| v.text.trim().parse().ok()));
        }
        Ok(None)
    }

    /// What a parameter names now.
    fn lookup(&self, parameter: &Parameter, indirect: bool) -> Resolved {
        let single = |lookup| Resolved {
            lookup,
            multi: false,
            concatenate: false,
        };
        if indirect {
            let target = match self.lookup(parameter, false).lookup {
                Lookup::Values(v) if v.len() == 1 && !v[0].dynamic => v[0].text.clone(),
                _ => return single(Lookup::Unknown),
            };
            return match word::parse_parameter(&target, &brush_parser::ParserOptions::default()) {
                Ok(p) if !matches!(p, Parameter::Named(ref n) if n == &target && !is_name(n)) => {
                    self.lookup(&p, false)
                }
                _ => single(Lookup::Unknown),
            };
        }
        match parameter {
            Parameter::Named(name) => single(self.named(name)),
            Parameter::Positional(0) | Parameter::Special(SpecialParameter::ShellName) => {
                single(match &self.state.arg0 {
                    Some(v) => Lookup::Values(vec![v.clone()]),
                    None => Lookup::Unknown,
                })
            }
            Parameter::Positional(n) => single(match &self.state.positional {
                Some(all) => match all.get(*n as usize - 1) {
                    Some(v) => Lookup::Values(vec![v.clone()]),
                    None => Lookup::Unset,
                },
                None => Lookup::Unknown,
            }),
            Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate }) => {
                Resolved {
                    lookup: match &self.state.positional {
                        Some(all) => Lookup::Values(all.to_vec()),
                        None => Lookup::Unknown,
                    },
                    multi: true,
                    concatenate: *concatenate,
                }
            }
            Parameter::Special(SpecialParameter::PositionalParameterCount) => {
                single(match &self.state.positional {
                    Some(all) => Lookup::Values(vec![Expanded::literal(all.len().to_string())]),
                    None => Lookup::Unknown,
                })
            }
            Parameter::Special(_) => single(Lookup::Unknown),
            Parameter::NamedWithIndex { name, index } => {
                let index = index.trim();
                let index = index.parse::<i64>().ok().or_else(|| {
                    let name = index.trim_start_matches('$');
                    is_name(name)
                        .then(|| self.state.vars.get(name).and_then(Value::scalar))
                        .flatten()
                        .filter(|v| !v.dynamic)
                        .and_then(|v| v.text.trim().parse().ok())
                });
                single(match (self.state.vars.get(name), index) {
                    (_, None) | (Some(Value::Unknown) | None, _) => Lookup::Unknown,
                    (Some(Value::Scalar(v)), Some(0)) => Lookup::Values(vec![v.clone()]),
                    (Some(Value::Unset | Value::Scalar(_)), Some(_)) => Lookup::Unset,
                    (Some(Value::Array(items)), Some(i)) => {
                        let key = if i < 0 {
                            items.last().and_then(|(last, _)| {
                                let end = i64::try_from(*last).ok()? + 1;
                                usize::try_from(end + i).ok()
                            })
                        } else {
                            usize::try_from(i).ok()
                        };
                        match key.and_then(|k| items.iter().find(|(j, _)| *j == k)) {
                            Some((_, v)) => Lookup::Values(vec![v.clone()]),
                            None => Lookup::Unset,
                        }
                    }
                })
            }
            Parameter::NamedWithAllIndices { name, concatenate } => Resolved {
                lookup: match self.state.vars.get(name) {
                    Some(Value::Array(items)) => {
                        Lookup::Values(items.iter().map(|(_, v)| v.clone()).collect())
                    }
                    Some(Value::Scalar(v)) => Lookup::Values(vec![v.clone()]),
                    Some(Value::Unset) => Lookup::Values(Vec::new()),
                    Some(Value::Unknown) | None => Lookup::Unknown,
                },
                multi: true,
                concatenate: *concatenate,
            },
        }
    }

    /// Whether `parameter` names an array with gaps in its indices.
    fn is_sparse(&self, parameter: Option<&Parameter>) -> bool {
        match parameter {
            Some(Parameter::NamedWithAllIndices { name, .. }) => matches!(
                self.state.vars.get(name),
                Some(Value::Array(items)) if items.iter().enumerate().any(|(i, (j, _))| i != *j)
            ),
            _ => false,
        }
    }

    /// What copying the values of `parameter` costs against the expansion budget.
    fn size_of(&self, parameter: &Parameter) -> usize {
        let cost = |values: &[Expanded]| values.iter().map(|v| v.text.len() + WORD_COST).sum();
        match parameter {
            Parameter::NamedWithAllIndices { name, .. } | Parameter::Named(name) => {
                match self.state.vars.get(name) {
                    Some(Value::Array(items)) => {
                        items.iter().map(|(_, v)| v.text.len() + WORD_COST).sum()
                    }
                    Some(Value::Scalar(v)) => cost(std::slice::from_ref(v)),
                    _ => 0,
                }
            }
            Parameter::Special(SpecialParameter::AllPositionalParameters { .. }) => {
                self.state.positional.as_deref().map_or(0, |p| cost(p))
            }
            _ => 0,
        }
    }

    /// The value of a named variable.
    fn named(&self, name: &str) -> Lookup {
        match self.state.vars.get(name) {
            Some(Value::Unset) => Lookup::Unset,
            Some(Value::Unknown) => Lookup::Unknown,
            Some(value) => match value.scalar() {
                Some(v) => Lookup::Values(vec![v.clone()]),
                None => Lookup::Unset,
            },
            None => match name {
                "HOME" => Lookup::Values(vec![Expanded::literal("~")]),
                "PWD" => Lookup::Values(vec![Expanded::literal(".")]),
                "IFS" => Lookup::Values(vec![Expanded::literal(" \t\n")]),
                _ => Lookup::Unknown,
            },
        }
    }
}

/// The parameter an expression reads, and whether it is indirect (`${!x}`).
fn parameter_of(expr: &ParameterExpr) -> (Option<&Parameter>, bool) {
    use ParameterExpr as P;
    match expr {
        P::Parameter {
            parameter,
            indirect,
        }
        | P::UseDefaultValues {
            parameter,
            indirect,
            ..
        }
        | P::AssignDefaultValues {
            parameter,
            indirect,
            ..
        }
        | P::IndicateErrorIfNullOrUnset {
            parameter,
            indirect,
            ..
        }
        | P::UseAlternativeValue {
            parameter,
            indirect,
            ..
        }
        | P::ParameterLength {
            parameter,
            indirect,
        }
        | P::RemoveSmallestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveLargestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveSmallestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveLargestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | P::Substring {
            parameter,
            indirect,
            ..
        }
        | P::Transform {
            parameter,
            indirect,
            ..
        }
        | P::UppercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | P::UppercasePattern {
            parameter,
            indirect,
            ..
        }
        | P::LowercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | P::LowercasePattern {
            parameter,
            indirect,
            ..
        }
        | P::ReplaceSubstring {
            parameter,
            indirect,
            ..
        } => (Some(parameter), *indirect),
        P::VariableNames { .. } | P::MemberKeys { .. } => (None, false),
    }
}

/// `"$@"` and `"${a[@]}"` alone in quotes.
fn is_multi(piece: &WordPiece) -> bool {
    matches!(
        piece,
        WordPiece::ParameterExpansion(ParameterExpr::Parameter {
            parameter: Parameter::Special(SpecialParameter::AllPositionalParameters {
                concatenate: false
            }) | Parameter::NamedWithAllIndices {
                concatenate: false,
                ..
            },
            indirect: false,
        })
    )
}

fn known(lookup: Lookup) -> Option<Vec<Expanded>> {
    match lookup {
        Lookup::Values(v) => Some(v),
        Lookup::Unset => Some(Vec::new()),
        Lookup::Unknown => None,
    }
}

/// Whether a value counts as null for `${x:-...}` (`UnsetOrNull`) or `${x-...}` (`Unset`).
fn is_null(values: &[Expanded], test: &ParameterTestType) -> bool {
    match test {
        ParameterTestType::Unset => false,
        ParameterTestType::UnsetOrNull => match values {
            [] => true,
            [one] => one.text.is_empty() && !one.dynamic,
            _ => false,
        },
    }
}

/// Applies `f` to every known value; `None` if a value is unknown or `f` gives up.
fn each(values: Vec<Expanded>, f: impl Fn(&str) -> Option<String>) -> Option<Vec<Expanded>> {
    values
        .into_iter()
        .map(|v| {
            if v.dynamic {
                return None;
            }
            f(&v.text).map(Expanded::literal)
        })
        .collect()
}

/// `${x:offset:length}` on a list.
fn slice<T>(items: &[T], offset: i64, length: Option<i64>) -> Option<&[T]> {
    let n = i64::try_from(items.len()).ok()?;
    let start = if offset < 0 {
        (n + offset).max(0)
    } else {
        offset.min(n)
    };
    let end = match length {
        None => n,
        Some(l) if l < 0 => (n + l).max(start),
        Some(l) => (start + l).min(n),
    };
    let (start, end) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
    items.get(start..end.max(start))
}

fn transform(text: &str, op: &ParameterTransformOp) -> Option<String> {
    use ParameterTransformOp as T;
    Some(match op {
        T::ToUpperCase => text.to_uppercase(),
        T::ToLowerCase => text.to_lowercase(),
        T::CapitalizeInitial => {
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        T::ExpandEscapeSequences => decode_ansi_c(text),
        T::Quoted => format!("'{}'", text.replace('\'', "'\\''")),
        _ => return None,
    })
}

fn change_case(text: &str, pattern: &Pattern, upper: bool, all: bool) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if (all || i == 0) && pattern.matches(&[c]) {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `text` is a variable name.
pub(super) fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.starts_with(|c: char| c.is_ascii_digit())
}

fn parse_word(raw: &str) -> Result<Vec<WordPieceWithSource>> {
    if !raw.contains(['$', '`', '\\', '\'', '"', '~']) {
        return Ok(vec![WordPieceWithSource {
            piece: WordPiece::Text(raw.to_owned()),
            start_index: 0,
            end_index: raw.len(),
        }]);
    }
    word::parse(raw, &brush_parser::ParserOptions::default())
        .map_err(|e| Error::Shell(format!("word `{raw}`: {e}")))
}

/// Decodes the escapes of a `$'...'` string.
pub(super) fn decode_ansi_c(text: &str) -> String {
    output::decode_escapes(text, output::Escapes::AnsiC).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_ansi_c_strings() {
        assert_eq!(decode_ansi_c(r"\x72m"), "rm");
        assert_eq!(decode_ansi_c(r"\162m"), "rm");
        assert_eq!(decode_ansi_c(r"a\tb\u0041"), "a\tbA");
    }

    #[test]
    fn splits_fields_like_bash() {
        let f = |v: &str, ifs: &str| split_fields(v, ifs).fields;
        assert_eq!(f("rm,-rf,~", ","), ["rm", "-rf", "~"]);
        assert_eq!(f("a,,b", ","), ["a", "", "b"]);
        assert_eq!(f(",a", ","), ["", "a"]);
        assert_eq!(f("a,", ","), ["a"]);
        assert_eq!(f("  a  b ", " \t\n"), ["a", "b"]);
        assert_eq!(f("a , b", ", "), ["a", "b"]);
        assert!(split_fields(" a", " ").leading);
        assert!(split_fields("a,", ",").trailing);
    }
}
