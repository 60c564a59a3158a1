//! The DLQ's figures as metrics: OpenMetrics text (`dlq stats -o openmetrics`, and what
//! `dlq exporter` serves to Prometheus) or the older Prometheus text format (what the exporter
//! serves to anything else, such as `curl` or `promtool check metrics`).
//!
//! The two differ only in counters (OpenMetrics names the family without `_total`), `# UNIT`
//! lines and the closing `# EOF`; the families, label escaping and the cap on groups are one.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::io::{self, Write};

use crate::api::{mask, Source};
use crate::grouping::{Group, GroupKey, Stats};

/// Groups shown per DLQ when `--top` is not given: a label with a million distinct values must
/// not become a million time series.
pub const DEFAULT_TOP: usize = 100;

/// The value every `--by` label takes on the one series that folds the groups beyond `--top`.
pub const OTHER: &str = "__other__";

/// The content type of each flavour, for the exporter's replies.
pub const OPENMETRICS_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
pub const PROMETHEUS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    OpenMetrics,
    Prometheus,
}

/// Who reads the text: a scraper or a file gets the exposition format exactly; a terminal gets
/// label values (the server's URLs, labels, queue names) with controls shown as escapes, as
/// every table does, for a raw escape sequence there would act on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Scraper,
    Terminal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    Gauge,
    Counter,
}

/// One metric family: its metadata and its samples.
#[derive(Debug, Clone)]
pub struct Family {
    /// The name without `_total`, also for counters.
    pub name: &'static str,
    pub help: &'static str,
    pub kind: MetricType,
    /// `seconds` for a name that ends in `_seconds`.
    pub unit: Option<&'static str>,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Family {
    pub fn gauge(name: &'static str, help: &'static str) -> Family {
        Family {
            name,
            help,
            kind: MetricType::Gauge,
            unit: name.ends_with("_seconds").then_some("seconds"),
            samples: Vec::new(),
        }
    }

    pub fn counter(name: &'static str, help: &'static str) -> Family {
        Family {
            kind: MetricType::Counter,
            ..Family::gauge(name, help)
        }
    }

    pub fn add(&mut self, labels: Vec<(String, String)>, value: f64) {
        self.samples.push(Sample { labels, value });
    }
}

/// Writes the families, each once, in the given flavour, for `reader`.
pub fn write(
    w: &mut impl Write,
    families: &[Family],
    flavor: Flavor,
    reader: Reader,
) -> io::Result<()> {
    for f in families {
        let sample_name = match f.kind {
            MetricType::Counter => format!("{}_total", f.name),
            MetricType::Gauge => f.name.to_string(),
        };
        let (meta_name, kind) = match (f.kind, flavor) {
            (MetricType::Counter, Flavor::OpenMetrics) => (f.name.to_string(), "counter"),
            (MetricType::Counter, Flavor::Prometheus) => (sample_name.clone(), "counter"),
            (MetricType::Gauge, _) => (sample_name.clone(), "gauge"),
        };
        writeln!(w, "# HELP {meta_name} {}", escape_help(f.help))?;
        writeln!(w, "# TYPE {meta_name} {kind}")?;
        if let (Some(unit), Flavor::OpenMetrics) = (f.unit, flavor) {
            writeln!(w, "# UNIT {meta_name} {unit}")?;
        }
        for s in &f.samples {
            write!(w, "{sample_name}")?;
            if !s.labels.is_empty() {
                let pairs: Vec<String> = s
                    .labels
                    .iter()
                    .map(|(k, v)| {
                        let v = escape_label(v);
                        match reader {
                            Reader::Scraper => format!("{k}=\"{v}\""),
                            Reader::Terminal => format!("{k}=\"{}\"", crate::text::safe(&v)),
                        }
                    })
                    .collect();
                write!(w, "{{{}}}", pairs.join(","))?;
            }
            writeln!(w, " {}", number(s.value))?;
        }
    }
    if flavor == Flavor::OpenMetrics {
        writeln!(w, "# EOF")?;
    }
    w.flush()
}

/// A label value as both formats require: backslash, double quote and line feed escaped.
pub fn escape_label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// HELP text escapes backslash and line feed (quotes are literal there).
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A value as the formats spell numbers: integers without a fraction.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// A `--by` key as a label name: label names allow no hyphen.
pub fn label_name(k: GroupKey) -> String {
    k.name().replace('-', "_")
}

