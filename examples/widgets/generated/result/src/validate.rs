//! Request validation from the schema constraints (`minLength`, `maxLength`, `pattern`,
//! `minimum`, `maximum`, `multipleOf`, `minItems`, `maxItems`, `uniqueItems`, enum
//! values). Serde checks presence and types; this checks the rest and names the field.
#![allow(clippy::float_cmp)]
#[allow(unused_imports)]
use crate::types;
/// One problem with a request value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The offending field as a path (`name`, `tags[2]`, `owner.email`); `None` for
    /// the value as a whole.
    pub field: Option<String>,
    /// What is wrong, naming the field.
    pub message: String,
}
/// A value that can check its schema constraints.
pub trait Validate {
    /// Appends a [`Violation`] for every broken constraint; `at` is the value's path
    /// (empty at the root).
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        let _ = (at, out);
    }
    /// Checks what serde cannot see once decoded: `null` sent for a field that is
    /// optional but not nullable (decoded as absent). Runs on the raw JSON first.
    fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>)
    where
        Self: Sized,
    {
        let _ = (raw, at, out);
    }
}
macro_rules! leaf {
    ($($t:ty),* $(,)?) => { $(impl Validate for $t {})* };
}
leaf!(String, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, serde_json::Value);
leaf!(
    ::chrono::DateTime<::chrono::Utc>,
    ::chrono::DateTime<::chrono::FixedOffset>,
    ::chrono::NaiveDate,
);
impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        for (i, item) in self.iter().enumerate() {
            item.validate(&format!("{at}[{i}]"), out);
        }
    }
    fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>) {
        for (i, item) in raw.as_array().into_iter().flatten().enumerate() {
            T::validate_raw(item, &format!("{at}[{i}]"), out);
        }
    }
}
impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate(at, out);
        }
    }
    fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>) {
        if !raw.is_null() {
            T::validate_raw(raw, at, out);
        }
    }
}
impl<T: Validate> Validate for Box<T> {
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        (**self).validate(at, out);
    }
    fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>) {
        T::validate_raw(raw, at, out);
    }
}
impl<K: std::fmt::Display, V: Validate, S> Validate
for std::collections::HashMap<K, V, S> {
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate(&join(at, &key.to_string()), out);
        }
    }
}
impl<K: std::fmt::Display, V: Validate> Validate for std::collections::BTreeMap<K, V> {
    fn validate(&self, at: &str, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate(&join(at, &key.to_string()), out);
        }
    }
}
impl Validate for serde_json::Map<String, serde_json::Value> {}
fn join(at: &str, name: &str) -> String {
    if at.is_empty() { name.to_string() } else { format!("{at}.{name}") }
}
fn violation(out: &mut Vec<Violation>, at: &str, message: String) {
    let message = if at.is_empty() {
        format!("the value {message}")
    } else {
        format!("`{at}` {message}")
    };
    out.push(Violation {
        field: Some(at.to_string()).filter(|f| !f.is_empty()),
        message,
    });
}
/// `minLength`/`maxLength` in characters (code points), as JSON Schema counts.
#[allow(dead_code)]
fn check_length<T: std::fmt::Display + ?Sized>(
    value: &T,
    min: Option<usize>,
    max: Option<usize>,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let length = value.to_string().chars().count();
    if let Some(min) = min.filter(|min| length < *min) {
        violation(
            out,
            at,
            format!("must be at least {min} characters long (got {length})"),
        );
    }
    if let Some(max) = max.filter(|max| length > *max) {
        violation(
            out,
            at,
            format!("must be at most {max} characters long (got {length})"),
        );
    }
}
/// A number as `f64` for range checks.
#[allow(dead_code)]
trait Number: Copy {
    fn as_f64(self) -> f64;
}
macro_rules! number {
    ($($t:ty),*) => { $(impl Number for $t { fn as_f64(self) -> f64 { self as f64 } })* };
}
number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
/// `minimum`/`maximum` (inclusive unless exclusive) and `multipleOf`.
#[allow(dead_code)]
fn check_range<N: Number>(
    value: &N,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
    multiple_of: Option<f64>,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let v = value.as_f64();
    match min {
        Some((min, true)) if v <= min => {
            violation(out, at, format!("must be greater than {min}"))
        }
        Some((min, false)) if v < min => {
            violation(out, at, format!("must be at least {min}"))
        }
        _ => {}
    }
    match max {
        Some((max, true)) if v >= max => {
            violation(out, at, format!("must be less than {max}"))
        }
        Some((max, false)) if v > max => {
            violation(out, at, format!("must be at most {max}"))
        }
        _ => {}
    }
    if let Some(m) = multiple_of.filter(|m| *m > 0.0) {
        let q = v / m;
        if (q - q.round()).abs() > 1e-9 {
            violation(out, at, format!("must be a multiple of {m}"));
        }
    }
}
/// `minItems`/`maxItems`/`uniqueItems`.
#[allow(dead_code)]
fn check_items<T: PartialEq>(
    items: &[T],
    min: Option<usize>,
    max: Option<usize>,
    unique: bool,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let n = items.len();
    if let Some(min) = min.filter(|min| n < *min) {
        violation(out, at, format!("must hold at least {min} items (got {n})"));
    }
    if let Some(max) = max.filter(|max| n > *max) {
        violation(out, at, format!("must hold at most {max} items (got {n})"));
    }
    if unique
        && items
            .iter()
            .enumerate()
            .any(|(i, a)| items.iter().skip(i + 1).any(|b| a == b))
    {
        violation(out, at, "must not hold the same item twice".to_string());
    }
}
/// The schema types' impls; field types are written as `types.rs` writes them.
#[allow(unused_imports)]
mod impls {
    use super::{join, violation, Validate, Violation};
    use super::{check_items, check_length, check_range};
    use crate::types;
    use crate::types::*;
    impl Validate for types::Color {
        fn validate(&self, at: &str, out: &mut Vec<Violation>) {
            if let Self::Unknown(value) = self {
                violation(
                    out,
                    at,
                    format!("has a value that is not allowed: {value:?}"),
                );
            }
        }
    }
    impl Validate for types::WidgetInput {
        fn validate(&self, at: &str, out: &mut Vec<Violation>) {
            {
                let at = &join(at, "name");
                let value = Some(&self.name);
                if let Some(value) = value {
                    check_length(value, Some(1), Some(64), at, out);
                }
            }
            {
                let at = &join(at, "color");
                let value = self.color.as_value();
                if let Some(value) = value {
                    value.validate(at, out);
                }
            }
            {
                let at = &join(at, "weight");
                let value = self.weight.as_ref();
                if let Some(value) = value {
                    check_range(value, Some((0.0_f64, false)), None, None, at, out);
                }
            }
            let _ = (at, out);
        }
        fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>) {
            let Some(object) = raw.as_object() else {
                if raw.is_array() {
                    violation(
                        out,
                        at,
                        "must be a JSON object, not an array".to_string(),
                    );
                }
                return;
            };
            if let Some(value) = object.get("color").filter(|v| !v.is_null()) {
                <Color>::validate_raw(value, &join(at, "color"), out);
            }
            if let Some(value) = object.get("weight") {
                let at = &join(at, "weight");
                if value.is_null() {
                    violation(out, at, "must not be null".to_string());
                }
            }
            if let Some(value) = object.get("tags") {
                let at = &join(at, "tags");
                if value.is_null() {
                    violation(out, at, "must not be null".to_string());
                }
            }
            let _ = (object, at, out);
        }
    }
    impl Validate for types::WidgetPatch {
        fn validate(&self, at: &str, out: &mut Vec<Violation>) {
            {
                let at = &join(at, "name");
                let value = self.name.as_ref();
                if let Some(value) = value {
                    check_length(value, Some(1), Some(64), at, out);
                }
            }
            {
                let at = &join(at, "color");
                let value = self.color.as_value();
                if let Some(value) = value {
                    value.validate(at, out);
                }
            }
            {
                let at = &join(at, "weight");
                let value = self.weight.as_ref();
                if let Some(value) = value {
                    check_range(value, Some((0.0_f64, false)), None, None, at, out);
                }
            }
            let _ = (at, out);
        }
        fn validate_raw(raw: &serde_json::Value, at: &str, out: &mut Vec<Violation>) {
            let Some(object) = raw.as_object() else {
                if raw.is_array() {
                    violation(
                        out,
                        at,
                        "must be a JSON object, not an array".to_string(),
                    );
                }
                return;
            };
            if let Some(value) = object.get("name") {
                let at = &join(at, "name");
                if value.is_null() {
                    violation(out, at, "must not be null".to_string());
                }
            }
            if let Some(value) = object.get("color").filter(|v| !v.is_null()) {
                <Color>::validate_raw(value, &join(at, "color"), out);
            }
            if let Some(value) = object.get("weight") {
                let at = &join(at, "weight");
                if value.is_null() {
                    violation(out, at, "must not be null".to_string());
                }
            }
            if let Some(value) = object.get("tags") {
                let at = &join(at, "tags");
                if value.is_null() {
                    violation(out, at, "must not be null".to_string());
                }
            }
            let _ = (object, at, out);
        }
    }
}
