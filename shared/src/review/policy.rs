//! Which calls need a person's review, and where the queue and the approval service are: the
//! `[review]` policy section, overridden by command-line flags, plus the guess whether the run
//! is headless.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::audit::Trail;
use crate::classify::{self, Assessment, Risk};
use crate::config::{Discovery, Effective, Layer};
use crate::crypto::PublicKey;
use crate::env::{Env, Role};
use crate::glob::Pattern;
use crate::jq::Condition;
use crate::locations::{Flags, Locations};
use crate::protocol::{HookInput, ToolCall, ToolView};
use crate::review::decision::parse_trusted;
use crate::review::endpoint::Endpoint;
use crate::{Error, Result};

/// The longest the hook waits for the approval service, whatever the policy says: well under
/// the hook's own deadline, so a slow service ends in `defer`, never in the runner's failure.
pub const MAX_ENDPOINT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the hook may run in all before the runner answers with its failure decision.
pub const HOOK_DEADLINE: Duration = Duration::from_secs(30);
const DEFAULT_ENDPOINT_TIMEOUT_MS: u64 = 5000;

/// Whether the run is headless, where `defer` works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadlessMode {
    /// Guess from the environment Claude Code gives its hooks.
    #[default]
    Auto,
    /// Always headless: defer.
    Always,
    /// Never headless: ask.
    Never,
}

/// The `[review]` section of the policy files, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSection {
    /// Tools whose calls of a listed risk need review.
    pub tools: Option<Vec<String>>,
    /// Risk levels that need review, for the listed tools.
    pub risk: Option<Vec<Risk>>,
    /// Classifier class ids (or gate rule ids) that always need review.
    pub rule_ids: Option<Vec<String>>,
    /// Path globs that always need review.
    pub paths: Option<Vec<String>>,
    /// jq conditions over the hook input that always need review.
    pub when: Option<Vec<String>>,
    /// `auto`, `always` or `never`.
    pub headless: Option<HeadlessMode>,
    /// The queue directory, relative to the project root.
    pub queue_dir: Option<String>,
    /// An http(s) approval service; empty for none.
    pub endpoint: Option<String>,
    /// How long to wait for the approval service.
    pub endpoint_timeout_ms: Option<u64>,
    /// Public keys whose signed decisions count (user files only).
    pub trusted_keys: Option<Vec<String>>,
    /// Accept the approval service's unsigned answers (user files only).
    pub allow_unsigned_endpoint: Option<bool>,
}

/// Command-line settings, which win over the policy files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// An explicit policy file (`--policy`).
    pub policy: Option<PathBuf>,
    /// The queue directory (`--queue`).
    pub queue: Option<PathBuf>,
    /// Replaces `tools` (`--tools Bash,Write`).
    pub tools: Option<Vec<String>>,
    /// Replaces `risk` (`--risk medium,high`).
    pub risk: Option<Vec<Risk>>,
    /// Added to `paths` (`--path`).
    pub paths: Vec<String>,
    /// Added to `when` (`--when`).
    pub when: Vec<String>,
    /// `--headless` (true) or `--interactive` (false).
    pub headless: Option<bool>,
    /// `--approval-endpoint URL`.
    pub endpoint: Option<String>,
}

/// The settings in force, with every source applied.
#[derive(Debug)]
pub struct Settings {
    /// Tools whose calls of a listed risk need review.
    pub tools: Vec<String>,
    /// Risk levels that need review.
    pub risk: Vec<Risk>,
    /// Class or rule ids that always need review.
    pub rule_ids: Vec<String>,
    /// Path globs that always need review.
    pub paths: Vec<Pattern>,
    /// jq conditions that always need review, as written (compiled when a call is checked).
    pub when: Vec<String>,
    /// Headless mode setting.
    pub headless: HeadlessMode,
    /// The queue directory.
    pub queue_dir: PathBuf,
    /// The approval service, if any.
    pub endpoint: Option<Endpoint>,
    /// How long to wait for it.
    pub endpoint_timeout: Duration,
    /// Keys whose signed decisions the hook accepts.
    pub trusted_keys: Vec<PublicKey>,
    /// Whether the approval service's unsigned answers count.
    pub allow_unsigned_endpoint: bool,
    /// The audit trail.
    pub audit: Trail,
    /// hookkit's state directory (used approvals live there).
    pub state_dir: PathBuf,
    /// hookkit's key directory, if a home is known.
    pub key_dir: Option<PathBuf>,
    /// The user's own policy file, if a home is known.
    pub user_policy: Option<PathBuf>,
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home, if known.
    pub home: Option<PathBuf>,
}

