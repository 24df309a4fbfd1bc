//! The widgets example: one in-memory store, written once and implemented for the
//! generated server trait of every style (`widgets-enveloped`, `widgets-plain`,
//! `widgets-result`), and the `serve` command.

pub mod serve;
pub mod store;
