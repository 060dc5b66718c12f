//! The gate's policy: settings and rules read from the layered policy files, and matching them
//! against tool calls with Claude Code's semantics.
//!
//! [`Policy::load`] reads every layer once per process ([`config::Discovery`]). Rule lists are
//! merged across layers and keep their layer order; the gate checks every deny rule before any
//! ask rule and every ask rule before any allow rule, so an allow in a later layer can never
//! override a deny or ask of an earlier one, and a deny anywhere wins. Each rule keeps its id
//! and the file and line it came from.

mod call;
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
pub(crate) use path::{Anchors, PathPattern, normalise};
pub use rule::{Rule, RuleDecision, RuleSource};
pub use settings::{AuditSettings, GateSettings, HighRisk, LogAllows, Mode};

use crate::config::{self, Discovery, Layer, LayerSource};
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
    /// The files that were read, lowest first (`<built-in>` first).
    pub sources: Vec<String>,
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
        let mut gate: GateSettings = config::section(layers, "gate")?;
        gate.protected_paths = union_of_lists(layers, "gate", "protected_paths")?;
        let audit: AuditSettings = config::section(layers, "audit")?;
        let mut rules = Vec::new();
        let mut table_ids: HashMap<String, RuleSource> = HashMap::new();
        for layer in layers {
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
        })
    }

    /// The rules that decide `decision`, in layer order.
    pub fn rules_deciding(&self, decision: RuleDecision) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.decision == decision)
    }
}

/// The failure decision to use when the policy could not be loaded: the `on_error` of the
/// layers that still parse (a later layer overriding an earlier one), else `ask`.
pub fn failure_decision_despite_errors(discovery: &Discovery) -> FailureDecision {
    let mut texts = vec![config::BUILT_IN.to_owned()];
    let files = match &discovery.explicit {
        Some(path) => vec![path.clone()],
        None => [
            discovery
                .home
                .as_ref()
                .map(|h| h.join(".claude").join("hookkit.toml")),
            Some(discovery.project_dir.join(".claude").join("hookkit.toml")),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    texts.extend(files.iter().filter_map(|f| std::fs::read_to_string(f).ok()));
    let mut decision = FailureDecision::Ask;
    for text in texts {
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        match table
            .get("gate")
            .and_then(|g| g.get("on_error"))
            .and_then(toml::Value::as_str)
        {
            Some("deny") => decision = FailureDecision::Deny,
            Some("ask") => decision = FailureDecision::Ask,
            _ => {}
        }
    }
    decision
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

fn union_of_lists(layers: &[Layer], section: &str, key: &str) -> Result<Vec<String>> {
    let mut all: Vec<String> = Vec::new();
    for layer in layers {
        let Some(value) = layer.table.get(section).and_then(|s| s.get(key)) else {
            continue;
        };
        let list: Vec<String> = value.clone().try_into().map_err(|e: toml::de::Error| {
            policy_error(layer, format!("[{section}] {key}: {}", e.message()))
        })?;
        for item in list {
            if !all.contains(&item) {
                all.push(item);
            }
        }
    }
    Ok(all)
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
