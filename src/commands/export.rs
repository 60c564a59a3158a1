//! `dlq export`: whole entries as NDJSON, the format `dlq sandbox --fixture` loads.

use std::io::Write;
use std::path::PathBuf;

use crate::args::filter::ReadFilters;
use crate::args::values::parse_positive;
use crate::bulk::archive::{write_entry, EntryFile};
use crate::bulk::pages::Pages;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::progress::Bar;
use crate::output::Format;

/// Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads).
///
/// One entry a line with every field the server sent, bodies intact, to stdout or a file: a
/// production DLQ can be replayed locally. A file is written under a temporary
/// name and renamed when complete, with mode 0600.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq export --all > dlq.ndjson
  dlq export --label billing --all --output-file billing.ndjson --redact-bodies
  dlq export --workflow --callback-state CALLBACK_FAIL --limit 1000 > failed-callbacks.ndjson
  dlq export --all --output-file x.ndjson && dlq sandbox --fixture x.ndjson   (replay locally)")]
pub struct Args {
    /// Export failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Every matching entry
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// The first N matching entries
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub limit: Option<u64>,

    /// Write to FILE instead of stdout (replaced only once the export is complete)
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Replace bodies with their size and blank credential headers (Authorization, Cookie...),
    /// for data that must not leave the machine
    #[arg(long)]
    pub redact_bodies: bool,

    #[command(flatten)]
    pub filters: ReadFilters,
}

/// Where the lines go.
enum Sink {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    File(EntryFile),
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // Entries are written whole, whatever -o says; another format would be silently ignored.
    if let Some(f) = ctx.global.output.filter(|f| *f != Format::Ndjson) {
        let name = format!("{f:?}").to_lowercase();
        return Err(CliError::usage(format!(
            "export always writes NDJSON (one whole entry a line); -o {name} does not apply"
        ))
        .hint("drop -o; for other formats use `dlq list -o json|ids|table`")
        .hint("to write to a file use --output-file FILE"));
    }
    let source = super::source(args.workflow);
    let filter = args.filters.build(source, ctx.now_ms)?;
    if !args.all && args.limit.is_none() {
        return Err(CliError::usage("say how much to export")
            .hint("add --all for every match (the whole DLQ without filters), or --limit N"));
    }
    let api = ctx.api()?;
    let mut sink = match &args.output_file {
        Some(path) => Sink::File(EntryFile::create_replacing(path).map_err(|e| {
            let err = CliError::failure(format!("cannot write {}: {e}", path.display()));
            if e.kind() == std::io::ErrorKind::InvalidInput {
                CliError::usage(err.message)
            } else {
                err
            }
        })?),
        None => Sink::Stdout(ctx.out.stdout()),
    };
    let spinner = Bar::spinner(&ctx.out, "exporting:");
    let redact = args.redact_bodies;
    let mut written = 0u64;
    let mut pages = Pages::new(&api, source, &filter, None);
    let copy = async {
        loop {
            let want = args.limit.map(|l| (l - written).min(100));
            if want == Some(0) {
                return Ok(());
            }
            let Some(mut entries) = pages.next(want.map(|w| w as u32)).await? else {
                return Ok(());
            };
            if let Some(w) = want {
                entries.truncate(w as usize);
            }
            match &mut sink {
                Sink::Stdout(w) => {
                    for e in &entries {
                        write_entry(w, e, redact)?;
                    }
                    w.flush()?;
                }
                Sink::File(f) => f.write(&entries, redact).map_err(|e| file_err(f, e))?,
            }
            written += entries.len() as u64;
            spinner.inc(entries.len() as u64);
        }
    };
    // Ctrl-C must not leave a half-written file behind under a name that looks finished.
    let result: Result<()> = tokio::select! {
        r = copy => r,
        _ = super::signals::first() => Err(CliError::new(Kind::Interrupted, "interrupted")),
    };
    spinner.finish();
    let done = match (result, sink) {
        (Ok(()), Sink::File(f)) => {
            let path = f.path().to_path_buf();
            let n = f
                .commit()
                .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
            ctx.out
                .info(&format!("exported {n} entries to {}", path.display()));
            Ok(())
        }
        (Ok(()), Sink::Stdout(_)) => {
            ctx.out.info(&format!("exported {written} entries"));
            Ok(())
        }
        (Err(e), Sink::File(f)) => {
            let path = f.path().display().to_string();
            f.abandon();
            if e.kind == Kind::Interrupted {
                ctx.out
                    .warn(&format!("interrupted: nothing was written to {path}"));
            }
            Err(e)
        }
        (Err(e), Sink::Stdout(_)) => {
            if e.kind == Kind::Interrupted {
                ctx.out
                    .warn(&format!("interrupted: {written} entries were written"));
            }
            Err(e)
        }
    };
    super::kept::say(ctx, &filter.content);
    super::kept::conclude(ctx, &filter.content, done)
}

fn file_err(f: &EntryFile, e: std::io::Error) -> CliError {
    CliError::failure(format!("cannot write {}: {e}", f.path().display()))
}
