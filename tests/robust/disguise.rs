//! Meaning-preserving disguises of a shell command line: rewrites after which bash still runs
//! the same programs on the same arguments. Each returns `None` where it would not preserve the
//! meaning (a wrapper before a builtin, a suffix after a heredoc), so every generated case is a
//! fair one; `meaning_preservation` in `metamorphic.rs` checks that claim by running disguised
//! probes through bash.

use super::rng::Rng;

/// One rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Disguise {
    /// `sudo X`.
    Sudo,
    /// `doas X`.
    Doas,
    /// `env X`.
    Env,
    /// `command X`.
    Command,
    /// `nice X`.
    Nice,
    /// `timeout 10 X`.
    Timeout,
    /// `VAR=1 X`.
    Assignment,
    /// `bash -c 'X'`, single quotes escaped.
    BashC,
    /// `sh -c "X"`, double-quote specials escaped.
    ShC,
    /// `$( X )`: runs X, then runs its (empty) output.
    CommandSubstitution,
    /// `` `X` ``.
    Backticks,
    /// `true && X`.
    TrueAnd,
    /// `X; true`.
    ThenTrue,
    /// `X | cat`.
    PipeCat,
    /// `( X )`.
    Subshell,
    /// `{ X; }`.
    Group,
    /// `rm 2>/dev/null -rf /`: a redirection between the command name and its arguments.
    RedirectBetweenWords,
    /// `r''m`.
    EmptyQuotesInName,
    /// `\rm`.
    BackslashName,
    /// `"rm"`.
    QuotedName,
    /// `/bin/rm`.
    AbsolutePath,
    /// Runs of spaces and tabs between words.
    ExtraWhitespace,
    /// A backslash-newline between words.
    LineContinuation,
}

impl Disguise {
    /// Every disguise.
    pub(crate) const ALL: &[Self] = &[
        Self::Sudo,
        Self::Doas,
        Self::Env,
        Self::Command,
        Self::Nice,
        Self::Timeout,
        Self::Assignment,
        Self::BashC,
        Self::ShC,
        Self::CommandSubstitution,
        Self::Backticks,
        Self::TrueAnd,
        Self::ThenTrue,
        Self::PipeCat,
        Self::Subshell,
        Self::Group,
        Self::RedirectBetweenWords,
        Self::EmptyQuotesInName,
        Self::BackslashName,
        Self::QuotedName,
        Self::AbsolutePath,
        Self::ExtraWhitespace,
        Self::LineContinuation,
    ];

    /// The disguises a harmless command may wear without becoming a reason to deny it: the
    /// purely syntactic ones. Privilege wrappers and running a command's output are left out.
    pub(crate) const HARMLESS: &[Self] = &[
        Self::Env,
        Self::Command,
        Self::Nice,
        Self::Timeout,
        Self::Assignment,
        Self::BashC,
        Self::ShC,
        Self::TrueAnd,
        Self::ThenTrue,
        Self::PipeCat,
        Self::Subshell,
        Self::Group,
        Self::RedirectBetweenWords,
        Self::EmptyQuotesInName,
        Self::BackslashName,
        Self::QuotedName,
        Self::AbsolutePath,
        Self::ExtraWhitespace,
        Self::LineContinuation,
    ];

