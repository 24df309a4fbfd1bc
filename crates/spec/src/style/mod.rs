//! The response styles (see `DIALECTS.md`): one trait, one module each, one registry.
//!
//! A [`Style`] owns envelopes, errors, pagination and status conventions: its shared
//! OpenAPI components ([`Style::components`]), the pagination parameters of list
//! operations, the error statuses an operation answers with, and how `apply` wraps one
//! operation's success response and request body ([`Style::wrap`]). Nothing outside this
//! module matches on a style's name: code that needs a style calls [`find`] or
//! [`resolve`] and then asks the trait.
//!
//! This module is the registry (the trait, [`STYLES`], [`find`], [`resolve`]); `kit` holds
//! the shared component kit the styles build from, and `errors` the error table
//! ([`ERROR_CASES`]) every style names and documents its errors by.
//!
//! Adding a style: write a module implementing [`Style`], add it to [`STYLES`], publish
//! its components (`apigen components --style NAME -o specs/components/NAME.yaml`).

use crate::diag::Diagnostic;
use crate::shape::OperationShape;
use openapiv3::{Components, OpenAPI, ReferenceOr, Schema};

pub mod enveloped;
mod errors;
mod kit;
pub mod plain;
pub mod result;

pub use errors::{common_error_statuses, error_case, error_response_name, ErrorCase, ERROR_CASES};
// The kit, as the style modules use it (`super::…`).
use kit::{
    add_error_responses, always_null, array, described, item_schema, object, parse_components,
    schema, string_const, SharedHeaders,
};

/// The root extension that names a spec's default style.
pub const STYLE_EXTENSION: &str = "x-apigen-style";

/// Every style apigen knows, in the order `apigen styles` lists them.
pub static STYLES: &[&dyn Style] = &[&enveloped::Enveloped, &plain::Plain, &result::ResultStyle];

/// The style called `name`.
pub fn find(name: &str) -> Option<&'static dyn Style> {
    STYLES.iter().copied().find(|s| s.name() == name)
}

/// The names of all styles, comma-separated (for messages).
pub fn names() -> String {
    STYLES
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The style to use: `--style` wins, else the root extension `x-apigen-style`, else an
/// error listing the styles.
// The signature is the interface other stages code against; a style is resolved once per
// run, so the size of the error does not matter.
#[allow(clippy::result_large_err)]
pub fn resolve(cli: Option<&str>, spec: &OpenAPI) -> Result<&'static dyn Style, Diagnostic> {
    if let Some(name) = cli {
        return find(name).ok_or_else(|| {
            Diagnostic::error("style/unknown", format!("unknown style `{name}`"))
                .with_help(format!("use one of: {}", names()))
        });
    }
    match spec.extensions.get(STYLE_EXTENSION) {
        Some(serde_json::Value::String(name)) => find(name).ok_or_else(|| {
            Diagnostic::error(
                "style/unknown",
                format!("the spec's `{STYLE_EXTENSION}` names an unknown style `{name}`"),
            )
            .with_help(format!("set it to one of: {}", names()))
            .at_pointer(format!("#/{STYLE_EXTENSION}"))
        }),
        Some(_) => Err(Diagnostic::error(
            "style/unknown",
            format!("the spec's `{STYLE_EXTENSION}` is not a string"),
        )
        .with_help(format!("set it to one of: {}", names()))
        .at_pointer(format!("#/{STYLE_EXTENSION}"))),
        None => Err(
            Diagnostic::error("style/missing", "no response style chosen").with_help(format!(
                "pass `--style <STYLE>` or set `{STYLE_EXTENSION}` at the spec's root; styles: {}",
                names()
            )),
        ),
    }
}

/// The style's components as a standalone OpenAPI 3.0.3 document, the form in which
/// they are published (`specs/components/<style>.yaml`) for other specs to `$ref`.
pub fn components_document(style: &dyn Style) -> OpenAPI {
    OpenAPI {
        openapi: crate::apply::WIRE_OPENAPI_VERSION.to_string(),
        info: openapiv3::Info {
            title: format!("apigen `{}` style components", style.name()),
            description: Some(format!(
                "The shared components of the `{}` response style: {}. Reference them from a spec as `<this file>#/components/...`, or let `apigen apply --style {} --components-ref <url>` do it.",
                style.name(),
                style.summary(),
                style.name()
            )),
            version: env!("CARGO_PKG_VERSION").to_string(),
            license: Some(openapiv3::License {
                name: "MIT OR Apache-2.0".to_string(),
                ..openapiv3::License::default()
            }),
            ..openapiv3::Info::default()
        },
        servers: vec![openapiv3::Server {
            url: "/".to_string(),
            description: Some(
                "None: this document only holds components for other specs to reference.".to_string(),
            ),
            ..openapiv3::Server::default()
        }],
        paths: openapiv3::Paths::default(),
        components: Some(style.components()),
        extensions: [(
            STYLE_EXTENSION.to_string(),
            serde_json::Value::String(style.name().to_string()),
        )]
        .into_iter()
        .collect(),
        ..OpenAPI::default()
    }
}

