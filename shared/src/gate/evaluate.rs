//! The gate's pipeline for one tool call, in the order Claude Code documents.
//!
//! 1. Input filter: a secret in what the call writes or sends denies it.
//! 2. Action classification: deny rules, then ask rules, then the protected set (hookkit's
//!    own files, Claude Code's settings, key material and what runs later are refused; other
//!    protected paths need a person, whatever the allow rules say), then allow rules, then the
//!    built-in classifier. A Bash
//!    line is split into its simple commands (nested ones included): a deny or ask rule
//!    matches when any of them matches; an allow rule must cover each of them. Every simple
//!    command gets an opinion and the strictest wins: deny > ask > no opinion > allow.
//! 3. Modes: every conclusion becomes an answer through the decision table
//!    ([`super::decision`]), which reads the gate mode, `high_risk` and the session's
//!    permission mode.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::decision::{Conclusion, Situation};
use super::egress::{self, Leak};
use super::protected::{self as protection, Found};
use super::verdict::{Basis, Opinion, Verdict};
use crate::classify::{self, Assessment, Context, Risk, catalog};
use crate::policy::{CallFacts, Policy, Rule, RuleDecision};
use crate::protect::{Level, ProtectedSet};
use crate::protocol::{FileAccess, ToolCall, ToolView};
use crate::shell::{self, Command, Origin, RedirectKind};
use crate::{Error, Result};

/// One tool call to decide, with where it happens.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The call.
    pub call: &'a ToolCall,
    /// The whole hook input, for jq conditions.
    pub hook_input: &'a Value,
    /// The session cwd.
    pub cwd: &'a Path,
    /// The session's permission mode, if sent.
    pub permission_mode: Option<&'a str>,
    /// What the agent must not change (or, for key material, read), anchored at this run's
    /// locations.
    pub protected: &'a ProtectedSet,
}

/// Decides one tool call. An input the gate cannot read (a known tool without its required
/// field, a command that does not parse, a rule that fails) is an error: the caller answers
/// with the failure decision.
pub fn evaluate(policy: &Policy, request: &Request<'_>) -> Result<Verdict> {
    let view = request.call.view().map_err(Error::Other)?;
    let situation = Situation::new(
        policy.gate.mode,
        policy.gate.high_risk,
        request.permission_mode,
    );
    let hosts = &policy.gate.allowed_hosts;
    let review_ports = egress::review_ports(policy);
    // A Bash line is parsed once; every stage reads the same commands. A line that does not
    // parse is still searched for what would leave, before the error decides.
    let commands = match &view {
        ToolView::Bash(bash) => match shell::parse(&bash.command) {
            Ok(commands) => Some(commands),
            Err(error) => {
                return match egress::check(request.call, &view, None, hosts, &review_ports) {
                    Some(leak) => Ok(leak_verdict(request.call, &leak, situation)),
                    None => Err(error),
                };
            }
        },
        _ => None,
    };
    if let Some(leak) = egress::check(
        request.call,
        &view,
        commands.as_deref(),
        hosts,
        &review_ports,
    ) {
        return Ok(leak_verdict(request.call, &leak, situation));
    }
    let facts = CallFacts::new(
        request.call,
        &view,
        request.hook_input,
        request.cwd,
        policy.home.as_deref(),
    );
    let stage = Stage {
        policy,
        request,
        facts: &facts,
        situation,
        commands: commands.as_deref(),
        assessment: OnceCell::new(),
    };
    let mut verdict = match stage.commands {
        Some(commands) => stage.bash(commands)?,
        None => stage.other()?,
    };
    if matches!(view, ToolView::PowerShell(_)) && verdict.opinion == Opinion::None {
        // PowerShell that the classifier does not understand is not run unread.
        verdict = stage.unreadable("a PowerShell command the classifier does not understand");
    }
    verdict.classified = verdict.opinion;
    Ok(verdict)
}

