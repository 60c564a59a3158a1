//! Times for people (`3h ago`) and for scripts (RFC 3339), from epoch milliseconds.

use jiff::Timestamp;

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => ms.to_string(),
    }
}

/// A short age such as `45s`, `12m`, `3h`, `2d`.
pub fn age(ms: i64, now_ms: i64) -> String {
    let s = (now_ms - ms) / 1000;
    if s < 0 {
        return "future".into();
    }
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=172_799 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Both: `2026-11-20T08:00:00Z (3h ago, 1763625600000)`.
pub fn both(ms: i64, now_ms: i64) -> String {
    format!("{} ({} ago, {ms})", rfc3339(ms), age(ms, now_ms))
}

/// A wait or run time for people: `300ms`, `2s`, `1.5s`, `4m 10s`.
pub fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    match ms {
        0..=999 => format!("{ms}ms"),
        1_000..=9_999 if !ms.is_multiple_of(1000) => format!("{:.1}s", d.as_secs_f64()),
        1_000..=59_999 => format!("{}s", d.as_secs()),
        _ => {
            let s = d.as_secs();
            if s.is_multiple_of(60) {
                format!("{}m", s / 60)
            } else {
                format!("{}m {}s", s / 60, s % 60)
            }
        }
    }
}

/// A rate for people: one decimal below 10, whole numbers above.
pub fn rate(per_sec: f64) -> String {
    if per_sec < 10.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.0}/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(age(0, 59_000), "59s");
        assert_eq!(age(0, 7_200_000), "2h");
        assert_eq!(age(0, 3 * 86_400_000), "3d");
        assert_eq!(rfc3339(1_700_000_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn durations_and_rates_read_short() {
        use std::time::Duration;
        assert_eq!(duration(Duration::from_millis(250)), "250ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(duration(Duration::from_secs(2)), "2s");
        assert_eq!(duration(Duration::from_secs(250)), "4m 10s");
        assert_eq!(rate(122.3634), "122/s");
        assert_eq!(rate(0.26), "0.3/s");
    }
}
