//! A selection kept as the filter flags a person would type: what a triage session has
//! selected, so that every step runs a real command line (parsed by the same grammar, run by
//! the verb's own code) and the recap can print it for a runbook; and the selector of each
//! `stats` group, the line that selects that group and nothing else.

use std::time::Duration;

use crate::api::Source;
use crate::args::filter::ReadFilters;
use crate::args::values::{parse_time, TimeSpec};
use crate::bulk::action::Verb;
use crate::grouping::GroupKey;
use crate::output::time::rfc3339;

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

/// The session's scope (what it looks at and acts on): the DLQ and the filter flags.
#[derive(Debug, Clone)]
pub struct Scope {
    pub source: Source,
    pub flags: Vec<Flag>,
}

/// What a scope's entries may be made to say: a regular expression over the bodies
/// (`--grep`) or a jq program on each entry (`--where`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Says {
    Grep,
    Where,
}

impl Says {
    pub fn flag(self) -> &'static str {
        match self {
            Says::Grep => "--grep",
            Says::Where => "--where",
        }
    }
}

/// The command lines a session runs on its scope: the reads, and the actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Stats,
    List,
    Export,
    Act(Verb),
}

impl Line {
    pub fn name(self) -> &'static str {
        match self {
            Line::Stats => "stats",
            Line::List => "list",
            Line::Export => "export",
            Line::Act(verb) => verb.name(),
        }
    }

    /// Whether it takes `--workflow` to read the workflow DLQ (the other actions act on one
    /// DLQ only).
    fn takes_workflow_flag(self) -> bool {
        matches!(
            self,
            Line::Stats | Line::List | Line::Export | Line::Act(Verb::Delete)
        )
    }
}

impl Scope {
    /// The flags of a triage invocation's own filters.
    pub fn from_args(source: Source, f: &ReadFilters) -> Scope {
        let mut flags = Vec::new();
        let c = &f.common;
        flags.extend(c.label.iter().map(|v| flag("--label", v)));
        flags.extend(c.caller_ip.iter().map(|v| flag("--caller-ip", v)));
        flags.extend(c.signature.iter().map(|v| flag("--signature", v)));
        flags.extend(c.where_expr.iter().map(|v| flag("--where", v)));
        flags.extend(c.grep.iter().map(|v| flag("--grep", v)));
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
        Scope { source, flags }
    }

    /// The selection narrowed to the group where `key` is `value`, never wider: a flag given
    /// twice means either value, so the group's value replaces the key's flags rather than
    /// joining them (the group's value already passes them), and an hour or day meets the
    /// session's own time window. `Err` says why a group cannot be selected by filters.
    pub fn narrowed(
        &self,
        key: GroupKey,
        value: Option<&str>,
        now_ms: i64,
    ) -> Result<Scope, String> {
        let v = value.ok_or(
            "entries without a value for that key cannot be selected by a filter; \
             pick another group or group by other keys (--by)",
        )?;
        let name = match key {
            GroupKey::Url => "--url",
            GroupKey::Status => "--status",
            GroupKey::Label => "--label",
            GroupKey::Queue => "--queue",
            GroupKey::UrlGroup => "--url-group",
            GroupKey::Schedule => "--schedule",
            GroupKey::FlowControlKey => "--flow-control-key",
            GroupKey::CallerIp => "--caller-ip",
            GroupKey::WorkflowUrl => "--workflow-url",
            GroupKey::CallbackState => "--callback-state",
            GroupKey::Response => "--signature",
            GroupKey::Hour | GroupKey::Day => return self.within(key, v, now_ms),
            // Triage groups by fields only; a program's groups are stats's.
            GroupKey::Jq => return Err("a --by-jq group is not selected by a filter".into()),
        };
        // An entry has several labels: the group "b" of a session on label a holds entries
        // with both, and no filter says "both".
        let labels: Vec<&str> = self
            .flags
            .iter()
            .filter(|f| f.name == name)
            .map(|f| f.value.as_str())
            .collect();
        if key == GroupKey::Label && !labels.is_empty() && !labels.contains(&v) {
            return Err(format!(
                "entries with label {v:?} among those with label {} cannot be selected by \
                 a filter (labels given twice mean either); start `dlq triage --label {v}` \
                 to work on all of them",
                labels.join(" or ")
            ));
        }
        let mut flags = self.flags.clone();
        flags.retain(|f| f.name != name);
        flags.push(flag(name, v));
        Ok(Scope {
            source: self.source,
            flags,
        })
    }

