//! Hook replies: the one JSON object a hook prints on stdout with exit 0.

use serde::Serialize;
use serde_json::Value;

/// A `PreToolUse` permission decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionDecision {
    /// Skip the permission prompt (rules still apply after it).
    Allow,
    /// Go through the normal permission flow with the reason shown.
    Ask,
    /// Stop a `claude -p` run until the call is reviewed.
    Defer,
    /// Cancel the call; the reason goes to the model.
    Deny,
}

impl PermissionDecision {
    /// The wire spelling: `allow`, `ask`, `defer`, `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Ask => "ask",
            Self::Defer => "defer",
            Self::Deny => "deny",
        }
    }
}

/// The top-level `decision` field, used to block prompts and stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TopLevelDecision {
    /// Block the prompt, stop, or tool result; `reason` explains.
    Block,
}

/// A hook reply. Build one with the constructors; an empty reply serialises as `{}`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// `false` stops Claude after this hook.
    #[serde(rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_: Option<bool>,
    /// Shown to the user when `continue` is `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    /// A warning shown to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_message: Option<String>,
    /// The top-level decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<TopLevelDecision>,
    /// The reason for the top-level decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The event-specific part; its `hookEventName` echoes the input's event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook_specific_output: Option<Value>,
}

impl Reply {
    /// No opinion: `{}`.
    pub fn no_opinion() -> Self {
        Self::default()
    }

    /// A `PreToolUse` permission decision with its reason.
    pub fn permission(event_name: &str, decision: PermissionDecision, reason: &str) -> Self {
        Self::specific(serde_json::json!({
            "hookEventName": event_name,
            "permissionDecision": decision.as_str(),
            "permissionDecisionReason": reason,
        }))
    }

    /// A `PermissionRequest` allow.
    pub fn permission_request_allow(event_name: &str) -> Self {
        Self::specific(serde_json::json!({
            "hookEventName": event_name,
            "decision": { "behavior": "allow" },
        }))
    }

    /// A `PermissionRequest` deny; `message` goes to the model, `interrupt` also ends the turn.
    pub fn permission_request_deny(event_name: &str, message: &str, interrupt: bool) -> Self {
        let mut decision = serde_json::json!({ "behavior": "deny", "message": message });
        if interrupt {
            decision["interrupt"] = Value::Bool(true);
        }
        Self::specific(serde_json::json!({ "hookEventName": event_name, "decision": decision }))
    }

    /// A `PermissionDenied` answer: whether the model may retry another way.
    pub fn permission_denied_retry(event_name: &str, retry: bool) -> Self {
        Self::specific(serde_json::json!({ "hookEventName": event_name, "retry": retry }))
    }

    /// Context added for the model (`UserPromptSubmit`, `SessionStart`, `PostToolUse`, ...).
    pub fn additional_context(event_name: &str, context: &str) -> Self {
        Self::specific(serde_json::json!({
            "hookEventName": event_name,
            "additionalContext": context,
        }))
    }

    /// A top-level block: erases a prompt, keeps a session from stopping, or flags a result.
    pub fn block(reason: &str) -> Self {
        Self {
            decision: Some(TopLevelDecision::Block),
            reason: Some(reason.to_owned()),
            ..Self::default()
        }
    }

    /// Adds a warning shown to the user.
    #[must_use]
    pub fn with_system_message(mut self, message: &str) -> Self {
        self.system_message = Some(message.to_owned());
        self
    }

    /// Adds `additionalContext` to an existing event-specific part.
    #[must_use]
    pub fn with_additional_context(mut self, context: &str) -> Self {
        if let Some(Value::Object(map)) = &mut self.hook_specific_output {
            map.insert(
                "additionalContext".into(),
                Value::String(context.to_owned()),
            );
        }
        self
    }

    /// The `PreToolUse` permission decision this reply carries, if any.
    pub fn permission_decision(&self) -> Option<&str> {
        self.hook_specific_output
            .as_ref()?
            .get("permissionDecision")?
            .as_str()
    }

    fn specific(value: Value) -> Self {
        Self {
            hook_specific_output: Some(value),
            ..Self::default()
        }
    }

    /// The compact JSON text of this reply.
    pub fn to_json(&self) -> String {
        // A struct of strings, bools and JSON values always serialises.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_opinion_is_an_empty_object() {
        assert_eq!(Reply::no_opinion().to_json(), "{}");
    }

    #[test]
    fn permission_echoes_the_event_name() {
        let json = Reply::permission("PreToolUse", PermissionDecision::Deny, "no").to_json();
        assert_eq!(
            json,
            r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}"#
        );
    }

    #[test]
    fn permission_request_deny_with_interrupt() {
        let json = Reply::permission_request_deny("PermissionRequest", "stop", true).to_json();
        assert!(
            json.contains(r#""decision":{"behavior":"deny","interrupt":true,"message":"stop"}"#),
            "{json}"
        );
    }

    #[test]
    fn block_is_top_level() {
        assert_eq!(
            Reply::block("secret").to_json(),
            r#"{"decision":"block","reason":"secret"}"#
        );
    }
}
