//! Loading a spec from disk into the [`openapiv3`] model.
//!
//! NOTE: interim loader (single file, no positions); the loader work replaces the
//! internals while keeping this interface.

use crate::diag::{Diagnostic, Location};
use std::path::{Path, PathBuf};

/// A loaded, bundled and normalised spec.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec in the OpenAPI 3.0 model; external `$ref`s are bundled into its components.
    pub spec: openapiv3::OpenAPI,
    /// The root file.
    pub root: PathBuf,
    /// Warnings raised while loading (what could not be carried over, and so on).
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// Where a JSON pointer into the bundled document came from.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        Some(Location {
            file: self.root.clone(),
            pointer: pointer.to_string(),
            line: 0,
            column: 0,
            span: None,
        })
    }

    /// Fills in the location of every diagnostic that has a pointer but no location.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            if d.location.is_none() {
                if let Some(p) = &d.pointer {
                    d.location = self.locate(p);
                }
            }
        }
    }
}

/// Loads the spec at `path`. On failure, every problem found is returned.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            "load/read",
            format!("cannot read {}: {e}", path.display()),
        )]
    })?;
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text)
        .map_err(|e| vec![Diagnostic::error("load/parse", e.to_string())])?;
    Ok(Loaded {
        spec,
        root: path.to_path_buf(),
        warnings: Vec::new(),
    })
}