    /// The selection narrowed to its entries that also say `text`, never wider: a second
    /// program joins the first with `and`; a second pattern, which one `--grep` cannot
    /// carry beside the first, is refused with the way to say it.
    pub fn saying(&self, says: Says, text: &str) -> Result<Scope, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("{} needs a value", says.flag()));
        }
        let mut flags = self.flags.clone();
        match (flags.iter_mut().find(|f| f.name == says.flag()), says) {
            (Some(f), Says::Where) => f.value = format!("({}) and ({text})", f.value),
            (Some(f), Says::Grep) => {
                return Err(format!(
                    "this selection has --grep {:?} already, and --grep takes one pattern; \
                     narrow further with --where, e.g. '$body | tostring | test(\"...\")'",
                    f.value
                ))
            }
            (None, _) => flags.push(flag(says.flag(), text)),
        }
        Ok(Scope {
            source: self.source,
            flags,
        })
    }

    /// The same selection with its relative times (`--from 2h`) fixed as of `now_ms`: a line
    /// printed to be run later selects what it selected now.
    pub fn fixed(&self, now_ms: i64) -> Scope {
        let mut flags = self.flags.clone();
        for f in &mut flags {
            let timed = matches!(f.name, "--from" | "--to" | "--workflow-created-at");
            if let (true, Ok(t @ TimeSpec::Ago(_))) = (timed, parse_time(&f.value)) {
                f.value = rfc3339_ms(t.resolve(now_ms));
            }
        }
        Scope {
            source: self.source,
            flags,
        }
    }

    /// The selection within the hour or day `v`, and within its own `--from`/`--to`.
    fn within(&self, key: GroupKey, v: &str, now_ms: i64) -> Result<Scope, String> {
        let (mut from, mut to) = window(key, v).ok_or(format!("{v:?} is not an hour or a day"))?;
        let bound = |name: &str| {
            self.flags
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| parse_time(&f.value).ok())
                .map(|t| t.resolve(now_ms))
        };
        from = from.max(bound("--from").unwrap_or(i64::MIN));
        to = to.min(bound("--to").unwrap_or(i64::MAX));
        let mut flags = self.flags.clone();
        flags.retain(|f| f.name != "--from" && f.name != "--to");
        flags.push(flag("--from", rfc3339_ms(from)));
        flags.push(flag("--to", rfc3339_ms(to)));
        Ok(Scope {
            source: self.source,
            flags,
        })
    }

    /// `dlq <verb> [--workflow] <filters> <extra>`, as arguments for the grammar to parse
    /// (what is printed of it is aimed by the session: `Session::printed`).
    pub fn argv(&self, line: Line, extra: &[String]) -> Vec<String> {
        let action = matches!(line, Line::Act(_));
        let mut argv = vec!["dlq".to_string(), line.name().to_string()];
        if self.source == Source::Workflow && line.takes_workflow_flag() {
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
        let s = Scope {
            source: Source::Workflow,
            flags: vec![flag("--flow-control-key", "k")],
        };
        let s = s
            .narrowed(GroupKey::WorkflowUrl, Some("https://app.example/wf"), 0)
            .unwrap();
        assert_eq!(
            s.argv(Line::Act(Verb::Resume), &["--all".into()]),
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
        assert_eq!(s.argv(Line::Stats, &[])[2], "--workflow");
        assert!(s.narrowed(GroupKey::Label, None, 0).is_err());
        let day = s.narrowed(GroupKey::Day, Some("2026-11-20"), 0).unwrap();
        let argv = day.argv(Line::List, &[]);
        assert!(
            argv.contains(&"2026-11-20T00:00:00Z".to_string()),
            "{argv:?}"
        );
        assert!(argv.contains(&"1795219199999".to_string()), "{argv:?}");
    }

    fn flags_of(s: &Scope) -> Vec<(&str, &str)> {
        s.flags.iter().map(|f| (f.name, f.value.as_str())).collect()
    }

    #[test]
    fn a_group_never_selects_more_than_it_holds() {
        let s = Scope {
            source: Source::Qstash,
            flags: vec![
                flag("--status", "5xx"),
                flag("--label", "a"),
                flag("--label", "c"),
                flag("--from", "2h"),
            ],
        };
        // 5xx then 503: the group is 503, not "5xx or 503".
        let n = s.narrowed(GroupKey::Status, Some("503"), 0).unwrap();
        assert_eq!(
            flags_of(&n),
            [
                ("--label", "a"),
                ("--label", "c"),
                ("--from", "2h"),
                ("--status", "503")
            ]
        );
        // Label a of "a or c" is exactly the entries with a; label b cannot be said.
        let n = s.narrowed(GroupKey::Label, Some("a"), 0).unwrap();
        assert_eq!(flags_of(&n).iter().filter(|f| f.0 == "--label").count(), 1);
        let err = s.narrowed(GroupKey::Label, Some("b"), 0).unwrap_err();
        assert!(err.contains("dlq triage --label b"), "{err}");
        // A day meets the session's last two hours: 2026-11-20 10:30Z minus 2h.
        let now = "2026-11-20T10:30:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond();
        let n = s.narrowed(GroupKey::Day, Some("2026-11-20"), now).unwrap();
        let f = flags_of(&n);
        assert!(f.contains(&("--from", "2026-11-20T08:30:00Z")), "{f:?}");
        assert!(f.contains(&("--to", "1795219199999")), "{f:?}");
    }

    #[test]
    fn what_entries_say_narrows_and_never_widens() {
        let s = Scope {
            source: Source::Qstash,
            flags: vec![flag("--status", "503")],
        };
        let n = s.saying(Says::Where, " $body.tenant == \"acme\" ").unwrap();
        let n = n.saying(Says::Where, ".responseStatus >= 500").unwrap();
        let n = n.saying(Says::Grep, "(?i)timeout").unwrap();
        assert_eq!(
            flags_of(&n),
            [
                ("--status", "503"),
                (
                    "--where",
                    "($body.tenant == \"acme\") and (.responseStatus >= 500)"
                ),
                ("--grep", "(?i)timeout")
            ]
        );
        let err = n.saying(Says::Grep, "order").unwrap_err();
        assert!(err.contains("--where"), "{err}");
        assert!(s.saying(Says::Grep, "  ").is_err());
    }

    #[test]
    fn durations_read_as_typed() {
        assert_eq!(duration_text(Duration::from_secs(7200)), "2h");
        assert_eq!(duration_text(Duration::from_secs(90)), "90s");
    }
}
