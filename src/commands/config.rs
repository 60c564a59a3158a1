//! `dlq config`: where settings come from, and the profiles of the config file.

use std::io::Write;

use clap::Subcommand;
use serde_json::json;

use crate::cli::Format;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::text::safe;

/// Show and change settings: tokens, base URLs, profiles.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq config show                 every setting and where it came from (token masked)
  dlq config path                 the config file's location")]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the resolved settings and where each came from (the token is masked)
    Show,
    /// Print the path of the config file
    Path,
    /// Store a token in a profile, read from standard input or a hidden prompt
    SetToken {
        /// Base URL to store with it, e.g. https://qstash-us-east-1.upstash.io
        #[arg(long = "base-url", value_name = "URL")]
        base_url: Option<String>,
    },
    /// Make PROFILE the one used by default
    Use { profile: String },
    /// List the profiles of the config file
    List,
    /// Remove a profile
    Unset { profile: String },
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        ConfigCommand::Show => show(ctx),
        ConfigCommand::Path => {
            let mut w = ctx.out.stdout();
            writeln!(w, "{}", ctx.settings.config_file.display())?;
            w.flush()?;
            Ok(())
        }
        ConfigCommand::SetToken { .. } => Err(super::not_implemented("config set-token")),
        ConfigCommand::Use { .. } => Err(super::not_implemented("config use")),
        ConfigCommand::List => Err(super::not_implemented("config list")),
        ConfigCommand::Unset { .. } => Err(super::not_implemented("config unset")),
    }
}

fn show(ctx: &Ctx) -> Result<()> {
    let s = &ctx.settings;
    let (token, token_origin) = match &s.token {
        Some(t) => (t.value.masked(), t.origin.to_string()),
        None => ("(not set)".to_string(), "-".to_string()),
    };
    let rows = [
        (
            "profile",
            s.profile.value.clone(),
            s.profile.origin.to_string(),
        ),
        ("url", s.url.value.clone(), s.url.origin.to_string()),
        ("token", token, token_origin),
        (
            "config file",
            s.config_file.display().to_string(),
            "DLQ_CONFIG_DIR or the OS default".into(),
        ),
    ];
    let mut w = ctx.out.stdout();
    match ctx.out.format {
        Format::Json | Format::Ndjson => {
            let obj: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|(k, v, o)| (k.replace(' ', "_"), json!({ "value": v, "source": o })))
                .collect();
            serde_json::to_writer(&mut w, &obj).map_err(std::io::Error::from)?;
            writeln!(w)?;
        }
        _ => {
            for (k, v, o) in rows {
                writeln!(w, "{k:<12} {:<44} from {}", safe(&v), safe(&o))?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
