//! Rendering the IR with minijinja templates.
//!
//! Templates are embedded (see `build.rs`) and may be shadowed, by relative name, by the
//! files of a directory (`--templates DIR`). They are compiled once, on first use, and
//! see the IR's fields at the top level plus `modules` (the optional modules that exist).
//! Strings from the spec reach Rust source only through the filters defined here.

use crate::ir::Ir;
use crate::runtime::Runtime;
use crate::Error;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The names of the embedded templates.
pub fn embedded_templates() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(name, _)| *name)
}

fn style_template(style: &str) -> String {
    format!("styles/{style}/style.rs.jinja")
}

/// Embedded templates that write their output as prettyplease prints it, so that the format
/// stage can keep most of it as written (`format.rs`). `tests/preformatted.rs` holds them to it.
const PREFORMATTED: &[&str] = &["types.rs.jinja"];

/// Optional modules: rendered when their template exists.
const OPTIONAL_MODULES: &[&str] = &["server", "client", "validate"];

pub(crate) struct Renderer {
    env: Environment<'static>,
    overrides: Option<PathBuf>,
}

impl Renderer {
    pub(crate) fn new(overrides: Option<PathBuf>) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are a valid syntax"),
        );
        env.set_auto_escape_callback(|_| AutoEscape::None);
        let dir = overrides.clone();
        env.set_loader(move |name| Ok(load(dir.as_deref(), name)));
        env.add_global("margin", crate::format::MARGIN);
        env.add_filter("lit", lit);
        env.add_filter("doc", doc);
        env.add_filter("toml", toml);
        Self { env, overrides }
    }

    fn exists(&self, name: &str) -> bool {
        load(self.overrides.as_deref(), name).is_some()
    }

    /// Whether `name` is an embedded template that writes formatted output. With a
    /// `--templates` directory nothing is: any template (or macro file) it shadows may not.
    pub(crate) fn preformatted(&self, name: &str) -> bool {
        self.overrides.is_none() && PREFORMATTED.contains(&name)
    }

    /// Whether the style brings its own module (a template folder) rather than the
    /// runtime's.
    pub(crate) fn style_template_exists(&self, style: &str) -> bool {
        self.exists(&style_template(style))
    }

    /// Which template renders which file.
    pub(crate) fn plan(&self, style: &str, runtime: &Runtime) -> Vec<(String, PathBuf)> {
        let mut plan = vec![
            ("Cargo.toml.jinja".to_string(), PathBuf::from("Cargo.toml")),
            ("lib.rs.jinja".to_string(), PathBuf::from("src/lib.rs")),
            ("types.rs.jinja".to_string(), PathBuf::from("src/types.rs")),
        ];
        if self.style_template_exists(style) {
            plan.push((style_template(style), PathBuf::from("src/style.rs")));
        }
        if *runtime == Runtime::Vendored {
            plan.push((
                "runtime/mod.rs.jinja".to_string(),
                PathBuf::from("src/runtime/mod.rs"),
            ));
        }
        for module in self.modules() {
            plan.push((
                format!("{module}.rs.jinja"),
                PathBuf::from(format!("src/{module}.rs")),
            ));
        }
        plan
    }

    fn modules(&self) -> Vec<&'static str> {
        OPTIONAL_MODULES
            .iter()
            .copied()
            .filter(|m| self.exists(&format!("{m}.rs.jinja")))
            .collect()
    }

    /// What every template sees: the IR (converted once, shared by all the renders), the
    /// optional modules present (`style` among them when the style brings its own module)
    /// and where the runtime comes from (`runtime.dependency`: the `apigen-runtime`
    /// dependency's value, `none` when the runtime is vendored).
    pub(crate) fn context(&self, ir: &Ir, runtime: &Runtime) -> Value {
        let mut modules = self.modules();
        if self.style_template_exists(&ir.style) {
            modules.push("style");
        }
        minijinja::context! {
            modules => modules,
            runtime => minijinja::context! {
                dependency => runtime.dependency_value(&ir.features),
            },
            ..Value::from(Serde(ir))
        }
    }

    /// Renders one template with the [`Renderer::context`].
    pub(crate) fn render(&self, name: &str, context: &Value) -> Result<String, Error> {
        let fail = |e: minijinja::Error| Error::Template {
            template: name.to_string(),
            message: describe(&e),
        };
        let template = self.env.get_template(name).map_err(fail)?;
        template.render(context).map_err(fail)
    }
}

