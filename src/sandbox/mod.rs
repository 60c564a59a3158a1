//! The local QStash-compatible DLQ server behind `dlq sandbox` and `--sandbox`.
//!
//! It has its own wire types and never imports `crate::api`: the sandbox and the client are two
//! independent readings of the spec, both held to the official OpenAPI by Prism.

use std::path::Path;

/// A sandbox running inside this process, for `--sandbox`.
pub struct Embedded {
    pub url: String,
    pub token: String,
}

impl Embedded {
    pub async fn start(_state_dir: &Path) -> Result<Embedded, String> {
        Err("not implemented yet".into())
    }
}
