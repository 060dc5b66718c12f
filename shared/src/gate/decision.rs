//! The decision table: what the gate answers, from what the pipeline concluded about a call,
//! the gate mode, the `high_risk` setting and the session's permission mode.
//!
//! It is the one place that turns conclusions into answers, so that every invariant can be
//! read off it (and the docs' table is generated from it):
//!
//! - **Monotone by default.** In `guard` (the default) the gate answers only `deny`, `ask` or no
//!   opinion; an `allow` comes from an allow rule in the user's own files, or from a mode the
//!   user opted into (`strict`, `auto`), which is read from the user's own files only.
//! - **Only local, reversible work runs silently.** Even in `auto`, a call whose effect reaches
//!   outside the machine, cannot be undone, or cannot be read needs a person.
//! - **An ask never runs unseen.** Where nobody is at a prompt (`bypassPermissions`,
//!   `dontAsk`, `auto`, or a mode the gate does not know), an `ask` that stands for a safety
//!   floor (a protected path, high risk, a command that cannot be read, an ask rule) becomes
//!   `deny`; an ask that only stands for a mode's extra caution becomes no opinion, leaving the
//!   call to Claude Code as if hookkit were not installed.
//! - **Escalation never opens a door.** Repeated denials turn into `ask` only where a person
//!   is at the prompt.

use std::fmt::Write as _;

use super::Opinion;
use crate::classify::Risk;
use crate::classify::catalog::Effect;
use crate::policy::{HighRisk, Mode};

/// What the pipeline concluded about one part of a call (a simple command, a path, the whole
/// call), before modes apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conclusion {
    /// What the call sends would expose a secret: a secret in what it writes or sends, or a
    /// request to a cloud metadata service.
    Secret,
    /// A fetch carries data to a host outside `allowed_hosts`.
    DataOut,
    /// A deny rule matched.
    RuleDeny,
    /// An ask rule matched.
    RuleAsk,
    /// What the protected set refuses: a change to hookkit's own files, Claude Code's
    /// settings or what runs later, or a read of key material.
    Protected,
    /// A program not known to be read-only names a protected path; or a write to a protected
    /// path of lesser weight (`.vscode/`, a policy's `protected_paths`).
    ProtectedMaybe,
    /// What the classifier cannot account for (a computed program name, an expansion it cannot
    /// resolve that decides what runs).
    Unreadable,
    /// The classifier's rating.
    Classified {
        /// The risk.
        risk: Risk,
        /// Reads, local reversible work, or something a person must decide.
        effect: Effect,
    },
    /// An allow rule from the user's own files covers this part.
    RuleAllow {
        /// The call only reads (plan mode allows nothing else).
        reads: bool,
    },
    /// Nothing recognised it.
    Unrecognised,
}

/// Whether somebody can answer a prompt in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// `default`, `acceptEdits` or `plan`: an `ask` shows a prompt (in `claude -p` it is a
    /// denial, which is stricter still).
    Person,
    /// `bypassPermissions`, `dontAsk`, `auto`, or a mode hookkit does not know: an `ask` may be
    /// decided without anyone.
    Nobody,
}

impl Presence {
    /// The presence in a session of `permission_mode` (absent counts as nobody).
    pub fn of(permission_mode: Option<&str>) -> Self {
        match permission_mode {
            Some("default" | "acceptEdits" | "plan" | "manual") => Self::Person,
            _ => Self::Nobody,
        }
    }
}

/// Everything the table reads besides the conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// The gate mode.
    pub mode: Mode,
    /// What high risk gets.
    pub high_risk: HighRisk,
    /// Whether a person can answer.
    pub presence: Presence,
    /// The session is in plan mode: nothing but reads is allowed.
    pub plan: bool,
}

impl Situation {
    /// The situation of a session in `permission_mode` under these settings.
    pub fn new(mode: Mode, high_risk: HighRisk, permission_mode: Option<&str>) -> Self {
        Self {
            mode,
            high_risk,
            presence: Presence::of(permission_mode),
            plan: permission_mode == Some("plan"),
        }
    }

    /// `ask` where a person can answer, else `deny`: for safety floors.
    fn floor(self) -> Opinion {
        match self.presence {
            Presence::Person => Opinion::Ask,
            Presence::Nobody => Opinion::Deny,
        }
    }

    /// `ask` where a person can answer, else no opinion: for a mode's extra caution.
    fn caution(self) -> Opinion {
        match self.presence {
            Presence::Person => Opinion::Ask,
            Presence::Nobody => Opinion::None,
        }
    }

    /// `allow`, unless plan mode forbids it because the call does not only read.
    fn allow(self, reads: bool) -> Opinion {
        if self.plan && !reads {
            Opinion::None
        } else {
            Opinion::Allow
        }
    }

