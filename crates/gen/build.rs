//! Embeds every template under the workspace's `templates/` folder, so templates that
//! other work adds (a new style's folder, a new module) are picked up without code changes,
//! and the runtime's source files (`crates/runtime/src/*.rs`), which a generated crate gets
//! a verbatim copy of.
//!
//! Both live outside this crate; `crates/gen/templates` and `crates/gen/runtime` are
//! symbolic links to them, which `cargo package` follows, so the published crate carries
//! its own copies and builds from the registry. A checkout without symbolic links (Git on
//! Windows with `core.symlinks` off writes a link as a small text file) falls back to the
//! repository's folders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    embed(
        &folder(&manifest, "templates", "../../templates"),
        "jinja",
        "/// Every embedded template: (name relative to `templates/`, text).\npub static TEMPLATES",
        &out_dir.join("templates.rs"),
    );
    embed(
        &folder(&manifest, "runtime", "../runtime/src"),
        "rs",
        "/// The runtime's source files: (name relative to `crates/runtime/src/`, text).\npub static RUNTIME_FILES",
        &out_dir.join("runtime_files.rs"),
    );
}

/// The crate's own folder `link`, else the repository's `fallback`, canonicalised (cargo
/// watches the folder the link points to).
fn folder(manifest: &Path, link: &str, fallback: &str) -> PathBuf {
    let dir = [manifest.join(link), manifest.join(fallback)]
        .into_iter()
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("no {link} folder in {}", manifest.display()));
    dir.canonicalize().unwrap_or(dir)
}

/// Writes `dest`: a static `name` listing every file ending in `.extension` under `root`.
fn embed(root: &Path, extension: &str, name: &str, dest: &Path) {
    println!("cargo:rerun-if-changed={}", root.display());
    let mut found = Vec::new();
    collect(root, root, extension, &mut found);
    found.sort();
    if found.is_empty() {
        panic!("no *.{extension} files under {}", root.display());
    }
    let mut out = format!("{name}: &[(&str, &str)] = &[\n");
    for (name, path) in &found {
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    if let Err(e) = std::fs::write(dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn collect(root: &Path, dir: &Path, extension: &str, found: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, extension, found);
        } else if path.extension().is_some_and(|e| e == extension) {
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
