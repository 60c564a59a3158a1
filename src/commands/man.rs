//! `dlq man DIR` (hidden): writes the man pages, `dlq.1` and one page per verb.
//!
//! The committed pages under `man/` come from here (`scripts/gen-docs`); a test fails when
//! they drift from the clap tree.

use std::path::PathBuf;

use crate::error::{CliError, Result};

/// Write man pages into a directory (how the committed man/ is built).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write dlq.1 and dlq-<verb>.1 into
    pub dir: PathBuf,
}

/// Writes the pages of `grammar`, the whole command line (`crate::cli` hands it in).
pub fn run(args: Args, grammar: clap::Command) -> Result<()> {
    std::fs::create_dir_all(&args.dir)?;
    // The pages describe the interface, not one build: the long version's commit and build
    // date would make the committed pages stale at every commit and every day.
    let cmd = grammar.long_version(None::<&str>);
    clap_mangen::generate_to(cmd, &args.dir).map_err(|e| {
        CliError::failure(format!(
            "cannot write man pages to {}: {e}",
            args.dir.display()
        ))
    })
}
