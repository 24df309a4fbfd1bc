//! One source file: its text, how it was parsed, and where each JSON pointer sits in it.
//!
//! Values are parsed with the fast parsers (serde_json for JSON, serde_yaml for YAML).
//! Positions are only worked out when a diagnostic asks for one: a JSON file is scanned
//! for the one pointer asked about; a YAML file gets an index of every node built once
//! (with yaml-rust2's marked events) and cached.

// `Diagnostic` is the error of every stage; failing is the cold path, so a large `Err`
// costs nothing that matters and boxing would only add noise.
#![allow(clippy::result_large_err)]

use crate::diag::Diagnostic;
use crate::pointer::{escape, JsonPointer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Files larger than this are refused before reading (GitHub's spec is 13 MB).
const MAX_FILE_BYTES: u64 = 256_000_000;

/// How a file's text is written; decided by its content, not its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The first non-blank character is `{`.
    Json,
    /// Anything else.
    Yaml,
}

impl Syntax {
    /// Sniffs the syntax of `text`: JSON when the first non-blank character is `{`.
    pub fn sniff(text: &str) -> Self {
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next()
        {
            Some('{') => Syntax::Json,
            _ => Syntax::Yaml,
        }
    }
}

/// A place in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset.
    pub offset: usize,
    /// Length in bytes of the text to underline (at least 1 when the file is not empty).
    pub len: usize,
}

/// A file read from disk, with lazily built position data.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or joined onto the referring file's folder).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    /// JSON or YAML.
    pub syntax: Syntax,
    line_starts: OnceLock<Vec<usize>>,
    /// Byte offsets of every UTF-8 continuation byte, ascending: a column is the byte
    /// distance from the line start less the continuation bytes in between, so finding
    /// one costs a binary search rather than a walk along the line (a minified JSON
    /// file is a single line of many megabytes).
    continuation_bytes: OnceLock<Vec<usize>>,
    yaml_index: OnceLock<HashMap<String, Pos>>,
    /// JSON containers already scanned: value offset → their members by key. Each
    /// container is scanned once and each step down a pointer is a hash lookup, so a
    /// pointer costs O(depth) once its containers are scanned.
    json_members: Mutex<HashMap<usize, HashMap<String, Member>>>,
}

/// One member of a scanned JSON container: its key (the index, for an array), where the
/// key text is (the value, for an array), and where its value starts.
#[derive(Debug)]
struct Member {
    key: String,
    at: (usize, usize),
    value: usize,
}

impl SourceFile {
    /// Wraps text read from `path`.
    pub fn new(path: PathBuf, text: String) -> Self {
        // A byte-order mark carries no meaning in UTF-8, and serde_json rejects it.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let syntax = Syntax::sniff(&text);
        Self {
            path,
            text,
            syntax,
            line_starts: OnceLock::new(),
            continuation_bytes: OnceLock::new(),
            yaml_index: OnceLock::new(),
            json_members: Mutex::new(HashMap::new()),
        }
    }

