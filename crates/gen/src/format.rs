//! Formatting generated Rust: parse with `syn`, print with `prettyplease`.
//!
//! A generated file can be hundreds of thousands of lines; one `syn::File` of it takes
//! gigabytes. So the text is cut into chunks of whole top-level items, each chunk is parsed
//! and printed on its own (on every core), and the printed chunks are joined: prettyplease
//! prints a file as its items one after the other, so the result is the same text, while
//! only a few chunks' syntax trees are alive at once.
//!
//! A cut is made only at the top level (a small scanner tracks open delimiters, strings
//! and comments), before a line that starts an item at column 0 after a blank line (as the
//! templates write items). Should a cut still land inside an item, the chunk before it
//! fails to parse; it is then joined with the next one and parsed again, so a bad cut
//! costs time, never correctness. A real syntax error is reported at its line in the
//! whole text. A top-level `macro_rules!` definition or macro call is parsed (so errors are
//! caught) but kept as the template wrote it: prettyplease would print its body as one run
//! of tokens.
//!
//! Templates that write their output already formatted (as prettyplease would print it;
//! `render::PREFORMATTED`) are cut at every top-level item instead, and an item whose
//! lines all fit within prettyplease's margin is kept as written, without a parse: only
//! the items that may need a line broken (a long name from the spec, say) go through syn
//! and prettyplease. `tests/preformatted.rs` checks, on every example spec and style, that
//! this gives exactly what formatting the whole text would.

/// About this many lines per chunk: big enough that per-chunk overhead does not matter,
/// small enough that a chunk's syntax tree is a few megabytes.
const CHUNK_LINES: usize = 2000;

/// After this many failed joins, parse the rest of the file in one piece: the error is real.
const MAX_JOINS: usize = 3;

/// The longest line (in bytes) of a pre-formatted item kept as written: prettyplease's
/// margin (a line of 89 columns stays whole, one of 90 is broken where it can be). The
/// templates that write pre-formatted text see it as the global `margin`.
pub(crate) const MARGIN: usize = 89;

/// Formats Rust source; on a parse failure, the 1-based line and the parser's message.
/// `preformatted`: the template wrote the text as prettyplease prints it (see the module docs).
pub(crate) fn rust(text: &str, preformatted: bool) -> Result<String, (usize, String)> {
    let chunks = chunks(text, preformatted);
    let printed = format_all(text, &chunks);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chunks.len() {
        match &printed[i] {
            Ok(formatted) => {
                out.push_str(formatted);
                i += 1;
            }
            Err(_) => {
                let (formatted, next) = rejoin(text, &chunks, i)?;
                out.push_str(&formatted);
                i = next;
            }
        }
    }
    Ok(out)
}

/// A piece of the text: its byte range and the 0-based line it starts on.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: usize,
    end: usize,
    line: usize,
    kind: Kind,
}

/// What is done with a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Parsed with syn and printed with prettyplease.
    Format,
    /// A `macro_rules!` definition or a macro call: checked by parsing, kept as the template
    /// wrote it (prettyplease prints a macro body as one run of tokens).
    Macro,
    /// One item of a pre-formatted template: kept as written (without blank lines) when it
    /// fits the margin, else formatted.
    Kept,
}