    /// The `PreToolUse` answer for one conclusion.
    pub fn opinion(self, conclusion: Conclusion) -> Opinion {
        match conclusion {
            Conclusion::Secret | Conclusion::RuleDeny | Conclusion::Protected => Opinion::Deny,
            Conclusion::Classified {
                risk: Risk::High, ..
            } if self.high_risk == HighRisk::Deny => Opinion::Deny,
            Conclusion::RuleAsk
            | Conclusion::ProtectedMaybe
            | Conclusion::Unreadable
            | Conclusion::DataOut
            | Conclusion::Classified {
                risk: Risk::High, ..
            }
            | Conclusion::Classified {
                effect: Effect::Unreadable,
                ..
            } => self.floor(),
            Conclusion::RuleAllow { reads } => self.allow(reads),
            Conclusion::Classified { risk, effect } => self.classified(risk, effect),
            Conclusion::Unrecognised => Opinion::None,
        }
    }

    fn classified(self, risk: Risk, effect: Effect) -> Opinion {
        let reads = effect == Effect::Read;
        match (self.mode, risk, effect) {
            (Mode::Guard, _, _) => Opinion::None,
            (_, _, Effect::NeedsPerson | Effect::Unreadable) | (Mode::Strict, Risk::Medium, _) => {
                self.caution()
            }
            (Mode::Strict | Mode::Auto, _, _) => self.allow(reads),
        }
    }

    /// Whether a person's decision can settle `conclusion`: what the table asks for (or denies
    /// only because nobody is at the prompt), as opposed to what it always refuses. A signed
    /// approval of exactly this call from the review queue settles it.
    pub fn person_may_decide(self, conclusion: Conclusion) -> bool {
        match conclusion {
            Conclusion::Secret | Conclusion::RuleDeny | Conclusion::Protected => false,
            Conclusion::Classified {
                risk: Risk::High, ..
            } => self.high_risk == HighRisk::Ask,
            _ => true,
        }
    }

    /// Whether a denial of `conclusion` may be escalated to `ask` after repeated denials: only
    /// where a person is at the prompt, so that escalation never lets a call run unseen; and
    /// never for what is refused in every mode (a secret, hookkit's own files), which a run
    /// of denials must not wear down.
    pub fn may_escalate(self, conclusion: Option<Conclusion>) -> bool {
        self.presence == Presence::Person
            && !matches!(conclusion, Some(Conclusion::Secret | Conclusion::Protected))
    }

    /// The failure decision where the policy says `ask`: `deny` where nobody would see it.
    pub fn failure(self, on_error: crate::FailureDecision) -> crate::FailureDecision {
        match (on_error, self.presence) {
            (crate::FailureDecision::Ask, Presence::Person) => crate::FailureDecision::Ask,
            _ => crate::FailureDecision::Deny,
        }
    }
}

/// The answer on `PermissionRequest` (a prompt is about to be shown): Claude Code's prompt is
/// replaced only by what the gate would decide on its own: `deny` what it denies, `allow` only
/// what it allows (never by default), and no opinion otherwise, so the prompt is shown (and in
/// `claude -p`, the call is refused).
pub fn permission_request(pre_tool_use: Opinion) -> Opinion {
    match pre_tool_use {
        Opinion::Deny => Opinion::Deny,
        Opinion::Allow => Opinion::Allow,
        Opinion::Ask | Opinion::None => Opinion::None,
    }
}

/// Every conclusion the table distinguishes, for the docs and the exhaustive tests.
pub const CONCLUSIONS: &[(Conclusion, &str)] = &[
    (Conclusion::Secret, "secret or metadata request"),
    (Conclusion::DataOut, "data to a host not allowed"),
    (Conclusion::RuleDeny, "deny rule"),
    (Conclusion::RuleAsk, "ask rule"),
    (Conclusion::Protected, "touches what is refused"),
    (Conclusion::ProtectedMaybe, "names a protected path"),
    (Conclusion::Unreadable, "cannot be read"),
    (
        Conclusion::Classified {
            risk: Risk::High,
            effect: Effect::NeedsPerson,
        },
        "high risk",
    ),
    (
        Conclusion::Classified {
            risk: Risk::Medium,
            effect: Effect::NeedsPerson,
        },
        "medium, needs a person",
    ),
    (
        Conclusion::Classified {
            risk: Risk::Medium,
            effect: Effect::Local,
        },
        "medium, local",
    ),
    (
        Conclusion::Classified {
            risk: Risk::Low,
            effect: Effect::Local,
        },
        "low, local",
    ),
    (
        Conclusion::Classified {
            risk: Risk::Low,
            effect: Effect::Read,
        },
        "low, reads",
    ),
    (Conclusion::RuleAllow { reads: false }, "user allow rule"),
    (Conclusion::Unrecognised, "unrecognised"),
];

impl Conclusion {
    /// The conclusion in words, as the docs' table names it.
    pub fn describe(self) -> String {
        if let Some((_, label)) = CONCLUSIONS.iter().find(|(c, _)| *c == self) {
            return (*label).to_owned();
        }
        match self {
            Self::Classified { risk, effect } => format!(
                "{} risk, {}",
                risk.as_str(),
                match effect {
                    Effect::Read => "reads",
                    Effect::Local => "local",
                    Effect::NeedsPerson => "needs a person",
                    Effect::Unreadable => "cannot be read",
                }
            ),
            Self::RuleAllow { .. } => "user allow rule".to_owned(),
            other => format!("{other:?}"),
        }
    }
}

