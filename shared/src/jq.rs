//! jq conditions over a hook input, compiled with jaq (a pure-Rust jq).
//!
//! A condition holds when the first value its filter yields is truthy (neither `null` nor
//! `false`). Compilation costs far more than a run, so callers compile a condition only when a
//! rule that carries one is actually reached.
//!
//! Conditions are bounded so that a policy cannot crash the gate: at most
//! [`MAX_SOURCE_BYTES`] of source and [`MAX_NESTING`] levels of nesting (which bound the
//! parser's recursion), and no function definitions (`def`), the only way to write unbounded
//! recursion in jq, which would overflow the stack and abort the process instead of answering.
//! Loops that never end (`until(false; .)`) are caught by the runner's deadline.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::{Error, Result};

type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

/// The longest condition accepted. jaq's parser and compiler recurse on nesting and on operator
/// chains, and a deep enough program overflows the stack, which aborts the hook instead of
/// failing safe; real conditions are a line or two.
pub const MAX_SOURCE_BYTES: usize = 1024;
/// The deepest nesting of `(`, `[` and `{`, and the longest run of prefix `-`, accepted, for
/// the same reason.
pub const MAX_NESTING: usize = 64;

/// A compiled jq condition.
pub struct Condition {
    source: String,
    filter: Filter,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condition")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Condition {
    /// Compiles a jq program with jq's standard library.
    pub fn compile(source: &str) -> Result<Self> {
        let fail = |message: String| Error::Jq {
            filter: source.to_owned(),
            message,
        };
        check_size(source).map_err(fail)?;
        if defines_functions(source) {
            return Err(fail(
                "defines a function (`def`); conditions are plain expressions, so that every \
                 condition ends"
                    .to_owned(),
            ));
        }
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(
                &arena,
                File {
                    code: source,
                    path: (),
                },
            )
            .map_err(|errors| fail(format!("does not parse ({} error(s))", errors.len())))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let names: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, errs)| errs.iter().map(|(name, _)| (*name).to_owned()))
                    .collect();
                fail(format!("does not compile: undefined {}", names.join(", ")))
            })?;
        Ok(Self {
            source: source.to_owned(),
            filter,
        })
    }

    /// The program as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Runs the condition on a JSON value. A run-time error is an error, not a `false`: the
    /// caller decides what an undecidable condition means.
    pub fn is_true(&self, input: &serde_json::Value) -> Result<bool> {
        let bytes = serde_json::to_vec(input).map_err(|e| self.error(e.to_string()))?;
        let value = jaq_json::read::parse_single(&bytes).map_err(|e| self.error(e.to_string()))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = self.filter.id.run((ctx, value)).map(unwrap_valr);
        match outputs.next() {
            None => Ok(false),
            Some(Ok(value)) => Ok(!matches!(value, Val::Null | Val::Bool(false))),
            Some(Err(error)) => Err(self.error(error.to_string())),
        }
    }

    fn error(&self, message: String) -> Error {
        Error::Jq {
            filter: self.source.clone(),
            message,
        }
    }
}

