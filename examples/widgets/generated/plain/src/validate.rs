//! Request validation from the spec's constraints: the schema types' [`Validate`] impls.
//! The trait and its checks are the runtime's ([`runtime::validate`](super::runtime::validate)).
#![allow(clippy::float_cmp)]
pub use super::runtime::validate::{Validate, Violation};
/// The schema types' impls; field types are written as `types.rs` writes them.
#[allow(unused_imports)]
mod impls {
    use super::super::runtime::validate::{
        check_items, check_length, check_range, join, violation, Validate, Violation,
    };
    use super::super::types;
    use super::super::types::*;
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
