//! Per-entry results and the summary of an action.
//!
//! Results are data (stdout): a table for a person, TSV when piped, JSON, NDJSON, or just the
//! new ids. The summary is for people (stderr). Large runs on a terminal show only the summary;
//! `--report` or `-o ndjson` give the full account.

use std::io::{self, Write};

use super::layout::{Column, Fit, Layout, Role};
use super::text::safe;
use super::{json_line, time, Format, Output};
use crate::bulk::outcome::{Outcome, Status, Summary};

/// Above this many entries a terminal table is skipped: nobody reads it.
const TABLE_MAX: u64 = 200;

pub struct ResultPrinter<W: Write> {
    w: W,
    format: Format,
    tty: bool,
    width: u16,
    rows: Option<Vec<Outcome>>,
    first: bool,
}

impl<W: Write> ResultPrinter<W> {
    pub fn new(w: W, out: &Output, planned: u64) -> Self {
        let keep = out.format == Format::Table && out.stdout_tty && planned <= TABLE_MAX;
        ResultPrinter {
            w,
            format: out.format,
            tty: out.stdout_tty,
            width: out.width,
            rows: keep.then(Vec::new),
            first: true,
        }
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
                Format::Table => {
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
                self.w.write_all(b"],\"summary\":")?;
                crate::json::to_writer(&mut self.w, summary)?;
                self.w.write_all(b"}\n")?;
            }
            Format::Table if self.tty => {
                if let Some(rows) = self.rows.take().filter(|r| !r.is_empty()) {
                    let cols = columns(&rows);
                    let layout = Layout::plan(&cols, self.width as usize);
                    writeln!(self.w, "{}", layout.render(&cols, true))?;
                }
            }
            _ => {}
        }
        self.w.flush()
    }
}

fn row(o: &Outcome) -> Vec<String> {
    let outcome = match o.outcome {
        Status::Done => "done",
        Status::NotFound => "not found",
        Status::Failed => "failed",
        Status::Unknown => "unknown",
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
/// empty on every row are left out by the layout.
fn columns(outcomes: &[Outcome]) -> Vec<Column> {
    let rows: Vec<Vec<String>> = outcomes.iter().map(row).collect();
    let cells = |n: usize| rows.iter().map(|r| r[n].clone()).collect::<Vec<_>>();
    vec![
        Column::new("ID", cells(0)),
        Column::new("OUTCOME", cells(1)),
        Column::new("NEW ID", cells(2)).role(Role::Main(0)),
        Column::new("CREATED", cells(3)).role(Role::Extra(0)),
        // Why an entry failed is the point of the table when one did: it is cut, not dropped.
        Column::new("ERROR", cells(4)).fit(Fit::Text),
    ]
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
    } else {
        format!(" of {} planned", s.planned)
    };
    format!(
        "{}{of} on {target}, in {:.1}s ({}, {} requests)",
        parts.join(", "),
        s.seconds,
        time::rate(s.rate()),
        s.requests
    )
}