/// Stage 1's verdict: what leaves that must not.
fn leak_verdict(call: &ToolCall, leak: &Leak, situation: Situation) -> Verdict {
    let (conclusion, rule_id, reason, message) = match leak {
        Leak::Secret(kinds) => {
            let list = kinds.join(", ");
            (
                Conclusion::Secret,
                format!("secrets.{}", kinds[0]),
                format!(
                    "the {} input contains a secret ({list}); it was not written or sent",
                    call.name
                ),
                format!(
                    "Blocked: this {} call contains a secret ({list}). Do not write, send or echo \
                     secrets, and do not try to work around this block; ask the user to provide \
                     the secret another way, for example through an environment variable.",
                    call.name
                ),
            )
        }
        Leak::Metadata(host) => (
            Conclusion::Secret,
            "egress.metadata".to_owned(),
            format!(
                "the call reaches `{host}`, a cloud metadata or link-local address that hands out \
                 the machine's credentials"
            ),
            format!(
                "Blocked: `{host}` is a cloud metadata or link-local address. Do not try to reach \
                 it another way; ask the user."
            ),
        ),
        Leak::ReviewService(address) => (
            Conclusion::Protected,
            "hookkit.review-service".to_owned(),
            format!(
                "the call reaches hookkit's review service at `{address}`; reviews are decided \
                 by people on its page, never by the agent"
            ),
            format!(
                "Blocked: `{address}` is hookkit's review service. Do not call it or reach it \
                 another way; a person decides reviews there. Tell the user what you need \
                 approved."
            ),
        ),
        Leak::QueryData(host) => {
            let reason = format!(
                "the fetch carries data in its query to `{host}`, which is not an allowed host"
            );
            let message = default_message(&reason);
            (
                Conclusion::DataOut,
                "egress.query-data".to_owned(),
                reason,
                message,
            )
        }
    };
    let mut verdict = Verdict::new(situation.opinion(conclusion), Basis::Secret);
    verdict.conclusion = Some(conclusion);
    verdict.rule_id = Some(rule_id);
    verdict.rule_source = Some("built-in input filter".into());
    verdict.reason = reason;
    verdict.message = message;
    if let Leak::Secret(kinds) = leak {
        verdict.secrets.clone_from(kinds);
    }
    verdict
}

struct Stage<'a> {
    policy: &'a Policy,
    request: &'a Request<'a>,
    facts: &'a CallFacts<'a>,
    situation: Situation,
    /// The Bash line's simple commands, parsed once.
    commands: Option<&'a [Command]>,
    /// The classifier's assessment, made at most once.
    assessment: OnceCell<Assessment>,
}

