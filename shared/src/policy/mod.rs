//! The gate's policy: settings and rules read from the layered policy files, and matching them
//! against tool calls with Claude Code's semantics.
//!
//! [`Policy::load`] reads every layer once per process ([`crate::config::Discovery`]) and merges the
//! settings by the schema's rules ([`crate::config::Effective`]). Rule lists are merged across layers
//! and keep their layer order; the gate checks every deny rule before any ask rule and every ask
//! rule before any allow rule, so an allow in a later layer can never override a deny or ask of
//! an earlier one, and a deny anywhere wins. Allow rules of untrusted layers (the project's
//! committed file) are not read at all: a repository can add restrictions, never permissions.
//! Each rule keeps its id and the file and line it came from.

mod call;
mod global_options;
mod path;
mod permission_match;
mod rule;
mod settings;
mod table;
mod wildcard;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

pub use call::CallFacts;
pub use rule::{Rule, RuleDecision, RuleSource};
pub use settings::{AuditSettings, GateSettings, HighRisk, LogAllows, Mode};

use crate::config::{Discovery, Effective, Layer, LayerSource, Trust};
use crate::permission::PermissionRule;
use crate::{Error, FailureDecision, Result};
use permission_match::PermissionMatcher;
use rule::Matcher;
use table::{TableRule, TableRuleSpec};

/// The gate's whole policy, layers merged.
#[derive(Debug)]
pub struct Policy {
    /// `[gate]`.
    pub gate: GateSettings,
    /// `[audit]`.
    pub audit: AuditSettings,
    /// Every rule, in layer order (lowest first), then in file order.
    pub rules: Vec<Rule>,
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home, if known.
    pub home: Option<PathBuf>,
    /// The files that were read, lowest first (`<built-in>` first), with their kind.
    pub sources: Vec<String>,
    /// The merged settings, and what untrusted layers set that was not honoured.
    pub effective: Effective,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PermissionsTable {
    deny: Vec<String>,
    ask: Vec<String>,
    allow: Vec<String>,
}

impl Policy {
    /// Reads every layer that applies and builds the policy.
    pub fn load(discovery: &Discovery) -> Result<Self> {
        let layers = discovery.load()?;
        Self::from_layers(&layers, &discovery.project_dir, discovery.home.as_deref())
    }

    /// Builds the policy from layers already read.
    pub fn from_layers(layers: &[Layer], project_dir: &Path, home: Option<&Path>) -> Result<Self> {
        let effective = Effective::of(layers)?;
        let gate: GateSettings = effective.section("gate")?;
        let audit: AuditSettings = effective.section("audit")?;
        let mut rules = Vec::new();
        for layer in layers {
            // Ids are unique within a file; a project file reusing a user rule's id must not
            // make the whole policy fail.
            let mut table_ids: HashMap<String, RuleSource> = HashMap::new();
            let root = settings_root(&layer.source, project_dir, home);
            let text: Arc<str> = Arc::from(layer.text.as_str());
            read_permissions(layer, &text, &root, &mut rules)?;
            read_table_rules(layer, &text, &root, &mut rules, &mut table_ids)?;
        }
        Ok(Self {
            gate,
            audit,
            rules,
            project_dir: project_dir.to_path_buf(),
            home: home.map(Path::to_path_buf),
            sources: layers.iter().map(|l| l.source.to_string()).collect(),
            effective,
        })
    }

    /// The rules that decide `decision`, in layer order.
    pub fn rules_deciding(&self, decision: RuleDecision) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.decision == decision)
    }
}

