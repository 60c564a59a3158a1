//! Selection, plans and execution of actions over many entries.
//!
//! A run over many entries is a [`job::Job`]: its record (with its [`journal::Mode`]), its
//! journal, its cancel and its pacer, created or reopened in one place.
//!
//! `dlq republish` adds a second kind of step: each entry's new message is built in the plan
//! ([`rebuild`]) and sent, then its entry deleted, under the rules of [`republish`].
//!
//! No terminal code lives here: the engine reports through plain data (outcomes, summaries)
//! and the [`exec::Progress`] trait, which `output` implements. It reaches the server through
//! [`action::BulkClient`], which the HTTP client implements, and the in-process engine tests'
//! scripted model of a DLQ too.

pub mod action;
pub mod archive;
pub mod callback;
pub mod cancel;
pub mod client;
pub mod content;
pub mod exec;
pub mod flow;
pub mod frozen;
pub mod idlist;
pub mod job;
pub mod journal;
pub mod lanes;
pub mod outcome;
pub mod pages;
pub mod plan;
pub mod rebuild;
pub mod republish;
pub mod resolve;
pub mod seen;
pub mod select;
pub mod server_side;
pub mod verify;

#[cfg(test)]
mod engine_tests;