    /// A short name for reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sudo => "sudo",
            Self::Doas => "doas",
            Self::Env => "env",
            Self::Command => "command",
            Self::Nice => "nice",
            Self::Timeout => "timeout",
            Self::Assignment => "VAR=1",
            Self::BashC => "bash -c",
            Self::ShC => "sh -c",
            Self::CommandSubstitution => "$(...)",
            Self::Backticks => "backticks",
            Self::TrueAnd => "true &&",
            Self::ThenTrue => "; true",
            Self::PipeCat => "| cat",
            Self::Subshell => "( )",
            Self::Group => "{ ; }",
            Self::RedirectBetweenWords => "redirect between words",
            Self::EmptyQuotesInName => "r''m",
            Self::BackslashName => "\\rm",
            Self::QuotedName => "\"rm\"",
            Self::AbsolutePath => "/bin/rm",
            Self::ExtraWhitespace => "whitespace",
            Self::LineContinuation => "line continuation",
        }
    }

    /// The disguised line, or `None` where this disguise would change what `line` does.
    pub(crate) fn apply(self, line: &str, rng: &mut Rng) -> Option<String> {
        let head = Head::of(line);
        let external = head.as_ref().filter(|h| h.is_external());
        match self {
            Self::Sudo => external.map(|_| format!("sudo {line}")),
            Self::Doas => external.map(|_| format!("doas {line}")),
            Self::Env => external.map(|_| format!("env {line}")),
            Self::Command => external.map(|_| format!("command {line}")),
            Self::Nice => external.map(|_| format!("nice {line}")),
            Self::Timeout => external.map(|_| format!("timeout 10 {line}")),
            Self::Assignment => head
                .is_some()
                .then(|| format!("{}=1 {line}", rng.pick(&["HOOKKIT_T", "LC_ALL", "X"]))),
            Self::BashC => Some(format!("bash -c {}", single_quoted(line))),
            Self::ShC => Some(format!("sh -c {}", double_quoted(line))),
            Self::CommandSubstitution => Some(format!("$( {line} )")),
            Self::Backticks => (!line.contains(['`', '\\'])).then(|| format!("`{line}`")),
            Self::TrueAnd => Some(format!("true && {line}")),
            Self::ThenTrue => ends_cleanly(line).then(|| format!("{line}; true")),
            Self::PipeCat => ends_cleanly(line).then(|| format!("{line} | cat")),
            Self::Subshell => Some(format!("( {line} )")),
            Self::Group => ends_cleanly(line).then(|| format!("{{ {line}; }}")),
            Self::RedirectBetweenWords => {
                let head = head?;
                let rest = &line[head.end..];
                let next = rest.trim_start_matches([' ', '\t']);
                let argument_follows = next.len() < rest.len()
                    && !next.is_empty()
                    && !next.starts_with(OPERATOR_START)
                    && !next.starts_with(['\n', '#']);
                argument_follows.then(|| {
                    let redirection = rng.pick(&["2>/dev/null", "</dev/null", "2>>/dev/null"]);
                    format!("{} {redirection} {next}", &line[..head.end])
                })
            }
            Self::EmptyQuotesInName => {
                let head = head?;
                let name = head.name(line);
                let cut = name.char_indices().nth(1)?.0;
                let quotes = rng.pick(&["''", "\"\""]);
                Some(head.replace(line, &format!("{}{quotes}{}", &name[..cut], &name[cut..])))
            }
            Self::BackslashName => head.map(|h| h.replace(line, &format!("\\{}", h.name(line)))),
            Self::QuotedName => {
                let head = head?;
                let quote = rng.pick(&["'", "\""]);
                Some(head.replace(line, &format!("{quote}{}{quote}", head.name(line))))
            }
            Self::AbsolutePath => {
                let head = external?;
                let name = head.name(line);
                (!name.contains('/')).then(|| head.replace(line, &absolute_path(name)))
            }
            Self::ExtraWhitespace => {
                let spots = boundaries(line)?;
                let at = *rng.pick(&spots);
                let run = rng.pick(&["  ", "\t", " \t ", "    "]);
                let padded = format!("{}{run}{}", &line[..at], &line[at..]);
                Some(if rng.below(2) == 0 {
                    format!("  {padded} ")
                } else {
                    padded
                })
            }
            Self::LineContinuation => {
                let spots = boundaries(line)?;
                let at = *rng.pick(&spots);
                Some(format!("{}\\\n  {}", &line[..at], &line[at..]))
            }
        }
    }
}

/// Characters that start an operator rather than a word.
const OPERATOR_START: &[char] = &['|', '&', ';', '<', '>', '(', ')'];

/// Words that begin a compound command: nothing may be put in front of them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "function", "select", "time", "!", "[[", "]]", "{", "}", "coproc",
];

/// Builtins that a wrapper (`sudo`, `env`, `nice`, ...) cannot run, or runs with another
/// meaning, and that have no binary for an absolute path.
const BUILTINS: &[&str] = &[
    "cd", "export", "set", "unset", "source", ".", "eval", "exec", "alias", "unalias", "declare",
    "typeset", "local", "readonly", "shopt", "ulimit", "umask", "trap", "builtin", "let", "return",
    "exit", "break", "continue", "shift", "wait", "jobs", "fg", "bg", "disown", "read", "hash",
    "history", "command", "type",
];

