//! `$ref`s into inline locations (common in specs converted from Swagger, such as Azure's):
//! each target is resolved once and its type reused, so the work stays linear in the spec.

use serde_json::{json, Map, Value};

/// `Level0` … `Level{depth}`: each level's `inner` property is an inline object whose `a` and
/// `b` both point at the next level's `inner`. Resolving every reference anew visits
/// 2^depth schemas and names a new struct each time.
fn layered_spec(depth: usize) -> Value {
    let mut schemas = Map::new();
    for level in 0..=depth {
        let next =
            json!({ "$ref": format!("#/components/schemas/Level{}/properties/inner", level + 1) });
        let inner = if level == depth {
            json!({ "type": "object", "properties": { "leaf": { "type": "string" } } })
        } else {
            json!({ "type": "object", "properties": { "a": next, "b": next } })
        };
        schemas.insert(
            format!("Level{level}"),
            json!({ "type": "object", "properties": { "inner": inner } }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "layers", "version": "1.0.0" },
        "paths": {},
        "components": { "schemas": schemas }
    })
}

fn struct_names(depth: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("layers.json");
    std::fs::write(&path, layered_spec(depth).to_string()).expect("spec written");
    let loaded = apigen_spec::load(&path).expect("the spec loads");
    let style = apigen_spec::style::find("plain").expect("plain style");
    let (ir, _) = apigen_gen::build_ir(&loaded, style, &apigen_gen::Options::default())
        .expect("the IR builds");
    ir.types.into_iter().map(|t| t.name).collect()
}

#[test]
fn an_inline_target_referenced_twice_becomes_one_type() {
    let names = struct_names(3);
    // Four components, plus one struct per level's inline `inner` — not one per path to it.
    let inner: Vec<_> = names.iter().filter(|n| n.contains("Inner")).collect();
    assert_eq!(inner.len(), 4, "{names:?}");
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn deep_reference_layers_stay_linear() {
    // 2^40 expansions would never finish; one per level does.
    let names = struct_names(40);
    assert_eq!(names.len(), 82);
}