/// The `dlq` label every series carries: `qstash` or `workflow`.
pub fn dlq_label(source: Source) -> (String, String) {
    ("dlq".into(), dlq_label_value(source).into())
}

pub fn dlq_label_value(source: Source) -> &'static str {
    match source {
        Source::Qstash => "qstash",
        Source::Workflow => "workflow",
    }
}

/// The figures of one DLQ's stats (or of both, for the exporter), at `now_ms`: depth and
/// distinct groups per DLQ, then per group its entries, oldest and newest age, and entries
/// about to expire. Beyond `top` groups per DLQ the rest fold into one series whose `--by`
/// labels all read [`OTHER`], so the entries still add up to the depth.
pub fn dlq_families(figures: &[(Source, &Stats)], top: usize, now_ms: i64) -> Vec<Family> {
    let mut depth = Family::gauge(
        "qstash_dlq_depth",
        "Distinct entries in the DLQ that match the filters.",
    );
    let mut groups = Family::gauge(
        "qstash_dlq_groups",
        "Distinct groups of --by values, before the --top cap.",
    );
    let mut entries = Family::gauge(
        "qstash_dlq_entries",
        "Entries in the DLQ, by group (an entry with several labels is in each label group).",
    );
    let mut oldest = Family::gauge(
        "qstash_dlq_oldest_entry_age_seconds",
        "Age of the group's oldest entry: how long it has waited in the DLQ.",
    );
    let mut newest = Family::gauge(
        "qstash_dlq_newest_entry_age_seconds",
        "Age of the group's newest entry: how long ago the group last grew.",
    );
    let mut expiring = Family::gauge(
        "qstash_dlq_entries_expiring",
        "Entries within a day of the end of their retention (--retention).",
    );
    let age = |ms: i64| (now_ms.saturating_sub(ms)).max(0) as f64 / 1000.0;
    for (source, stats) in figures {
        let dlq = vec![dlq_label(*source)];
        let sorted = as_labels(stats);
        depth.add(dlq.clone(), stats.total as f64);
        groups.add(dlq.clone(), sorted.len() as f64);
        let (shown, rest) = sorted.split_at(top.min(sorted.len()));
        let folded = merged(rest, vec![Some(OTHER.to_string()); stats.by.len()]);
        for g in shown.iter().chain(folded.as_ref()) {
            let mut labels = dlq.clone();
            for (k, v) in stats.by.iter().zip(&g.key) {
                labels.push((label_name(*k), v.clone().unwrap_or_default()));
            }
            entries.add(labels.clone(), g.count as f64);
            expiring.add(labels.clone(), g.expiring as f64);
            if let Some(ms) = g.oldest_ms {
                oldest.add(labels.clone(), age(ms));
            }
            if let Some(ms) = g.newest_ms {
                newest.add(labels, age(ms));
            }
        }
    }
    vec![depth, groups, entries, oldest, newest, expiring]
}

/// The groups as their labels read, largest first: a URL label keeps no query value (see
/// `mask::url_label`), so groups whose URLs differ only there become one series; two with
/// the same labels would make the exposition invalid.
fn as_labels(stats: &Stats) -> Vec<Group> {
    let mut by_labels: HashMap<Vec<Option<String>>, Vec<&Group>> = HashMap::new();
    for g in stats.sorted(None) {
        let key = stats
            .by
            .iter()
            .zip(&g.key)
            .map(|(k, v)| match k {
                GroupKey::Url | GroupKey::WorkflowUrl => v.as_deref().map(mask::url_label),
                _ => v.clone(),
            })
            .collect();
        by_labels.entry(key).or_default().push(g);
    }
    let mut out: Vec<Group> = by_labels
        .into_iter()
        .filter_map(|(key, gs)| merged(&gs, key))
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    out
}

