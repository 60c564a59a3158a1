//! The filters every selecting verb shares, and the parsers of their values.
//!
//! Values are parsed here, at argument time, so a bad `--from` or `--status` is a usage error
//! (exit 2) that lists the accepted forms before anything touches the network. Relative times
//! stay relative ([`TimeSpec::Ago`]) until the command resolves them against the one `now` it
//! takes at start, so every page of a long run uses the same window.

use std::time::Duration;

/// Filters of values of one flag OR together; different flags AND together.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Filters (repeatable; values of one flag OR, different flags AND)")]
pub struct FilterArgs {
    /// Destination URL (QStash)
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// URL group, also called topic (QStash)
    #[arg(long, value_name = "NAME")]
    pub url_group: Vec<String>,
    /// Queue name (QStash)
    #[arg(long, value_name = "NAME")]
    pub queue: Vec<String>,
    /// Schedule id (QStash)
    #[arg(long, value_name = "ID")]
    pub schedule: Vec<String>,
    /// Message id (QStash; one value)
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
    /// Label
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// Response status of the last attempt: 500, a class like 5xx, or a range like 500-504 (QStash)
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub status: Vec<StatusSpec>,
    /// IP address of the publisher
    #[arg(long, value_name = "IP")]
    pub caller_ip: Vec<String>,
    /// Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub from: Option<TimeSpec>,
    /// Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub to: Option<TimeSpec>,
    /// Workflow URL (workflows)
    #[arg(long, value_name = "URL")]
    pub workflow_url: Vec<String>,
    /// Workflow run id (workflows; one value)
    #[arg(long, value_name = "ID")]
    pub workflow_run_id: Option<String>,
    /// Creation time of the workflow run, epoch ms or RFC 3339 (workflows)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub workflow_created_at: Option<TimeSpec>,
    /// State of the failure callback (workflows)
    #[arg(long, value_enum, value_name = "STATE")]
    pub callback_state: Vec<CallbackState>,
}

/// The flow-control-key filter of read-only verbs. Action verbs spell it
/// `--match-flow-control-key`, because there `--flow-control-key` sets a new key.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FlowKeyFilter {
    /// Flow control key
    #[arg(
        long = "flow-control-key",
        value_name = "KEY",
        help_heading = "Filters (repeatable; values of one flag OR, different flags AND)"
    )]
    pub keys: Vec<String>,
}

/// A point in time as the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// Epoch milliseconds.
    At(i64),
    /// That long before the command started.
    Ago(Duration),
}

impl TimeSpec {
    pub fn resolve(self, now_ms: i64) -> i64 {
        match self {
            TimeSpec::At(ms) => ms,
            TimeSpec::Ago(d) => now_ms - d.as_millis() as i64,
        }
    }
}

/// A response status filter: one code or an inclusive range (`5xx` is 500-599).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusSpec {
    pub from: u16,
    pub to: u16,
}

impl StatusSpec {
    pub fn codes(self) -> impl Iterator<Item = u16> {
        self.from..=self.to
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallbackState {
    CallbackInprogress,
    CallbackSuccess,
    CallbackFail,
    CallbackCanceled,
}

impl CallbackState {
    pub fn as_wire(self) -> &'static str {
        match self {
            CallbackState::CallbackInprogress => "CALLBACK_INPROGRESS",
            CallbackState::CallbackSuccess => "CALLBACK_SUCCESS",
            CallbackState::CallbackFail => "CALLBACK_FAIL",
            CallbackState::CallbackCanceled => "CALLBACK_CANCELED",
        }
    }
}

const TIME_FORMS: &str = "accepted forms: RFC 3339 (2026-11-20T08:00:00Z), \
epoch milliseconds (1763625600000), or a relative time before now (90s, 30m, 2h, 7d, 1w)";

/// Parses `--from`/`--to` values.
pub fn parse_time(s: &str) -> Result<TimeSpec, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .map(TimeSpec::At)
            .map_err(|_| format!("{s:?} is too large; {TIME_FORMS}"));
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(TimeSpec::At(ts.as_millisecond()));
    }
    if let Ok(d) = parse_duration(s) {
        return Ok(TimeSpec::Ago(d));
    }
    Err(format!("cannot read {s:?} as a time; {TIME_FORMS}"))
}

/// Parses durations such as `500ms`, `10s`, `5m`, `2h`, `7d`, `1w`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let forms = "accepted forms: a number with a unit, like 500ms, 10s, 5m, 2h, 7d, 1w";
    let n: u64 = num
        .parse()
        .map_err(|_| format!("cannot read {s:?} as a duration; {forms}"))?;
    let secs = match unit {
        "ms" => return Ok(Duration::from_millis(n)),
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("cannot read {s:?} as a duration; {forms}")),
    };
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{s:?} is too long"))
}

/// Parses `--status` values: `500`, `5xx`, `500-504`.
pub fn parse_status(s: &str) -> Result<StatusSpec, String> {
    let forms = "accepted forms: a code (500), a class (4xx, 5xx), or a range (500-504)";
    let code = |t: &str| -> Result<u16, String> {
        match t.parse::<u16>() {
            Ok(c) if (100..=599).contains(&c) => Ok(c),
            _ => Err(format!("{s:?} is not a response status; {forms}")),
        }
    };
    let lower = s.trim().to_ascii_lowercase();
    if let Some(class) = lower.strip_suffix("xx") {
        let c = code(&format!("{class}00"))?;
        return Ok(StatusSpec {
            from: c,
            to: c + 99,
        });
    }
    if let Some((a, b)) = lower.split_once('-') {
        let (from, to) = (code(a)?, code(b)?);
        if from > to {
            return Err(format!("{s:?}: the range is backwards; {forms}"));
        }
        return Ok(StatusSpec { from, to });
    }
    let c = code(&lower)?;
    Ok(StatusSpec { from: c, to: c })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            parse_time("1700000000000"),
            Ok(TimeSpec::At(1_700_000_000_000))
        );
        assert_eq!(
            parse_time("2023-11-14T22:13:20Z"),
            Ok(TimeSpec::At(1_700_000_000_000))
        );
        assert_eq!(
            parse_time("2h"),
            Ok(TimeSpec::Ago(Duration::from_secs(7200)))
        );
        assert!(parse_time("yesterday-ish")
            .unwrap_err()
            .contains("RFC 3339"));
        assert_eq!(TimeSpec::Ago(Duration::from_secs(1)).resolve(5000), 4000);
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("5xx"), Ok(StatusSpec { from: 500, to: 599 }));
        assert_eq!(parse_status("404"), Ok(StatusSpec { from: 404, to: 404 }));
        assert_eq!(parse_status("500-504").unwrap().codes().count(), 5);
        assert!(parse_status("9xx").is_err());
        assert!(parse_status("504-500").is_err());
        assert!(parse_status("abc").unwrap_err().contains("5xx"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("5 minutes").is_err());
    }
}
