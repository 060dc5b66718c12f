//! The commented policy `hookkit init` writes to `~/.claude/hookkit.toml`, generated from the
//! schema catalogue so that it lists every key with its real default and meaning.

use std::fmt::Write;

use crate::config::schema::{self, Kind, Section};

/// The user policy, with `[gate] mode` set to `mode` and every other key commented out at its
/// default.
pub fn user_policy(mode: &str) -> String {
    let mut out = String::from(
        "# hookkit: your own policy (~/.claude/hookkit.toml), written by `hookkit init`.\n\
         #\n\
         # Only this file (and a file you name with --policy) can loosen what hookkit does: opt\n\
         # into a mode, allow calls, or choose where hookkit keeps its files. A project's\n\
         # .claude/hookkit.toml can only tighten. Every key is listed at its default; uncomment\n\
         # a line to change it. `hookkit lint` checks this file, `hookkit status` shows the\n\
         # result.\n\
         #\n\
         # To opt one project into a mode, keep it here, keyed by the project's path:\n\
         #   [project.\"/home/me/code/app\".gate]\n\
         #   mode = \"auto\"\n\
         # (`hookkit init --mode auto` in the project writes it for you.)\n",
    );
    for section in schema::SECTIONS {
        write_section(&mut out, section, mode);
    }
    out
}

fn write_section(out: &mut String, section: &Section, mode: &str) {
    let _ = writeln!(out, "\n# {}", section.doc);
    if section.array {
        // An uncommented `[[rule]]` would be a rule with no condition: it would match every
        // call. Examples stay comments.
        let _ = writeln!(out, "# [[{}]]", section.name);
        for key in section.keys {
            let _ = writeln!(out, "# {} = {}  # {}", key.name, example(key.kind), key.doc);
        }
        return;
    }
    let _ = writeln!(out, "[{}]", section.name);
    for key in section.keys {
        for line in wrap(key.doc, 90) {
            let _ = writeln!(out, "# {line}");
        }
        if let Kind::Tables(keys) = key.kind {
            let _ = writeln!(out, "# [[{}.{}]]", section.name, key.name);
            for inner in keys {
                let _ = writeln!(
                    out,
                    "# {} = {}  # {}",
                    inner.name,
                    example(inner.kind),
                    inner.doc
                );
            }
        } else if section.name == "gate" && key.name == "mode" {
            let _ = writeln!(out, "mode = \"{mode}\"");
        } else if key.default.is_empty() {
            let _ = writeln!(out, "# {} = {}", key.name, example(key.kind));
        } else {
            let _ = writeln!(out, "# {} = {}", key.name, key.default);
        }
    }
}

/// A value of the kind, for keys without a default.
fn example(kind: Kind) -> String {
    match kind {
        Kind::Str | Kind::Path | Kind::Url => "\"\"".to_owned(),
        Kind::OneOf(values) => format!("\"{}\"", values.first().copied().unwrap_or("")),
        Kind::Int => "0".to_owned(),
        Kind::Bool => "false".to_owned(),
        Kind::Strings | Kind::StringsOneOf(_) | Kind::Tables(_) => "[]".to_owned(),
    }
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("starts with one line");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Effective, Layer, LayerSource};

    #[test]
    fn the_template_loads_as_a_user_policy_with_the_chosen_mode() {
        for mode in schema::MODES {
            let text = user_policy(mode);
            let layer = Layer::parse(LayerSource::User("hookkit.toml".into()), text).unwrap();
            let effective = Effective::of(&[layer]).unwrap();
            assert_eq!(
                effective
                    .value("gate", "mode")
                    .and_then(toml::Value::as_str),
                Some(*mode)
            );
        }
    }

    #[test]
    fn every_key_of_the_schema_is_in_the_template() {
        let text = user_policy("guard");
        for section in schema::SECTIONS {
            for key in section.keys {
                assert!(
                    text.contains(&format!("# {} = ", key.name))
                        || text.contains(&format!("{} = ", key.name))
                        || text.contains(&format!("[[{}.{}]]", section.name, key.name)),
                    "{}.{} is missing",
                    section.name,
                    key.name
                );
            }
        }
    }
}
