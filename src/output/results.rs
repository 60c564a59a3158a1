//! Per-entry results and the summary of an action.
//!
//! Results are data (stdout): a table for a person, TSV when piped, JSON, NDJSON, or just the
//! new ids. The summary is for people (stderr). Large runs on a terminal show only the summary;
//! `--report` or `-o ndjson` give the full account.

use std::io::{self, Write};

use super::layout::{Column, Fit, Layout, Role};
use super::{json_line, time, Format, Output};
use crate::bulk::action::Verb;
use crate::bulk::outcome::{Newer, Outcome, Status, Summary};
use crate::bulk::verify::{Verdict, Verified};
use crate::text::safe;

/// Above this many entries a terminal table is skipped: nobody reads it.
const TABLE_MAX: u64 = 200;

pub struct ResultPrinter<W: Write> {
    w: W,
    format: Format,
    tty: bool,
    width: u16,
    rows: Option<Vec<Outcome>>,
    first: bool,
    /// Verifications to add to the JSON document and the terminal table.
    verified: Vec<Verified>,
    /// What the id and time columns hold depends on the verb.
    verb: Verb,
}

impl<W: Write> ResultPrinter<W> {
    pub fn new(w: W, out: &Output, verb: Verb, planned: u64) -> Self {
        let keep = out.format == Format::Table && out.stdout_tty && planned <= TABLE_MAX;
        ResultPrinter {
            w,
            format: out.format,
            tty: out.stdout_tty,
            width: out.width,
            rows: keep.then(Vec::new),
            first: true,
            verified: Vec::new(),
            verb,
        }
    }

    /// What acted-on entries became (`--verify`, canaries): lines after the outcomes, or a
    /// column of the table.
    pub fn verified(&mut self, results: &[Verified]) -> io::Result<()> {
        match self.format {
            Format::Ndjson => {
                for v in results {
                    json_line(&mut self.w, v)?;
                }
            }
            Format::Table if !self.tty => {
                for v in results {
                    writeln!(
                        self.w,
                        "{}\tverified\t{}\t{}",
                        safe(&v.dlq_id),
                        verdict(v),
                        safe(v.new_dlq_id.as_deref().unwrap_or("-"))
                    )?;
                }
            }
            Format::Json | Format::Table => self.verified.extend_from_slice(results),
            Format::Ids | Format::Openmetrics => {}
        }
        self.w.flush()
    }

    pub fn add(&mut self, outcomes: &[Outcome]) -> io::Result<()> {
        for o in outcomes {
            match self.format {
                Format::Json => {
                    self.w
                        .write_all(if self.first { b"{\"results\":[" } else { b"," })?;
                    crate::json::to_writer(&mut self.w, o)?;
                }
                Format::Ndjson => json_line(&mut self.w, o)?,
                Format::Ids => {
                    if let Some(id) = o.message_id.as_ref().or(o.workflow_run_id.as_ref()) {
                        writeln!(self.w, "{}", safe(id))?;
                    }
                }
                Format::Table if self.tty => {
                    if let Some(rows) = &mut self.rows {
                        rows.push(o.clone());
                    }
                }
                Format::Table | Format::Openmetrics => {
                    let r = row(o);
                    writeln!(self.w, "{}", r.join("\t"))?;
                }
            }
            self.first = false;
        }
        self.w.flush()
    }

    pub fn finish(mut self, summary: &Summary) -> io::Result<()> {
        match self.format {
            Format::Json => {
                if self.first {
                    self.w.write_all(b"{\"results\":[")?;
                }
                self.w.write_all(b"]")?;
                if !self.verified.is_empty() {
                    self.w.write_all(b",\"verified\":")?;
                    crate::json::to_writer(&mut self.w, &self.verified)?;
                }
                self.w.write_all(b",\"summary\":")?;
                crate::json::to_writer(&mut self.w, summary)?;
                self.w.write_all(b"}\n")?;
            }
            Format::Table if self.tty => {
                if let Some(rows) = self.rows.take().filter(|r| !r.is_empty()) {
                    let mut cols = columns(&rows, self.verb);
                    if !self.verified.is_empty() {
                        let by_id: std::collections::HashMap<&str, &Verified> = self
                            .verified
                            .iter()
                            .map(|v| (v.dlq_id.as_str(), v))
                            .collect();
                        let cells = rows
                            .iter()
                            .map(|o| {
                                by_id
                                    .get(o.dlq_id.as_str())
                                    .map_or("-".into(), |v| verdict(v))
                            })
                            .collect();
                        cols.push(Column::new("VERIFIED", cells).fit(Fit::Text));
                    }
                    let layout = Layout::plan(&cols, self.width as usize);
                    writeln!(self.w, "{}", layout.render(&cols, true))?;
                }
            }
            _ => {}
        }
        self.w.flush()
    }
}

/// "delivered", "failed again: 1763000000000-2" (where it is in the DLQ now).
fn verdict(v: &Verified) -> String {
    let word = match v.verified {
        Verdict::Delivered => "delivered",
        Verdict::FailedAgain => "failed again",
        Verdict::Cancelled => "cancelled",
        Verdict::Pending => "pending",
        Verdict::Unknown => "not followed",
    };
    match &v.new_dlq_id {
        Some(id) => format!("{word}: {}", safe(id)),
        None => word.to_string(),
    }
}

