//! Argument groups shared by several verbs, and the parsers of their values.
//!
//! The imports point one way: the verbs (`crate::commands`) flatten these groups, the root
//! grammar (`crate::cli`) holds the verbs, and nothing here knows about either.

pub mod filter;
pub mod follow;
pub mod global;
pub mod overrides;
pub mod select;
pub mod values;