/// One pagination query parameter of a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationParameter {
    /// The key under `components/parameters`.
    pub component: &'static str,
    /// The query parameter's name.
    pub name: &'static str,
}

/// The names `apply` gives to what it adds for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNames {
    /// The item's schema name (`Widget`), or one made from the operation for inline schemas.
    pub item: String,
    /// The collection key in PascalCase (`Widgets`).
    pub collection: String,
    /// The operation in PascalCase (`CreateWidget`), from its operationId or method and path.
    pub operation: String,
}

/// Makes `$ref`s to the style's components: local (`#/components/...`) when the
/// components are inlined (under the names `apply` chose for them), or into a published
/// file (`URL#/components/...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    base: String,
    /// `kind/name` → the name the component is inlined under, where that differs.
    renames: std::collections::BTreeMap<String, String>,
}

impl Refs {
    /// References into the spec's own components, each under its own name.
    pub fn local() -> Self {
        Self::default()
    }

    /// References into the spec's own components, some renamed: `kind/name` → new name.
    pub fn local_renamed(renames: std::collections::BTreeMap<String, String>) -> Self {
        Self {
            base: String::new(),
            renames,
        }
    }

    /// References into a published components document at `url`.
    pub fn external(url: &str) -> Self {
        Self {
            base: url.to_string(),
            renames: Default::default(),
        }
    }

    /// Whether the components are inlined into the spec.
    pub fn is_local(&self) -> bool {
        self.base.is_empty()
    }

    /// The name the component `kind/name` goes by.
    pub fn name<'a>(&'a self, kind: &str, name: &'a str) -> &'a str {
        self.renames
            .get(&format!("{kind}/{name}"))
            .map_or(name, String::as_str)
    }

    /// `$ref` text for `components/<kind>/<name>`.
    pub fn to(&self, kind: &str, name: &str) -> String {
        format!("{}#/components/{kind}/{}", self.base, self.name(kind, name))
    }

    /// A schema reference.
    pub fn schema(&self, name: &str) -> ReferenceOr<Schema> {
        ReferenceOr::Reference {
            reference: self.to("schemas", name),
        }
    }
}

/// A schema `apply` adds to the wire spec's components.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSchema {
    /// Names to try in order; the first that is free (or already holds this very schema) wins.
    pub names: Vec<String>,
    /// The schema.
    pub schema: Schema,
}

/// What becomes of a success response's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The source's content (JSON, another media type, or none) travels as it is.
    Keep,
    /// A named schema (added to the components) replaces the source's JSON content.
    Named(Box<NamedSchema>),
}

/// How `apply` rewrites one operation's success response and request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Wrap {
    /// The status the success response is declared under.
    pub status: u16,
    /// The success body.
    pub body: Body,
    /// Header components (`components/headers/<name>`) the success response carries.
    pub headers: Vec<&'static str>,
    /// The request body schema that replaces the source's, when the style wraps writes.
    pub request: Option<NamedSchema>,
}

/// A response style: envelopes, errors, pagination and status conventions.
pub trait Style: Sync {
    /// The name used with `--style` and `x-apigen-style`.
    fn name(&self) -> &'static str;

    /// One line saying what the style looks like on the wire.
    fn summary(&self) -> &'static str;

    /// The style's shared components: schemas, parameters, headers and error responses.
    fn components(&self) -> Components;

    /// The query parameters a list operation takes.
    fn pagination(&self) -> &'static [PaginationParameter];

