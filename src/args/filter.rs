//! Filter flags, in three groups: those both DLQs understand, the QStash-only ones and the
//! workflow-only ones. Each verb flattens the groups of the DLQs it reads, so `dlq resume --help`
//! shows only filters that can match a workflow run.
//!
//! [`build`] turns them into the client's [`Filter`], resolving relative times against the
//! command's one `now`; a filter of the other DLQ is a usage error that says which flag fixes it.

use super::values::{parse_status, parse_time, CallbackState, StatusSpec, TimeSpec};
use crate::api::{Content, Filter, Source};
use crate::error::{CliError, Result};

pub const HEADING: &str = "Filters (repeatable; values of one flag OR, different flags AND)";
const QSTASH_HEADING: &str = "QStash filters";
const WORKFLOW_HEADING: &str = "Workflow filters";
const CONTENT_HEADING: &str = "Content filters (checked by dlq on every listed entry)";

/// Filters both DLQs understand.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct CommonFilters {
    /// Label
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// IP address of the publisher
    #[arg(long, value_name = "IP")]
    pub caller_ip: Vec<String>,
    /// Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub from: Option<TimeSpec>,
    /// Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub to: Option<TimeSpec>,
    /// Keep the entries this jq program selects (as `select` would), run on each entry as
    /// `dlq get -o json` prints it; $body and $response are the request and response bodies
    /// parsed as JSON (null when not JSON). Example: '$body.tenant == "acme"'
    #[arg(long = "where", value_name = "EXPR", help_heading = CONTENT_HEADING)]
    pub where_expr: Option<String>,
    /// Keep the entries whose body or response body (decoded) matches this regular
    /// expression; (?i) makes it case-insensitive. Example: '(?i)invalid signature'
    #[arg(long, value_name = "PATTERN", help_heading = CONTENT_HEADING)]
    pub grep: Option<String>,
    /// Failure signature, exactly as `stats --by response` shows it (checked by dlq: each
    /// group's selector is in `stats --by response -o json`)
    #[arg(long, value_name = "TEXT", help_heading = CONTENT_HEADING)]
    pub signature: Vec<String>,
}

/// Filters of QStash messages.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = QSTASH_HEADING)]
pub struct QstashFilters {
    /// Destination URL
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// URL group, also called topic
    #[arg(long, value_name = "NAME")]
    pub url_group: Vec<String>,
    /// Queue name
    #[arg(long, value_name = "NAME")]
    pub queue: Vec<String>,
    /// Schedule id
    #[arg(long, value_name = "ID")]
    pub schedule: Vec<String>,
    /// Message id (one value)
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
    /// Response status of the last attempt: 500, a class like 5xx, or a range like 500-504
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub status: Vec<StatusSpec>,
}

/// Filters of failed workflow runs.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = WORKFLOW_HEADING)]
pub struct WorkflowFilters {
    /// Workflow URL
    #[arg(long, value_name = "URL")]
    pub workflow_url: Vec<String>,
    /// Workflow run id (one value)
    #[arg(long, value_name = "ID")]
    pub workflow_run_id: Option<String>,
    /// Creation time of the workflow run, epoch ms or RFC 3339
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub workflow_created_at: Option<TimeSpec>,
    /// State of the failure callback
    #[arg(long, value_enum, value_name = "STATE")]
    pub callback_state: Vec<CallbackState>,
}

/// The flow-control-key filter of read-only verbs. Action verbs spell it
/// `--match-flow-control-key`, because there `--flow-control-key` sets a new key.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct FlowKeyFilter {
    /// Flow control key
    #[arg(long = "flow-control-key", value_name = "KEY")]
    pub keys: Vec<String>,
}

/// The flow-control-key filter of action verbs.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct MatchFlowKey {
    /// Flow control key (a filter; --flow-control-key sets a new key)
    #[arg(long = "match-flow-control-key", value_name = "KEY")]
    pub keys: Vec<String>,
}

/// Every filter, for the verbs that read either DLQ (list, stats, export).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReadFilters {
    #[command(flatten)]
    pub common: CommonFilters,
    #[command(flatten)]
    pub qstash: QstashFilters,
    #[command(flatten)]
    pub workflow: WorkflowFilters,
    #[command(flatten)]
    pub flow: FlowKeyFilter,
}

