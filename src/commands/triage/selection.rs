//! What a triage session has selected, kept as the filter flags a person would type, so that
//! every step runs a real command line (parsed by the same grammar, run by the verb's own code)
//! and the recap can print it for a runbook.

use std::time::Duration;

use crate::api::Source;
use crate::args::filter::ReadFilters;
use crate::args::values::TimeSpec;
use crate::output::time::rfc3339;
use crate::stats::GroupKey;

/// One filter flag with its value, in the grammar of the read verbs (`--flow-control-key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: &'static str,
    pub value: String,
}

fn flag(name: &'static str, value: impl Into<String>) -> Flag {
    Flag {
        name,
        value: value.into(),
    }
}

/// The session's selection: the DLQ and the filter flags.
#[derive(Debug, Clone)]
pub struct Selection {
    pub source: Source,
    pub flags: Vec<Flag>,
}

/// Verbs that take `--workflow` to read the workflow DLQ (the others act on one DLQ only).
fn takes_workflow_flag(verb: &str) -> bool {
    matches!(verb, "list" | "stats" | "export" | "delete")
}

impl Selection {
    /// The flags of a triage invocation's own filters.
    pub fn from_args(source: Source, f: &ReadFilters) -> Selection {
        let mut flags = Vec::new();
        let c = &f.common;
        flags.extend(c.label.iter().map(|v| flag("--label", v)));
        flags.extend(c.caller_ip.iter().map(|v| flag("--caller-ip", v)));
        if let Some(t) = c.from {
            flags.push(flag("--from", time_text(t)));
        }
        if let Some(t) = c.to {
            flags.push(flag("--to", time_text(t)));
        }
        let q = &f.qstash;
        flags.extend(q.url.iter().map(|v| flag("--url", v)));
        flags.extend(q.url_group.iter().map(|v| flag("--url-group", v)));
        flags.extend(q.queue.iter().map(|v| flag("--queue", v)));
        flags.extend(q.schedule.iter().map(|v| flag("--schedule", v)));
        flags.extend(q.message_id.iter().map(|v| flag("--message-id", v)));
        for s in &q.status {
            let text = if s.from == s.to {
                s.from.to_string()
            } else if s.from % 100 == 0 && s.to == s.from + 99 {
                format!("{}xx", s.from / 100)
            } else {
                format!("{}-{}", s.from, s.to)
            };
            flags.push(flag("--status", text));
        }
        let w = &f.workflow;
        flags.extend(w.workflow_url.iter().map(|v| flag("--workflow-url", v)));
        flags.extend(
            w.workflow_run_id
                .iter()
                .map(|v| flag("--workflow-run-id", v)),
        );
        if let Some(t) = w.workflow_created_at {
            flags.push(flag("--workflow-created-at", time_text(t)));
        }
        flags.extend(
            w.callback_state
                .iter()
                .map(|s| flag("--callback-state", s.as_wire())),
        );
        flags.extend(f.flow.keys.iter().map(|v| flag("--flow-control-key", v)));
        Selection { source, flags }
    }

    /// The selection narrowed to one value of `key`; `None` when that value cannot be selected
    /// by a filter (entries without the field).
    pub fn narrowed(&self, key: GroupKey, value: Option<&str>) -> Option<Selection> {
        let v = value?;
        let mut flags = self.flags.clone();
        match key {
            GroupKey::Url => flags.push(flag("--url", v)),
            GroupKey::Status => flags.push(flag("--status", v)),
            GroupKey::Label => flags.push(flag("--label", v)),
            GroupKey::Queue => flags.push(flag("--queue", v)),
            GroupKey::UrlGroup => flags.push(flag("--url-group", v)),
            GroupKey::Schedule => flags.push(flag("--schedule", v)),
            GroupKey::FlowControlKey => flags.push(flag("--flow-control-key", v)),
            GroupKey::CallerIp => flags.push(flag("--caller-ip", v)),
            GroupKey::WorkflowUrl => flags.push(flag("--workflow-url", v)),
            GroupKey::CallbackState => flags.push(flag("--callback-state", v)),
            GroupKey::Hour | GroupKey::Day => {
                let (from, to) = window(key, v)?;
                flags.retain(|f| f.name != "--from" && f.name != "--to");
                flags.push(flag("--from", rfc3339_ms(from)));
                flags.push(flag("--to", rfc3339_ms(to)));
            }
        }
        Some(Selection {
            source: self.source,
            flags,
        })
    }