impl Stage<'_> {
    fn bash(&self, commands: &[Command]) -> Result<Verdict> {
        let mut trace: Vec<String> = commands.iter().map(describe_command).collect();
        for decision in [RuleDecision::Deny, RuleDecision::Ask] {
            for rule in self.policy.rules_deciding(decision) {
                for command in commands {
                    if rule.matches_command(self.facts, command)? {
                        trace.push(format!("rule {} matches `{}`", rule.id, command.text));
                        return Ok(with_trace(self.rule_verdict(rule)?, trace));
                    }
                }
            }
        }
        let touches = &self.assessment()?.touches;
        if let Some(found) =
            protection::bash_hit(self.request.protected, commands, touches, &self.context())
        {
            let verdict = self.protected_or_stricter(&found, &mut trace)?;
            return Ok(with_trace(verdict, trace));
        }
        let mut allowed: Vec<Option<&Rule>> = Vec::with_capacity(commands.len());
        for command in commands {
            let mut hit = None;
            for rule in self.policy.rules_deciding(RuleDecision::Allow) {
                if rule.matches_command(self.facts, command)? {
                    trace.push(format!("rule {} allows `{}`", rule.id, command.text));
                    hit = Some(rule);
                    break;
                }
            }
            allowed.push(hit);
        }
        if !commands.is_empty()
            && let Some(Some(first)) = allowed.first()
            && allowed.iter().all(Option::is_some)
        {
            return Ok(with_trace(self.rule_verdict(first)?, trace));
        }
        let assessment = self.assessment()?;
        trace.extend(assessment.trace.iter().map(|t| format!("classifier: {t}")));
        let mut best: Option<Verdict> = None;
        let mut skip: Vec<&str> = Vec::new();
        for (command, rule) in commands.iter().zip(&allowed) {
            if let Some(rule) = rule {
                skip.push(&command.text);
                best = Some(stricter(best, self.rule_verdict(rule)?));
            }
        }
        let verdict = self.classifier_verdict(assessment, &skip, best);
        Ok(with_trace(verdict, trace))
    }

    fn other(&self) -> Result<Verdict> {
        let mut trace = Vec::new();
        if let Some(path) = &self.facts.file_path {
            trace.push(format!("path: {}", path.display()));
        }
        for decision in [RuleDecision::Deny, RuleDecision::Ask] {
            for rule in self.policy.rules_deciding(decision) {
                if rule.matches_call(self.facts)? {
                    trace.push(format!("rule {} matches", rule.id));
                    return Ok(with_trace(self.rule_verdict(rule)?, trace));
                }
            }
        }
        let set = self.request.protected;
        let found = match self.facts.view {
            ToolView::File { .. } => protection::file_hit(set, self.facts.view, self.request.cwd),
            ToolView::Mcp { .. } => protection::mcp_hit(set, self.request.call, &self.context()),
            _ => None,
        };
        if let Some(found) = found {
            let verdict = self.protected_or_stricter(&found, &mut trace)?;
            return Ok(with_trace(verdict, trace));
        }
        for rule in self.policy.rules_deciding(RuleDecision::Allow) {
            if rule.matches_call(self.facts)? {
                trace.push(format!("rule {} allows", rule.id));
                return Ok(with_trace(self.rule_verdict(rule)?, trace));
            }
        }
        let assessment = self.assessment()?;
        trace.extend(assessment.trace.iter().map(|t| format!("classifier: {t}")));
        Ok(with_trace(
            self.classifier_verdict(assessment, &[], None),
            trace,
        ))
    }

    /// A protected path needs a person at least; when the classifier's answer is stricter (a
    /// deny for high risk where the path only needs a person), that wins. On a tie the
    /// protected set names the reason: it says what is protected.
    fn protected_or_stricter(&self, found: &Found, trace: &mut Vec<String>) -> Result<Verdict> {
        let assessment = self.assessment()?;
        trace.push(format!("`{}` touches: {}", found.by, found.hit.describe()));
        trace.extend(assessment.trace.iter().map(|t| format!("classifier: {t}")));
        let mut protected = self.protected_verdict(found);
        let classified = self.classifier_verdict(assessment, &[], None);
        if classified.opinion > protected.opinion {
            return Ok(classified);
        }
        if classified.opinion == protected.opinion && classified.basis == Basis::Classifier {
            // Both stop it: the classifier says what the command does, the set what it touches.
            protected.reason = format!("{}; {}", classified.reason, found.hit.describe());
            protected.message = classified.message;
        }
        Ok(protected)
    }

    /// Combines the classifier's findings (minus the commands an allow rule covers) with what
    /// was already decided; the strictest wins.
    fn classifier_verdict(
        &self,
        assessment: &Assessment,
        skip: &[&str],
        mut best: Option<Verdict>,
    ) -> Verdict {
        for finding in &assessment.findings {
            if skip.contains(&finding.subject.as_str()) {
                continue;
            }
            let conclusion = match finding.effect {
                catalog::Effect::Unreadable => Conclusion::Unreadable,
                effect => Conclusion::Classified {
                    risk: finding.risk,
                    effect,
                },
            };
            let mut verdict = Verdict::new(self.situation.opinion(conclusion), Basis::Classifier);
            verdict.conclusion = Some(conclusion);
            verdict.risk = Some(finding.risk);
            verdict.rule_id = Some(finding.class.clone());
            verdict.rule_source = Some("built-in classifier".into());
            verdict.reason = if finding.reason.is_empty() {
                format!("{} risk: {}", finding.risk.as_str(), finding.subject)
            } else {
                finding.reason.clone()
            };
            verdict.message = if finding.message.is_empty() {
                default_message(&verdict.reason)
            } else {
                finding.message.clone()
            };
            best = Some(stricter(best, verdict));
        }
        for action in &assessment.unrecognised {
            if skip.contains(&action.as_str()) {
                continue;
            }
            let mut verdict = Verdict::new(Opinion::None, Basis::Unrecognised);
            verdict.conclusion = Some(Conclusion::Unrecognised);
            verdict.reason = format!("not recognised: {action}");
            best = Some(stricter(best, verdict));
        }
        best.unwrap_or_else(|| {
            let mut verdict = Verdict::new(Opinion::None, Basis::Unrecognised);
            verdict.reason = "nothing to assess".into();
            verdict
        })
    }

    /// Whether the call only reads: a file read, a fetch or search, or a command line that
    /// writes no file by redirection and whose every part the classifier knows as a read (low
    /// risk alone is not enough: `make`, `mkdir` and `rm -rf build` are low risk and write).
    fn read_only(&self) -> Result<bool> {
        Ok(match self.facts.view {
            ToolView::File { access, .. } => *access == FileAccess::Read,
            ToolView::WebFetch(_) | ToolView::WebSearch(_) => true,
            ToolView::Bash(_) => {
                let writes_a_file = self.commands.unwrap_or_default().iter().any(|command| {
                    command.redirects.iter().any(|r| {
                        matches!(
                            r.kind,
                            RedirectKind::Write | RedirectKind::Append | RedirectKind::ReadWrite
                        ) && r.target != "/dev/null"
                    })
                });
                if writes_a_file {
                    return Ok(false);
                }
                let assessment = self.assessment()?;
                assessment.unrecognised.is_empty()
                    && assessment
                        .findings
                        .iter()
                        .all(|f| f.risk == Risk::Low && is_read_class(&f.class))
            }
            _ => false,
        })
    }

    /// The verdict of a matching rule; an allow rule in plan mode allows only a read.
    fn rule_verdict(&self, rule: &Rule) -> Result<Verdict> {
        let conclusion = match rule.decision {
            RuleDecision::Deny => Conclusion::RuleDeny,
            RuleDecision::Ask => Conclusion::RuleAsk,
            RuleDecision::Allow => Conclusion::RuleAllow {
                reads: self.situation.plan && self.read_only()?,
            },
        };
        let mut verdict = Verdict::new(self.situation.opinion(conclusion), Basis::Rule);
        verdict.conclusion = Some(conclusion);
        verdict.rule_id = Some(rule.id.clone());
        verdict.rule_source = Some(rule.source.to_string());
        verdict.reason = rule.reason.clone().unwrap_or_else(|| match rule.decision {
            RuleDecision::Deny => format!("denied by policy rule `{}`", rule.id),
            RuleDecision::Ask => format!("policy rule `{}` asks for confirmation", rule.id),
            RuleDecision::Allow => format!("allowed by policy rule `{}`", rule.id),
        });
        verdict.message = rule
            .message
            .clone()
            .unwrap_or_else(|| default_message(&verdict.reason));
        Ok(verdict)
    }

    /// The verdict of a call that touches the protected set: what is refused is refused in
    /// every mode; the rest needs a person.
    fn protected_verdict(&self, found: &Found) -> Verdict {
        let conclusion = match found.hit.level {
            Level::Refuse => Conclusion::Protected,
            Level::Confirm => Conclusion::ProtectedMaybe,
        };
        let mut verdict = Verdict::new(self.situation.opinion(conclusion), Basis::Protected);
        verdict.conclusion = Some(conclusion);
        verdict.rule_id = Some(format!("protected:{}", found.hit.entry));
        verdict.rule_source = Some("protected set".into());
        verdict.reason = format!(
            "`{}` touches a protected path: {}; the agent does not change hookkit's own files, \
             Claude Code's settings or what runs later, and does not read key material",
            shorten(&found.by),
            found.hit.describe()
        );
        verdict.message = default_message(&verdict.reason);
        verdict
    }

    /// A verdict for a call the gate cannot account for.
    fn unreadable(&self, reason: &str) -> Verdict {
        let mut verdict = Verdict::new(
            self.situation.opinion(Conclusion::Unreadable),
            Basis::Unrecognised,
        );
        verdict.conclusion = Some(Conclusion::Unreadable);
        verdict.rule_id = Some("unreadable".into());
        verdict.rule_source = Some("built-in classifier".into());
        reason.clone_into(&mut verdict.reason);
        verdict.message = default_message(reason);
        verdict
    }

    /// The classifier's assessment of the call, made on first use.
    fn assessment(&self) -> Result<&Assessment> {
        if let Some(assessment) = self.assessment.get() {
            return Ok(assessment);
        }
        let ctx = self.context();
        let assessment = match self.commands {
            Some(commands) => classify::assess_parsed(self.request.call, commands, &ctx)?,
            None => classify::assess(self.request.call, &ctx)?,
        };
        Ok(self.assessment.get_or_init(|| assessment))
    }

    fn context(&self) -> Context {
        Context {
            cwd: self.request.cwd.to_path_buf(),
            project_dir: self.policy.project_dir.clone(),
            home: self.policy.home.clone(),
            allowed_hosts: self.policy.gate.allowed_hosts.clone(),
        }
    }
}

