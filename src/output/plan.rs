//! How a plan reads before an action: the count, a breakdown by url, status and label, a few
//! sample ids; and `--dry-run`'s output in every format.

use std::io::Write;

use super::json_line;
use super::text::safe;
use super::{Format, Output};
use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::bulk::plan::Plan;

pub fn describe(verb: Verb, source: Source, n: Option<usize>) -> String {
    let kind = match (source, n) {
        (Source::Qstash, Some(1)) => "QStash message",
        (Source::Qstash, _) => "QStash messages",
        (Source::Workflow, Some(1)) if verb == Verb::Callback => "failure callback",
        (Source::Workflow, _) if verb == Verb::Callback => "failure callbacks",
        (Source::Workflow, Some(1)) => "failed workflow run",
        (Source::Workflow, _) => "failed workflow runs",
    };
    match n {
        Some(n) => format!("{n} {kind}"),
        None => kind.trim_end_matches('s').to_string(),
    }
}

/// "3 QStash messages and 2 failed workflow runs": a plan may hold ids of both DLQs.
pub fn describe_counts(verb: Verb, counts: &[(Source, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| describe(verb, *s, Some(*n)))
        .collect();
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(" and ")
    }
}

pub fn title(verb: Verb) -> &'static str {
    match verb {
        Verb::Retry => "Retry",
        Verb::Delete => "Delete",
        Verb::Resume => "Resume",
        Verb::Restart => "Restart",
        Verb::Callback => "Re-run",
    }
}

pub fn past(verb: Verb) -> &'static str {
    match verb {
        Verb::Retry => "retried",
        Verb::Delete => "deleted",
        Verb::Resume => "resumed",
        Verb::Restart => "restarted",
        Verb::Callback => "called back",
    }
}

/// The plan for people: what matches, where, and a breakdown by url, status and label.
pub fn plan_text(action: &Action, plan: &Plan, target: &str) -> String {
    let mut s = format!(
        "{}: {} match on {target}{}\n",
        action.verb.name(),
        describe_counts(action.verb, &plan.counts()),
        if plan.limited {
            " (cut at --limit)"
        } else {
            ""
        }
    );
    let group = |name: &str, g: &[(String, u64)]| -> String {
        if g.is_empty() {
            return String::new();
        }
        let items: Vec<String> = g
            .iter()
            .map(|(k, n)| format!("{} ({n})", safe(k)))
            .collect();
        format!("  by {name:<8}{}\n", items.join(", "))
    };
    s.push_str(&group("url", &plan.breakdown.urls));
    s.push_str(&group("status", &plan.breakdown.statuses));
    s.push_str(&group("label", &plan.breakdown.labels));
    let sample: Vec<String> = plan.ids().take(3).map(|i| safe(i).into_owned()).collect();
    s.push_str(&format!("  e.g.     {}\n", sample.join(", ")));
    s
}

/// `--dry-run`: the plan on stdout, in the output format.
pub fn print_plan(out: &Output, action: &Action, plan: &Plan, target: &str) -> std::io::Result<()> {
    let mut w = out.stdout();
    match out.format {
        Format::Json => {
            let ids: Vec<&String> = plan.ids().collect();
            let doc = serde_json::json!({
                "verb": action.verb, "source": action.source, "count": plan.len(),
                "target": target, "parts": plan.parts, "missing": plan.missing,
                "limited": plan.limited, "breakdown": plan.breakdown, "ids": ids,
            });
            json_line(&mut w, &doc)?;
        }
        Format::Ndjson => {
            for id in plan.ids() {
                json_line(&mut w, &serde_json::json!({ "dlqId": id }))?;
            }
        }
        Format::Ids => {
            for id in plan.ids() {
                writeln!(w, "{}", safe(id))?;
            }
        }
        Format::Table => {
            write!(w, "{}", plan_text(action, plan, target))?;
            writeln!(w, "dry run: nothing was changed")?;
        }
    }
    w.flush()?;
    Ok(())
}
