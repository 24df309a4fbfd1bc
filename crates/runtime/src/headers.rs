//! Typed response headers: a success body with the headers the spec declares for its
//! response (`responses.<status>.headers`).
//!
//! A generated crate has one struct per operation and status that declares headers
//! (`GetWidgetHeaders`, in its `types` module): a field per header, named after it, typed
//! from its schema (a string, a number, a boolean or a string enum), an `Option` unless the
//! header is `required`. A handler returns [`WithHeaders`] of the body and that struct, the
//! router writes each field as a header, and the client reads them back into the struct.

use serde::de::DeserializeOwned;

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

#[cfg(feature = "server")]
pub use write::{DeclaredHeaders, HeaderPairs};

/// Writing a declared-headers struct as headers (the server's side).
#[cfg(feature = "server")]
mod write {
    use axum::http::{HeaderName, HeaderValue};
    use serde::Serialize;

    /// The typed headers a response declares, as the router writes them on the response.
    /// Every declared-headers struct implements it (generated: the names are resolved when
    /// the crate is compiled, and a `String` moves into its header value, not copied); `()`
    /// is no headers.
    pub trait DeclaredHeaders {
        /// Adds the headers to `out` in field order; one left `None` is absent. A value that
        /// cannot be sent (a line break), or that is not a string, number, boolean or string
        /// enum, is an error naming its header.
        fn write(self, out: &mut HeaderPairs) -> Result<(), String>;
    }

    impl DeclaredHeaders for () {
        fn write(self, _: &mut HeaderPairs) -> Result<(), String> {
            Ok(())
        }
    }

    /// Headers in the making: `(name, value)` pairs, in the order added (a few of them
    /// without an allocation: a response declares one or two headers as a rule).
    #[derive(Debug, Default)]
    pub struct HeaderPairs(Pairs);

    /// The pairs: up to four kept in place.
    pub(crate) type Pairs = smallvec::SmallVec<[(HeaderName, HeaderValue); 4]>;

    impl HeaderPairs {
        /// Adds a header whose value is `text` (moved into the value, not copied).
        pub fn text(&mut self, name: HeaderName, text: String) -> Result<(), String> {
            let value = HeaderValue::try_from(text).map_err(|_| {
                format!("the header `{name}` cannot be sent: its value is not a header value")
            })?;
            self.0.push((name, value));
            Ok(())
        }

        /// Adds a header whose value is `value` printed: a string as it is, a number or a
        /// boolean as its text, a string enum as its wire value; `None` adds nothing.
        pub fn value<T: Serialize + ?Sized>(
            &mut self,
            name: HeaderName,
            value: &T,
        ) -> Result<(), String> {
            let text = value.serialize(TextSerializer).map_err(|_| {
                format!("the header `{name}` is not a string, number, boolean or enum")
            })?;
            match text {
                Some(text) => self.text(name, text),
                None => Ok(()),
            }
        }

        /// The pairs (taken in place: moving them would copy the room they are kept in).
        pub(crate) fn pairs(&mut self) -> &mut Pairs {
            &mut self.0
        }
    }

    /// Why a value could not be printed as a header's text.
    #[derive(Debug)]
    struct PairsError(String);

    impl std::fmt::Display for PairsError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for PairsError {}

