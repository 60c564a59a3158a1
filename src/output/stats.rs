//! Drawing `dlq stats`: a table for a person, TSV when piped, one JSON document, or one group a
//! line. The notes around it (totals, retention call-outs) are for people and go to stderr.

use std::io::{self, Write};

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use serde_json::{json, Map, Value};

use super::text::{safe, truncate};
use super::Format;
use super::{json_line, time, Output};
use crate::api::Source;
use crate::stats::{Group, GroupKey, Stats, EXPIRY_WARNING_MS};

/// What the printer needs besides the numbers.
pub struct View<'a> {
    pub source: Source,
    pub top: Option<usize>,
    /// The retention as the user gave it (`3d`), for the call-out.
    pub retention: &'a str,
    pub now_ms: i64,
}

/// Writes the groups to `w` in the output format.
pub fn print(w: &mut impl Write, out: &Output, stats: &Stats, view: &View) -> io::Result<()> {
    let groups = stats.sorted(view.top);
    match out.format {
        Format::Json => {
            let doc = json!({
                "source": view.source,
                "by": stats.by,
                "total": stats.total,
                "groupCount": stats.group_count(),
                "retention": view.retention,
                "expiring": stats.expiring,
                "pastRetention": stats.past_retention,
                "firstExpiry": stats.first_expiry_ms.map(time::rfc3339),
                "groups": groups.iter().map(|g| group_json(stats, g)).collect::<Vec<_>>(),
            });
            json_line(w, &doc)?;
        }
        Format::Ndjson => {
            for g in &groups {
                json_line(w, &group_json(stats, g))?;
            }
        }
        Format::Table if out.stdout_tty => {
            if !groups.is_empty() {
                writeln!(w, "{}", table(out, stats, &groups, view.now_ms))?;
            }
        }
        // Tab-separated, full values, raw times: for cut, sort and awk.
        Format::Table | Format::Ids => {
            for g in &groups {
                let mut row: Vec<String> = g.key.iter().map(key_text).collect();
                row.push(g.count.to_string());
                row.push(format!("{:.1}", stats.share(g)));
                row.push(g.oldest_ms.map_or("-".into(), time::rfc3339));
                row.push(g.newest_ms.map_or("-".into(), time::rfc3339));
                row.push(g.expiring.to_string());
                row.push(safe(&g.sample).into_owned());
                writeln!(w, "{}", row.join("\t"))?;
            }
        }
    }
    w.flush()
}

/// The lines for people after the data: totals, and entries about to expire.
pub fn notes(out: &Output, stats: &Stats, view: &View) {
    let shown = stats.sorted(view.top).len();
    let what = match view.source {
        Source::Qstash => "QStash messages",
        Source::Workflow => "failed workflow runs",
    };
    let mut line = format!(
        "{} {what} in {} group{}",
        stats.total,
        stats.group_count(),
        if stats.group_count() == 1 { "" } else { "s" }
    );
    if shown < stats.group_count() {
        line.push_str(&format!(" ({shown} largest shown; --top to change)"));
    }
    if stats.overlapping() {
        line.push_str("; an entry with several labels counts in each of its label groups");
    }
    out.info(&line);
    if stats.expiring > 0 {
        let first = stats
            .first_expiry_ms
            .map(|ms| format!(", the first in {}", time::age(view.now_ms, ms)))
            .unwrap_or_default();
        out.warn(&format!(
            "{} entr{} vanish within {}h ({} retention){first}: keep them with `dlq export`, or act now",
            stats.expiring,
            if stats.expiring == 1 { "y will" } else { "ies will" },
            EXPIRY_WARNING_MS / 3_600_000,
            view.retention,
        ));
    }
    if stats.past_retention > 0 {
        out.info(&format!(
            "{} entr{} older than {}, so your plan keeps entries longer: set --retention to match",
            stats.past_retention,
            if stats.past_retention == 1 {
                "y is"
            } else {
                "ies are"
            },
            view.retention,
        ));
    }
}

fn group_json(stats: &Stats, g: &Group) -> Value {
    let mut key = Map::new();
    for (k, v) in stats.by.iter().zip(&g.key) {
        let value = match (k, v) {
            (GroupKey::Status, Some(s)) => s.parse::<i64>().map_or(json!(s), |n| json!(n)),
            (_, v) => json!(v),
        };
        key.insert(k.name().to_string(), value);
    }
    json!({
        "key": key,
        "count": g.count,
        "share": (stats.share(g) * 10.0).round() / 10.0,
        "oldest": g.oldest_ms.map(time::rfc3339),
        "newest": g.newest_ms.map(time::rfc3339),
        "oldestMs": g.oldest_ms,
        "newestMs": g.newest_ms,
        "expiring": g.expiring,
        "sample": g.sample,
    })
}

fn key_text(v: &Option<String>) -> String {
    match v {
        Some(s) => safe(s).into_owned(),
        None => "(none)".into(),
    }
}

/// Widths for the key columns: what the fixed columns leave, taken from the widest key
/// column first, so a short status keeps its width while a long url gives way.
fn key_widths(stats: &Stats, groups: &[&Group], width: usize) -> Vec<usize> {
    const FIXED: usize = 58; // count, share, ages, expiring, a sample id, with padding
    const NARROWEST: usize = 12;
    let mut widths: Vec<usize> = stats
        .by
        .iter()
        .enumerate()
        .map(|(i, k)| {
            groups
                .iter()
                .map(|g| key_text(&g.key[i]).chars().count())
                .max()
                .unwrap_or(0)
                .max(k.name().len())
                + 2
        })
        .collect();
    let avail = width.saturating_sub(FIXED);
    while widths.iter().sum::<usize>() > avail {
        let Some((i, w)) = widths.iter().copied().enumerate().max_by_key(|(_, w)| *w) else {
            break;
        };
        if w <= NARROWEST {
            break;
        }
        widths[i] = (w - (widths.iter().sum::<usize>() - avail)).max(NARROWEST);
    }
    widths.iter().map(|w| w.saturating_sub(2)).collect()
}

fn table(out: &Output, stats: &Stats, groups: &[&Group], now_ms: i64) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(out.width);
    let mut header: Vec<String> = stats.by.iter().map(|k| k.name().to_uppercase()).collect();
    header.extend(["COUNT", "SHARE", "OLDEST", "NEWEST", "EXPIRING", "SAMPLE"].map(String::from));
    t.set_header(header);
    let widths = key_widths(stats, groups, out.width as usize);
    for g in groups {
        let mut row: Vec<String> = g
            .key
            .iter()
            .zip(&widths)
            .map(|(v, w)| truncate(&key_text(v), *w).into_owned())
            .collect();
        row.push(g.count.to_string());
        row.push(format!("{:.1}%", stats.share(g)));
        row.push(g.oldest_ms.map_or("-".into(), |ms| time::age(ms, now_ms)));
        row.push(g.newest_ms.map_or("-".into(), |ms| time::age(ms, now_ms)));
        row.push(if g.expiring == 0 {
            "-".into()
        } else {
            g.expiring.to_string()
        });
        row.push(safe(&g.sample).into_owned());
        t.add_row(row);
    }
    let n = stats.by.len();
    for col in n..n + 2 {
        if let Some(c) = t.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}