/// Cuts `text` into chunks of about [`CHUNK_LINES`] lines at item boundaries (at every item
/// when `preformatted`); every top-level `macro_rules!` item or macro call (with its doc
/// comment) is a chunk of its own. Every item of a pre-formatted text is [`Kind::Kept`].
fn chunks(text: &str, preformatted: bool) -> Vec<Chunk> {
    let fresh = if preformatted {
        Kind::Kept
    } else {
        Kind::Format
    };
    let mut chunks = Vec::new();
    let mut current = Chunk {
        start: 0,
        end: 0,
        line: 0,
        kind: fresh,
    };
    // Where the latest top-level item (with its attributes and comments) starts.
    let mut item = (0, 0);
    let mut scanner = Scanner::default();
    let mut offset = 0;
    let mut previous_blank = false;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let top_level = scanner.at_top_level();
        if previous_blank && top_level && starts_item(line) {
            if preformatted || current.kind == Kind::Macro || line_no - current.line >= CHUNK_LINES
            {
                chunks.push(Chunk {
                    end: offset,
                    ..current
                });
                current = Chunk {
                    start: offset,
                    end: offset,
                    line: line_no,
                    kind: fresh,
                };
            }
            item = (offset, line_no);
        }
        if top_level && current.kind != Kind::Macro && starts_macro(line) {
            if item.0 > current.start {
                chunks.push(Chunk {
                    end: item.0,
                    ..current
                });
            }
            current = Chunk {
                start: item.0,
                end: item.0,
                line: item.1,
                kind: Kind::Macro,
            };
        }
        previous_blank = top_level && line.trim().is_empty();
        scanner.scan(line);
        offset += line.len();
    }
    chunks.push(Chunk {
        end: text.len(),
        ..current
    });
    chunks.retain(|c| c.end > c.start);
    chunks
}

/// A pre-formatted item as prettyplease would print it, when every line is within
/// [`MARGIN`] (doc comments, which prettyplease never breaks, may be longer) and has no
/// tab or trailing space: the item without its blank lines (prettyplease prints none;
/// those inside a string or comment stay). `None` when it may not fit.
fn keep(item: &str) -> Option<String> {
    let mut kept = String::with_capacity(item.len());
    let mut scanner = Scanner::default();
    for line in item.split_inclusive('\n') {
        let in_code = scanner.state == State::Code;
        scanner.scan(line);
        let content = line.trim_end_matches('\n');
        if in_code && content.trim().is_empty() {
            continue;
        }
        if content.contains('\t')
            || content.ends_with(' ')
            || (content.len() > MARGIN && !unbreakable(content.trim_start()))
        {
            return None;
        }
        kept.push_str(content);
        kept.push('\n');
    }
    (!kept.is_empty()).then_some(kept)
}

/// A line prettyplease prints as it is however long: a doc comment, or a header with
/// nothing to break but one long name (`pub enum Name {`, `pub struct Name {`,
/// `impl Name {`, `for Name {` after a broken impl header, `fn name() -> Type {`), or an
/// enum variant without a payload (`Name,`).
/// `tests/preformatted.rs` on GitHub's spec (many names past the margin) checks these.
fn unbreakable(line: &str) -> bool {
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if line.starts_with("///") || line.strip_suffix(',').is_some_and(ident) {
        return true;
    }
    let Some(header) = line.strip_suffix(" {") else {
        return false;
    };
    ["pub enum ", "pub struct ", "impl ", "for "]
        .iter()
        .any(|keyword| header.strip_prefix(keyword).is_some_and(ident))
        || header
            .strip_prefix("fn ")
            .and_then(|f| f.split_once("() -> "))
            .is_some_and(|(name, ty)| ident(name) && ident(ty))
}

/// A line that begins a `macro_rules!` definition or a macro call (`name!(…)`, `name! {…}`):
/// prettyplease prints the tokens of either as one run, so both are kept as written.
fn starts_macro(line: &str) -> bool {
    let name_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    name_len > 0 && line[name_len..].starts_with('!')
}

/// A line that can begin a top-level item: an outer attribute, a doc or plain comment,
/// or a keyword at column 0 (not an inner attribute, which must stay at the file's start).
fn starts_item(line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    (first == '#' && !line.starts_with("#!"))
        || (line.starts_with("//") && !line.starts_with("//!"))
        || first.is_ascii_alphabetic()
}

/// Just enough of a Rust lexer to know whether a line starts at the top level: the depth of
/// open delimiters, and whether a string or block comment is open. A mistake here only
/// costs a join (see [`rejoin`]).
#[derive(Debug, Default)]
struct Scanner {
    depth: usize,
    state: State,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Code,
    /// In a `"…"` string.
    Str,
    /// In a raw string closed by `"` and this many `#`.
    RawStr(usize),
    /// In a block comment, this deep.
    Comment(usize),
}

