//! Every finding id `rules-lint` can report, with its severity and long description.
//!
//! Ids are stable: a number is never reused for a different problem. `HK0xx` are file-level
//! problems, `HK1xx` hooks, `HK2xx` permission rules, `HK3xx` bypassable rules, `HK4xx`
//! hookkit policy files and `HK5xx` results of `--verify`.

use super::Severity;

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The stable id.
    pub id: &'static str,
    /// Its default severity.
    pub severity: Severity,
    /// A short name, used as the SARIF rule name.
    pub title: &'static str,
    /// The long description printed by `rules-lint --explain ID`.
    pub explain: &'static str,
}

const fn entry(
    id: &'static str,
    severity: Severity,
    title: &'static str,
    explain: &'static str,
) -> Entry {
    Entry {
        id,
        severity,
        title,
        explain,
    }
}

use Severity::{Error, Info, Warning};

/// The whole catalogue, in id order.
pub const ENTRIES: &[Entry] = &[
    entry(
        "HK001",
        Error,
        "json-syntax",
        "The settings or hooks file is not valid JSON. Claude Code cannot read it, so none of its permissions or hooks apply. The position is where the JSON reader stopped; the real mistake (a missing comma, a trailing comma, an unquoted key) is usually there or just before it.",
    ),
    entry(
        "HK002",
        Error,
        "toml-syntax",
        "The hookkit policy file is not valid TOML. Every hookkit binary that reads it fails safe (asks or denies) until it is fixed.",
    ),
    entry(
        "HK003",
        Warning,
        "unknown-key",
        "A key that Claude Code does not know in a settings or plugin hooks file. It is ignored, so whatever it was meant to configure does not happen. Usually a typo: the message names the nearest known key. (An unknown key in a hookkit policy file is HK407: the binaries refuse the file.) Settings keys are checked against the keys known to Claude Code 2.1.329; a key added by a newer release may show up here too.",
    ),
    entry(
        "HK004",
        Error,
        "wrong-type",
        "A key holds a value of the wrong type, for example a string where a list of rules is expected. Claude Code rejects or ignores the value.",
    ),
    entry(
        "HK101",
        Error,
        "unknown-hook-event",
        "A key under `hooks` that is not one of the 33 hook events Claude Code 2.1.329 knows (PreToolUse, PostToolUse, ... MessageDisplay). Event names are case-sensitive. `claude doctor` reports it as an invalid setting and the hooks under it never run.",
    ),
    entry(
        "HK102",
        Error,
        "bad-hook-handler",
        "A hook handler whose `type` is missing or unknown (Claude Code knows `command`, `prompt`, `agent`, `http` and `mcp_tool`), that lacks the field its type needs (`command`, `prompt`, `url`, `server` and `tool`), or that uses `prompt`/`agent` on SessionStart, Setup or SubagentStart where they are not allowed. Claude Code rejects the entry.",
    ),
    entry(
        "HK103",
        Error,
        "bad-hook-timeout",
        "A hook `timeout` that is not a number greater than 0. The timeout is in seconds; Claude Code rejects other values.",
    ),
    entry(
        "HK104",
        Warning,
        "hook-timeout-range",
        "A hook timeout above the 600-second default (a hung hook then stalls the agent for longer than Claude Code would allow by default), or a guard hook (PreToolUse, PermissionRequest) whose timeout is under 2 seconds, less than the budget the gate needs on a cold start. A timed-out guard lets the call through unless `onFailure` is `block`.",
    ),
    entry(
        "HK105",
        Error,
        "bad-matcher-regex",
        "A matcher that is neither `*` nor a list of names is a JavaScript regular expression tested unanchored against the tool name (or the event's own matcher field). If it does not compile, the group never runs; Claude Code only logs a debug line. rules-lint checks the regex with a Rust engine close to JavaScript's syntax; lookaround and backreferences, which JavaScript accepts, are reported as info rather than errors.",
    ),
    entry(
        "HK106",
        Error,
        "rule-syntax-matcher",
        "A matcher written in permission-rule syntax such as `Bash(git *)`. Matchers are compared with the tool name only, so this is read as a regex that never equals `Bash`: the group never runs. Use `\"matcher\": \"Bash\"` and put `\"if\": \"Bash(git *)\"` on the handler.",
    ),
    entry(
        "HK107",
        Warning,
        "matcher-matches-nothing",
        "A matcher that names an MCP server alone (`mcp__github`) or a hyphenated name (`mcp__brave-search`). Since 2.1.195 such names are compared exactly, and no tool is called just `mcp__server`, so the group never runs. Use `mcp__server__.*` to match every tool of the server.",
    ),
    entry(
        "HK108",
        Warning,
        "matcher-ignored",
        "A matcher on an event that has none (UserPromptSubmit, Stop, TeammateIdle, TaskCreated, TaskCompleted, PostToolBatch, CwdChanged, WorktreeCreate, WorktreeRemove, MessageDisplay). Claude Code ignores it and runs the group for every occurrence of the event.",
    ),
    entry(
        "HK109",
        Error,
        "hook-command-missing",
        "The program a command hook runs does not exist or is not executable. Without `\"onFailure\": \"block\"`, Claude Code reports a non-blocking error and carries on, so a guard that cannot start lets every call through; with it, every call the hook guards is blocked (for a UserPromptSubmit hook, every prompt) until the program is there. rules-lint resolves `$CLAUDE_PROJECT_DIR`, `${CLAUDE_PLUGIN_ROOT}` and `~`, looks bare names up in PATH, and for shell-form commands checks the first word.",
    ),
    entry(
        "HK110",
        Warning,
        "slow-hook-launcher",
        "A PreToolUse hook started through `npx -y`, `uvx` or `pipx run`. These resolve (and may download) the package on every tool call, which costs seconds per call and fails when the network does. Install the tool and call it directly.",
    ),
    entry(
        "HK111",
        Warning,
        "guard-fails-open",
        "A guard hook (PreToolUse or PermissionRequest) without `\"onFailure\": \"block\"`. If it crashes, times out or prints invalid JSON, Claude Code treats that as a non-blocking error and lets the call go ahead.",
    ),
    entry(
        "HK112",
        Error,
        "if-never-runs",
        "A handler with `if` on an event that does not evaluate it. `if` is evaluated only on PreToolUse, PostToolUse, PostToolUseFailure, PermissionRequest and PermissionDenied; elsewhere a hook with `if` never runs.",
    ),
    entry(
        "HK113",
        Error,
        "bad-if-rule",
        "A handler `if` that is not a valid permission rule. The condition never holds, so the hook never runs.",
    ),
    entry(
        "HK114",
        Warning,
        "defer-interactive",
        "`defer-for-review` is wired into a settings file that is used interactively. Claude Code honours `defer` only in print mode (`claude -p`); interactively the defer is ignored. Wire it only in the settings given to headless runs (`claude -p --settings headless.json`).",
    ),
    entry(
        "HK115",
        Error,
        "broken-guard-voids-permissions",
        "A broken PreToolUse or PermissionRequest hook entry makes Claude Code skip every permission rule in the same settings file until it is fixed (`claude doctor`: nothing it sits in is applied). The deny rules of that file are not enforced.",
    ),
    entry(
        "HK116",
        Info,
        "hook-exec-form",
        "An informational note about how a hook command will be spawned, for example a shell-form command whose first word could not be resolved statically (a variable or a subshell).",
    ),
    entry(
        "HK117",
        Warning,
        "settings-env-steers-hooks",
        "A committed project settings file (`.claude/settings.json`) whose `env` block sets `HOOKKIT_*`, `PATH`, `BASH_ENV`, `ENV` or `HOME`. Claude Code passes a project's `env` block to every hook, even in a project whose folder was never trusted: `PATH` decides which program a bare hook command runs, `BASH_ENV` is sourced by Claude Code's own shell, and `HOOKKIT_*` would steer hookkit. hookkit's hooks only let such variables tighten (and its wiring uses absolute commands), but the repository should not be setting them.",
    ),
    entry(
        "HK118",
        Error,
        "hooks-disabled",
        "A settings file with `\"disableAllHooks\": true`. No hook runs, hookkit's guards included, so nothing checks tool calls. In a committed project file it switches off the guards of everyone who opens the repository.",
    ),
    entry(
        "HK201",
        Error,
        "rule-syntax",
        "A permission rule Claude Code rejects: `Bash(:*)`, `:*` not at the end, text after the closing `)`, unbalanced or unescaped parentheses, a lowercase tool name, a URL in `WebFetch(...)`, parentheses on an MCP rule, `:*` on a file tool. An invalid rule makes Claude Code skip the permissions of the whole settings file, so the other rules of the file do not apply either.",
    ),
    entry(
        "HK202",
        Warning,
        "rule-colon",
        "A Bash rule with a `:` that is not the final `:*`, as in `Bash(docker run node:20)`, `Bash(curl localhost:8080)` or a URL. Claude Code's rule syntax gives `:` a meaning (the legacy prefix marker and the `param:value` form), and such rules do not match the commands they read as: the rule is dead. Write a wildcard rule around the colon (`Bash(docker run *)`) or let pretooluse-gate decide.",
    ),
    entry(
        "HK203",
        Warning,
        "duplicate-rule",
        "The same rule appears twice in the same list, or in the same list of another settings layer. The copy does nothing.",
    ),
    entry(
        "HK204",
        Warning,
        "allow-shadowed-by-deny",
        "An allow rule that a deny rule (in the same or another layer) fully covers. Deny always wins, so the allow never takes effect.",
    ),
    entry(
        "HK205",
        Warning,
        "allow-voided-by-ask",
        "An allow rule that an ask rule fully covers. Rules are evaluated deny, then ask, then allow, so the call is still asked: the allow never takes effect.",
    ),
    entry(
        "HK206",
        Warning,
        "allow-broader-than-it-reads",
        "An allow rule that matches far more than it looks like: `Bash` or `Bash(*)` allows every command; a `*` in the middle (`Bash(git * main)`) is anchored only at the ends, so it also matches `git push --force origin main`; a legacy prefix also matches through `xargs`.",
    ),
    entry(
        "HK207",
        Warning,
        "allow-runs-anything",
        "An allow rule for a program that runs other programs: shells (`bash`, `sh`, `zsh`), interpreters (`python`, `node`, `ruby`, `perl`), `xargs`, `eval`, `env`, `sudo`, `exec`, `find` (with `-exec` or `-delete`). Allowing it allows whatever it is told to run. Allow the specific commands instead, or let pretooluse-gate assess them.",
    ),
    entry(
        "HK208",
        Error,
        "bad-default-mode",
        "`permissions.defaultMode` must be one of `default`, `acceptEdits`, `plan`, `dontAsk`, `bypassPermissions`, `auto` (or `manual`, an alias of `default`). Claude Code rejects other values.",
    ),
    entry(
        "HK209",
        Info,
        "file-rule-tool",
        "A file rule on `Write`, `NotebookEdit` or `Glob`. Since 2.1.210 Claude Code warns about these: `Edit(...)` rules cover every editing tool and `Read(...)` covers Read, Grep and Glob.",
    ),
    entry(
        "HK301",
        Warning,
        "bypassable-rule",
        "A Bash deny or ask rule that a trivially different spelling of the same command slips past: a flag abbreviation (`--forc`), the short flag (`-f`), a `+refspec`, bundled flags, long flags for bundled short ones, reordered or split bundles (`-fr`, `-r -f`), a flag after the operands, a wrapper (`sudo`), `bash -c '...'`, a global option (`git -C . push`), an absolute path (`/usr/bin/git`). Claude Code matches rules against the text of each sub-command after removing `VAR=value` prefixes (and, it appears, the wrappers `timeout`, `nice`, `stdbuf`, `env`, `command`, `builtin`, `noglob`, which rules-lint therefore does not report), so every other variant is a way around the rule. rules-lint generates the variants, matches them as Claude Code does and lists those the rule misses. Let pretooluse-gate own the command: it normalises wrappers, paths and flags before deciding.",
    ),
    entry(
        "HK401",
        Error,
        "bad-policy-regex",
        "A `command_regex` in a hookkit policy rule that does not compile. The gate cannot evaluate the rule and fails safe on every call it would see.",
    ),
    entry(
        "HK402",
        Error,
        "bad-policy-jq",
        "A `when` jq condition in a hookkit policy file (a `[[rule]]` `when`, or an entry of `[review] when`) that does not compile. The binaries that read the file cannot evaluate it and fail safe on every call it would see.",
    ),
    entry(
        "HK403",
        Error,
        "duplicate-policy-id",
        "Two `[[rule]]` entries with the same `id`. Ids are what `explain` and the audit trail show, so they must be unique.",
    ),
    entry(
        "HK404",
        Warning,
        "unreachable-policy-rule",
        "A `[[rule]]` that can never decide anything: an identical rule earlier already decides the same calls, or its `tools` can never satisfy its conditions (`program`, `args` and `command_regex` apply only to Bash; `paths` only to file tools).",
    ),
    entry(
        "HK405",
        Error,
        "bad-policy-value",
        "A policy key with a value outside its allowed set (`mode`, `on_error`, `high_risk`, `decision`, `log_allows`, `headless`, `risk`), a negative number, a URL that is not http(s), or a value of the wrong type, as the schema catalogue (docs/policy.md) says. The binaries refuse the file, as for HK407.",
    ),
    entry(
        "HK406",
        Error,
        "bad-policy-glob",
        "A `paths` glob in a hookkit policy file (a `[[rule]]` `paths`, or an entry of `[review] paths`) that does not compile, such as an unterminated `[`. The rule can never match a path.",
    ),
    entry(
        "HK407",
        Error,
        "policy-refused",
        "A policy file the hookkit binaries refuse to load: an unknown section or key (usually a typo, such as `escalate_afer`), or a `[project.\"<dir>\"]` section outside your own ~/.claude/hookkit.toml. A binary never guesses what a broken policy meant: until it is fixed the gate answers its failure decision (ask, or deny where nobody is at the prompt) for every call, even `ls`.",
    ),
    entry(
        "HK408",
        Warning,
        "unknown-class-id",
        "A class id in `[review] rule_ids` or in a `[[permission_denied.override]]` `rule` that the built-in classifier never reports, so the entry never matches. Class ids are listed in the class catalogue (docs/classes.md, generated from the classifier); an override may end in `*` to match every class of an area (`git.*`).",
    ),
    entry(
        "HK409",
        Warning,
        "ignored-in-project-file",
        "A project policy file (`.claude/hookkit.toml`, or `HOOKKIT_POLICY` set by a settings `env` block) sets something the binaries ignore there: an allow rule, an override that answers retry, a location or URL, an opt-in to a looser mode, a value looser than the built-in defaults and your own file, or hosts added to `allowed_hosts`. Whoever controls the repository writes that file, so it can only tighten. Opt-ins and allow rules belong in your own ~/.claude/hookkit.toml (`hookkit init --mode auto` writes an opt-in for one project there).",
    ),
    entry(
        "HK501",
        Error,
        "hook-fails-open",
        "`--verify` ran a PreToolUse hook the settings wire against a dangerous command (such as `rm -rf /`) and it let the call through: it answered allow or nothing (`{}` or empty output), or it crashed, exited with a code other than 0 or 2, or timed out without `\"onFailure\": \"block\"` (with it, Claude Code counts a failure as exit 2). Exit 2, or a deny or ask answer, is what a guard should give.",
    ),
    entry(
        "HK502",
        Warning,
        "hook-blocks-safe",
        "`--verify` ran a PreToolUse hook against a harmless command (`ls`, `git status`) and it denied it. A guard that blocks everything gets disabled; check its rules.",
    ),
];

/// The catalogue entry for `id`, if it exists (case-insensitive).
pub fn lookup(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sorted() {
        for pair in ENTRIES.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} then {}",
                pair[0].id,
                pair[1].id
            );
        }
        assert_eq!(lookup("hk201").map(|e| e.id), Some("HK201"));
    }
}
