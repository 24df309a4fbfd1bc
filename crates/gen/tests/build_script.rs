//! Build-script mode (`apigen_gen::build_script`): for every example spec and fixture × every
//! style, the single file parses as Rust, can be `include!`d (no inner attributes at its
//! top, every module inline) and refers to nothing through `crate::` (which would name the
//! including crate). `examples/build-script` compiles and runs one of them.

use std::path::{Path, PathBuf};

/// The workspace root (the test runs from `crates/gen`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn specs() -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for dir in ["specs/examples", "crates/gen/tests/fixtures"] {
        for entry in std::fs::read_dir(root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "yaml") {
                specs.push(entry.path());
            }
        }
    }
    specs.sort();
    specs
}

/// Every `mod` is inline, down to the last.
fn all_inline(items: &[syn::Item], at: &str) -> Vec<String> {
    let mut modules = Vec::new();
    for item in items {
        if let syn::Item::Mod(m) = item {
            let path = format!("{at}{}", m.ident);
            let (_, inner) = m
                .content
                .as_ref()
                .unwrap_or_else(|| panic!("`mod {path};` is not inline"));
            modules.push(path.clone());
            modules.extend(all_inline(inner, &format!("{path}::")));
        }
    }
    modules
}

/// `crate ::` anywhere in the tokens (docs are string literals, so prose does not count).
fn crate_paths(tokens: proc_macro2::TokenStream, found: &mut usize) {
    let mut previous_crate = false;
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => previous_crate = i == "crate",
            proc_macro2::TokenTree::Punct(p) => {
                if previous_crate && p.as_char() == ':' {
                    *found += 1;
                }
                previous_crate = false;
            }
            proc_macro2::TokenTree::Group(g) => {
                crate_paths(g.stream(), found);
                previous_crate = false;
            }
            proc_macro2::TokenTree::Literal(_) => previous_crate = false,
        }
    }
}

fn check(text: &str, what: &str) -> Vec<String> {
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{what}: does not parse: {e}"));
    assert!(
        file.attrs.is_empty(),
        "{what}: inner attributes at the top of an included file"
    );
    let modules = all_inline(&file.items, "");
    let tokens: proc_macro2::TokenStream = text.parse().expect("it parsed");
    let mut found = 0;
    crate_paths(tokens, &mut found);
    assert_eq!(found, 0, "{what}: `crate::` paths");
    modules
}

#[test]
fn the_single_file_of_every_example_and_style_parses_and_can_be_included() {
    let specs = specs();
    assert!(specs.len() >= 5, "{specs:?}");
    for spec in &specs {
        let loaded = apigen_spec::load(spec)
            .unwrap_or_else(|d| panic!("{} does not load: {d:?}", spec.display()));
        for style in apigen_spec::style::STYLES {
            let what = format!("{} ({})", spec.display(), style.name());
            let text = apigen_gen::build_script::module(&loaded, *style, &Default::default())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let modules = check(&text, &what);
            for wanted in [
                "types",
                "runtime",
                "runtime::server",
                "runtime::client",
                "runtime::validate",
            ] {
                assert!(
                    modules.iter().any(|m| m == wanted),
                    "{what}: no module {wanted}: {modules:?}"
                );
            }
        }
    }
}

#[test]
fn with_the_runtime_as_a_dependency_it_is_used_not_inlined() {
    let loaded = apigen_spec::load(&root().join("specs/examples/widgets.yaml")).unwrap();
    let options = apigen_gen::Options {
        runtime: apigen_gen::Runtime::dependency("\"0.1\"").unwrap(),
        ..Default::default()
    };
    for style in apigen_spec::style::STYLES {
        let text = apigen_gen::build_script::module(&loaded, *style, &options).unwrap();
        let modules = check(&text, style.name());
        assert!(
            text.contains("pub use apigen_runtime as runtime;"),
            "{text}"
        );
        assert!(
            !modules.iter().any(|m| m.starts_with("runtime")),
            "{modules:?}"
        );
        for wanted in ["types", "server", "client"] {
            assert!(
                modules.iter().any(|m| m == wanted),
                "no module {wanted}: {modules:?}"
            );
        }
    }
}

/// `examples/build-script` declares, by hand, the features and dependencies of the crate
/// `apigen generate` writes for the same spec (plain style, runtime vendored): when the
/// runtime needs a new dependency, the example must list it too.
#[test]
fn the_build_script_example_declares_what_the_generated_manifest_does() {
    let loaded = apigen_spec::load(&root().join("specs/examples/widgets.yaml")).unwrap();
    let style = apigen_spec::style::find("plain").unwrap();
    let generated = apigen_gen::generate(&loaded, style, &Default::default()).unwrap();
    let manifest = generated
        .files
        .iter()
        .find(|f| f.path == Path::new("Cargo.toml"))
        .expect("a Cargo.toml");
    let generated: toml::Table = toml::from_str(&manifest.contents).unwrap();
    let example = std::fs::read_to_string(root().join("examples/build-script/Cargo.toml")).unwrap();
    let example: toml::Table = toml::from_str(&example).unwrap();
    for table in ["features", "dependencies"] {
        assert_eq!(
            example[table], generated[table],
            "[{table}] of examples/build-script/Cargo.toml differs from the generated one"
        );
    }
}