fn load(overrides: Option<&Path>, name: &str) -> Option<String> {
    if let Some(dir) = overrides {
        let safe = !name.split('/').any(|part| part == ".." || part.is_empty());
        if safe {
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                return Some(text);
            }
        }
    }
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_string())
}

/// The error (minijinja's text names the template and line) with its causes.
fn describe(e: &minijinja::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    message
}

/// `{{ s|lit }}`: a Rust string literal (`"…"` with every special character escaped).
fn lit(value: Value) -> String {
    match value.as_str() {
        Some(s) => format!("{s:?}"),
        None => format!("{:?}", value.to_string()),
    }
}

/// `{{ s|doc }}`: `///` doc comment lines, or nothing for none/empty; `{{ s|doc(true) }}`
/// writes inner ones (`//!`) for a module's own docs. A line comment ends at the line's end,
/// so control characters (line breaks, carriage returns) are removed and nothing can leave
/// the comment. Fenced code blocks are marked `text` and indentation is removed, so a
/// description never becomes a doctest; tabs become spaces. Written as prettyplease prints
/// `#[doc = " …"]`.
fn doc(value: Value, inner: Option<bool>) -> String {
    let open = if inner.unwrap_or(false) { "//!" } else { "///" };
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    let text = value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string());
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let line: String = line
            .replace('\t', "    ")
            .chars()
            .filter(|c| !c.is_control() && !is_bidi_control(*c))
            .collect();
        let line = line.trim();
        let marker = ["```", "~~~"].into_iter().find(|m| line.starts_with(m));
        out.push_str(open);
        match (marker, fence) {
            (Some(m), None) => {
                fence = Some(m);
                out.push(' ');
                out.push_str(m);
                out.push_str("text");
            }
            (Some(m), Some(open)) if m == open => {
                fence = None;
                out.push(' ');
                out.push_str(m);
            }
            _ if line.is_empty() => {}
            _ => {
                out.push(' ');
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    out
}

/// The codepoints that change the visible direction of text, which rustc refuses in
/// comments (`text_direction_codepoint_in_comment`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `{{ s|toml }}`: a TOML basic string (JSON string escapes are valid TOML).
fn toml(value: Value) -> String {
    let s = value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string());
    serde_json::to_string(&s).unwrap_or_else(|_| "\"\"".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_escapes_everything() {
        let hostile = "a\"b\\c*/ /* \n#[x] } fn f() {} compile_error!(\"no\")";
        let out = lit(Value::from(hostile));
        let parsed: syn::LitStr = syn::parse_str(&out).unwrap();
        assert_eq!(parsed.value(), hostile);
    }

    #[test]
    fn doc_writes_one_attribute_per_line() {
        let out = doc(
            Value::from("First \"line\"\n\n    ```\n  let x = 1;\n```\n}\n#[cfg(any())]"),
            None,
        );
        assert_eq!(
            out,
            "/// First \"line\"\n///\n/// ```text\n/// let x = 1;\n/// ```\n/// }\n/// #[cfg(any())]\n"
        );
        // Nothing leaves the comment: a line break in the text starts another `///` line,
        // other control characters are dropped; `*/` means nothing in a line comment.
        assert_eq!(
            doc(
                Value::from("a\rb\u{0}c\u{7f}\u{202e}\u{2028}d\n*/ fn x() {}"),
                None
            ),
            "/// abc\u{2028}d\n/// */ fn x() {}\n"
        );
        let parsed: syn::File = syn::parse_str(&format!(
            "{}struct S;",
            doc(Value::from("a\r\nb\u{0b}c\u{85}\n/// x"), None)
        ))
        .unwrap();
        assert_eq!(parsed.items.len(), 1);
        assert_eq!(doc(Value::from(()), None), "");
        assert_eq!(doc(Value::from("  "), None), "");
        assert_eq!(doc(Value::from("x"), Some(true)), "//! x\n");
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml(Value::from("a\"b\nc")), "\"a\\\"b\\nc\"");
    }
}