    /// Reads `path` from disk.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.len() > MAX_FILE_BYTES {
                return Err(Diagnostic::error(
                    "load/too-large",
                    format!(
                        "{} is {} MB; apigen reads spec files of up to {} MB",
                        path.display(),
                        meta.len() / 1_000_000,
                        MAX_FILE_BYTES / 1_000_000
                    ),
                )
                .with_help("is this the right file? Large specs can be split across files with relative `$ref`s")
                .with_location(whole_file(path)));
            }
        }
        let bytes = std::fs::read(path).map_err(|e| {
            let mut d = Diagnostic::error(
                if e.kind() == std::io::ErrorKind::NotFound {
                    "load/missing-file"
                } else {
                    "load/read"
                },
                format!("cannot read {}: {e}", path.display()),
            );
            if e.kind() == std::io::ErrorKind::NotFound {
                d = d.with_help("check the path; relative paths are resolved against the folder of the file that refers to them");
            }
            d.with_location(whole_file(path))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            Diagnostic::error(
                "load/not-utf8",
                format!(
                    "{} is not UTF-8 text (invalid byte at offset {offset})",
                    path.display()
                ),
            )
            .with_help("an OpenAPI document must be a UTF-8 encoded YAML or JSON text file")
            .with_location(whole_file(path))
        })?;
        Ok(Self::new(path.to_path_buf(), text))
    }

    /// Parses the text into a JSON value. YAML mapping keys that are numbers or booleans
    /// (`200:`) become strings; merge keys (`<<`) are applied.
    pub fn parse(&self) -> Result<serde_json::Value, Diagnostic> {
        if self.text.trim_start_matches('\u{feff}').trim().is_empty() {
            return Err(Diagnostic::error(
                "load/empty",
                format!("{} is empty", self.path.display()),
            )
            .with_help("an OpenAPI document needs at least `openapi`, `info` and `paths`")
            .with_location(whole_file(&self.path)));
        }
        match self.syntax {
            Syntax::Json => serde_json::from_str(&self.text).map_err(|e| {
                let (line, column) = (e.line(), e.column());
                let offset = self.offset_of(line, column.max(1));
                self.syntax_error("load/json-syntax", "JSON", e.to_string(), offset)
            }),
            Syntax::Yaml => {
                let mut value: serde_yaml::Value =
                    serde_yaml::from_str(&self.text).map_err(|e| {
                        let offset = e.location().map_or(0, |l| l.index());
                        self.syntax_error("load/yaml-syntax", "YAML", e.to_string(), offset)
                    })?;
                value
                    .apply_merge()
                    .map_err(|e| self.syntax_error("load/yaml-merge", "YAML", e.to_string(), 0))?;
                let mut pointer = JsonPointer::root();
                yaml_to_json(value, &mut pointer).map_err(|d| {
                    let location = self.location(&d);
                    d.with_location(location)
                })
            }
        }
    }

    fn syntax_error(&self, code: &str, what: &str, message: String, offset: usize) -> Diagnostic {
        let mut offset = offset.min(self.text.len());
        // At the end of the input, point at the last thing written rather than past it.
        if self
            .text
            .get(offset..)
            .is_some_and(|rest| rest.trim().is_empty())
        {
            if let Some((i, _)) = self
                .text
                .get(..offset)
                .and_then(|head| head.char_indices().rev().find(|(_, c)| !c.is_whitespace()))
            {
                offset = i;
            }
        }
        let (line, column) = self.line_col(offset);
        let len = self
            .text
            .get(offset..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        Diagnostic::error(
            code,
            format!("{} is not valid {what}: {message}", self.path.display()),
        )
        .with_help(if message.contains("repetition limit") {
            "the document expands its aliases (`*name`) too many times; write the repeated parts out".to_string()
        } else {
            format!("fix the {what} syntax at this position")
        })
        .with_location(crate::diag::Location {
            file: self.path.clone(),
            pointer: "#".into(),
            line,
            column,
            span: Some((offset, len)),
        })
    }

    fn location(&self, d: &Diagnostic) -> crate::diag::Location {
        let pointer = d.pointer.clone().unwrap_or_else(|| "#".into());
        self.locate(&pointer)
    }

    /// The location of `pointer` (a URI fragment such as `#/paths/~1a`) in this file; when
    /// the pointer does not exist in the text, the nearest ancestor that does.
    pub fn locate(&self, pointer: &str) -> crate::diag::Location {
        let tokens = JsonPointer::parse(pointer)
            .map(|p| p.to_tokens())
            .unwrap_or_default();
        let pos = self.position(&tokens);
        crate::diag::Location {
            file: self.path.clone(),
            pointer: pointer.to_string(),
            line: pos.map_or(0, |p| p.line),
            column: pos.map_or(0, |p| p.column),
            span: pos.map(|p| (p.offset, p.len)),
        }
    }

    /// The position of the node at `tokens`, or of its nearest ancestor present in the text.
    pub fn position(&self, tokens: &[String]) -> Option<Pos> {
        match self.syntax {
            Syntax::Json => {
                let (offset, len) = self.json_position(tokens)?;
                let (line, column) = self.line_col(offset);
                Some(Pos {
                    line,
                    column,
                    offset,
                    len,
                })
            }
            Syntax::Yaml => {
                let index = self.yaml_index.get_or_init(|| self.build_yaml_index());
                (0..=tokens.len()).rev().find_map(|n| {
                    let key: String = tokens
                        .get(..n)
                        .map(|t| JsonPointer::from_tokens(t).into())
                        .unwrap_or_else(|| "#".into());
                    index.get(&key).copied()
                })
            }
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    fn continuation_bytes(&self) -> &[usize] {
        self.continuation_bytes.get_or_init(|| {
            self.text
                .bytes()
                .enumerate()
                .filter(|(_, b)| b & 0xC0 == 0x80)
                .map(|(i, _)| i)
                .collect()
        })
    }

    /// How many characters the text in `start..end` holds (`end` within the text).
    fn chars_between(&self, start: usize, end: usize) -> usize {
        let cont = self.continuation_bytes();
        let continuation =
            cont.partition_point(|&i| i < end) - cont.partition_point(|&i| i < start);
        (end - start) - continuation
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        let column = if start <= offset
            && self.text.is_char_boundary(start)
            && self.text.is_char_boundary(offset)
        {
            self.chars_between(start, offset) + 1
        } else {
            1
        };
        (line, column)
    }

    /// Byte offset of a 1-based line and character column.
    fn offset_of(&self, line: usize, column: usize) -> usize {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = self.text.get(start..).unwrap_or("");
        let wanted = column.saturating_sub(1);
        // Without multi-byte characters before it, the column is a byte distance.
        let end = start.saturating_add(wanted);
        if end < self.text.len() && self.chars_between(start, end) == wanted {
            return end;
        }
        start
            + rest
                .char_indices()
                .nth(wanted)
                .map_or(rest.len(), |(i, _)| i)
    }

    /// Where the node at `tokens` (or its deepest existing ancestor) is in JSON text.
    fn json_position(&self, tokens: &[String]) -> Option<(usize, usize)> {
        let text = self.text.as_bytes();
        let mut value = skip_ws(text, 0);
        let mut found = (value, 1);
        // A poisoned lock only means another thread panicked mid-scan; the cache is
        // still consistent (entries are inserted whole), so keep using it.
        let mut cache = self.json_members.lock().unwrap_or_else(|e| e.into_inner());
        for token in tokens {
            let members = cache.entry(value).or_insert_with(|| {
                let mut by_key = HashMap::new();
                // A key written twice is located at its first occurrence.
                for m in json_members(text, value).unwrap_or_default() {
                    by_key.entry(m.key.clone()).or_insert(m);
                }
                by_key
            });
            let Some(m) = members.get(token.as_str()) else {
                break;
            };
            found = m.at;
            value = m.value;
        }
        Some(found)
    }

    fn build_yaml_index(&self) -> HashMap<String, Pos> {
        let mut builder = YamlIndexBuilder {
            file: self,
            index: HashMap::new(),
            stack: Vec::new(),
        };
        let mut parser = yaml_rust2::parser::Parser::new_from_str(&self.text);
        // A syntax error ends the index where it happened; what came before is kept.
        let _ = parser.load(&mut builder, false);
        builder.index
    }
}

/// A location naming a whole file (no line).
fn whole_file(path: &Path) -> crate::diag::Location {
    crate::diag::Location {
        file: path.to_path_buf(),
        pointer: "#".into(),
        line: 0,
        column: 0,
        span: None,
    }
}

fn yaml_to_json(
    value: serde_yaml::Value,
    pointer: &mut JsonPointer,
) -> Result<serde_json::Value, Diagnostic> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(n) => J::Number(n),
                    None => {
                        return Err(Diagnostic::error(
                            "load/yaml-value",
                            format!("the number {n} cannot be represented in JSON"),
                        )
                        .with_help("use a finite number, or quote it to make it a string")
                        .at_pointer(pointer.to_string()))
                    }
                }
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                pointer.push_index(i);
                out.push(yaml_to_json(item, pointer)?);
                pointer.pop();
            }
            J::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => return Err(Diagnostic::error(
                        "load/yaml-key",
                        "a mapping key is itself a list or mapping, which JSON cannot represent",
                    )
                    .with_help("use a plain string as the key")
                    .at_pointer(pointer.to_string())),
                };
                pointer.push(&key);
                let v = yaml_to_json(v, pointer)?;
                pointer.pop();
                out.insert(key, v);
            }
            J::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// Records, for every node of a YAML document, where it starts (for a mapping value:
