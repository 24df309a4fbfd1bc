//! Behaviour of the types generated from `crates/gen/tests/fixtures/types.yaml`.
//!
//! Not a test of this crate: `scripts/check-snapshots.sh` copies it into the generated
//! `snap-types-<style>` crate of every style, naming that crate `api`, and runs it there
//! with `cargo test`.

use serde_json::{json, Value};
use api::types::*;

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

fn encode<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("encodes")
}

#[test]
fn optional_nullable_keeps_absent_null_and_value_apart() {
    let absent = json!({"required_plain": "a", "required_nullable": null});
    let v: Nullability = decode(absent.clone());
    assert_eq!(v.optional_nullable, Nullable::Absent);
    assert_eq!(v.required_nullable, None);
    assert_eq!(encode(&v), absent);

    let null = json!({"required_plain": "a", "required_nullable": "x", "optional_nullable": null});
    let v: Nullability = decode(null.clone());
    assert!(v.optional_nullable.is_null());
    assert_eq!(encode(&v), null);

    let set = json!({"required_plain": "a", "required_nullable": null, "optional_nullable": "y", "optional_plain": "z"});
    let v: Nullability = decode(set.clone());
    assert_eq!(v.optional_nullable.as_value().map(String::as_str), Some("y"));
    assert_eq!(encode(&v), set);
}

#[test]
fn required_nullable_must_be_present() {
    let missing = serde_json::from_value::<Nullability>(json!({"required_plain": "a"}));
    assert!(missing.is_err());
}

#[test]
fn unknown_enum_values_survive_a_round_trip() {
    let known: Status = decode(json!("on_hold"));
    assert_eq!(known, Status::OnHold);
    assert_eq!(encode(&known), json!("on_hold"));
    let unknown: Status = decode(json!("archived"));
    assert_eq!(unknown, Status::Unknown("archived".to_string()));
    assert_eq!(encode(&unknown), json!("archived"));
    assert_eq!(unknown.to_string(), "archived");

    let priority: Priority = decode(json!(2));
    assert_eq!(priority, Priority::V2);
    let new_priority: Priority = decode(json!(7));
    assert_eq!(new_priority, Priority::Unknown(7));
    assert_eq!(encode(&new_priority), json!(7));

    assert_eq!(Only::from("the_one"), Only::TheOne);
}

#[test]
fn discriminated_unions_are_internally_tagged() {
    let cat = json!({"pet_type": "Cat", "lives": 9});
    let pet: Pet = decode(cat.clone());
    assert!(matches!(&pet, Pet::Cat(c) if c.lives == 9));
    assert_eq!(encode(&pet), cat);

    let dog: MappedPet = decode(json!({"pet_type": "dog"}));
    assert!(matches!(&dog, MappedPet::Dog(d) if d.good));
    assert_eq!(encode(&dog), json!({"pet_type": "dog", "good": true}));
    assert_eq!(dog.tag(), "dog");

    assert!(serde_json::from_value::<MappedPet>(json!({"pet_type": "bird"})).is_err());
    assert!(serde_json::from_value::<MappedPet>(json!({"lives": 1})).is_err());
}

#[test]
fn undiscriminated_unions_are_untagged() {
    assert_eq!(decode::<Scalar>(json!("x")), Scalar::String("x".to_string()));
    assert_eq!(decode::<Scalar>(json!(5)), Scalar::Integer(5));
    assert_eq!(decode::<Scalar>(json!([true])), Scalar::Array(vec![true]));
    let loose: AnyShape = decode(json!({"anything": "goes"}));
    assert!(matches!(loose, AnyShape::LooseThing(_)));
}

#[test]
fn all_of_merges_and_flattens_what_it_cannot_merge() {
    let derived = json!({"id": "d1", "extra": 5});
    let v: Derived = decode(derived.clone());
    assert_eq!(v.extra, 5);
    assert_eq!(encode(&v), derived);

    let with_union = json!({"id": "u1", "name": "by name"});
    let v: WithUnion = decode(with_union.clone());
    assert!(matches!(&v.part, Scalarish::ByName(n) if n.name == "by name"));
    assert_eq!(encode(&v), with_union);
}

