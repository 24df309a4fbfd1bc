//! Embeds every template under the workspace's `templates/` folder, so templates that
//! other work adds (a new style's folder, a new module) are picked up without code changes.
//!
//! The templates live at the top of the repository; `crates/gen/templates` is a symbolic
//! link to them, which `cargo package` follows, so the published crate carries its own
//! copy and builds from the registry. A checkout without symbolic links (Git on Windows
//! with `core.symlinks` off writes the link as a small text file) falls back to the
//! repository's folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = [manifest.join("templates"), manifest.join("../../templates")]
        .into_iter()
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("no templates folder in {}", manifest.display()));
    // The folder the link points to: cargo watches what it can see changing.
    let root = root.canonicalize().unwrap_or(root);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut found = Vec::new();
    collect(&root, &root, &mut found);
    found.sort();
    if found.is_empty() {
        panic!("no templates (*.jinja) under {}", root.display());
    }
    let mut out = String::from("/// Every embedded template: (name relative to `templates/`, text).\npub static TEMPLATES: &[(&str, &str)] = &[\n");
    for (name, path) in &found {
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out_dir.join("templates.rs"), out) {
        panic!("cannot write the embedded template list: {e}");
    }
}

fn collect(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, found);
        } else if path.extension().is_some_and(|e| e == "jinja") {
            if let Ok(rel) = path.strip_prefix(root) {
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let abs = path.canonicalize().unwrap_or(path.clone());
                found.push((name, abs));
            }
        }
    }
}