    /// `dlq <verb> [--workflow] <filters> <extra>`, as arguments.
    pub fn argv(&self, verb: &str, extra: &[String]) -> Vec<String> {
        let action = matches!(verb, "retry" | "delete" | "resume" | "restart" | "callback");
        let mut argv = vec!["dlq".to_string(), verb.to_string()];
        if self.source == Source::Workflow && takes_workflow_flag(verb) {
            argv.push("--workflow".into());
        }
        for f in &self.flags {
            let name = match (f.name, action) {
                ("--flow-control-key", true) => "--match-flow-control-key",
                (n, _) => n,
            };
            argv.push(name.to_string());
            argv.push(f.value.clone());
        }
        argv.extend(extra.iter().cloned());
        argv
    }

    /// The flags in words, for a heading: `--url https://… --status 500`.
    pub fn describe(&self) -> String {
        if self.flags.is_empty() {
            return "the whole DLQ".into();
        }
        self.flags
            .iter()
            .map(|f| format!("{} {}", f.name, f.value))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A command line to paste into a shell: words quoted where the shell would split or expand.
pub fn shell_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | ',' | '%' | '+')
                });
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A time flag as the user could have typed it: relative stays relative.
fn time_text(t: TimeSpec) -> String {
    match t {
        TimeSpec::At(ms) => ms.to_string(),
        TimeSpec::Ago(d) => duration_text(d),
    }
}

fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    for (unit, secs) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if s > 0 && s.is_multiple_of(secs) {
            return format!("{}{unit}", s / secs);
        }
    }
    if d.subsec_millis() == 0 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The first and last millisecond of an hour (`2026-11-20T13:00Z`) or day (`2026-11-20`)
/// group.
fn window(key: GroupKey, v: &str) -> Option<(i64, i64)> {
    let (start, len) = match key {
        GroupKey::Hour => (format!("{}:00Z", v.trim_end_matches('Z')), 3_600_000),
        _ => (format!("{v}T00:00:00Z"), 86_400_000),
    };
    let ms = start.parse::<jiff::Timestamp>().ok()?.as_millisecond();
    Some((ms, ms + len - 1))
}

fn rfc3339_ms(ms: i64) -> String {
    if ms % 1000 == 0 {
        rfc3339(ms)
    } else {
        ms.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrowed_selection_is_a_command_line_the_verbs_accept() {
        let s = Selection {
            source: Source::Workflow,
            flags: vec![flag("--flow-control-key", "k")],
        };
        let s = s
            .narrowed(GroupKey::WorkflowUrl, Some("https://app.example/wf"))
            .unwrap();
        assert_eq!(
            s.argv("resume", &["--all".into()]),
            [
                "dlq",
                "resume",
                "--match-flow-control-key",
                "k",
                "--workflow-url",
                "https://app.example/wf",
                "--all"
            ]
        );
        assert_eq!(s.argv("stats", &[])[2], "--workflow");
        assert!(s.narrowed(GroupKey::Label, None).is_none());
        let day = s.narrowed(GroupKey::Day, Some("2026-11-20")).unwrap();
        let argv = day.argv("list", &[]);
        assert!(
            argv.contains(&"2026-11-20T00:00:00Z".to_string()),
            "{argv:?}"
        );
        assert!(argv.contains(&"1795219199999".to_string()), "{argv:?}");
    }

    #[test]
    fn shell_lines_quote_what_a_shell_would_split() {
        let argv: Vec<String> = ["dlq", "list", "--label", "a b", "--url", "https://x/y?z=1"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            shell_line(&argv),
            "dlq list --label 'a b' --url 'https://x/y?z=1'"
        );
        assert_eq!(duration_text(Duration::from_secs(7200)), "2h");
        assert_eq!(duration_text(Duration::from_secs(90)), "90s");
    }
}
