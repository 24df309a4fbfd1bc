//! `apply`: the wire spec of every example in every style (snapshotted), idempotence,
//! and the wire conventions of each style.

use apigen_spec::apply::apply;
use apigen_spec::style::{self, STYLES};
use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("examples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the examples are missing");
    files
}

fn load(path: &Path) -> OpenAPI {
    apigen_spec::load(path).expect("example loads").spec
}

fn example(name: &str) -> OpenAPI {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/examples/{name}.yaml")))
}

fn wire(name: &str, style: &str) -> OpenAPI {
    let style = style::find(style).expect("style");
    apply(&example(name), style, None).expect("applies")
}

fn statuses(spec: &OpenAPI, path: &str, method: &str) -> Vec<String> {
    let op = operation(spec, path, method);
    op.responses
        .responses
        .keys()
        .map(|k| k.to_string())
        .collect()
}

fn operation<'a>(spec: &'a OpenAPI, path: &str, method: &str) -> &'a openapiv3::Operation {
    spec.operations()
        .find(|(p, m, _)| *p == path && *m == method)
        .map(|(_, _, op)| op)
        .expect("operation")
}

fn success_ref(spec: &OpenAPI, path: &str, method: &str, status: u16) -> String {
    let op = operation(spec, path, method);
    let response = op.responses.responses[&StatusCode::Code(status)]
        .as_item()
        .expect("inline success");
    match response.content["application/json"].schema.as_ref() {
        Some(ReferenceOr::Reference { reference }) => reference.clone(),
        other => panic!("expected a $ref, got {other:?}"),
    }
}

fn schema_json(spec: &OpenAPI, name: &str) -> serde_json::Value {
    let c = spec.components.as_ref().expect("components");
    serde_json::to_value(&c.schemas[name]).expect("json")
}

#[test]
fn wire_specs_of_every_example_in_every_style() {
    for path in examples() {
        let source = load(&path);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        for style in STYLES {
            let wire = apply(&source, *style, None).expect("applies");
            assert_eq!(wire.openapi, "3.0.3");
            let yaml = apigen_spec::yaml::to_string(&wire).expect("serialises");
            insta::with_settings!({
                snapshot_path => "../../../snapshots/apply",
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(format!("{stem}.{}", style.name()), yaml);
            });
        }
    }
}

#[test]
fn apply_is_idempotent_for_every_example_and_style() {
    for path in examples() {
        let source = load(&path);
        for style in STYLES {
            for components_ref in [None, Some("https://specs.test/components.yaml")] {
                let once = apply(&source, *style, components_ref).expect("applies");
                // Through text, as a user would run it on the written file.
                let text = apigen_spec::yaml::to_string(&once).expect("serialises");
                let reread: OpenAPI = serde_yaml::from_str(&text).expect("reparses");
                let twice = apply(&reread, *style, components_ref).expect("applies again");
                assert!(
                    once == twice,
                    "{} in {} (components_ref {components_ref:?}) changed on the second apply",
                    path.display(),
                    style.name()
                );
            }
        }
    }
}

