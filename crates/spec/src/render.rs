//! Renderers for [`Diagnostic`]s: for people (miette, with a source snippet and the
//! offending node labelled) and for machines (JSON).
//!
//! The human form reads each file named by a location once per call. Only a few lines
//! around the label are handed to miette, and a snippet is left out when its line is
//! very long (minified JSON, a garbage file), so rendering stays cheap and readable on
//! any input.

use crate::diag::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// Output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people.
    Human,
    /// One JSON document: `{"diagnostics": [...]}`.
    Json,
}

/// Lines longer than this get no snippet.
const MAX_SNIPPET_LINE: usize = 300;
/// Lines shown before and after the labelled one.
const CONTEXT_LINES: usize = 2;
/// Width of human output, fixed so output does not depend on the terminal.
const WIDTH: usize = 100;

/// Renders diagnostics in the given format; human output is coloured when stderr is a
/// terminal and `NO_COLOR` is not set.
pub fn render(diagnostics: &[Diagnostic], format: Format) -> String {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    render_with(diagnostics, format, color)
}

/// Renders diagnostics in the given format, with or without colour (JSON has none).
pub fn render_with(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Json => render_json(diagnostics),
        Format::Human => render_human(diagnostics, color),
    }
}

fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
                "help": d.help,
                "location": d.location.as_ref().map(|l| serde_json::json!({
                    "file": l.file.display().to_string(),
                    "pointer": l.pointer,
                    "line": l.line,
                    "column": l.column,
                })),
            })
        })
        .collect();
    let doc = serde_json::json!({ "diagnostics": items });
    // Serialising a `Value` built from strings and numbers cannot fail.
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    format!("{text}\n")
}

fn render_human(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_context_lines(CONTEXT_LINES)
        .with_links(false);
    let mut files: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        let excerpt = d.location.as_ref().and_then(|l| {
            let text = files
                .entry(l.file.clone())
                .or_insert_with(|| std::fs::read_to_string(&l.file).ok());
            let (offset, len) = l.span?;
            Excerpt::new(l.file.display().to_string(), text.as_deref()?, offset, len)
        });
        let report = Report { d, excerpt };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        out.push('\n');
    }
    out
}

/// One diagnostic as miette sees it.
struct Report<'a> {
    d: &'a Diagnostic,
    excerpt: Option<(Excerpt, SourceSpan)>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)?;
        match (&self.d.location, &self.excerpt) {
            // Without a snippet, say where in words.
            (Some(l), None) if l.line > 0 => write!(
                f,
                "\n  at {}:{}:{} ({})",
                l.file.display(),
                l.line,
                l.column,
                l.pointer
            ),
            (Some(l), None) => write!(f, "\n  in {} ({})", l.file.display(), l.pointer),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|(e, _)| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.excerpt.as_ref()?;
        // The pointer names the node; a syntax error (pointer `#`) is just "here".
        let label = self.d.location.as_ref().map(|l| {
            if l.pointer == "#" {
                "here".to_string()
            } else {
                l.pointer.clone()
            }
        });
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, *span,
        ))))
    }
}

/// A few lines of a file around a span, standing in for the whole file: miette asks
/// for spans in file offsets and gets back the right line numbers.
struct Excerpt {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    base: usize,
    /// 0-based line number of the first line of `text`.
    first_line: usize,
}

impl Excerpt {
    /// The excerpt around `offset..offset + len` of `file`, and the span (clamped to
    /// its line); `None` when the line is too long to show.
    fn new(name: String, file: &str, offset: usize, len: usize) -> Option<(Self, SourceSpan)> {
        let offset = offset.min(file.len());
        file.get(..offset)?;
        // Look for the line's ends only as far as a showable line reaches: a minified
        // JSON file is one line of megabytes, and scanning it per diagnostic is slow.
        let bytes = file.as_bytes();
        let window = offset.saturating_sub(MAX_SNIPPET_LINE + 1);
        let line_start = match bytes.get(window..offset)?.iter().rposition(|&b| b == b'\n') {
            Some(i) => window + i + 1,
            None if window == 0 => 0,
            None => return None,
        };
        let window = offset.saturating_add(MAX_SNIPPET_LINE + 1).min(file.len());
        let line_end = match bytes.get(offset..window)?.iter().position(|&b| b == b'\n') {
            Some(i) => offset + i,
            None if window == file.len() => file.len(),
            None => return None,
        };
        if line_end - line_start > MAX_SNIPPET_LINE {
            return None;
        }
        // Widen by up to CONTEXT_LINES short lines on each side.
        let mut start = line_start;
        for _ in 0..CONTEXT_LINES {
            let Some(prev_end) = start.checked_sub(1) else {
                break;
            };
            let prev_start = file.get(..prev_end)?.rfind('\n').map_or(0, |i| i + 1);
            if prev_end - prev_start > MAX_SNIPPET_LINE {
                break;
            }
            start = prev_start;
        }
        let mut end = line_end;
        for _ in 0..CONTEXT_LINES {
            if end >= file.len() {
                break;
            }
            let next_start = end + 1;
            let next_end = file
                .get(next_start..)?
                .find('\n')
                .map_or(file.len(), |i| next_start + i);
            if next_end - next_start > MAX_SNIPPET_LINE {
                break;
            }
            end = next_end;
        }
        let first_line = file.get(..start)?.matches('\n').count();
        let len = len.min(line_end.saturating_sub(offset));
        Some((
            Excerpt {
                name,
                text: file.get(start..end)?.to_string(),
                base: start,
                first_line,
            },
            SourceSpan::new(offset.into(), len),
        ))
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.base).into(), span.len());
        let inner = self
            .text
            .read_span(&local, context_lines_before, context_lines_after)?;
        let span = SourceSpan::new(
            (inner.span().offset() + self.base).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            span,
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}
