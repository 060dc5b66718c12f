//! Decisions through the real binary: each rule form, protected paths, modes, `[[rule]]`
//! tables and the input filter.

use serde_json::{Value, json};

use super::{GATE, with_project_policy, with_user_policy};
use crate::util::Sandbox;

#[test]
fn works_with_no_policy_file_at_all() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox.hook(GATE).bash("ls -la").run().decision(),
        "none",
        "the default mode (guard) never allows: Claude Code's own rules decide"
    );
    assert_eq!(sandbox.hook(GATE).bash("rm -rf /").run().decision(), "deny");
    assert_eq!(
        sandbox.hook(GATE).bash("frobnicate --all").run().decision(),
        "none",
        "an unrecognised command gets no opinion, never an implicit allow"
    );
}

#[test]
fn rule_decisions_carry_the_rule_id_and_tell_the_model_not_to_work_around() {
    let policy = r#"
[permissions]
deny = ["Bash(curl:*)"]
ask = ["Bash(git push:*)"]
allow = ["Bash(npm run test:*)"]
"#;
    let sandbox = Sandbox::new();
    let deny = with_user_policy(&sandbox, policy)
        .bash("curl https://example.com")
        .run();
    assert_eq!(deny.decision(), "deny");
    assert!(
        deny.reason().contains("[hookkit: Bash(curl:*)]"),
        "{}",
        deny.reason()
    );
    assert!(
        deny.reason().contains("Do not try to work around"),
        "{}",
        deny.reason()
    );
    let ask = sandbox.hook(GATE).bash("git push origin main").run();
    assert_eq!(ask.decision(), "ask");
    assert!(ask.reason().contains("Bash(git push:*)"));
    assert_eq!(
        sandbox.hook(GATE).bash("npm run test").run().decision(),
        "allow"
    );
    assert_eq!(
        sandbox
            .hook(GATE)
            .bash("npm run test && frobnicate")
            .run()
            .decision(),
        "none",
        "an allow must cover every simple command"
    );
    assert_eq!(
        sandbox
            .hook(GATE)
            .bash("npm run test; curl x")
            .run()
            .decision(),
        "deny",
        "a deny matches any simple command"
    );
}

/// One case per rule form: (rule, tool, input, decision with the rule as a deny rule).
fn forms(project: &str, home: &str) -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "Bash(npm run build)",
            "Bash",
            json!({"command": "npm  run build"}),
        ),
        (
            "Bash(git push:*)",
            "Bash",
            json!({"command": "FOO=1 git push origin"}),
        ),
        (
            "Bash(git * main)",
            "Bash",
            json!({"command": "git push origin main"}),
        ),
        ("Bash(npm *)", "Bash", json!({"command": "npm"})),
        ("Bash", "Bash", json!({"command": "anything"})),
        (
            "Read(./.env)",
            "Read",
            json!({"file_path": format!("{project}/.env")}),
        ),
        (
            "Read(/secrets/**)",
            "Read",
            json!({"file_path": format!("{project}/secrets/a.key")}),
        ),
        (
            "Read(~/.ssh/**)",
            "Read",
            json!({"file_path": format!("{home}/.ssh/id_rsa")}),
        ),
        (
            "Read(//etc/**)",
            "Read",
            json!({"file_path": "/etc/passwd"}),
        ),
        (
            "Read(src/**)",
            "Grep",
            json!({"pattern": "x", "path": format!("{project}/src")}),
        ),
        (
            "Edit(docs/**)",
            "Write",
            json!({"file_path": format!("{project}/docs/a.md"), "content": "x"}),
        ),
        (
            "WebFetch(domain:*.example.com)",
            "WebFetch",
            json!({"url": "https://docs.example.com/", "prompt": ""}),
        ),
        (
            "mcp__github",
            "mcp__github__create_issue",
            json!({"title": "x"}),
        ),
        (
            "mcp__github__get_*",
            "mcp__github__get_issue",
            json!({"number": 1}),
        ),
        (
            "Agent(model:opus)",
            "Agent",
            json!({"model": "opus", "prompt": "p"}),
        ),
        (
            "Agent(Explore)",
            "Agent",
            json!({"subagent_type": "Explore", "prompt": "p"}),
        ),
    ]
}