/// where its key starts, which is what a reader looks for).
struct YamlIndexBuilder<'a> {
    file: &'a SourceFile,
    index: HashMap<String, Pos>,
    stack: Vec<Frame>,
}

enum Frame {
    /// A mapping at `pointer`; `key` is the pending key (and where it was) once read.
    Map {
        pointer: String,
        key: Option<(String, Pos)>,
    },
    Seq {
        pointer: String,
        next: usize,
    },
}

impl YamlIndexBuilder<'_> {
    fn pos(&self, mark: yaml_rust2::scanner::Marker, len: usize) -> Pos {
        let column = mark.col() + 1;
        let offset = self.file.offset_of(mark.line(), column);
        Pos {
            line: mark.line(),
            column,
            offset,
            len: len.max(1),
        }
    }

    /// Called for each complete-or-starting node; returns its pointer and records it,
    /// unless the node is a mapping key (then it is remembered as the pending key).
    fn node(&mut self, mark: yaml_rust2::scanner::Marker, scalar: Option<&str>) -> Option<String> {
        let here = self.pos(mark, scalar.map_or(1, str::len));
        match self.stack.last_mut() {
            None => {
                self.index.entry("#".into()).or_insert(here);
                Some("#".into())
            }
            Some(Frame::Seq { pointer, next }) => {
                let p = format!("{pointer}/{next}");
                *next += 1;
                self.index.entry(p.clone()).or_insert(here);
                Some(p)
            }
            Some(Frame::Map { pointer, key }) => match key.take() {
                None => {
                    *key = Some((scalar.unwrap_or("").to_string(), here));
                    None
                }
                Some((k, key_pos)) => {
                    let p = format!("{pointer}/{}", escape(&k));
                    self.index.entry(p.clone()).or_insert(key_pos);
                    Some(p)
                }
            },
        }
    }
}

