//! The one integration-test binary: drives the real `dlq` binary against real HTTP servers
//! (the sandbox, Prism). Each module covers one area.

mod common;
mod hostile;

mod actions;
mod basics;
mod bulk;
mod config;
mod contract;
mod docs;
mod examples;
mod fuzz_args;
mod hardening_bulk;
mod hardening_input;
mod hardening_output;
mod hardening_wire;
mod lanes;
mod layers;
mod list;
mod prism;
mod pty;
mod sandbox;
mod sandbox_flag;
mod sandbox_life;
mod sandbox_logs;
mod sandbox_logs_life;
mod sandbox_logs_paging;
mod sandbox_logs_prism;
mod sandbox_workflow;
mod sdk;
mod sdk_replay;
mod shell;
mod sources_clock;
mod sources_faults;
mod sources_prism;
mod sources_sdk;
mod speed;
mod tables;
mod target;
mod terminal;
mod triage;
mod triage_session;
mod tty;
mod verify;
