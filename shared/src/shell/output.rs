//! What a command prints, when that is fixed by its words: `echo`, `printf`, `cat` of a
//! here-document, and pipelines of those into simple filters (`rev`, `tr`, `base64 -d`,
//! `xxd -r -p`). Used to follow text into what runs it: `$(printf '\162\155')`,
//! `echo ~ | xargs rm`, `source <(echo ...)`.

use super::Command;

/// The most bytes of output computed; a command printing more is treated as unknown.
const MAX_OUTPUT: usize = 64 * 1024;

/// What the first stages of a pipeline print, when every one of them is known.
pub(super) fn of_stages(stages: &[&Command]) -> Option<String> {
    let (first, filters) = stages.split_first()?;
    let single = stages
        .iter()
        .enumerate()
        .all(|(i, c)| c.pipeline == first.pipeline && c.stage == i && c.parent.is_none());
    if !single {
        return None;
    }
    let mut text = printed(first)?;
    for filter in filters {
        text = filtered(filter, &text)?;
    }
    Some(text)
}

/// What one command prints without reading anything but its here-document.
pub(super) fn printed(command: &Command) -> Option<String> {
    if command.dynamic_args.iter().any(|d| *d) {
        return None;
    }
    let (program, args) = command.effective.split_first()?;
    let out = match program.as_str() {
        "echo" => echo(args)?,
        "printf" => printf(args)?,
        "cat" if args.is_empty() || args == ["-"] => command.stdin_text.clone()?,
        _ => return None,
    };
    (out.len() <= MAX_OUTPUT && !out.contains('\0')).then_some(out)
}

/// What a filter prints given `input`.
fn filtered(command: &Command, input: &str) -> Option<String> {
    if command.dynamic_args.iter().any(|d| *d) || command.stdin_text.is_some() {
        return None;
    }
    let (program, args) = command.effective.split_first()?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = match (program.as_str(), args.as_slice()) {
        ("cat", [] | ["-"]) => input.to_owned(),
        ("rev", []) => input
            .split_inclusive('\n')
            .map(|line| {
                let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
                body.chars().rev().collect::<String>() + end
            })
            .collect(),
        ("tr", ["-d", from]) => translate(input, from, None)?,
        ("tr", [from, to]) if !from.starts_with('-') => translate(input, from, Some(to))?,
        ("base64", ["-d" | "--decode" | "-D"]) => String::from_utf8(base64_decode(input)?).ok()?,
        ("xxd", ["-r", "-p"] | ["-p", "-r"] | ["-rp" | "-pr"]) => {
            String::from_utf8(hex_decode(input)?).ok()?
        }
        _ => return None,
    };
    (out.len() <= MAX_OUTPUT && !out.contains('\0')).then_some(out)
}

/// `echo`: Bash's `echo` leaves backslashes alone unless `-e`, `sh`'s (dash) reads them; so text
/// with a backslash and neither `-e` nor `-E` is unknown.
fn echo(args: &[String]) -> Option<String> {
    let mut newline = true;
    let mut escapes = None;
    let mut rest = args;
    while let Some((first, more)) = rest.split_first() {
        let Some(flags) = first.strip_prefix('-') else {
            break;
        };
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for flag in flags.chars() {
            match flag {
                'n' => newline = false,
                'e' => escapes = Some(true),
                _ => escapes = Some(false),
            }
        }
        rest = more;
    }
    let joined = rest.join(" ");
    let mut out = match escapes {
        Some(true) => {
            let (text, stopped) = decode_escapes(&joined, Escapes::Echo);
            if stopped {
                return Some(text);
            }
            text
        }
        None if joined.contains('\\') => return None,
        Some(false) | None => joined,
    };
    if newline {
        out.push('\n');
    }
    Some(out)
}

/// `printf FORMAT ARGS...`: `%s`, `%b`, `%c`, `%d`, `%i`, `%u`, `%x`, `%o` and `%%`, with flags,
/// width and precision; anything else is unknown.
fn printf(args: &[String]) -> Option<String> {
    let args = match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        Some(first) if first.starts_with('-') && first.len() > 1 => return None,
        _ => args,
    };
    let (format, mut rest) = args.split_first()?;
    let format: Vec<char> = format.chars().collect();
    let mut out = String::new();
    loop {
        let before = rest.len();
        if format_once(&format, &mut rest, &mut out)? {
            return Some(out);
        }
        if rest.is_empty() || rest.len() == before {
            return Some(out);
        }
        if out.len() > MAX_OUTPUT {
            return None;
        }
    }
}

