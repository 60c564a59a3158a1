//! How a plan reads before an action: the count, a breakdown by url, status and label, a few
//! sample ids; and `--dry-run`'s output in every format.

use std::io::Write;

use super::{fit, json_line, wrap, Format, Output};
use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::bulk::journal::claims::{self, Hold, Holder};
use crate::bulk::plan::{More, Plan};
use crate::cmdline::Places;
use crate::text::{safe, width};

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
        Verb::Republish => "Republish",
    }
}

pub fn past(verb: Verb) -> &'static str {
    match verb {
        Verb::Retry => "retried",
        Verb::Delete => "deleted",
        Verb::Resume => "resumed",
        Verb::Restart => "restarted",
        Verb::Callback => "called back",
        Verb::Republish => "republished",
    }
}

/// The width of a breakdown line's label; the values of every line start after it.
const LABEL: usize = 12;

/// The plan for people: what matches, where, and a breakdown by url, status and label,
/// wrapped at `max` columns: each breakdown continues under its first value, and a value too
/// long for a line is shortened, never so two look the same.
pub fn plan_text(action: &Action, plan: &Plan, target: &str, max: usize) -> String {
    let header = format!(
        "{}: {} match on {target}{}",
        action.verb.name(),
        describe_counts(action.verb, &plan.counts()),
        if plan.limited {
            " (cut at --limit)"
        } else {
            ""
        }
    );
    let mut s = wrap::hang(&wrap::words(&header), 0, 2, max);
    s.push('\n');
    let line = |label: &str, units: Vec<String>| -> String {
        if units.is_empty() {
            return String::new();
        }
        let body = wrap::hang(&commas(units), LABEL, LABEL, max);
        format!("  {label:<w$}{body}\n", w = LABEL - 2)
    };
    let counted = |g: &[(String, u64)], more: Option<More>| -> Vec<String> {
        let values: Vec<String> = g.iter().map(|(k, _)| safe(k).into_owned()).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        // Room for the value: the line less the label and the widest ` (n),`.
        let suffix = g.iter().map(|(_, n)| n.to_string().len() + 4).max();
        let room = max.saturating_sub(LABEL + suffix.unwrap_or(0)).max(1);
        let widest = values.iter().map(|v| width(v)).max().unwrap_or(0);
        let shown = (room.min(widest)..=widest)
            .find_map(|w| fit::distinct(&values, w))
            .unwrap_or_else(|| values.iter().map(|v| v.to_string()).collect());
        let mut units: Vec<String> = shown
            .iter()
            .zip(g)
            .map(|(v, (_, n))| format!("{v} ({n})"))
            .collect();
        units.extend(more.map(|m| format!("+{} more ({})", m.groups, m.entries)));
        units
    };
    let b = &plan.breakdown;
    // Credentials in a URL are not shown (see `mask`); the plan itself keeps the URLs.
    let urls: Vec<(String, u64)> = b
        .urls
        .iter()
        .map(|(u, n)| (crate::api::mask::url(u).into_owned(), *n))
        .collect();
    s.push_str(&line("by url", counted(&urls, b.more.urls)));
    s.push_str(&line("by status", counted(&b.statuses, b.more.statuses)));
    s.push_str(&line("by label", counted(&b.labels, b.more.labels)));
    let sample = plan.ids().take(3).map(|i| safe(&i).into_owned());
    s.push_str(&line("e.g.", sample.collect()));
    s
}

/// Warns of the entries left to the jobs that keep them (even with -q: something selected
/// was not acted on).
pub fn warn_held(out: &Output, held: &[(String, Holder)], places: &Places) {
    for line in held_lines(held, places) {
        out.warn_wrapped(&line);
    }
}

/// Entries left to the jobs that keep them, one line per job: why, and the command that
/// finishes them (an unfinished job) or shows and releases them (entries left unconfirmed).
fn held_lines(held: &[(String, Holder)], places: &Places) -> Vec<String> {
    let mut lines = Vec::new();
    for (h, n) in claims::by_holder(held) {
        let job = safe(&h.job);
        let (entries, them) = match n {
            1 => ("entry", "it"),
            _ => ("entries", "them"),
        };
        let show = safe(&h.jobs_command(places, "show").to_string()).into_owned();
        let text = match h.hold {
            Hold::Unfinished => format!(
                "refused: {n} {entries} held by job {job}, which has not finished {them}; \
                 `{}` does (`{show}` shows the job)",
                safe(&h.continue_command(places).to_string())
            ),
            Hold::Unconfirmed => format!(
                "refused: {n} {entries} that job {job} left unconfirmed (acted on or not, the \
                 server could not tell); `{show}` shows the job; to act on {them} again, \
                 release {them} with `{}`",
                safe(&h.jobs_command(places, "forget").to_string())
            ),
        };
        lines.push(text);
    }
    lines
}

/// Every unit but the last followed by a comma, so a wrapped list still reads as one.
fn commas(mut units: Vec<String>) -> Vec<String> {
    let n = units.len();
    for u in units.iter_mut().take(n.saturating_sub(1)) {
        u.push(',');
    }
    units
}

/// `--dry-run`: the plan on stdout, in the output format.
pub fn print_plan(out: &Output, action: &Action, plan: &Plan, target: &str) -> std::io::Result<()> {
    let mut w = out.stdout();
    match out.format {
        Format::Json => {
            let ids: Vec<String> = plan.ids().collect();
            let doc = serde_json::json!({
                "verb": action.verb, "source": action.source, "count": plan.len(),
                "target": target, "parts": plan.parts, "missing": plan.missing,
                "limited": plan.limited, "breakdown": plan.breakdown, "ids": ids,
                "held": held_json(&plan.held),
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
                writeln!(w, "{}", safe(&id))?;
            }
        }
        Format::Table | Format::Openmetrics => {
            let max = if out.stdout_tty {
                out.width as usize
            } else {
                usize::MAX
            };
            write!(w, "{}", plan_text(action, plan, target, max))?;
            writeln!(w, "dry run: nothing was changed")?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The held entries of a plan, for JSON: each id with the job that keeps it and why.
fn held_json(held: &[(String, Holder)]) -> serde_json::Value {
    let rows = held.iter().map(|(id, h)| {
        let reason = match h.hold {
            Hold::Unfinished => "unfinished",
            Hold::Unconfirmed => "unconfirmed",
        };
        serde_json::json!({ "dlqId": id, "job": h.job, "reason": reason })
    });
    serde_json::Value::Array(rows.collect())
}
