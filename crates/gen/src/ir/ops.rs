//! Operations and security schemes for the IR.

use super::names::{self, Namer};
use super::schema::TypeBuilder;
use super::{BuildOptions, Operation, SecurityScheme};
use serde_json::Value;

/// Builds the operations (and their query structs, added to the types) and the
/// security schemes.
pub(crate) fn build(
    _types: &mut TypeBuilder<'_>,
    root: &Value,
    _options: &BuildOptions,
) -> (Vec<Operation>, Vec<SecurityScheme>) {
    (Vec::new(), security_schemes(root))
}

/// The security schemes apigen can enforce, sorted by key; others are left out (the
/// operations that need only them are then open, which `lint` reports).
fn security_schemes(root: &Value) -> Vec<SecurityScheme> {
    let Some(schemes) = root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = schemes.keys().collect();
    keys.sort();
    let mut namer = Namer::default();
    let mut out = Vec::new();
    for key in keys {
        let Some(scheme) = schemes.get(key.as_str()) else {
            continue;
        };
        let get = |k: &str| scheme.get(k).and_then(Value::as_str);
        let (kind, name) = match (
            get("type"),
            get("scheme").map(str::to_ascii_lowercase).as_deref(),
            get("in"),
        ) {
            (Some("http"), Some("bearer"), _) => ("bearer", None),
            (Some("http"), Some("basic"), _) => ("basic", None),
            (Some("apiKey"), _, Some("header")) => ("api_key_header", get("name")),
            (Some("apiKey"), _, Some("query")) => ("api_key_query", get("name")),
            (Some("oauth2"), _, _) | (Some("openIdConnect"), _, _) => ("bearer", None),
            _ => continue,
        };
        out.push(SecurityScheme {
            name: key.clone(),
            ident: namer.unique(&names::snake(key)),
            kind: kind.to_string(),
            header_or_query_name: name.map(str::to_string),
        });
    }
    out
}
