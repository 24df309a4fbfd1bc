//! # apigen-spec
//!
//! The spec layer of apigen: it loads OpenAPI documents (YAML or JSON, 3.0 or 3.1,
//! split across files), normalises them into the [`openapiv3`] model, and reports
//! problems as [`Diagnostic`]s that know their file, line, column and JSON pointer.
//! It also owns the response styles ([`style`]), `apply` (the wire spec) and `lint`.
#![warn(missing_docs)]

pub mod apply;
mod bundle;
mod compat;
pub mod diag;
mod kind;
pub mod lint;
pub mod load;
mod mismatch;
mod normalize;
pub mod parallel;
pub mod pointer;
pub mod reference;
pub mod render;
pub mod shape;
pub mod source;
pub mod style;
mod typed;
mod validate;
pub mod yaml;

pub use diag::{Diagnostic, Location, Severity};
pub use load::{load, load_str, Loaded, Locator};
