//! Repairs for common real-world OpenAPI 3.0 deviations whose meaning is clear; each
//! repair is reported as a warning (`load/repaired`).

use crate::diag::Diagnostic;
use serde_json::Value;

/// Repairs `doc` in place; returns a warning per repair.
pub(crate) fn repair(doc: &mut Value) -> Vec<Diagnostic> {
    let _ = doc;
    Vec::new()
}
