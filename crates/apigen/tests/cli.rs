//! The `apigen` binary as a user runs it: stdout, stderr and exit code, snapshotted.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The run as a snapshot: exit code, then both streams, with `tmp` replaced.
    fn report(&self, tmp: Option<&Path>) -> String {
        let text = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        match tmp {
            Some(t) => text.replace(&t.display().to_string(), "[TMP]"),
            None => text,
        }
    }
}

fn apigen(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("apigen runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../../snapshots/cli",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const FLAWED: &str = r##"openapi: 3.0.3
info: {title: Flawed, version: "1"}
paths:
  /widgets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: widgets
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Widget"}
components:
  schemas:
    Widget: {type: object, properties: {id: {type: string}}}
"##;

fn flawed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("flawed.yaml");
    std::fs::write(&path, FLAWED).expect("write fixture");
    (dir, path)
}

#[test]
fn styles_lists_one_line_per_style() {
    let run = apigen(&["styles"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), apigen_styles_count());
    snap!("styles", run.report(None));
}

fn apigen_styles_count() -> usize {
    apigen_spec::style::STYLES.len()
}

#[test]
fn help_of_each_subcommand() {
    for sub in ["styles", "components", "apply", "lint"] {
        let run = apigen(&[sub, "--help"]);
        assert_eq!(run.code, 0, "{sub}");
        assert!(
            run.stdout.contains("Example"),
            "{sub} --help has no example"
        );
        snap!(format!("help-{sub}"), run.report(None));
    }
}

#[test]
fn components_prints_the_published_document() {
    for style in apigen_spec::style::STYLES {
        let run = apigen(&["components", "--style", style.name()]);
        assert_eq!(run.code, 0);
        let published =
            std::fs::read_to_string(root().join(format!("specs/components/{}.yaml", style.name())))
                .expect("published");
        assert_eq!(run.stdout, published, "{}", style.name());
    }
    snap!(
        "components-plain",
        apigen(&["components", "--style", "plain"]).report(None)
    );
}

#[test]
fn components_writes_json_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("result.json");
    let run = apigen(&[
        "components",
        "--style",
        "result",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc["components"]["schemas"]["FailureEnvelope"].is_object());
}

#[test]
fn components_of_an_unknown_style_fails_with_the_list() {
    let run = apigen(&["components", "--style", "soap"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("enveloped, plain, result"));
    snap!("components-unknown-style", run.report(None));
}

#[test]
fn apply_with_components_ref() {
    let run = apigen(&[
        "apply",
        "--style",
        "plain",
        "specs/examples/widgets.yaml",
        "--components-ref",
        "https://specs.test/plain.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("https://specs.test/plain.yaml#/components/responses/NotFound"));
    snap!("apply-widgets-plain-components-ref", run.report(None));
}

#[test]
fn apply_output_is_idempotent_through_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for style in apigen_spec::style::STYLES {
        let once = dir.path().join(format!("once.{}.yaml", style.name()));
        let twice = dir.path().join(format!("twice.{}.json", style.name()));
        let a = apigen(&[
            "apply",
            "--style",
            style.name(),
            "specs/examples/media.yaml",
            "-o",
            &once.display().to_string(),
        ]);
        assert_eq!(a.code, 0, "{}", a.stderr);
        // The second run takes the style from the wire spec's own `x-apigen-style`.
        let b = apigen(&[
            "apply",
            &once.display().to_string(),
            "-o",
            &twice.display().to_string(),
        ]);
        assert_eq!(b.code, 0, "{}", b.stderr);
        let first: serde_json::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&once).expect("once")).expect("yaml");
        let second: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&twice).expect("twice")).expect("json");
        assert_eq!(first, second, "{}", style.name());
    }
}

#[test]
fn apply_without_a_style_explains_how_to_choose() {
    let run = apigen(&["apply", "specs/examples/widgets.yaml"]);
    assert_eq!(run.code, 1);
    snap!("apply-no-style", run.report(None));
}

#[test]
fn apply_of_a_missing_file_exits_1() {
    let run = apigen(&["apply", "--style", "plain", "specs/examples/nope.yaml"]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.is_empty());
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn lint_clean_example() {
    let run = apigen(&["lint", "--style", "result", "specs/examples/fieldwork.yaml"]);
    assert_eq!(run.code, 0);
    snap!("lint-clean", run.report(None));
}

#[test]
fn lint_warnings_exit_0_unless_denied() {
    let (dir, path) = flawed();
    let file = path.display().to_string();
    let run = apigen(&["lint", "--style", "plain", &file]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("lint/pagination-param-clash"));
    snap!("lint-warnings", run.report(Some(dir.path())));
    let denied = apigen(&["lint", "--style", "plain", &file, "--deny-warnings"]);
    assert_eq!(denied.code, 1);
    snap!("lint-deny-warnings", denied.report(Some(dir.path())));
}

#[test]
fn lint_json_format_parses() {
    let (_dir, path) = flawed();
    let run = apigen(&[
        "lint",
        "--format",
        "json",
        "--style",
        "enveloped",
        &path.display().to_string(),
        "--deny-warnings",
    ]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stderr).expect("stderr is JSON");
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"lint/missing-operation-id"), "{codes:?}");
}

#[test]
fn lint_of_an_unknown_style_is_an_error() {
    let run = apigen(&["lint", "--style", "soap", "specs/examples/widgets.yaml"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("style/unknown"));
}

/// Every broken input in `specs/invalid/` makes `apigen lint` exit 1 with a message, never a panic.
#[test]
fn invalid_specs_exit_1_without_panicking() {
    let dir = root().join("specs/invalid");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // the folder is filled by the loader work; nothing to check yet
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for file in files {
        let run = apigen(&["lint", &file.display().to_string()]);
        assert_eq!(run.code, 1, "{}: {}", file.display(), run.report(None));
        assert!(!run.stderr.is_empty(), "{}", file.display());
        assert!(
            !run.stderr.contains("panicked"),
            "{}: {}",
            file.display(),
            run.stderr
        );
    }
}

/// `generate` into a directory that a Cargo workspace would claim without listing it warns,
/// with the line that fixes it; with that line added, it does not.
#[test]
fn generate_inside_an_unlisting_workspace_warns_with_the_fix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("real path");
    let manifest = root.join("Cargo.toml");
    std::fs::write(&manifest, "[workspace]\nmembers = [\"crates/*\"]\n").expect("manifest");
    let out = root.join("out/widgets");
    let out = out.to_str().expect("UTF-8 path");
    let args = [
        "generate",
        "--style",
        "plain",
        "specs/examples/widgets.yaml",
        "-o",
        out,
    ];
    let run = apigen(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snap!("generate-workspace-unlisted", run.report(Some(&root)));
    // The fix, as the help words it: the line under `[workspace]` of that manifest.
    let run = apigen(&[&["--format", "json"], &args[..], &["--force"]].concat());
    let report: serde_json::Value = serde_json::from_str(&run.stderr).expect("JSON diagnostics");
    let warning = &report["diagnostics"][0];
    assert_eq!(warning["code"], "generate/workspace-unlisted");
    let line = "exclude = [\"out/widgets\"]";
    let help = warning["help"].as_str().unwrap_or_default();
    assert!(
        help.starts_with(&format!(
            "add the line `{line}` under `[workspace]` in {}",
            manifest.display()
        )),
        "{help}"
    );
    std::fs::write(
        &manifest,
        format!("[workspace]\nmembers = [\"crates/*\"]\n{line}\n"),
    )
    .expect("manifest");
    let run = apigen(&[&args[..], &["--force"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "no warning once the workspace excludes it");
}
