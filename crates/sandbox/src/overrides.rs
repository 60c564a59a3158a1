//! The `Upstash-*` configuration headers that retry, resume and restart accept to override
//! the original configuration (API.md 3.5, 4.5, 6.13), and publish uses to set it.

use std::collections::BTreeMap;

use axum::http::HeaderMap;

/// Overrides as parsed and validated; `None` keeps the original value.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Every `Upstash-*` header of the request, canonically cased, as sent.
    pub raw: BTreeMap<String, String>,
    pub retries: Option<i64>,
    pub delay: Option<(String, i64)>,
    pub not_before: Option<i64>,
    pub retry_delay: Option<String>,
    pub flow_control_key: Option<String>,
    pub flow_control_value: Option<String>,
    pub rate: Option<i64>,
    pub parallelism: Option<i64>,
    pub period: Option<i64>,
    pub labels: Option<Vec<String>>,
    pub callback: Option<String>,
    pub failure_callback: Option<String>,
    pub timeout: Option<String>,
    pub method: Option<String>,
    pub redact: Option<super::redact::Redact>,
}

/// `upstash-flow-control-key` -> `Upstash-Flow-Control-Key`.
pub fn canonical(name: &str) -> String {
    name.split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The most retries the sandbox takes: each is decided at once (`--sandbox`) and logged, so a
/// huge count would hold the server for ever.
pub const MAX_RETRIES: i64 = 100;

/// Attempts of work with `retries` retries, whatever a state file or fixture says.
pub fn attempts(retries: i64) -> u32 {
    retries.clamp(0, MAX_RETRIES) as u32 + 1
}

/// A duration like `10s`, `5m`, `2h`, `1d` or `500ms`, or Go-style parts of them one after
/// another as the service writes them (`1h30m3s`), in milliseconds.
pub fn duration_ms(s: &str) -> Option<i64> {
    let mut rest = s.trim();
    let mut total: i64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let split = rest.find(|c: char| !c.is_ascii_digit())?;
        let (n, tail) = rest.split_at(split);
        let n: i64 = n.parse().ok()?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let mult = match unit {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        rest = next;
    }
    Some(total)
}

impl Overrides {
    pub fn parse(headers: &HeaderMap) -> Result<Overrides, String> {
        let mut o = Overrides::default();
        for (name, value) in headers {
            let n = name.as_str();
            if !n.starts_with("upstash-") {
                continue;
            }
            let v = value
                .to_str()
                .map_err(|_| format!("header {n} is not text"))?
                .trim()
                .to_string();
            o.raw.insert(canonical(n), v.clone());
            match n {
                "upstash-retries" => {
                    o.retries = Some(
                        v.parse::<i64>()
                            .ok()
                            .filter(|r| (0..=MAX_RETRIES).contains(r))
                            .ok_or(format!(
                            "Upstash-Retries must be a number from 0 to {MAX_RETRIES}, got {v:?}"
                        ))?,
                    )
                }
                "upstash-delay" => {
                    let ms = duration_ms(&v).ok_or(format!(
                        "Upstash-Delay must look like 10s, 5m or 2h, got {v:?}"
                    ))?;
                    o.delay = Some((v, ms));
                }
                // Seconds on the wire (OAQ, and what the SDKs send); milliseconds inside.
                "upstash-not-before" => {
                    o.not_before = Some(
                        v.parse::<i64>()
                            .ok()
                            .and_then(|secs| secs.checked_mul(1000))
                            .ok_or(format!(
                                "Upstash-Not-Before must be a unix timestamp in seconds, got {v:?}"
                            ))?,
                    )
                }
                "upstash-retry-delay" => o.retry_delay = Some(v),
                "upstash-flow-control-key" => o.flow_control_key = Some(v),
                "upstash-flow-control-value" => {
                    o.parse_flow_value(&v)?;
                    o.flow_control_value = Some(v);
                }
                "upstash-label" => {
                    o.labels = Some(
                        v.split(',')
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_string)
                            .collect(),
                    )
                }
                "upstash-callback" => o.callback = Some(v),
                "upstash-failure-callback" => o.failure_callback = Some(v),
                "upstash-timeout" => {
                    if duration_ms(&v).is_none() && v.parse::<u64>().is_err() {
                        return Err(format!("Upstash-Timeout must look like 30s, got {v:?}"));
                    }
                    o.timeout = Some(v)
                }
                "upstash-redact-fields" => o.redact = Some(super::redact::Redact::parse(&v)?),
                "upstash-method" => {
                    let m = v.to_ascii_uppercase();
                    if !["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
                        .contains(&m.as_str())
                    {
                        return Err(format!("Upstash-Method {v:?} is not an HTTP method"));
                    }
                    o.method = Some(m)
                }
                _ => {}
            }
        }
        if o.flow_control_value.is_some() && o.flow_control_key.is_none() {
            return Err("Upstash-Flow-Control-Value needs Upstash-Flow-Control-Key".into());
        }
        Ok(o)
    }

    /// `parallelism=2, rate=10, period=1m`; at least one part, each known and numeric.
    fn parse_flow_value(&mut self, v: &str) -> Result<(), String> {
        let bad =
            || format!("Upstash-Flow-Control-Value {v:?}: use parallelism=N, rate=N, period=D");
        let mut any = false;
        for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, val) = part.split_once('=').ok_or_else(bad)?;
            let val = val.trim();
            match k.trim() {
                "parallelism" => self.parallelism = Some(val.parse().map_err(|_| bad())?),
                "rate" => self.rate = Some(val.parse().map_err(|_| bad())?),
                "period" => {
                    let secs = match val.parse::<i64>() {
                        Ok(n) => n,
                        Err(_) => duration_ms(val).ok_or_else(bad)? / 1000,
                    };
                    self.period = Some(secs)
                }
                _ => return Err(bad()),
            }
            any = true;
        }
        // A rate is per second unless a period says otherwise; the service shows it so.
        self.period.get_or_insert(1);
        if any {
            Ok(())
        } else {
            Err(bad())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_flow_control_form_parses() {
        let mut h = HeaderMap::new();
        h.insert("upstash-flow-control-key", "fk".parse().unwrap());
        h.insert(
            "upstash-flow-control-value",
            "parallelism=2, rate=10, period=1m".parse().unwrap(),
        );
        h.insert("upstash-retries", "3".parse().unwrap());
        let o = Overrides::parse(&h).unwrap();
        assert_eq!(
            (o.parallelism, o.rate, o.period, o.retries),
            (Some(2), Some(10), Some(60), Some(3))
        );
        assert_eq!(o.raw["Upstash-Flow-Control-Key"], "fk");
        let mut at = HeaderMap::new();
        at.insert("upstash-not-before", "1700000000".parse().unwrap());
        let o = Overrides::parse(&at).unwrap();
        assert_eq!(o.not_before, Some(1_700_000_000_000), "seconds on the wire");
        h.insert("upstash-delay", "10".parse().unwrap());
        assert!(Overrides::parse(&h).is_err());
    }

    #[test]
    fn periods_are_read_go_style_and_default_to_a_second() {
        let parse = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert("upstash-flow-control-key", "fk".parse().unwrap());
            h.insert("upstash-flow-control-value", value.parse().unwrap());
            Overrides::parse(&h).map(|o| o.period)
        };
        assert_eq!(parse("rate=23, period=1h30m3s"), Ok(Some(5403)));
        assert_eq!(parse("rate=1"), Ok(Some(1)));
        assert_eq!(parse("parallelism=5, period=2"), Ok(Some(2)));
        assert!(parse("rate=1, period=1h30").is_err());
        assert!(parse("rate=1, period=1x").is_err());
        assert_eq!(duration_ms("2m500ms"), Some(120_500));
        assert_eq!(duration_ms(""), None);
    }
}
