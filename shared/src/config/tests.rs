use super::*;

fn layer(source: LayerSource, text: &str) -> Layer {
    Layer::parse(source, text.to_owned()).unwrap()
}

fn user(text: &str) -> Layer {
    layer(
        LayerSource::User("/home/u/.claude/hookkit.toml".into()),
        text,
    )
}

fn project(text: &str) -> Layer {
    layer(LayerSource::Project("/p/.claude/hookkit.toml".into()), text)
}

fn built_in() -> Layer {
    layer(LayerSource::BuiltIn, BUILT_IN)
}

fn effective(layers: &[Layer]) -> Effective {
    Effective::of(layers).unwrap()
}

fn gate_str(e: &Effective, key: &str) -> String {
    e.value("gate", key)
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn built_in_layer_is_valid_and_guards() {
    let e = effective(&[built_in()]);
    assert_eq!(gate_str(&e, "mode"), "guard");
    assert_eq!(gate_str(&e, "on_error"), "ask");
}

#[test]
fn the_user_file_may_loosen_and_the_project_file_only_tightens() {
    let e = effective(&[
        built_in(),
        user("[gate]\nmode = \"auto\"\nhigh_risk = \"ask\"\n"),
        project("[gate]\nmode = \"strict\"\n"),
    ]);
    assert_eq!(gate_str(&e, "mode"), "strict", "project tightened auto");
    assert_eq!(gate_str(&e, "high_risk"), "ask");

    let e = effective(&[
        built_in(),
        user("[gate]\nmode = \"strict\"\non_error = \"deny\"\n"),
        project("[gate]\nmode = \"auto\"\non_error = \"ask\"\nhigh_risk = \"ask\"\n"),
    ]);
    assert_eq!(gate_str(&e, "mode"), "strict", "project cannot loosen");
    assert_eq!(gate_str(&e, "on_error"), "deny");
    assert_eq!(gate_str(&e, "high_risk"), "deny");
}

#[test]
fn escalation_can_only_be_delayed_or_turned_off_by_a_project() {
    let count = |e: &Effective| {
        e.value("gate", "escalate_after")
            .and_then(toml::Value::as_integer)
    };
    let e = effective(&[built_in(), project("[gate]\nescalate_after = 1\n")]);
    assert_eq!(count(&e), Some(3));
    let e = effective(&[built_in(), project("[gate]\nescalate_after = 10\n")]);
    assert_eq!(count(&e), Some(10));
    let e = effective(&[built_in(), project("[gate]\nescalate_after = 0\n")]);
    assert_eq!(count(&e), Some(0));
}

#[test]
fn permitting_lists_narrow_and_restricting_lists_grow() {
    let e = effective(&[
        built_in(),
        project(
            "[gate]\nallowed_hosts = [\"github.com\", \"evil.example\"]\n\
             protected_paths = [\"deploy/**\"]\n",
        ),
    ]);
    let hosts: Vec<&str> = e
        .value("gate", "allowed_hosts")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(toml::Value::as_str)
        .collect();
    assert_eq!(hosts, ["github.com"]);
    assert!(
        e.ignored
            .iter()
            .any(|i| i.key == "gate.allowed_hosts" && i.why.contains("evil.example"))
    );
    assert_eq!(
        e.value("gate", "protected_paths")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn locations_and_opt_ins_come_from_trusted_layers_only() {
    let e = effective(&[
        built_in(),
        project(
            "[audit]\nlog = \"../home/.bashrc\"\n[review]\nqueue_dir = \"/tmp/q\"\n\
             endpoint = \"http://127.0.0.1:1/\"\nrisk = [\"low\"]\n",
        ),
    ]);
    assert_eq!(e.value("audit", "log"), None);
    assert_eq!(e.value("review", "queue_dir"), None);
    assert_eq!(e.value("review", "endpoint"), None);
    assert_eq!(e.ignored.len(), 3, "{:?}", e.ignored);
    // Review lists restrict: a project adds, never empties.
    let e = effective(&[
        built_in(),
        user("[review]\nrisk = [\"high\"]\n"),
        project("[review]\nrisk = []\ntools = []\n"),
    ]);
    let risk = e.value("review", "risk").unwrap().as_array().unwrap();
    assert_eq!(risk.len(), 1);
}

#[test]
fn project_allow_rules_are_ignored() {
    let e = effective(&[
        built_in(),
        user("[permissions]\nallow = [\"Bash(make)\"]\n"),
        project("[permissions]\nallow = [\"Bash(rm:*)\"]\ndeny = [\"Bash(curl:*)\"]\n"),
    ]);
    let allow = e.value("permissions", "allow").unwrap().as_array().unwrap();
    assert_eq!(allow.len(), 1);
    assert_eq!(
        e.value("permissions", "deny")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(e.ignored.iter().any(|i| i.key == "permissions.allow[0]"));
}

#[test]
fn unknown_keys_and_wrong_kinds_are_errors_naming_the_file() {
    let err = Effective::of(&[project("[gate]\nescalate_afer = 5\n")]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("/p/.claude/hookkit.toml"), "{text}");
    assert!(text.contains("escalate_after"), "suggests the key: {text}");
    assert!(Effective::of(&[project("[gate]\nmode = \"loose\"\n")]).is_err());
    assert!(Effective::of(&[project("[gates]\n")]).is_err());
    assert!(Effective::of(&[project("[project.\"/p\".gate]\nmode = \"auto\"\n")]).is_err());
    // `rule` is a valid key of an override.
    Effective::of(&[user(
        "[[permission_denied.override]]\nrule = \"git.push\"\nretry = false\n",
    )])
    .unwrap();
}

#[test]
fn per_project_sections_of_the_user_file_apply_to_their_project_only() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let app = dir.path().join("app");
    let other = dir.path().join("other");
    for d in [&home.join(".claude"), &app, &other] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        home.join(".claude/hookkit.toml"),
        format!(
            "[gate]\nmode = \"strict\"\n[project.\"{}\".gate]\nmode = \"auto\"\n",
            app.display()
        ),
    )
    .unwrap();
    let mode = |project: &Path| {
        let discovery = Discovery {
            explicit: None,
            untrusted: None,
            project_dir: project.to_path_buf(),
            home: Some(home.clone()),
        };
        gate_str(&effective(&discovery.load().unwrap()), "mode")
    };
    assert_eq!(mode(&app), "auto");
    assert_eq!(mode(&other), "strict");
}

#[test]
fn the_environment_policy_is_untrusted_in_a_hook_and_explicit_for_a_person() {
    let env = Env {
        policy: Some("/tmp/p.toml".into()),
        home: Some("/home/u".into()),
        ..Env::default()
    };
    let hook = Discovery::new(&env, Role::Hook, None, "/p".into());
    assert_eq!(hook.explicit, None);
    assert_eq!(hook.untrusted, Some(PathBuf::from("/tmp/p.toml")));
    let person = Discovery::new(&env, Role::Person, None, "/p".into());
    assert_eq!(person.explicit, Some(PathBuf::from("/tmp/p.toml")));
    let flag = Discovery::new(&env, Role::Hook, Some("/x.toml".into()), "/p".into());
    assert_eq!(flag.explicit, Some(PathBuf::from("/x.toml")));
}

#[test]
fn lenient_loading_keeps_the_layers_that_parse() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
    std::fs::write(dir.path().join(".claude/hookkit.toml"), "[gate\n").unwrap();
    let discovery = Discovery {
        project_dir: dir.path().to_path_buf(),
        ..Discovery::default()
    };
    let (layers, errors) = discovery.load_lenient();
    assert_eq!(layers.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(discovery.load().is_err());
}

#[test]
fn line_of_finds_lines_in_order_and_falls_back_to_the_start() {
    let text = "[permissions]\ndeny = [\n  \"a\",\n  \"b\",\n]\n".to_owned();
    let layer = Layer::parse(LayerSource::BuiltIn, text).unwrap();
    assert_eq!(layer.line_of("\"a\""), Some(3));
    assert_eq!(layer.line_of("\"b\""), Some(4));
    assert_eq!(
        layer.line_of("deny"),
        Some(2),
        "falls back to a search from the start"
    );
    assert_eq!(layer.line_of("[permissions]"), Some(1));
    assert_eq!(layer.line_of("missing"), None);
}

#[test]
fn syntax_errors_name_the_file() {
    let err = Layer::parse(LayerSource::Project("x.toml".into()), "[gate\n".into()).unwrap_err();
    assert!(err.to_string().contains("x.toml"), "{err}");
}

#[test]
fn every_default_reads_the_same_without_the_toml_parser() {
    for section in schema::SECTIONS {
        for key in section.keys.iter().filter(|k| !k.default.is_empty()) {
            let parsed = format!("v = {}", key.default)
                .parse::<toml::Table>()
                .unwrap_or_else(|e| panic!("{}.{}: {e}", section.name, key.name))
                .remove("v");
            if let Some(direct) = merge::simple_literal(key.default) {
                assert_eq!(Some(direct), parsed, "{}.{}", section.name, key.name);
            }
        }
    }
    assert_eq!(merge::simple_literal("\"a\\\"b\""), None);
    assert_eq!(merge::simple_literal("[\"a\", 1]"), None);
}
