//! The widgets API, generated at build time: `build.rs` writes one file with the generated
//! crate's modules (`types`, `style`, `runtime`, `validate`, `server`, `client`) and
//! [`api`] includes it. `tests/roundtrip.rs` serves [`api::server::router`] and calls it
//! with [`api::client::Client`].

/// The generated code (`apigen_gen::build_script`, plain style, `specs/examples/widgets.yaml`).
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/widgets.rs"));
}