#[test]
fn additional_properties() {
    let extras = json!({"known": "k", "other": "o"});
    let v: Extras = decode(extras.clone());
    assert_eq!(v.additional_properties.get("other").map(String::as_str), Some("o"));
    assert_eq!(encode(&v), extras);
    assert!(serde_json::from_value::<Closed>(json!({"only": "a", "more": 1})).is_err());
    let map: StringMap = decode(json!({"a": 1}));
    assert_eq!(map.get("a"), Some(&1));
}

#[test]
fn formats() {
    let formats = json!({
        "when": "2025-01-01T10:00:00Z",
        "day": "2025-01-01",
        "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "blob": "aGk=",
        "small": 1,
        "ratio": 0.5,
        "list": ["a"]
    });
    let v: Formats = decode(formats.clone());
    assert_eq!(v.blob.as_ref().map(|b| b.0.as_slice()), Some(&b"hi"[..]));
    assert_eq!(encode(&v), formats);
    assert!(serde_json::from_value::<Formats>(json!({"blob": "not base64!"})).is_err());
}

#[test]
fn defaults_fill_absent_fields() {
    let v: Defaults = decode(json!({}));
    assert_eq!(v.count, 3);
    assert_eq!(v.ratio, 0.5);
    assert_eq!(v.name, "anonymous");
    assert!(!v.flag);
    assert_eq!(v.priority, Priority::V2);
    assert!(v.items.is_empty());
    assert_eq!(v.status, None);
    let widget: WidgetSettings = decode(json!({}));
    assert_eq!(widget.mode, WidgetSettingsMode::Slow);
}

#[test]
fn recursive_types_nest() {
    let tree = json!({"children": [{"children": []}], "parent": {"parent": {}}});
    let node: Node = decode(tree.clone());
    assert_eq!(encode(&node), tree);
    let left: Left = decode(json!({"right": {"left": {}}}));
    assert!(left.right.is_some());
}

#[test]
fn nullable_alias_is_an_option() {
    let none: MaybeCat = decode(json!(null));
    assert_eq!(none, None);
}

/// Structs get their serde impls from `wire_object!`: an object only, each property once,
/// names escaped or not, from text, a reader or a `Value` alike.
#[test]
fn structs_decode_from_objects_only() {
    let text = r#"{"required_plain": "a", "required\u005fnullable": null, "optional_plain": "b"}"#;
    let from_str: Nullability = serde_json::from_str(text).expect("decodes");
    let from_reader: Nullability = serde_json::from_reader(text.as_bytes()).expect("decodes");
    assert_eq!(from_str, from_reader);
    assert_eq!(from_str.optional_plain.as_deref(), Some("b"));

    let twice = r#"{"required_plain": "a", "required_nullable": null, "required_plain": "b"}"#;
    let error = serde_json::from_str::<Nullability>(twice).unwrap_err();
    assert!(error.to_string().starts_with("duplicate field `required_plain`"), "{error}");

    let missing = serde_json::from_value::<Nullability>(json!({"required_nullable": "x"}));
    assert_eq!(missing.unwrap_err().to_string(), "missing field `required_plain`");

    let array = serde_json::from_value::<Nullability>(json!(["a", null, "b", null]));
    assert_eq!(
        array.unwrap_err().to_string(),
        "invalid type: sequence, expected struct Nullability"
    );

    let open: Cat = decode(json!({"pet_type": "Cat", "lives": 1, "whiskers": [1, 2]}));
    assert_eq!(open.lives, 1);
    let closed = serde_json::from_value::<Closed>(json!({"only": "a", "more": 1}));
    assert_eq!(
        closed.unwrap_err().to_string(),
        "unknown field `more`, expected `only`"
    );

    let sealed: Sealed = decode(json!({}));
    assert_eq!(encode(&sealed), json!({}));
    let error = serde_json::from_value::<Sealed>(json!({"any": 1})).unwrap_err();
    assert_eq!(error.to_string(), "unknown field `any`, there are no fields");
}
