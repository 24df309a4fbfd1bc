//! Request validation: the [`Validate`] trait that generated schema types implement from
//! their constraints (`minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
//! `multipleOf`, `minItems`, `maxItems`, `uniqueItems`, enum values), and the checks those
//! impls call. Serde checks presence and types; this checks the rest and names the field.

#![allow(clippy::float_cmp)]

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

/// Implements [`Validate`] with nothing to check.
macro_rules! leaf {
    ($($t:ty),* $(,)?) => { $(impl Validate for $t {})* };
}
leaf!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    serde_json::Value
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

impl<K: std::fmt::Display, V: Validate, S> Validate for std::collections::HashMap<K, V, S> {
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

/// `at` and `name` joined into a field path (`owner.email`).
pub fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

/// Appends a violation at `at`, naming the field in the message.
pub fn violation(out: &mut Vec<Violation>, at: &str, message: String) {
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
pub fn check_length<T: std::fmt::Display + std::any::Any>(
    value: &T,
    min: Option<usize>,
    max: Option<usize>,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let length = char_count(value);
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

/// How many characters `value` displays as, without writing them anywhere: a `String` (what
/// string fields nearly always are) counted directly, anything else through `Display`.
fn char_count<T: std::fmt::Display + std::any::Any>(value: &T) -> usize {
    if let Some(text) = (value as &dyn std::any::Any).downcast_ref::<String>() {
        return text.chars().count();
    }
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.chars().count();
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing into `Count` cannot fail; a `Display` that fails leaves what it wrote.
    let _ = std::fmt::write(&mut count, format_args!("{value}"));
    count.0
}

/// A number as `f64` for range checks.
pub trait Number: Copy {
    /// The number as `f64`.
    fn as_f64(self) -> f64;
}

macro_rules! number {
    ($($t:ty),*) => { $(impl Number for $t { fn as_f64(self) -> f64 { self as f64 } })* };
}
number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

/// `minimum`/`maximum` (inclusive unless exclusive) and `multipleOf`.
pub fn check_range<N: Number>(
    value: &N,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
    multiple_of: Option<f64>,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let v = value.as_f64();
    match min {
        Some((min, true)) if v <= min => violation(out, at, format!("must be greater than {min}")),
        Some((min, false)) if v < min => violation(out, at, format!("must be at least {min}")),
        _ => {}
    }
    match max {
        Some((max, true)) if v >= max => violation(out, at, format!("must be less than {max}")),
        Some((max, false)) if v > max => violation(out, at, format!("must be at most {max}")),
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
pub fn check_items<T: PartialEq>(
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

#[cfg(test)]
mod tests {
    use super::check_length;

    #[test]
    fn lengths_count_characters_not_bytes() {
        let mut out = Vec::new();
        check_length(&"é€😀".to_string(), Some(3), Some(3), "name", &mut out);
        check_length(&"é€😀", Some(3), Some(3), "name", &mut out);
        check_length(&12345, Some(5), Some(5), "code", &mut out);
        assert!(out.is_empty(), "{out:?}");
        check_length(&"é€😀".to_string(), Some(4), Some(2), "name", &mut out);
        let messages: Vec<&str> = out.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`name` must be at least 4 characters long (got 3)",
                "`name` must be at most 2 characters long (got 3)"
            ]
        );
    }
}
