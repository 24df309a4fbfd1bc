//! The published components (`specs/components/<style>.yaml`) are what the code produces,
//! and every style's components hold together.

use apigen_spec::style::{self, STYLES};
use std::path::PathBuf;

fn published(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs/components")
        .join(format!("{name}.yaml"))
}

#[test]
fn published_components_are_current() {
    let mut stale = Vec::new();
    for style in STYLES {
        let expected = apigen_spec::yaml::to_string(&style::components_document(*style))
            .expect("components serialise");
        let path = published(style.name());
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            stale.push(format!(
                "{} is stale or missing; refresh it with:\n  cargo run -p apigen -- components --style {} -o specs/components/{}.yaml",
                path.display(),
                style.name(),
                style.name()
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn published_components_parse_as_openapi() {
    for style in STYLES {
        let text = std::fs::read_to_string(published(style.name())).expect("published file");
        let doc: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("parses as OpenAPI");
        assert_eq!(doc.openapi, "3.0.3");
        assert_eq!(doc.components, Some(style.components()));
    }
}

/// Every local `$ref` inside a style's components points at something that exists.
#[test]
fn component_references_resolve() {
    for style in STYLES {
        let doc = serde_json::to_value(style::components_document(*style)).expect("to json");
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local ref");
            assert!(
                doc.pointer(pointer).is_some(),
                "{}: dangling {r}",
                style.name()
            );
        }
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The registry guard: every style is published and has a wire spec snapshot of every example.
#[test]
fn every_style_is_published_and_snapshotted() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let examples: Vec<String> = std::fs::read_dir(root.join("specs/examples"))
        .expect("examples")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
        .collect();
    assert!(examples.len() >= 4);
    for style in STYLES {
        assert!(
            published(style.name()).is_file(),
            "{} is not published",
            style.name()
        );
        for example in &examples {
            let snap = root.join(format!("snapshots/apply/{example}.{}.snap", style.name()));
            assert!(snap.is_file(), "missing {}", snap.display());
        }
    }
}

/// What the wire contract (DIALECTS.md rev. 2) says of the components, style by style.
#[test]
fn components_follow_the_wire_contract() {
    let doc = |name: &str| {
        serde_json::to_value(style::components_document(
            style::find(name).expect("a style"),
        ))
        .expect("to json")
    };
    // enveloped: the `links` keys are "possible" ones, `org_id`/`project_id` optional.
    let enveloped = doc("enveloped");
    let schemas = &enveloped["components"]["schemas"];
    for links in ["Links", "ListLinks"] {
        assert!(
            schemas[links].get("required").is_none(),
            "{links}: {}",
            schemas[links]
        );
    }
    for meta in ["Meta", "ObjectMeta", "ListMeta", "ErrorMeta"] {
        let required = schemas[meta]["required"].as_array().expect("required");
        for id in ["org_id", "project_id"] {
            assert!(!required.contains(&serde_json::json!(id)), "{meta} {id}");
        }
        assert!(schemas[meta]["properties"]["org_id"].is_object());
    }
    // result: every GET answers all four paging facts; `Error.code` is any integer.
    let result = doc("result");
    let schemas = &result["components"]["schemas"];
    assert_eq!(
        schemas["ReadMetadata"]["required"],
        serde_json::json!(["page", "recordsPerPage", "pagesCount", "recordsCount"])
    );
    let code = &schemas["Error"]["properties"]["code"];
    assert_eq!(code["type"], "integer");
    for bound in ["format", "maximum", "minimum"] {
        assert!(code.get(bound).is_none(), "{code}");
    }
    let bad_request =
        &result["components"]["responses"]["BadRequest"]["content"]["application/json"];
    assert_eq!(bad_request["example"]["error"]["type"], "syntax");
    for style in STYLES {
        let doc = doc(style.name());
        // "Always null" is never `enum: [null]` (openapi-generator cannot generate it).
        let text = doc.to_string();
        assert!(
            !text.contains(r#""enum":[null]"#),
            "{} writes enum: [null]",
            style.name()
        );
        // Every error response declares the `X-Request-Id` that every server sends.
        let responses = doc["components"]["responses"]
            .as_object()
            .expect("responses");
        for (name, response) in responses {
            assert_eq!(
                response["headers"]["X-Request-Id"]["$ref"],
                "#/components/headers/X-Request-Id",
                "{} {name}",
                style.name()
            );
        }
        assert_eq!(
            doc["components"]["headers"]["X-Request-Id"]["required"],
            true,
            "{}",
            style.name()
        );
    }
}
