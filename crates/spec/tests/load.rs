//! Loading: sniffing, positions, multi-file bundling, 3.1 normalisation, rendering.

use apigen_spec::render::{render_with, Format};
use apigen_spec::{load, Loaded};
use openapiv3::{ReferenceOr, SchemaKind, Type};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root");
    root.join(rel)
}

fn load_ok(rel: &str) -> Loaded {
    let path = repo(rel);
    load(&path).unwrap_or_else(|d| panic!("{rel}: {}", render_with(&d, Format::Human, false)))
}

/// The spec as JSON, for concise assertions on what the model holds.
fn as_json(l: &Loaded) -> Value {
    serde_json::to_value(&l.spec).expect("the model serialises")
}

/// 1-based line and column of the first occurrence of `needle` in `file`.
fn line_col_of(file: &Path, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(file).expect("read");
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.display()));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

#[test]
fn json_and_yaml_are_told_apart_by_content_not_extension() {
    let json = load_ok("specs/fixtures/json-content.yaml");
    let yaml = load_ok("specs/fixtures/yaml-content.json");
    assert_eq!(json.spec.info.title, "JSON in a .yaml file");
    assert_eq!(yaml.spec.info.title, "YAML in a .json file");
    // The YAML integer key `200:` is read as the status code "200".
    let op = yaml.spec.paths.paths["/w"]
        .as_item()
        .and_then(|i| i.get.as_ref())
        .expect("GET /w");
    assert!(op
        .responses
        .responses
        .contains_key(&openapiv3::StatusCode::Code(200)));
}

#[test]
fn positions_of_known_nodes_in_yaml_and_json() {
    let widgets = load_ok("specs/examples/widgets.yaml");
    let loc = widgets
        .locate("#/paths/~1widgets/post/operationId")
        .expect("located");
    let file = repo("specs/examples/widgets.yaml");
    assert_eq!(loc.file, file);
    assert_eq!(
        (loc.line, loc.column),
        line_col_of(&file, "operationId: createWidget")
    );
    assert_eq!(loc.pointer, "#/paths/~1widgets/post/operationId");

    let json = load_ok("specs/fixtures/json-content.yaml");
    let loc = json.locate("#/paths/~1w/get/operationId").expect("located");
    let json_file = repo("specs/fixtures/json-content.yaml");
    assert_eq!(
        (loc.line, loc.column),
        line_col_of(&json_file, "\"operationId\"")
    );

    // A pointer made while normalising (not in the text) falls back to its nearest ancestor.
    let loc = widgets
        .locate("#/paths/~1widgets/post/no/such/node")
        .expect("located");
    assert_eq!((loc.line, loc.column), line_col_of(&file, "post:"));
}