/// The first word of a line when it is a plain command name: a word the disguises of the name
/// and the prefix wrappers can work on.
#[derive(Debug, Clone, Copy)]
struct Head {
    start: usize,
    end: usize,
    external: bool,
}

impl Head {
    fn of(line: &str) -> Option<Self> {
        let start = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = &line[start..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_-./+:".contains(c)))
            .unwrap_or(rest.len());
        let name = &rest[..len];
        let ends_word = rest[len..].is_empty() || rest[len..].starts_with([' ', '\t', '\n']);
        let plain = !name.is_empty()
            && ends_word
            && !KEYWORDS.contains(&name)
            && name.chars().any(|c| c.is_ascii_alphanumeric());
        plain.then_some(Self {
            start,
            end: start + len,
            external: !BUILTINS.contains(&name) && !name.contains('='),
        })
    }

    fn name<'a>(&self, line: &'a str) -> &'a str {
        &line[self.start..self.end]
    }

    /// Whether a wrapper can run it: a program, not a builtin.
    fn is_external(&self) -> bool {
        self.external
    }

    fn replace(&self, line: &str, with: &str) -> String {
        format!("{}{with}{}", &line[..self.start], &line[self.end..])
    }
}

/// `name` under the directory its binary usually lives in.
fn absolute_path(name: &str) -> String {
    const IN_BIN: &[&str] = &[
        "rm", "mv", "cp", "dd", "chmod", "chown", "cat", "ls", "ln", "mkdir", "touch", "kill",
        "bash", "sh", "echo", "pwd", "date", "uname", "tar",
    ];
    if IN_BIN.contains(&name) {
        format!("/bin/{name}")
    } else {
        format!("/usr/bin/{name}")
    }
}

/// Whether text may follow the line (`; true`, `| cat`, `; }`): not after a comment, a heredoc,
/// a trailing `&` or an unfinished operator.
fn ends_cleanly(line: &str) -> bool {
    let end = line.trim_end();
    !line.contains('#')
        && !line.contains("<<")
        && !end.ends_with(['&', '|', ';', '\\'])
        && !end.is_empty()
}

/// `'...'` with each `'` written as `'\''`.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `"..."` with `\`, `"`, `$` and `` ` `` escaped, so the inner shell sees `text` verbatim.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Byte offsets just after each space or tab between top-level words (outside quotes,
/// `$(...)`, `${...}` and backticks), where more blanks or a line continuation change nothing.
/// `None` for lines where blanks can matter (heredocs, comments).
fn boundaries(line: &str) -> Option<Vec<usize>> {
    if line.contains("<<") || line.contains('#') {
        return None;
    }
    let mut spots = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut backtick = false;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"') | None, '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => quote = Some(c),
            (None, '`') => backtick = !backtick,
            (None, '$') if matches!(chars.peek(), Some((_, '(' | '{'))) => {
                chars.next();
                depth += 1;
            }
            (None, '(' | '{') if depth > 0 => depth += 1,
            (None, ')' | '}') if depth > 0 => depth -= 1,
            (None, ' ' | '\t') if depth == 0 && !backtick => {
                let next = chars.peek().map(|&(_, n)| n);
                if !matches!(next, Some(' ' | '\t') | None) {
                    spots.push(at + 1);
                }
            }
            _ => {}
        }
    }
    (!spots.is_empty()).then_some(spots)
}

/// A chain of one to three disguises applied in turn; `None` when none applied.
pub(crate) fn disguise(
    line: &str,
    allowed: &[Disguise],
    rng: &mut Rng,
) -> Option<(String, Vec<Disguise>)> {
    let wanted = 1 + rng.below(3);
    let mut current = line.to_owned();
    let mut applied = Vec::new();
    for _ in 0..wanted * 4 {
        if applied.len() == wanted {
            break;
        }
        let choice = *rng.pick(allowed);
        if let Some(next) = choice.apply(&current, rng) {
            current = next;
            applied.push(choice);
        }
    }
    (!applied.is_empty()).then_some((current, applied))
}
