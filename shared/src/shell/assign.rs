//! Assignments: `x=value`, `x+=value`, arrays (`a=(...)`, `a+=(...)`, `a[1]=x`), and the
//! attributes that change what is stored (`declare -l`, `readonly`).

use brush_parser::ast;

use super::state::Value;
use super::walk::{Scope, Walker};
use super::word::Expanded;
use crate::Result;

impl Walker {
    /// Performs an assignment in the current shell.
    pub(super) fn assign(&mut self, assignment: &ast::Assignment, scope: &Scope) -> Result<()> {
        match (&assignment.name, &assignment.value) {
            (ast::AssignmentName::VariableName(name), ast::AssignmentValue::Scalar(word)) => {
                let value = self.expand_quoted(&word.value, scope)?;
                let value = if assignment.append {
                    match self.state.vars.get(name) {
                        Some(Value::Array(items)) => {
                            let mut items = items.clone();
                            append_to(&mut items, 0, &value);
                            self.set_var(name, Value::Array(items));
                            return Ok(());
                        }
                        Some(Value::Unknown) => Value::Unknown,
                        Some(Value::Scalar(old)) => Value::Scalar(concat(old, &value)),
                        Some(Value::Unset) => Value::Scalar(value),
                        None => Value::Scalar(concat(
                            &Expanded::unknown(format!("${{{name}}}")),
                            &value,
                        )),
                    }
                } else {
                    Value::Scalar(value)
                };
                self.set_var(name, value);
            }
            (ast::AssignmentName::VariableName(name), ast::AssignmentValue::Array(items)) => {
                let mut elements: Option<Vec<(usize, Expanded)>> = if assignment.append {
                    match self.state.vars.get(name) {
                        Some(Value::Array(items)) => Some(items.clone()),
                        Some(Value::Scalar(v)) => Some(vec![(0, v.clone())]),
                        Some(Value::Unset) => Some(Vec::new()),
                        Some(Value::Unknown) | None => None,
                    }
                } else {
                    Some(Vec::new())
                };
                let mut next = elements
                    .as_ref()
                    .and_then(|e| e.last().map(|(i, _)| i + 1))
                    .unwrap_or(0);
                for (key, word) in items {
                    let index = match key {
                        Some(key) => {
                            let key = self.expand_quoted(&key.value, scope)?;
                            (!key.dynamic)
                                .then(|| key.text.trim().parse::<usize>().ok())
                                .flatten()
                        }
                        None => Some(next),
                    };
                    let words = if key.is_some() {
                        vec![self.expand_quoted(&word.value, scope)?]
                    } else {
                        self.expand_word(&word.value, scope)?
                    };
                    match (index, elements.as_mut()) {
                        (Some(index), Some(list)) => {
                            for (offset, value) in words.into_iter().enumerate() {
                                set_element(list, index + offset, value);
                                next = index + offset + 1;
                            }
                        }
                        _ => elements = None,
                    }
                }
                self.set_var(name, elements.map_or(Value::Unknown, Value::Array));
            }
            (
                ast::AssignmentName::ArrayElementName(name, index),
                ast::AssignmentValue::Scalar(word),
            ) => self.assign_element(name, index, word, assignment.append, scope)?,
            (ast::AssignmentName::ArrayElementName(name, _), ast::AssignmentValue::Array(_)) => {
                self.assignment_value(&assignment.value, scope)?;
                self.set_var(name, Value::Unknown);
            }
        }
        Ok(())
    }

    /// `a[i]=value` and `a[i]+=value`.
    fn assign_element(
        &mut self,
        name: &str,
        index: &str,
        word: &ast::Word,
        append: bool,
        scope: &Scope,
    ) -> Result<()> {
        let value = self.expand_quoted(&word.value, scope)?;
        let index = self.expand_quoted(index, scope)?;
        let index = (!index.dynamic)
            .then(|| index.text.trim().parse::<usize>().ok())
            .flatten();
        let updated = match (self.state.vars.get(name), index) {
            (Some(Value::Array(items)), Some(i)) => {
                let mut items = items.clone();
                if append {
                    append_to(&mut items, i, &value);
                } else {
                    set_element(&mut items, i, value);
                }
                Value::Array(items)
            }
            (Some(Value::Scalar(v)), Some(i)) => {
                let mut items = vec![(0, v.clone())];
                set_element(&mut items, i, value);
                Value::Array(items)
            }
            (Some(Value::Unset), Some(i)) if !append => Value::Array(vec![(i, value)]),
            _ => Value::Unknown,
        };
        self.set_var(name, updated);
        Ok(())
    }

    /// Expands an assignment's value only for the commands it runs (`X=$(rm -rf /) cmd`).
    pub(super) fn assignment_value(
        &mut self,
        value: &ast::AssignmentValue,
        scope: &Scope,
    ) -> Result<()> {
        match value {
            ast::AssignmentValue::Scalar(word) => {
                self.expand_quoted(&word.value, scope)?;
            }
            ast::AssignmentValue::Array(items) => {
                for (key, word) in items {
                    if let Some(key) = key {
                        self.expand_quoted(&key.value, scope)?;
                    }
                    self.expand_word(&word.value, scope)?;
                }
            }
        }
        Ok(())
    }

    /// Stores `value` in variable `name`, as its attributes say.
    pub(super) fn set_var(&mut self, name: &str, value: Value) {
        let attrs = self.state.attrs.get(name).cloned().unwrap_or_default();
        if attrs.readonly {
            // The assignment fails and the old value stays.
            return;
        }
        let value = if attrs.integer && !matches!(value, Value::Unset) {
            Value::Unknown
        } else if attrs.lower || attrs.upper {
            let change = |v: Expanded| {
                if v.dynamic {
                    return v;
                }
                let text = if attrs.lower {
                    v.text.to_lowercase()
                } else {
                    v.text.to_uppercase()
                };
                Expanded { text, ..v }
            };
            match value {
                Value::Scalar(v) => Value::Scalar(change(v)),
                Value::Array(items) => {
                    Value::Array(items.into_iter().map(|(i, v)| (i, change(v))).collect())
                }
                other => other,
            }
        } else {
            value
        };
        self.state.vars_mut().insert(name.to_owned(), value);
    }
}

fn concat(old: &Expanded, value: &Expanded) -> Expanded {
    Expanded {
        text: format!("{}{}", old.text, value.text),
        dynamic: old.dynamic || value.dynamic,
        glob: old.glob || value.glob,
        content: None,
    }
}

fn set_element(items: &mut Vec<(usize, Expanded)>, index: usize, value: Expanded) {
    match items.binary_search_by_key(&index, |(i, _)| *i) {
        Ok(pos) => items[pos].1 = value,
        Err(pos) => items.insert(pos, (index, value)),
    }
}

fn append_to(items: &mut Vec<(usize, Expanded)>, index: usize, value: &Expanded) {
    match items.binary_search_by_key(&index, |(i, _)| *i) {
        Ok(pos) => items[pos].1 = concat(&items[pos].1, value),
        Err(pos) => items.insert(pos, (index, value.clone())),
    }
}