impl Presence {
    /// `a person at the prompt` or `nobody at the prompt`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Person => "a person at the prompt",
            Self::Nobody => "nobody at the prompt",
        }
    }
}

/// The permission modes the docs' table lists, with the presence each implies.
pub const PERMISSION_MODES: &[&str] = &[
    "default",
    "acceptEdits",
    "plan",
    "auto",
    "dontAsk",
    "bypassPermissions",
];

/// The whole table as Markdown: one block per gate mode, one row per conclusion, one column
/// per permission mode, each cell the `PreToolUse` answer (and, where it differs, the
/// `PermissionRequest` one).
pub fn markdown(high_risk: HighRisk) -> String {
    let mut out = String::new();
    for mode in [Mode::Guard, Mode::Strict, Mode::Auto] {
        let _ = writeln!(
            out,
            "\n**`mode = \"{}\"`** (`high_risk = \"{}\"`)\n",
            mode.as_str(),
            high_risk.as_str()
        );
        let _ = writeln!(out, "| conclusion | {} |", PERMISSION_MODES.join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(PERMISSION_MODES.len()));
        for (conclusion, label) in CONCLUSIONS {
            let cells: Vec<String> = PERMISSION_MODES
                .iter()
                .map(|pm| {
                    let answer = Situation::new(mode, high_risk, Some(pm)).opinion(*conclusion);
                    cell(answer)
                })
                .collect();
            let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
        }
    }
    out
}

fn cell(opinion: Opinion) -> String {
    match opinion {
        Opinion::None => "—".to_owned(),
        other => other.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_situation() -> Vec<Situation> {
        let mut all = Vec::new();
        for mode in [Mode::Guard, Mode::Strict, Mode::Auto] {
            for high_risk in [HighRisk::Deny, HighRisk::Ask] {
                for pm in PERMISSION_MODES
                    .iter()
                    .map(|m| Some(*m))
                    .chain([None, Some("later")])
                {
                    all.push(Situation::new(mode, high_risk, pm));
                }
            }
        }
        all
    }

    #[test]
    fn guard_never_allows_without_a_user_rule() {
        for s in every_situation()
            .into_iter()
            .filter(|s| s.mode == Mode::Guard)
        {
            for (conclusion, _) in CONCLUSIONS {
                if matches!(conclusion, Conclusion::RuleAllow { .. }) {
                    continue;
                }
                assert_ne!(
                    s.opinion(*conclusion),
                    Opinion::Allow,
                    "{s:?} {conclusion:?}"
                );
            }
        }
    }

    #[test]
    fn nothing_that_needs_a_person_is_allowed_in_any_mode() {
        for s in every_situation() {
            for risk in [Risk::Low, Risk::Medium, Risk::High] {
                let c = Conclusion::Classified {
                    risk,
                    effect: Effect::NeedsPerson,
                };
                assert_ne!(s.opinion(c), Opinion::Allow, "{s:?} {risk:?}");
            }
        }
    }

    #[test]
    fn no_ask_is_given_where_nobody_can_answer() {
        for s in every_situation()
            .into_iter()
            .filter(|s| s.presence == Presence::Nobody)
        {
            for (conclusion, _) in CONCLUSIONS {
                assert_ne!(s.opinion(*conclusion), Opinion::Ask, "{s:?} {conclusion:?}");
            }
            assert!(!s.may_escalate(None));
            assert_eq!(
                s.failure(crate::FailureDecision::Ask),
                crate::FailureDecision::Deny
            );
        }
    }

    #[test]
    fn floors_hold_in_every_situation() {
        for s in every_situation() {
            for c in [
                Conclusion::Secret,
                Conclusion::RuleDeny,
                Conclusion::Protected,
                Conclusion::RuleAsk,
                Conclusion::ProtectedMaybe,
                Conclusion::Unreadable,
                Conclusion::DataOut,
                Conclusion::Classified {
                    risk: Risk::High,
                    effect: Effect::NeedsPerson,
                },
            ] {
                assert!(
                    s.opinion(c) >= Opinion::Ask,
                    "{s:?} {c:?} must be at least ask"
                );
            }
        }
    }

    #[test]
    fn plan_mode_allows_only_reads() {
        let s = Situation::new(Mode::Auto, HighRisk::Deny, Some("plan"));
        let local = Conclusion::Classified {
            risk: Risk::Low,
            effect: Effect::Local,
        };
        let read = Conclusion::Classified {
            risk: Risk::Low,
            effect: Effect::Read,
        };
        assert_eq!(s.opinion(local), Opinion::None);
        assert_eq!(s.opinion(read), Opinion::Allow);
        assert_eq!(
            s.opinion(Conclusion::RuleAllow { reads: false }),
            Opinion::None
        );
    }

    #[test]
    fn permission_request_never_allows_what_pre_tool_use_would_not() {
        assert_eq!(permission_request(Opinion::Ask), Opinion::None);
        assert_eq!(permission_request(Opinion::None), Opinion::None);
        assert_eq!(permission_request(Opinion::Deny), Opinion::Deny);
    }
}
