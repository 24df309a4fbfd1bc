//! Typed response headers: a success body with the headers the spec declares for its
//! response (`responses.<status>.headers`).
//!
//! A generated crate has one struct per operation and status that declares headers
//! (`GetWidgetHeaders`, in its `types` module): a field per header, named after it, typed
//! from its schema (a string, a number, a boolean or a string enum), an `Option` unless the
//! header is `required`. A handler returns [`WithHeaders`] of the body and that struct, the
//! router writes each field as a header, and the client reads them back into the struct.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A success body with the typed headers its response declares: what the server's handler
/// returns for such a response, and what the client decodes it into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WithHeaders<T, H> {
    /// The body (`()` for a response without content).
    pub body: T,
    /// The declared headers.
    pub headers: H,
}

impl<T, H> WithHeaders<T, H> {
    /// A body with its headers.
    pub fn new(body: T, headers: H) -> Self {
        Self { body, headers }
    }

    /// The body, without the headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// The headers of a declared-headers struct as `(name, value)` pairs, in field order:
/// strings as they are, numbers and booleans printed; a header left `None` is absent.
pub fn header_pairs<H: Serialize>(headers: &H) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(headers).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(fields) = value else {
        return Err("declared headers must be a struct".to_string());
    };
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => {
                return Err(format!(
                    "the header `{name}` is not a string, number or boolean"
                ))
            }
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}

/// A declared-headers struct from the `(name, value)` pairs a response carries: each value
/// parsed as its field's type (a header absent is `None`, or an error when it is required).
pub fn from_header_pairs<H: DeserializeOwned>(pairs: &[(&str, &str)]) -> Result<H, String> {
    let encoded = serde_urlencoded::to_string(pairs).map_err(|e| e.to_string())?;
    serde_urlencoded::from_str(&encoded).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Declared {
        #[serde(rename = "ETag")]
        etag: String,
        #[serde(rename = "X-Rate", skip_serializing_if = "Option::is_none", default)]
        rate: Option<i64>,
        #[serde(rename = "X-Cached", skip_serializing_if = "Option::is_none", default)]
        cached: Option<bool>,
    }

    #[test]
    fn declared_headers_round_trip_through_their_text() {
        let declared = Declared {
            etag: "\"v1\"".to_string(),
            rate: Some(-5),
            cached: None,
        };
        let pairs = header_pairs(&declared).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("ETag".to_string(), "\"v1\"".to_string()),
                ("X-Rate".to_string(), "-5".to_string())
            ]
        );
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(from_header_pairs::<Declared>(&borrowed).unwrap(), declared);
    }

    #[test]
    fn a_missing_required_or_unparsable_header_is_an_error() {
        assert!(from_header_pairs::<Declared>(&[("X-Rate", "1")]).is_err());
        let error = from_header_pairs::<Declared>(&[("ETag", "x"), ("X-Rate", "many")]);
        assert!(error.is_err());
    }
}
