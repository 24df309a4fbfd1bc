#![allow(
    clippy::enum_variant_names,
    clippy::large_enum_variant,
    clippy::type_complexity
)]
/// The operations' success enums name the types through the module, as elsewhere.
#[allow(unused_imports)]
use super::runtime::headers::WithHeaders;
#[allow(unused_imports)]
use super::types;
/// The impls every string enum shares, from its `as_str` and `From<&str>`: `Display`,
/// `From<String>`, `FromStr`, and serde as a plain string.
macro_rules! string_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
/// A property that is optional *and* nullable: absent (leave it as it is), `null`
/// (clear it) or a value (set it). The generated structs write it with `wire_object!`'s
/// `optional_nullable` (or, deriving serde, `#[serde(default, skip_serializing_if =
/// "Nullable::is_absent")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The property is left out.
    #[default]
    Absent,
    /// The property is `null`.
    Null,
    /// The property has a value.
    Value(T),
}
impl<T> Nullable<T> {
    /// Whether the property is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
    /// Whether the property is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
    /// The value, if there is one.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
    /// The value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}
impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes `Null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}
impl<T: ::serde::Serialize> ::serde::Serialize for Nullable<T> {
    fn serialize<S: ::serde::Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}
impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        <Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
    }
}
/// The serde impls of a struct, from its fields' property names and presence: `required`,
/// `optional`, `optional_nullable`, `required_nullable` or `defaulted(f)` (see `wire`).
/// A struct is a JSON object on the wire (never an array); a property it does not have is
/// skipped, or refused after `deny_unknown_fields`. Written out rather than derived: the
/// derived impls take several times as long to compile.
macro_rules! wire_object {
    ($name:ident { $($fields:tt)* }) => {
        wire_object!($name ignore_unknown_fields { $($fields)* });
    };
    ($name:ident $unknown:ident {
        $($field:ident: $wire:literal $mode:ident $(($default:ident))?),* $(,)?
    }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut)] // a struct without fields
                let mut out = wire::Out::new(serializer)?;
                $(wire::$mode::put(&mut out, $wire, &self.$field);)*
                out.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<M: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: M,
                    ) -> Result<$name, M::Error> {
                        $(let mut $field = None;)*
                        while let Some(key) = map.next_key::<wire::Key<'de>>()? {
                            match key.as_str() {
                                $($wire => wire::fill(&mut map, &mut $field, $wire),)*
                                other => wire::$unknown(&mut map, other, &[$($wire),*]),
                            }?;
                        }
                        Ok($name {
                            $($field: match wire::$mode::take($field, $wire $(, $default)?) {
                                Ok(value) => value,
                                Err(name) => return Err(::serde::de::Error::missing_field(name)),
                            },)*
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}
/// What [`wire_object!`] expands to calls: one function per presence, shared by every
/// struct (a spec need not use them all).
#[allow(dead_code, unused_imports)]
mod wire {
    use ::serde::de::{Error as _, IgnoredAny, MapAccess};
    use ::serde::ser::SerializeMap;
    use ::serde::{Deserialize, Deserializer, Serialize, Serializer};
    use ::std::borrow::Cow;
    /// A property name as decoded: borrowed from the input when it can be.
    pub struct Key<'de>(Cow<'de, str>);
    impl Key<'_> {
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }
    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(KeyVisitor)
        }
    }
    struct KeyVisitor;
    impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
        type Value = Key<'de>;
        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            f.write_str("a property name")
        }
        fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Borrowed(value)))
        }
        fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Owned(value.to_owned())))
        }
        fn visit_string<E>(self, value: String) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Owned(value)))
        }
    }
    /// Decodes a property's value into its slot; a property sent twice is an error.
    pub fn fill<'de, M: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut M,
        slot: &mut Option<T>,
        wire: &'static str,
    ) -> Result<(), M::Error> {
        if slot.is_some() {
            return Err(M::Error::duplicate_field(wire));
        }
        *slot = Some(map.next_value()?);
        Ok(())
    }
    /// A property the struct does not have: its value is skipped.
    pub fn ignore_unknown_fields<'de, M: MapAccess<'de>>(
        map: &mut M,
        _key: &str,
        _fields: &'static [&'static str],
    ) -> Result<(), M::Error> {
        map.next_value::<IgnoredAny>().map(|_| ())
    }
    /// A property the struct does not have (`additionalProperties: false`): an error.
    pub fn deny_unknown_fields<'de, M: MapAccess<'de>>(
        _map: &mut M,
        key: &str,
        fields: &'static [&'static str],
    ) -> Result<(), M::Error> {
        Err(M::Error::unknown_field(key, fields))
    }
    /// A struct being written as a map: the first error is kept, and returned by `end`.
    pub struct Out<M: SerializeMap> {
        map: M,
        error: Option<M::Error>,
    }
    impl<M: SerializeMap> Out<M> {
        pub fn new<S: Serializer<SerializeMap = M>>(
            serializer: S,
        ) -> Result<Self, S::Error> {
            let map = serializer.serialize_map(None)?;
            Ok(Self { map, error: None })
        }
        /// Writes one property (after an error, nothing).
        pub fn entry<T: Serialize + ?Sized>(&mut self, wire: &'static str, value: &T) {
            if self.error.is_none() {
                self.error = self.map.serialize_entry(wire, value).err();
            }
        }
        pub fn end(self) -> Result<M::Ok, M::Error> {
            match self.error {
                Some(error) => Err(error),
                None => self.map.end(),
            }
        }
    }
    /// Required: always written; decoding fails when it is left out.
    pub mod required {
        use super::Out;
        use ::serde::ser::SerializeMap;
        use ::serde::Serialize;
        pub fn put<M: SerializeMap, T: Serialize>(
            out: &mut Out<M>,
            wire: &'static str,
            value: &T,
        ) {
            out.entry(wire, value);
        }
        pub fn take<T>(slot: Option<T>, wire: &'static str) -> Result<T, &'static str> {
            slot.ok_or(wire)
        }
    }
    /// Required and nullable (`Option`): `None` is written as `null`, and must be sent.
    pub mod required_nullable {
        pub use super::required::{put, take};
    }
    /// Optional (`Option`): `None` is left out, and is what a left-out property decodes to.
    pub mod optional {
        use super::Out;
        use ::serde::ser::SerializeMap;
        use ::serde::Serialize;
        pub fn put<M: SerializeMap, T: Serialize>(
            out: &mut Out<M>,
            wire: &'static str,
            value: &Option<T>,
        ) {
            if let Some(value) = value {
                out.entry(wire, value);
            }
        }
        pub fn take<T: Default>(
            slot: Option<T>,
            _wire: &'static str,
        ) -> Result<T, &'static str> {
            Ok(slot.unwrap_or_default())
        }
    }
    /// Optional and nullable ([`Nullable`](super::Nullable)): absent is left out, and is what
    /// a left-out property decodes to.
    pub mod optional_nullable {
        use super::Out;
        use ::serde::ser::SerializeMap;
        use ::serde::Serialize;
        pub fn put<M: SerializeMap, T: Serialize>(
            out: &mut Out<M>,
            wire: &'static str,
            value: &super::super::Nullable<T>,
        ) {
            if !value.is_absent() {
                out.entry(wire, value);
            }
        }
        pub use super::optional::take;
    }
    /// Optional with a default: always written; a left-out property decodes to the default.
    pub mod defaulted {
        pub use super::required::put;
        pub fn take<T>(
            slot: Option<T>,
            _wire: &'static str,
            default: fn() -> T,
        ) -> Result<T, &'static str> {
            Ok(slot.unwrap_or_else(default))
        }
    }
}
/// A widget's colour.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Color {
    /// `red`
    Red,
    /// `green`
    Green,
    /// `blue`
    Blue,
    /// A value this version of the API does not know; kept as received.
    Unknown(String),
}
impl Color {
    /// The value as it travels on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Red => "red",
            Self::Green => "green",
            Self::Blue => "blue",
            Self::Unknown(value) => value,
        }
    }
}
impl From<&str> for Color {
    fn from(value: &str) -> Self {
        match value {
            "red" => Self::Red,
            "green" => Self::Green,
            "blue" => Self::Blue,
            other => Self::Unknown(other.to_string()),
        }
    }
}
string_enum!(Color);
/// The headers of the `200` response of `GET /widgets/{widget_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GetWidgetHeaders {
    /// The version of the widget as sent (a strong entity tag).
    pub etag: String,
    /// How long the widget may be cached.
    pub cache_control: Option<String>,
}
wire_object!(GetWidgetHeaders {
    etag: "etag" required,
    cache_control: "cache-control" optional,
});
/// The headers of the `201` response of `PUT /widgets/{widget_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplaceWidget201Headers {
    /// The version of the widget as sent (a strong entity tag).
    pub etag: String,
}
wire_object!(ReplaceWidget201Headers {
    etag: "etag" required,
});
/// The headers of the `200` response of `PUT /widgets/{widget_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplaceWidgetHeaders {
    /// The version of the widget as sent (a strong entity tag).
    pub etag: String,
}
wire_object!(ReplaceWidgetHeaders {
    etag: "etag" required,
});
/// A widget in the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    /// Assigned by the server (`wdg_1`, `wdg_2`, ...).
    pub id: String,
    pub name: String,
    pub color: Nullable<Color>,
    /// Weight in grams.
    pub weight: Option<f64>,
    pub tags: Vec<String>,
    pub created_at: ::chrono::DateTime<::chrono::Utc>,
}
wire_object!(Widget {
    id: "id" required,
    name: "name" required,
    color: "color" optional_nullable,
    weight: "weight" optional,
    tags: "tags" required,
    created_at: "created_at" required,
});
/// What a client sends to create a widget.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetInput {
    pub name: String,
    pub color: Nullable<Color>,
    pub weight: Option<f64>,
    pub tags: Option<Vec<String>>,
}
wire_object!(WidgetInput {
    name: "name" required,
    color: "color" optional_nullable,
    weight: "weight" optional,
    tags: "tags" optional,
});
/// A partial update: a field left out is unchanged, `color: null` clears the colour.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetPatch {
    pub name: Option<String>,
    pub color: Nullable<Color>,
    pub weight: Option<f64>,
    pub tags: Option<Vec<String>>,
}
wire_object!(WidgetPatch {
    name: "name" optional,
    color: "color" optional_nullable,
    weight: "weight" optional,
    tags: "tags" optional,
});
/// What `PUT /widgets/{widget_id}` answers: one case per success status it declares.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplaceWidgetResponse {
    /// `200`.
    Ok(WithHeaders<types::Widget, types::ReplaceWidgetHeaders>),
    /// `201`.
    Created(WithHeaders<types::Widget, types::ReplaceWidget201Headers>),
}