impl Scanner {
    fn at_top_level(&self) -> bool {
        self.depth == 0 && self.state == State::Code
    }

    /// Scans one line (with its `\n`); line comments end with it.
    fn scan(&mut self, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied();
            match self.state {
                State::Str => match b {
                    b'\\' => i += 1,
                    b'"' => self.state = State::Code,
                    _ => {}
                },
                State::RawStr(hashes) => {
                    if b == b'"'
                        && bytes[i + 1..].iter().take_while(|c| **c == b'#').count() >= hashes
                    {
                        self.state = State::Code;
                        i += hashes;
                    }
                }
                State::Comment(depth) => match (b, next) {
                    (b'*', Some(b'/')) => {
                        self.state = if depth == 1 {
                            State::Code
                        } else {
                            State::Comment(depth - 1)
                        };
                        i += 1;
                    }
                    (b'/', Some(b'*')) => {
                        self.state = State::Comment(depth + 1);
                        i += 1;
                    }
                    _ => {}
                },
                State::Code => match b {
                    b'/' if next == Some(b'/') => return,
                    b'/' if next == Some(b'*') => {
                        self.state = State::Comment(1);
                        i += 1;
                    }
                    b'"' => self.state = State::Str,
                    b'r' if !ident_before(bytes, i) || raw_prefix(bytes, i) => {
                        let hashes = bytes[i + 1..].iter().take_while(|c| **c == b'#').count();
                        if bytes.get(i + 1 + hashes) == Some(&b'"') {
                            self.state = State::RawStr(hashes);
                            i += 1 + hashes;
                        }
                    }
                    b'\'' => i += char_literal_len(&line[i..]),
                    b'{' | b'(' | b'[' => self.depth += 1,
                    b'}' | b')' | b']' => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                },
            }
            i += 1;
        }
    }
}

/// Whether the byte before `i` continues an identifier (so `r` at `i` is not a prefix).
fn ident_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

/// `br"…"` or `cr"…"`: the `r` follows a `b` or `c` that starts a token.
fn raw_prefix(bytes: &[u8], i: usize) -> bool {
    i > 0 && matches!(bytes[i - 1], b'b' | b'c') && !ident_before(bytes, i - 1)
}

/// At a `'`: the bytes to skip after it when it opens a character literal (`'a'`, `'\n'`,
/// `'\''`), 0 for a lifetime or label (`'a`, `'static`).
fn char_literal_len(rest: &str) -> usize {
    let mut chars = rest[1..].char_indices();
    match chars.next() {
        Some((_, '\\')) => rest[2..]
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '\'')
            .map_or(0, |(at, _)| at + 2),
        Some((_, c)) if chars.next().is_some_and(|(_, n)| n == '\'') => c.len_utf8() + 1,
        _ => 0,
    }
}

/// A chunk printed, or where and why it failed to parse.
type Printed = Result<String, (usize, String)>;

/// Parses and prints every chunk, on as many threads as there are cores.
fn format_all(text: &str, chunks: &[Chunk]) -> Vec<Printed> {
    apigen_spec::parallel::map(chunks, |chunk| format_chunk(text, chunk))
}

/// Where in `source`, a chunk that does not parse, the error is: the 0-based line of the
/// first of its top-level items (with their attributes and doc comments) that does not parse
/// on its own, else 0. Tokens carry no line numbers (they would cost every parse time and
/// memory), so an error is located at its item.
fn failing_item(source: &str) -> usize {
    let mut starts = vec![(0, 0)];
    let mut scanner = Scanner::default();
    let mut offset = 0;
    let mut in_prelude = false;
    for (line_no, line) in source.split_inclusive('\n').enumerate() {
        if scanner.at_top_level() && starts_item(line) {
            if !in_prelude && offset > 0 {
                starts.push((offset, line_no));
            }
            in_prelude = line.starts_with('#') || line.starts_with("//");
        }
        scanner.scan(line);
        offset += line.len();
    }
    let ends = starts.iter().skip(1).map(|s| s.0).chain([source.len()]);
    starts
        .iter()
        .zip(ends)
        .find(|((start, _), end)| {
            syn::parse_file(&source[*start..*end])
                .map_or(true, |file| file.items.iter().any(is_verbatim))
        })
        .map_or(0, |((_, line), _)| *line)
}

