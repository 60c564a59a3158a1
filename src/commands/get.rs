//! `dlq get ID`: everything about one entry.

use std::io::Write;

use crate::cli::Format;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::{detail, json_line, text::safe};

/// Show one DLQ entry: headers, body (decoded), the last response, callback state, times.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq get 1752829295505-0
  dlq get --workflow 1752829295505-0 -o json | jq .failureCallbackInfo")]
pub struct Args {
    /// The DLQ id (dlqId) of the entry
    pub id: String,

    /// The id is a failed workflow run
    #[arg(long)]
    pub workflow: bool,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let source = super::source(args.workflow);
    let entry = ctx.api()?.get(source, &args.id).await.map_err(|e| {
        let mut err = crate::error::CliError::from(e);
        if err.message.starts_with("not in the DLQ") {
            err.message = format!("{} is {}", safe(&args.id), err.message);
            if !args.workflow {
                err = err.hint("for a failed workflow run, add --workflow");
            }
        }
        err
    })?;
    let mut w = ctx.out.stdout();
    match ctx.out.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut w, &entry).map_err(std::io::Error::from)?;
            writeln!(w)?;
        }
        Format::Ndjson => json_line(&mut w, &entry)?,
        Format::Ids => writeln!(w, "{}", safe(&entry.dlq_id))?,
        Format::Table => detail::print(&mut w, &entry, ctx.now_ms)?,
    }
    w.flush()?;
    Ok(())
}
