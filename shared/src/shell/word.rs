//! Word expansion, as far as it can be done without running anything: quote removal, escape
//! decoding, `$'...'` strings, variables given a static value earlier in the line, and
//! `$(echo ...)` substitutions. Every command substitution met is walked as a nested program.

use brush_parser::word::{self, ParameterExpr, WordPiece, WordPieceWithSource};

use super::walk::{Scope, Walker};
use super::{Command, Origin};
use crate::{Error, Result};

/// One word after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expanded {
    /// The text; unresolved expansions are kept as written (`$X`, `$(cmd)`); `$HOME` is `~`.
    pub(crate) text: String,
    /// Whether part of the word could not be resolved.
    pub(crate) dynamic: bool,
}

/// Words being built: unquoted resolved expansions may split into several.
struct Builder {
    done: Vec<Expanded>,
    current: String,
    dynamic: bool,
    started: bool,
}

impl Builder {
    fn new() -> Self {
        Self {
            done: Vec::new(),
            current: String::new(),
            dynamic: false,
            started: false,
        }
    }

    fn push(&mut self, text: &str) {
        self.current.push_str(text);
        self.started = true;
    }

    /// Appends an unquoted expansion value, splitting it on whitespace as the shell does.
    fn push_split(&mut self, value: &str) {
        let mut fields = value.split_whitespace().peekable();
        if value.starts_with(char::is_whitespace) && self.started {
            self.break_word();
        }
        while let Some(field) = fields.next() {
            self.push(field);
            if fields.peek().is_some() {
                self.break_word();
            }
        }
        if value.ends_with(char::is_whitespace) && self.started {
            self.break_word();
        }
    }

    fn break_word(&mut self) {
        self.done.push(Expanded {
            text: std::mem::take(&mut self.current),
            dynamic: self.dynamic,
        });
        self.dynamic = false;
        self.started = false;
    }

    fn finish(mut self) -> Vec<Expanded> {
        if self.started {
            self.break_word();
        }
        self.done
    }
}

impl Walker {
    /// Expands one shell word into the words it becomes, walking its command substitutions.
    pub(super) fn expand(&mut self, raw: &str, scope: &Scope) -> Result<Vec<Expanded>> {
        let pieces = parse_word(raw)?;
        let mut builder = Builder::new();
        self.pieces(raw, &pieces, false, &mut builder, scope)?;
        let words = builder.finish();
        // A quoted empty word (`""`) is still a word.
        if words.is_empty() && raw.contains(['"', '\'']) {
            return Ok(vec![Expanded {
                text: String::new(),
                dynamic: false,
            }]);
        }
        Ok(words)
    }

