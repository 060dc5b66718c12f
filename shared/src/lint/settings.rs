//! Checks of a Claude Code settings file or a plugin `hooks/hooks.json`: JSON syntax, known
//! keys, `permissions` and `defaultMode`; hooks are checked by [`super::hooks`].

use super::finding::{Sink, offset_of};
use super::json::{self, Node, Value};
use super::rules::{self, RuleList, RuleSite};
use super::{FileKind, Options, SourceFile, hooks, suggest};

/// Top-level settings keys Claude Code 2.1.329 knows.
const SETTINGS_KEYS: &[&str] = &[
    "$schema",
    "advisorModel",
    "agent",
    "agentPushNotifEnabled",
    "allowAllClaudeAiMcps",
    "allowManagedHooksOnly",
    "allowManagedMcpServersOnly",
    "allowManagedPermissionRulesOnly",
    "allowedChannelPlugins",
    "allowedHttpHookUrls",
    "allowedMcpServers",
    "alwaysThinkingEnabled",
    "apiKeyHelper",
    "askUserQuestionTimeout",
    "attribution",
    "autoCompactEnabled",
    "autoConnectIde",
    "autoInstallIdeExtension",
    "autoMemoryDirectory",
    "autoMemoryEnabled",
    "autoMode",
    "autoScrollEnabled",
    "autoUpdatesChannel",
    "availableModels",
    "awaySummaryEnabled",
    "awsAuthRefresh",
    "awsCredentialExport",
    "axScreenReader",
    "blockedMarketplaces",
    "browserExternalPageTools",
    "channelsEnabled",
    "claudeMd",
    "claudeMdExcludes",
    "cleanupPeriodDays",
    "companyAnnouncements",
    "defaultShell",
    "deniedMcpServers",
    "diffTool",
    "disableAgentView",
    "disableAllHooks",
    "disableArtifact",
    "disableAutoMode",
    "disableBrowserExternalNavigation",
    "disableBundledSkills",
    "disableClaudeAiConnectors",
    "disableDeepLinkRegistration",
    "disableMobileSimulatorTools",
    "disableRemoteControl",
    "disableSideloadFlags",
    "disableSkillShellExecution",
    "disableWorkflows",
    "disabledMcpjsonServers",
    "editorMode",
    "effortLevel",
    "emojiCompletionEnabled",
    "enableAllProjectMcpServers",
    "enableArtifact",
    "enabledMcpjsonServers",
    "enabledPlugins",
    "enforceAvailableModels",
    "env",
    "externalEditorContext",
    "extraKnownMarketplaces",
    "fallbackModel",
    "fastMode",
    "fastModePerSessionOptIn",
    "feedbackSurveyRate",
    "fileCheckpointingEnabled",
    "fileSuggestion",
    "footerLinksRegexes",
    "forceLoginGatewayUrl",
    "forceLoginMethod",
    "forceLoginOrgUUID",
    "forceRemoteSettingsRefresh",
    "gcpAuthRefresh",
    "hooks",
    "httpHookAllowedEnvVars",
    "includeCoAuthoredBy",
    "includeGitInstructions",
    "inputNeededNotifEnabled",
    "language",
    "managedMcpServers",
    "minimumVersion",
    "model",
    "modelOverrides",
    "otelHeadersHelper",
    "outputStyle",
    "parentSettingsBehavior",
    "permissionExplainerEnabled",
    "permissions",
    "plansDirectory",
    "pluginConfigs",
    "pluginSuggestionMarketplaces",
    "pluginTrustMessage",
    "policyHelper",
    "prUrlTemplate",
    "preferredNotifChannel",
    "prefersReducedMotion",
    "processWrapper",
    "remoteControlAtStartup",
    "requireCoworkFullVmSandbox",
    "requiredMaximumVersion",
    "requiredMinimumVersion",
    "respectGitignore",
    "respondToBashCommands",
    "sandbox",
    "showClearContextOnPlanAccept",
    "showThinkingSummaries",
    "showTurnDuration",
    "skillListingBudgetFraction",
    "skillListingMaxDescChars",
    "skillOverrides",
    "skipDangerousModePermissionPrompt",
    "skipWebFetchPreflight",
    "skippedMarketplaces",
    "skippedPlugins",
    "spinnerTipsEnabled",
    "spinnerTipsOverride",
    "spinnerVerbs",
    "sshConfigs",
    "sshHostAllowlist",
    "statusLine",
    "strictKnownMarketplaces",
    "strictPluginOnlyCustomization",
    "subagentStatusLine",
    "syntaxHighlightingDisabled",
    "teammateDefaultModel",
    "teammateMode",
    "terminalProgressBarEnabled",
    "theme",
    "tui",
    "useAutoModeDuringPlan",
    "verbose",
    "viewMode",
    "vimInsertModeRemaps",
    "voice",
    "voiceEnabled",
    "wheelScrollAccelerationEnabled",
    "workflowKeywordTriggerEnabled",
    "workflowSizeGuideline",
    "worktree",
    "wslInheritsWindowsSettings",
];

