//! Every input under `specs/invalid/` fails to load, and its rendered diagnostics are
//! snapshotted into `snapshots/invalid/`. A folder is a multi-file case whose root is
//! `openapi.yaml`.

use apigen_spec::render::{render_with, Format};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `specs/invalid/*`, sorted, relative to the workspace root (the test's working folder).
fn cases() -> Vec<(String, PathBuf)> {
    let dir = workspace_root().join("specs/invalid");
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("specs/invalid exists")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = Path::new("specs/invalid").join(&name);
            let path = if e.path().is_dir() {
                rel.join("openapi.yaml")
            } else {
                rel
            };
            let stem = Path::new(&name)
                .file_stem()
                .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
            (stem, path)
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_invalid_spec_fails_with_located_diagnostics() {
    // Paths in diagnostics are as given; run from the workspace root so snapshots show
    // `specs/invalid/...`. No other test in this binary depends on the working folder.
    std::env::set_current_dir(workspace_root()).expect("workspace root");
    let cases = cases();
    assert!(
        cases.len() >= 16,
        "expected the full set of invalid specs, found {cases:?}"
    );
    for (name, path) in cases {
        let diags = match apigen_spec::load(&path) {
            Ok(_) => panic!("{} loaded, but it is in specs/invalid", path.display()),
            Err(diags) => diags,
        };
        assert!(
            diags.iter().any(|d| d.is_error()),
            "{}: no error among {diags:?}",
            path.display()
        );
        for d in diags.iter().filter(|d| d.is_error()) {
            let l = d
                .location
                .as_ref()
                .unwrap_or_else(|| panic!("{name}: unlocated {d:?}"));
            assert!(!l.file.as_os_str().is_empty(), "{name}: {d:?}");
        }
        let rendered = render_with(&diags, Format::Human, false);
        insta::with_settings!({
            snapshot_path => "../../../snapshots/invalid",
            prepend_module_to_snapshot => false,
            description => path.display().to_string(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn a_large_garbage_file_fails_fast() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("garbage.yaml");
    // 8 MB of pseudo-random printable noise (a linear congruential generator keeps the
    // test free of extra dependencies and deterministic).
    let mut state: u32 = 12345;
    let noise: String = (0..8_000_000)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let c = (state >> 16) % 100;
            match c {
                0..=3 => '\n',
                4..=9 => ':',
                10..=12 => '{',
                13..=15 => '[',
                _ => char::from(b'!' + (c as u8 % 90)),
            }
        })
        .collect();
    std::fs::write(&path, noise).expect("write");
    let start = Instant::now();
    let diags = apigen_spec::load(&path).expect_err("garbage does not load");
    let elapsed = start.elapsed();
    assert!(diags.iter().any(|d| d.is_error()));
    let rendered = render_with(&diags, Format::Human, false);
    assert!(
        rendered.len() < 10_000,
        "rendering stays short: {} bytes",
        rendered.len()
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "8 MB of garbage took {elapsed:?}"
    );
}
