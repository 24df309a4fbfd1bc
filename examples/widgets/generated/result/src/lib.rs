//! Widgets API (hand-written stand-in for `apigen generate` output, phase A).
pub mod style;
pub mod types;
pub mod validate;
#[cfg(feature = "server")]
pub mod server;
