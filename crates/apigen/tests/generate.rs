//! `apigen generate` and `apigen ir` from the outside: exit codes, stdout and stderr
//! (snapshotted, with temporary paths replaced by `[OUT]`), and what lands on disk.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs apigen from the workspace root; returns the exit code and "exit, stdout, stderr"
/// as one text with `out` replaced by `[OUT]`.
fn run(args: &[&str], out: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("apigen runs");
    let clean =
        |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&out.display().to_string(), "[OUT]");
    let code = output.status.code().unwrap_or(-1);
    let text = format!(
        "exit: {code}\n--- stdout\n{}--- stderr\n{}",
        clean(&output.stdout),
        clean(&output.stderr)
    );
    (code, text)
}

macro_rules! snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({
            snapshot_path => "../../../snapshots/generated",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

#[test]
fn generate_then_check_finds_drift() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("widgets");
    let out_s = out.to_str().unwrap();
    let spec = "specs/examples/widgets.yaml";
    let generate = ["generate", "--style", "plain", spec, "-o", out_s];
    let check = ["generate", "--style", "plain", spec, "-o", out_s, "--check"];
    let (code, _) = run(&generate, tmp.path());
    assert_eq!(code, 0);
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/types.rs",
        "src/runtime/mod.rs",
        "src/runtime/plain.rs",
        "src/runtime/server.rs",
        ".apigen",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let (code, text) = run(&check, tmp.path());
    assert_eq!(code, 0, "{text}");
    assert_eq!(text, "exit: 0\n--- stdout\n--- stderr\n");

    let types = out.join("src/types.rs");
    let edited = std::fs::read_to_string(&types)
        .unwrap()
        .replace("pub struct Widget {", "pub struct Widget { // edited");
    std::fs::write(&types, edited).unwrap();
    std::fs::write(out.join("NOTES.md"), "mine").unwrap();
    let (code, text) = run(&check, tmp.path());
    assert_eq!(code, 1);
    snapshot!("cli.generate.check-stale", text);

    // Regenerating fixes the drift and keeps the user's own file.
    assert_eq!(run(&generate, tmp.path()).0, 0);
    assert_eq!(run(&check, tmp.path()).0, 0);
    assert_eq!(
        std::fs::read_to_string(out.join("NOTES.md")).unwrap(),
        "mine"
    );
}

#[test]
fn a_directory_apigen_did_not_write_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    let theirs = "[package]\nname = \"mine\"\n";
    std::fs::write(out.join("Cargo.toml"), theirs).unwrap();
    std::fs::write(out.join("keep.txt"), "keep").unwrap();
    let out_s = out.to_str().unwrap();
    let args = [
        "generate",
        "--style",
        "enveloped",
        "specs/examples/widgets.yaml",
        "-o",
        out_s,
    ];
    let (code, text) = run(&args, tmp.path());
    assert_eq!(code, 1);
    snapshot!("cli.generate.not-generated", text);
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.toml")).unwrap(),
        theirs
    );

    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(run(&forced, tmp.path()).0, 0);
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"widgets\""), "{cargo}");
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn deny_unsupported_turns_warnings_into_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("types");
    let spec = "crates/gen/tests/fixtures/types.yaml";
    let out_s = out.to_str().unwrap();
    let args = [
        "generate",
        "--style",
        "plain",
        spec,
        "-o",
        out_s,
        "--deny-unsupported",
    ];
    let (code, text) = run(&args, tmp.path());
    assert_eq!(code, 1);
    assert!(!out.exists(), "nothing is written when generation fails");
    snapshot!("cli.generate.deny-unsupported", text);
}

fn with_templates(name: &str, text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join(name), text).unwrap();
    let out = tmp.path().join("out");
    (tmp, templates, out)
}

#[test]
fn a_template_that_renders_broken_rust_is_reported_with_a_dump() {
    let broken = "{# context: Ir #}\npub struct Fine;\n{% for t in types %}\npub struct {{ t.name }} {\n{% endfor %}\n";
    let (tmp, templates, out) = with_templates("types.rs.jinja", broken);
    let args = [
        "generate",
        "--style",
        "plain",
        "specs/examples/widgets.yaml",
        "-o",
        out.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
    ];
    let (code, text) = run(&args, tmp.path());
    assert_eq!(code, 2);
    snapshot!("cli.generate.unparseable", text);
    assert!(out.join("src/types.rs.dump").is_file());
    assert!(
        !out.join("src/types.rs").exists(),
        "a broken file is never written"
    );
}

#[test]
fn a_template_error_names_the_template() {
    let (tmp, templates, out) = with_templates(
        "lib.rs.jinja",
        "{# context: Ir #}\n//! {{ no_such_field }}\n",
    );
    let args = [
        "generate",
        "--style",
        "plain",
        "specs/examples/widgets.yaml",
        "-o",
        out.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
    ];
    let (code, text) = run(&args, tmp.path());
    assert_eq!(code, 2);
    snapshot!("cli.generate.template-error", text);
    assert!(!out.exists());
}

#[test]
fn unknown_style_is_the_users_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    let args = [
        "generate",
        "--style",
        "fancy",
        "specs/examples/widgets.yaml",
        "-o",
        out.to_str().unwrap(),
    ];
    let (code, text) = run(&args, tmp.path());
    assert_eq!(code, 1);
    snapshot!("cli.generate.unknown-style", text);
}

#[test]
fn ir_prints_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, text) = run(
        &["ir", "--style", "result", "specs/examples/widgets.yaml"],
        tmp.path(),
    );
    assert_eq!(code, 0);
    assert!(
        text.contains("--- stdout\nmeta:\n  crate_name: widgets\n"),
        "{text}"
    );
    assert!(text.contains("style: result\n"));
}