    /// Expands a word where no field splitting happens (assignments, redirection targets).
    pub(super) fn expand_quoted(&mut self, raw: &str, scope: &Scope) -> Result<Expanded> {
        let words = self.expand(raw, scope)?;
        let dynamic = words.iter().any(|w| w.dynamic);
        let text = words
            .into_iter()
            .map(|w| w.text)
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Expanded { text, dynamic })
    }

    /// Expands a here-document body that allows expansion, walking its command substitutions.
    pub(super) fn expand_heredoc(&mut self, body: &str, scope: &Scope) -> Result<String> {
        if !body.contains(['$', '`', '\\']) {
            return Ok(body.to_owned());
        }
        let pieces = word::parse_heredoc(body, &brush_parser::ParserOptions::default())
            .map_err(|e| Error::Shell(e.to_string()))?;
        let mut builder = Builder::new();
        self.pieces(body, &pieces, true, &mut builder, scope)?;
        Ok(builder.finish().into_iter().map(|w| w.text).collect())
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
                WordPiece::Text(text) | WordPiece::SingleQuotedText(text) => out.push(text),
                WordPiece::AnsiCQuotedText(text) => out.push(&decode_ansi_c(text)),
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    out.started = true;
                    self.pieces(raw, inner, true, out, scope)?;
                }
                WordPiece::TildeExpansion(tilde) => match tilde {
                    word::TildeExpr::Home => out.push("~"),
                    word::TildeExpr::UserHome(user) => out.push(&format!("~{user}")),
                    word::TildeExpr::WorkingDir => out.push("."),
                    _ => {
                        out.push("~-");
                        out.dynamic = true;
                    }
                },
                WordPiece::ParameterExpansion(expr) => match self.parameter(expr) {
                    Some(value) if quoted => out.push(&value),
                    Some(value) => out.push_split(&value),
                    None => {
                        out.push(source);
                        out.dynamic = true;
                    }
                },
                WordPiece::CommandSubstitution(inner)
                | WordPiece::BackquotedCommandSubstitution(inner) => {
                    let what = if matches!(piece.piece, WordPiece::CommandSubstitution(_)) {
                        "$(...)"
                    } else {
                        "`...`"
                    };
                    let first = self.commands.len();
                    self.nested(inner, what, scope)?;
                    match echo_output(&self.commands[first..]) {
                        Some(value) if quoted => out.push(&value),
                        Some(value) => out.push_split(&value),
                        None => {
                            out.push(source);
                            out.dynamic = true;
                        }
                    }
                }
                WordPiece::EscapeSequence(escape) => {
                    let escaped = escape.strip_prefix('\\').unwrap_or(escape);
                    if escaped == "\n" {
                        out.started = true;
                    } else if quoted && !escaped.starts_with(['$', '`', '"', '\\']) {
                        out.push(escape);
                    } else {
                        out.push(escaped);
                    }
                }
                WordPiece::ArithmeticExpression(expr) => {
                    if expr.value.contains("$(") || expr.value.contains('`') {
                        self.expand(&format!("\"{}\"", expr.value), scope)?;
                    }
                    out.push(source);
                    out.dynamic = true;
                }
            }
        }
        Ok(())
    }

    /// The value of a parameter expansion when it is known: `$HOME` is `~`, `$PWD` is `.`,
    /// and variables assigned a static value earlier in the line.
    fn parameter(&self, expr: &ParameterExpr) -> Option<String> {
        let ParameterExpr::Parameter {
            parameter: word::Parameter::Named(name),
            indirect: false,
        } = expr
        else {
            return None;
        };
        match name.as_str() {
            "HOME" => Some("~".into()),
            "PWD" => Some(".".into()),
            _ => self.vars.get(name).cloned(),
        }
    }
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

/// What `$(echo rm)` or `$(printf rm)` prints, when the substitution is only that.
fn echo_output(commands: &[Command]) -> Option<String> {
    let [only] = commands else {
        return None;
    };
    if only.dynamic_args.iter().any(|d| *d) || only.origin == Origin::TopLevel {
        return None;
    }
    match only.effective.split_first()? {
        (echo, args) if echo == "echo" => {
            let args: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .skip_while(|a| matches!(*a, "-n" | "-e" | "-E" | "-ne" | "-en"))
                .collect();
            Some(args.join(" "))
        }
        (printf, [format, args @ ..]) if printf == "printf" => {
            let mut rest = args.iter();
            let mut out = format.replace("\\n", "\n");
            while let Some(pos) = out.find("%s") {
                let value = rest.next().map_or("", String::as_str);
                out.replace_range(pos..pos + 2, value);
            }
            (!out.contains('%')).then_some(out)
        }
        _ => None,
    }
}

/// Decodes the escapes of a `$'...'` string.
fn decode_ansi_c(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(kind) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match kind {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' | 'E' => Some('\x1b'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' | '\'' | '"' | '?' => Some(kind),
            _ => None,
        };
        if let Some(decoded) = simple {
            out.push(decoded);
            continue;
        }
        let (radix, max_digits) = match kind {
            'x' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            '0'..='7' => (8, 2),
            _ => {
                out.push('\\');
                out.push(kind);
                continue;
            }
        };
        let mut digits = String::new();
        if radix == 8 {
            digits.push(kind);
        }
        while digits.len() < max_digits + usize::from(radix == 8) {
            match chars.peek() {
                Some(d) if d.is_digit(radix) => {
                    digits.push(*d);
                    chars.next();
                }
                _ => break,
            }
        }
        if let Some(decoded) = u32::from_str_radix(&digits, radix)
            .ok()
            .and_then(char::from_u32)
        {
            out.push(decoded);
        } else {
            out.push('\\');
            out.push_str(&digits);
        }
    }
    out
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
}