#[test]
fn multi_file_refs_are_bundled_into_components() {
    let l = load_ok("specs/fixtures/multi-file/openapi.yaml");
    let doc = as_json(&l);
    let c = &doc["components"];
    // Schemas from a bare map, named by the last pointer segment; the local refs inside
    // that file follow; the collision with the root's `Error` is renamed.
    let schemas: Vec<&str> = c["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        schemas,
        ["Error", "Widget", "Tag", "Part", "Error_2", "Shape", "circle"]
    );
    assert_eq!(
        c["schemas"]["Widget"]["properties"]["tags"]["items"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        c["schemas"]["Part"]["properties"]["children"]["items"]["$ref"],
        "#/components/schemas/Part"
    );
    // A response from another OpenAPI document, and its own local ref.
    assert_eq!(
        c["responses"]["NotFound"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error_2"
    );
    assert_eq!(c["schemas"]["Error_2"]["required"], json!(["message"]));
    // A whole-file ref in a parameter position: a parameter named after the file stem.
    assert_eq!(c["parameters"]["widget-id"]["name"], "widget_id");
    let paths = &doc["paths"];
    assert_eq!(
        paths["/widgets"]["get"]["responses"]["404"]["$ref"],
        "#/components/responses/NotFound"
    );
    assert_eq!(
        paths["/widgets/{widget_id}"]["parameters"][0]["$ref"],
        "#/components/parameters/widget-id"
    );
    // Both refs to the same target share one component.
    assert_eq!(
        paths["/widgets/{widget_id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/Widget"
    );
    // A path item in its own file is inlined (3.0 has no components for path items),
    // and its refs are resolved relative to its own folder.
    assert_eq!(paths["/health"]["get"]["operationId"], "health");
    assert_eq!(
        paths["/health"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/Tag"
    );
    // A whole-file schema is named after the file; discriminator mappings follow it.
    assert_eq!(
        c["schemas"]["Shape"]["oneOf"][0]["$ref"],
        "#/components/schemas/circle"
    );
    assert_eq!(
        c["schemas"]["Shape"]["discriminator"]["mapping"]["circle"],
        "#/components/schemas/circle"
    );
    assert_eq!(
        c["schemas"]["circle"]["required"],
        json!(["kind", "radius"])
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.files().count(), 6);
}

#[test]
fn locate_maps_bundled_pointers_back_to_their_files() {
    let l = load_ok("specs/fixtures/multi-file/openapi.yaml");
    let schemas = repo("specs/fixtures/multi-file/schemas.yaml");
    let loc = l
        .locate("#/components/schemas/Widget/properties/tags")
        .expect("located");
    assert_eq!(loc.file, schemas);
    assert_eq!(loc.pointer, "#/Widget/properties/tags");
    assert_eq!((loc.line, loc.column), line_col_of(&schemas, "tags:"));

    let errors = repo("specs/fixtures/multi-file/common/errors.yaml");
    let loc = l
        .locate("#/components/schemas/Error_2/required")
        .expect("located");
    assert_eq!(loc.file, errors);
    assert_eq!(loc.pointer, "#/components/schemas/Error/required");
    assert_eq!(
        (loc.line, loc.column),
        line_col_of(&errors, "required: [message]")
    );

    let health = repo("specs/fixtures/multi-file/paths/health.yaml");
    let loc = l
        .locate("#/paths/~1health/get/operationId")
        .expect("located");
    assert_eq!(loc.file, health);
    assert_eq!((loc.line, loc.column), line_col_of(&health, "operationId"));

    // The root's own nodes stay in the root.
    let loc = l.locate("#/components/schemas/Error").expect("located");
    assert_eq!(loc.file, repo("specs/fixtures/multi-file/openapi.yaml"));
}

fn schema_json(doc: &Value, name: &str, prop: &str) -> Value {
    doc["components"]["schemas"][name]["properties"][prop].clone()
}

#[test]
fn openapi_31_is_normalised_into_the_30_model() {
    let l = load_ok("specs/fixtures/openapi-31.yaml");
    assert_eq!(l.source_version, "3.1.0");
    assert_eq!(l.spec.openapi, "3.0.3");
    let doc = as_json(&l);
    let p = |prop| schema_json(&doc, "Pet", prop);
    // type arrays with "null" → nullable
    assert_eq!(p("name")["type"], "string");
    assert_eq!(p("name")["nullable"], true);
    // several non-null types → anyOf
    assert_eq!(
        p("id")["anyOf"],
        json!([{"type": "string"}, {"type": "integer"}])
    );
    // const → one-value enum
    assert_eq!(p("kind")["enum"], json!(["cat"]));
    // numeric exclusive bounds → bound + boolean flag
    assert_eq!(
        (
            p("age")["minimum"].as_f64(),
            p("age")["exclusiveMinimum"].as_bool()
        ),
        (Some(0.0), Some(true))
    );
    assert_eq!(
        (
            p("age")["maximum"].as_f64(),
            p("age")["exclusiveMaximum"].as_bool()
        ),
        (Some(30.0), Some(true))
    );
    // examples → example
    assert_eq!(p("nickname")["example"], "Tom");
    // $ref with siblings → allOf + the siblings
    assert_eq!(
        p("owner")["allOf"],
        json!([{"$ref": "#/components/schemas/Owner"}])
    );
    assert_eq!(p("owner")["description"], "The owner, if any.");
    // type: "null" alone → only null
    assert_eq!(p("nothing")["nullable"], true);
    assert_eq!(p("nothing")["enum"], json!([null]));
    // contentEncoding / contentMediaType → formats
    assert_eq!(p("photo")["format"], "byte");
    assert_eq!(p("raw")["format"], "binary");
    // oneOf with a null member → nullable
    assert_eq!(
        p("maybe_owner")["oneOf"],
        json!([{"$ref": "#/components/schemas/Owner"}])
    );
    assert_eq!(p("maybe_owner")["nullable"], true);
    // $defs → components/schemas, refs rewritten
    assert_eq!(p("address")["$ref"], "#/components/schemas/Address");
    assert_eq!(
        doc["components"]["schemas"]["Address"]["properties"]["street"]["type"],
        "string"
    );
    assert!(doc["components"]["schemas"]["Pet"].get("$defs").is_none());
    // Moved nodes are still located where they were written.
    let fixture = repo("specs/fixtures/openapi-31.yaml");
    let loc = l
        .locate("#/components/schemas/Address/properties/street")
        .expect("located");
    assert_eq!(
        loc.pointer,
        "#/components/schemas/Pet/$defs/Address/properties/street"
    );
    assert_eq!(
        (loc.line, loc.column),
        line_col_of(&fixture, "street: {type: string}")
    );
    // Path items in components are inlined where paths refer to them.
    assert_eq!(doc["paths"]["/health"]["get"]["operationId"], "health");
    // What cannot be carried is named, with where it was.
    let mut dropped: Vec<(String, String)> = l
        .warnings
        .iter()
        .map(|w| {
            (
                w.code.clone(),
                w.location
                    .as_ref()
                    .map(|l| l.pointer.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    dropped.sort();
    assert_eq!(
        dropped,
        [
            ("load/dropped-31", "#/components/pathItems/Unused"),
            (
                "load/dropped-31",
                "#/components/schemas/Pet/properties/coords/prefixItems"
            ),
            (
                "load/dropped-31",
                "#/components/schemas/Pet/properties/nickname/examples"
            ),
            ("load/dropped-31", "#/info/summary"),
            ("load/dropped-31", "#/jsonSchemaDialect"),
            ("load/dropped-31", "#/webhooks"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    for w in &l.warnings {
        let loc = w.location.as_ref().expect("located");
        assert!(loc.line > 0, "{w:?}");
    }
    // The model really holds a nullable string.
    let Some(ReferenceOr::Item(pet)) = l
        .spec
        .components
        .as_ref()
        .and_then(|c| c.schemas.get("Pet"))
    else {
        panic!("Pet is an inline schema");
    };
    let SchemaKind::Type(Type::Object(obj)) = &pet.schema_kind else {
        panic!("Pet is an object");
    };
    let Some(ReferenceOr::Item(name)) = obj.properties.get("name") else {
        panic!("name is inline");
    };
    assert!(name.schema_data.nullable);
    assert!(matches!(
        name.schema_kind,
        SchemaKind::Type(Type::String(_))
    ));
}

#[test]
fn json_rendering_has_the_documented_shape() {
    let path = repo("specs/invalid/duplicate-operation-id.yaml");
    let diags = load(&path).expect_err("invalid");
    let out: Value = serde_json::from_str(&render_with(&diags, Format::Json, false)).expect("JSON");
    let d = &out["diagnostics"][0];
    assert_eq!(d["code"], "load/duplicate-operation-id");
    assert_eq!(d["severity"], "error");
    assert!(d["message"]
        .as_str()
        .is_some_and(|m| m.contains("getWidget")));
    assert!(d["help"].is_string());
    let loc = &d["location"];
    assert_eq!(loc["file"], path.display().to_string());
    assert_eq!(loc["pointer"], "#/paths/~1widgets~1{id}/get/operationId");
    assert_eq!(
        (loc["line"].as_u64(), loc["column"].as_u64()),
        (Some(15), Some(7))
    );
    assert_eq!(loc.as_object().map(|o| o.len()), Some(4));
}

#[test]
fn all_problems_of_a_stage_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("many.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{x}:\n    get:\n      operationId: same\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n  /b:\n    get:\n      operationId: same\n      responses: {}\n",
    )
    .expect("write");
    let diags = load(&path).expect_err("invalid");
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "load/duplicate-operation-id",
            "load/undeclared-path-param",
            "load/unresolved-ref"
        ]
    );
}

#[test]
fn common_real_world_deviations_are_repaired_with_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deviations.json");
    let spec = json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/search?q={q}": {"get": {
                "operationId": "search",
                "parameters": [{"name": "q", "in": "path", "required": true, "schema": {"type": "string"}}],
                "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "anything": true,
                        "code": {"type": "string", "pattern": 0},
                        "additionalProperties": false
                    }
                }}}}}
            }}
        },
        "components": {"callbacks": {"Done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}}}
    });
    std::fs::write(&path, spec.to_string()).expect("write");
    let l = load(&path).unwrap_or_else(|d| panic!("{}", render_with(&d, Format::Human, false)));
    let doc = as_json(&l);
    let op = &doc["paths"]["/search"]["get"];
    assert_eq!(op["parameters"][0]["in"], "query");
    assert_eq!(
        op["callbacks"]["done"]["{$request.body#/url}"]["post"]["responses"]["200"]["description"],
        "ok"
    );
    let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert!(schema["properties"].get("additionalProperties").is_none());
    assert_eq!(schema["properties"]["anything"], json!({}));
    assert!(schema["properties"]["code"].get("pattern").is_none());
    let codes: Vec<&str> = l.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["load/repaired"; 4]);
    // The renamed path is located at its original key.
    let loc = l.warnings[0].location.as_ref().expect("located");
    assert_eq!(loc.pointer, "#/paths/~1search?q={q}");
    assert_eq!(
        (loc.line, loc.column),
        line_col_of(&path, "\"/search?q={q}\"")
    );
    assert!(
        l.warnings[0].message.contains("`/search?q={q}`"),
        "{:?}",
        l.warnings[0]
    );
}

