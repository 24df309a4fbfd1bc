//! Turning names from a spec into valid, unique Rust identifiers.
//!
//! Every name goes through the same steps: split into words (any character that is not
//! an ASCII letter or digit separates words; a non-ASCII letter becomes its own word
//! `u<hex>` so that `café` and `cafe` stay distinct), case it with `heck`, then repair
//! what Rust does not accept (an empty name, a leading digit, a keyword). A [`Namer`]
//! makes the result unique within one namespace, deterministically: the first comer
//! keeps the plain name, later ones get `2`, `3`, … in the order they are asked.

use foldhash::HashSet;
use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords (strict and reserved, every edition) that a snake_case name may collide with.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Operation function names the templates already use in the same namespace: the free
/// functions of `server.rs` (handlers are free functions named after their operation),
/// the methods of `Client` and the provided methods of the server's `Api` trait.
pub const RESERVED_FN_NAMES: &[&str] = &[
    "authenticate",
    "base_url",
    "body_bytes",
    "builder",
    "client_key",
    "cookie_params",
    "decode_body",
    "decode_value",
    "echo_request_id",
    "endpoint",
    "events",
    "exactly_one",
    "handlers",
    "header_params",
    "json_response",
    "new",
    "optional_write_body",
    "page_request",
    "params_valid",
    "parse_json",
    "path_params",
    "query_params",
    "reconnect_policy",
    "restyle",
    "router",
    "send",
    "status",
    "write_body",
];

/// Parameter names the templates already bind beside path parameters in an operation's
/// client method or server handler (arguments and locals).
pub const RESERVED_PARAM_NAMES: &[&str] = &[
    "app",
    "body",
    "cookies",
    "ctx",
    "ex",
    "header_map",
    "headers",
    "items",
    "out",
    "page",
    "parts",
    "query",
    "reply",
    "request",
    "response",
    "url",
];

/// Type names the generated `types` module must not define, because the generated code
/// (and serde's derives) use them unqualified: the prelude, and apigen's helper types.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "FromIterator",
    "Nullable",
    "Base64Bytes",
];

/// Splits `raw` into space-separated ASCII words: a non-ASCII character is transliterated
/// (`ü` → `u`, `🚀` → `rocket`, via `deunicode`), or spelled `u<hex>` when it has no
/// transliteration.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() || c.is_whitespace() {
            out.push(' ');
        } else {
            let ascii: String = deunicode::deunicode_char(c)
                .unwrap_or("")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            if ascii.is_empty() {
                out.push_str(&format!(" u{:x} ", c as u32));
            } else if c.is_alphabetic() {
                out.push_str(&ascii);
            } else {
                out.push(' ');
                out.push_str(&ascii);
                out.push(' ');
            }
        }
    }
    out
}

/// Punctuation spelled out, for names made of nothing else (`*/` → `star slash`).
fn spelled(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '"' => " quote ",
            '\'' => " apostrophe ",
            '\\' => " backslash ",
            '/' => " slash ",
            '*' => " star ",
            '{' => " left brace ",
            '}' => " right brace ",
            '(' => " left paren ",
            ')' => " right paren ",
            '[' => " left bracket ",
            ']' => " right bracket ",
            '<' => " less than ",
            '>' => " greater than ",
            '=' => " equals ",
            '+' => " plus ",
            '-' => " minus ",
            '_' => " underscore ",
            '.' => " dot ",
            ',' => " comma ",
            ':' => " colon ",
            ';' => " semicolon ",
            '!' => " bang ",
            '?' => " question ",
            '#' => " hash ",
            '$' => " dollar ",
            '%' => " percent ",
            '&' => " and ",
            '|' => " pipe ",
            '^' => " caret ",
            '~' => " tilde ",
            '`' => " backtick ",
            '@' => " at ",
            _ => " ",
        })
        .collect()
}