#[test]
fn enveloped_success_bodies_have_null_error_and_required_data() {
    let spec = wire("widgets", "enveloped");
    assert_eq!(
        success_ref(&spec, "/widgets/{widget_id}", "get", 200),
        "#/components/schemas/WidgetEnvelope"
    );
    assert_eq!(
        success_ref(&spec, "/widgets", "get", 200),
        "#/components/schemas/WidgetListEnvelope"
    );
    let envelope = schema_json(&spec, "WidgetEnvelope");
    assert_eq!(
        envelope["required"],
        serde_json::json!(["meta", "data", "error", "links"])
    );
    assert_null_only(&envelope["properties"]["error"], "success body");
    assert_eq!(
        envelope["properties"]["data"]["$ref"],
        "#/components/schemas/Widget"
    );
    let list = schema_json(&spec, "WidgetListEnvelope");
    assert_eq!(
        list["properties"]["meta"]["$ref"],
        "#/components/schemas/ListMeta"
    );
    assert_eq!(list["properties"]["data"]["type"], "array");
    let links = schema_json(&spec, "ListLinks");
    assert_eq!(links["properties"]["next"]["nullable"], true);
    assert_eq!(links["properties"]["prev"]["nullable"], true);
    // Creates answer 201 with Location; every response echoes X-Request-Id.
    let create = operation(&spec, "/widgets", "post");
    let created = create.responses.responses[&StatusCode::Code(201)]
        .as_item()
        .expect("inline");
    assert!(created.headers.contains_key("Location"));
    assert!(created.headers.contains_key("X-Request-Id"));
    // Pagination parameters on the list.
    let params: Vec<String> = operation(&spec, "/widgets", "get")
        .parameters
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        })
        .collect();
    assert_eq!(
        params,
        [
            "#/components/parameters/Page",
            "#/components/parameters/Limit"
        ]
    );
    // Every response carries the envelope: the 204 of a delete is a 200 with `data: null`.
    assert_eq!(statuses(&spec, "/widgets/{widget_id}", "delete")[0], "200");
    assert_eq!(
        success_ref(&spec, "/widgets/{widget_id}", "delete", 200),
        "#/components/schemas/EmptyEnvelope"
    );
    let empty = schema_json(&spec, "EmptyEnvelope");
    assert_eq!(
        empty["required"],
        serde_json::json!(["meta", "data", "error", "links"])
    );
    assert_null_only(&empty["properties"]["data"], "no resource");
    assert_null_only(&empty["properties"]["error"], "success body");
    assert_eq!(
        empty["properties"]["meta"]["$ref"],
        "#/components/schemas/ObjectMeta"
    );
}

/// `schema` is the form `apply` writes for "always null here": `type: object, nullable:
/// true, maxProperties: 0` (openapi-generator's typescript-fetch cannot generate a model
/// holding `enum: [null]`), with a description that says so and mentions `what`.
fn assert_null_only(schema: &serde_json::Value, what: &str) {
    let mut form = schema.clone();
    let description = form
        .as_object_mut()
        .and_then(|o| o.remove("description"))
        .unwrap_or_default();
    assert_eq!(
        form,
        serde_json::json!({"type": "object", "nullable": true, "maxProperties": 0})
    );
    let description = description.as_str().unwrap_or_default();
    assert!(
        description.starts_with("Always null") && description.contains(what),
        "{description}"
    );
}

#[test]
fn plain_keeps_bodies_and_adds_list_headers() {
    let spec = wire("widgets", "plain");
    let list = operation(&spec, "/widgets", "get");
    let ok = list.responses.responses[&StatusCode::Code(200)]
        .as_item()
        .expect("inline");
    let headers: Vec<&str> = ok.headers.keys().map(String::as_str).collect();
    assert_eq!(headers, ["X-Request-Id", "Link", "Has-More", "Limit"]);
    let body = serde_json::to_value(&ok.content["application/json"].schema).expect("json");
    assert_eq!(body["type"], "array");
    assert_eq!(body["items"]["$ref"], "#/components/schemas/Widget");
    let names: Vec<String> = list
        .parameters
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Reference { reference } => {
                reference.rsplit('/').next().map(str::to_string)
            }
            ReferenceOr::Item(_) => None,
        })
        .collect();
    assert_eq!(names, ["Limit", "After", "Before", "Order"]);
    assert_eq!(
        success_ref(&spec, "/widgets/{widget_id}", "get", 200),
        "#/components/schemas/Widget"
    );
}

