//! Validating layers against the [`schema`] and merging them into one effective policy.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

use super::schema::{self, Kind, Merge, Section};
use super::{Layer, LayerSource, Trust};
use crate::{Error, Result};

/// A value an untrusted layer set that was not honoured, for `explain`, `status` and
/// `rules-lint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The layer that set it.
    pub source: LayerSource,
    /// `section.key`, or `section.key[i]` for one entry of a list.
    pub key: String,
    /// Why it was not honoured.
    pub why: String,
}

/// The policy after merging: every section's keys with the layers' values combined by the
/// schema's rules, plus what untrusted layers set that was not honoured.
#[derive(Debug, Clone, Default)]
pub struct Effective {
    table: toml::Table,
    /// Values of untrusted layers that were not honoured.
    pub ignored: Vec<Ignored>,
}

impl Effective {
    /// Validates every layer against the schema and merges them. A layer that breaks the
    /// schema (an unknown section or key, a value of the wrong kind) is an error naming its
    /// file: a binary never guesses what a broken policy meant.
    pub fn of(layers: &[Layer]) -> Result<Self> {
        for layer in layers {
            validate(layer)?;
        }
        let mut effective = Self::default();
        for section in schema::SECTIONS.iter().filter(|s| !s.array) {
            let mut merged = toml::Table::new();
            for key in section.keys {
                if let Some(value) = effective.merge_key(layers, section, key.name, key.merge) {
                    merged.insert(key.name.to_owned(), value);
                }
            }
            if !merged.is_empty() {
                effective
                    .table
                    .insert(section.name.to_owned(), toml::Value::Table(merged));
            }
        }
        Ok(effective)
    }

