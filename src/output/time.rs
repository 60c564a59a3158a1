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
}
