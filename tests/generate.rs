//! Shell completions and man pages come from each binary's own clap definition.

use crate::util::Sandbox;

/// Each binary with a subcommand or flag its completions and man page must know.
const BINARIES: [(&str, &str); 5] = [
    (env!("CARGO_BIN_EXE_hookkit"), "status"),
    (env!("CARGO_BIN_EXE_pretooluse-gate"), "explain"),
    (env!("CARGO_BIN_EXE_permission-denied-logger"), "verify"),
    (env!("CARGO_BIN_EXE_defer-for-review"), "approve"),
    (env!("CARGO_BIN_EXE_rules-lint"), "--format"),
];

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap()
}

#[test]
fn man_pages_carry_the_binary_name_and_its_commands() {
    let sandbox = Sandbox::new();
    for (binary, known) in BINARIES {
        let name = name_of(binary);
        let run = sandbox
            .hook(binary)
            .args(["--generate", "man"])
            .run()
            .code(0);
        let page = run.stdout();
        assert!(page.contains(&format!(".TH {name} 1")), "{name}:\n{page}");
        let roff_known = known.replace('-', "\\-");
        assert!(
            page.contains(&roff_known),
            "{name} man page lacks {known}:\n{page}"
        );
    }
}

#[test]
fn completions_for_every_shell_name_the_binary() {
    let sandbox = Sandbox::new();
    for (binary, known) in BINARIES {
        let name = name_of(binary);
        for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
            let run = sandbox
                .hook(binary)
                .args(["--generate", shell])
                .run()
                .code(0);
            let script = run.stdout();
            assert!(script.contains(name), "{name} {shell}:\n{script}");
            assert!(
                script.contains(known.trim_start_matches('-')),
                "{name} {shell} completions lack {known}"
            );
        }
    }
}

#[test]
fn an_unknown_target_is_refused() {
    let run = Sandbox::new()
        .hook(env!("CARGO_BIN_EXE_rules-lint"))
        .args(["--generate", "tcsh"])
        .run();
    assert_eq!(run.exit_code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("tcsh"), "{}", run.stderr());
}