    /// Reads one merged section (`[gate]`, `[review]`, ...) into `T`; an absent section gives
    /// `T::default()`.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T> {
        match self.table.get(name) {
            None => Ok(T::default()),
            Some(value) => value
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| Error::Policy {
                    path: PathBuf::from("<merged policy>"),
                    message: format!("[{name}]: {}", e.message()),
                }),
        }
    }

    /// The merged value of `section.key`, if any layer set it.
    pub fn value(&self, section: &str, key: &str) -> Option<&toml::Value> {
        self.table.get(section)?.get(key)
    }

    fn merge_key(
        &mut self,
        layers: &[Layer],
        section: &Section,
        key: &str,
        merge: Merge,
    ) -> Option<toml::Value> {
        let values = layers.iter().filter_map(|layer| {
            let value = layer.table.get(section.name)?.get(key)?;
            Some((layer, value))
        });
        let mut trusted: Option<toml::Value> = None;
        let mut untrusted: Vec<(&Layer, &toml::Value)> = Vec::new();
        for (layer, value) in values {
            match layer.trust() {
                Trust::Trusted => trusted = Some(value.clone()),
                Trust::Untrusted => untrusted.push((layer, value)),
            }
        }
        // Named only when a value is ignored: most runs ignore nothing.
        let full = || format!("{}.{key}", section.name);
        match merge {
            Merge::Strictest(order) => {
                let mut best = trusted.or_else(|| default_of(section, key));
                for (layer, value) in untrusted {
                    let stricter = match &best {
                        None => true,
                        Some(current) => order.rank(value) > order.rank(current),
                    };
                    if stricter {
                        best = Some(value.clone());
                    } else if best
                        .as_ref()
                        .is_some_and(|b| order.rank(value) < order.rank(b))
                    {
                        self.ignore(
                            layer,
                            &full(),
                            format!(
                                "{value} is looser than {}; only your own files can loosen",
                                best.as_ref().map_or_else(String::new, ToString::to_string)
                            ),
                        );
                    }
                }
                best
            }
            Merge::Union => {
                // Trusted layers override one another (the user may narrow a default); every
                // untrusted list can only add to the result.
                let mut all: Vec<toml::Value> = trusted
                    .or_else(|| default_of(section, key))
                    .and_then(|v| v.as_array().cloned())
                    .unwrap_or_default();
                for (_, list) in untrusted {
                    for item in list.as_array().into_iter().flatten() {
                        if !all.contains(item) {
                            all.push(item.clone());
                        }
                    }
                }
                Some(toml::Value::Array(all))
            }
            Merge::Intersect => {
                let mut kept = trusted.or_else(|| default_of(section, key))?;
                for (layer, value) in untrusted {
                    let narrower: Vec<String> = strings(value);
                    if let toml::Value::Array(items) = &mut kept {
                        items.retain(|item| {
                            item.as_str()
                                .is_some_and(|s| narrower.iter().any(|n| n.eq_ignore_ascii_case(s)))
                        });
                    }
                    for extra in narrower.iter().filter(|n| !contains(&kept, n)) {
                        self.ignore(
                            layer,
                            &full(),
                            format!("`{extra}` widens a list only your own files can widen"),
                        );
                    }
                }
                Some(kept)
            }
            Merge::TrustedOnly => {
                for (layer, _) in untrusted {
                    self.ignore(
                        layer,
                        &full(),
                        "names a location, URL, key or opt-in, read from your own files only"
                            .to_owned(),
                    );
                }
                trusted
            }
            Merge::Rules => self.merge_rules(layers, section, key),
        }
    }

    /// Rule lists inside a plain section (`[permissions]`, `[[permission_denied.override]]`):
    /// every layer's entries in order, minus the loosening ones of untrusted layers.
    fn merge_rules(
        &mut self,
        layers: &[Layer],
        section: &Section,
        key: &str,
    ) -> Option<toml::Value> {
        let mut all = Vec::new();
        for layer in layers {
            let Some(list) = layer.table.get(section.name).and_then(|s| s.get(key)) else {
                continue;
            };
            for (i, item) in list.as_array().into_iter().flatten().enumerate() {
                if layer.trust() == Trust::Untrusted
                    && let Some(why) = loosens(section.name, key, item)
                {
                    self.ignore(
                        layer,
                        &format!("{}.{key}[{i}]", section.name),
                        why.to_owned(),
                    );
                    continue;
                }
                all.push(item.clone());
            }
        }
        (!all.is_empty()).then_some(toml::Value::Array(all))
    }

    fn ignore(&mut self, layer: &Layer, key: &str, why: String) {
        self.ignored.push(Ignored {
            source: layer.source.clone(),
            key: key.to_owned(),
            why,
        });
    }
}

/// Why an entry of a rule list loosens, if it does: such entries are honoured only from
/// trusted layers. Shared by every reader of rules so that they agree.
pub fn loosens(section: &str, key: &str, entry: &toml::Value) -> Option<&'static str> {
    match (section, key) {
        ("permissions", "allow") => Some("allow rules are read from your own files only"),
        ("rule", _) if entry.get("decision").and_then(toml::Value::as_str) == Some("allow") => {
            Some("allow rules are read from your own files only")
        }
        ("permission_denied", "override")
            if entry.get("retry").and_then(toml::Value::as_bool) != Some(false) =>
        {
            Some("an override that answers retry is read from your own files only")
        }
        _ => None,
    }
}

fn default_of(section: &Section, key: &str) -> Option<toml::Value> {
    let text = section.key(key)?.default;
    if text.is_empty() {
        return None;
    }
    // Every hook run merges every default: the schema's simple literals are read directly,
    // without a TOML parser's set-up; anything else goes through it.
    simple_literal(text).or_else(|| {
        format!("v = {text}")
            .parse::<toml::Table>()
            .ok()?
            .remove("v")
    })
}

