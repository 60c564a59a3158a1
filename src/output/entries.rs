//! Printing lists of DLQ entries in every format, streamed page by page.
//!
//! Memory stays flat however many pages `list --all` reads: JSON is written as one document
//! whose array is streamed, NDJSON and ids a line at a time, and tables page by page.

use std::io::{self, Write};

use super::layout::{Column, Fit, Layout, Role};
use super::time;
use super::Format;
use super::{json_line, Output};
use crate::api::{Entry, Source};
use crate::text::safe;

pub struct EntryPrinter<W: Write> {
    w: W,
    format: Format,
    source: Source,
    tty: bool,
    width: u16,
    now_ms: i64,
    count: u64,
    /// Planned on the first page; later pages keep its columns, under its one header.
    layout: Option<Layout>,
}

/// How `-o json` opens its document; the messages follow as pages come.
const OPEN_JSON: &[u8] = b"{\"messages\":[";

impl<W: Write> EntryPrinter<W> {
    pub fn new(w: W, out: &Output, source: Source, now_ms: i64) -> Self {
        EntryPrinter {
            w,
            format: out.format,
            source,
            tty: out.stdout_tty,
            width: out.width,
            now_ms,
            count: 0,
            layout: None,
        }
    }

    /// The time ages are counted to from now on: a watch prints pages long after it began.
    pub fn at(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }

    /// Prints one page of entries.
    pub fn page(&mut self, entries: &[Entry]) -> io::Result<()> {
        match self.format {
            Format::Json => {
                for e in entries {
                    self.w
                        .write_all(if self.count == 0 { OPEN_JSON } else { b"," })?;
                    crate::json::to_writer(&mut self.w, e)?;
                    self.count += 1;
                }
            }
            Format::Ndjson => {
                for e in entries {
                    json_line(&mut self.w, e)?;
                }
            }
            Format::Ids => {
                for e in entries {
                    writeln!(self.w, "{}", safe(&e.dlq_id))?;
                }
            }
            Format::Table if self.tty => {
                if !entries.is_empty() {
                    let cols = self.columns(entries);
                    let first = self.layout.is_none();
                    let width = self.width as usize;
                    let layout = self
                        .layout
                        .get_or_insert_with(|| Layout::plan(&cols, width));
                    writeln!(self.w, "{}", layout.render(&cols, first))?;
                }
            }
            Format::Table | Format::Openmetrics => {
                for e in entries {
                    let r = self.row(e, false);
                    writeln!(self.w, "{}", r.join("\t"))?;
                }
            }
        }
        if self.format != Format::Json {
            self.count += entries.len() as u64;
        }
        self.w.flush()
    }

    /// Ends the output; `cursor` is where the next page starts, if there is one.
    pub fn finish(mut self, cursor: Option<&str>) -> io::Result<u64> {
        if self.format == Format::Json {
            if self.count == 0 {
                self.w.write_all(OPEN_JSON)?;
            }
            self.w.write_all(b"],\"cursor\":")?;
            crate::json::to_writer(&mut self.w, &cursor)?;
            self.w.write_all(b"}\n")?;
        }
        self.w.flush()?;
        Ok(self.count)
    }

    fn row(&self, e: &Entry, human: bool) -> Vec<String> {
        let when = e.dlq_time_ms();
        let when = match (human, when) {
            (true, Some(ms)) => time::age(ms, self.now_ms),
            (false, Some(ms)) => time::rfc3339(ms),
            (_, None) => "-".into(),
        };
        let url = match self.source {
            Source::Qstash => e.url.as_deref(),
            Source::Workflow => e.workflow_url.as_deref().or(e.url.as_deref()),
        };
        vec![
            safe(&e.dlq_id).into_owned(),
            when,
            e.response_status.map_or("-".into(), |s| s.to_string()),
            safe(e.method.as_deref().unwrap_or("-")).into_owned(),
            safe(&crate::api::mask::url(url.unwrap_or("-"))).into_owned(),
            safe(&e.all_labels().join(",")).into_owned(),
        ]
    }

    fn columns(&self, entries: &[Entry]) -> Vec<Column> {
        let rows: Vec<Vec<String>> = entries.iter().map(|e| self.row(e, true)).collect();
        let cells = |n: usize| rows.iter().map(|r| r[n].clone()).collect::<Vec<_>>();
        let url = match self.source {
            Source::Qstash => "URL",
            Source::Workflow => "WORKFLOW URL",
        };
        // The id is what a person acts on and the url what tells failures apart; the method
        // rarely says anything the url does not.
        vec![
            Column::new("ID", cells(0)),
            Column::new("AGE", cells(1)).role(Role::Main(0)),
            Column::new("STATUS", cells(2)).role(Role::Main(1)),
            Column::new("METHOD", cells(3)).role(Role::Extra(0)),
            Column::new(url, cells(4)).fit(Fit::Key),
            Column::new("LABEL", cells(5))
                .fit(Fit::Text)
                .role(Role::Extra(1)),
        ]
    }
}
