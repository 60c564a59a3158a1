//! Drawing `dlq stats`: a table for a person, TSV when piped, one JSON document, or one group a
//! line. The notes around it (totals, retention call-outs) are for people and go to stderr.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::layout::{Column, Fit, Layout, Role};
use super::Format;
use super::{json_line, time, Output};
use crate::api::Source;
use crate::grouping::{Group, GroupKey, Stats, EXPIRY_WARNING_MS};
use crate::text::safe;

/// What the printer needs besides the numbers.
pub struct View<'a> {
    pub source: Source,
    pub top: Option<usize>,
    /// The retention as the user gave it (`3d`), for the call-out.
    pub retention: &'a str,
    pub now_ms: i64,
    /// The line that selects a group and nothing else (`None` for a group no filter can say),
    /// for the JSON rows of `--by response`.
    pub selector: Option<&'a Selector<'a>>,
}

/// The command line that selects a group, if a filter can say it.
pub type Selector<'a> = dyn Fn(&Group) -> Option<String> + 'a;

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
                "groups": groups.iter().map(|g| group_json(stats, g, view)).collect::<Vec<_>>(),
            });
            json_line(w, &doc)?;
        }
        Format::Ndjson => {
            for g in &groups {
                json_line(w, &group_json(stats, g, view))?;
            }
        }
        Format::Table if out.stdout_tty => {
            if !groups.is_empty() {
                let cols = columns(stats, &groups, view.now_ms);
                let layout = Layout::plan(&cols, out.width as usize);
                writeln!(w, "{}", layout.render(&cols, true))?;
            }
        }
        // Tab-separated, full values, raw times: for cut, sort and awk. No header, as `gh`
        // prints none in a pipe; the columns are listed in `dlq stats --help`. A key an entry
        // did not have is an empty field, not a word a script would take for a value.
        Format::Table | Format::Ids | Format::Openmetrics => {
            for g in &groups {
                let mut row: Vec<String> = g
                    .key
                    .iter()
                    .map(|v| v.as_deref().map_or(String::new(), |s| safe(s).into_owned()))
                    .collect();
                row.push(g.count.to_string());
                row.push(format!("{:.1}", stats.share(g)));
                row.push(g.oldest_ms.map_or(String::new(), time::rfc3339));
                row.push(g.newest_ms.map_or(String::new(), time::rfc3339));
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
    out.info_wrapped(&line);
    if stats.expiring > 0 {
        let first = stats
            .first_expiry_ms
            .map(|ms| format!(", the first in {}", time::age(view.now_ms, ms)))
            .unwrap_or_default();
        out.warn_wrapped(&format!(
            "{} entr{} vanish within {}h ({} retention){first}: keep them with `dlq export`, or act now",
            stats.expiring,
            if stats.expiring == 1 { "y will" } else { "ies will" },
            EXPIRY_WARNING_MS / 3_600_000,
            view.retention,
        ));
    }
    if stats.past_retention > 0 {
        out.info_wrapped(&format!(
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

fn group_json(stats: &Stats, g: &Group, view: &View) -> Value {
    let mut key = Map::new();
    for (k, v) in stats.by.iter().zip(&g.key) {
        let value = match (k, v) {
            (GroupKey::Status, Some(s)) => s.parse::<i64>().map_or(json!(s), |n| json!(n)),
            (_, v) => json!(v),
        };
        key.insert(k.name().to_string(), value);
    }
    let mut row = json!({
        "key": key,
        "count": g.count,
        "share": (stats.share(g) * 10.0).round() / 10.0,
        "oldest": g.oldest_ms.map(time::rfc3339),
        "newest": g.newest_ms.map(time::rfc3339),
        "oldestMs": g.oldest_ms,
        "newestMs": g.newest_ms,
        "expiring": g.expiring,
        "sample": g.sample,
    });
    if let Some(selector) = view.selector {
        row["selector"] = json!(selector(g));
    }
    row
}

fn key_text(v: &Option<String>) -> String {
    match v {
        Some(s) => safe(s).into_owned(),
        None => "(none)".into(),
    }
}

/// The table's columns: the keys, then how many, then when and which, which give way first.
fn columns(stats: &Stats, groups: &[&Group], now_ms: i64) -> Vec<Column> {
    let mut cols: Vec<Column> = stats
        .by
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let cells = groups.iter().map(|g| key_text(&g.key[i])).collect();
            Column::new(&k.name().to_uppercase(), cells).fit(Fit::Key)
        })
        .collect();
    let cells = |f: &dyn Fn(&Group) -> String| groups.iter().map(|g| f(g)).collect();
    let age = |ms: Option<i64>| ms.map_or("-".into(), |ms| time::age(ms, now_ms));
    cols.extend([
        Column::new("COUNT", cells(&|g| g.count.to_string())).right(),
        Column::new("SHARE", cells(&|g| format!("{:.1}%", stats.share(g))))
            .role(Role::Main(0))
            .right(),
        // Entries about to vanish are worth the most room of the secondary columns; the
        // sample id, one `dlq list` away, the least.
        Column::new("OLDEST", cells(&|g| age(g.oldest_ms))).role(Role::Extra(1)),
        Column::new("NEWEST", cells(&|g| age(g.newest_ms))).role(Role::Extra(2)),
        Column::new(
            "EXPIRING",
            cells(&|g| match g.expiring {
                0 => "-".into(),
                n => n.to_string(),
            }),
        )
        .role(Role::Extra(3)),
        Column::new("SAMPLE", cells(&|g| safe(&g.sample).into_owned())).role(Role::Extra(0)),
    ]);
    cols
}
