//! Parsers of flag values: times, durations, statuses, counts and rates.
//!
//! Values are parsed at argument time, so a bad `--from`, `--status` or `--rps` is a usage
//! error (exit 2) that lists the accepted forms before anything touches the network. Relative
//! times stay relative ([`TimeSpec::Ago`]) until the command resolves them against the one `now`
//! it takes at start, so every page of a long run uses the same window.

use std::time::Duration;

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
    match duration(s) {
        Ok(d) => return Ok(TimeSpec::Ago(d)),
        Err(e @ BadDuration::TooLong) => return Err(e.say(s)),
        Err(BadDuration::Unreadable) => {}
    }
    Err(format!("cannot read {s:?} as a time; {TIME_FORMS}"))
}

/// `--watch` and `--interval`: at least a second, so a typo cannot turn into a request storm.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text)?;
    if d < Duration::from_secs(1) {
        return Err(format!("{text} is too short: at least 1s, like 10s or 1m"));
    }
    Ok(d)
}

/// Parses durations such as `500ms`, `10s`, `5m`, `2h`, `7d`, `1w`, up to [`MAX_DURATION`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    duration(s).map_err(|e| e.say(s))
}

/// Why a duration was refused: unreadable, or readable and longer than any flag takes.
enum BadDuration {
    Unreadable,
    TooLong,
}

impl BadDuration {
    fn say(self, s: &str) -> String {
        let s = s.trim();
        match self {
            BadDuration::Unreadable => format!(
                "cannot read {s:?} as a duration; accepted forms: a number with a unit, \
                 like 500ms, 10s, 5m, 2h, 7d, 1w"
            ),
            BadDuration::TooLong => {
                format!("{s:?} is too long: at most {MAX_DAYS}d (100 years)")
            }
        }
    }
}

fn duration(s: &str) -> Result<Duration, BadDuration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let unit_ms: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(BadDuration::Unreadable),
    };
    // Digits alone that overflow are a number, only too large.
    let n: u64 = match num.parse() {
        Ok(n) => n,
        Err(_) if !num.is_empty() => return Err(BadDuration::TooLong),
        Err(_) => return Err(BadDuration::Unreadable),
    };
    n.checked_mul(unit_ms)
        .map(Duration::from_millis)
        .filter(|d| *d <= MAX_DURATION)
        .ok_or(BadDuration::TooLong)
}

const MAX_DAYS: u64 = 36_500;
/// The longest duration any flag takes. Longer ones are typos, and would not survive the
/// arithmetic on epoch milliseconds every age and window is made of (a gate of
/// 106751991167300d wrapped around to below an hour).
pub const MAX_DURATION: Duration = Duration::from_secs(MAX_DAYS * 86_400);

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

/// A count that must be at least one (`--limit`, `--max`, `--concurrency`, `--top`): zero
/// would silently mean "nothing" or "unbounded", depending on who reads it.
pub fn parse_positive(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number")),
    }
}

/// `--concurrency`: requests in flight at once, 1 to 64.
pub fn parse_concurrency(s: &str) -> Result<usize, String> {
    use crate::bulk::flow::MAX_CONCURRENCY;
    match parse_positive(s)? {
        n if (1..=MAX_CONCURRENCY as u64).contains(&n) => Ok(n as usize),
        n => Err(format!(
            "{n} is too many; {MAX_CONCURRENCY} requests in flight at most"
        )),
    }
}

/// `--rps`: a finite rate above zero. `0` or `NaN` would mean "never send" or nonsense.
pub fn parse_rps(s: &str) -> Result<f64, String> {
    let forms = "a number of requests a second above 0, like 10 or 0.5";
    match s.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 0.001 => Ok(r),
        _ => Err(format!("{s:?} is not {forms}")),
    }
}

/// `--timeout`: a duration above zero (a zero timeout fails every request).
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < Duration::from_millis(100) {
        return Err(format!("{s:?} is too short; at least 100ms, like 30s"));
    }
    Ok(d)
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
    fn counts_rates_and_timeouts_refuse_what_means_nothing() {
        assert_eq!(parse_positive("3"), Ok(3));
        assert!(parse_positive("0").is_err());
        assert!(parse_positive("-1").is_err());
        assert!(parse_concurrency("0").is_err());
        assert!(parse_concurrency("65").is_err());
        assert_eq!(parse_rps("0.5"), Ok(0.5));
        for bad in ["0", "NaN", "inf", "-2", "x"] {
            assert!(parse_rps(bad).is_err(), "{bad}");
        }
        assert!(parse_timeout("0s").is_err());
        assert_eq!(parse_timeout("2m"), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("5 minutes").is_err());
    }

    #[test]
    fn durations_beyond_a_century_are_refused_naming_the_largest() {
        assert_eq!(parse_duration("36500d"), Ok(MAX_DURATION));
        for long in [
            "36501d",
            "106751991167300d",
            "9223372036854776s",
            "99999999999999999999ms",
            "18446744073709551616w",
        ] {
            let e = parse_duration(long).unwrap_err();
            assert!(e.contains("at most 36500d"), "{long}: {e}");
            assert!(parse_time(long).unwrap_err().contains("at most 36500d"));
        }
    }
}