    impl serde::ser::Error for PairsError {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            PairsError(msg.to_string())
        }
    }

    /// Serializes one field's value into its text (`None`: the header is absent).
    struct TextSerializer;

    macro_rules! printed {
        ($($method:ident($ty:ty);)*) => {
            $(
                fn $method(self, value: $ty) -> Result<Option<String>, PairsError> {
                    Ok(Some(value.to_string()))
                }
            )*
        };
    }

    impl serde::Serializer for TextSerializer {
        type Ok = Option<String>;
        type Error = PairsError;
        type SerializeSeq = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeTuple = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeTupleStruct = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeTupleVariant = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeMap = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeStruct = serde::ser::Impossible<Option<String>, PairsError>;
        type SerializeStructVariant = serde::ser::Impossible<Option<String>, PairsError>;

        printed! {
            serialize_bool(bool);
            serialize_i8(i8);
            serialize_i16(i16);
            serialize_i32(i32);
            serialize_i64(i64);
            serialize_i128(i128);
            serialize_u8(u8);
            serialize_u16(u16);
            serialize_u32(u32);
            serialize_u64(u64);
            serialize_u128(u128);
            serialize_char(char);
            serialize_str(&str);
        }

        fn serialize_f32(self, value: f32) -> Result<Option<String>, PairsError> {
            self.serialize_f64(f64::from(value))
        }

        /// As JSON writes it (`1.0`, `0.5`); a header cannot carry NaN or an infinity.
        fn serialize_f64(self, value: f64) -> Result<Option<String>, PairsError> {
            serde_json::Number::from_f64(value)
                .map(|n| Some(n.to_string()))
                .ok_or_else(not_a_header)
        }

        fn serialize_bytes(self, _: &[u8]) -> Result<Option<String>, PairsError> {
            Err(not_a_header())
        }

        fn serialize_none(self) -> Result<Option<String>, PairsError> {
            Ok(None)
        }

        fn serialize_some<T: Serialize + ?Sized>(
            self,
            value: &T,
        ) -> Result<Option<String>, PairsError> {
            value.serialize(self)
        }

        fn serialize_unit(self) -> Result<Option<String>, PairsError> {
            Ok(None)
        }

        fn serialize_unit_struct(self, _: &'static str) -> Result<Option<String>, PairsError> {
            Ok(None)
        }

        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<Option<String>, PairsError> {
            Ok(Some(variant.to_string()))
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<Option<String>, PairsError> {
            value.serialize(self)
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Option<String>, PairsError> {
            Err(not_a_header())
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PairsError> {
            Err(not_a_header())
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PairsError> {
            Err(not_a_header())
        }

        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, PairsError> {
            Err(not_a_header())
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, PairsError> {
            Err(not_a_header())
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PairsError> {
            Err(not_a_header())
        }

        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, PairsError> {
            Err(not_a_header())
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, PairsError> {
            Err(not_a_header())
        }
    }

    fn not_a_header() -> PairsError {
        PairsError("not a header value".to_string())
    }
}

/// A declared-headers struct from the `(name, value)` pairs a response carries: each value
/// parsed as its field's type (a header absent is `None`, or an error when it is required).
pub fn from_header_pairs<H: DeserializeOwned>(pairs: &[(&str, &str)]) -> Result<H, String> {
    let encoded = serde_urlencoded::to_string(pairs).map_err(|e| e.to_string())?;
    serde_urlencoded::from_str(&encoded).map_err(|e| e.to_string())
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;
    use axum::http::HeaderName;
    use serde::{Deserialize, Serialize};

    /// The pairs as text.
    fn texts<H: DeclaredHeaders>(headers: H) -> Result<Vec<(String, String)>, String> {
        let mut out = HeaderPairs::default();
        headers.write(&mut out)?;
        Ok(out
            .pairs()
            .drain(..)
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect())
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Declared {
        #[serde(rename = "etag")]
        etag: String,
        #[serde(rename = "x-rate", default)]
        rate: Option<i64>,
        #[serde(rename = "x-cached", default)]
        cached: Option<bool>,
        #[serde(rename = "x-note", default)]
        note: Option<String>,
    }

    /// As the generator writes it.
    impl DeclaredHeaders for Declared {
        fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
            out.text(const { HeaderName::from_static("etag") }, self.etag)?;
            out.value(const { HeaderName::from_static("x-rate") }, &self.rate)?;
            out.value(const { HeaderName::from_static("x-cached") }, &self.cached)?;
            if let Some(value) = self.note {
                out.text(const { HeaderName::from_static("x-note") }, value)?;
            }
            Ok(())
        }
    }

    fn declared() -> Declared {
        Declared {
            etag: "\"v1\"".to_string(),
            rate: Some(-5),
            cached: None,
            note: Some("a note".to_string()),
        }
    }

    #[test]
    fn declared_headers_round_trip_through_their_text() {
        let pairs = texts(declared()).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("etag".to_string(), "\"v1\"".to_string()),
                ("x-rate".to_string(), "-5".to_string()),
                ("x-note".to_string(), "a note".to_string()),
            ]
        );
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            from_header_pairs::<Declared>(&borrowed).unwrap(),
            declared()
        );
        assert_eq!(texts(()).unwrap(), Vec::<(String, String)>::new());
    }

    #[test]
    fn a_missing_required_or_unparsable_header_is_an_error() {
        assert!(from_header_pairs::<Declared>(&[("x-rate", "1")]).is_err());
        let error = from_header_pairs::<Declared>(&[("etag", "x"), ("x-rate", "many")]);
        assert!(error.is_err());
    }

    #[derive(Serialize)]
    enum Mode {
        #[serde(rename = "fast")]
        Fast,
    }

    fn printed<T: Serialize>(value: &T) -> Result<Vec<(String, String)>, String> {
        struct One<'v, T>(&'v T);
        impl<T: Serialize> DeclaredHeaders for One<'_, T> {
            fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
                out.value(const { HeaderName::from_static("x-one") }, self.0)
            }
        }
        texts(One(value))
    }

    #[test]
    fn enums_numbers_and_absent_headers_are_written_as_their_text() {
        let one = |text: &str| Ok(vec![("x-one".to_string(), text.to_string())]);
        assert_eq!(printed(&Mode::Fast), one("fast"));
        assert_eq!(printed(&0.5), one("0.5"));
        assert_eq!(printed(&u64::MAX), one(&u64::MAX.to_string()));
        assert_eq!(printed(&true), one("true"));
        assert_eq!(printed(&"text"), one("text"));
        assert_eq!(printed(&None::<String>), Ok(Vec::new()));
    }

    #[test]
    fn a_header_that_is_not_a_scalar_is_an_error_naming_it() {
        for error in [
            printed(&vec![1_u8]),
            printed(&f64::NAN),
            printed(&std::collections::BTreeMap::from([("a", 1)])),
        ] {
            let error = error.unwrap_err();
            assert!(error.contains("`x-one`"), "{error}");
        }
    }

    #[test]
    fn a_value_with_a_line_break_is_an_error_naming_its_header() {
        let mut odd = declared();
        odd.note = Some("a\r\nset-cookie: b".to_string());
        let error = texts(odd).unwrap_err();
        assert!(error.contains("`x-note`"), "{error}");
        let error = printed(&"a\nb").unwrap_err();
        assert!(error.contains("`x-one`"), "{error}");
    }
}