    /// The header components every response of a list operation carries.
    fn list_headers(&self) -> &'static [&'static str];

    /// The header components every error response carries (beyond their own).
    fn error_headers(&self) -> &'static [&'static str] {
        &[]
    }

    /// The schema component that error bodies use (`Error`, `ErrorEnvelope`).
    fn error_schema(&self) -> &'static str;

    /// The schema component of the error body answered with `status` (the style's
    /// [`Style::error_schema`] unless the style has a special body for it).
    fn error_schema_for(&self, _status: u16) -> &'static str {
        self.error_schema()
    }

    /// Every status the style's components have an error response for.
    fn statuses(&self) -> &'static [u16];

    /// The error statuses one operation answers with.
    fn error_statuses(&self, shape: &OperationShape<'_>) -> Vec<u16> {
        common_error_statuses(shape)
    }

    /// Whether a write to a collection carries many items in one request, processed as one
    /// atomic batch (the handler then receives them all at once).
    fn batch_writes(&self) -> bool {
        false
    }

    /// How the operation's success response (and request body) travel in this style.
    fn wrap(&self, shape: &OperationShape<'_>, names: &ResourceNames, refs: &Refs) -> Wrap;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_findable() {
        let mut seen = std::collections::BTreeSet::new();
        for style in STYLES {
            assert!(
                seen.insert(style.name()),
                "duplicate style {}",
                style.name()
            );
            assert_eq!(find(style.name()).map(|s| s.name()), Some(style.name()));
            assert!(!style.summary().is_empty());
        }
        assert_eq!(names(), "enveloped, plain, result");
        assert!(find("soap").is_none());
    }

    #[test]
    fn every_style_has_parseable_components_for_its_statuses() {
        for style in STYLES {
            let c = style.components();
            assert!(
                c.schemas.contains_key(style.error_schema()),
                "{}",
                style.name()
            );
            for status in style.statuses() {
                let name = error_response_name(*status).unwrap_or("?");
                assert!(
                    c.responses.contains_key(name),
                    "{} lacks response {name}",
                    style.name()
                );
            }
            for p in style.pagination() {
                assert!(
                    c.parameters.contains_key(p.component),
                    "{} {}",
                    style.name(),
                    p.component
                );
            }
            for h in style.list_headers().iter().chain(style.error_headers()) {
                assert!(c.headers.contains_key(*h), "{} {h}", style.name());
            }
            for h in ["Retry-After", "Allow"] {
                assert!(c.headers.contains_key(h), "{} {h}", style.name());
            }
        }
    }

    #[test]
    fn resolve_prefers_cli_then_extension_then_errors() {
        let mut spec: OpenAPI =
            serde_yaml::from_str("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
                .expect("parses");
        let missing = resolve(None, &spec).err().map(|d| d.code);
        assert_eq!(missing.as_deref(), Some("style/missing"));
        spec.extensions
            .insert(STYLE_EXTENSION.into(), serde_json::json!("plain"));
        assert_eq!(resolve(None, &spec).map(|s| s.name()).ok(), Some("plain"));
        assert_eq!(
            resolve(Some("result"), &spec).map(|s| s.name()).ok(),
            Some("result")
        );
        let unknown = resolve(Some("xml"), &spec).err();
        assert!(unknown.is_some_and(|d| d
            .help
            .unwrap_or_default()
            .contains("enveloped, plain, result")));
        spec.extensions
            .insert(STYLE_EXTENSION.into(), serde_json::json!(3));
        assert_eq!(
            resolve(None, &spec).err().map(|d| d.code).as_deref(),
            Some("style/unknown")
        );
    }

    /// The error examples in each style's components match the style's error body shape.
    #[test]
    fn error_response_examples_follow_the_style() {
        let body_keys = |name: &str| -> Vec<&'static str> {
            match name {
                "enveloped" => vec!["meta", "data", "error", "links"],
                "plain" => vec!["kind", "message"],
                _ => vec!["result"],
            }
        };
        for style in STYLES {
            let c = style.components();
            for status in style.statuses() {
                let name = error_response_name(*status).expect("named");
                let response = c.responses[name].as_item().expect("inline response");
                let example = response.content["application/json"]
                    .example
                    .as_ref()
                    .expect("example");
                for key in body_keys(style.name()) {
                    assert!(
                        example.get(key).is_some(),
                        "{} {name} lacks {key}",
                        style.name()
                    );
                }
                let headers: Vec<&str> = response.headers.keys().map(String::as_str).collect();
                match status {
                    405 => assert!(headers.contains(&"Allow")),
                    429 => assert!(headers.contains(&"Retry-After")),
                    _ => {}
                }
            }
        }
    }
}
