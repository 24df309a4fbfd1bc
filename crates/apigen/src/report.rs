//! How a command's outcome becomes output and an exit status.

use apigen_spec::Diagnostic;

/// The process exit status: 0 success, 1 the user's input is at fault, 2 apigen failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success = 0,
    /// The input is at fault (bad spec, stale output with `--check`, lint errors).
    Failure = 1,
    /// apigen itself failed (a bug, or the file system refused).
    Error = 2,
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CommandError {
    /// Problems in the user's input, already reported or to be reported as diagnostics.
    Input(Vec<Diagnostic>),
    /// The input is at fault, with a message already suited for a person (e.g. `--check` found drift).
    Failed(String),
    /// apigen failed.
    Internal(String),
}

/// Prints what went wrong (diagnostics to stderr) and maps the outcome to an exit status.
pub fn finish(result: Result<(), CommandError>, format: crate::commands::Format) -> ExitStatus {
    let render_format = match format {
        crate::commands::Format::Human => apigen_spec::render::Format::Human,
        crate::commands::Format::Json => apigen_spec::render::Format::Json,
    };
    match result {
        Ok(()) => ExitStatus::Success,
        Err(CommandError::Input(diagnostics)) => {
            eprint!(
                "{}",
                apigen_spec::render::render(&diagnostics, render_format)
            );
            ExitStatus::Failure
        }
        Err(CommandError::Failed(message)) => {
            eprintln!("{message}");
            ExitStatus::Failure
        }
        Err(CommandError::Internal(message)) => {
            eprintln!("apigen failed: {message}");
            ExitStatus::Error
        }
    }
}

/// Prints warnings (never fatal) to stderr in the chosen format.
pub fn warn(diagnostics: &[Diagnostic], format: crate::commands::Format) {
    if diagnostics.is_empty() {
        return;
    }
    let render_format = match format {
        crate::commands::Format::Human => apigen_spec::render::Format::Human,
        crate::commands::Format::Json => apigen_spec::render::Format::Json,
    };
    eprint!(
        "{}",
        apigen_spec::render::render(diagnostics, render_format)
    );
}
