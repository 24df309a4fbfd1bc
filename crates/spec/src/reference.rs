//! The one `$ref` resolver: follows a chain of local references to what it ends at, with a
//! hop limit, reporting a reference that names nothing and a chain that comes back on
//! itself (never looping or overflowing). [`follow`] works on any model of the document
//! (the typed `openapiv3` model in [`crate::shape`], the JSON the generator reads);
//! [`follow_json`] is it for `serde_json` documents.

use crate::pointer::JsonPointer;
use serde_json::Value;

/// How many `$ref` hops are followed before a chain counts as one that never ends.
pub const MAX_REF_HOPS: usize = 32;

/// Why a chain of references does not end at a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// A reference names nothing, or another document.
    Dangling {
        /// The reference as written.
        reference: String,
        /// The pointer of the object holding it: the last reference followed before it,
        /// `None` when it is the start's own.
        holder: Option<JsonPointer>,
    },
    /// The chain comes back to a reference it already followed, or is longer than
    /// [`MAX_REF_HOPS`].
    Cycle,
}

/// Follows `$ref`s from `start` to what the chain ends at, with that value's pointer (the
/// last reference followed; `None` when `start` is no reference). `reference` tells a
/// reference (its `$ref` text) from a value; `lookup` finds what a pointer names.
pub fn follow<'a, T: ?Sized>(
    start: &'a T,
    reference: impl Fn(&'a T) -> Option<&'a str>,
    lookup: impl Fn(&JsonPointer) -> Option<&'a T>,
) -> Result<(&'a T, Option<JsonPointer>), RefError> {
    let mut current = start;
    let mut followed: Vec<JsonPointer> = Vec::new();
    while let Some(text) = reference(current) {
        let target = JsonPointer::from_ref(text).and_then(|p| lookup(&p).map(|v| (p, v)));
        let Some((pointer, value)) = target else {
            return Err(RefError::Dangling {
                reference: text.to_string(),
                holder: followed.pop(),
            });
        };
        if followed.contains(&pointer) || followed.len() == MAX_REF_HOPS {
            return Err(RefError::Cycle);
        }
        followed.push(pointer);
        current = value;
    }
    Ok((current, followed.pop()))
}

/// [`follow`] in a JSON document `root`: a reference is an object with a string `$ref`.
pub fn follow_json<'v>(
    root: &'v Value,
    start: &'v Value,
) -> Result<(&'v Value, Option<JsonPointer>), RefError> {
    follow(
        start,
        |v| v.get("$ref").and_then(Value::as_str),
        |p| p.lookup(root),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(p: &str) -> JsonPointer {
        JsonPointer::parse(p).expect("a pointer")
    }

    #[test]
    fn chains_are_followed_to_their_value() {
        let doc = json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/c~1d"},
            "c/d": {"type": "string"},
        });
        let (value, pointer) = follow_json(&doc, &doc["a"]).expect("resolves");
        assert_eq!(value, &json!({"type": "string"}));
        assert_eq!(pointer, Some(at("#/c~1d")));
        let plain = &doc["c/d"];
        assert_eq!(follow_json(&doc, plain), Ok((plain, None)));
    }

    #[test]
    fn dangling_references_and_cycles_are_reported() {
        let doc = json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/missing"},
            "loop": {"$ref": "#/loop"},
            "x": {"$ref": "#/y"},
            "y": {"$ref": "#/x"},
            "far": {"$ref": "other.yaml#/a"},
        });
        assert_eq!(
            follow_json(&doc, &doc["a"]),
            Err(RefError::Dangling {
                reference: "#/missing".to_string(),
                holder: Some(at("#/b")),
            })
        );
        assert_eq!(
            follow_json(&doc, &doc["far"]),
            Err(RefError::Dangling {
                reference: "other.yaml#/a".to_string(),
                holder: None,
            })
        );
        assert_eq!(follow_json(&doc, &doc["loop"]), Err(RefError::Cycle));
        assert_eq!(follow_json(&doc, &doc["x"]), Err(RefError::Cycle));
    }

    #[test]
    fn chains_longer_than_the_limit_are_cut() {
        let mut doc = serde_json::Map::new();
        for i in 0..=MAX_REF_HOPS + 1 {
            doc.insert(format!("n{i}"), json!({"$ref": format!("#/n{}", i + 1)}));
        }
        doc.insert(format!("n{}", MAX_REF_HOPS + 2), json!({"type": "integer"}));
        let doc = Value::Object(doc);
        // A chain of MAX_REF_HOPS references ends at its value; a longer one is cut.
        assert!(follow_json(&doc, &doc["n2"]).is_ok());
        assert_eq!(follow_json(&doc, &doc["n0"]), Err(RefError::Cycle));
    }
}
