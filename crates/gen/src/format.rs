//! Formatting generated Rust: parse with `syn`, print with `prettyplease`.

/// Formats Rust source; on a parse failure, the 1-based line and the parser's message.
pub(crate) fn rust(text: &str) -> Result<String, (usize, String)> {
    let file = syn::parse_file(text).map_err(|e| (e.span().start().line, e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_and_reports_the_failing_line() {
        assert_eq!(
            super::rust("pub struct   A{x:i32}").as_deref(),
            Ok("pub struct A {\n    x: i32,\n}\n")
        );
        let (line, message) = super::rust("pub struct A;\n\nfn x( {\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(!message.is_empty());
    }
}
