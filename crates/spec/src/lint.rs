//! `lint`: rule-id'd diagnostics about a source spec.
