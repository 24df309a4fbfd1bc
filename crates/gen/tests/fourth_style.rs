//! A fourth response style is one style module, one template folder and one registry line
//! (issue #13, point 6; `docs/adding-a-style.md`). This test proves it with `terse`, a style
//! that exists only here:
//!
//! - success bodies `{"ok": <resource>}`, list pages `{"ok": [...], "more": <bool>}` with the
//!   query parameters `page` and `per`, errors `{"err": {"code": "<kind>", "why": "<message>"}}`;
//! - the spec side is [`Terse`], an [`apigen_spec::style::Style`] (what `apply`, `lint` and
//!   the generator ask of a style), passed to them directly instead of through the registry
//!   (`apigen_spec::style::STYLES`, which is what `--style` looks names up in);
//! - the runtime side is the template folder `tests/fixtures-style/`, whose
//!   `styles/terse/style.rs.jinja` the generator renders to the crate's `src/style.rs` in
//!   place of a runtime module (`crates/runtime/src/<style>.rs`).
//!
//! The crates generated from `specs/examples/widgets.yaml` (the runtime vendored, and the
//! runtime a dependency as with `--runtime-dep`) are built with `#![deny(warnings)]` in a
//! scratch workspace, and each runs its own test (`tests/fixtures-style/widgets_terse_http.rs`),
//! which serves the generated router on loopback and calls it with raw requests and through
//! the generated client. The dependencies build in `APIGEN_TARGET_DIR` (default
//! `$HOME/.cache/apigen-target`, the warmed one that `scripts/check-snapshots.sh` also uses).

use std::path::{Path, PathBuf};
use std::process::Command;

use apigen_spec::shape::OperationShape;
use apigen_spec::style::{
    error_case, error_response_name, Body, NamedSchema, PaginationParameter, Refs, ResourceNames,
    Style, Wrap,
};
use openapiv3::{Components, Schema};
use serde_json::{json, Value};

/// The `terse` style, spec side.
struct Terse;

/// Every error status the style's components have a response for.
const STATUSES: &[u16] = &[400, 401, 402, 403, 404, 405, 413, 429, 500, 503];

/// The header every response carries (`apply` declares it on every response).
const REQUEST_ID: &str = "X-Request-Id";