/// The settings in force together with the policy layers they came from (which the gate's
/// own evaluation reads again, without reading the files twice).
#[derive(Debug)]
pub struct Loaded {
    /// The review settings.
    pub settings: Settings,
    /// The layers, lowest first.
    pub layers: Vec<Layer>,
}

/// Why a call needs review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The class, rule or setting that asked for review: `fs.rm-root`, `unrecognised`,
    /// `review.path`, `review.when`.
    pub rule: String,
    /// The call's risk, where the classifier rated it.
    pub risk: Option<Risk>,
    /// Why, in words.
    pub reason: String,
}

impl Settings {
    /// Reads the policy layers of `project_dir` and applies `overrides` and the environment.
    pub fn load(env: &Env, role: Role, project_dir: &Path, overrides: &Overrides) -> Result<Self> {
        Ok(Self::load_layers(env, role, project_dir, overrides)?.settings)
    }

    /// As [`load`](Self::load), keeping the layers.
    pub fn load_layers(
        env: &Env,
        role: Role,
        project_dir: &Path,
        overrides: &Overrides,
    ) -> Result<Loaded> {
        let discovery = Discovery::new(
            env,
            role,
            overrides.policy.clone(),
            project_dir.to_path_buf(),
        );
        let layers = discovery.load()?;
        let effective = Effective::of(&layers)?;
        let section: ReviewSection = effective.section("review")?;
        let flags = Flags {
            log: None,
            queue: overrides.queue.clone(),
        };
        let locations = Locations::resolve(env, role, project_dir, &effective, &flags);
        let mut settings = Self::from_section(&locations, section, overrides)?;
        settings.user_policy = discovery.user_file();
        Ok(Loaded { settings, layers })
    }

    /// Applies `overrides` to a section already read.
    pub fn from_section(
        locations: &Locations,
        section: ReviewSection,
        overrides: &Overrides,
    ) -> Result<Self> {
        let project_dir = &locations.project_dir;
        let tools = overrides
            .tools
            .clone()
            .or(section.tools)
            .unwrap_or_else(|| vec!["Bash".into(), "Write".into(), "Edit".into()]);
        let risk = overrides
            .risk
            .clone()
            .or(section.risk)
            .unwrap_or_else(|| vec![Risk::Medium, Risk::High]);
        let paths = section
            .paths
            .unwrap_or_default()
            .iter()
            .chain(&overrides.paths)
            .map(|p| Pattern::new(p))
            .collect::<Result<Vec<_>>>()?;
        let mut when = section.when.unwrap_or_default();
        when.extend(overrides.when.iter().cloned());
        let headless = match overrides.headless {
            Some(true) => HeadlessMode::Always,
            Some(false) => HeadlessMode::Never,
            None => section.headless.unwrap_or_default(),
        };
        let queue_dir = locations.queue_dir.clone();
        let endpoint = overrides
            .endpoint
            .clone()
            .or(section.endpoint)
            .filter(|url| !url.trim().is_empty())
            .map(|url| Endpoint::parse(&url))
            .transpose()?;
        let endpoint_timeout = Duration::from_millis(
            section
                .endpoint_timeout_ms
                .unwrap_or(DEFAULT_ENDPOINT_TIMEOUT_MS),
        )
        .min(MAX_ENDPOINT_TIMEOUT);
        Ok(Self {
            tools,
            risk,
            rule_ids: section.rule_ids.unwrap_or_default(),
            paths,
            when,
            headless,
            queue_dir,
            endpoint,
            endpoint_timeout,
            trusted_keys: parse_trusted(&section.trusted_keys.unwrap_or_default())?,
            allow_unsigned_endpoint: section.allow_unsigned_endpoint.unwrap_or(false),
            audit: Trail::of(locations),
            state_dir: locations.state_dir.clone(),
            key_dir: locations.key_dir.clone(),
            user_policy: None,
            project_dir: project_dir.clone(),
            home: locations.home.clone(),
        })
    }

