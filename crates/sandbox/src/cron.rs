//! Cron expressions as schedules take them: five fields (minute, hour, day of month, month,
//! day of week) of `*`, numbers, ranges, lists and `/step`, an optional `CRON_TZ=Zone` first,
//! and the usual rule that a restricted day of month and day of week match either way.

use jiff::tz::TimeZone;
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct Cron {
    fields: [Vec<bool>; 5],
    /// Whether day of month and day of week are both restricted (then either may match).
    either_day: bool,
    tz: TimeZone,
}

const RANGES: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];

fn field(text: &str, (lo, hi): (u32, u32)) -> Result<Vec<bool>, String> {
    let mut set = vec![false; hi as usize + 1];
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>().ok().filter(|s| *s > 0).ok_or("bad step")?,
            ),
            None => (part, 1),
        };
        let (a, b) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (
                    a.parse().map_err(|_| "bad number")?,
                    b.parse().map_err(|_| "bad number")?,
                ),
                None => {
                    let n: u32 = r.parse().map_err(|_| "bad number")?;
                    (n, if part.contains('/') { hi } else { n })
                }
            },
        };
        if a < lo || b > hi || a > b {
            return Err(format!("{part} is outside {lo}-{hi}"));
        }
        for v in (a..=b).step_by(step as usize) {
            set[v as usize] = true;
        }
    }
    Ok(set)
}

impl Cron {
    pub fn parse(expr: &str) -> Result<Cron, String> {
        let bad = |why: String| format!("cron {expr:?} is invalid: {why}");
        let mut rest = expr.trim();
        let mut tz = TimeZone::UTC;
        if let Some(after) = rest.strip_prefix("CRON_TZ=") {
            let (zone, tail) = after
                .split_once(' ')
                .ok_or_else(|| bad("no fields".into()))?;
            tz = TimeZone::get(zone).map_err(|_| bad(format!("unknown time zone {zone}")))?;
            rest = tail.trim();
        }
        let parts: Vec<&str> = rest.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(bad(
                "it needs five fields: minute hour day month weekday".into()
            ));
        }
        let mut fields: [Vec<bool>; 5] = Default::default();
        for (i, p) in parts.iter().enumerate() {
            fields[i] = field(p, RANGES[i]).map_err(|e| bad(e.to_string()))?;
        }
        // Sunday is 0 or 7.
        if fields[4][7] {
            fields[4][0] = true;
        }
        Ok(Cron {
            either_day: parts[2] != "*" && parts[4] != "*",
            fields,
            tz,
        })
    }

    /// Whether the minute starting at `ms` (epoch milliseconds) is one the cron fires on.
    pub fn matches(&self, ms: i64) -> bool {
        let Ok(t) = Timestamp::from_millisecond(ms) else {
            return false;
        };
        let dt = t.to_zoned(self.tz.clone()).datetime();
        let f = &self.fields;
        let dom = f[2][dt.day() as usize];
        let dow = f[4][dt.weekday().to_sunday_zero_offset() as usize];
        let day = if self.either_day {
            dom || dow
        } else {
            dom && dow
        };
        f[0][dt.minute() as usize] && f[1][dt.hour() as usize] && f[3][dt.month() as usize] && day
    }

    /// The first minute strictly after `ms` the cron fires on, within a year and a day.
    pub fn next_after(&self, ms: i64) -> Option<i64> {
        let start = ms.div_euclid(60_000) + 1;
        (start..start + 366 * 1440)
            .map(|m| m * 60_000)
            .find(|&m| self.matches(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_ranges_steps_and_zones() {
        let every5 = Cron::parse("*/5 * * * *").unwrap();
        assert!(every5.matches(0) && !every5.matches(60_000) && every5.matches(300_000));
        assert_eq!(every5.next_after(0), Some(300_000));
        // 1970-01-01 was a Thursday; 9:30 on weekdays.
        let c = Cron::parse("30 9 * * 1-5").unwrap();
        assert!(c.matches((9 * 60 + 30) * 60_000));
        assert!(!c.matches((2 * 1440 + 9 * 60 + 30) * 60_000), "a Saturday");
        let ny = Cron::parse("CRON_TZ=America/New_York 0 4 * * *").unwrap();
        assert!(
            ny.matches(9 * 3_600_000),
            "04:00 in New York is 09:00 UTC in January"
        );
        for bad in [
            "* * * *",
            "60 * * * *",
            "*/0 * * * *",
            "CRON_TZ=Nowhere/X * * * * *",
        ] {
            assert!(Cron::parse(bad).is_err(), "{bad}");
        }
    }
}
