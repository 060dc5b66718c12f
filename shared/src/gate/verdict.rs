//! What the gate concluded about one tool call, and why.

use serde::Serialize;

use super::decision::Conclusion;
use crate::classify::Risk;
use crate::protocol::PermissionDecision;

/// The gate's opinion, ordered from loosest to strictest: when several parts of a call get
/// different opinions, the strictest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Opinion {
    /// Let the call go ahead without a prompt.
    Allow,
    /// No opinion (`{}`): Claude Code's own rules and prompt decide.
    None,
    /// Let a person decide.
    Ask,
    /// Cancel the call.
    Deny,
}

impl Opinion {
    /// `allow`, `none`, `ask` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::None => "none",
            Self::Ask => "ask",
            Self::Deny => "deny",
        }
    }

    /// The `PreToolUse` decision, or `None` for no opinion.
    pub fn permission_decision(self) -> Option<PermissionDecision> {
        match self {
            Self::Allow => Some(PermissionDecision::Allow),
            Self::None => None,
            Self::Ask => Some(PermissionDecision::Ask),
            Self::Deny => Some(PermissionDecision::Deny),
        }
    }
}

/// Which stage of the pipeline decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The input filter found a secret.
    Secret,
    /// A deny, ask or allow rule of the policy.
    Rule,
    /// A write to a protected path.
    Protected,
    /// The built-in classifier.
    Classifier,
    /// Nothing recognised the call.
    Unrecognised,
}

/// The gate's conclusion about one tool call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The opinion.
    pub opinion: Opinion,
    /// The opinion of stage 2, before the modes adjusted it.
    pub classified: Opinion,
    /// What decided.
    pub basis: Basis,
    /// What the pipeline concluded, which the decision table turned into the opinion.
    #[serde(skip)]
    pub conclusion: Option<Conclusion>,
    /// The highest risk the classifier saw, if it looked.
    pub risk: Option<Risk>,
    /// The rule or class id that decided.
    pub rule_id: Option<String>,
    /// Where that rule came from: `file:line`, or `built-in classifier`.
    pub rule_source: Option<String>,
    /// The reason, for the user.
    pub reason: String,
    /// The message, for the model (what was blocked and not to work around it).
    pub message: String,
    /// The secret kinds the input filter found (never the secrets).
    pub secrets: Vec<String>,
    /// How the call was read, one line each: simple commands, rule hits, classifier trace,
    /// mode adjustments.
    pub trace: Vec<String>,
    /// The denial was turned into an ask after repeated denials in the session.
    pub escalated: bool,
}

impl Verdict {
    pub(crate) fn new(opinion: Opinion, basis: Basis) -> Self {
        Self {
            opinion,
            classified: opinion,
            basis,
            conclusion: None,
            risk: None,
            rule_id: None,
            rule_source: None,
            reason: String::new(),
            message: String::new(),
            secrets: Vec::new(),
            trace: Vec::new(),
            escalated: false,
        }
    }

    /// The text for the reply: the model's message for a deny, the user's reason otherwise,
    /// tagged with the rule id.
    pub fn reply_text(&self) -> String {
        let text = if self.opinion == Opinion::Deny && !self.message.is_empty() {
            &self.message
        } else {
            &self.reason
        };
        match &self.rule_id {
            Some(id) => format!("{text} [hookkit: {id}]"),
            None => text.clone(),
        }
    }

    /// The stage-2 label for `explain`: `HIGH`, `MEDIUM`, `LOW`, `RULE`, `PROTECTED`,
    /// `SECRET` or `UNRECOGNISED`.
    pub fn label(&self) -> &'static str {
        match (self.basis, self.risk) {
            (Basis::Secret, _) => "SECRET",
            (Basis::Rule, _) => "RULE",
            (Basis::Protected, _) => "PROTECTED",
            (Basis::Classifier, Some(Risk::High)) => "HIGH",
            (Basis::Classifier, Some(Risk::Medium)) => "MEDIUM",
            (Basis::Classifier, Some(Risk::Low)) => "LOW",
            (Basis::Classifier | Basis::Unrecognised, _) => "UNRECOGNISED",
        }
    }
}
