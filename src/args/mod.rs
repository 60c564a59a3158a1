//! Argument groups shared by several verbs, and the parsers of their values.
//!
//! The imports point one way: the root grammar (`crate::cli`) lists the verbs, the verbs
//! (`crate::commands`) flatten these groups, and nothing here knows about either.

pub mod filter;
pub mod global;
pub mod overrides;
pub mod select;
pub mod values;
pub mod verify;
