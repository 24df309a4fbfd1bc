//! Renderers for [`Diagnostic`]s: for people (with a source snippet) and for machines (JSON).
//!
//! NOTE: interim plain-text renderer; the diagnostics work replaces it with miette.

use crate::diag::Diagnostic;

/// Output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people.
    Human,
    /// One JSON document: `{"diagnostics": [...]}`.
    Json,
}

/// Renders diagnostics in the given format.
pub fn render(diagnostics: &[Diagnostic], format: Format) -> String {
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "diagnostics": diagnostics });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        Format::Human => diagnostics
            .iter()
            .map(|d| {
                let mut s = format!("{:?}[{}]: {}\n", d.severity, d.code, d.message);
                if let Some(l) = &d.location {
                    s += &format!(
                        "  at {}:{}:{} {}\n",
                        l.file.display(),
                        l.line,
                        l.column,
                        l.pointer
                    );
                }
                if let Some(h) = &d.help {
                    s += &format!("  help: {h}\n");
                }
                s
            })
            .collect(),
    }
}
