//! How a generated crate gets the runtime (`apigen-runtime`): a verbatim copy of its source
//! files under `src/runtime/` (the default), or a dependency on the crate.

use crate::ir::Features;
use crate::GeneratedFile;
use std::path::PathBuf;

include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

/// Where a generated crate's runtime comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Runtime {
    /// The runtime's source is copied into the crate (`src/runtime/`): it builds standalone.
    #[default]
    Vendored,
    /// The crate depends on `apigen-runtime`; the value is the dependency's TOML value
    /// (`"0.1"` or `{ path = "../apigen/crates/runtime" }`), without features, which the
    /// generated `Cargo.toml` sets.
    Dependency(String),
}

impl Runtime {
    /// Reads `--runtime-dep`: a TOML value, or a whole `apigen-runtime = …` line.
    pub fn dependency(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        let value = match spec.split_once('=') {
            Some((key, value)) if key.trim() == "apigen-runtime" => value.trim(),
            _ => spec,
        };
        let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
        let table = value.starts_with('{') && value.ends_with('}');
        if !(quoted || table) || value.contains(['\n', '\r']) {
            return Err(format!(
                "`{spec}` is not a dependency: give a version (`'\"0.1\"'`) or an inline table \
                 (`'{{ path = \"../apigen/crates/runtime\" }}'`), optionally after `apigen-runtime =`"
            ));
        }
        if value.contains("features") {
            return Err(format!(
                "`{spec}` sets features: leave them out, the generated Cargo.toml sets the ones the crate needs"
            ));
        }
        Ok(Runtime::Dependency(value.to_string()))
    }

    /// The dependency line's value with the features a crate of these `features` needs:
    /// `None` when the runtime is vendored.
    pub(crate) fn dependency_value(&self, features: &Features) -> Option<String> {
        let Runtime::Dependency(value) = self else {
            return None;
        };
        let mut wanted = Vec::new();
        for (on, name) in [
            (features.chrono, "chrono"),
            (features.uuid, "uuid"),
            (features.regex, "regex"),
        ] {
            if on {
                wanted.push(format!("{name:?}"));
            }
        }
        let extra = format!(
            "default-features = false, features = [{}]",
            wanted.join(", ")
        );
        Some(match value.strip_suffix('}') {
            Some(table) => {
                let table = table.trim_end().trim_end_matches(',');
                let separator = if table.trim() == "{" { " " } else { ", " };
                format!("{table}{separator}{extra} }}")
            }
            None => format!("{{ version = {value}, {extra} }}"),
        })
    }
}

/// The runtime's files a vendored crate of `style` with these `features` holds, as they are
/// in `crates/runtime/src/`. `style` is left out when the style brings its own module (a
/// template of its own).
pub(crate) fn vendored_files(style: Option<&str>, features: &Features) -> Vec<GeneratedFile> {
    let style_file = style.map(|s| format!("{s}.rs"));
    let wanted = |name: &str| match name {
        "body.rs" | "server.rs" | "serve.rs" | "client.rs" | "headers.rs" | "sse.rs"
        | "validate.rs" | "vocabulary.rs" => true,
        "pattern.rs" => features.regex,
        "validate_chrono.rs" => features.chrono,
        "validate_uuid.rs" => features.uuid,
        other => style_file.as_deref() == Some(other),
    };
    RUNTIME_FILES
        .iter()
        .filter(|(name, _)| wanted(name))
        .map(|(name, text)| GeneratedFile {
            path: PathBuf::from("src/runtime").join(name),
            contents: (*text).to_string(),
        })
        .collect()
}

/// The runtime's source file `name` (`server.rs`), as embedded.
pub fn source(name: &str) -> Option<&'static str> {
    RUNTIME_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_values_take_the_needed_features() {
        let features = Features {
            chrono: true,
            regex: true,
            ..Features::default()
        };
        let path = Runtime::dependency("apigen-runtime = { path = \"../rt\" }").unwrap();
        assert_eq!(
            path.dependency_value(&features).unwrap(),
            "{ path = \"../rt\", default-features = false, features = [\"chrono\", \"regex\"] }"
        );
        let version = Runtime::dependency("\"0.1\"").unwrap();
        assert_eq!(
            version.dependency_value(&Features::default()).unwrap(),
            "{ version = \"0.1\", default-features = false, features = [] }"
        );
        assert_eq!(Runtime::Vendored.dependency_value(&features), None);
    }

    #[test]
    fn dependency_refuses_what_is_not_a_value() {
        for bad in [
            "0.1",
            "apigen-runtime = 0.1",
            "{ path = \"x\", features = [\"server\"] }",
            "\"0.1\"\nx = 1",
        ] {
            assert!(Runtime::dependency(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vendored_files_are_the_style_and_what_the_features_need() {
        let names = |files: Vec<GeneratedFile>| -> Vec<String> {
            files.iter().map(|f| f.path.display().to_string()).collect()
        };
        assert_eq!(
            names(vendored_files(Some("plain"), &Features::default())),
            [
                "src/runtime/body.rs",
                "src/runtime/client.rs",
                "src/runtime/headers.rs",
                "src/runtime/plain.rs",
                "src/runtime/serve.rs",
                "src/runtime/server.rs",
                "src/runtime/sse.rs",
                "src/runtime/validate.rs",
                "src/runtime/vocabulary.rs"
            ]
        );
        let all = Features {
            chrono: true,
            uuid: true,
            regex: true,
            ..Features::default()
        };
        assert_eq!(
            names(vendored_files(None, &all)),
            [
                "src/runtime/body.rs",
                "src/runtime/client.rs",
                "src/runtime/headers.rs",
                "src/runtime/pattern.rs",
                "src/runtime/serve.rs",
                "src/runtime/server.rs",
                "src/runtime/sse.rs",
                "src/runtime/validate.rs",
                "src/runtime/validate_chrono.rs",
                "src/runtime/validate_uuid.rs",
                "src/runtime/vocabulary.rs"
            ]
        );
    }
}