    /// Whether the run is headless: the setting, or under `auto` the environment Claude Code
    /// gave this process (`CLAUDE_CODE_ENTRYPOINT=sdk-cli` or `CLAUDE_CODE_SESSION_ATTENDED=0`
    /// in every observed `claude -p` run).
    pub fn is_headless(&self, env: &Env) -> bool {
        match self.headless {
            HeadlessMode::Always => true,
            HeadlessMode::Never => false,
            HeadlessMode::Auto => env.looks_headless(),
        }
    }

    /// Whether a call needs a person's review, and why: a listed class id, a review glob, a
    /// jq condition, or a listed tool with a listed risk. A call the classifier cannot read
    /// (a command that does not parse) needs review: a person can read what it does.
    pub fn trigger(&self, input: &HookInput, call: &ToolCall) -> Result<Option<Trigger>> {
        let assessment = match self.assess(input, call) {
            Ok(assessment) => assessment,
            Err(unreadable) => return Ok(Some(unreadable)),
        };
        if let Some(finding) = assessment
            .findings
            .iter()
            .find(|f| self.rule_ids.iter().any(|id| id == &f.class))
        {
            return Ok(Some(Trigger {
                rule: finding.class.clone(),
                risk: Some(finding.risk),
                reason: format!(
                    "`{}` always needs review: {}",
                    finding.class, finding.reason
                ),
            }));
        }
        if let Some(trigger) = self.path_trigger(call) {
            return Ok(Some(trigger));
        }
        for source in &self.when {
            // A condition that fails at run time (`test` on a field this tool lacks) does not
            // hold; one that does not compile is a policy error.
            if Condition::compile(source)?
                .is_true(&input.raw)
                .unwrap_or(false)
            {
                return Ok(Some(Trigger {
                    rule: "review.when".into(),
                    risk: None,
                    reason: format!("the review condition `{source}` holds"),
                }));
            }
        }
        let (risk, class, why) = rate(&assessment);
        if self.tools.iter().any(|t| t == &call.name) && self.risk.contains(&risk) {
            return Ok(Some(Trigger {
                rule: class,
                risk: Some(risk),
                reason: format!("{} call rated {} risk: {why}", call.name, risk.as_str()),
            }));
        }
        Ok(None)
    }

    /// The call's own, current rating: its trigger when it needs review, else the class and
    /// risk the classifier gives it. A call queued again (changed input, expired approval)
    /// carries this, never the old item's labels.
    pub fn rating(&self, input: &HookInput, call: &ToolCall) -> Result<Trigger> {
        if let Some(trigger) = self.trigger(input, call)? {
            return Ok(trigger);
        }
        Ok(match self.assess(input, call) {
            Ok(assessment) => {
                let (risk, class, why) = rate(&assessment);
                Trigger {
                    rule: class,
                    risk: Some(risk),
                    reason: format!("{} call rated {} risk: {why}", call.name, risk.as_str()),
                }
            }
            Err(unreadable) => unreadable,
        })
    }

    /// The classifier's assessment, or the trigger of a call it cannot read.
    fn assess(
        &self,
        input: &HookInput,
        call: &ToolCall,
    ) -> std::result::Result<Assessment, Trigger> {
        let ctx = classify::Context {
            cwd: input.common.cwd.clone(),
            project_dir: self.project_dir.clone(),
            home: self.home.clone(),
            allowed_hosts: Vec::new(),
        };
        classify::assess(call, &ctx).map_err(|error| Trigger {
            rule: "unreadable".into(),
            risk: Some(Risk::High),
            reason: format!("the classifier could not read this call ({error})"),
        })
    }

