//! A small JSON reader that keeps the byte position of every key and value.
//!
//! serde_json reports where a syntax error is but forgets where a valid value was; the lint
//! needs both, to point at the exact rule or hook it talks about. Only files that serde_json
//! already accepted reach this reader, so its own errors are a safety net, not the message.

/// A JSON value with its byte range in the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Byte offset of the value's first character (the quote for strings).
    pub(crate) start: usize,
    /// The value.
    pub(crate) value: Value,
}

/// An object member's key with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    /// The decoded key.
    pub(crate) name: String,
    /// Byte offset of the key's opening quote.
    pub(crate) start: usize,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(Key, Node)>),
}

impl Node {
    /// The member `name` of an object, if this is an object that has it.
    pub(crate) fn get(&self, name: &str) -> Option<&Node> {
        self.members()
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
    }

    /// The members of an object; empty for any other value.
    pub(crate) fn members(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub(crate) fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A word for the value's type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The source offset of byte `offset` of this string's decoded text, so that a column
    /// inside a rule maps to the file even when the string holds escapes such as `\"`.
    pub(crate) fn string_offset(&self, source: &str, offset: usize) -> usize {
        let bytes = source.as_bytes();
        let mut raw = self.start + 1;
        let mut decoded = 0;
        while decoded < offset && raw < bytes.len() && bytes[raw] != b'"' {
            if bytes[raw] == b'\\' {
                let (width, len) = match bytes.get(raw + 1) {
                    Some(b'u') => {
                        let code = source
                            .get(raw + 2..raw + 6)
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32)
                            .map_or(1, char::len_utf8);
                        (6, code)
                    }
                    _ => (2, 1),
                };
                raw += width;
                decoded += len;
            } else {
                let len = utf8_len(bytes[raw]);
                raw += len;
                decoded += len;
            }
        }
        raw
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Reads a whole JSON document; `Err` holds the byte offset and a message.
pub(crate) fn parse(source: &str) -> Result<Node, (usize, String)> {
    let mut reader = Reader {
        src: source.as_bytes(),
        text: source,
        pos: 0,
        depth: 0,
    };
    let node = reader.value()?;
    reader.skip_space();
    if reader.pos != reader.src.len() {
        return Err((reader.pos, "trailing characters".into()));
    }
    Ok(node)
}

struct Reader<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

impl Reader<'_> {
    fn skip_space(&mut self) {
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn fail<T>(&self, message: &str) -> Result<T, (usize, String)> {
        Err((self.pos, message.to_owned()))
    }

    fn expect(&mut self, byte: u8) -> Result<(), (usize, String)> {
        self.skip_space();
        if self.src.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(&format!("expected `{}`", byte as char))
        }
    }

    fn value(&mut self) -> Result<Node, (usize, String)> {
        self.skip_space();
        let start = self.pos;
        let value = match self.src.get(self.pos) {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return self.fail("expected a value"),
        };
        Ok(Node { start, value })
    }

    fn nested(
        &mut self,
        read: fn(&mut Self) -> Result<Value, (usize, String)>,
    ) -> Result<Value, (usize, String)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, (usize, String)> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            self.fail("expected a value")
        }
    }

    fn number(&mut self) -> Result<Value, (usize, String)> {
        let start = self.pos;
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            self.pos += 1;
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(n) => Ok(Value::Number(n)),
            Err(_) => Err((start, "invalid number".into())),
        }
    }

    fn string(&mut self) -> Result<String, (usize, String)> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while self
                .src
                .get(self.pos)
                .is_some_and(|b| *b != b'"' && *b != b'\\')
            {
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.src.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let escape = self.src.get(self.pos + 1).copied();
                    self.pos += 2;
                    match escape {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        Some(c @ (b'"' | b'\\' | b'/')) => out.push(c as char),
                        _ => return self.fail("invalid escape"),
                    }
                }
                _ => return self.fail("unterminated string"),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, (usize, String)> {
        let hex = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        let code = u32::from_str_radix(hex, 16).or_else(|_| self.fail("invalid \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }

    fn unicode_escape(&mut self) -> Result<char, (usize, String)> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with("\\u") {
            self.pos += 2;
            let low = self.hex4()?;
            let code = 0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
            return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
        }
        Ok(char::from_u32(high).unwrap_or('\u{FFFD}'))
    }

    fn array(&mut self) -> Result<Value, (usize, String)> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return self.fail("expected `,` or `]`"),
            }
        }
    }

    fn object(&mut self) -> Result<Value, (usize, String)> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_space();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_space();
            if self.src.get(self.pos) != Some(&b'"') {
                return self.fail("expected a key");
            }
            let start = self.pos;
            let name = self.string()?;
            self.expect(b':')?;
            let value = self.value()?;
            members.push((Key { name, start }, value));
            self.skip_space();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return self.fail("expected `,` or `}`"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let src = r#"{ "a": [1, "x\"y"], "b": {"c": null} }"#;
        let root = parse(src).unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(&src[a.start..=a.start], "[");
        let items = a.as_array().unwrap();
        assert_eq!(items[1].as_str(), Some("x\"y"));
        assert_eq!(root.members()[1].0.start, src.find("\"b\"").unwrap());
        assert_eq!(root.get("b").unwrap().get("c").unwrap().value, Value::Null);
    }

    #[test]
    fn maps_decoded_offsets_through_escapes() {
        let src = r#"["a\"bc"]"#;
        let root = parse(src).unwrap();
        let s = &root.as_array().unwrap()[0];
        assert_eq!(&src[s.string_offset(src, 2)..=s.string_offset(src, 2)], "b");
    }

    #[test]
    fn rejects_what_is_not_json() {
        assert!(parse("{\"a\": }").is_err());
        assert!(parse("[1,]").is_err());
        assert!(parse(&"[".repeat(500)).is_err());
    }
}