impl ReadFilters {
    pub fn build(&self, source: Source, now_ms: i64) -> Result<Filter> {
        let given = Given {
            common: &self.common,
            qstash: Some(&self.qstash),
            workflow: Some(&self.workflow),
            flow_keys: &self.flow.keys,
        };
        build(&given, source, now_ms)
    }
}

/// The filter groups a verb was given; `None` for a group the verb does not have.
pub struct Given<'a> {
    pub common: &'a CommonFilters,
    pub qstash: Option<&'a QstashFilters>,
    pub workflow: Option<&'a WorkflowFilters>,
    pub flow_keys: &'a [String],
}

/// The flags of a QStash-only group that are set.
fn qstash_set(q: &QstashFilters) -> Vec<&'static str> {
    let mut set = Vec::new();
    for (on, flag) in [
        (!q.url.is_empty(), "--url"),
        (!q.url_group.is_empty(), "--url-group"),
        (!q.queue.is_empty(), "--queue"),
        (!q.schedule.is_empty(), "--schedule"),
        (q.message_id.is_some(), "--message-id"),
        (!q.status.is_empty(), "--status"),
    ] {
        if on {
            set.push(flag);
        }
    }
    set
}

fn workflow_set(w: &WorkflowFilters) -> Vec<&'static str> {
    let mut set = Vec::new();
    for (on, flag) in [
        (!w.workflow_url.is_empty(), "--workflow-url"),
        (w.workflow_run_id.is_some(), "--workflow-run-id"),
        (w.workflow_created_at.is_some(), "--workflow-created-at"),
        (!w.callback_state.is_empty(), "--callback-state"),
    ] {
        if on {
            set.push(flag);
        }
    }
    set
}

/// Builds the filter for `source`. Filters of the other DLQ are a usage error naming the flag
/// that selects it, and a window whose start is after its end is refused: it matches nothing.
pub fn build(g: &Given, source: Source, now_ms: i64) -> Result<Filter> {
    let (bad, hint) = match source {
        Source::Qstash => (
            g.workflow.map(workflow_set).unwrap_or_default(),
            "they filter failed workflow runs: add --workflow",
        ),
        Source::Workflow => (
            g.qstash.map(qstash_set).unwrap_or_default(),
            "they filter QStash messages: drop --workflow",
        ),
    };
    if !bad.is_empty() {
        let which = match source {
            Source::Qstash => "QStash messages",
            Source::Workflow => "workflow runs",
        };
        return Err(
            CliError::usage(format!("{} cannot filter {which}", bad.join(", "))).hint(hint),
        );
    }
    if let Some(q) = g.qstash.filter(|_| source == Source::Qstash) {
        whole_urls("--url", &q.url)?;
    }
    if let Some(w) = g.workflow.filter(|_| source == Source::Workflow) {
        whole_urls("--workflow-url", &w.workflow_url)?;
    }
    let from_ms = g.common.from.map(|t| t.resolve(now_ms));
    let to_ms = g.common.to.map(|t| t.resolve(now_ms));
    if let (Some(from), Some(to)) = (from_ms, to_ms) {
        if from > to {
            return Err(CliError::usage(
                "--from is after --to: the window is empty and would match nothing",
            )
            .hint(
                "relative times count back from now: --from 2h --to 1h is the hour before last",
            ));
        }
    }
    if g.common.signature.iter().any(|s| s.trim().is_empty()) {
        return Err(CliError::usage(
            "--signature '' cannot match anything: every signature starts with a status",
        )
        .hint("`stats --by response -o json` gives each group's signature and selector"));
    }
    let content = Content::new(g.common.where_expr.clone(), g.common.grep.clone());
    let content = crate::bulk::content::compile(content).map_err(|e| {
        CliError::usage(e.to_string()).hint(match e.flag {
            "--grep" => "the pattern is a Rust regular expression, e.g. '(?i)invalid signature'",
            _ => "the program is jq syntax, e.g. '$body.tenant == \"acme\"' or '.responseStatus >= 500'",
        })
    })?;
    let mut f = Filter {
        content,
        labels: g.common.label.clone(),
        signatures: g.common.signature.clone(),
        caller_ips: g.common.caller_ip.clone(),
        flow_control_keys: g.flow_keys.to_vec(),
        from_ms,
        to_ms,
        ..Filter::default()
    };
    if let (Source::Qstash, Some(q)) = (source, g.qstash) {
        f.urls = q.url.clone();
        f.url_groups = q.url_group.clone();
        f.queues = q.queue.clone();
        f.schedules = q.schedule.clone();
        f.message_id = q.message_id.clone();
        f.statuses = q.status.iter().flat_map(|s| s.codes()).collect();
    }
    if let (Source::Workflow, Some(w)) = (source, g.workflow) {
        f.workflow_urls = w.workflow_url.clone();
        f.workflow_run_id = w.workflow_run_id.clone();
        f.workflow_created_at = w.workflow_created_at.map(|t| t.resolve(now_ms));
        f.callback_states = w
            .callback_state
            .iter()
            .map(|s| s.as_wire().to_string())
            .collect();
    }
    Ok(f)
}

