//! A fast reader for the flat JSON objects the trail writes: walks the top-level members of a
//! line, handing each key and raw value to a visitor that can stop early.
//!
//! Records hold only strings, numbers and booleans, so a record needs no general JSON parser:
//! string values are skipped with a vectorised search for `"` and `\`, and a reader that wants
//! six fields stops once it has passed them. `report` and `verify` read millions of lines this
//! way; a line with nested values, or that is not an object, is refused (`false`).

use std::borrow::Cow;
use std::ops::ControlFlow;

/// One raw member value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Raw<'a> {
    /// A string, with its quotes.
    Str(&'a [u8]),
    /// A number, `true`, `false` or `null`, as written.
    Scalar(&'a [u8]),
}

impl<'a> Raw<'a> {
    /// The text of a string value, decoded (borrowed unless it has escapes).
    pub(crate) fn text(self) -> Option<Cow<'a, str>> {
        let Raw::Str(quoted) = self else {
            return None;
        };
        let inner = &quoted[1..quoted.len() - 1];
        if memchr::memchr(b'\\', inner).is_none() {
            std::str::from_utf8(inner).ok().map(Cow::Borrowed)
        } else {
            serde_json::from_slice::<String>(quoted)
                .ok()
                .map(Cow::Owned)
        }
    }

    /// The value of an unsigned integer.
    pub(crate) fn number(self) -> Option<u64> {
        match self {
            Raw::Scalar(digits) => std::str::from_utf8(digits).ok()?.parse().ok(),
            Raw::Str(_) => None,
        }
    }

    /// The value of `true` or `false`.
    pub(crate) fn boolean(self) -> Option<bool> {
        match self {
            Raw::Scalar(b"true") => Some(true),
            Raw::Scalar(b"false") => Some(false),
            _ => None,
        }
    }
}

/// Calls `visit` with each top-level key (without quotes or escapes decoded) and value of the
/// flat object `line`, in order, until it breaks. Returns `false` when `line` is not a flat
/// JSON object (as far as was read).
pub(crate) fn for_each_member<'a>(
    line: &'a [u8],
    mut visit: impl FnMut(&'a [u8], Raw<'a>) -> ControlFlow<()>,
) -> bool {
    walk(line, &mut visit).is_some()
}

fn walk<'a>(
    line: &'a [u8],
    visit: &mut impl FnMut(&'a [u8], Raw<'a>) -> ControlFlow<()>,
) -> Option<()> {
    let mut i = skip_space(line, 0);
    if line.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(line, i + 1);
    if line.get(i) == Some(&b'}') {
        return Some(());
    }
    loop {
        if line.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(line, i)?;
        let key = &line[i + 1..key_end - 1];
        i = skip_space(line, key_end);
        if line.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(line, i + 1);
        let (value, next) = match line.get(i)? {
            b'"' => {
                let end = string_end(line, i)?;
                (Raw::Str(&line[i..end]), end)
            }
            b'{' | b'[' => return None,
            _ => {
                let end = i + line[i..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'}') || b.is_ascii_whitespace())?;
                (Raw::Scalar(&line[i..end]), end)
            }
        };
        if visit(key, value).is_break() {
            return Some(());
        }
        i = skip_space(line, next);
        match line.get(i)? {
            b',' => i = skip_space(line, i + 1),
            b'}' => return Some(()),
            _ => return None,
        }
    }
}

/// The index just past the closing quote of the string that opens at `start`.
fn string_end(line: &[u8], start: usize) -> Option<usize> {
    let mut from = start + 1;
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', line.get(from..)?)?;
        if line[at] == b'"' {
            return Some(at + 1);
        }
        from = at + 2;
    }
}

fn skip_space(line: &[u8], from: usize) -> usize {
    from + line.get(from..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(line: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        for_each_member(line.as_bytes(), |k, v| {
            let value = match v {
                Raw::Str(_) => v.text().unwrap().into_owned(),
                Raw::Scalar(s) => String::from_utf8(s.to_vec()).unwrap(),
            };
            out.push((String::from_utf8(k.to_vec()).unwrap(), value));
            ControlFlow::Continue(())
        })
        .then_some(out)
    }

    #[test]
    fn reads_flat_objects_and_decodes_escapes() {
        assert_eq!(
            members(r#"{"a":"x\"y\\","n":12, "t":true ,"z":null}"#).unwrap(),
            [("a", "x\"y\\"), ("n", "12"), ("t", "true"), ("z", "null")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(members("{}").unwrap(), []);
    }

    #[test]
    fn refuses_what_is_not_a_flat_object() {
        for line in [
            r#"{"a":"unterminated"#,
            r#"{"a":{"b":1}}"#,
            "[1]",
            "",
            r#"{"a" 1}"#,
            r#"{"a":"\"#,
        ] {
            assert!(members(line).is_none(), "{line}");
        }
    }

    #[test]
    fn a_visitor_can_stop_early() {
        let mut seen = 0;
        assert!(for_each_member(br#"{"a":1,"b":2,"c":"#, |_, _| {
            seen += 1;
            if seen == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }));
        assert_eq!(seen, 2);
    }
}
