//! `dlq get ID`: everything about one entry, found by any id people hold.

use std::io::Write;

use crate::api::Source;
use crate::bulk::resolve;
use crate::context::Ctx;
use crate::error::{CliError, Result};
use crate::output::{detail, json_line, Format};
use crate::text::safe;

/// Show everything about one DLQ entry.
///
/// Headers, body (decoded), the last response, callback state, times. The id may be a DLQ id of either DLQ, a message id (msg_...) or a workflow run id
/// (wfr_...); the entry is found wherever it is.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq get 1752829295505-0
  dlq get wfr_0c9e2f31-order-5512 -o json
  dlq get 1752829295505-0 -o json | jq .failureCallbackInfo")]
pub struct Args {
    /// A DLQ id, a message id (msg_...) or a workflow run id (wfr_...)
    pub id: String,

    /// Look only among failed workflow runs
    #[arg(long)]
    pub workflow: bool,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let sources = if args.workflow {
        vec![Source::Workflow]
    } else {
        vec![Source::Qstash, Source::Workflow]
    };
    let ids = vec![args.id.clone()];
    resolve::check(&ids, &sources).map_err(CliError::usage)?;
    let api = ctx.api()?;
    let mut found = resolve::resolve(&api, &sources, &ids).await?;
    if let Some((token, why)) = found.missing.pop() {
        return Err(CliError::failure(format!(
            "{} is {why}",
            crate::text::truncate(&safe(&token), 80)
        )));
    }
    // A run id may name several entries (the same id run more than once): newest first.
    found
        .found
        .sort_by_key(|f| std::cmp::Reverse(f.entry.dlq_time_ms()));
    if found.found.len() > 1 {
        let all = ctx
            .aim()
            .dlq(["list", "--workflow", "--workflow-run-id", &args.id]);
        ctx.out.info(&format!(
            "{n} entries for {id}; showing the newest (`{all}` lists all)",
            id = safe(&args.id),
            all = safe(&all.to_string()),
            n = found.found.len(),
        ));
    }
    let entry = found.found.swap_remove(0).entry;
    let mut w = ctx.out.stdout();
    match ctx.out.format {
        Format::Json => {
            crate::json::to_writer_pretty(&mut w, &entry)?;
            writeln!(w)?;
        }
        Format::Ndjson => json_line(&mut w, &entry)?,
        Format::Ids => writeln!(w, "{}", safe(&entry.dlq_id))?,
        Format::Table | Format::Openmetrics => detail::print(&mut w, &entry, ctx.now_ms)?,
    }
    w.flush()?;
    Ok(())
}
