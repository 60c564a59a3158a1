//! `dlq`: triage and repair the Dead Letter Queues of Upstash QStash and Upstash Workflow.
//!
//! The binary is a thin `main.rs`; everything lives here so tests can reach it.

pub mod api;
pub mod args;
pub mod bulk;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod error;
pub mod fsutil;
pub mod json;
pub mod output;
pub mod sandbox;
pub mod secret;
pub mod stats;
pub mod target;
pub mod text;
