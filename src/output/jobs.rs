//! Drawing `dlq jobs`: a table for a person, TSV when piped, JSON for scripts; and the full
//! account of one job for `dlq jobs show`.

use std::io::{self, Write};

use super::layout::{Column, Layout, Role};
use serde_json::json;

use super::{json_line, time, Format, Output};
use crate::bulk::journal::{JobInfo, JobState, Mode};
use crate::cmdline::Places;
use crate::text::safe;

/// What the reader is told besides the rows.
pub struct View {
    pub now_ms: i64,
    pub retention_ms: i64,
    /// Where the state is, for the continue lines.
    pub places: Places,
}

fn state(j: &JobInfo) -> &'static str {
    match j.state {
        JobState::Running => "running",
        JobState::Finished if j.left > 0 => "finished, some failed",
        JobState::Finished => "finished",
        JobState::Interrupted => "interrupted",
        JobState::Stopped => "stopped",
        JobState::Crashed => "crashed",
    }
}

/// Whether `--continue` has something to do.
pub fn resumable(j: &JobInfo) -> bool {
    j.state != JobState::Running
        && (j.left > 0 || !j.listed || (j.server_side && j.state != JobState::Finished))
}

fn count(j: &JobInfo, n: u64) -> String {
    if j.server_side && j.state != JobState::Finished && n == 0 {
        "-".into()
    } else {
        n.to_string()
    }
}

/// What is left: a pipelined job whose listing was cut short has more than it listed.
fn left(j: &JobInfo) -> String {
    if j.listed {
        count(j, j.left)
    } else {
        format!("{}+", j.left)
    }
}

pub fn list(w: &mut impl Write, out: &Output, jobs: &[JobInfo], view: &View) -> io::Result<()> {
    match out.format {
        Format::Json => json_line(w, &json!({ "jobs": jobs }))?,
        Format::Ndjson => {
            for j in jobs {
                json_line(w, j)?;
            }
        }
        Format::Ids => {
            for j in jobs {
                writeln!(w, "{}", safe(&j.job))?;
            }
        }
        Format::Table if out.stdout_tty => {
            if !jobs.is_empty() {
                let cols = table(jobs, view);
                let layout = Layout::plan(&cols, out.width as usize);
                writeln!(w, "{}", layout.render(&cols, true))?;
            }
        }
        Format::Table | Format::Openmetrics => {
            for j in jobs {
                let row = [
                    safe(&j.job).into_owned(),
                    j.verb.clone(),
                    safe(&j.target.describe()).into_owned(),
                    state(j).to_string(),
                    j.planned.to_string(),
                    j.done.to_string(),
                    j.not_found.to_string(),
                    j.failed.to_string(),
                    left(j),
                    time::rfc3339(j.created_ms),
                ];
                writeln!(w, "{}", row.join("\t"))?;
            }
        }
    }
    w.flush()
}

/// The jobs as table columns. At 80 columns a row keeps what an operator acts on: the job,
/// its target and state, and what is left, failed and done; the verb (the job id starts with
/// it), the other counts and the age give way first.
fn table(jobs: &[JobInfo], view: &View) -> Vec<Column> {
    let cells = |f: &dyn Fn(&JobInfo) -> String| jobs.iter().map(f).collect::<Vec<_>>();
    let age = |j: &JobInfo| {
        let mut age = time::age(j.created_ms, view.now_ms);
        if view.now_ms - j.created_ms > view.retention_ms {
            age.push_str(" (past retention)");
        }
        age
    };
    vec![
        Column::new("JOB", cells(&|j| safe(&j.job).into_owned())),
        Column::new("VERB", cells(&|j| j.verb.clone())).role(Role::Extra(0)),
        // Whole: a target shortened could read as another; `jobs show` says more.
        Column::new("TARGET", cells(&|j| safe(&j.target.short()).into_owned())),
        Column::new("STATE", cells(&|j| state(j).to_string())),
        Column::new("PLANNED", cells(&|j| count(j, j.planned)))
            .right()
            .role(Role::Extra(3)),
        Column::new("DONE", cells(&|j| j.done.to_string()))
            .right()
            .role(Role::Main(1)),
        Column::new("NOT FOUND", cells(&|j| j.not_found.to_string()))
            .right()
            .role(Role::Extra(1)),
        Column::new("FAILED", cells(&|j| j.failed.to_string()))
            .right()
            .role(Role::Main(2)),
        Column::new("LEFT", cells(&left))
            .right()
            .role(Role::Main(3)),
        Column::new("AGE", cells(&age)).role(Role::Extra(2)),
    ]
}