    fn path_trigger(&self, call: &ToolCall) -> Option<Trigger> {
        if self.paths.is_empty() {
            return None;
        }
        let Ok(ToolView::File { path, .. }) = call.view() else {
            return None;
        };
        let absolute = Path::new(&path);
        let relative = absolute
            .strip_prefix(&self.project_dir)
            .map_or_else(|_| path.clone(), |r| r.to_string_lossy().into_owned());
        let pattern = self.paths.iter().find(|p| {
            if p.is_absolute() {
                p.matches(&path)
            } else if p.as_str().trim_end_matches('/').contains('/') {
                p.matches(&relative)
            } else {
                p.matches_anywhere(&relative)
            }
        })?;
        Some(Trigger {
            rule: "review.path".into(),
            risk: None,
            reason: format!(
                "`{relative}` matches the review glob `{}`",
                pattern.as_str()
            ),
        })
    }
}

/// The risk of a whole call: its worst finding, but at least medium when the classifier did
/// not recognise some action (what nobody recognised is not known to be harmless).
fn rate(assessment: &Assessment) -> (Risk, String, String) {
    let worst = assessment.worst();
    match (worst, assessment.unrecognised.first()) {
        (Some(f), _) if f.risk >= Risk::Medium => (f.risk, f.class.clone(), f.reason.clone()),
        (_, Some(action)) => (
            Risk::Medium,
            "unrecognised".into(),
            format!("`{action}` is not a recognised action"),
        ),
        (Some(f), None) => (f.risk, f.class.clone(), f.reason.clone()),
        (None, None) => (Risk::Low, "empty".into(), "nothing to run".into()),
    }
}

