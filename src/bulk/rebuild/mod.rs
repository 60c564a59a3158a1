//! Building the new message of `dlq republish` from a DLQ entry: the body edit in jq syntax
//! (`jq`) and the before/after line diff the plan shows for a sample entry (`diff`).

pub mod diff;
pub mod jq;
