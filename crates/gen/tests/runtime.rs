//! The runtime a generated crate vendors is `crates/runtime/src`, byte for byte, and that
//! source can be vendored at all: it never names the crate it is compiled in.

use std::path::{Path, PathBuf};

fn runtime_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src")
}

#[test]
fn vendored_runtime_files_are_the_runtime_crates_source() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples/widgets.yaml");
    let loaded = apigen_spec::load(&spec).expect("the widgets spec loads");
    for style in apigen_spec::style::STYLES {
        let generated = apigen_gen::generate(&loaded, *style, &apigen_gen::Options::default())
            .expect("the widgets spec generates");
        let vendored: Vec<_> = generated
            .files
            .iter()
            .filter(|f| f.path.starts_with("src/runtime") && !f.path.ends_with("mod.rs"))
            .collect();
        let names: Vec<String> = vendored
            .iter()
            .filter_map(|f| f.path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        let own_style = format!("{}.rs", style.name());
        assert!(names.contains(&own_style), "{names:?} lacks {own_style}");
        for other in apigen_spec::style::STYLES
            .iter()
            .filter(|s| s.name() != style.name())
        {
            let name = format!("{}.rs", other.name());
            assert!(
                !names.contains(&name),
                "the {} crate vendors {name}",
                style.name()
            );
        }
        for file in vendored {
            let name = file.path.file_name().expect("a file name");
            let source = std::fs::read_to_string(runtime_src().join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", name.to_string_lossy()));
            assert!(
                file.contents == source,
                "{} differs from crates/runtime/src",
                file.path.display()
            );
        }
    }
}

#[test]
fn the_runtime_never_names_its_crate() {
    for entry in std::fs::read_dir(runtime_src()).expect("crates/runtime/src exists") {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            assert!(
                !code.contains("crate::") && !code.contains("$crate"),
                "{}:{}: the runtime refers to itself as `crate`, which breaks the vendored copy: {line}",
                path.display(),
                n + 1
            );
        }
    }
}