/// The failure decision to use when the policy could not be loaded: the strictest `on_error`
/// among the layers that still parse (trusted layers override one another, an untrusted layer
/// can only make it stricter), else `ask`. A broken project file therefore never downgrades the
/// user's `deny`.
pub fn failure_decision_despite_errors(discovery: &Discovery) -> FailureDecision {
    let (layers, _) = discovery.load_lenient();
    let mut trusted = FailureDecision::Ask;
    let mut strictest_untrusted = FailureDecision::Ask;
    for layer in &layers {
        let value = match layer.table.get("gate").and_then(|g| g.get("on_error")) {
            Some(toml::Value::String(v)) if v == "deny" => FailureDecision::Deny,
            Some(toml::Value::String(v)) if v == "ask" => FailureDecision::Ask,
            _ => continue,
        };
        match layer.trust() {
            Trust::Trusted => trusted = value,
            Trust::Untrusted => strictest_untrusted = strictest_untrusted.max(value),
        }
    }
    trusted.max(strictest_untrusted)
}

/// What `/x` in a layer's path patterns is relative to: home for the user file, the project
/// for every other layer.
fn settings_root(source: &LayerSource, project_dir: &Path, home: Option<&Path>) -> PathBuf {
    match (source, home) {
        (LayerSource::User(_), Some(home)) => home.to_path_buf(),
        _ => project_dir.to_path_buf(),
    }
}

fn policy_error(layer: &Layer, message: String) -> Error {
    Error::Policy {
        path: layer
            .source
            .path()
            .map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf),
        message,
    }
}

fn read_permissions(
    layer: &Layer,
    file_text: &Arc<str>,
    root: &Path,
    rules: &mut Vec<Rule>,
) -> Result<()> {
    let Some(value) = layer.table.get("permissions") else {
        return Ok(());
    };
    let table: PermissionsTable = value.clone().try_into().map_err(|e: toml::de::Error| {
        policy_error(layer, format!("[permissions]: {}", e.message()))
    })?;
    for (decision, list) in [
        (RuleDecision::Deny, &table.deny),
        (RuleDecision::Ask, &table.ask),
        (RuleDecision::Allow, &table.allow),
    ] {
        if decision == RuleDecision::Allow && layer.trust() == Trust::Untrusted {
            // Reported by `config::Effective` as ignored; never read.
            continue;
        }
        for text in list {
            let parsed = PermissionRule::parse(text).map_err(|e| {
                policy_error(
                    layer,
                    format!("[permissions] {}: `{text}`: {e}", decision.as_str()),
                )
            })?;
            let source = RuleSource::new(layer.source.to_string(), Arc::clone(file_text), text);
            let matcher = PermissionMatcher::new(parsed, root, decision == RuleDecision::Allow);
            rules.push(Rule::new(
                text.clone(),
                decision,
                source,
                None,
                None,
                Matcher::Permission(matcher),
            ));
        }
    }
    Ok(())
}

fn read_table_rules(
    layer: &Layer,
    file_text: &Arc<str>,
    root: &Path,
    rules: &mut Vec<Rule>,
    ids: &mut HashMap<String, RuleSource>,
) -> Result<()> {
    let Some(value) = layer.table.get("rule") else {
        return Ok(());
    };
    let specs: Vec<TableRuleSpec> = value
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| policy_error(layer, format!("[[rule]]: {}", e.message())))?;
    for spec in specs {
        if spec.decision == RuleDecision::Allow && layer.trust() == Trust::Untrusted {
            // Reported by `config::Effective` as ignored; never read.
            continue;
        }
        if spec.id.trim().is_empty() {
            return Err(policy_error(layer, "[[rule]] with an empty `id`".into()));
        }
        let source = RuleSource::new(layer.source.to_string(), Arc::clone(file_text), &spec.id);
        if let Some(first) = ids.get(&spec.id) {
            return Err(policy_error(
                layer,
                format!(
                    "[[rule]] id `{}` at {source} is already used at {first}",
                    spec.id
                ),
            ));
        }
        ids.insert(spec.id.clone(), source.clone());
        let matcher = TableRule::new(&spec, root);
        rules.push(Rule::new(
            spec.id,
            spec.decision,
            source,
            spec.reason,
            spec.message,
            Matcher::Table(matcher),
        ));
    }
    Ok(())
}