/// Applies the format once, consuming arguments; `true` when `\c` ended the output.
fn format_once(format: &[char], rest: &mut &[String], out: &mut String) -> Option<bool> {
    let mut i = 0;
    while let Some(&c) = format.get(i) {
        if c == '\\' {
            let end = escape_end(format, i, Escapes::Format);
            let escape: String = format[i..end].iter().collect();
            let (text, stopped) = decode_escapes(&escape, Escapes::Format);
            out.push_str(&text);
            if stopped {
                return Some(true);
            }
            i = end;
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if format.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut left = false;
        let mut zero = false;
        while let Some(flag) = format
            .get(i)
            .filter(|f| matches!(f, '-' | '+' | ' ' | '#' | '0'))
        {
            left |= *flag == '-';
            zero |= *flag == '0';
            i += 1;
        }
        let width = digits(format, &mut i);
        let precision = (format.get(i) == Some(&'.')).then(|| {
            i += 1;
            digits(format, &mut i).unwrap_or(0)
        });
        let conversion = *format.get(i)?;
        i += 1;
        let arg = match rest.split_first() {
            Some((arg, more)) => {
                *rest = more;
                Some(arg.as_str())
            }
            None => None,
        };
        let mut stopped = false;
        let mut text = match conversion {
            's' => arg.unwrap_or_default().to_owned(),
            'b' => {
                let (text, stop) = decode_escapes(arg.unwrap_or_default(), Escapes::Both);
                stopped = stop;
                text
            }
            'c' => arg
                .and_then(|a| a.chars().next())
                .map(String::from)
                .unwrap_or_default(),
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let n: i64 = match arg {
                    None | Some("") => 0,
                    Some(a) => a.trim().parse().ok()?,
                };
                match conversion {
                    'x' => format!("{n:x}"),
                    'X' => format!("{n:X}"),
                    'o' => format!("{n:o}"),
                    _ => n.to_string(),
                }
            }
            _ => return None,
        };
        if let Some(p) = precision.filter(|_| matches!(conversion, 's' | 'b')) {
            text = text.chars().take(p).collect();
        }
        let pad = width.unwrap_or(0).saturating_sub(text.chars().count());
        if pad > MAX_OUTPUT {
            return None;
        }
        let fill = if zero && !left && !matches!(conversion, 's' | 'b' | 'c') {
            "0"
        } else {
            " "
        };
        if left {
            text.push_str(&" ".repeat(pad));
        } else {
            text = fill.repeat(pad) + &text;
        }
        out.push_str(&text);
        if stopped {
            return Some(true);
        }
    }
    Some(false)
}

fn digits(format: &[char], i: &mut usize) -> Option<usize> {
    let start = *i;
    while format.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    if *i == start {
        return None;
    }
    format[start..*i].iter().collect::<String>().parse().ok()
}

/// How a command reads octal escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escapes {
    /// `printf`'s format and `$'...'`: `\NNN`, one to three digits.
    Format,
    /// `echo -e`: `\0NNN` only.
    Echo,
    /// `printf %b`: both `\0NNN` and `\NNN`.
    Both,
    /// `$'...'`: as `printf`'s format, with `\?` and `\cX` (a control character).
    AnsiC,
}

/// Where the escape starting at `format[i] == '\\'` ends.
fn escape_end(format: &[char], i: usize, mode: Escapes) -> usize {
    let Some(&kind) = format.get(i + 1) else {
        return i + 1;
    };
    let max = match kind {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        '0' if matches!(mode, Escapes::Echo | Escapes::Both) => 4,
        '1'..='7' if mode == Escapes::Echo => return i + 2,
        '0'..='7' => 3,
        _ => return i + 2,
    };
    let radix = if matches!(kind, 'x' | 'u' | 'U') {
        16
    } else {
        8
    };
    let first_digit = if radix == 16 { i + 2 } else { i + 1 };
    let mut end = first_digit;
    while end < format.len() && end - first_digit < max && format[end].is_digit(radix) {
        end += 1;
    }
    end
}