impl Style for Terse {
    fn name(&self) -> &'static str {
        "terse"
    }

    fn summary(&self) -> &'static str {
        "{ok: resource} bodies; {ok: [...], more} pages with page/per; {err: {code, why}} errors"
    }

    fn components(&self) -> Components {
        let mut components = json!({
            "schemas": {
                "Problem": {
                    "type": "object",
                    "description": "What went wrong.",
                    "required": ["code", "why"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "description": "For programs: `request_invalid`, `token_missing`, `not_found` (or `<resource>_not_found`), ...",
                            "example": "not_found"
                        },
                        "why": {
                            "type": "string",
                            "description": "For people.",
                            "example": "no widget with id `wdg_9`"
                        }
                    }
                },
                "Error": {
                    "type": "object",
                    "description": "Every terse error body.",
                    "required": ["err"],
                    "properties": {"err": {"$ref": "#/components/schemas/Problem"}}
                }
            },
            "parameters": {
                "Page": {
                    "name": "page",
                    "in": "query",
                    "required": false,
                    "description": "The 1-based page to return; a page past the end is empty.",
                    "schema": {"type": "integer", "minimum": 1, "default": 1}
                },
                "Per": {
                    "name": "per",
                    "in": "query",
                    "required": false,
                    "description": "How many items a page holds.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
                }
            },
            "headers": {
                REQUEST_ID: {
                    "description": "The request's id, echoed from the request's `X-Request-Id` when it sent one, else generated.",
                    "required": true,
                    "schema": {"type": "string"}
                },
                "Location": {
                    "description": "The URL of the created resource.",
                    "required": true,
                    "schema": {"type": "string"}
                },
                "Allow": {
                    "description": "The methods the path accepts, comma-separated.",
                    "required": true,
                    "schema": {"type": "string"}
                },
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "required": true,
                    "schema": {"type": "integer", "minimum": 0}
                }
            },
            "responses": {}
        });
        // What the built-in styles' (crate-private) `add_error_responses` does, from the
        // public vocabulary: one response per status, the body `Error`.
        for case in STATUSES.iter().filter_map(|s| error_case(*s)) {
            let name = error_response_name(case.status).expect("a named status");
            let mut headers = json!({ REQUEST_ID: {"$ref": "#/components/headers/X-Request-Id"} });
            match case.status {
                405 => headers["Allow"] = json!({"$ref": "#/components/headers/Allow"}),
                429 => headers["Retry-After"] = json!({"$ref": "#/components/headers/Retry-After"}),
                _ => {}
            }
            components["responses"][name] = json!({
                "description": case.description,
                "headers": headers,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"},
                    "example": {"err": {"code": case.kind(), "why": case.message}}
                }}
            });
        }
        serde_json::from_value(components).expect("the terse components are OpenAPI")
    }

    fn pagination(&self) -> &'static [PaginationParameter] {
        &[
            PaginationParameter {
                component: "Page",
                name: "page",
            },
            PaginationParameter {
                component: "Per",
                name: "per",
            },
        ]
    }

    fn list_headers(&self) -> &'static [&'static str] {
        &[REQUEST_ID]
    }

    fn error_headers(&self) -> &'static [&'static str] {
        &[REQUEST_ID]
    }

    fn error_schema(&self) -> &'static str {
        "Error"
    }

    fn statuses(&self) -> &'static [u16] {
        STATUSES
    }

    /// A resource travels under `ok`, a page under `ok` beside `more`; a success without
    /// content stays as it is. Every success keeps the status the source declares, which
    /// is the one the generated server passes to the runtime's renderers and the terse
    /// module answers with; a create declared `201` carries `Location`.
    fn wrap(&self, shape: &OperationShape<'_>, names: &ResourceNames, _refs: &Refs) -> Wrap {
        let mut headers = vec![REQUEST_ID];
        let status = shape.success_status;
        if shape.is_create && !shape.is_list && shape.success_schema.is_some() && status == 201 {
            headers.push("Location");
        }
        let item = match (shape.list_item, shape.success_schema) {
            (Some(item), _) => Some(serde_json::to_value(item).expect("a schema")),
            (None, Some(_)) if shape.is_list => Some(json!({})),
            (None, Some(body)) => Some(serde_json::to_value(body).expect("a schema")),
            (None, None) => None,
        };
        let named = |suffix: &str, schema: Value| {
            Body::Named(Box::new(NamedSchema {
                names: vec![
                    format!("{}{suffix}", names.item),
                    format!("{}{}{suffix}", names.operation, names.item),
                ],
                schema: serde_json::from_value::<Schema>(schema).expect("a schema"),
            }))
        };
        let body = match item {
            None => Body::Keep,
            Some(item) if shape.is_list => named(
                "ListOk",
                json!({
                    "type": "object",
                    "description": format!("A page of `{}`, terse.", names.item),
                    "required": ["ok", "more"],
                    "properties": {
                        "ok": {"type": "array", "items": item},
                        "more": {"type": "boolean", "description": "Whether a page follows."}
                    }
                }),
            ),
            Some(item) => named(
                "Ok",
                json!({
                    "type": "object",
                    "description": format!("One `{}`, terse.", names.item),
                    "required": ["ok"],
                    "properties": {"ok": item}
                }),
            ),
        };
        Wrap {
            status,
            body,
            headers,
            request: None,
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The template folder holding `styles/terse/style.rs.jinja`.
fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures-style")
}

fn widgets() -> apigen_spec::Loaded {
    apigen_spec::load(&root().join("specs/examples/widgets.yaml")).expect("the widgets spec loads")
}

/// The spec layer takes the style as it takes a built-in one: its components publish,
/// `apply` writes the terse wire spec (idempotently), `lint` finds nothing wrong.
#[test]
fn terse_is_a_style_to_apply_and_lint() {
    let components = Terse.components();
    assert!(components.schemas.contains_key(Terse.error_schema()));
    for status in Terse.statuses() {
        let name = error_response_name(*status).expect("a named status");
        assert!(components.responses.contains_key(name), "lacks {name}");
    }
    for p in Terse.pagination() {
        assert!(components.parameters.contains_key(p.component));
    }
    let published = apigen_spec::style::components_document(&Terse);
    assert_eq!(published.extensions["x-apigen-style"], "terse");

    let loaded = widgets();
    let wire = apigen_spec::apply::apply(&loaded.spec, &Terse, None).expect("apply");
    let again = apigen_spec::apply::apply(&wire, &Terse, None).expect("apply again");
    assert_eq!(wire, again, "apply is idempotent");
    let wire = serde_json::to_value(&wire).expect("JSON");
    assert_eq!(wire["x-apigen-style"], "terse");
    let at = |pointer: &str| {
        wire.pointer(pointer)
            .unwrap_or_else(|| panic!("the wire spec has no {pointer}"))
    };
    let list = "/paths/~1widgets/get";
    let parameters: Vec<&Value> = at(&format!("{list}/parameters"))
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| &p["$ref"])
        .collect();
    assert_eq!(
        parameters,
        [
            &json!("#/components/parameters/Page"),
            &json!("#/components/parameters/Per")
        ]
    );
    assert_eq!(
        at(&format!(
            "{list}/responses/200/content/application~1json/schema/$ref"
        )),
        "#/components/schemas/WidgetListOk"
    );
    let page = at("/components/schemas/WidgetListOk");
    assert_eq!(page["required"], json!(["ok", "more"]));
    assert_eq!(
        page["properties"]["ok"]["items"]["$ref"],
        "#/components/schemas/Widget"
    );
    let create = "/paths/~1widgets/post/responses/201";
    assert_eq!(
        at(&format!("{create}/content/application~1json/schema/$ref")),
        "#/components/schemas/WidgetOk"
    );
    assert!(at(&format!("{create}/headers")).get("Location").is_some());
    assert_eq!(
        at("/components/schemas/WidgetOk/properties/ok/$ref"),
        "#/components/schemas/Widget"
    );
    let delete = at("/paths/~1widgets~1{widget_id}/delete/responses/204");
    assert!(delete.get("content").is_none(), "{delete}");
    assert_eq!(
        at("/paths/~1widgets~1{widget_id}/get/responses/404/$ref"),
        "#/components/responses/NotFound"
    );
    let not_found = at("/components/responses/NotFound/content/application~1json");
    assert_eq!(not_found["schema"]["$ref"], "#/components/schemas/Error");
    assert_eq!(not_found["example"]["err"]["code"], "not_found");

    let errors: Vec<_> = apigen_spec::lint::lint(&loaded.spec, Some(&Terse))
        .into_iter()
        .filter(|d| d.severity == apigen_spec::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

fn run(command: &mut Command) {
    let output = command.output().expect("run cargo");
    assert!(
        output.status.success(),
        "{command:?} failed\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Generates the widgets crate `name` in the terse style, with its runtime `runtime`, and
/// checks that the style's module is the template folder's, not the runtime's.
fn generate(name: &str, runtime: apigen_gen::Runtime) -> Vec<apigen_gen::GeneratedFile> {
    let vendored = runtime == apigen_gen::Runtime::Vendored;
    let options = apigen_gen::Options {
        crate_name: Some(name.to_owned()),
        templates: Some(templates()),
        runtime,
        ..apigen_gen::Options::default()
    };
    let generated = apigen_gen::generate(&widgets(), &Terse, &options).expect("generate");
    let file = |path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents.as_str())
    };
    let lib = file("src/lib.rs").expect("lib.rs");
    assert!(lib.contains("pub mod style;"), "{lib}");
    assert!(!lib.contains("runtime::terse"), "{lib}");
    let style = file("src/style.rs").expect("the style's module is rendered to src/style.rs");
    assert!(style.contains("impl ServerStyle for super::Style"));
    let runtime = file("src/runtime/mod.rs");
    assert_eq!(runtime.is_some(), vendored);
    assert!(
        !runtime.unwrap_or_default().contains("mod terse"),
        "{runtime:?}"
    );
    for builtin in ["enveloped", "plain", "result", "terse"] {
        let path = format!("src/runtime/{builtin}.rs");
        assert!(file(&path).is_none(), "the crate vendors {path}");
    }
    generated.files
}

/// The generator takes the style's module from the template folder, and the crates it
/// writes (the runtime vendored, and the runtime a dependency) compile without warnings,
/// serve and call in terse shape.
#[test]
fn a_style_from_a_template_folder_generates_a_crate_that_answers_in_its_shape() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fourth-style");
    let _ = std::fs::remove_dir_all(&work);
    let runtime_crate = root().join("crates/runtime");
    let runtime_crate = runtime_crate.canonicalize().unwrap_or(runtime_crate);
    let dependency = format!("{{ path = {:?} }}", runtime_crate.display().to_string());
    let crates = [
        ("widgets-terse", apigen_gen::Runtime::Vendored),
        (
            "widgets-terse-dep",
            apigen_gen::Runtime::dependency(&dependency).expect("a dependency"),
        ),
    ];
    let test = std::fs::read_to_string(templates().join("widgets_terse_http.rs"))
        .expect("read the crate's test");
    let mut members = Vec::new();
    for (name, runtime) in crates {
        let out = work.join(name);
        let files = generate(name, runtime);
        apigen_gen::output::write(&out, &files, false).expect("write the crate");
        // Warnings are errors, as in `scripts/check-snapshots.sh`.
        let lib_rs = out.join("src/lib.rs");
        let lib = std::fs::read_to_string(&lib_rs).expect("read lib.rs");
        std::fs::write(&lib_rs, format!("#![deny(warnings)]\n{lib}")).expect("write lib.rs");
        // What the test needs beyond the crate's own dependencies (with `--runtime-dep`,
        // tokio is the runtime crate's).
        let manifest = out.join("Cargo.toml");
        let mut toml = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
        toml.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"net\"] }\n",
        );
        std::fs::write(&manifest, toml).expect("write Cargo.toml");
        let tests = out.join("tests");
        std::fs::create_dir_all(&tests).expect("tests folder");
        let test = test.replace("widgets_terse::", &format!("{}::", name.replace('-', "_")));
        std::fs::write(tests.join("http.rs"), test).expect("write the test");
        members.push(format!("{name:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(work.join("Cargo.toml"), manifest).expect("write the manifest");
    // Resolve to the versions the warmed target directory was built with.
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let warm_lock = home.join(".cache/warm/Cargo.lock");
    if warm_lock.is_file() {
        std::fs::copy(&warm_lock, work.join("Cargo.lock")).expect("copy the lock file");
    }
    let target = std::env::var_os("APIGEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cache/apigen-target"));
    run(Command::new(env!("CARGO"))
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--quiet", "--workspace"]));
}
