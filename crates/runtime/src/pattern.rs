//! The `pattern` check, for specs whose schemas have one (needs `regex`).

use super::validate::{violation, Violation};

/// `pattern`; a pattern that does not compile is not checked (`apigen generate` warns).
pub fn check_pattern<T: std::fmt::Display + ?Sized>(
    value: &T,
    pattern: &std::sync::LazyLock<Option<regex::Regex>>,
    source: &str,
    at: &str,
    out: &mut Vec<Violation>,
) {
    if let Some(regex) = pattern.as_ref() {
        if !regex.is_match(&value.to_string()) {
            violation(out, at, format!("must match the pattern {source:?}"));
        }
    }
}