/// Whether a classifier class only reads: `read.*`, `<area>.read` and `web.search`.
fn is_read_class(class: &str) -> bool {
    class.starts_with("read.")
        || class == "web.search"
        || class
            .split_once('.')
            .is_some_and(|(_, kind)| kind == "read")
}

/// The stricter of two verdicts; on a tie, the higher risk (so a medium-risk allow is logged),
/// else the first.
fn stricter(current: Option<Verdict>, candidate: Verdict) -> Verdict {
    match current {
        None => candidate,
        Some(current) => {
            if (candidate.opinion, candidate.risk) > (current.opinion, current.risk) {
                candidate
            } else {
                current
            }
        }
    }
}

/// At most 120 characters of a command for a reason line.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn default_message(reason: &str) -> String {
    format!(
        "Blocked by the hookkit policy: {reason}. Do not try to work around this block or reach \
         the same result another way; if the action is needed, ask the user."
    )
}

fn with_trace(mut verdict: Verdict, trace: Vec<String>) -> Verdict {
    verdict.trace = trace;
    verdict
}

fn describe_command(command: &Command) -> String {
    let mut line = format!("command: {}", command.text);
    if !command.wrappers.is_empty() {
        let _ = write!(
            line,
            " (wrappers {} removed: runs `{}`)",
            command.wrappers.join(", "),
            command.effective.join(" ")
        );
    }
    if let Origin::Nested(how) = &command.origin {
        let _ = write!(line, " (nested in {how})");
    }
    line
}
