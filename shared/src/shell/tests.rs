//! Unit tests of the shell reader.

use std::fmt::Write as _;

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
    assert!(has(
        "ls | xargs -0 -n 1 rm -rf",
        &["rm", "-rf", "[xargs input]"]
    ));
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

/// The first command whose effective words are `words`.
fn find(line: &str, words: &[&str]) -> Command {
    let commands = parse(line).unwrap();
    commands
        .iter()
        .find(|c| c.effective == words)
        .cloned()
        .unwrap_or_else(|| panic!("{line:?} does not run {words:?}: {commands:#?}"))
}

/// The commands whose program is `program`.
fn all_of(line: &str, program: &str) -> Vec<Command> {
    parse(line)
        .unwrap()
        .into_iter()
        .filter(|c| c.program() == Some(program))
        .collect()
}

fn changed(steps: &[&str]) -> Dir {
    Dir::Changed(steps.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn brace_expansion_in_command_words_is_done() {
    assert!(has("{rm,-rf,~}", &["rm", "-rf", "~"]));
    assert!(has("/bin/{r,}m -rf ~", &["rm", "/bin/m", "-rf", "~"]));
    assert!(has("r{m,} -rf /", &["rm", "r", "-rf", "/"]));
    assert!(has("echo x{1..3}", &["echo", "x1", "x2", "x3"]));
    // Quoted braces and `${` are not brace expansions.
    assert!(has(
        "echo '{a,b}' \"{c,d}\" ${HOME}",
        &["echo", "{a,b}", "{c,d}", "~"]
    ));
    // An assignment is not brace-expanded.
    assert!(has("x={rm,ls}; echo $x", &["echo", "{rm,ls}"]));
}

#[test]
fn a_brace_expansion_too_large_to_follow_stays_unresolved() {
    let command = &parse("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b} -rf /").unwrap()[0];
    assert!(command.dynamic_name);
    let command = &parse("rm -rf /x{1..100000}").unwrap()[0];
    assert!(command.is_dynamic(2));
}

#[test]
fn variables_assigned_earlier_are_followed() {
    assert!(has("c=r; c+=m; $c -rf ~", &["rm", "-rf", "~"]));
    assert!(has("c=rm; x=\"$c -rf\"; $x /", &["rm", "-rf", "/"]));
    assert!(has("a=r b=m; $a$b -rf /", &["rm", "-rf", "/"]));
    // A prefix assignment only reaches the command's environment.
    let command = find("X=rm $X -rf /", &["$X", "-rf", "/"]);
    assert!(command.dynamic_name);
    // What the line does not assign is the environment's: unknown.
    assert!(parse("$CMD -rf /").unwrap()[0].dynamic_name);
}

#[test]
fn ifs_splits_literal_values() {
    assert!(has("IFS=,; x=rm,-rf,$HOME; $x", &["rm", "-rf", "~"]));
    assert!(has("IFS=:; x=rm::/; $x", &["rm", "", "/"]));
    // Quoted, the value is one word.
    assert!(has("IFS=,; x=rm,-rf; \"$x\"", &["rm,-rf"]));
    // An unknown IFS leaves the split unknown.
    assert!(parse("IFS=$SEP; x=rm,-rf; $x /").unwrap()[0].dynamic_name);
}

#[test]
fn arrays_are_followed() {
    assert!(has("a=(rm -rf ~); \"${a[@]}\"", &["rm", "-rf", "~"]));
    assert!(has("a=(rm -rf ~); ${a[@]}", &["rm", "-rf", "~"]));
    assert!(has(
        "a=(rm -rf ~); ${a[0]} ${a[1]} ${a[-1]}",
        &["rm", "-rf", "~"]
    ));
    assert!(has("a=(rm); a+=(-rf /); \"${a[@]}\"", &["rm", "-rf", "/"]));
    assert!(has(
        "a=(x -rf /); a[0]=rm; \"${a[@]}\"",
        &["rm", "-rf", "/"]
    ));
    assert!(has("declare -a a=(rm -rf /); ${a[*]}", &["rm", "-rf", "/"]));
    assert!(has(
        "a=(rm -rf /); echo ${#a[@]} \"${a[*]}\"",
        &["echo", "3", "rm -rf /"]
    ));
}

#[test]
fn parameter_operations_on_known_values_are_computed() {
    assert!(has(
        "x=/home/dev; rm -rf \"${x%/*}\"",
        &["rm", "-rf", "/home"]
    ));
    assert!(has(
        "x=a/b/c; echo ${x#*/} ${x##*/} ${x%%/*}",
        &["echo", "b/c", "c", "a"]
    ));
    assert!(has("x=xm; ${x/x/r} -rf ~", &["rm", "-rf", "~"]));
    assert!(has(
        "x=xmxm; echo ${x//x/r} ${x/#x/r} ${x/%m/r}",
        &["echo", "rmrm", "rmxm", "xmxr"]
    ));
    assert!(has("x=RM; ${x,,} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=rm; ${x^^} ${x^}", &["RM", "Rm"]));
    assert!(has("x=RM; ${x@L} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x='\\162\\155'; ${x@E} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=xrmx; ${x:1:2} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=abcrm; ${x: -2} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=rm; echo ${#x}", &["echo", "2"]));
    assert!(has("y=x; x=rm; ${!y} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("unset x; ${x-rm} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=; ${x:-rm} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=1; ${x:+rm} -rf ~", &["rm", "-rf", "~"]));
    assert!(has("x=; : ${x:=rm}; $x -rf ~", &["rm", "-rf", "~"]));
    assert!(parse("${x:=rm}; $x -rf ~").unwrap()[1].dynamic_name);
    // The parameter is unknown: so is the result, whatever the default says.
    assert!(parse("${x:-ls} -rf ~").unwrap()[0].dynamic_name);
    // Words inside an expansion run their commands, used or not.
    assert!(has("x=1; echo ${x:-$(rm -rf /)}", &["rm", "-rf", "/"]));
    assert!(has("echo ${x%$(rm -rf /)}", &["rm", "-rf", "/"]));
}

#[test]
fn declared_attributes_change_what_is_stored() {
    assert!(has("declare -l c; c=RM; $c -rf ~", &["rm", "-rf", "~"]));
    assert!(has("typeset -u c=rm; echo $c", &["echo", "RM"]));
    // A readonly variable keeps its value.
    assert!(has("readonly x=rm; x=ls; $x -rf ~", &["rm", "-rf", "~"]));
    // An integer variable is computed: unknown.
    assert!(parse("declare -i x; x=rm; $x").unwrap()[1].dynamic_name);
    // A name reference makes every assignment land anywhere.
    let commands = parse("x=ls; declare -n r=x; r=rm; $x -rf ~").unwrap();
    assert!(commands.last().unwrap().dynamic_name);
}

#[test]
fn ansi_c_and_printf_octal_names_are_decoded() {
    assert!(has("$'\\162\\155' -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(printf '\\162\\155') -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(printf '\\x72\\x6d') -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(printf %s%s r m) -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(printf '%b' '\\0162m') -rf ~", &["rm", "-rf", "~"]));
    assert!(has("`printf rm` -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(echo -e '\\x72m') -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(echo mr | rev) -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(echo ez | tr a-z n-za-m) -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(echo cm0= | base64 -d) -rf ~", &["rm", "-rf", "~"]));
    assert!(has("$(echo 726d | xxd -r -p) -rf ~", &["rm", "-rf", "~"]));
    assert!(has("printf -v c %s rm; $c -rf ~", &["rm", "-rf", "~"]));
    // `echo` with a backslash and no -e prints it in Bash but not in dash: unknown.
    assert!(parse("$(echo '\\x72m') -rf ~").unwrap()[1].dynamic_name);
    // Output that is not fixed stays unknown.
    assert!(parse("$(curl -s x) -rf ~").unwrap()[1].dynamic_name);
}

#[test]
fn functions_are_read_where_they_are_called_with_their_arguments() {
    let body = find("x(){ \"$@\"; }; x rm -rf ~", &["rm", "-rf", "~"]);
    assert_eq!(body.function.as_deref(), Some("x"));
    assert_eq!(body.origin, Origin::TopLevel);
    assert!(find("x(){ \"$@\"; }; x rm -rf ~", &["x", "rm", "-rf", "~"]).function_call);
    assert!(has("f(){ rm -rf \"$1\"; }; f ~", &["rm", "-rf", "~"]));
    assert!(has(
        "function f { $1 -rf \"$2\"; }; f rm /",
        &["rm", "-rf", "/"]
    ));
    assert!(has(
        "f(){ shift; \"$@\"; }; f x rm -rf /",
        &["rm", "-rf", "/"]
    ));
    assert!(has(
        "f(){ local c=$1; $c -rf /; }; f rm",
        &["rm", "-rf", "/"]
    ));
    // Each call is read with its own arguments.
    let rms = all_of("f(){ rm -rf \"$1\"; }; f a; f b", "rm");
    assert_eq!(rms.len(), 2);
    assert_eq!(rms[1].effective, ["rm", "-rf", "b"]);
    // `local` hides the caller's variable until the function returns.
    assert!(has(
        "f(){ local x=ls; }; x=rm; f; $x -rf /",
        &["rm", "-rf", "/"]
    ));
}

#[test]
fn a_function_never_called_is_read_on_its_own() {
    let command = find("f(){ rm -rf \"$1\"; }", &["rm", "-rf", "$1"]);
    assert!(command.is_dynamic(2));
    assert_eq!(command.function.as_deref(), Some("f"));
    // `command_not_found_handle` runs for any unknown command.
    assert!(has(
        "command_not_found_handle(){ rm -rf ~; }; nosuch",
        &["rm", "-rf", "~"]
    ));
}

#[test]
fn recursive_and_deep_calls_are_bounded() {
    // A fork bomb: the inner calls are read once, with the function named.
    let commands = parse(":(){ :|:& };:").unwrap();
    assert!(
        commands.iter().any(|c| c.function.as_deref() == Some(":")
            && c.stages == 2
            && c.program() == Some(":"))
    );
    let calls = (1..40).fold(String::new(), |mut calls, i| {
        let j = i - 1;
        let _ = write!(calls, "f{i}(){{ f{j}; f{j}; }}; ");
        calls
    });
    let line = format!("f0(){{ rm -rf /; }}; {calls}f39");
    let commands = parse(&line).unwrap();
    assert!(commands.len() < MAX_COMMANDS);
    assert!(commands.iter().any(|c| c.effective == ["rm", "-rf", "/"]));
}

#[test]
fn aliases_are_read_as_what_they_stand_for() {
    let expanded = find("alias x='rm -rf'; x ~", &["rm", "-rf", "~"]);
    assert_eq!(expanded.origin, Origin::Nested("alias x".into()));
    // The command as Bash runs it without `expand_aliases` is kept too.
    assert!(has("alias x='rm -rf'; x ~", &["x", "~"]));
    assert!(has("alias ls='ls -la'; ls src", &["ls", "-la", "src"]));
    // `hash -p` makes a name run another program.
    assert!(has("hash -p /bin/rm ls; ls -rf /", &["rm", "-rf", "/"]));
}

#[test]
fn positional_parameters_are_followed() {
    assert!(has("set -- rm -rf ~; \"$@\"", &["rm", "-rf", "~"]));
    assert!(has("set rm -rf ~; $1 $2 $3", &["rm", "-rf", "~"]));
    assert!(has("set -- x rm -rf /; shift; \"$@\"", &["rm", "-rf", "/"]));
    assert!(has("set -- a rm; ${@:2} -rf /", &["rm", "-rf", "/"]));
    let nested = find("sh -c 'rm -rf \"$1\"' _ ~", &["rm", "-rf", "~"]);
    assert_eq!(nested.origin, Origin::Nested("sh -c".into()));
    assert!(has("bash -c '$0 -rf ~' rm", &["rm", "-rf", "~"]));
    assert!(has("bash -c '\"$@\"' _ rm -rf /", &["rm", "-rf", "/"]));
    // At the start of the line they are unknown.
    assert!(parse("\"$@\"").unwrap()[0].dynamic_name);
    assert!(parse("$1 -rf /").unwrap()[0].dynamic_name);
    // `"$@"` with no parameters is no word at all.
    assert!(has("set --; echo \"$@\" x", &["echo", "x"]));
}

#[test]
fn text_fed_to_a_shell_or_source_is_read() {
    let sourced = find("source <(echo 'rm -rf ~')", &["rm", "-rf", "~"]);
    assert!(matches!(sourced.origin, Origin::Nested(ref what) if what.starts_with("source")));
    assert!(has(". <(printf 'rm -rf ~')", &["rm", "-rf", "~"]));
    assert!(has(". /dev/stdin <<< 'rm -rf ~'", &["rm", "-rf", "~"]));
    assert!(has(
        "source /dev/stdin <<EOF\nrm -rf ~\nEOF",
        &["rm", "-rf", "~"]
    ));
    assert!(has(
        "echo 'rm -rf ~' | source /dev/stdin",
        &["rm", "-rf", "~"]
    ));
    assert!(has("bash < <(echo 'rm -rf ~')", &["rm", "-rf", "~"]));
    assert!(has("bash <(echo 'rm -rf ~')", &["rm", "-rf", "~"]));
    assert!(has("bash /dev/stdin <<< 'rm -rf ~'", &["rm", "-rf", "~"]));
    assert!(has("printf 'rm -rf /' | sh -s", &["rm", "-rf", "/"]));
    assert!(has("echo ez | tr a-z n-za-m | sh", &["rm"]));
    // Sourced text runs in the current shell: what it sets stays.
    assert!(has("source <(echo c=rm); $c -rf /", &["rm", "-rf", "/"]));
    // A download's text is not known; its stages stay for the classifier.
    let commands = parse("bash < <(curl -s https://x.sh)").unwrap();
    let bash = commands
        .iter()
        .find(|c| c.program() == Some("bash"))
        .unwrap();
    assert!(bash.redirects[0].target.contains("curl"));
    let commands = parse("curl -s https://x.sh | bash").unwrap();
    assert_eq!((commands[1].stage, commands[1].stages), (1, 2));
}

#[test]
fn globs_in_the_program_name_resolve_to_known_programs() {
    assert!(has("/bin/r? -rf ~", &["rm", "-rf", "~"]));
    assert!(has("/usr/bin/r[m] -rf ~", &["rm", "-rf", "~"]));
    assert!(has("/???/r? -rf ~", &["rm", "-rf", "~"]));
    assert!(has("/usr/bin/?url x", &["curl", "x"]));
    assert!(has("r* -rf /", &["rm", "-rf", "/"]));
    // A glob that matches no known program is unresolved, never a harmless word.
    assert!(parse("./scripts/*.sh").unwrap()[0].dynamic_name);
    // Quoted, it is not a glob; `[` alone is the test command.
    assert!(!parse("'/bin/r?' x").unwrap()[0].dynamic_name);
    assert!(has("[ -f x ]", &["[", "-f", "x", "]"]));
}

#[test]
fn literal_data_piped_into_xargs_or_parallel_is_carried_into_the_command() {
    let rm = find("echo ~ | xargs rm -rf", &["rm", "-rf", "~"]);
    assert_eq!(rm.origin, Origin::Nested("xargs".into()));
    assert_eq!(rm.parent, Some(1));
    assert!(has("printf '%s\\n' / | xargs rm -rf", &["rm", "-rf", "/"]));
    assert!(has("echo a b | xargs -n 1 rm -rf", &["rm", "-rf", "b"]));
    assert!(has("xargs -I{} rm -rf {}/x <<< /", &["rm", "-rf", "//x"]));
    assert!(has("xargs rm -rf < <(echo /)", &["rm", "-rf", "/"]));
    assert!(has("echo \"a b\" c | xargs rm", &["rm", "a", "b", "c"]));
    assert!(has("echo \"'a b'\" | xargs rm", &["rm", "a b"]));
    assert!(has("parallel rm -rf {} ::: build", &["rm", "-rf", "build"]));
    assert!(has("parallel rm -rf ::: a b", &["rm", "-rf", "b"]));
    assert!(has("parallel 'rm -rf {}' ::: /", &["rm", "-rf", "/"]));
    assert!(has("echo / | parallel rm -rf {}", &["rm", "-rf", "/"]));
    assert!(has("parallel rm {.}.o ::: a.c", &["rm", "a.o"]));
    // Unknown input: unresolved operands.
    let rm = find("ls | xargs -0 -n 1 rm -rf", &["rm", "-rf", "[xargs input]"]);
    assert!(rm.is_dynamic(2));
    let rm = find("ls | xargs -I{} rm -rf {}/x", &["rm", "-rf", "{}/x"]);
    assert!(rm.is_dynamic(2));
}

#[test]
fn loop_variables_take_their_values() {
    let rms = all_of("for d in a b; do rm -rf \"$d\"; done", "rm");
    assert_eq!(rms.len(), 2);
    assert_eq!(rms[0].effective, ["rm", "-rf", "a"]);
    assert_eq!(rms[1].effective, ["rm", "-rf", "b"]);
    // A glob stands for the files it names: the operand stays the glob.
    let rms = all_of("for i in *; do rm \"$i\"; done", "rm");
    assert_eq!(rms.len(), 1);
    assert_eq!(rms[0].effective, ["rm", "*"]);
    assert!(!rms[0].is_dynamic(1));
    assert!(has("for c in rm; do $c -rf /; done", &["rm", "-rf", "/"]));
    assert!(has(
        "set -- rm; for c; do $c -rf /; done",
        &["rm", "-rf", "/"]
    ));
    // Values that are not known, or too many, leave the variable unknown.
    assert!(parse("for c in $(ls); do $c -rf /; done").unwrap()[1].dynamic_name);
    let many = format!("for c in {}; do $c; done", "x ".repeat(MAX_LOOP_VALUES + 1));
    assert!(parse(&many).unwrap()[0].dynamic_name);
}

#[test]
fn a_loop_body_sees_what_earlier_iterations_changed() {
    // The second iteration runs `rm`.
    let commands = parse("x=ls; for f in *; do $x \"$f\"; x=rm; done").unwrap();
    assert!(commands.iter().any(|c| c.dynamic_name));
    let commands = parse("a=1; b=1; while c; do $a; a=$b; b=rm; done").unwrap();
    assert!(commands.iter().any(|c| c.dynamic_name));
    // Unrolled loops carry the state from one value to the next.
    assert!(has("x=ls; for i in 1 2; do $x /; x=rm; done", &["rm", "/"]));
}

#[test]
fn trap_actions_are_read() {
    let rm = find("trap 'rm -rf ~' EXIT; ls", &["rm", "-rf", "~"]);
    assert_eq!(rm.origin, Origin::Nested("trap".into()));
    assert!(has("trap -- 'rm -rf /' ERR INT", &["rm", "-rf", "/"]));
    assert!(has("(trap 'rm -rf /' EXIT; ls)", &["rm", "-rf", "/"]));
    // It runs when the shell ends: in the directory the line left it in, or any on the way.
    let rm = find("trap 'rm -rf x' EXIT; cd /tmp", &["rm", "-rf", "x"]);
    assert_eq!(rm.dir, Dir::Unknown);
    // Resetting or ignoring runs nothing.
    assert_eq!(parse("trap - EXIT; trap '' INT").unwrap().len(), 2);
}

#[test]
fn eval_of_assembled_strings_is_read() {
    assert!(has("x='rm -rf'; eval \"$x ~\"", &["rm", "-rf", "~"]));
    assert!(has("eval r\"\"m -rf /", &["rm", "-rf", "/"]));
    assert!(has("a=r; b=m; eval $a$b -rf /", &["rm", "-rf", "/"]));
    // eval runs in the current shell.
    assert!(has("eval c=rm; $c -rf /", &["rm", "-rf", "/"]));
}

#[test]
fn read_from_a_known_text_assigns_its_words() {
    assert!(has("read c <<< rm; $c -rf ~", &["rm", "-rf", "~"]));
    assert!(has("read a b <<< 'rm -rf /'; $a $b", &["rm", "-rf", "/"]));
    assert!(has(
        "read -a w <<< 'rm -rf /'; \"${w[@]}\"",
        &["rm", "-rf", "/"]
    ));
    assert!(parse("read c; $c -rf ~").unwrap()[1].dynamic_name);
    // In a pipeline `read` runs in a subshell: nothing is assigned.
    assert!(parse("echo rm | read c; $c -rf /").unwrap()[2].dynamic_name);
}

#[test]
fn arithmetic_assignments_make_variables_unknown() {
    assert!(
        parse("x=rm; ((x=1)); $x")
            .unwrap()
            .last()
            .unwrap()
            .dynamic_name
    );
    assert!(
        parse("x=rm; let x++; $x")
            .unwrap()
            .last()
            .unwrap()
            .dynamic_name
    );
    assert!(
        parse("x=rm; echo $((x+=1)); $x")
            .unwrap()
            .last()
            .unwrap()
            .dynamic_name
    );
}

#[test]
fn wrappers_that_run_their_arguments_are_removed() {
    let cases: &[(&str, &[&str])] = &[
        ("flock /tmp/l rm -rf ~", &["flock"]),
        ("flock -w 5 -E 3 /tmp/l rm -rf ~", &["flock"]),
        ("taskset 0x1 rm -rf ~", &["taskset"]),
        ("taskset -c 0-3 rm -rf ~", &["taskset"]),
        ("chrt -f 99 rm -rf ~", &["chrt"]),
        ("numactl --cpunodebind=0 --membind 0 rm -rf ~", &["numactl"]),
        ("unshare -r -n rm -rf ~", &["unshare"]),
        ("firejail --noprofile rm -rf ~", &["firejail"]),
        (
            "bwrap --ro-bind / / --dev /dev --bind /h /h rm -rf ~",
            &["bwrap"],
        ),
        (
            "systemd-run --same-dir -p Nice=5 rm -rf ~",
            &["systemd-run"],
        ),
        ("chronic -e rm -rf ~", &["chronic"]),
        ("ionice -c3 nice -n 19 rm -rf ~", &["ionice", "nice"]),
        ("strace -f -o /tmp/t rm -rf ~", &["strace"]),
        ("ltrace -e malloc rm -rf ~", &["ltrace"]),
        ("valgrind --tool=memcheck -q rm -rf ~", &["valgrind"]),
        ("gdb -q --args rm -rf ~", &["gdb"]),
        ("perf stat -e cycles rm -rf ~", &["perf"]),
        ("perf record -g -- rm -rf ~", &["perf"]),
        ("caffeinate -i -t 60 rm -rf ~", &["caffeinate"]),
        ("pkexec --keep-cwd rm -rf ~", &["pkexec"]),
        ("runuser -u bob -- rm -rf ~", &["runuser"]),
        ("setpriv --reuid 0 --clear-groups rm -rf ~", &["setpriv"]),
        ("stdbuf -oL rm -rf ~", &["stdbuf"]),
        ("catchsegv rm -rf ~", &["catchsegv"]),
        ("xvfb-run -a -s '-screen 0 1x1x8' rm -rf ~", &["xvfb-run"]),
        ("dbus-run-session -- rm -rf ~", &["dbus-run-session"]),
        ("command -p rm -rf ~", &["command"]),
        ("exec -a name rm -rf ~", &["exec"]),
        ("env -i -u X -P /bin rm -rf ~", &["env"]),
        (
            "sudo -u root timeout -s KILL 5 rm -rf ~",
            &["sudo", "timeout"],
        ),
    ];
    for (line, wrappers) in cases {
        let command = find(line, &["rm", "-rf", "~"]);
        assert_eq!(command.wrappers, *wrappers, "{line}");
        assert_eq!(command.origin, Origin::TopLevel, "{line}");
    }
}

#[test]
fn wrappers_given_a_command_string_run_it_as_a_nested_program() {
    for (line, what) in [
        ("flock /tmp/l -c 'rm -rf ~'", "flock -c"),
        ("su -c 'rm -rf ~' root", "su -c"),
        ("runuser bob -c 'rm -rf ~'", "runuser -c"),
        ("script -qc 'rm -rf ~' /dev/null", "script -c"),
        ("sg wheel -c 'rm -rf ~'", "sg"),
        ("sg wheel rm -rf ~", "sg"),
        ("gdb -batch -ex 'shell rm -rf ~'", "gdb shell"),
        ("tmux new -d 'rm -rf ~'", "tmux new"),
        ("tmux send-keys -t x 'rm -rf ~' Enter", "tmux send-keys"),
        ("echo 'rm -rf ~' | at now", "at job"),
        ("sqlite3 db '.shell rm -rf ~'", "sqlite3 .shell"),
        ("watch -n 1 'rm -rf ~'", "watch"),
    ] {
        let command = find(line, &["rm", "-rf", "~"]);
        assert_eq!(command.origin, Origin::Nested(what.into()), "{line}");
    }
    assert!(has("screen -dmS x rm -rf ~", &["rm", "-rf", "~"]));
    // Options that mean no command runs.
    assert_eq!(parse("taskset -p 0x1 1234").unwrap()[0].wrappers.len(), 0);
    assert_eq!(
        parse("chrt -p 1234").unwrap()[0].effective,
        ["chrt", "-p", "1234"]
    );
}

#[test]
fn a_wrapper_that_runs_its_command_elsewhere_records_it_there() {
    let commands = parse("env -C /tmp rm -rf x > out").unwrap();
    // The redirection is opened by the shell, in the line's directory.
    assert_eq!(commands[0].dir, Dir::Start);
    assert_eq!(commands[0].redirects[0].target, "out");
    let rm = find("env -C /tmp rm -rf x > out", &["rm", "-rf", "x"]);
    assert_eq!(rm.dir, changed(&["/tmp"]));
    assert_eq!(rm.parent, Some(0));
    assert_eq!(rm.wrappers, ["env"]);
    assert_eq!(
        find("sudo -D /srv rm x", &["rm", "x"]).dir,
        changed(&["/srv"])
    );
    assert_eq!(find("sudo -i rm x", &["rm", "x"]).wrappers, ["sudo"]);
    for line in [
        "sudo -i rm x",
        "chroot /mnt rm x",
        "systemd-run --user rm x",
        "pkexec rm x",
        "nsenter -t 1 -m rm x",
        "su - root -c 'rm x'",
        "find . -execdir rm x \\;",
    ] {
        assert_eq!(find(line, &["rm", "x"]).dir, Dir::Unknown, "{line}");
    }
    // A remote command runs on another machine.
    assert_eq!(find("ssh host rm x", &["rm", "x"]).dir, Dir::Unknown);
}

#[test]
fn cd_changes_the_directory_of_the_commands_after_it() {
    assert_eq!(
        find("cd build && rm -rf *", &["rm", "-rf", "*"]).dir,
        changed(&["build"])
    );
    assert_eq!(find("cd build && rm x", &["cd", "build"]).dir, Dir::Start);
    assert_eq!(
        find("cd a && cd ../b && rm x", &["rm", "x"]).dir,
        changed(&["a", "../b"])
    );
    assert_eq!(
        find("cd a && cd /b && rm x", &["rm", "x"]).dir,
        changed(&["/b"])
    );
    assert_eq!(
        find("cd ~/src && rm x", &["rm", "x"]).dir,
        changed(&["~/src"])
    );
    assert_eq!(
        find("cd \"$HOME\" && rm x", &["rm", "x"]).dir,
        changed(&["~"])
    );
    assert_eq!(find("cd && rm x", &["rm", "x"]).dir, changed(&[""]));
    assert_eq!(
        find("cd -P -- a && rm x", &["rm", "x"]).dir,
        changed(&["a"])
    );
    assert_eq!(
        find("d=sub; cd $d && rm x", &["rm", "x"]).dir,
        changed(&["sub"])
    );
    assert_eq!(find("cd a && cd - && rm x", &["rm", "x"]).dir, Dir::Start);
    assert_eq!(
        find("cd a && cd b && cd - && rm x", &["rm", "x"]).dir,
        changed(&["a"])
    );
    // `cd -` with nothing before it in the line: the shell's OLDPWD.
    assert_eq!(find("cd - && rm x", &["rm", "x"]).dir, Dir::Unknown);
    assert_eq!(find("cd \"$X\" && rm x", &["rm", "x"]).dir, Dir::Unknown);
    assert_eq!(find("cd $(pwd)/a && rm x", &["rm", "x"]).dir, Dir::Unknown);
    assert_eq!(find("cd */ && rm x", &["rm", "x"]).dir, Dir::Unknown);
    // With CDPATH set, `cd name` may go elsewhere.
    assert_eq!(
        find("CDPATH=/srv; cd a && rm x", &["rm", "x"]).dir,
        Dir::Unknown
    );
    assert_eq!(
        find("CDPATH=/srv; cd ./a && rm x", &["rm", "x"]).dir,
        changed(&["./a"])
    );
}

#[test]
fn a_cd_that_may_have_failed_leaves_the_directory_unknown() {
    assert_eq!(
        find("cd build; rm -rf *", &["rm", "-rf", "*"]).dir,
        Dir::Unknown
    );
    assert_eq!(
        find("cd .claude || true; rm x", &["rm", "x"]).dir,
        Dir::Unknown
    );
    assert_eq!(
        find("if c; then cd x; fi; rm y", &["rm", "y"]).dir,
        Dir::Unknown
    );
    assert_eq!(
        find("cd x || echo no; rm y", &["rm", "y"]).dir,
        Dir::Unknown
    );
    // A failed cd runs the other branch in the old directory.
    assert_eq!(find("cd x || rm y", &["rm", "y"]).dir, Dir::Start);
    // Handled failures leave only the new directory.
    assert_eq!(
        find("cd build || exit; rm x", &["rm", "x"]).dir,
        changed(&["build"])
    );
    assert_eq!(
        find("cd build || exit 1; rm x", &["rm", "x"]).dir,
        changed(&["build"])
    );
    assert_eq!(
        find("cd build || { echo no; exit 1; }; rm x", &["rm", "x"]).dir,
        changed(&["build"])
    );
    assert_eq!(
        find("die(){ exit 1; }; cd b || die; rm x", &["rm", "x"]).dir,
        changed(&["b"])
    );
    assert_eq!(
        find("set -e; cd build; rm x", &["rm", "x"]).dir,
        changed(&["build"])
    );
    assert_eq!(
        find("if cd build; then rm x; fi", &["rm", "x"]).dir,
        changed(&["build"])
    );
    assert_eq!(
        find("if ! cd build; then rm x; fi", &["rm", "x"]).dir,
        Dir::Start
    );
    assert_eq!(
        find("f(){ cd /tmp; }; f && rm x", &["rm", "x"]).dir,
        changed(&["/tmp"])
    );
}

#[test]
fn subshells_start_from_their_parent_directory_and_do_not_leak() {
    let line = "cd a && (cd b && rm x) && rm y";
    assert_eq!(find(line, &["rm", "x"]).dir, changed(&["a", "b"]));
    assert_eq!(find(line, &["rm", "y"]).dir, changed(&["a"]));
    let line = "cd a && echo $(cd b && rm x) && rm y";
    assert_eq!(find(line, &["rm", "x"]).dir, changed(&["a", "b"]));
    assert_eq!(find(line, &["rm", "y"]).dir, changed(&["a"]));
    assert_eq!(find("cd a | cat; rm y", &["rm", "y"]).dir, Dir::Start);
    assert_eq!(find("cd a & rm y", &["rm", "y"]).dir, Dir::Start);
    let line = "cd a && bash -c 'cd b && rm x' && rm y";
    assert_eq!(find(line, &["rm", "x"]).dir, changed(&["a", "b"]));
    assert_eq!(find(line, &["rm", "y"]).dir, changed(&["a"]));
    assert_eq!(
        find("cd a && sh -c 'rm x'", &["rm", "x"]).dir,
        changed(&["a"])
    );
    assert_eq!(
        find("cd a && find . -exec rm {} +", &["rm", "{}"]).dir,
        changed(&["a"])
    );
}

#[test]
fn pushd_and_popd_keep_a_stack() {
    let line = "pushd a && pushd b && rm x && popd && rm y && popd && rm z";
    assert_eq!(find(line, &["rm", "x"]).dir, changed(&["a", "b"]));
    assert_eq!(find(line, &["rm", "y"]).dir, changed(&["a"]));
    assert_eq!(find(line, &["rm", "z"]).dir, Dir::Start);
    assert_eq!(find("popd && rm x", &["rm", "x"]).dir, Dir::Unknown);
    assert_eq!(
        find("pushd a && pushd && rm x", &["rm", "x"]).dir,
        Dir::Start
    );
    assert_eq!(find("pushd +1 && rm x", &["rm", "x"]).dir, Dir::Unknown);
}

#[test]
fn code_after_exit_or_return_does_not_change_what_follows() {
    assert_eq!(
        find("f(){ return; cd /tmp; }; f; rm x", &["rm", "x"]).dir,
        Dir::Start
    );
    assert_eq!(
        find(
            "f(){ if c; then cd /tmp; return; fi; }; f; rm x",
            &["rm", "x"]
        )
        .dir,
        Dir::Unknown
    );
    // Unreachable code is still read.
    assert!(has("exit; rm -rf /", &["rm", "-rf", "/"]));
}

#[test]
fn expansion_is_bounded() {
    // A value that doubles without end becomes unknown instead of exhausting memory.
    let line = format!("x=ab; {}$x", "x=$x$x; ".repeat(40));
    let started = std::time::Instant::now();
    let commands = parse(&line).unwrap();
    assert!(commands.last().unwrap().dynamic_name);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Loops nested deep are not unrolled without end.
    let line = format!(
        "{}rm $a{}",
        "for a in 1 2 3 4 5 6 7 8; do ".repeat(12),
        "; done".repeat(12)
    );
    let commands = parse(&line).unwrap();
    assert!(commands.len() < MAX_COMMANDS);
    // Too many commands once followed is an error for the caller to decide on.
    let line = format!(
        "f(){{ {} }}; f; f; f; f; f; f; f; f",
        "echo x;".repeat(1000)
    );
    assert!(parse(&line).is_err());
}

#[test]
fn every_indirection_of_the_corpus_is_resolved_to_what_runs() {
    // The corpus the classifier is measured on: each `rm` case must come out as an `rm` whose
    // name is known, whatever hides it.
    let corpus = include_str!("../../../tests/corpus/indirection.txt");
    let mut cases = 0;
    for line in corpus
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let [_, class, command] = fields.as_slice() else {
            panic!("not `outcome<TAB>class<TAB>command`: {line}");
        };
        let command = command.replace('␤', "\n");
        let commands = parse(&command).unwrap_or_else(|e| panic!("{command}: {e}"));
        if class.starts_with("fs.rm") {
            assert!(
                commands
                    .iter()
                    .any(|c| c.program() == Some("rm") && !c.dynamic_name && c.effective.len() > 2),
                "{command}: {commands:#?}"
            );
        }
        cases += 1;
    }
    assert!(cases >= 100, "only {cases} cases");
}

#[test]
fn tilde_is_home_as_the_line_sets_it() {
    assert!(has("rm -rf ~", &["rm", "-rf", "~"]));
    assert!(has("HOME=/; rm -rf ~/*", &["rm", "-rf", "//*"]));
    let command = find("HOME=$X; rm -rf ~", &["rm", "-rf", "~"]);
    assert!(command.is_dynamic(2));
}

#[test]
fn a_function_hides_the_builtin_of_its_name() {
    assert_eq!(
        find("cd(){ :; }; cd /tmp && rm x", &["rm", "x"]).dir,
        Dir::Start
    );
    assert_eq!(
        find("cd(){ :; }; builtin cd /tmp && rm x", &["rm", "x"]).dir,
        changed(&["/tmp"])
    );
}

#[test]
fn what_the_line_may_have_replaced_is_not_computed() {
    // A function or alias named like a printing program prints something else.
    let commands = parse("echo(){ printf rm; }; $(echo ls) -rf ~").unwrap();
    assert!(commands.iter().any(|c| c.dynamic_name));
    let commands = parse("alias echo='printf rm'; $(echo ls) -rf ~").unwrap();
    assert!(commands.iter().any(|c| c.dynamic_name));
    // A changed PATH may run another `base64`.
    let commands = parse("PATH=.:$PATH; $(echo bHM= | base64 -d) -rf ~").unwrap();
    assert!(commands.iter().any(|c| c.dynamic_name));
    // `lastpipe` runs the last stage in this shell.
    assert!(has(
        "c=ls; shopt -s lastpipe; echo rm | read c; $c -rf ~",
        &["rm", "-rf", "~"]
    ));
    // `nocasematch` makes pattern substitution ignore case.
    let commands = parse("x=rXm; shopt -s nocasematch; ${x/x/} -rf ~").unwrap();
    assert!(commands.last().unwrap().dynamic_name);
    // Slices of a sparse array count indices.
    let commands = parse("a=([1]=x [2]=rm); ${a[@]:1:1} -rf ~").unwrap();
    assert!(commands.last().unwrap().dynamic_name);
}

#[test]
fn known_input_too_large_for_xargs_leaves_its_items_unknown() {
    let line = format!("echo {}~ | xargs rm -rf", "x ".repeat(300));
    let rm = all_of(&line, "rm");
    assert_eq!(rm.len(), 1);
    assert!(rm[0].is_dynamic(2));
}

#[test]
fn bare_cd_and_cd_dash_follow_home_and_oldpwd_as_the_line_sets_them() {
    assert_eq!(
        find("HOME=/etc; cd && rm x", &["rm", "x"]).dir,
        changed(&["/etc"])
    );
    assert_eq!(
        find("OLDPWD=/etc; cd - && rm x", &["rm", "x"]).dir,
        changed(&["/etc"])
    );
    assert_eq!(find("HOME=$X; cd && rm x", &["rm", "x"]).dir, Dir::Unknown);
    // `cd` sets OLDPWD itself.
    assert_eq!(
        find("OLDPWD=/etc; cd a && cd - && rm x", &["rm", "x"]).dir,
        Dir::Start
    );
}

#[test]
fn a_line_ending_in_an_open_substitution_after_a_here_document_is_refused_before_parsing() {
    // Found by fuzzing: the parser loops without end on a here-document whose delimiter follows
    // two blanks, inside a `$(` that the line leaves open, with a blank at the very end.
    for line in [
        "$(printb:\u{1a}$ar0]\u{7}\u{7}\u{7}r m;mb6h\t<<\t\ta0;mb6h\t\t<<\tal\t",
        "$(<<  a ",
        "$(x <<  a y ",
        "$(<<-  a ",
        "$(if <<  a ",
        "x=$(<<  a;<<  c ",
    ] {
        assert_refused(line, "body never starts");
    }
    assert!(parse("echo $(cat <<EOF\nx\nEOF\n) ").is_ok());
    assert!(parse("cat <<  EOF \nx\nEOF\n").is_ok());
}