/// An integer, `true`/`false`, a string without escapes, or an array of such strings.
pub(super) fn simple_literal(text: &str) -> Option<toml::Value> {
    let plain_string = |t: &str| {
        let inner = t.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains(['"', '\\'])).then(|| toml::Value::String(inner.to_owned()))
    };
    match text {
        "true" => return Some(toml::Value::Boolean(true)),
        "false" => return Some(toml::Value::Boolean(false)),
        _ => {}
    }
    if let Ok(number) = text.parse::<i64>() {
        return Some(toml::Value::Integer(number));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if inner.trim().is_empty() {
            return Some(toml::Value::Array(Vec::new()));
        }
        return inner
            .split(',')
            .map(|item| plain_string(item.trim()))
            .collect::<Option<Vec<_>>>()
            .map(toml::Value::Array);
    }
    plain_string(text)
}

fn strings(value: &toml::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn contains(list: &toml::Value, wanted: &str) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(wanted)))
}

/// Checks one layer against the schema.
fn validate(layer: &Layer) -> Result<()> {
    let fail = |message: String| Error::Policy {
        path: layer.source.display_path(),
        message,
    };
    for (name, value) in &layer.table {
        if name == schema::PROJECT_SECTIONS {
            return Err(fail(format!(
                "`[{name}.\"<dir>\"]` sections are read from your user file \
                 (~/.claude/hookkit.toml) only"
            )));
        }
        let Some(section) = schema::section(name) else {
            return Err(fail(format!(
                "unknown section `[{name}]`; known: {}",
                known(schema::SECTIONS.iter().map(|s| s.name))
            )));
        };
        if section.array {
            let Some(entries) = value.as_array() else {
                return Err(fail(format!("`{name}` must be written `[[{name}]]`")));
            };
            for (i, entry) in entries.iter().enumerate() {
                let Some(table) = entry.as_table() else {
                    return Err(fail(format!("[[{name}]] #{}: not a table", i + 1)));
                };
                check_table(table, section.keys, &format!("[[{name}]] #{}", i + 1))
                    .map_err(fail)?;
            }
        } else {
            let Some(table) = value.as_table() else {
                return Err(fail(format!("`{name}` must be a table `[{name}]`")));
            };
            check_table(table, section.keys, &format!("[{name}]")).map_err(fail)?;
        }
    }
    Ok(())
}

fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

fn check_table(
    table: &toml::Table,
    keys: &[schema::Key],
    place: &str,
) -> std::result::Result<(), String> {
    for (name, value) in table {
        let Some(key) = keys.iter().find(|k| k.name == name) else {
            let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
            let hint = crate::lint::suggest::closest(name, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(format!(
                "{place}: unknown key `{name}`{hint} (known: {})",
                known(keys.iter().map(|k| k.name))
            ));
        };
        check_value(value, key.kind, &format!("{place} {name}"))?;
    }
    Ok(())
}

/// Checks a value against its kind; the message says what was expected.
pub(crate) fn check_value(
    value: &toml::Value,
    kind: Kind,
    place: &str,
) -> std::result::Result<(), String> {
    let wrong = || format!("{place}: expected {}", kind.describe());
    match (kind, value) {
        (Kind::Str | Kind::Path, toml::Value::String(_))
        | (Kind::Bool, toml::Value::Boolean(_)) => Ok(()),
        (Kind::Url, toml::Value::String(s)) => {
            let lower = s.trim().to_ascii_lowercase();
            if s.trim().is_empty() || lower.starts_with("http://") || lower.starts_with("https://")
            {
                Ok(())
            } else {
                Err(wrong())
            }
        }
        (Kind::OneOf(values), toml::Value::String(s)) if values.contains(&s.as_str()) => Ok(()),
        (Kind::Int, toml::Value::Integer(n)) if *n >= 0 => Ok(()),
        (Kind::Strings, toml::Value::Array(items)) if items.iter().all(toml::Value::is_str) => {
            Ok(())
        }
        (Kind::StringsOneOf(values), toml::Value::Array(items))
            if items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| values.contains(&s))) =>
        {
            Ok(())
        }
        (Kind::Tables(keys), toml::Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let table = item.as_table().ok_or_else(wrong)?;
                check_table(table, keys, &format!("{place} #{}", i + 1))?;
            }
            Ok(())
        }
        _ => Err(wrong()),
    }
}
