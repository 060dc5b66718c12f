//! Scripts on disk that a command runs (`bash fix.sh`, `./fix.sh`, `python3 fix.py`, `make`):
//! their text, as a Bash line the gate reads like the agent's own, so that a script written in
//! one call and run in the next is judged by what it does.

use std::path::{Path, PathBuf};

use crate::shell::Command;

/// The most bytes of a script read.
const MAX_SCRIPT: u64 = 256 * 1024;

/// The Bash lines the scripts `command` runs amount to: a shell script's text, an
/// interpreter's file as its inline form (`python3 -c '...'`), a makefile's recipe lines.
pub(super) fn run_by(command: &Command, cwd: Option<&Path>) -> Vec<String> {
    let Some(program) = command.program() else {
        return Vec::new();
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    let args = command.effective.get(1..).unwrap_or_default();
    let first_operand = || args.iter().find(|a| !a.starts_with('-')).cloned();
    let inline = args
        .iter()
        .any(|a| matches!(a.as_str(), "-c" | "-e" | "-m" | "--eval" | "-E"));
    let mut out = Vec::new();
    match name {
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "source" | "." if !inline => {
            if let Some(text) = first_operand().and_then(|f| read(&f, cwd)) {
                out.push(text);
            }
        }
        "python" | "python2" | "python3" | "node" | "nodejs" | "ruby" | "perl" | "bun" | "deno"
            if !inline =>
        {
            let file = args
                .iter()
                .find(|a| !a.starts_with('-') && *a != "run")
                .cloned();
            if let Some(text) = file.and_then(|f| read(&f, cwd)) {
                out.push(inline_form(name, &text));
            }
        }
        "make" | "gmake" => {
            let dir = option(args, "-C")
                .map_or_else(|| cwd.map(Path::to_path_buf), |d| Some(place(&d, cwd)));
            let files = option(args, "-f").map_or_else(
                || vec!["GNUmakefile".into(), "makefile".into(), "Makefile".into()],
                |f| vec![f],
            );
            for file in files {
                if let Some(text) = read(&file, dir.as_deref()) {
                    out.push(recipes(&text));
                    break;
                }
            }
        }
        _ if program.contains('/') => {
            if let Some(text) = read(program, cwd) {
                let shebang = text.lines().next().unwrap_or_default();
                let interpreter = ["python", "node", "ruby", "perl"]
                    .into_iter()
                    .find(|i| shebang.starts_with("#!") && shebang.contains(i));
                out.push(match interpreter {
                    Some(i) => inline_form(i, &text),
                    None => text,
                });
            }
        }
        _ => {}
    }
    out
}

/// The value of a short option (`-f FILE`, `-fFILE`).
fn option(args: &[String], flag: &str) -> Option<String> {
    args.iter().enumerate().find_map(|(i, a)| {
        if a == flag {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix(flag)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        }
    })
}

fn place(file: &str, cwd: Option<&Path>) -> PathBuf {
    match cwd {
        Some(dir) if !Path::new(file).is_absolute() => dir.join(file),
        _ => PathBuf::from(file),
    }
}

/// A regular file's text, when it is small enough to read whole.
fn read(file: &str, cwd: Option<&Path>) -> Option<String> {
    let path = place(file, cwd);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SCRIPT {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// An interpreter's file as the inline form the classifier reads (`python3 -c '<code>'`).
fn inline_form(interpreter: &str, code: &str) -> String {
    let flag = if interpreter.starts_with("python") {
        "-c"
    } else {
        "-e"
    };
    let program = if interpreter.starts_with("python") {
        "python3"
    } else {
        interpreter
    };
    format!("{program} {flag} '{}'", code.replace('\'', "'\\''"))
}

/// A makefile's recipe lines (tab-indented, without `@`, `-` and `+`), one command line.
fn recipes(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.strip_prefix('\t'))
        .map(|l| l.trim_start_matches(['@', '-', '+']).replace("$$", "$"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_are_the_tab_indented_lines() {
        assert_eq!(
            recipes("all:\n\t@rm -rf x\n\techo $$HOME\n"),
            "rm -rf x\necho $HOME"
        );
    }

    #[test]
    fn code_is_quoted_for_its_interpreter() {
        assert_eq!(
            inline_form("python", "print('a')"),
            "python3 -c 'print('\\''a'\\'')'"
        );
        assert_eq!(inline_form("node", "x"), "node -e 'x'");
    }
}
