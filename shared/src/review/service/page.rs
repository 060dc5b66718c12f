//! The review page: plain server-rendered HTML, a little CSS, no JavaScript. Every value from a
//! queue item, the audit trail or a request is escaped.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::auth::Session;
use crate::review::queue::{Item, Status};
use crate::review::{format_age, summary};

/// The audit trail as the page shows it.
#[derive(Debug, Default)]
pub struct AuditView {
    /// The log file.
    pub log: String,
    /// What `verify` says, in one line.
    pub verify: String,
    /// Whether the chain verified.
    pub intact: bool,
    /// The latest matching records, newest first.
    pub rows: Vec<AuditRow>,
    /// The filters in force: decision, tool, rule, session.
    pub filters: [String; 4],
}

/// One audit record on the page.
#[derive(Debug, Default)]
pub struct AuditRow {
    /// When.
    pub time: String,
    /// Which binary.
    pub binary: String,
    /// The decision.
    pub decision: String,
    /// The tool.
    pub tool: String,
    /// The redacted input summary.
    pub input: String,
    /// The rule or class.
    pub rule: String,
    /// The session.
    pub session: String,
    /// The redacted reason.
    pub reason: String,
}

/// Everything the page shows.
#[derive(Debug)]
pub struct View<'a> {
    /// Items waiting for a decision, oldest first.
    pub pending: Vec<&'a Item>,
    /// Recently decided items, newest first.
    pub decided: Vec<&'a Item>,
    /// The logged-in reviewer, if any.
    pub session: Option<&'a Session>,
    /// The audit trail.
    pub audit: &'a AuditView,
    /// The service's key id.
    pub key_id: &'a str,
    /// The queue directory.
    pub queue: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:64rem;padding:0 .75rem 3rem;color:#1b1b1b;background:#fafafa}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid #ddd;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.8rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .6rem}h3{font-size:1rem;margin:0 0 .4rem;word-break:break-word}
