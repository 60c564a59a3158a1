//! `dlq`: triage and repair the Dead Letter Queues of Upstash QStash and Upstash Workflow.
//!
//! The binary is a thin `main.rs`; everything lives here so tests can reach it. Which of these
//! modules may import which is the layer table in ARCHITECTURE.md (`## Layers`), which
//! `tests/cli/layers.rs` enforces.

pub mod api;
pub mod args;
pub mod bulk;
pub mod cli;
pub mod cmdline;
pub mod commands;
pub mod config;
pub mod context;
pub mod error;
pub mod fsutil;
pub mod grouping;
pub mod json;
pub mod output;
pub mod secret;
pub mod target;
pub mod terminal;
pub mod text;
