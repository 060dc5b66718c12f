//! jq conditions over a hook input, compiled with jaq (a pure-Rust jq).
//!
//! A condition holds when the first value its filter yields is truthy (neither `null` nor
//! `false`). Compilation costs far more than a run, so callers compile a condition only when a
//! rule that carries one is actually reached.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::{Error, Result};

type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

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
    fn runtime_errors_are_errors() {
        let cond = Condition::compile(".a + 1").unwrap();
        assert!(cond.is_true(&json!({"a": "text"})).is_err());
    }
}
