//! `dlq sandbox`: a local QStash-compatible DLQ server.

use crate::cli::GlobalArgs;
use crate::error::Result;

/// Serve a local QStash-compatible DLQ API to rehearse on and test against.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn run(_global: &GlobalArgs, _args: Args) -> Result<()> {
    Err(super::not_implemented("sandbox"))
}
