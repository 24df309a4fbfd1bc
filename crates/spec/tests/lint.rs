//! `lint`: the examples are clean in every style; each rule fires where it should, with
//! its pointer (snapshotted).

use apigen_spec::lint::lint;
use apigen_spec::style::{self, STYLES};
use apigen_spec::Diagnostic;
use openapiv3::OpenAPI;
use std::path::Path;

const FLAWED: &str = r##"
openapi: 3.0.3
info: {title: Flawed, version: "1"}
security: [{key: []}]
paths:
  /widgets:
    x-apigen-collection: ""
    get:
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: after, in: query, schema: {type: string}}
      responses:
        "200":
          description: widgets
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    id: {type: string}
        "404":
          description: not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
    post:
      operationId: createWidget
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string}
      responses:
        "201":
          description: created, but says nothing about the body
  /widgets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    delete:
      operationId: deleteWidget
      responses:
        "404":
          $ref: "#/components/responses/NotFound"
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Problem:
      type: object
      properties:
        title: {type: string}
"##;

fn flawed() -> OpenAPI {
    serde_yaml::from_str(FLAWED).expect("fixture parses")
}

fn render(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{:?} {} at {}\n  {}\n  help: {}\n",
                d.severity,
                d.code,
                d.pointer.as_deref().unwrap_or("-"),
                d.message,
                d.help.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn codes(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// Warnings an example raises on purpose: `hostile.yaml` has an inline request body to
/// exercise the generator's synthetic names; `fieldwork.yaml`'s `assignJobCrew` creates
/// and answers 200, to show what the enveloped and plain styles make of that (201).
const INTENDED: &[(&str, &str)] = &[
    ("hostile", "lint/inline-object-schema"),
    ("fieldwork", "lint/create-status"),
];

#[test]
fn examples_lint_clean_in_every_style() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        seen += 1;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let unintended = |diags: Vec<Diagnostic>| -> Vec<Diagnostic> {
            diags
                .into_iter()
                .filter(|d| !INTENDED.contains(&(stem.as_str(), d.code.as_str())))
                .collect()
        };
        let loaded = apigen_spec::load(&path).expect("loads");
        let plain = unintended(lint(&loaded.spec, None));
        assert!(plain.is_empty(), "{}:\n{}", path.display(), render(&plain));
        for style in STYLES {
            let diags = unintended(lint(&loaded.spec, Some(*style)));
            assert!(
                diags.is_empty(),
                "{} in {}:\n{}",
                path.display(),
                style.name(),
                render(&diags)
            );
        }
    }
    assert!(seen >= 4);
}

#[test]
fn style_independent_rules() {
    let diags = lint(&flawed(), None);
    let codes = codes(&diags);
    for code in [
        "lint/invalid-collection-key",
        "lint/missing-operation-id",
        "lint/inline-object-schema",
        "lint/success-without-schema",
        "lint/no-success-response",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    assert!(
        !codes.contains(&"lint/pagination-param-clash"),
        "needs a style"
    );
    assert!(
        !codes.contains(&"lint/error-response-contradicts-style"),
        "needs a style"
    );
}

#[test]
fn flawed_spec_in_each_style() {
    let spec = flawed();
    for style in STYLES {
        let diags = lint(&spec, Some(*style));
        insta::with_settings!({
            snapshot_path => "../../../snapshots/lint",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(format!("flawed.{}", style.name()), render(&diags));
        });
    }
}

#[test]
fn pagination_clash_names_the_styles_parameter() {
    let spec = flawed();
    let clashes = |name: &str| -> Vec<String> {
        lint(&spec, style::find(name))
            .into_iter()
            .filter(|d| d.code == "lint/pagination-param-clash")
            .filter_map(|d| d.pointer)
            .collect()
    };
    assert_eq!(clashes("enveloped"), ["#/paths/~1widgets/get/parameters/0"]);
    assert_eq!(clashes("plain"), ["#/paths/~1widgets/get/parameters/1"]);
    assert_eq!(clashes("result"), ["#/paths/~1widgets/get/parameters/0"]);
}

#[test]
fn the_styles_own_error_responses_do_not_contradict_it() {
    for style in STYLES {
        let contradictions: Vec<String> = lint(&flawed(), Some(*style))
            .into_iter()
            .filter(|d| d.code == "lint/error-response-contradicts-style")
            .filter_map(|d| d.pointer)
            .collect();
        // The `Problem` 404 contradicts every style; the `$ref` to the style's NotFound does not.
        assert_eq!(
            contradictions,
            ["#/paths/~1widgets/get/responses/404"],
            "{}",
            style.name()
        );
    }
}

#[test]
fn a_wire_spec_lints_clean_in_its_style() {
    let source = apigen_spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples/widgets.yaml"),
    )
    .expect("loads")
    .spec;
    for style in STYLES {
        let wire = apigen_spec::apply::apply(&source, *style, None).expect("applies");
        let diags = lint(&wire, Some(*style));
        assert!(diags.is_empty(), "{}:\n{}", style.name(), render(&diags));
    }
}

#[test]
fn a_wire_spec_with_external_components_lints_clean() {
    let source = apigen_spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples/media.yaml"),
    )
    .expect("loads")
    .spec;
    for style in STYLES {
        let url = format!("https://specs.test/{}.yaml", style.name());
        let wire = apigen_spec::apply::apply(&source, *style, Some(&url)).expect("applies");
        let diags = lint(&wire, Some(*style));
        assert!(diags.is_empty(), "{}:\n{}", style.name(), render(&diags));
    }
}

/// An error response declared without content is no contradiction: `apply` gives it the
/// style's error body and keeps its description.
#[test]
fn an_error_response_without_content_does_not_contradict_the_style() {
    let spec: OpenAPI = serde_yaml::from_str(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /gadgets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getGadget
      responses:
        "200":
          description: The gadget.
          content: {application/json: {schema: {type: string}}}
        "404": {description: No such gadget}
        "409":
          description: Taken
          content: {application/json: {schema: {type: string}}}
"##,
    )
    .expect("parses");
    for style in STYLES {
        let contradictions: Vec<String> = lint(&spec, Some(*style))
            .into_iter()
            .filter(|d| d.code == "lint/error-response-contradicts-style")
            .filter_map(|d| d.pointer)
            .collect();
        assert_eq!(
            contradictions,
            ["#/paths/~1gadgets~1{id}/get/responses/409"],
            "{}",
            style.name()
        );
    }
}
