//! Inline schemas repeated instead of referenced become one type
//! (`crates/gen/tests/fixtures/duplicates.yaml`): the same object under several names, and
//! the types that then hold the same types, are merged into the shortest name; a type that
//! differs in anything but its docs stays apart, and so do component schemas and the types
//! the operations name (query structs and their enums).

use apigen_gen::ir::{TypeDef, TypeKind};
use std::path::Path;

fn types() -> Vec<TypeDef> {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/duplicates.yaml");
    let loaded = apigen_spec::load(&spec).expect("the fixture loads");
    let style = apigen_spec::style::find("plain").expect("plain style");
    let (ir, _) = apigen_gen::build_ir(&loaded, style, &apigen_gen::Options::default())
        .expect("the IR builds");
    ir.types
}

fn field_type(types: &[TypeDef], owner: &str, field: &str) -> String {
    let owner = types
        .iter()
        .find(|t| t.name == owner)
        .expect("the type exists");
    let TypeKind::Struct { fields, .. } = &owner.kind else {
        panic!("{owner:?} is not a struct");
    };
    let field = fields
        .iter()
        .find(|f| f.name == field)
        .expect("the field exists");
    field.rust_type.clone()
}

#[test]
fn repeated_inline_objects_become_one_type() {
    let types = types();
    let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "IssueEvent",
            "IssueEventAction",
            "IssueEventReviewer",
            "ListIssuesQuery",
            "ListIssuesState",
            "ListPullsQuery",
            "ListPullsState",
            "PullEvent",
            "PullEventAction",
            "PullEventSender",
            "PullEventSenderPlan",
            "PullEventSenderPlanName",
        ]
    );
    // Both senders and the assignee are one type (docs differ, the shape does not), and so
    // are their plans: the merge runs until nothing changes.
    assert_eq!(field_type(&types, "PullEvent", "sender"), "PullEventSender");
    assert_eq!(
        field_type(&types, "IssueEvent", "sender"),
        "PullEventSender"
    );
    assert_eq!(
        field_type(&types, "IssueEvent", "assignee"),
        "Option<PullEventSender>"
    );
    assert_eq!(
        field_type(&types, "PullEventSender", "plan"),
        "Option<PullEventSenderPlan>"
    );
    // A constraint makes a different type; so does another enum value.
    assert_eq!(
        field_type(&types, "IssueEvent", "reviewer"),
        "Option<IssueEventReviewer>"
    );
    assert_eq!(
        field_type(&types, "IssueEvent", "action"),
        "Option<IssueEventAction>"
    );
}