impl yaml_rust2::parser::MarkedEventReceiver for YamlIndexBuilder<'_> {
    fn on_event(&mut self, ev: yaml_rust2::parser::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::parser::Event;
        match ev {
            Event::Scalar(s, ..) => {
                self.node(mark, Some(&s));
            }
            Event::Alias(_) => {
                self.node(mark, Some("*"));
            }
            Event::SequenceStart(..) => {
                if let Some(pointer) = self.node(mark, None) {
                    self.stack.push(Frame::Seq { pointer, next: 0 });
                } else {
                    // A sequence used as a mapping key: track it under an unreachable name.
                    self.stack.push(Frame::Seq {
                        pointer: "\u{0}".into(),
                        next: 0,
                    });
                }
            }
            Event::MappingStart(..) => {
                let pointer = self.node(mark, None).unwrap_or_else(|| "\u{0}".into());
                self.stack.push(Frame::Map { pointer, key: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// The members of the JSON object or array whose value starts at `i`, found in one
/// pass that skips over the members' values; `None` for a scalar or broken text.
fn json_members(text: &[u8], mut i: usize) -> Option<Vec<Member>> {
    let mut out = Vec::new();
    match text.get(i)? {
        b'{' => {
            i += 1;
            loop {
                i = skip_ws(text, i);
                if text.get(i) != Some(&b'"') {
                    break;
                }
                let key_start = i;
                let (key, end) = json_string(text, i)?;
                i = skip_ws(text, end);
                if text.get(i) != Some(&b':') {
                    break;
                }
                i = skip_ws(text, i + 1);
                out.push(Member {
                    key,
                    at: (key_start, end - key_start),
                    value: i,
                });
                i = skip_ws(text, skip_value(text, i)?);
                if text.get(i) != Some(&b',') {
                    break;
                }
                i += 1;
            }
        }
        b'[' => {
            i = skip_ws(text, i + 1);
            let mut n = 0usize;
            while !matches!(text.get(i), None | Some(b']')) {
                out.push(Member {
                    key: n.to_string(),
                    at: (i, 1),
                    value: i,
                });
                n += 1;
                i = skip_ws(text, skip_value(text, i)?);
                if text.get(i) != Some(&b',') {
                    break;
                }
                i = skip_ws(text, i + 1);
            }
        }
        _ => return None,
    }
    Some(out)
}

fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while matches!(text.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Parses the string starting at `i` (a `"`); returns its value and the offset after it.
fn json_string(text: &[u8], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    let mut escaped = false;
    while let Some(&b) = text.get(j) {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            let raw = std::str::from_utf8(text.get(i..=j)?).ok()?;
            let value: String = serde_json::from_str(raw).ok()?;
            return Some((value, j + 1));
        }
        j += 1;
    }
    None
}

/// Returns the offset just after the value starting at `i`.
fn skip_value(text: &[u8], i: usize) -> Option<usize> {
    match text.get(i)? {
        b'"' => {
            let mut j = i + 1;
            let mut escaped = false;
            while let Some(&b) = text.get(j) {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    return Some(j + 1);
                }
                j += 1;
            }
            None
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            let mut in_string = false;
            let mut escaped = false;
            while let Some(&b) = text.get(j) {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Some(j + 1);
                            }
                        }
                        _ => {}
                    }
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while let Some(&b) = text.get(j) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(pointer: &str) -> Vec<String> {
        JsonPointer::parse(pointer)
            .map(|p| p.to_tokens())
            .unwrap_or_default()
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("t"), text.to_string())
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let f = file("\u{feff}{\"a\": 1}");
        assert_eq!(f.syntax, Syntax::Json);
        assert_eq!(f.parse().unwrap()["a"], 1);
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(Syntax::sniff("  \n{\"a\":1}"), Syntax::Json);
        assert_eq!(Syntax::sniff("a: {b: 1}"), Syntax::Yaml);
        assert_eq!(Syntax::sniff(""), Syntax::Yaml);
    }

    #[test]
    fn json_positions() {
        let f = file("{\n  \"a\": {\"x\": [1, {\"y\": 2}]},\n  \"b/c\": 3\n}\n");
        let p = f.position(&tokens("#/a/x/1/y")).unwrap();
        assert_eq!((p.line, p.column, p.len), (2, 19, 3));
        let p = f.position(&tokens("#/b~1c")).unwrap();
        assert_eq!((p.line, p.column), (3, 3));
        // A missing member falls back to the deepest one found.
        let p = f.position(&tokens("#/a/x/7")).unwrap();
        assert_eq!((p.line, p.column), (2, 9));
    }

    #[test]
    fn yaml_positions() {
        let f = file("a:\n  x:\n    - 1\n    - y: é\n      z: 2\n\"b/c\": 3\n");
        let p = f.position(&tokens("#/a/x/1/z")).unwrap();
        assert_eq!((p.line, p.column, p.len), (5, 7, 1));
        assert_eq!(f.text.get(p.offset..p.offset + 1), Some("z"));
        let p = f.position(&tokens("#/b~1c")).unwrap();
        assert_eq!((p.line, p.column), (6, 1));
        let p = f.position(&tokens("#/a/x/0")).unwrap();
        assert_eq!((p.line, p.column), (3, 7));
    }

    #[test]
    fn yaml_integer_keys_become_strings() {
        let v = file("responses:\n  200: {a: 1}\n  true: 2\n")
            .parse()
            .unwrap();
        assert_eq!(v["responses"]["200"]["a"], 1);
        assert_eq!(v["responses"]["true"], 2);
    }
}
