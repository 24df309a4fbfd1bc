//! One diagnostic model for every stage: an id, a severity, a message, where, and how to fix it.
//!
//! Stages build diagnostics with a JSON pointer into the (bundled) root document;
//! [`crate::Loaded::locate`] turns that pointer into a [`Location`] in the file the
//! text really came from. Rendering lives elsewhere, so the model stays plain data.

use serde::Serialize;
use std::path::PathBuf;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// The input works, but something is worse than it could be or was not carried over.
    Warning,
}

/// Where a diagnostic points: the file the text came from, a JSON pointer into that
/// file, and the 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file, as the user named it or relative to the root spec's folder.
    pub file: PathBuf,
    /// A JSON pointer into `file`, written as a URI fragment (`#/paths/~1widgets/get`).
    pub pointer: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Byte offset and length of the offending text in `file`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<(usize, usize)>,
}

/// A problem found in the user's input (or a warning about it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable id such as `load/yaml-syntax` or `lint/missing-operation-id`.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where it is, when it is anywhere in particular.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The JSON pointer into the bundled root document that the stage saw; kept so a
    /// diagnostic can be located later (see [`crate::Loaded::locate`]).
    #[serde(skip)]
    pub pointer: Option<String>,
}

impl Diagnostic {
    /// A new error with the given id and message.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A new warning with the given id and message.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            severity,
            message: message.into(),
            help: None,
            location: None,
            pointer: None,
        }
    }

    /// Adds how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Records the JSON pointer (into the bundled root document) it is about.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets the resolved location.
    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