/// `groups` as one group keyed `key`, or none when there are none.
fn merged<G: std::borrow::Borrow<Group>>(groups: &[G], key: Vec<Option<String>>) -> Option<Group> {
    if groups.is_empty() {
        return None;
    }
    let min = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).min();
    let max = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).max();
    Some(groups.iter().map(Borrow::borrow).fold(
        Group {
            key,
            count: 0,
            oldest_ms: None,
            newest_ms: None,
            sample: String::new(),
            expiring: 0,
        },
        |mut acc, g: &Group| {
            acc.count += g.count;
            acc.expiring += g.expiring;
            acc.oldest_ms = min(acc.oldest_ms, g.oldest_ms);
            acc.newest_ms = max(acc.newest_ms, g.newest_ms);
            acc
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Entry;

    fn entry(id: &str, url: &str) -> Entry {
        Entry {
            dlq_id: id.into(),
            url: Some(url.into()),
            ..Entry::default()
        }
    }

    fn text(families: &[Family], flavor: Flavor) -> String {
        let mut out = Vec::new();
        write(&mut out, families, flavor, Reader::Scraper).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
        let mut f = Family::gauge("x", "help with \\ and\nnewline");
        f.add(vec![("url".into(), "say \"hi\"\n".into())], 2.0);
        let t = text(&[f], Flavor::Prometheus);
        assert_eq!(
            t,
            "# HELP x help with \\\\ and\\nnewline\n# TYPE x gauge\nx{url=\"say \\\"hi\\\"\\n\"} 2\n"
        );
    }

    #[test]
    fn counters_and_units_differ_by_flavor_and_openmetrics_ends_with_eof() {
        let mut c = Family::counter("errors", "Errors.");
        c.add(vec![("kind".into(), "network".into())], 3.0);
        let mut g = Family::gauge("age_seconds", "Age.");
        g.add(vec![], 1.5);
        let om = text(&[c.clone(), g.clone()], Flavor::OpenMetrics);
        assert!(om.contains("# TYPE errors counter\nerrors_total{kind=\"network\"} 3\n"));
        assert!(om.contains("# UNIT age_seconds seconds\nage_seconds 1.5\n"));
        assert!(om.ends_with("# EOF\n"));
        let prom = text(&[c, g], Flavor::Prometheus);
        assert!(prom.contains("# TYPE errors_total counter\nerrors_total{kind=\"network\"} 3\n"));
        assert!(!prom.contains("# UNIT") && !prom.contains("# EOF"));
    }

    #[test]
    fn groups_beyond_top_fold_into_one_other_series_that_keeps_the_sum() {
        let now = 10_000_000;
        let mut s = Stats::new(vec![GroupKey::Url], 86_400_000 * 3, now);
        for (i, url) in ["a", "a", "a", "b", "b", "c", "d"].iter().enumerate() {
            s.add(&entry(&format!("{}-0", 1_000_000 * (i as i64 + 1)), url));
        }
        let fams = dlq_families(&[(Source::Qstash, &s)], 2, now);
        let t = text(&fams, Flavor::OpenMetrics);
        assert!(t.contains("qstash_dlq_depth{dlq=\"qstash\"} 7\n"), "{t}");
        assert!(t.contains("qstash_dlq_groups{dlq=\"qstash\"} 4\n"), "{t}");
        assert!(
            t.contains("qstash_dlq_entries{dlq=\"qstash\",url=\"a\"} 3\n"),
            "{t}"
        );
        assert!(
            t.contains("qstash_dlq_entries{dlq=\"qstash\",url=\"b\"} 2\n"),
            "{t}"
        );
        assert!(
            t.contains("qstash_dlq_entries{dlq=\"qstash\",url=\"__other__\"} 2\n"),
            "{t}"
        );
        assert!(!t.contains("url=\"c\""), "{t}");
        // c entered at 6,000,000 ms and d at 7,000,000: the fold's oldest is c, newest d.
        assert!(t.contains(
            "qstash_dlq_oldest_entry_age_seconds{dlq=\"qstash\",url=\"__other__\"} 4000\n"
        ));
        assert!(t.contains(
            "qstash_dlq_newest_entry_age_seconds{dlq=\"qstash\",url=\"__other__\"} 3000\n"
        ));
        // Without the cap reached, no fold.
        let t = text(
            &dlq_families(&[(Source::Qstash, &s)], 4, now),
            Flavor::Prometheus,
        );
        assert!(!t.contains(OTHER), "{t}");
    }

    #[test]
    fn hyphenated_keys_become_label_names_and_missing_values_are_empty() {
        assert_eq!(label_name(GroupKey::FlowControlKey), "flow_control_key");
        let mut s = Stats::new(vec![GroupKey::Queue], 1, 0);
        s.add(&entry("1-0", "a"));
        let t = text(
            &dlq_families(&[(Source::Qstash, &s)], 10, 0),
            Flavor::Prometheus,
        );
        assert!(
            t.contains("qstash_dlq_entries{dlq=\"qstash\",queue=\"\"} 1\n"),
            "{t}"
        );
    }
}
