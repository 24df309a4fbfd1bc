//! Generates, for the decode target, the types of every example spec (plain style, on the
//! `apigen-runtime` crate) into `$OUT_DIR/<name>.rs`, and `$OUT_DIR/decoders.rs`: the
//! modules, and `decode_all`, which decodes the input into each of their types.

use std::fmt::Write as _;
use std::path::Path;

/// (module name, spec path relative to this folder).
const SPECS: &[(&str, &str)] = &[
    ("widgets", "../specs/examples/widgets.yaml"),
    ("fieldwork", "../specs/examples/fieldwork.yaml"),
    ("hostile", "../specs/examples/hostile.yaml"),
    ("media", "../specs/examples/media.yaml"),
    ("shapes", "../specs/examples/shapes.yaml"),
    (
        "query_arrays",
        "../examples/widgets/tests/fixtures/query-arrays.yaml",
    ),
    ("types", "../crates/gen/tests/fixtures/types.yaml"),
];

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let out_dir = Path::new(&out_dir);
    let options = apigen_gen::Options {
        runtime: apigen_gen::Runtime::Dependency("{ path = \"../crates/runtime\" }".into()),
        ..Default::default()
    };
    let style = apigen_spec::style::find("plain").expect("the plain style");
    let mut decoders = String::new();
    let mut calls = String::new();
    for (name, spec) in SPECS {
        println!("cargo:rerun-if-changed={spec}");
        let loaded = apigen_spec::load(Path::new(spec))
            .unwrap_or_else(|e| panic!("{spec} does not load: {e:?}"));
        let (ir, _) = apigen_gen::build_ir(&loaded, style, &options)
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let module = apigen_gen::build_script::module(&loaded, style, &options)
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        std::fs::write(out_dir.join(format!("{name}.rs")), module).expect("write the module");
        writeln!(
            decoders,
            "#[allow(dead_code, unused_imports, clippy::all)]\npub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\")); }}"
        )
        .unwrap();
        for t in &ir.types {
            // Only types a request body holds implement `Validate`.
            let check = match t.validation {
                apigen_gen::ir::Validation::None => "roundtrip",
                _ => "roundtrip_validated",
            };
            writeln!(
                calls,
                "    crate::decode::{check}::<{name}::types::{ty}>(data);",
                ty = t.name
            )
            .unwrap();
        }
    }
    writeln!(
        decoders,
        "/// Decodes `data` into every type of every example spec.\n#[allow(deprecated)]\npub fn decode_all(data: &[u8]) {{\n{calls}}}"
    )
    .unwrap();
    std::fs::write(out_dir.join("decoders.rs"), decoders).expect("write decoders.rs");
    println!("cargo:rerun-if-changed=build.rs");
}