/// An UpperCamelCase type or variant name: `widget-input` → `WidgetInput`,
/// `2fa` → `N2fa`, `Self` → `SelfValue`, `` → `Unnamed`.
pub fn pascal(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = spelled(raw).to_upper_camel_case();
    }
    if name.is_empty() {
        name = "Unnamed".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if name == "Self" {
        name = "SelfValue".to_string();
    }
    name
}

/// A snake_case field, function or module name: `createdAt` → `created_at`,
/// `type` → `type_`, `self` → `self_`, `1st` → `n_1st`, `` → `field`.
///
/// Keywords get a trailing underscore rather than `r#` (as typify and progenitor do):
/// `r#self` does not exist, and a name templates may build on (`{{ name }}_SECURITY`,
/// `{{ name|upper }}`) must stay an identifier.
pub fn snake(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = spelled(raw).to_snake_case();
    }
    if name.is_empty() {
        name = "field".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// A snake_case operation (function) name: like [`snake`], but a keyword becomes
/// `<keyword>_op` (`type` → `type_op`), so the name never ends in `_` and templates can
/// derive names from it (`{{ fn_name }}_request`, `{{ fn_name|upper }}_SECURITY`).
pub fn operation(raw: &str) -> String {
    let name = snake(raw);
    match name.strip_suffix('_') {
        Some(keyword) if is_keyword(keyword) => format!("{keyword}_op"),
        _ => name,
    }
}

/// Hands out unique names within one namespace, deterministically.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// A namer that never hands out the reserved names.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// `base` if free, else `base2`, `base3`, … (`base_2` for snake_case names).
    pub fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let stem = base.trim_end_matches('_');
        let snake = stem.contains('_') || stem.chars().next().is_some_and(|c| c.is_lowercase());
        let mut n = 2usize;
        loop {
            let candidate = if snake {
                format!("{stem}_{n}")
            } else {
                format!("{stem}{n}")
            };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Whether a name is already taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_cases_and_repairs() {
        assert_eq!(pascal("widget-input"), "WidgetInput");
        assert_eq!(pascal("2fa"), "N2fa");
        assert_eq!(pascal("Self"), "SelfValue");
        assert_eq!(pascal(""), "Unnamed");
        assert_eq!(pascal("***"), "StarStarStar");
        assert_eq!(pascal("*/"), "StarSlash");
        assert_eq!(pascal("café"), "Cafe");
        assert_eq!(pascal("Ünïcödé"), "Unicode");
        assert_eq!(pascal("🚀rocket"), "RocketRocket");
        assert_eq!(pascal("\u{e000}"), "Ue000");
    }

    #[test]
    fn snake_cases_and_repairs() {
        assert_eq!(snake("createdAt"), "created_at");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("async"), "async_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("1st"), "n_1st");
        assert_eq!(snake(""), "field");
        assert_eq!(snake("\""), "quote");
        assert_eq!(snake("🚀"), "rocket");
    }

    #[test]
    fn operation_names_never_end_in_an_underscore() {
        assert_eq!(operation("type"), "type_op");
        assert_eq!(operation("self"), "self_op");
        assert_eq!(operation("listWidgets"), "list_widgets");
        assert_eq!(operation("a_"), "a");
    }

    #[test]
    fn twins_become_unique_in_order() {
        let mut namer = Namer::default();
        let names: Vec<String> = ["a_b", "a-b", "aB"]
            .iter()
            .map(|raw| namer.unique(&snake(raw)))
            .collect();
        assert_eq!(names, ["a_b", "a_b_2", "a_b_3"]);
        let mut types = Namer::with_reserved(RESERVED_TYPE_NAMES);
        assert_eq!(types.unique(&pascal("option")), "Option2");
        assert_eq!(types.unique(&pascal("widget")), "Widget");
        assert_eq!(types.unique(&pascal("Widget")), "Widget2");
        let mut raw = Namer::default();
        assert_eq!(raw.unique("type_"), "type_");
        assert_eq!(raw.unique("type_"), "type_2");
        assert_eq!(raw.unique("self_"), "self_");
        assert_eq!(raw.unique("self_"), "self_2");
    }
}
