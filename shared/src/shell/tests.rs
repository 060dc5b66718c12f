//! Unit tests of the shell reader.

use super::*;

fn effective(line: &str) -> Vec<Vec<String>> {
    parse(line)
        .unwrap()
        .into_iter()
        .map(|c| c.effective)
        .collect()
}

fn has(line: &str, words: &[&str]) -> bool {
    effective(line).iter().any(|e| e == words)
}

#[test]
fn splits_lists_and_pipelines() {
    let got = effective("ls -la && git status; echo hi | wc -l || true &");
    assert_eq!(got.len(), 5);
    assert_eq!(got[0], ["ls", "-la"]);
    assert_eq!(got[4], ["true"]);
}

#[test]
fn text_drops_assignments_and_normalises_space() {
    let commands = parse("FOO=1  BAR=\"x y\"   npm   run  test").unwrap();
    assert_eq!(commands[0].text, "npm run test");
    assert_eq!(commands[0].argv, ["npm", "run", "test"]);
}

#[test]
fn removes_quotes_and_escapes_from_names() {
    assert!(has("r''m -rf /", &["rm", "-rf", "/"]));
    assert!(has(r"r\m -rf /", &["rm", "-rf", "/"]));
    assert!(has(r"\rm -rf /", &["rm", "-rf", "/"]));
    assert!(has("$'\\x72m' -rf /", &["rm", "-rf", "/"]));
    assert!(has("/bin/rm -rf /", &["rm", "-rf", "/"]));
}

#[test]
fn strips_wrappers() {
    let commands =
        parse("sudo -E -u root env -i FOO=1 nice -n 5 timeout -s KILL 10 rm -rf /").unwrap();
    assert_eq!(commands[0].effective, ["rm", "-rf", "/"]);
    assert_eq!(commands[0].wrappers, ["sudo", "env", "nice", "timeout"]);
    assert!(has("/usr/bin/env rm -rf /", &["rm", "-rf", "/"]));
    assert!(has("env -S 'rm -rf' /", &["rm", "-rf", "/"]));
    assert!(has("command -v rm", &["command", "-v", "rm"]));
    assert!(has(
        "stdbuf -o0 ionice -c3 nohup chroot /mnt busybox rm -rf /x",
        &["rm", "-rf", "/x"]
    ));
}

#[test]
fn finds_nested_commands() {
    assert!(has("sudo -E bash -c \"rm -rf /\"", &["rm", "-rf", "/"]));
    assert!(has("bash -lc 'cd / && rm -rf *'", &["rm", "-rf", "*"]));
    assert!(has("echo $(rm -rf /)", &["rm", "-rf", "/"]));
    assert!(has("echo `rm -rf /`", &["rm", "-rf", "/"]));
    assert!(has("diff <(rm -rf /) x", &["rm", "-rf", "/"]));
    assert!(has("eval 'rm -rf /'", &["rm", "-rf", "/"]));
    assert!(has("bash <<EOF\nrm -rf /\nEOF", &["rm", "-rf", "/"]));
    assert!(has("sh <<< 'rm -rf /'", &["rm", "-rf", "/"]));
    assert!(has("echo 'rm -rf /' | sh", &["rm", "-rf", "/"]));
    assert!(has("find / -exec rm -rf {} +", &["rm", "-rf", "{}"]));
    assert!(has("ls | xargs -0 -n 1 rm -rf", &["rm", "-rf"]));
    assert!(has("watch -n 1 'rm -rf /'", &["rm", "-rf", "/"]));
    assert!(has("f() { rm -rf /; }; f", &["rm", "-rf", "/"]));
    assert!(has(
        "if true; then for x in a; do rm -rf /; done; fi",
        &["rm", "-rf", "/"]
    ));
    assert!(has("X=$(rm -rf /)", &["rm", "-rf", "/"]));
    assert!(has("cat <<EOF\n$(rm -rf /)\nEOF", &["rm", "-rf", "/"]));
}