/// Rejects programs too long or too deeply nested to compile without risking the stack.
fn check_size(source: &str) -> std::result::Result<(), String> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "is {} bytes long; conditions are limited to {MAX_SOURCE_BYTES}",
            source.len()
        ));
    }
    let mut depth = 0usize;
    let mut minus_run = 0usize;
    for c in source.chars() {
        match c {
            '-' => {
                minus_run += 1;
                if minus_run > MAX_NESTING {
                    return Err(format!("chains more than {MAX_NESTING} `-` signs"));
                }
            }
            c if c.is_whitespace() => {}
            _ => minus_run = 0,
        }
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "nests deeper than {MAX_NESTING} levels of brackets"
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Whether the jq source uses the `def` keyword outside string literals (string
/// interpolations `\(...)` count as code).
fn defines_functions(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut in_string = false;
    let mut depth = 0usize;
    // Paren depths at which an interpolation opened; its `)` returns into the string.
    let mut interpolations: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if in_string {
            match byte {
                b'\\' if bytes.get(i + 1) == Some(&b'(') => {
                    in_string = false;
                    interpolations.push(depth);
                    depth += 1;
                    i += 1;
                }
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if interpolations.last() == Some(&depth) {
                    interpolations.pop();
                    in_string = true;
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let preceded_by_sigil = start > 0 && matches!(bytes[start - 1], b'$' | b'.');
                if &source[start..i] == "def" && !preceded_by_sigil {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthy_first_output_holds() {
        let input = json!({"tool_input": {"command": "kubectl --context prod delete pod x"}});
        assert!(
            Condition::compile(r#".tool_input.command | test("prod")"#)
                .unwrap()
                .is_true(&input)
                .unwrap()
        );
        assert!(
            !Condition::compile(r#".tool_input.command | test("staging")"#)
                .unwrap()
                .is_true(&input)
                .unwrap()
        );
        assert!(
            !Condition::compile(".missing")
                .unwrap()
                .is_true(&input)
                .unwrap()
        );
        assert!(
            !Condition::compile("empty")
                .unwrap()
                .is_true(&input)
                .unwrap()
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        let err = Condition::compile(".tool_input | ").unwrap_err();
        assert!(err.to_string().contains("does not parse"), "{err}");
        let err = Condition::compile("no_such_function(1)").unwrap_err();
        assert!(err.to_string().contains("no_such_function"), "{err}");
    }

    #[test]
    fn definitions_are_refused_because_they_can_recurse_without_end() {
        let err = Condition::compile("def f: 1 + f; f").unwrap_err();
        assert!(err.to_string().contains("def"), "{err}");
        assert!(Condition::compile("def f: .; f").is_err());
        assert!(Condition::compile(r#""\(def f: f; f)""#).is_err());
    }

    #[test]
    fn the_word_def_in_strings_and_fields_is_fine() {
        assert!(Condition::compile(r#".tool_input.command | test("def ")"#).is_ok());
        assert!(Condition::compile(".def").is_ok());
        assert!(Condition::compile(". as $def | $def").is_ok());
        assert!(Condition::compile("# def\n.").is_ok());
    }

    #[test]
    fn oversized_conditions_are_refused() {
        let deep = format!("{}.{}", "(".repeat(30_000), ")".repeat(30_000));
        let err = Condition::compile(&deep).unwrap_err();
        assert!(err.to_string().contains("1024"), "{err}");
    }

    #[test]
    fn runtime_errors_are_errors() {
        let cond = Condition::compile(".a + 1").unwrap();
        assert!(cond.is_true(&json!({"a": "text"})).is_err());
    }

    #[test]
    fn oversized_and_overnested_programs_are_errors_not_crashes() {
        let deep = format!("{}.{}", "(".repeat(5000), ")".repeat(5000));
        let err = Condition::compile(&deep).unwrap_err();
        assert!(err.to_string().contains("bytes long"), "{err}");
        let nested = format!(
            "{}.{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let err = Condition::compile(&nested).unwrap_err();
        assert!(err.to_string().contains("nests deeper"), "{err}");
        let negated = format!("{}1", "- ".repeat(MAX_NESTING + 1));
        let err = Condition::compile(&negated).unwrap_err();
        assert!(err.to_string().contains("`-` signs"), "{err}");
    }

    #[test]
    fn programs_at_the_limits_compile_on_a_small_stack() {
        let half = MAX_SOURCE_BYTES / 2 - 1;
        let programs = [
            format!("{}.{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING)),
            format!("{}.{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING)),
            format!(".{}", "|.".repeat(half)),
            format!("1{}", "+1".repeat(half)),
            format!("{}1", "-".repeat(MAX_NESTING)),
            format!("{}1", "- ".repeat(MAX_NESTING)),
            format!("{}.", "try ".repeat(MAX_SOURCE_BYTES / 4 - 1)),
            format!("{}.", ". as $x | ".repeat(MAX_SOURCE_BYTES / 10 - 1)),
            ".a".repeat(MAX_SOURCE_BYTES / 2),
            format!(".{}", "?".repeat(MAX_SOURCE_BYTES - 1)),
            format!(".{}", "//.".repeat(MAX_SOURCE_BYTES / 3 - 1)),
            format!("{}.{}", "if . then ".repeat(70), " end".repeat(70)),
        ];
        // On the stack of a hook's main thread (8 MiB), in an unoptimised build.
        let worker = std::thread::Builder::new()
            .stack_size(8 * 1024 * 1024)
            .spawn(move || {
                for program in programs {
                    assert!(program.len() <= MAX_SOURCE_BYTES, "{}", program.len());
                    let cond = Condition::compile(&program).unwrap();
                    let _ = cond.is_true(&json!({"a": 1}));
                }
            })
            .unwrap();
        worker.join().unwrap();
    }
}