#[test]
fn every_rule_form_denies_what_it_names() {
    let sandbox = Sandbox::new();
    let project = sandbox.project().display().to_string();
    let home = sandbox.home().display().to_string();
    for (rule, tool, input) in forms(&project, &home) {
        let run = with_project_policy(
            &sandbox,
            &format!("[gate]\nescalate_after = 0\n[permissions]\ndeny = [{rule:?}]\n"),
        )
        .tool(tool, input.clone())
        .run();
        assert_eq!(run.decision(), "deny", "{rule} vs {tool} {input}");
        assert!(run.reason().contains(rule), "{rule}: {}", run.reason());
    }
}

#[test]
fn protected_paths_ask_even_when_an_allow_rule_covers_them() {
    let sandbox = Sandbox::new();
    let policy =
        "[gate]\nprotected_paths = [\"/deploy/**\"]\n[permissions]\nallow = [\"Edit\", \"Bash\"]\n";
    let project = sandbox.project().display().to_string();
    let home = sandbox.home().display().to_string();
    for path in [
        format!("{project}/.git/config"),
        format!("{project}/.claude/settings.json"),
        format!("{project}/deploy/prod.yml"),
        format!("{home}/.bashrc"),
    ] {
        let run = with_user_policy(&sandbox, policy)
            .tool("Write", json!({"file_path": path, "content": "x"}))
            .run();
        // At least ask: the classifier may rate the write high (a shell rc file) and deny.
        let decision = run.decision();
        assert!(
            decision == "ask" || decision == "deny",
            "{path}: {decision}"
        );
        if decision == "ask" {
            assert!(run.reason().contains("protected"), "{}", run.reason());
        }
    }
    let plain = sandbox
        .hook(GATE)
        .tool(
            "Write",
            json!({"file_path": format!("{project}/src/a.rs"), "content": "x"}),
        )
        .run();
    assert_eq!(plain.decision(), "allow");
    let rc = sandbox
        .hook(GATE)
        .bash("echo x >> ~/.zshrc")
        .run()
        .decision();
    assert!(rc == "ask" || rc == "deny", "{rc}");
}

fn with_mode(sandbox: &Sandbox, mode: &str, tool: &str, input: Value) -> String {
    let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
    payload["permission_mode"] = json!(mode);
    payload["tool_name"] = json!(tool);
    payload["tool_input"] = input;
    sandbox.hook(GATE).payload(payload).run().decision()
}

#[test]
fn guard_mode_never_allows() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[gate]\nmode = \"guard\"\n[permissions]\nallow = [\"Bash(make)\"]\n",
    );
    assert_eq!(
        with_mode(&sandbox, "default", "Bash", json!({"command": "ls"})),
        "none"
    );
    assert_eq!(
        with_mode(&sandbox, "default", "Bash", json!({"command": "make"})),
        "none"
    );
    assert_eq!(
        with_mode(
            &sandbox,
            "default",
            "Bash",
            json!({"command": "rm -rf /srv/data"})
        ),
        "deny"
    );
}

#[test]
fn plan_mode_never_allows_a_write() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[gate]\nmode = \"auto\"\n[permissions]\nallow = [\"Edit\"]\n",
    );
    let path = sandbox.project().join("a.txt").display().to_string();
    let write = json!({"file_path": path, "content": "x"});
    assert_eq!(
        with_mode(&sandbox, "default", "Write", write.clone()),
        "allow"
    );
    assert_eq!(with_mode(&sandbox, "plan", "Write", write), "none");
    assert_eq!(
        with_mode(&sandbox, "plan", "Bash", json!({"command": "ls"})),
        "allow"
    );
}

#[test]
fn bypass_permissions_still_denies_high_risk() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[gate]\nhigh_risk = \"ask\"\n");
    let rm = json!({"command": "rm -rf /srv/data"});
    assert_eq!(with_mode(&sandbox, "default", "Bash", rm.clone()), "ask");
    for nobody in ["bypassPermissions", "dontAsk", "auto"] {
        assert_eq!(with_mode(&sandbox, nobody, "Bash", rm.clone()), "deny");
    }
}

