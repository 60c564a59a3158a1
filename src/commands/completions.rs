//! `dlq completions SHELL`: shell completion scripts, generated from the clap tree.

use std::io::Write;

use clap_complete::Shell;

use crate::error::Result;

/// Print the completion script for a shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq completions bash > ~/.local/share/bash-completion/completions/dlq
  dlq completions zsh > \"${fpath[1]}/_dlq\"
  dlq completions fish > ~/.config/fish/completions/dlq.fish
  dlq completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completions of `grammar`, the whole command line (`crate::cli` hands it in).
pub fn run(args: Args, mut grammar: clap::Command) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_complete::generate(args.shell, &mut grammar, "dlq", &mut out);
    out.flush()?;
    Ok(())
}
