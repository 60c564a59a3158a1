//! The one integration-test binary: drives the real `dlq` binary against real HTTP servers
//! (the sandbox, Prism). Each module covers one area.

mod common;

mod actions;
mod basics;
mod bulk;
mod config;
mod contract;
mod docs;
mod examples;
mod list;
mod prism;
mod pty;
mod sandbox;
mod sandbox_flag;
mod sandbox_life;
mod sandbox_workflow;
mod sdk_replay;
mod shell;
mod tables;
mod terminal;
mod triage;
