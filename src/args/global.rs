//! Flags every verb understands, declared once and shown under "Global options" after each
//! verb's own flags (as gh shows its inherited flags).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::ValueEnum;

use super::values::parse_timeout;
use crate::output::{ColorChoice, Format};

pub const HEADING: &str = "Global options";

#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = HEADING)]
pub struct GlobalArgs {
    /// QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)
    #[arg(long, global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Base URL of the QStash API [default: https://qstash.upstash.io]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)
    #[arg(long, global = true, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// Profile of the config file to use (also DLQ_PROFILE); its token and URL win over
    /// QSTASH_TOKEN and QSTASH_URL
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Run against a local seeded sandbox instead of Upstash (no account needed)
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a
    /// terminal, tab-separated text otherwise]
    #[arg(
        short = 'o',
        long,
        global = true,
        value_name = "FORMAT",
        value_parser = FormatParser
    )]
    pub output: Option<Format>,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only data and errors: no progress, no summaries
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say more on stderr: where each setting came from, retries and waits
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v
    #[arg(long, global = true)]
    pub debug: bool,

    /// Timeout of each HTTP request, like 30s or 2m
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Answer yes to confirmation prompts (needed for mutations without a terminal)
    #[arg(short, long, global = true)]
    pub yes: bool,

    /// Never prompt; fail instead where a prompt would be needed
    #[arg(long, global = true)]
    pub no_input: bool,
}

impl GlobalArgs {
    /// What settings resolution needs of these flags.
    pub fn settings_flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            token: self.token.clone(),
            base_url: self.base_url.clone(),
            env_file: self.env_file.clone(),
            profile: self.profile.clone(),
        }
    }

    /// What the output layer needs of these flags.
    pub fn output_options(&self) -> crate::output::Options {
        crate::output::Options {
            format: self.output,
            color: self.color,
            quiet: self.quiet,
            verbose: self.verbose || self.debug,
            yes: self.yes,
            no_input: self.no_input,
        }
    }
}

/// Parses `-o`, and tells the curl habit (`-o out.ndjson`) where files are written instead.
#[derive(Debug, Clone, Copy)]
pub struct FormatParser;

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Format, clap::Error> {
        let text = value.to_string_lossy();
        if let Ok(f) = Format::from_str(&text, true) {
            return Ok(f);
        }
        let file_hint = if text.contains(['.', '/']) {
            "\n  hint: -o takes a format, not a file name; to write to a file use \
             --output-file FILE (dlq export) or redirect: > FILE"
        } else {
            ""
        };
        let shown = crate::text::safe(&text);
        let shown = crate::text::truncate(&shown, 60);
        let msg = format!(
            "invalid value {shown:?} for -o/--output: one of table, json, ndjson, ids, openmetrics{file_hint}\n"
        );
        Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, msg).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Format::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}