/// URL filters match the whole URL the API stores, scheme included. A value copied from a
/// table (which drops `https://` and cuts long URLs with `…` to fit) would match nothing and
/// list "no entries" as if the DLQ were clean: it is refused, with the value it probably meant.
fn whole_urls(flag: &str, values: &[String]) -> Result<()> {
    for v in values {
        let shown = crate::text::safe(v);
        if v.contains('…') {
            return Err(CliError::usage(format!(
                "{flag} {shown} cannot match anything: it was shortened (…) to fit a table, \
                 and {flag} matches whole URLs"
            ))
            .hint(match flag {
                // No `dlq` line: the target is not chosen yet (see src/cmdline.rs).
                "--url" => "`stats --by url -o json` lists every URL whole",
                _ => "`stats --workflow --by workflow-url -o json` lists every URL whole",
            }));
        }
        if v.trim().is_empty() {
            return Err(CliError::usage(format!(
                "{flag} '' cannot match anything: give a whole URL, like https://api.example/hook"
            )));
        }
        if !v.contains("://") {
            return Err(CliError::usage(format!(
                "{flag} {shown} cannot match anything: {flag} matches whole URLs, \
                 scheme included"
            ))
            .hint(format!(
                "tables leave out https:// to fit: {flag} https://{}",
                shown.trim_start_matches('/')
            )));
        }
    }
    Ok(())
}

/// Which DLQ a flag filters, for the error of a verb that does not have it.
pub fn dlq_of_flag(flag: &str) -> Option<Source> {
    let name = flag.trim_start_matches('-');
    let name = name.split('=').next().unwrap_or(name);
    match name {
        "url" | "url-group" | "queue" | "schedule" | "message-id" | "status" => {
            Some(Source::Qstash)
        }
        "workflow-url" | "workflow-run-id" | "workflow-created-at" | "callback-state" => {
            Some(Source::Workflow)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_dlqs_filters_are_refused_with_the_fix() {
        let common = CommonFilters::default();
        let q = QstashFilters {
            status: vec![parse_status("5xx").unwrap()],
            ..Default::default()
        };
        let w = WorkflowFilters::default();
        let given = Given {
            common: &common,
            qstash: Some(&q),
            workflow: Some(&w),
            flow_keys: &[],
        };
        let err = build(&given, Source::Workflow, 0).unwrap_err();
        assert!(err.message.contains("--status"), "{}", err.message);
        assert!(err.hints[0].contains("drop --workflow"));
        assert_eq!(
            build(&given, Source::Qstash, 0).unwrap().statuses.len(),
            100
        );
    }

    #[test]
    fn an_empty_window_is_refused() {
        let common = CommonFilters {
            from: Some(parse_time("1h").unwrap()),
            to: Some(parse_time("2h").unwrap()),
            ..Default::default()
        };
        let given = Given {
            common: &common,
            qstash: None,
            workflow: None,
            flow_keys: &[],
        };
        assert!(build(&given, Source::Qstash, 10_000_000).is_err());
    }

    #[test]
    fn flags_know_their_dlq() {
        assert_eq!(dlq_of_flag("--status"), Some(Source::Qstash));
        assert_eq!(dlq_of_flag("--callback-state=X"), Some(Source::Workflow));
        assert_eq!(dlq_of_flag("--label"), None);
    }
}
