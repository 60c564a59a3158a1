//! `--verify` and `--canary`: know that an action worked, and try a few before the rest.

use std::time::Duration;

use super::values::parse_duration;

/// How big a canary is: a number of entries, or a share of the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CanarySize {
    Count(u64),
    Percent(f64),
}

impl CanarySize {
    /// Entries of a plan of `planned`: at least one, at most all.
    pub fn of(self, planned: usize) -> usize {
        let n = match self {
            CanarySize::Count(n) => n as usize,
            CanarySize::Percent(p) => ((planned as f64) * p / 100.0).ceil() as usize,
        };
        n.clamp(1, planned.max(1))
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Know it worked")]
pub struct VerifyArgs {
    /// After acting, follow every new message or run until it is delivered or failed again
    /// (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again
    #[arg(
        long,
        value_name = "WAIT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "2m",
        value_parser = parse_duration
    )]
    pub verify: Option<Duration>,

    /// Act on N entries first (or P% of the plan), spread across its url or workflow-url groups;
    /// verify them, and go on with the rest only if enough were delivered
    #[arg(long, value_name = "N|P%", value_parser = parse_canary)]
    pub canary: Option<CanarySize>,

    /// Share of the canary that must be delivered to go on, like 90% [default: 100%]
    #[arg(long, value_name = "P%", value_parser = parse_percent, requires = "canary")]
    pub canary_threshold: Option<f64>,

    /// With --continue: go on with a job whose canary did not pass
    #[arg(long)]
    pub past_canary: bool,
}

/// Waiting for outcomes, when `--verify` gives no time.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(120);

fn parse_canary(s: &str) -> Result<CanarySize, String> {
    let t = s.trim();
    if t.ends_with('%') {
        return parse_percent(t).map(CanarySize::Percent);
    }
    match t.parse::<u64>() {
        Ok(n) if n > 0 => Ok(CanarySize::Count(n)),
        _ => Err(format!(
            "{s:?} is not a canary size; accepted forms: a number of entries (10) or a share (1%)"
        )),
    }
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_end_matches('%');
    match t.parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p),
        _ => Err(format!(
            "{s:?} is not a share above 0% and up to 100%, like 5%"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_sizes() {
        assert_eq!(parse_canary("10"), Ok(CanarySize::Count(10)));
        assert_eq!(parse_canary("1%"), Ok(CanarySize::Percent(1.0)));
        assert!(parse_canary("0").is_err() && parse_canary("0%").is_err());
        assert!(parse_canary("150%").is_err() && parse_canary("x").is_err());
        assert_eq!(CanarySize::Percent(1.0).of(1000), 10);
        assert_eq!(CanarySize::Percent(1.0).of(50), 1);
        assert_eq!(CanarySize::Count(20).of(5), 5);
    }
}