fn row(o: &Outcome) -> Vec<String> {
    let outcome = match o.outcome {
        Status::Done => "done",
        Status::NotFound => "not found",
        Status::Failed => "failed",
        Status::Unknown => "unknown",
        Status::Unconfirmed => "unconfirmed",
    };
    vec![
        safe(if o.dlq_id.is_empty() {
            o.input.as_deref().unwrap_or("-")
        } else {
            &o.dlq_id
        })
        .into_owned(),
        outcome.to_string(),
        safe(
            o.message_id
                .as_deref()
                .or(o.workflow_run_id.as_deref())
                .unwrap_or("-"),
        )
        .into_owned(),
        o.workflow_created_at.map_or("-".to_string(), time::rfc3339),
        safe(o.error.as_deref().unwrap_or("")).into_owned(),
    ]
}

/// The results table; a delete has no new ids and a retry no creation times, and columns
/// empty on every row are left out by the layout. A callback makes no new message or run:
/// its id and time are the run's own, and say so.
fn columns(outcomes: &[Outcome], verb: Verb) -> Vec<Column> {
    let rows: Vec<Vec<String>> = outcomes.iter().map(row).collect();
    let cells = |n: usize| rows.iter().map(|r| r[n].clone()).collect::<Vec<_>>();
    let (id, created) = match verb {
        Verb::Callback => ("RUN ID", "RUN CREATED"),
        _ => ("NEW ID", "CREATED"),
    };
    vec![
        Column::new("ID", cells(0)),
        Column::new("OUTCOME", cells(1)),
        Column::new(id, cells(2)).role(Role::Main(0)),
        Column::new(created, cells(3)).role(Role::Extra(0)),
        // Why an entry failed is the point of the table when one did: it is cut, not dropped.
        Column::new("ERROR", cells(4)).fit(Fit::Text),
    ]
}

/// `dlq verify`'s results in the output format: one document, one line each, a table, or
/// tab-separated lines.
pub fn print_verified(
    w: &mut impl Write,
    out: &Output,
    job: &str,
    results: &[Verified],
) -> io::Result<()> {
    match out.format {
        Format::Json => {
            let doc = serde_json::json!({
                "job": job,
                "verified": results,
                "tally": crate::bulk::verify::Tally::of(results),
            });
            json_line(w, &doc)
        }
        Format::Ndjson => results.iter().try_for_each(|v| json_line(w, v)),
        Format::Ids => results
            .iter()
            .filter_map(|v| v.new_dlq_id.as_ref())
            .try_for_each(|id| writeln!(w, "{}", safe(id))),
        Format::Table if out.stdout_tty => {
            let cells = |f: &dyn Fn(&Verified) -> String| results.iter().map(f).collect();
            let cols = vec![
                Column::new("ID", cells(&|v| safe(&v.dlq_id).into_owned())),
                Column::new(
                    "FOLLOWED",
                    cells(&|v| safe(v.new_id.as_deref().unwrap_or("-")).into_owned()),
                )
                .role(Role::Main(0)),
                Column::new("VERIFIED", cells(&verdict)).fit(Fit::Text),
            ];
            let layout = Layout::plan(&cols, out.width as usize);
            writeln!(w, "{}", layout.render(&cols, true))
        }
        Format::Table | Format::Openmetrics => results.iter().try_for_each(|v| {
            writeln!(
                w,
                "{}\t{}\t{}",
                safe(&v.dlq_id),
                verdict(v),
                safe(v.new_id.as_deref().unwrap_or("-"))
            )
        }),
    }
}

/// "812 delivered, 3 failed again, 185 pending": a verification in words.
pub fn verify_line(t: &crate::bulk::verify::Tally) -> String {
    let mut parts = vec![format!("{} delivered", t.delivered)];
    if t.failed_again > 0 {
        parts.push(format!("{} failed again", t.failed_again));
    }
    if t.cancelled > 0 {
        parts.push(format!("{} cancelled", t.cancelled));
    }
    if t.pending > 0 {
        parts.push(format!("{} pending", t.pending));
    }
    if t.unknown > 0 {
        parts.push(format!("{} not followed (new id unknown)", t.unknown));
    }
    parts.join(", ")
}

/// What a pipelined job left dated after its start, and how to take it: said after its
/// summary and by `dlq jobs show`.
pub fn newer_line(verb: Verb, n: &Newer) -> String {
    let count = if n.more {
        format!("more than {}", n.count)
    } else {
        n.count.to_string()
    };
    let (entries, match_, were) = if n.count == 1 && !n.more {
        ("entry", "matches", "it was")
    } else {
        ("entries", "match", "they were")
    };
    format!(
        "{count} more {entries} {match_}, dated after the job's start ({}): arrived while it \
         ran, or the server's clock is ahead; {were} not part of the job and stay in the DLQ. \
         The same `{}` with the same selection again takes them",
        time::rfc3339(n.after_ms),
        verb.name()
    )
}

/// The one-line summary for stderr, naming where the run acted.
pub fn summary_line(verb: &str, s: &Summary, target: &str) -> String {
    let mut parts = vec![format!("{verb}: {} done", s.done)];
    if s.unconfirmed > 0 {
        parts[0] = format!(
            "{verb}: at least {} done (up to {} more: replies were lost)",
            s.done, s.unconfirmed
        );
    }
    if s.not_found > 0 {
        parts.push(format!("{} not in the DLQ", s.not_found));
    }
    if s.failed > 0 {
        parts.push(format!("{} failed", s.failed));
    }
    if s.pending > 0 {
        parts.push(format!("{} not attempted", s.pending));
    }
    let of = if s.unconfirmed > 0 || s.planned == 0 && s.done > 0 {
        String::new()
    } else if s.listing_cut {
        format!(
            " of {} listed so far (--continue lists the rest)",
            s.planned
        )
    } else {
        format!(" of {} planned", s.planned)
    };
    format!(
        "{}{of} on {target}, in {:.1}s ({}, {} request{})",
        parts.join(", "),
        s.seconds,
        time::rate(s.rate()),
        s.requests,
        if s.requests == 1 { "" } else { "s" }
    )
}
