//! # apigen-gen
//!
//! spec → IR → minijinja templates → formatted Rust files.
#![warn(missing_docs)]