/// One job in full.
pub fn show(w: &mut impl Write, out: &Output, j: &JobInfo, view: &View) -> io::Result<()> {
    if matches!(out.format, Format::Json | Format::Ndjson) {
        return show_json(w, j, view);
    }
    let p = &j.plan;
    let line = |w: &mut dyn Write, k: &str, v: String| writeln!(w, "{k:<10} {}", safe(&v));
    line(w, "job", j.job.clone())?;
    line(w, "verb", format!("{} ({})", j.verb, j.selection))?;
    line(w, "target", j.target.describe())?;
    if !j.target.sandbox {
        line(w, "base URL", j.target.base_url.clone())?;
    }
    line(
        w,
        "token",
        format!(
            "from {} (fingerprint {})",
            j.target.token_source, j.target.token_fingerprint
        ),
    )?;
    line(w, "started", time::both(j.created_ms, view.now_ms))?;
    line(w, "state", state(j).to_string())?;
    for (k, v) in account(j) {
        line(w, k, v)?;
    }
    if let Some(n) = &j.newer {
        line(w, "newer", super::results::newer_line(p.action.verb, n))?;
    }
    let set = overrides_set(&p.action.overrides);
    if !set.is_empty() {
        line(w, "overrides", set.join(", "))?;
    }
    if let Some(rps) = p.settings.rps {
        line(w, "rps", rps.to_string())?;
    }
    if view.now_ms - j.created_ms > view.retention_ms {
        line(
            w,
            "note",
            "older than the DLQ retention: entries left may have expired".into(),
        )?;
    }
    if resumable(j) {
        line(w, "continue", p.continue_command(&view.places).to_string())?;
    }
    w.flush()
}

/// `jobs show -o json`: the job as one document.
fn show_json(w: &mut impl Write, j: &JobInfo, view: &View) -> io::Result<()> {
    let p = &j.plan;
    let doc = json!({
        "job": j.job, "verb": j.verb, "state": j.state, "sources": j.sources,
        "target": {
            "description": j.target.describe(), "baseUrl": j.target.base_url,
            "sandbox": j.target.sandbox, "profile": j.target.profile,
            "tokenSource": j.target.token_source,
            "tokenFingerprint": j.target.token_fingerprint,
        },
        "createdAt": time::rfc3339(j.created_ms), "selection": j.selection,
        "serverSide": match &p.mode { Mode::ServerSide(m) => Some(m), _ => None },
        "pipeline": match &p.mode { Mode::Pipelined(m) => Some(m), _ => None },
        "overrides": p.action.overrides,
        "settings": p.settings,
        "counts": {
            "planned": j.planned, "done": j.done, "notFound": j.not_found,
            "failed": j.failed, "left": j.left, "listed": j.listed,
            "inFlight": j.in_flight,
            "unconfirmed": j.unconfirmed,
            "publishedLeft": j.published_left,
            "newer": j.newer,
        },
        "pastRetention": view.now_ms - j.created_ms > view.retention_ms,
        "continue": resumable(j).then(|| p.continue_command(&view.places).to_string()),
    });
    json_line(w, &doc)
}

/// What became of the job's entries, as `jobs show` lines: a server-side job has only a count.
fn account(j: &JobInfo) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let Mode::ServerSide(ss) = &j.plan.mode {
        let limit = ss.limit.map_or("none".to_string(), |n| n.to_string());
        lines.push(("server", format!("server-side, limit {limit}")));
        let more = if j.unconfirmed > 0 {
            format!(" (up to {} more: replies were lost)", j.unconfirmed)
        } else {
            String::new()
        };
        lines.push(("done", format!("{}{more}", j.done)));
    } else {
        lines.push(("entries", entries_line(j)));
    }
    if j.published_left > 0 {
        lines.push((
            "published",
            format!(
                "{} of those left were published already; --continue deletes them without \
                 publishing again",
                j.published_left
            ),
        ));
    }
    lines
}

fn entries_line(j: &JobInfo) -> String {
    format!(
        "{} {}: {} done, {}{} not in the DLQ, {} failed, {} left{}{}",
        j.planned,
        if j.listed { "planned" } else { "listed so far" },
        j.done,
        if j.unconfirmed > 0 {
            format!(
                "{} unconfirmed (replies lost; not sent again), ",
                j.unconfirmed
            )
        } else {
            String::new()
        },
        j.not_found,
        j.failed,
        j.left,
        if j.in_flight > 0 {
            format!(" ({} were in flight when it stopped)", j.in_flight)
        } else {
            String::new()
        },
        if j.listed {
            ""
        } else {
            ", and whatever the listing has not reached yet (--continue lists it)"
        }
    )
}

/// The overrides the job set, as `name=value`.
fn overrides_set(overrides: &crate::api::Overrides) -> Vec<String> {
    let o = serde_json::to_value(overrides).unwrap_or_default();
    o.as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}={v}"))
                .collect()
        })
        .unwrap_or_default()
}
