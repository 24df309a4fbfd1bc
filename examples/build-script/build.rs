//! Generates the widgets API (plain style) into `$OUT_DIR/widgets.rs`, which `src/lib.rs`
//! includes. Cargo reruns this when the spec changes (apigen-gen prints
//! `cargo:rerun-if-changed` for it), and when apigen-gen itself does.

fn main() {
    // Relative to this package's folder, where cargo runs build scripts.
    let spec = "../../specs/examples/widgets.yaml";
    let options = apigen_gen::Options::default();
    if let Err(e) = apigen_gen::build_script::write(spec, "plain", "widgets", &options) {
        panic!("{e}");
    }
}
