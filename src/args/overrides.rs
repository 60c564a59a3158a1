//! Flags that change how a retried message or resumed run is delivered next time.
//!
//! They become `Upstash-*` request headers (API.md 3.5, 4.5). Values are checked here, before
//! anything is sent, with errors that show the accepted forms: a value that cannot travel in a
//! header (a newline, a control character) is a usage error, never a request that fails to
//! build halfway through a run.

use super::values::parse_duration;

#[derive(Debug, Clone, Default, clap::Args)]
#[command(
    next_help_heading = "Overrides (sent as Upstash-* headers; default: the original configuration)"
)]
pub struct OverrideArgs {
    /// Number of delivery retries (Upstash-Retries)
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Delay before the next delivery, like 10s or 5m (Upstash-Delay)
    #[arg(long, value_name = "DURATION", value_parser = parse_upstash_duration)]
    pub delay: Option<String>,

    /// Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)
    #[arg(long, value_name = "EXPR", value_parser = parse_header_value)]
    pub retry_delay: Option<String>,

    /// New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period
    #[arg(long, value_name = "KEY", value_parser = parse_header_value)]
    pub flow_control_key: Option<String>,

    /// Flow control: deliveries in flight at once
    #[arg(long, value_name = "N", requires = "flow_control_key")]
    pub parallelism: Option<u32>,

    /// Flow control: deliveries per period
    #[arg(long, value_name = "N", requires = "flow_control_key")]
    pub rate: Option<u32>,

    /// Flow control: the period of --rate, like 1s, 1m, 1h
    #[arg(long, value_name = "DURATION", requires = "flow_control_key", value_parser = parse_upstash_duration)]
    pub period: Option<String>,

    /// Replace the labels, comma-separated (Upstash-Label)
    #[arg(long, value_name = "LABELS", value_parser = parse_header_value)]
    pub set_label: Option<String>,

    /// New failure callback URL (Upstash-Failure-Callback)
    #[arg(long, value_name = "URL", value_parser = parse_header_value)]
    pub failure_callback: Option<String>,
}

/// Overrides only QStash message retries take.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(
    next_help_heading = "Overrides (sent as Upstash-* headers; default: the original configuration)"
)]
pub struct RetryOverrideArgs {
    /// New callback URL (Upstash-Callback)
    #[arg(long, value_name = "URL", value_parser = parse_header_value)]
    pub callback: Option<String>,

    /// Timeout of each delivery attempt, like 30s (Upstash-Timeout)
    #[arg(long, value_name = "DURATION", value_parser = parse_upstash_duration)]
    pub delivery_timeout: Option<String>,

    /// HTTP method of the delivery (Upstash-Method)
    #[arg(long, value_name = "METHOD", value_parser = parse_method)]
    pub method: Option<String>,
}

/// Checks a duration and keeps the user's spelling, which is what Upstash headers take.
fn parse_upstash_duration(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.ends_with("ms") || s.ends_with('w') {
        return Err(format!(
            "{s:?} is not a duration Upstash accepts; accepted forms: a number with s, m, h or d, like 10s, 5m, 2h, 1d"
        ));
    }
    parse_duration(s)?;
    Ok(s.to_string())
}

/// A value sent as a header as it is: printable text, no control characters.
fn parse_header_value(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("the value is empty".to_string());
    }
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(format!(
            "contains the control character {:?}, which cannot be sent in a header",
            c
        ));
    }
    if s.len() > 4096 {
        return Err("is longer than 4096 bytes".to_string());
    }
    Ok(s.to_string())
}

fn parse_method(s: &str) -> Result<String, String> {
    let up = s.trim().to_ascii_uppercase();
    match up.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" => Ok(up),
        _ => Err(format!(
            "{s:?} is not an HTTP method; accepted: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"
        )),
    }
}

impl OverrideArgs {
    /// The overrides to send; `retry` adds the flags only message retries take.
    pub fn resolve(
        &self,
        retry: Option<&RetryOverrideArgs>,
    ) -> crate::error::Result<crate::api::Overrides> {
        if self.flow_control_key.is_some()
            && self.parallelism.is_none()
            && self.rate.is_none()
            && self.period.is_none()
        {
            return Err(crate::error::CliError::usage(
                "--flow-control-key needs at least one of --parallelism, --rate or --period",
            ));
        }
        Ok(crate::api::Overrides {
            retries: self.retries,
            delay: self.delay.clone(),
            retry_delay: self.retry_delay.clone(),
            flow_control_key: self.flow_control_key.clone(),
            parallelism: self.parallelism,
            rate: self.rate,
            period: self.period.clone(),
            labels: self.set_label.clone(),
            failure_callback: self.failure_callback.clone(),
            callback: retry.and_then(|r| r.callback.clone()),
            timeout: retry.and_then(|r| r.delivery_timeout.clone()),
            method: retry.and_then(|r| r.method.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_their_spelling() {
        assert_eq!(parse_upstash_duration("10s").unwrap(), "10s");
        assert!(parse_upstash_duration("10").unwrap_err().contains("10s"));
        assert!(parse_upstash_duration("500ms").is_err());
    }

    #[test]
    fn header_values_that_cannot_be_sent_are_refused() {
        assert!(parse_header_value("a\nb").is_err());
        assert!(parse_header_value("").is_err());
        assert_eq!(parse_header_value("a,b").unwrap(), "a,b");
    }

    #[test]
    fn methods() {
        assert_eq!(parse_method("put").unwrap(), "PUT");
        assert!(parse_method("FETCH").is_err());
    }
}