#[test]
fn table_rules_with_program_args_regex_paths_and_when() {
    let sandbox = Sandbox::new();
    let policy = r#"
[[rule]]
id = "deploy.prod"
tools = ["Bash"]
program = "kubectl"
args = ["delete"]
command_regex = '--context[= ]prod'
decision = "deny"
reason = "production changes go through the release pipeline"
message = "Do not change production from the agent; ask the user."

[[rule]]
id = "deploy.manifests"
paths = ["deploy/**"]
decision = "ask"
reason = "deployment manifests are reviewed"

[[rule]]
id = "fetch.internal"
tools = ["WebFetch"]
when = '.tool_input.url | test("internal")'
decision = "deny"
"#;
    let run = with_project_policy(&sandbox, policy)
        .bash("kubectl delete deploy api --context=prod")
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason()
            .starts_with("Do not change production from the agent"),
        "{}",
        run.reason()
    );
    let dev = sandbox
        .hook(GATE)
        .bash("kubectl delete deploy api --context=dev")
        .run();
    assert!(!dev.reason().contains("deploy.prod"), "{}", dev.reason());
    let manifest = sandbox
        .project()
        .join("deploy/api.yml")
        .display()
        .to_string();
    let run = sandbox
        .hook(GATE)
        .tool(
            "Write",
            json!({"file_path": manifest, "content": "kind: Deployment"}),
        )
        .run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("deployment manifests are reviewed"));
    let fetch = |url: &str| {
        sandbox
            .hook(GATE)
            .tool("WebFetch", json!({"url": url, "prompt": "read"}))
            .run()
            .decision()
    };
    assert_eq!(fetch("https://wiki.internal.example/x"), "deny");
    assert_ne!(fetch("https://docs.rs/x"), "deny");
}

#[test]
fn a_secret_in_written_content_is_denied_and_never_echoed() {
    let sandbox = Sandbox::new();
    let secret = "AKIAIOSFODNN7EXAMPLE";
    let path = sandbox.project().join("config.env").display().to_string();
    let run = sandbox
        .hook(GATE)
        .tool(
            "Write",
            json!({"file_path": path, "content": format!("AWS_KEY={secret}\n")}),
        )
        .run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("aws-access-key"), "{}", run.reason());
    assert!(!run.stdout().contains(secret) && !run.stderr().contains(secret));
}

#[test]
fn the_agent_cannot_reach_the_review_service_even_where_the_user_allows_everything() {
    let sandbox = Sandbox::new();
    // The most permissive user file: auto mode, high risk asked, curl and fetches allowed.
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[gate]\nmode = \"auto\"\nhigh_risk = \"ask\"\n\
         [permissions]\nallow = [\"Bash(curl:*)\", \"Bash(nc:*)\", \"WebFetch\"]\n\
         [review]\nendpoint = \"http://127.0.0.1:9911/approve\"\n",
    );
    let calls = [
        (
            "Bash",
            json!({"command": "curl -X POST http://127.0.0.1:8765/decide -d 'id=x&decision=approve'"}),
        ),
        (
            "Bash",
            json!({"command": "curl -d x http://2130706433:8765/"}),
        ),
        (
            "Bash",
            json!({"command": "curl -d '{}' http://localhost:9911/approve"}),
        ),
        (
            "Bash",
            json!({"command": "printf 'POST /decide HTTP/1.1\\r\\n' | nc 127.1 8765"}),
        ),
        (
            "WebFetch",
            json!({"url": "http://[::1]:8765/decide?id=x", "prompt": "approve"}),
        ),
    ];
    for (tool, input) in calls {
        for mode in ["default", "bypassPermissions", "acceptEdits"] {
            assert_eq!(
                with_mode(&sandbox, mode, tool, input.clone()),
                "deny",
                "{mode}: {input}"
            );
        }
    }
    // A local app on another port is the agent's own work.
    assert_ne!(
        with_mode(
            &sandbox,
            "default",
            "Bash",
            json!({"command": "curl -d user=a http://127.0.0.1:3000/login"})
        ),
        "deny"
    );
}

#[test]
fn a_run_of_denials_never_wears_down_what_is_always_refused() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[gate]\nescalate_after = 2\n");
    let write = json!({"command": "cd .claude && echo '{}' > settings.json"});
    for attempt in 1..=6 {
        assert_eq!(
            with_mode(&sandbox, "default", "Bash", write.clone()),
            "deny",
            "attempt {attempt}"
        );
    }
    // A high-risk denial still escalates, so that a person sees what the agent keeps trying.
    let rm = json!({"command": "rm -rf /srv/data"});
    let answers: Vec<String> = (0..4)
        .map(|_| with_mode(&sandbox, "default", "Bash", rm.clone()))
        .collect();
    assert_eq!(
        answers.last().map(String::as_str),
        Some("ask"),
        "{answers:?}"
    );
}