/// Decodes backslash escapes as `printf`, `echo -e` or `%b` do (`mode`); `true` when `\c` ends
/// the output.
pub(super) fn decode_escapes(text: &str, mode: Escapes) -> (String, bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&kind) = chars.get(i + 1) else {
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
            '\\' => Some('\\'),
            '"' | '\'' if matches!(mode, Escapes::Format | Escapes::AnsiC) => Some(kind),
            '?' if mode == Escapes::AnsiC => Some('?'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            i += 2;
            continue;
        }
        if kind == 'c' && mode == Escapes::AnsiC {
            // `\cX`: the control character X & 0x1f.
            if let Some(&x) = chars.get(i + 2) {
                out.push(char::from(u8::try_from(u32::from(x) & 0x1f).unwrap_or(0)));
            }
            i += 3;
            continue;
        }
        if kind == 'c' {
            return (out, true);
        }
        if mode == Escapes::Echo && matches!(kind, '1'..='7') {
            out.push('\\');
            out.push(kind);
            i += 2;
            continue;
        }
        let end = escape_end(&chars, i, mode);
        let radix = if matches!(kind, 'x' | 'u' | 'U') {
            16
        } else {
            8
        };
        let first_digit = if radix == 16 { i + 2 } else { i + 1 };
        let digits: String = chars[first_digit..end].iter().collect();
        match u32::from_str_radix(&digits, radix)
            .ok()
            .and_then(char::from_u32)
        {
            Some(decoded) if !digits.is_empty() => {
                out.push(decoded);
                i = end;
            }
            _ => {
                out.push('\\');
                out.push(kind);
                i += 2;
            }
        }
    }
    (out, false)
}

/// `tr FROM TO` (or `tr -d FROM` with `to` absent) for plain sets and ranges.
fn translate(input: &str, from: &str, to: Option<&str>) -> Option<String> {
    let from = tr_set(from)?;
    let out = match to {
        None => input.chars().filter(|c| !from.contains(c)).collect(),
        Some(to) => {
            let to = tr_set(to)?;
            let last = *to.last()?;
            input
                .chars()
                .map(|c| {
                    from.iter()
                        .rposition(|f| *f == c)
                        .map_or(c, |i| to.get(i).copied().unwrap_or(last))
                })
                .collect()
        }
    };
    Some(out)
}

fn tr_set(spec: &str) -> Option<Vec<char>> {
    if spec.contains("[:") || spec.contains("[=") || spec.contains('*') {
        return None;
    }
    let (decoded, _) = decode_escapes(spec, Escapes::Format);
    let chars: Vec<char> = decoded.chars().collect();
    let mut set = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i + 1) == Some(&'-') && i + 2 < chars.len() {
            let (a, b) = (chars[i], chars[i + 2]);
            if a > b || (b as u32 - a as u32) > 1024 {
                return None;
            }
            set.extend((a..=b).collect::<Vec<_>>());
            i += 3;
        } else {
            set.push(chars[i]);
            i += 1;
        }
    }
    Some(set)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).ok()?);
        }
    }
    Some(out)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn printf_formats_like_bash() {
        assert_eq!(printf(&words(&[r"\162\155"])).unwrap(), "rm");
        assert_eq!(printf(&words(&[r"\x72m"])).unwrap(), "rm");
        assert_eq!(printf(&words(&["%s\\n", "a", "b"])).unwrap(), "a\nb\n");
        assert_eq!(printf(&words(&["%b", r"\0162m"])).unwrap(), "rm");
        assert_eq!(printf(&words(&["%b", r"\162m"])).unwrap(), "rm");
        assert_eq!(printf(&words(&["%c%c", "rx", "m"])).unwrap(), "rm");
        assert_eq!(
            printf(&words(&["%3d|%-3s|", "7", "a"])).unwrap(),
            "  7|a  |"
        );
        assert!(printf(&words(&["%q", "x"])).is_none());
    }

    #[test]
    fn echo_reads_escapes_only_when_told() {
        assert_eq!(echo(&words(&["-n", "rm"])).unwrap(), "rm");
        assert_eq!(echo(&words(&["-e", r"\x72m"])).unwrap(), "rm\n");
        assert_eq!(echo(&words(&["-e", r"\162|\0162"])).unwrap(), "\\162|r\n");
        assert_eq!(echo(&words(&["-E", r"\x72m"])).unwrap(), "\\x72m\n");
        assert!(echo(&words(&[r"\x72m"])).is_none());
    }

    #[test]
    fn decodes_base64_and_hex() {
        assert_eq!(base64_decode("cm0gLXJmIH4=").unwrap(), b"rm -rf ~");
        assert_eq!(hex_decode("726d").unwrap(), b"rm");
        assert_eq!(translate("nz", "a-z", Some("n-za-m")).unwrap(), "am");
    }
}