#[test]
fn resolves_simple_computed_names() {
    assert!(has("$(echo rm) -rf /", &["rm", "-rf", "/"]));
    assert!(has("X=rm; $X -rf /", &["rm", "-rf", "/"]));
    let commands = parse("$CMD -rf /").unwrap();
    assert!(commands[0].dynamic_name);
    let commands = parse("${X}rm -rf /").unwrap();
    assert!(commands[0].dynamic_name);
}

#[test]
fn home_is_a_tilde() {
    assert!(has("rm -rf \"$HOME\"", &["rm", "-rf", "~"]));
    assert!(has("rm -rf ${HOME}/x", &["rm", "-rf", "~/x"]));
}

#[test]
fn heredoc_to_a_file_is_data() {
    let commands = parse("cat > notes.md <<'EOF'\nrm -rf /\nEOF").unwrap();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].effective, ["cat"]);
    assert_eq!(commands[0].stdin_text.as_deref(), Some("rm -rf /\n"));
    assert_eq!(commands[0].redirects[0].target, "notes.md");
}

#[test]
fn records_redirects_and_pipeline_positions() {
    let commands = parse("curl -s x | sudo bash > /dev/null 2>&1").unwrap();
    assert_eq!(commands[1].stage, 1);
    assert_eq!(commands[1].stages, 2);
    assert_eq!(commands[1].redirects[0].kind, RedirectKind::Write);
    assert_eq!(commands[1].redirects[0].target, "/dev/null");
}

#[test]
fn bad_syntax_is_an_error() {
    assert!(parse("echo 'unterminated").is_err());
    assert!(parse("if true; then").is_err());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}x{}", "$(".repeat(10_000), ")".repeat(10_000));
    assert!(parse(&deep).is_err());
    let deep_if = "if true; then ".repeat(5_000);
    assert!(parse(&deep_if).is_err());
    let nested_eval = format!("{}rm -rf /", "eval ".repeat(20));
    assert!(parse(&nested_eval).is_err());
    let ok = format!("{}x{}", "$(".repeat(8), ")".repeat(8));
    assert!(parse(&ok).is_ok());
}

#[test]
fn long_input_is_an_error() {
    let dense = "echo hello && ".repeat(MAX_DENSE_BYTES / 10) + "true";
    assert!(parse(&dense).is_err());
    let body = "a line of text that is only data\n".repeat(MAX_DENSE_BYTES / 8);
    assert!(parse(&format!("cat > big.txt <<'EOF'\n{body}EOF\n")).is_ok());
    let quoted = format!("echo '{}'", "x".repeat(MAX_DENSE_BYTES * 2));
    assert!(parse(&quoted).is_ok());
    let huge = format!("echo '{}'", "x".repeat(MAX_INPUT_BYTES));
    assert!(parse(&huge).is_err());
}

#[test]
fn spaced_double_parentheses_are_subshells() {
    assert!(has("( ( rm -rf / ) )", &["rm", "-rf", "/"]));
    assert!(has("$( ( (rm -rf /) ) )", &["rm", "-rf", "/"]));
    assert!(has("echo $( (rm -rf /) )", &["rm", "-rf", "/"]));
    assert!(has("echo $((1+2))", &["echo", "$((1+2))"]));
}

#[test]
fn spaced_parentheses_read_as_subshells_not_only_arithmetic() {
    // Bash runs these as nested subshells; the parser reads them as `((...))` and `$((...))`.
    assert!(has("( ( rm -rf / ) )", &["rm", "-rf", "/"]));
    assert!(has("$( ( (rm -rf /) ) )", &["rm", "-rf", "/"]));
    assert!(has(
        "echo $( ( git reset --hard ) )",
        &["git", "reset", "--hard"]
    ));
    // Real arithmetic still parses and is not lost.
    assert!(parse("(( i += 1 ))").is_ok());
    assert!(has("echo $(( 2 * 3 ))", &["echo", "$(( 2 * 3 ))"]));
}