/// Keys of the `permissions` object.
const PERMISSION_KEYS: &[&str] = &[
    "allow",
    "ask",
    "deny",
    "defaultMode",
    "disableBypassPermissionsMode",
    "disableAutoMode",
    "additionalDirectories",
];

/// Top-level keys of a plugin's `hooks/hooks.json`.
const PLUGIN_KEYS: &[&str] = &["description", "hooks"];

/// The `defaultMode` values Claude Code 2.1.329 validates (`manual` is an alias of `default`).
pub(crate) const DEFAULT_MODES: &[&str] = &[
    "default",
    "acceptEdits",
    "plan",
    "dontAsk",
    "bypassPermissions",
    "auto",
    "manual",
];

/// Checks one settings or plugin hooks file; collects its permission rules into `sites`.
pub(crate) fn check(
    file: &SourceFile,
    options: &Options,
    sink: &mut Sink<'_>,
    sites: &mut Vec<RuleSite>,
) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&file.text) {
        let offset = offset_of(&file.text, e.line(), e.column().max(1));
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        sink.report("HK001", offset, format!("invalid JSON: {message}"));
        return;
    }
    let root = match json::parse(&file.text) {
        Ok(root) => root,
        Err((offset, message)) => {
            sink.report("HK001", offset, format!("invalid JSON: {message}"));
            return;
        }
    };
    if !matches!(root.value, Value::Object(_)) {
        sink.report(
            "HK004",
            root.start,
            format!("the file must hold a JSON object, not {}", root.type_name()),
        );
        return;
    }
    let known = if file.kind == FileKind::PluginHooks {
        PLUGIN_KEYS
    } else {
        SETTINGS_KEYS
    };
    for (key, _) in root.members() {
        if known.contains(&key.name.as_str()) {
            continue;
        }
        if file.kind == FileKind::PluginHooks && hooks::EVENTS.contains(&key.name.as_str()) {
            sink.report_fix(
                "HK003",
                key.start,
                format!(
                    "event `{}` at the top level of a plugin hooks file: Claude Code rejects it",
                    key.name
                ),
                Some("move the event under `\"hooks\": { ... }`"),
            );
            continue;
        }
        unknown_key(sink, key, "settings key", known);
    }
    if file.kind == FileKind::Settings {
        check_hook_environment(file, options, &root, sink);
    }
    let broken_guard = root
        .get("hooks")
        .is_some_and(|hooks_node| hooks::check(file, options, hooks_node, sink));
    if let Some(permissions) = root.get("permissions") {
        check_permissions(file, permissions, sink, sites);
        if broken_guard {
            let key = root
                .members()
                .iter()
                .find(|(k, _)| k.name == "permissions")
                .map_or(permissions.start, |(k, _)| k.start);
            sink.report_fix(
                "HK115",
                key,
                "a broken PreToolUse or PermissionRequest hook entry in this file makes Claude Code skip these permissions",
                Some("fix or remove the hook entries reported above"),
            );
        }
    }
}