fn is_verbatim(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Verbatim(_))
}

/// Parses and prints one chunk (a kept one is only trimmed); an error's line is 1-based in
/// the whole text.
fn format_chunk(text: &str, chunk: &Chunk) -> Printed {
    let source = &text[chunk.start..chunk.end];
    if chunk.kind == Kind::Kept {
        if let Some(kept) = keep(source) {
            return Ok(kept);
        }
    }
    let file = syn::parse_file(source)
        .map_err(|e| (chunk.line + failing_item(source) + 1, e.to_string()))?;
    // What syn keeps verbatim at the top level (`fn f();` — the inside of a trait, after a
    // bad cut) prettyplease cannot print.
    if file.items.iter().any(is_verbatim) {
        let line = chunk.line + failing_item(source) + 1;
        return Err((line, "expected an item".to_string()));
    }
    if chunk.kind == Kind::Macro {
        return Ok(format!("{}\n", source.trim_end()));
    }
    Ok(prettyplease::unparse(&file))
}

/// Chunk `i` failed to parse: joins it with the following chunks until the join parses
/// (a bad cut), and after [`MAX_JOINS`] parses the rest of the text in one piece. Returns
/// the printed text and the index of the first chunk after it.
fn rejoin(text: &str, chunks: &[Chunk], i: usize) -> Result<(String, usize), (usize, String)> {
    let last = chunks.len() - 1;
    for end in (i + 1..=last).take(MAX_JOINS) {
        let joined = Chunk {
            start: chunks[i].start,
            end: chunks[end].end,
            line: chunks[i].line,
            kind: Kind::Format,
        };
        if let Ok(formatted) = format_chunk(text, &joined) {
            return Ok((formatted, end + 1));
        }
    }
    let rest = Chunk {
        start: chunks[i].start,
        end: text.len(),
        line: chunks[i].line,
        kind: Kind::Format,
    };
    format_chunk(text, &rest).map(|formatted| (formatted, chunks.len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_and_reports_the_failing_line() {
        assert_eq!(
            super::rust("pub struct   A{x:i32}", false).as_deref(),
            Ok("pub struct A {\n    x: i32,\n}\n")
        );
        let (line, message) = super::rust("pub struct A;\n\nfn x( {\n", false).unwrap_err();
        assert_eq!(line, 3);
        assert!(!message.is_empty());
        // Located at the failing item (its attributes included), blank lines or not.
        let text =
            "pub struct A;\n#[derive(Debug)]\n/// B.\npub struct B {\n    b: i32,\n}\nfn c( {}\n";
        assert_eq!(super::rust(text, false).unwrap_err().0, 7);
        let unclosed = "pub struct A;\n#[derive(\n    Debug,\n)]\npub struct B {\npub struct C;\n";
        assert_eq!(super::rust(unclosed, false).unwrap_err().0, 2);
    }

    /// A pre-formatted item is kept without its blank lines (but not those of a string),
    /// unless a line is too long and could be broken.
    #[test]
    fn preformatted_items_are_kept_when_they_fit() {
        let item = "pub struct S {\n\n    /// Doc.\n    pub a: i32,\n    \n}\n\n";
        assert_eq!(
            super::keep(item).as_deref(),
            Some("pub struct S {\n    /// Doc.\n    pub a: i32,\n}\n")
        );
        let literal = "const A: &str = \"x\n\ny\";\n";
        assert_eq!(super::keep(literal).as_deref(), Some(literal));
        let long_name = format!("pub struct {} {{\n}}\n", "N".repeat(100));
        assert_eq!(super::keep(&long_name), Some(long_name.clone()));
        let long_field = format!(
            "pub struct S {{\n    pub a: Option<{}>,\n}}\n",
            "N".repeat(90)
        );
        assert_eq!(super::keep(&long_field), None);
        assert_eq!(super::keep("struct S;  \n"), None);
        // A whole file: kept items and formatted ones, as prettyplease prints them all.
        let text = format!("pub struct A {{\n\n    pub a: i32,\n}}\n\n{long_field}\nstruct B;\n");
        assert_eq!(
            super::rust(&text, true).unwrap(),
            prettyplease::unparse(&syn::parse_file(&text).unwrap())
        );
        // What fits is trusted, not checked: the template promised prettyplease's layout.
        assert_eq!(super::rust("struct   B;\n", true).unwrap(), "struct   B;\n");
        assert_eq!(super::rust("struct   B;\n", false).unwrap(), "struct B;\n");
    }

    /// A `macro_rules!` item and a macro call are kept as written, the items around them
    /// are formatted.
    #[test]
    fn macros_are_kept_as_written() {
        let text = "struct  A;\n\n/// Doc.\nmacro_rules! m {\n    ($x:ident) => {\n        impl $x {}\n    };\n}\n\nm!( A );\n\nstruct  B;\n";
        assert_eq!(super::chunks(text, false).len(), 4);
        assert_eq!(
            super::rust(text, false).unwrap(),
            "struct A;\n/// Doc.\nmacro_rules! m {\n    ($x:ident) => {\n        impl $x {}\n    };\n}\nm!( A );\nstruct B;\n"
        );
    }

    /// Many items: the chunked result is what one `syn::File` prints; a literal holding an
    /// item-like line after a blank line (a bad cut) is still formatted whole; an error far
    /// into the text is reported at its line.
    #[test]
    fn chunks_print_like_one_file() {
        let mut text = String::from("//! Docs.\n#![allow(dead_code)]\n\n");
        for i in 0..3 * super::CHUNK_LINES {
            text.push_str(&format!(
                "/// Item {i}.\npub struct  S{i} {{ x : i32 }}\n\n"
            ));
            if i % 1000 == 7 {
                text.push_str("const TEXT: &str = \"a\n\npub struct Nope;\n\nimpl X {\";\n\n");
            }
        }
        let whole = prettyplease::unparse(&syn::parse_file(&text).unwrap());
        assert!(super::chunks(&text, false).len() > 2);
        assert_eq!(super::rust(&text, false).unwrap(), whole);

        // No cut inside a string literal, a comment or braces, whatever lines they hold.
        let nope = "\n\npub struct Nope;\n".repeat(super::CHUNK_LINES);
        let literal = format!(
            "const A: &str = r#\"{nope}\"#;\nconst B: char = '{{';\n/* {nope} */\nmod m {{{nope}}}\n\npub struct After;\n"
        );
        let cuts: Vec<usize> = super::chunks(&literal, false)
            .iter()
            .map(|c| c.start)
            .collect();
        assert_eq!(cuts, [0, literal.find("pub struct After").unwrap()]);
        let whole = prettyplease::unparse(&syn::parse_file(&literal).unwrap());
        // Were a cut made there anyway, the chunks are joined again.
        let cut = literal.find("pub struct Nope").unwrap();
        let bad = [
            super::Chunk {
                start: 0,
                end: cut,
                line: 0,
                kind: super::Kind::Format,
            },
            super::Chunk {
                start: cut,
                end: literal.len(),
                line: 2,
                kind: super::Kind::Format,
            },
        ];
        assert_eq!(super::rejoin(&literal, &bad, 0), Ok((whole, 2)));

        let lines = text.lines().count();
        text.push_str("fn broken( {\n");
        let (line, _) = super::rust(&text, false).unwrap_err();
        assert_eq!(line, lines + 1);
    }
}
