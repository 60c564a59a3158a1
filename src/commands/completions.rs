//! `dlq completions SHELL`: shell completion scripts.

use crate::error::Result;

/// Print the completion script for a shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq completions bash > ~/.local/share/bash-completion/completions/dlq")]
pub struct Args {
    /// bash, zsh, fish, powershell or elvish
    pub shell: String,
}

pub fn run(_args: Args) -> Result<()> {
    Err(super::not_implemented("completions"))
}