#[test]
fn a_discriminator_mapping_to_a_missing_file_is_removed_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("openapi.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties: {kind: {type: string}}\n      discriminator:\n        propertyName: kind\n        mapping:\n          cat: models/cat.yaml\n          dog: '#/components/schemas/Pet'\n",
    )
    .expect("write");
    let l = load(&path).unwrap_or_else(|d| panic!("{}", render_with(&d, Format::Human, false)));
    let doc = as_json(&l);
    assert_eq!(
        doc["components"]["schemas"]["Pet"]["discriminator"]["mapping"],
        json!({"dog": "#/components/schemas/Pet"})
    );
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert_eq!(l.warnings[0].code, "load/missing-file");
    assert!(!l.warnings[0].is_error());
    assert!(l.warnings[0].message.contains("discriminator.mapping"));
}

/// `spec` is `document` read into the model as a whole, though loading reads the path items
/// and components in pieces on every core. Every example spec and generator fixture; the
/// ignored corpus test (`load_corpus.rs`) checks the same on every spec of the corpus.
#[test]
fn the_spec_is_the_whole_document_in_the_model() {
    for dir in ["specs/examples", "crates/gen/tests/fixtures"] {
        let mut specs: Vec<PathBuf> = std::fs::read_dir(repo(dir))
            .expect("read the folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        specs.sort();
        assert!(!specs.is_empty(), "no specs in {dir}");
        for path in specs {
            let loaded = load(&path).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
            let whole: openapiv3::OpenAPI = serde::Deserialize::deserialize(&loaded.document)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(whole == loaded.spec, "{}", path.display());
        }
    }
}

#[test]
fn openapi_31_as_written_loads_without_warnings() {
    let l = load_ok("crates/gen/tests/fixtures/openapi-31-as-written.yaml");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let doc = as_json(&l);
    // `responses` left out: no declared response (3.0 needs the object, empty is allowed).
    assert_eq!(doc["paths"]["/users"]["get"]["responses"], json!({}));
    // Boolean schemas become the schema objects that mean the same.
    assert_eq!(schema_json(&doc, "Thing", "anything"), json!({}));
    assert_eq!(schema_json(&doc, "Thing", "never"), json!({"not": {}}));
    assert_eq!(schema_json(&doc, "Thing", "tags")["items"], json!({}));
    // ... but `additionalProperties: false` is 3.0 too and stays.
    assert_eq!(
        doc["components"]["schemas"]["Thing"]["additionalProperties"],
        json!(false)
    );
    // mutualTLS (3.1) is carried as a marked http scheme, so requirements naming it stay valid.
    let mtls = &l.document["components"]["securitySchemes"]["mtls"];
    assert_eq!(
        (&mtls["type"], &mtls["x-apigen-type"]),
        (&json!("http"), &json!("mutualTLS"))
    );
}

#[test]
fn openapi_32_is_read_with_what_cannot_be_generated_named() {
    let l = load_ok("crates/gen/tests/fixtures/openapi-32.yaml");
    assert_eq!(l.source_version, "3.2.0");
    let doc = &l.document;
    // Media types in components are inlined where content refers to them.
    assert_eq!(
        doc["paths"]["/notes"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["items"]["$ref"],
        "#/components/schemas/Note"
    );
    // A response without a description takes its summary.
    assert_eq!(
        doc["paths"]["/notes"]["get"]["responses"]["200"]["description"],
        "The notes"
    );
    // `style: cookie` is read as `form`; the example's data value as its value.
    assert_eq!(
        doc["paths"]["/notes"]["get"]["parameters"][0]["style"],
        "form"
    );
    assert_eq!(
        doc["paths"]["/notes/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["examples"]["one"]["value"]["id"],
        "n1"
    );
    let mut dropped: Vec<(String, String)> = l
        .warnings
        .iter()
        .map(|w| {
            let at = w.location.as_ref().expect("located");
            assert!(at.line > 0, "{w:?}");
            (w.code.clone(), at.pointer.clone())
        })
        .collect();
    dropped.sort();
    assert_eq!(
        dropped,
        [
            ("load/dropped-32", "#/$self"),
            ("load/dropped-32", "#/paths/~1notes/additionalOperations"),
            ("load/dropped-32", "#/paths/~1notes/get/parameters/1"),
            ("load/dropped-32", "#/paths/~1notes/query"),
            (
                "load/dropped-32",
                "#/paths/~1notes~1stream/get/responses/200/content/application~1jsonl/itemSchema"
            ),
            ("load/dropped-32", "#/tags/1/parent"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn openapi_32_event_streams_name_their_events_through_item_schema() {
    let l = load_ok("crates/gen/tests/fixtures/events-32.yaml");
    let stream = |path: &str| {
        l.document["paths"][path]["get"]["responses"]["200"]["content"]["text/event-stream"].clone()
    };
    // The item is the payload: the stream is the array of payloads.
    assert_eq!(
        stream("/prices"),
        json!({"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Price"}}})
    );
    // The item is the event (3.2's way): its `data` is the payload ...
    assert_eq!(
        stream("/trades")["schema"]["items"],
        json!({"$ref": "#/components/schemas/Trade"})
    );
    assert_eq!(stream("/log")["schema"]["items"], json!({"type": "string"}));
    // ... also through a `$ref`, and string-encoded JSON names its `contentSchema`.
    assert_eq!(
        stream("/orders")["schema"]["items"],
        json!({"$ref": "#/components/schemas/Order"})
    );
    assert!(
        l.warnings.iter().all(|w| !w.message.contains("itemSchema")),
        "{:?}",
        l.warnings
    );
}