/// Whether `file` is a project's committed `.claude/settings.json` (found for the project, or
/// named on the command line), as opposed to the user's or an uncommitted local file.
fn is_committed(file: &SourceFile, options: &Options) -> bool {
    if file.layer == "project" {
        return true;
    }
    let dot_claude = file.path.parent();
    file.layer == "file"
        && file.path.file_name().is_some_and(|n| n == "settings.json")
        && dot_claude
            .and_then(|d| d.file_name())
            .is_some_and(|n| n == ".claude")
        && options
            .home
            .as_ref()
            .is_none_or(|home| dot_claude != Some(home.join(".claude").as_path()))
}

/// `disableAllHooks` anywhere, and a committed `env` block that steers what every hook runs
/// with.
fn check_hook_environment(file: &SourceFile, options: &Options, root: &Node, sink: &mut Sink<'_>) {
    if let Some(off) = root.get("disableAllHooks")
        && off.value == Value::Bool(true)
    {
        sink.report_fix(
            "HK118",
            off.start,
            "`disableAllHooks` is true: no hook runs, hookkit's guards included",
            Some("remove the key (or set it to false)"),
        );
    }
    if !is_committed(file, options) {
        return;
    }
    let Some(env) = root.get("env") else { return };
    for (key, _) in env.members() {
        let name = key.name.as_str();
        if name.starts_with("HOOKKIT_") || crate::wiring::status::STEERING_VARIABLES.contains(&name)
        {
            sink.report_fix(
                "HK117",
                key.start,
                format!(
                    "the committed settings set `{name}` in `env`: Claude Code passes it to every \
                     hook, whoever opens the repository"
                ),
                Some("set it in your own ~/.claude/settings.json or your shell, not in the repository"),
            );
        }
    }
}

/// Reports an unknown key with the nearest known one.
pub(crate) fn unknown_key(sink: &mut Sink<'_>, key: &json::Key, what: &str, known: &[&str]) {
    let hint = suggest::did_you_mean(&key.name, known);
    sink.report_fix(
        "HK003",
        key.start,
        format!("unknown {what} `{}`", key.name),
        hint,
    );
}

fn check_permissions(
    file: &SourceFile,
    permissions: &Node,
    sink: &mut Sink<'_>,
    sites: &mut Vec<RuleSite>,
) {
    if !matches!(permissions.value, Value::Object(_)) {
        sink.report(
            "HK004",
            permissions.start,
            format!(
                "`permissions` must be an object, not {}",
                permissions.type_name()
            ),
        );
        return;
    }
    for (key, value) in permissions.members() {
        let list = match key.name.as_str() {
            "allow" => RuleList::Allow,
            "ask" => RuleList::Ask,
            "deny" => RuleList::Deny,
            "defaultMode" => {
                check_default_mode(value, sink);
                continue;
            }
            name if PERMISSION_KEYS.contains(&name) => continue,
            _ => {
                unknown_key(sink, key, "permissions key", PERMISSION_KEYS);
                continue;
            }
        };
        let Some(items) = value.as_array() else {
            sink.report(
                "HK004",
                value.start,
                format!(
                    "`permissions.{}` must be an array of rules, not {}",
                    key.name,
                    value.type_name()
                ),
            );
            continue;
        };
        for item in items {
            let Some(text) = item.as_str() else {
                sink.report(
                    "HK004",
                    item.start,
                    format!(
                        "a permission rule must be a string, not {}",
                        item.type_name()
                    ),
                );
                continue;
            };
            let site =
                rules::check_rule(text, list, sink, &|col| item.string_offset(&file.text, col));
            sites.extend(site);
        }
    }
}

fn check_default_mode(value: &Node, sink: &mut Sink<'_>) {
    let mode = value.as_str().unwrap_or("");
    if !DEFAULT_MODES.contains(&mode) {
        let hint = suggest::did_you_mean(mode, DEFAULT_MODES)
            .unwrap_or_else(|| format!("use one of {}", DEFAULT_MODES.join(", ")));
        let shown = match &value.value {
            Value::String(s) => format!("`{s}`"),
            _ => value.type_name().to_owned(),
        };
        sink.report_fix(
            "HK208",
            value.start,
            format!("invalid `defaultMode` {shown}"),
            Some(hint),
        );
    }
}