#[test]
fn descriptor_numbers_too_large_for_the_parser_are_refused_not_a_panic() {
    // Found by fuzzing: brush-parser unwraps the descriptor's conversion to i32.
    assert!(parse("4444444444444<~4").is_err());
    assert!(parse("echo x 99999999999>out").is_err());
    assert!(parse("echo x 2>/dev/null").is_ok());
    assert!(parse("echo 4444444444444 > out").is_ok());
    assert!(parse("cat a44444444444444<in").is_ok());
    // Also found by fuzzing: a directory-stack index after `~`.
    assert!(parse("=&>> ~7777777777000000000000 ~777>&777").is_err());
    assert!(parse("cd ~-99999999999").is_err());
    assert!(parse("cd ~2 && ls ~/src").is_ok());
}

/// `line` is refused before parsing, with a message holding `why`: not merely a parse error,
/// which the parser would reach only after the time the refusal saves.
fn assert_refused(line: &str, why: &str) {
    match parse(line) {
        Err(error) => assert!(error.to_string().contains(why), "{line:?}: {error}"),
        Ok(_) => panic!("{line:?} was read"),
    }
}

#[test]
fn stacked_open_parentheses_are_refused_before_parsing() {
    // Found by fuzzing: the parser's time grows fourfold with each `(` that follows another and
    // is still open (`((,` 14 times takes 4.5 s in a release build), so more than the limit is
    // an error, decided at once.
    assert_refused(&format!("{}/", "(".repeat(40)), "right after another `(`");
    assert_refused(
        &format!("{}/", "(".repeat(MAX_STACKED_PARENS + 2)),
        "right after another `(`",
    );
    assert_refused(
        &"((,".repeat(MAX_STACKED_PARENS + 1),
        "right after another `(`",
    );
    assert_refused(
        &"( (,".repeat(MAX_STACKED_PARENS + 1),
        "right after another `(`",
    );
    assert_refused(
        &"{ ((".repeat(MAX_STACKED_PARENS + 1),
        "right after another `(`",
    );
    assert_refused(
        "(((((((,(((&((((((((,(((((((,(((&((()",
        "right after another `(`",
    );
    // Arithmetic and ordinary nesting stay readable.
    assert!(parse("(( i += 1 ))").is_ok());
    assert!(parse("echo $(( (1 + 2) * 3 ))").is_ok());
    assert!(parse("echo $(( $(( 1 + 2 )) * $(( (3) )) ))").is_ok());
    assert!(parse("echo '((((((((((((((('").is_ok());
    assert!(parse(&format!("{}true", "((1)) && ".repeat(20))).is_ok());
    assert!(parse(&"(cd a && (make)); ".repeat(20)).is_ok());
    let spaced = format!("{}ls{}", "( ".repeat(6), " )".repeat(6));
    assert!(parse(&spaced).is_ok());
}

#[test]
fn a_here_document_without_a_delimiter_is_refused_before_parsing() {
    // Found by fuzzing: the parser loops without end, allocating gigabytes, on a here-document
    // with no delimiter word, or an empty one, inside `$(` or `(`.
    for line in [
        "$(t <<\t\t",
        "z]\"<$(t\t~<<\t\t1e~<<\t\t",
        "$chgr zg\"<$(t\t~<<\t\t",
        "$( (t << ;)",
        "$( (t << ( ;)",
        "x=$(t <<-'' ",
        "{ t <<\"\"\t",
        "$((t <<\"\" ) )",
        "cat <<",
        "cat << ;",
    ] {
        assert_refused(line, "without a delimiter word");
    }
    assert!(parse("cat <<EOF\nhi\nEOF").is_ok());
    assert!(parse("cat <<- 'EOF'\n\thi\n\tEOF").is_ok());
    assert!(parse("cat <<< \"\"").is_ok());
    assert!(parse("cat <<<''").is_ok());
    assert!(parse("echo $(( 1 << 2 )) $(( 1 << (n) ))").is_ok());
    assert!(parse("(( x <<= 2 ))").is_ok());
    assert!(parse("echo 'a <<'").is_ok());
}

#[test]
fn a_bare_carriage_return_is_refused_before_parsing() {
    // Found by fuzzing: the parser never returns on `x<<` followed by a carriage return and a
    // tab.
    assert!(parse("\tthrme~<<\r\t\t").is_err());
    assert!(parse("x<<\r\t").is_err());
    assert!(parse("ls\r\n").is_ok());
    assert!(parse("echo 'a\\rb'").is_ok());
}
