//! Snapshots of the IR (`snapshots/ir/`) and of every generated file
//! (`snapshots/generated/`) for every spec in `specs/examples/` and
//! `crates/gen/tests/fixtures/` × every style. A new spec gets snapshots without code
//! changes; the IR and the code are snapshotted separately, so a template change does not
//! churn the IR snapshots. The runtime files a crate vendors are not snapshotted: they
//! are the runtime crate's own source (`tests/runtime.rs` holds them to it).

use std::path::{Path, PathBuf};

/// The workspace root (the test runs from `crates/gen`).
/// The generated crate's wire spec.
const WIRE: &str = "openapi.json";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The specs, relative to the workspace root, sorted.
fn specs() -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for dir in ["specs/examples", "crates/gen/tests/fixtures"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") || name.ends_with(".json") {
                specs.push(Path::new(dir).join(name));
            }
        }
    }
    specs.sort();
    specs
}

#[test]
fn ir_and_generated_files_of_every_example_and_style() {
    // Origins in the IR name the spec relative to the workspace root.
    std::env::set_current_dir(root()).expect("the workspace root exists");
    let specs = specs();
    assert!(specs.len() >= 2, "no example specs found: {specs:?}");
    for spec in specs {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = apigen_spec::load(&spec)
            .unwrap_or_else(|d| panic!("{} does not load: {d:?}", spec.display()));
        for (i, style) in apigen_spec::style::STYLES.iter().enumerate() {
            let options = apigen_gen::Options::default();
            let (ir, mut warnings) = apigen_gen::build_ir(&loaded, *style, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
            insta::with_settings!({
                snapshot_path => "../../../snapshots/ir",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_yaml_snapshot!(format!("{stem}.{}", style.name()), ir);
                if i == 0 {
                    loaded.locate_all(&mut warnings);
                    let rendered = apigen_spec::render::render(
                        &warnings,
                        apigen_spec::render::Format::Human,
                    );
                    insta::assert_snapshot!(format!("{stem}.warnings"), rendered);
                }
            });
            let generated = apigen_gen::generate(&loaded, *style, &options)
                .unwrap_or_else(|e| panic!("{} ({}): {e}", spec.display(), style.name()));
            // Vendored runtime: the runtime crate's source (`tests/runtime.rs`) but its module
            // list; `openapi.json`: what `apigen apply` writes (checked below).
            let own = |f: &&apigen_gen::GeneratedFile| {
                (!f.path.starts_with("src/runtime") || f.path.ends_with("mod.rs"))
                    && !f.path.ends_with(WIRE)
            };
            for file in generated.files.iter().filter(own) {
                let path = file.path.to_string_lossy().replace('/', ".");
                insta::with_settings!({
                    snapshot_path => "../../../snapshots/generated",
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                }, {
                    insta::assert_snapshot!(format!("{stem}.{}.{path}", style.name()), file.contents);
                });
            }
            let wire = generated
                .files
                .iter()
                .find(|f| f.path.ends_with(WIRE))
                .expect("the crate embeds its wire spec");
            let applied = apigen_spec::apply::apply(&loaded.spec, *style, None)
                .unwrap_or_else(|d| panic!("{}: {d:?}", spec.display()));
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&wire.contents).unwrap(),
                serde_json::to_value(applied).unwrap(),
                "{} ({})",
                spec.display(),
                style.name()
            );
        }
    }
}
