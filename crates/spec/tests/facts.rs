//! Each wire fact of a style is written once, in the runtime's style module (or its shared
//! error vocabulary): the published components, `apply`, `lint` and the server all take it
//! from there. The first test holds the components to the runtime; the second fails when a
//! fact is written again as a literal where it could drift.

use apigen_runtime::{enveloped, plain, result, vocabulary};
use apigen_spec::style;
use openapiv3::{ReferenceOr, SchemaKind, Type};
use std::path::Path;

/// A pagination parameter with a number: style, component, wire name, minimum, maximum,
/// default.
type NumericParameter = (
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    Option<i64>,
    i64,
);

fn numeric_parameters() -> Vec<NumericParameter> {
    vec![
        ("enveloped", "Page", enveloped::PAGE_PARAM, Some(1), None, 1),
        (
            "enveloped",
            "Limit",
            enveloped::LIMIT_PARAM,
            Some(1),
            Some(enveloped::MAX_LIMIT.into()),
            enveloped::DEFAULT_LIMIT.into(),
        ),
        (
            "plain",
            "Limit",
            plain::LIMIT_PARAM,
            Some(1),
            Some(plain::MAX_LIMIT.into()),
            plain::DEFAULT_LIMIT.into(),
        ),
        ("result", "Page", result::PAGE_PARAM, Some(1), None, 1),
        (
            "result",
            "RecordsPerPage",
            result::RECORDS_PER_PAGE_PARAM,
            Some(1),
            None,
            result::DEFAULT_LIMIT.into(),
        ),
    ]
}

#[test]
fn components_state_the_runtimes_facts() {
    for (name, component, wire_name, min, max, default) in numeric_parameters() {
        let style = style::find(name).expect("a built-in style");
        let components = style.components();
        let Some(ReferenceOr::Item(parameter)) = components.parameters.get(component) else {
            panic!("{name}: no parameter {component}");
        };
        let data = parameter.parameter_data_ref();
        assert_eq!(data.name, wire_name, "{name} {component}");
        let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format
        else {
            panic!("{name} {component}: no inline schema");
        };
        let SchemaKind::Type(Type::Integer(integer)) = &schema.schema_kind else {
            panic!("{name} {component}: not an integer");
        };
        assert_eq!(
            (integer.minimum, integer.maximum),
            (min, max),
            "{name} {component}"
        );
        assert_eq!(
            schema.schema_data.default,
            Some(default.into()),
            "{name} {component}"
        );
        let pagination: Vec<&str> = style.pagination().iter().map(|p| p.name).collect();
        assert!(pagination.contains(&wire_name), "{name}: {pagination:?}");
    }
    let plain_style = style::find("plain").expect("plain");
    let headers = plain_style.list_headers();
    for runtime_name in [plain::HAS_MORE_HEADER, plain::LIMIT_HEADER] {
        assert!(
            headers.iter().any(|h| h.eq_ignore_ascii_case(runtime_name)),
            "{runtime_name} not in {headers:?}"
        );
    }
    for case in style::ERROR_CASES {
        assert_eq!(case.kind(), vocabulary::kind(case.status));
    }
}

/// Where a fact may be written: its own definition.
fn is_definition(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("pub const ") || line.starts_with("ErrorName {")
}

#[test]
fn no_fact_is_written_twice() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut facts: Vec<String> = Vec::new();
    for name in vocabulary::ERROR_NAMES {
        facts.push(format!("{:?}", name.kind));
        facts.push(format!("{:?}", name.result_type));
    }
    for wire in [
        enveloped::PAGE_PARAM,
        enveloped::LIMIT_PARAM,
        plain::LIMIT_PARAM,
        plain::AFTER_PARAM,
        plain::BEFORE_PARAM,
        plain::ORDER_PARAM,
        plain::HAS_MORE_HEADER,
        result::PAGE_PARAM,
        result::RECORDS_PER_PAGE_PARAM,
        vocabulary::TOKEN_INVALID,
        vocabulary::VALIDATION,
    ] {
        facts.push(format!("{wire:?}"));
        facts.push(format!("name: {wire}\n"));
    }
    for limit in [enveloped::MAX_LIMIT, plain::MAX_LIMIT] {
        facts.push(format!("maximum: {limit}\n"));
    }
    for default in [
        enveloped::DEFAULT_LIMIT,
        plain::DEFAULT_LIMIT,
        result::DEFAULT_LIMIT,
    ] {
        facts.push(format!("default: {default}\n"));
    }
    facts.sort();
    facts.dedup();
    let sources = [
        "crates/spec/src/style",
        "crates/spec/src/apply.rs",
        "crates/spec/src/lint.rs",
        "crates/runtime/src/server.rs",
        "crates/runtime/src/client.rs",
        "crates/runtime/src/enveloped.rs",
        "crates/runtime/src/plain.rs",
        "crates/runtime/src/result.rs",
    ];
    let mut found = Vec::new();
    for source in sources {
        let path = root.join(source);
        let files: Vec<_> = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("a source folder")
                .map(|e| e.expect("an entry").path())
                .collect()
        } else {
            vec![path]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            // The unit tests beside the code may spell out what they expect.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let trimmed = line.trim_start();
                if trimmed.starts_with("//") || trimmed.starts_with("#[cfg") || is_definition(line)
                {
                    continue;
                }
                let line = format!("{}\n", line.trim());
                for fact in &facts {
                    if line.contains(fact.as_str()) {
                        found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "wire facts written again instead of taken from the runtime's style modules or \
         apigen_runtime::vocabulary:\n{}",
        found.join("\n")
    );
}
