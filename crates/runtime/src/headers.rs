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
pub use write::header_pairs;

/// Writing a declared-headers struct as headers (the server's side).
#[cfg(feature = "server")]
mod write {
    use axum::http::{HeaderName, HeaderValue};
    use serde::Serialize;

    /// The headers of a declared-headers struct, in field order: strings as they are, numbers
    /// and booleans printed; a header left `None` is absent. A field whose name is not a header
    /// name, or whose text is not a header value (a line break), is an error naming it.
    ///
    /// Written straight from the struct's `Serialize` into header names and values (no
    /// intermediate JSON value or text pairs): a response's declared headers are written on
    /// every request of its operation.
    pub fn header_pairs<H: Serialize>(
        headers: &H,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
        let mut pairs = Vec::new();
        headers
            .serialize(PairsSerializer {
                pairs: &mut pairs,
                key: None,
            })
            .map_err(|e| e.0)?;
        Ok(pairs)
    }

    /// Why a declared-headers struct could not be written as headers.
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

    fn not_a_struct<T>() -> Result<T, PairsError> {
        Err(PairsError("declared headers must be a struct".to_string()))
    }

    /// Serializes a struct (or a map, as generated structs write themselves) into
    /// `(field name, text)` pairs.
    struct PairsSerializer<'p> {
        pairs: &'p mut Vec<(HeaderName, HeaderValue)>,
        /// A map's key, until its value comes.
        key: Option<HeaderName>,
    }

    impl PairsSerializer<'_> {
        fn push<T: Serialize + ?Sized>(
            &mut self,
            name: HeaderName,
            value: &T,
        ) -> Result<(), PairsError> {
            let text = value.serialize(TextSerializer).map_err(|_| {
                PairsError(format!(
                    "the header `{name}` is not a string, number or boolean"
                ))
            })?;
            if let Some(text) = text {
                let value = HeaderValue::try_from(text).map_err(|_| {
                    PairsError(format!(
                        "the header `{name}` cannot be sent: its value is not a header value"
                    ))
                })?;
                self.pairs.push((name, value));
            }
            Ok(())
        }
    }

    /// A field's name as a header name.
    fn header_name(name: &str) -> Result<HeaderName, PairsError> {
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| PairsError(format!("`{name}` is not a header name")))
    }

    /// Serializes one field's value into its text (`None`: the header is absent).
    struct TextSerializer;

    macro_rules! refuse {
        ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
            $(
                fn $method(self, $(_: $arg),*) -> Result<$ok, PairsError> {
                    not_a_struct()
                }
            )*
        };
    }

    impl<'p> serde::Serializer for PairsSerializer<'p> {
        type Ok = ();
        type Error = PairsError;
        type SerializeSeq = serde::ser::Impossible<(), PairsError>;
        type SerializeTuple = serde::ser::Impossible<(), PairsError>;
        type SerializeTupleStruct = serde::ser::Impossible<(), PairsError>;
        type SerializeTupleVariant = serde::ser::Impossible<(), PairsError>;
        type SerializeMap = Self;
        type SerializeStruct = Self;
        type SerializeStructVariant = serde::ser::Impossible<(), PairsError>;

        fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self, PairsError> {
            self.pairs.reserve(len);
            Ok(self)
        }

        fn serialize_map(self, len: Option<usize>) -> Result<Self, PairsError> {
            self.pairs.reserve(len.unwrap_or(0));
            Ok(self)
        }

        refuse! {
            serialize_bool(bool) -> ();
            serialize_i8(i8) -> ();
            serialize_i16(i16) -> ();
            serialize_i32(i32) -> ();
            serialize_i64(i64) -> ();
            serialize_u8(u8) -> ();
            serialize_u16(u16) -> ();
            serialize_u32(u32) -> ();
            serialize_u64(u64) -> ();
            serialize_f32(f32) -> ();
            serialize_f64(f64) -> ();
            serialize_char(char) -> ();
            serialize_str(&str) -> ();
            serialize_bytes(&[u8]) -> ();
            serialize_none() -> ();
            serialize_unit() -> ();
            serialize_unit_struct(&'static str) -> ();
            serialize_unit_variant(&'static str, u32, &'static str) -> ();
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), PairsError> {
            not_a_struct()
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), PairsError> {
            value.serialize(self)
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), PairsError> {
            not_a_struct()
        }
    }

    impl serde::ser::SerializeStruct for PairsSerializer<'_> {
        type Ok = ();
        type Error = PairsError;

        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            name: &'static str,
            value: &T,
        ) -> Result<(), PairsError> {
            self.push(header_name(name)?, value)
        }

        fn end(self) -> Result<(), PairsError> {
            Ok(())
        }
    }

    impl serde::ser::SerializeMap for PairsSerializer<'_> {
        type Ok = ();
        type Error = PairsError;

        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PairsError> {
            match key.serialize(TextSerializer)? {
                Some(key) => {
                    self.key = Some(header_name(&key)?);
                    Ok(())
                }
                None => not_a_struct(),
            }
        }

        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PairsError> {
            match self.key.take() {
                Some(name) => self.push(name, value),
                None => not_a_struct(),
            }
        }

        fn end(self) -> Result<(), PairsError> {
            Ok(())
        }
    }

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
    use serde::{Deserialize, Serialize};

    /// The pairs as text.
    fn texts<H: Serialize>(headers: &H) -> Vec<(String, String)> {
        header_pairs(headers)
            .unwrap()
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect()
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Declared {
        #[serde(rename = "etag")]
        etag: String,
        #[serde(rename = "x-rate", skip_serializing_if = "Option::is_none", default)]
        rate: Option<i64>,
        #[serde(rename = "x-cached", skip_serializing_if = "Option::is_none", default)]
        cached: Option<bool>,
    }

    #[test]
    fn declared_headers_round_trip_through_their_text() {
        let declared = Declared {
            etag: "\"v1\"".to_string(),
            rate: Some(-5),
            cached: None,
        };
        let pairs = texts(&declared);
        assert_eq!(
            pairs,
            vec![
                ("etag".to_string(), "\"v1\"".to_string()),
                ("x-rate".to_string(), "-5".to_string())
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
        assert!(from_header_pairs::<Declared>(&[("x-rate", "1")]).is_err());
        let error = from_header_pairs::<Declared>(&[("etag", "x"), ("x-rate", "many")]);
        assert!(error.is_err());
    }

    #[derive(Serialize)]
    enum Mode {
        #[serde(rename = "fast")]
        Fast,
    }

    #[derive(Serialize)]
    struct Mixed {
        #[serde(rename = "x-mode")]
        mode: Mode,
        #[serde(rename = "x-ratio")]
        ratio: f64,
        #[serde(rename = "x-absent")]
        absent: Option<String>,
        #[serde(rename = "x-big")]
        big: u64,
    }

    #[test]
    fn enums_numbers_and_absent_headers_are_written_as_their_text() {
        let mixed = Mixed {
            mode: Mode::Fast,
            ratio: 0.5,
            absent: None,
            big: u64::MAX,
        };
        assert_eq!(
            texts(&mixed),
            vec![
                ("x-mode".to_string(), "fast".to_string()),
                ("x-ratio".to_string(), "0.5".to_string()),
                ("x-big".to_string(), u64::MAX.to_string()),
            ]
        );
    }

    #[derive(Serialize)]
    struct Nested {
        #[serde(rename = "x-list")]
        list: Vec<u8>,
    }

    #[test]
    fn a_header_that_is_not_a_scalar_or_a_value_that_is_not_a_struct_is_an_error() {
        let error = header_pairs(&Nested { list: vec![1] }).unwrap_err();
        assert!(error.contains("`x-list`"), "{error}");
        assert!(header_pairs(&"text").is_err());
        let map: std::collections::BTreeMap<&str, u8> = [("x-one", 1)].into();
        assert_eq!(texts(&map), vec![("x-one".to_string(), "1".to_string())]);
        assert!(header_pairs(&Mixed {
            mode: Mode::Fast,
            ratio: f64::NAN,
            absent: None,
            big: 0
        })
        .is_err());
    }

    #[derive(Serialize)]
    struct Odd {
        #[serde(rename = "x-note")]
        note: String,
    }

    #[test]
    fn a_value_with_a_line_break_or_a_name_that_is_not_a_header_is_an_error() {
        let error = header_pairs(&Odd {
            note: "a\r\nset-cookie: b".to_string(),
        })
        .unwrap_err();
        assert!(error.contains("`x-note`"), "{error}");
        let map: std::collections::BTreeMap<&str, u8> = [("not a name", 1)].into();
        assert!(header_pairs(&map).unwrap_err().contains("`not a name`"));
    }
}
