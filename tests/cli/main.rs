//! The one integration-test binary: drives the real `dlq` binary against real HTTP servers
//! (the sandbox, Prism). Each module covers one area.

mod common;

mod basics;
mod config;
mod contract;
mod docs;
mod prism;
