//! What the fuzz targets share: the structured OpenAPI documents ([`doc`]), the decode
//! round trip over every example spec's types ([`decode`]) and the generated routers with
//! their style checks ([`request`]).

pub mod decode;
pub mod doc;
pub mod request;

use std::path::Path;

/// Where a fuzzed document pretends to come from: relative `$ref`s to other files resolve
/// in a folder that does not exist, so they fail as missing files.
pub const ROOT: &str = "/nonexistent/apigen-fuzz/spec.yaml";

/// Loads `text` as a spec (as [`apigen_spec::load`] would a file).
pub fn load(text: &str) -> Option<apigen_spec::Loaded> {
    apigen_spec::load_str(Path::new(ROOT), text.to_string()).ok()
}

/// Generates the crate in every style: a spec problem is fine, anything else (a template
/// that fails, output that is not Rust) is a bug; every `.rs` file must parse with `syn`.
pub fn generate_all(loaded: &apigen_spec::Loaded) {
    let options = apigen_gen::Options {
        // The runtime as a dependency, not copied in: what the templates print is fuzzed.
        runtime: apigen_gen::Runtime::Dependency("\"0.1\"".into()),
        ..Default::default()
    };
    for name in ["enveloped", "plain", "result"] {
        let style = apigen_spec::style::find(name).expect("a built-in style");
        match apigen_gen::generate(loaded, style, &options) {
            Ok(generated) => {
                for file in &generated.files {
                    if file.path.extension().is_some_and(|e| e == "rs") {
                        if let Err(e) = syn::parse_file(&file.contents) {
                            panic!(
                                "{name}: {} does not parse: {e}\n{}",
                                file.path.display(),
                                file.contents
                            );
                        }
                    }
                }
            }
            Err(apigen_gen::Error::Input(_)) => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
}
