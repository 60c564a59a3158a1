//! Building the new message of `dlq republish` from a DLQ entry: the edits asked for
//! (`edit`), `--rewrite-url` rules (`rewrite`), jq body programs (`jq`, run under a time limit
//! by `limited`, on bodies kept exact by `json`), the plan's record of every entry's message
//! (`rebuilt`) and the before/after diff of a sample (`diff`).

pub mod diff;
pub mod edit;
pub mod jq;
pub mod json;
pub mod limited;
pub mod rebuilt;
pub mod rewrite;