#[test]
fn result_wraps_collections_and_answers_writes_with_200() {
    let spec = wire("widgets", "result");
    assert_eq!(statuses(&spec, "/widgets", "post")[0], "200");
    assert!(!statuses(&spec, "/widgets", "post").contains(&"201".to_string()));
    assert!(statuses(&spec, "/widgets", "post").contains(&"422".to_string()));
    // A list's page parameters may be out of range, and an id may break its schema
    // (`maxLength`): both are 422 failures naming the parameter.
    assert!(statuses(&spec, "/widgets", "get").contains(&"422".to_string()));
    assert!(statuses(&spec, "/widgets/{widget_id}", "get").contains(&"422".to_string()));
    // 204 becomes a 200 with an empty collection (wire decision 1).
    assert_eq!(statuses(&spec, "/widgets/{widget_id}", "delete")[0], "200");
    let empty = schema_json(
        &spec,
        &success_ref(&spec, "/widgets/{widget_id}", "delete", 200)["#/components/schemas/".len()..],
    );
    assert_eq!(empty["properties"]["widgets"]["maxItems"], 0);
    // Reads: a page, or a one-element collection.
    let page = schema_json(&spec, "WidgetsResult");
    assert_eq!(
        page["properties"]["metadata"]["$ref"],
        "#/components/schemas/ReadMetadata"
    );
    assert_eq!(
        page["properties"]["result"]["enum"],
        serde_json::json!(["success"])
    );
    let one = schema_json(&spec, "WidgetResult");
    assert_eq!(one["properties"]["widgets"]["maxItems"], 1);
    assert_eq!(one["properties"]["widgets"]["minItems"], 1);
    // Write bodies are wrapped in the collection key; one item when the path addresses one.
    let create = operation(&spec, "/widgets", "post");
    let body = serde_json::to_value(create.request_body.as_ref().expect("body")).expect("json");
    assert_eq!(
        body["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CreateWidgetRequest"
    );
    let request = schema_json(&spec, "CreateWidgetRequest");
    assert_eq!(request["required"], serde_json::json!(["widgets"]));
    assert_eq!(
        request["properties"]["widgets"]["items"]["$ref"],
        "#/components/schemas/WidgetInput"
    );
    let update = schema_json(&spec, "UpdateWidgetRequest");
    assert_eq!(update["properties"]["widgets"]["maxItems"], 1);
    // Every GET answers all four paging facts (DIALECTS.md rev. 2).
    let meta = schema_json(&spec, "ReadMetadata");
    assert_eq!(
        meta["required"],
        serde_json::json!(["page", "recordsPerPage", "pagesCount", "recordsCount"])
    );
    // `Error.code` is an integer of any size.
    let code = &schema_json(&spec, "Error")["properties"]["code"];
    assert_eq!(code["type"], "integer");
    for bound in ["format", "maximum", "minimum"] {
        assert!(
            code.get(bound).is_none(),
            "Error.code has a {bound}: {code}"
        );
    }
}

#[test]
fn result_uses_the_collection_extension() {
    let spec = wire("fieldwork", "result");
    let crew = schema_json(
        &spec,
        &success_ref(&spec, "/jobs/{job_id}/crew", "get", 200)["#/components/schemas/".len()..],
    );
    assert!(crew["properties"]["users"].is_object(), "{crew}");
    // 202 is kept in every style.
    let media = wire("media", "result");
    assert_eq!(statuses(&media, "/files/{file_id}/tasks", "post")[0], "202");
}

#[test]
fn error_statuses_follow_the_operation() {
    let widgets = wire("widgets", "plain");
    assert_eq!(
        statuses(&widgets, "/widgets", "get"),
        ["200", "400", "401", "403", "405", "429", "500", "503"]
    );
    assert_eq!(
        statuses(&widgets, "/widgets/{widget_id}", "patch"),
        ["200", "400", "401", "403", "404", "405", "413", "429", "500", "503"]
    );
    // An unsecured API gets no 401/403.
    let shapes = wire("shapes", "plain");
    assert_eq!(
        statuses(&shapes, "/shapes/{shape_id}", "get"),
        ["200", "400", "404", "405", "429", "500", "503"]
    );
    // 405 carries Allow and 429 Retry-After in every style.
    for style in STYLES {
        let c = style.components();
        for (name, header) in [
            ("MethodNotAllowed", "Allow"),
            ("TooManyRequests", "Retry-After"),
        ] {
            let r = c.responses[name].as_item().expect("inline");
            assert!(r.headers.contains_key(header), "{} {name}", style.name());
        }
    }
}

#[test]
fn components_ref_points_at_the_published_file() {
    let url = "https://specs.test/enveloped.yaml";
    let spec = apply(
        &example("widgets"),
        style::find("enveloped").expect("style"),
        Some(url),
    )
    .expect("applies");
    let c = spec.components.as_ref().expect("components");
    assert!(
        !c.schemas.contains_key("ErrorEnvelope"),
        "components must not be inlined"
    );
    assert!(c.responses.is_empty());
    let text = apigen_spec::yaml::to_string(&spec).expect("yaml");
    assert!(text.contains("https://specs.test/enveloped.yaml#/components/responses/NotFound"));
    assert!(text.contains("https://specs.test/enveloped.yaml#/components/schemas/ObjectMeta"));
    assert!(!text.contains("'#/components/responses/"));
}

#[test]
fn only_used_style_components_are_inlined() {
    let spec = wire("widgets", "enveloped");
    let c = spec.components.as_ref().expect("components");
    // No operation answers 402, so PaymentRequired is left to the published components.
    assert!(!c.responses.contains_key("PaymentRequired"));
    assert!(c.responses.contains_key("NotFound"));
}

#[test]
fn a_name_the_spec_uses_gets_the_style_prefix() {
    let mut spec = example("widgets");
    let mine: ReferenceOr<openapiv3::Schema> =
        serde_yaml::from_str("{type: object, properties: {code: {type: integer}}}")
            .expect("schema");
    let schemas = &mut spec.components.as_mut().expect("components").schemas;
    schemas.insert("Error".into(), mine.clone());
    let plain = style::find("plain").expect("style");
    let wire = apply(&spec, plain, None).expect("applies");
    let c = wire.components.as_ref().expect("components");
    assert_eq!(
        c.schemas["Error"], mine,
        "the spec's own Error is untouched"
    );
    assert!(c.schemas.contains_key("PlainError"));
    let not_found = serde_json::to_value(&c.responses["NotFound"]).expect("json");
    assert_eq!(
        not_found["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PlainError"
    );
    assert_eq!(not_found["x-apigen-component"], "plain/NotFound");
    // Applying again finds the renamed component and changes nothing.
    assert!(apply(&wire, plain, None).expect("applies again") == wire);
    // The lint says what happened.
    let notes = apigen_spec::lint::lint(&spec, Some(plain));
    assert_eq!(
        notes.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["apply/component-renamed"]
    );
}

#[test]
fn a_clash_with_the_prefixed_name_too_is_an_error_with_a_pointer() {
    let mut spec = example("widgets");
    let mine: ReferenceOr<openapiv3::Schema> =
        serde_yaml::from_str("{type: object, properties: {code: {type: integer}}}")
            .expect("schema");
    let schemas = &mut spec.components.as_mut().expect("components").schemas;
    schemas.insert("Error".into(), mine.clone());
    schemas.insert("PlainError".into(), mine);
    let errors = apply(&spec, style::find("plain").expect("style"), None).expect_err("clashes");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "apply/component-clash");
    assert_eq!(
        errors[0].pointer.as_deref(),
        Some("#/components/schemas/Error")
    );
    // Referencing the published components instead avoids the clash.
    assert!(apply(&spec, style::find("plain").expect("style"), Some("c.yaml")).is_ok());
}

#[test]
fn own_pagination_parameter_is_not_duplicated() {
    let mut spec = example("widgets");
    let param: ReferenceOr<openapiv3::Parameter> =
        serde_yaml::from_str("{name: limit, in: query, schema: {type: integer}}").expect("param");
    spec.paths.paths["/widgets"]
        .as_item()
        .cloned()
        .map(|mut item| {
            if let Some(get) = item.get.as_mut() {
                get.parameters.push(param);
            }
            spec.paths
                .paths
                .insert("/widgets".into(), ReferenceOr::Item(item));
        })
        .expect("path item");
    let wire = apply(&spec, style::find("enveloped").expect("style"), None).expect("applies");
    let list = operation(&wire, "/widgets", "get");
    assert_eq!(
        list.parameters.len(),
        2,
        "its own `limit` plus the style's `page`"
    );
}

#[test]
fn a_download_keeps_its_media_type_in_every_style() {
    let spec: OpenAPI = serde_yaml::from_str(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /files/{file_id}/content:
    get:
      operationId: downloadFile
      parameters:
        - {name: file_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the bytes
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
"#,
    )
    .expect("parses");
    for style in STYLES {
        let wire = apply(&spec, *style, None).expect("applies");
        let op = operation(&wire, "/files/{file_id}/content", "get");
        let ok = op.responses.responses[&StatusCode::Code(200)]
            .as_item()
            .expect("inline");
        let types: Vec<&str> = ok.content.keys().map(String::as_str).collect();
        assert_eq!(types, ["application/octet-stream"], "{}", style.name());
        assert!(op.responses.responses.contains_key(&StatusCode::Code(404)));
    }
}

#[test]
fn a_wire_spec_in_another_style_is_refused() {
    let enveloped = wire("widgets", "enveloped");
    let errors =
        apply(&enveloped, style::find("result").expect("style"), None).expect_err("refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "apply/already-applied");
    assert!(
        errors[0].message.contains("`enveloped` style"),
        "{}",
        errors[0].message
    );
}

/// A source spec that leaves the style's conventions out: a create answering 200, error
/// responses without content (inline, a range, a reference), a delete answering 204.
const GADGETS: &str = r##"
openapi: 3.0.3
info: {title: Gadgets, version: "1"}
paths:
  /gadgets:
    post:
      operationId: createGadget
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Gadget"}}}
      responses:
        "200":
          description: The gadget as saved.
          content: {application/json: {schema: {$ref: "#/components/schemas/Gadget"}}}
  /gadgets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getGadget
      responses:
        "200":
          description: The gadget.
          content: {application/json: {schema: {$ref: "#/components/schemas/Gadget"}}}
        "404": {description: No such gadget}
        "4XX": {description: Something else is wrong with the request}
        "429": {$ref: "#/components/responses/Slow"}
    delete:
      operationId: deleteGadget
      responses:
        "204": {description: Gone.}
components:
  responses:
    Slow: {description: Slow down}
  schemas:
    Gadget: {type: object, properties: {id: {type: string}}}
"##;

fn gadgets() -> OpenAPI {
    serde_yaml::from_str(GADGETS).expect("fixture parses")
}

fn response_json(spec: &OpenAPI, path: &str, method: &str, key: &str) -> serde_json::Value {
    let op = operation(spec, path, method);
    let responses = serde_json::to_value(&op.responses).expect("json");
    responses[key].clone()
}

#[test]
fn error_responses_declared_without_content_get_the_style_error_body() {
    for style in STYLES {
        let wire = apply(&gadgets(), *style, None).expect("applies");
        let body =
            |r: &serde_json::Value| r["content"]["application/json"]["schema"]["$ref"].clone();
        let schema = |name: &str| serde_json::json!(format!("#/components/schemas/{name}"));
        let not_found = response_json(&wire, "/gadgets/{id}", "get", "404");
        assert_eq!(
            not_found["description"],
            "No such gadget",
            "{}",
            style.name()
        );
        assert_eq!(
            body(&not_found),
            schema(style.error_schema_for(404)),
            "{}",
            style.name()
        );
        assert!(
            not_found["headers"]["X-Request-Id"].is_object(),
            "{not_found}"
        );
        let range = response_json(&wire, "/gadgets/{id}", "get", "4XX");
        assert_eq!(
            range["description"],
            "Something else is wrong with the request"
        );
        assert_eq!(
            body(&range),
            schema(style.error_schema()),
            "{}",
            style.name()
        );
        // A reference to the spec's own content-less response is written inline.
        let slow = response_json(&wire, "/gadgets/{id}", "get", "429");
        assert_eq!(slow["description"], "Slow down");
        assert_eq!(body(&slow), schema(style.error_schema_for(429)));
        assert!(slow["headers"]["Retry-After"].is_object(), "{slow}");
        // The schema it names is in the wire spec, and applying again changes nothing.
        let name = style.error_schema_for(404);
        assert!(wire
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(name)));
        assert!(apply(&wire, *style, None).expect("applies again") == wire);
    }
}

#[test]
fn creates_answer_201_with_location_in_enveloped_and_plain() {
    for style in STYLES {
        let wire = apply(&gadgets(), *style, None).expect("applies");
        let statuses = statuses(&wire, "/gadgets", "post");
        let expected = if style.name() == "result" {
            "200"
        } else {
            "201"
        };
        assert_eq!(statuses[0], expected, "{}", style.name());
        let created = response_json(&wire, "/gadgets", "post", expected);
        assert_eq!(created["description"], "The gadget as saved.");
        assert_eq!(
            created["headers"]["Location"].is_object(),
            style.name() != "result",
            "{}: {created}",
            style.name()
        );
        let warned: Vec<String> = apigen_spec::lint::lint(&gadgets(), Some(*style))
            .into_iter()
            .filter(|d| d.code == "lint/create-status")
            .filter_map(|d| d.pointer)
            .collect();
        let expected: &[&str] = if style.name() == "result" {
            &[]
        } else {
            &["#/paths/~1gadgets/post/responses/200"]
        };
        assert_eq!(warned, expected, "{}", style.name());
    }
}

#[test]
fn enveloped_never_answers_204() {
    let wire = apply(&gadgets(), style::find("enveloped").expect("style"), None).expect("applies");
    assert_eq!(statuses(&wire, "/gadgets/{id}", "delete")[0], "200");
    let gone = response_json(&wire, "/gadgets/{id}", "delete", "200");
    assert_eq!(gone["description"], "Gone.");
    assert_eq!(
        gone["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/EmptyEnvelope"
    );
    for name in ["plain", "result"] {
        let wire = apply(&gadgets(), style::find(name).expect("style"), None).expect("applies");
        let expected = if name == "plain" { "204" } else { "200" };
        assert_eq!(
            statuses(&wire, "/gadgets/{id}", "delete")[0],
            expected,
            "{name}"
        );
    }
}

/// Every response of every wire spec declares `X-Request-Id`: inline, or through the
/// response component it refers to.
#[test]
fn every_response_declares_x_request_id() {
    let mut specs: Vec<(String, OpenAPI)> = examples()
        .iter()
        .map(|p| (p.display().to_string(), load(p)))
        .collect();
    specs.push(("gadgets".into(), gadgets()));
    for (name, source) in specs {
        for style in STYLES {
            let wire = apply(&source, *style, None).expect("applies");
            let json = serde_json::to_value(&wire).expect("json");
            let header = json["components"]["headers"]["X-Request-Id"].clone();
            assert_eq!(
                header["schema"]["type"],
                "string",
                "{name} {}",
                style.name()
            );
            for (path, item) in json["paths"].as_object().expect("paths") {
                for (method, op) in item.as_object().expect("path item") {
                    let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                        continue;
                    };
                    for (status, response) in responses {
                        let response = match response["$ref"].as_str() {
                            Some(r) => json
                                .pointer(r.trim_start_matches('#'))
                                .cloned()
                                .unwrap_or_default(),
                            None => response.clone(),
                        };
                        assert_eq!(
                            response["headers"]["X-Request-Id"]["$ref"],
                            "#/components/headers/X-Request-Id",
                            "{name} {}: {method} {path} {status}",
                            style.name()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_declared_success_status_travels_in_the_style() {
    // `replaceWidget` declares `200` and `201`, each with `ETag`.
    let path = "/widgets/{widget_id}";
    let enveloped = wire("widgets", "enveloped");
    assert_eq!(
        success_ref(&enveloped, path, "put", 200),
        success_ref(&enveloped, path, "put", 201)
    );
    assert_eq!(
        success_ref(&enveloped, path, "put", 201),
        "#/components/schemas/WidgetEnvelope"
    );
    let plain = wire("widgets", "plain");
    assert_eq!(
        success_ref(&plain, path, "put", 201),
        "#/components/schemas/Widget"
    );
    let put = operation(&plain, path, "put");
    let created = put.responses.responses[&StatusCode::Code(201)]
        .as_item()
        .expect("inline");
    assert!(
        created.headers.contains_key("ETag"),
        "{:?}",
        created.headers
    );
    assert!(created.headers.contains_key("X-Request-Id"));
    // `result` has no `201`: the upsert answers `200` either way.
    let result = wire("widgets", "result");
    let put_statuses = statuses(&result, path, "put");
    assert!(put_statuses.contains(&"200".to_string()));
    assert!(
        !put_statuses.contains(&"201".to_string()),
        "{put_statuses:?}"
    );
}