.item{background:#fff;border:1px solid #ddd;border-left:4px solid #b36b00;border-radius:6px;padding:.75rem;margin:.75rem 0}
.item.high{border-left-color:#b00020}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.4rem 0;font-size:.9rem}
dt{color:#555}dd{margin:0;word-break:break-all}
pre{background:#f3f3f3;padding:.5rem;border-radius:4px;overflow-x:auto;white-space:pre-wrap;word-break:break-word;font-size:.85rem;max-height:24rem}
form.decide{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
input[type=text],input[type=password],select{font:inherit;padding:.3rem .4rem;border:1px solid #bbb;border-radius:4px;min-width:0}
input.reason{flex:1 1 12rem}
button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid #888;background:#eee;cursor:pointer}
button.approve{background:#e6f4ea;border-color:#1e7e34}button.deny{background:#fdecea;border-color:#b00020}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
td.wrap{word-break:break-word;min-width:12rem}
.ok{color:#1e7e34}.bad{color:#b00020;font-weight:bold}.muted{color:#666;font-size:.9rem}
form.filters{display:flex;flex-wrap:wrap;gap:.4rem;margin:.5rem 0}
form.filters input{width:9rem}
";

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>",
        escape(title)
    );
}

/// The review page.
pub fn render(view: &View<'_>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    head(&mut out, "hookkit review");
    out.push_str("<header><h1>hookkit review</h1><div class=\"muted\">");
    match view.session {
        Some(session) => {
            let _ = write!(
                out,
                "signed in as <strong>{}</strong> \
                 <form method=\"post\" action=\"/logout\" style=\"display:inline\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <button type=\"submit\">Log out</button></form>",
                escape(&session.reviewer),
                escape(&session.csrf)
            );
        }
        None => out.push_str("<a href=\"/login\">Log in to decide</a>"),
    }
    out.push_str("</div></header><main>");

    let _ = write!(
        out,
        "<section id=\"pending\"><h2>Waiting for review ({})</h2>",
        view.pending.len()
    );
    if view.pending.is_empty() {
        out.push_str("<p class=\"muted\">Nothing is waiting.</p>");
    }
    for item in &view.pending {
        pending_item(&mut out, item, view);
    }
    out.push_str("</section>");

    decided(&mut out, view);
    audit(&mut out, view.audit);

    let _ = writeln!(
        out,
        "<footer class=\"muted\"><p>Queue <code>{}</code>. Decisions are signed with the \
         service key {}; hooks accept them where the user's own policy lists that key in \
         <code>[review] trusted_keys</code>.</p></footer></main></body></html>",
        escape(view.queue),
        escape(view.key_id)
    );
    out
}

fn pending_item(out: &mut String, item: &Item, view: &View<'_>) {
    let risk = item.risk.map_or("-", crate::classify::Risk::as_str);
    let input = serde_json::to_string_pretty(&item.input).unwrap_or_default();
    let age = item
        .queued_time()
        .and_then(|t| (view.now - t).to_std().ok())
        .map_or_else(|| "?".into(), format_age);
    let _ = write!(
        out,
        "<article class=\"item{}\" id=\"{id}\"><h3><code>{tool}</code> {summary}</h3><dl>\
         <dt>item</dt><dd>{id}</dd><dt>risk</dt><dd>{risk}</dd><dt>class</dt><dd>{rule}</dd>\
         <dt>reason</dt><dd>{reason}</dd><dt>session</dt><dd>{session}</dd>\
         <dt>project</dt><dd>{project}</dd><dt>cwd</dt><dd>{cwd}</dd>\
         <dt>mode</dt><dd>{mode}</dd><dt>age</dt><dd>{age} (queued {queued})</dd>\
         <dt>input sha256</dt><dd><code>{hash}</code></dd></dl>\
         <pre>{input}</pre>",
        if risk == "high" { " high" } else { "" },
        id = escape(&item.id),
        tool = escape(&item.tool),
        summary = escape(&crate::review::clip(&summary(&item.input), 160)),
        rule = escape(&item.rule),
        reason = escape(&item.reason),
        session = escape(&item.session_id),
        project = escape(item.project.as_deref().unwrap_or("-")),
        cwd = escape(&item.cwd),
        mode = escape(item.permission_mode.as_deref().unwrap_or("-")),
        queued = escape(&item.queued_at),
        hash = escape(&item.input_sha256),
        input = escape(&input),
    );
    match view.session {
        Some(session) => {
            let _ = write!(
                out,
                "<form class=\"decide\" method=\"post\" action=\"/decide\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <input type=\"hidden\" name=\"item\" value=\"{id}\">\
                 <label>for <select name=\"ttl\"><option>15m</option><option selected>1h\
                 </option><option>8h</option><option>24h</option></select></label>\
                 <button class=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">\
                 Approve</button></form>\
                 <form class=\"decide\" method=\"post\" action=\"/decide\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <input type=\"hidden\" name=\"item\" value=\"{id}\">\
                 <input class=\"reason\" type=\"text\" name=\"reason\" required \
                 placeholder=\"reason (the agent is told)\" aria-label=\"reason\">\
                 <button class=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Deny\
                 </button></form>",
                csrf = escape(&session.csrf),
                id = escape(&item.id),
            );
        }
        None => out.push_str("<p class=\"muted\"><a href=\"/login\">Log in</a> to decide.</p>"),
    }
    out.push_str("</article>");
}

fn decided(out: &mut String, view: &View<'_>) {
    out.push_str("<section id=\"decided\"><h2>Recent decisions</h2>");
    if view.decided.is_empty() {
        out.push_str("<p class=\"muted\">None yet.</p></section>");
        return;
    }
    out.push_str(
        "<div class=\"table\"><table><thead><tr><th>item</th><th>decision</th><th>by</th>\
         <th>tool</th><th>call</th><th>reason</th><th>when</th><th>state</th></tr></thead>\
         <tbody>",
    );
    for item in &view.decided {
        let state = if item.replaced_by.is_some() {
            format!(
                "replaced by {}",
                item.replaced_by.as_deref().unwrap_or_default()
            )
        } else if item.resumed_at.is_some() {
            "used".into()
        } else if item.status == Status::Approved && item.approval_expired(view.now) {
            "expired".into()
        } else if item.status == Status::Approved {
            format!("until {}", item.expires_at.as_deref().unwrap_or("?"))
        } else {
            "-".into()
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td>\
             <td class=\"wrap\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&item.id),
            escape(item.status.as_str()),
            escape(item.decided_by.as_deref().unwrap_or("-")),
            escape(&item.tool),
            escape(&crate::review::clip(&summary(&item.input), 120)),
            escape(item.decision_reason.as_deref().unwrap_or("")),
            escape(item.decided_at.as_deref().unwrap_or("-")),
            escape(&state),
        );
    }
    out.push_str("</tbody></table></div></section>");
}

fn audit(out: &mut String, audit: &AuditView) {
    let _ = write!(
        out,
        "<section id=\"audit\"><h2>Audit trail</h2><p>Log <code>{}</code>: \
         <span class=\"{}\">{}</span></p>",
        escape(&audit.log),
        if audit.intact { "ok" } else { "bad" },
        escape(&audit.verify)
    );
    let [decision, tool, rule, session] = &audit.filters;
    let _ = write!(
        out,
        "<form class=\"filters\" method=\"get\" action=\"/#audit\">\
         <select name=\"decision\" aria-label=\"decision\">{}</select>\
         <input type=\"text\" name=\"tool\" placeholder=\"tool\" value=\"{}\">\
         <input type=\"text\" name=\"rule\" placeholder=\"rule\" value=\"{}\">\
         <input type=\"text\" name=\"session\" placeholder=\"session\" value=\"{}\">\
         <button type=\"submit\">Filter</button></form>",
        ["", "deny", "ask", "defer", "allow", "approve"]
            .iter()
            .fold(String::new(), |mut options, d| {
                let _ = write!(
                    options,
                    "<option value=\"{d}\"{}>{}</option>",
                    if d == decision { " selected" } else { "" },
                    if d.is_empty() { "any decision" } else { d }
                );
                options
            }),
        escape(tool),
        escape(rule),
        escape(session)
    );
    if audit.rows.is_empty() {
        out.push_str("<p class=\"muted\">No records match.</p></section>");
        return;
    }
    out.push_str(
        "<div class=\"table\"><table><thead><tr><th>time</th><th>decision</th><th>tool</th>\
         <th>call</th><th>rule</th><th>session</th><th>by</th><th>reason</th></tr></thead>\
         <tbody>",
    );
    for row in &audit.rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"wrap\">{}</td></tr>",
            escape(&row.time),
            escape(&row.decision),
            escape(&row.tool),
            escape(&row.input),
            escape(&row.rule),
            escape(&crate::review::clip(&row.session, 12)),
            escape(&row.binary),
            escape(&crate::review::clip(&row.reason, 200)),
        );
    }
    out.push_str("</tbody></table></div></section>");
}

/// The login form, with an error to show.
pub fn login(error: Option<&str>) -> String {
    let mut out = String::new();
    head(&mut out, "hookkit review: log in");
    out.push_str("<header><h1>hookkit review</h1></header><main><h2>Log in to decide</h2>");
    if let Some(error) = error {
        let _ = write!(out, "<p class=\"bad\">{}</p>", escape(error));
    }
    out.push_str(
        "<form method=\"post\" action=\"/login\" class=\"decide\">\
         <input type=\"text\" name=\"name\" placeholder=\"reviewer\" aria-label=\"reviewer\" \
         autocomplete=\"username\" required>\
         <input type=\"password\" name=\"secret\" placeholder=\"secret\" aria-label=\"secret\" \
         autocomplete=\"current-password\" required>\
         <button type=\"submit\">Log in</button></form>\
         <p class=\"muted\">A reviewer's secret comes from <code>defer-for-review reviewer add \
         NAME</code> on the machine that runs the service.</p><p><a href=\"/\">Back to the \
         queue</a></p></main></body></html>\n",
    );
    out
}

/// A short page that says what happened.
pub fn message(title: &str, text: &str) -> String {
    let mut out = String::new();
    head(&mut out, title);
    let _ = writeln!(
        out,
        "<header><h1>hookkit review</h1></header><main><h2>{}</h2><p>{}</p>\
         <p><a href=\"/\">Back to the queue</a></p></main></body></html>",
        escape(title),
        escape(text)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_become_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn an_item_that_carries_markup_is_shown_as_text() {
        let item: Item = serde_json::from_value(serde_json::json!({
            "id": "abc123", "status": "pending", "session_id": "<b>s</b>",
            "tool_use_id": "t", "cwd": "/p\"><script>x()</script>", "permission_mode": null,
            "tool": "Bash<img src=x onerror=y>", "summary": "<i>s</i>",
            "input": {"command": "echo '<script>alert(1)</script>'"},
            "input_sha256": "0", "rule": "r<", "risk": null, "reason": "<u>why</u>",
            "queued_at": "2026-11-21T10:00:00.000Z", "last_answer": "defer"
        }))
        .unwrap();
        let audit = AuditView {
            rows: vec![AuditRow {
                input: "<script>".into(),
                ..AuditRow::default()
            }],
            filters: [
                "\"><script>".into(),
                String::new(),
                String::new(),
                String::new(),
            ],
            ..AuditView::default()
        };
        let session = Session {
            reviewer: "<alice>".into(),
            csrf: "\"token\"".into(),
            expires: std::time::Instant::now(),
        };
        let page = render(&View {
            pending: vec![&item],
            decided: vec![&item],
            session: Some(&session),
            audit: &audit,
            key_id: "k",
            queue: "<q>",
            now: Utc::now(),
        });
        for raw in [
            "<script",
            "<b>",
            "<img",
            "<i>",
            "<u>",
            "<alice>",
            "\"token\"",
        ] {
            assert!(!page.contains(raw), "{raw} leaked into the page");
        }
        assert!(page.contains("name=\"viewport\""));
    }
}