impl Overrides {
    /// Reads a comma-separated list of risk levels (`medium,high`).
    pub fn parse_risks(text: &str) -> Result<Vec<Risk>> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "low" => Ok(Risk::Low),
                "medium" => Ok(Risk::Medium),
                "high" => Ok(Risk::High),
                other => Err(Error::Other(format!(
                    "risk level `{other}`: expected low, medium or high"
                ))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(section: ReviewSection, overrides: &Overrides) -> Settings {
        let locations = Locations::defaults(Path::new("/p"), None);
        Settings::from_section(&locations, section, overrides).unwrap()
    }

    fn pre_tool_use(tool: &str, tool_input: &serde_json::Value) -> HookInput {
        HookInput::from_value(json!({
            "session_id": "s", "cwd": "/p", "hook_event_name": "PreToolUse",
            "tool_name": tool, "tool_input": tool_input, "tool_use_id": "t"
        }))
        .unwrap()
    }

    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers build the input inline"
    )]
    fn trigger(s: &Settings, tool: &str, tool_input: serde_json::Value) -> Option<Trigger> {
        let input = pre_tool_use(tool, &tool_input);
        let call = input.tool_call().unwrap().clone();
        s.trigger(&input, &call).unwrap()
    }

    #[test]
    fn defaults_review_unrecognised_bash_but_not_reads() {
        let s = settings(ReviewSection::default(), &Overrides::default());
        let t = trigger(&s, "Bash", json!({"command": "rm -rf victim"})).unwrap();
        assert_eq!(
            (t.rule.as_str(), t.risk),
            ("fs.rm-tree", Some(Risk::Medium))
        );
        let t = trigger(&s, "Bash", json!({"command": "frobnicate --now"})).unwrap();
        assert_eq!(
            (t.rule.as_str(), t.risk),
            ("unrecognised", Some(Risk::Medium))
        );
        assert_eq!(trigger(&s, "Bash", json!({"command": "git status"})), None);
        assert_eq!(trigger(&s, "Read", json!({"file_path": "/p/a"})), None);
        // A write inside the project is low risk; one outside it needs a person.
        assert_eq!(
            trigger(&s, "Write", json!({"file_path": "/p/a", "content": ""})),
            None
        );
        assert!(
            trigger(
                &s,
                "Write",
                json!({"file_path": "/etc/hosts", "content": ""})
            )
            .is_some()
        );
    }

    #[test]
    fn overrides_replace_tools_and_risk() {
        let overrides = Overrides {
            tools: Some(vec!["Write".into()]),
            risk: Some(vec![Risk::High]),
            ..Overrides::default()
        };
        let s = settings(ReviewSection::default(), &overrides);
        assert_eq!(
            trigger(&s, "Bash", json!({"command": "rm -rf victim"})),
            None
        );
        assert_eq!(trigger(&s, "Bash", json!({"command": "rm -rf /"})), None);
        let section = ReviewSection {
            rule_ids: Some(vec!["fs.rm-root".into()]),
            ..ReviewSection::default()
        };
        let s = settings(section, &overrides);
        let t = trigger(&s, "Bash", json!({"command": "rm -rf /"})).unwrap();
        assert_eq!(t.rule, "fs.rm-root");
    }

    #[test]
    fn paths_and_conditions_apply_to_any_tool() {
        let overrides = Overrides {
            tools: Some(vec![]),
            paths: vec!["deploy/**".into(), "*.pem".into()],
            when: vec![r#".tool_input.query | test("secret")"#.into()],
            ..Overrides::default()
        };
        let s = settings(ReviewSection::default(), &overrides);
        let t = trigger(&s, "Read", json!({"file_path": "/p/deploy/prod.yaml"})).unwrap();
        assert_eq!(t.rule, "review.path");
        assert!(trigger(&s, "Read", json!({"file_path": "/p/a/key.pem"})).is_some());
        assert_eq!(
            trigger(&s, "Read", json!({"file_path": "/p/src/deploy.rs"})),
            None
        );
        let t = trigger(&s, "WebSearch", json!({"query": "the secret"})).unwrap();
        assert_eq!(t.rule, "review.when");
        assert_eq!(trigger(&s, "WebSearch", json!({"query": "weather"})), None);
    }

    #[test]
    fn headless_guess_and_overrides() {
        let s = settings(ReviewSection::default(), &Overrides::default());
        let env = |entrypoint: Option<&str>, attended: Option<&str>| Env {
            entrypoint: entrypoint.map(str::to_owned),
            session_attended: attended.map(str::to_owned),
            ..Env::default()
        };
        assert!(s.is_headless(&env(Some("sdk-cli"), None)));
        assert!(s.is_headless(&env(None, Some("0"))));
        assert!(!s.is_headless(&env(Some("cli"), None)));
        assert!(!s.is_headless(&Env::default()));
        let never = Overrides {
            headless: Some(false),
            ..Overrides::default()
        };
        let s = settings(ReviewSection::default(), &never);
        assert!(!s.is_headless(&Env {
            entrypoint: Some("sdk-cli".into()),
            ..Env::default()
        }));
    }

    #[test]
    fn endpoint_must_be_http_and_timeout_is_capped() {
        let section = ReviewSection {
            endpoint: Some("ftp://ci/approve".into()),
            ..ReviewSection::default()
        };
        let err = Settings::from_section(
            &Locations::defaults(Path::new("/p"), None),
            section,
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("http"), "{err}");
        let section = ReviewSection {
            endpoint: Some("https://ci.example.com/approve".into()),
            endpoint_timeout_ms: Some(600_000),
            ..ReviewSection::default()
        };
        let s = settings(section, &Overrides::default());
        assert_eq!(s.endpoint_timeout, MAX_ENDPOINT_TIMEOUT);
    }

    #[test]
    fn risk_lists_parse() {
        assert_eq!(
            Overrides::parse_risks("medium, high").unwrap(),
            vec![Risk::Medium, Risk::High]
        );
        assert!(Overrides::parse_risks("severe").is_err());
    }
}
