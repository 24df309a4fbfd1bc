#![allow(
    clippy::enum_variant_names,
    clippy::large_enum_variant,
    clippy::type_complexity
)]
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
/// (clear it) or a value (set it). Use it with `#[serde(default, skip_serializing_if =
/// "Nullable::is_absent")]`, as the generated structs do.
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
/// A widget in the inventory.
#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct Widget {
    /// Assigned by the server (`wdg_1`, `wdg_2`, ...).
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub color: Nullable<Color>,
    /// Weight in grams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    pub tags: Vec<String>,
    pub created_at: ::chrono::DateTime<::chrono::Utc>,
}
/// What a client sends to create a widget.
#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct WidgetInput {
    pub name: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub color: Nullable<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}
/// A partial update: a field left out is unchanged, `color: null` clears the colour.
#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct WidgetPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub color: Nullable<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}
