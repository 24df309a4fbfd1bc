//! Every YAML document apigen writes (`apply` for each style and example spec, `components`
//! for each style, `ir` for each style and example spec) reads back, with YAML 1.2 readers
//! (yaml-rust2, serde_yaml), as exactly the JSON value apigen writes for it with `-o
//! FILE.json`. `scripts/yaml-readers.sh` does the same with a YAML 1.1 reader (PyYAML).
//! `specs/fixtures/yaml-scalars.yaml` adds the strings readers misread to the examples.

use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::Yaml;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn styles() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .arg("styles")
        .output()
        .expect("apigen runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// The example specs, then the fixture made of strings that readers misread.
fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("specs/examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files.push(root().join("specs/fixtures/yaml-scalars.yaml"));
    files
}

/// Runs apigen with `args` plus `-o FILE`, once to YAML and once to JSON; returns both texts.
fn both(args: &[&str], dir: &Path, name: &str) -> (String, String) {
    let mut texts = Vec::new();
    for ext in ["yaml", "json"] {
        let file = dir.join(format!("{name}.{ext}"));
        let out = Command::new(env!("CARGO_BIN_EXE_apigen"))
            .args(args)
            .arg("-o")
            .arg(&file)
            .current_dir(root())
            .output()
            .expect("apigen runs");
        assert!(
            out.status.success(),
            "apigen {args:?} -o {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        texts.push(std::fs::read_to_string(&file).expect("written"));
    }
    let json = texts.pop().unwrap_or_default();
    let yaml = texts.pop().unwrap_or_default();
    (yaml, json)
}

/// Where `yaml` (as yaml-rust2 reads it) differs from `json`, by type or value.
fn differences(yaml: &Yaml, json: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value as J;
    let same = match (yaml, json) {
        (Yaml::Null, J::Null) => true,
        (Yaml::Boolean(a), J::Bool(b)) => a == b,
        (Yaml::String(a), J::String(b)) => a == b,
        (Yaml::Integer(a), J::Number(b)) => b.as_i64() == Some(*a),
        (Yaml::Real(a), J::Number(b)) => b.is_f64() && a.parse::<f64>().ok() == b.as_f64(),
        (Yaml::Array(a), J::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{at}/{i}"), out);
            }
            true
        }
        (Yaml::Hash(a), J::Object(b)) => {
            let keys: Vec<String> = a
                .keys()
                .map(|k| match k {
                    Yaml::String(s) => s.clone(),
                    other => format!("<a key that is not a string: {other:?}>"),
                })
                .collect();
            let wanted: Vec<&String> = b.keys().collect();
            if keys.iter().collect::<Vec<_>>() == wanted {
                for ((_, x), (k, y)) in a.iter().zip(b) {
                    differences(x, y, &format!("{at}/{k}"), out);
                }
                true
            } else {
                false
            }
        }
        _ => false,
    };
    if !same {
        out.push(format!("{at}: YAML read {yaml:?}, JSON has {json}"));
    }
}

fn check(what: &str, yaml: &str, json: &str, failures: &mut Vec<String>) {
    let expected: serde_json::Value = serde_json::from_str(json).expect("apigen's JSON parses");
    match serde_yaml::from_str::<serde_json::Value>(yaml) {
        Ok(v) if v == expected => {}
        Ok(_) => failures.push(format!("{what}: serde_yaml reads another value")),
        Err(e) => failures.push(format!("{what}: serde_yaml cannot read it: {e}")),
    }
    match yaml_rust2::YamlLoader::load_from_str(yaml) {
        Ok(docs) if docs.len() == 1 => {
            let mut found = Vec::new();
            differences(&docs[0], &expected, "#", &mut found);
            found.truncate(5);
            failures.extend(
                found
                    .into_iter()
                    .map(|d| format!("{what}: yaml-rust2: {d}")),
            );
        }
        Ok(docs) => failures.push(format!("{what}: yaml-rust2 reads {} documents", docs.len())),
        Err(e) => failures.push(format!("{what}: yaml-rust2 cannot read it: {e}")),
    }
}

#[test]
fn every_document_apigen_writes_reads_back_as_its_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let styles = styles();
    assert_eq!(styles.len(), 3, "{styles:?}");
    let mut failures = Vec::new();
    let mut checked = 0;
    for style in &styles {
        let (yaml, json) = both(
            &["components", "--style", style],
            dir.path(),
            &format!("components-{style}"),
        );
        check(
            &format!("components --style {style}"),
            &yaml,
            &json,
            &mut failures,
        );
        checked += 1;
        for spec in examples() {
            let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
            let path = spec.to_str().expect("UTF-8 path");
            for command in ["apply", "ir"] {
                let (yaml, json) = both(
                    &[command, "--style", style, path],
                    dir.path(),
                    &format!("{command}-{stem}-{style}"),
                );
                check(
                    &format!("{command} --style {style} {stem}"),
                    &yaml,
                    &json,
                    &mut failures,
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 3 + 3 * 2 * 6, "only {checked} documents");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check above can fail: a string left unquoted that a reader takes for a number, as a
/// value or as a key, is reported.
#[test]
fn the_comparison_sees_a_misread_scalar() {
    let mut failures = Vec::new();
    check("value", "a: 0x1F\n", r#"{"a": "0x1F"}"#, &mut failures);
    check("key", "200: x\n", r#"{"200": "x"}"#, &mut failures);
    let text = failures.join("\n");
    assert!(text.contains("value: serde_yaml"), "{text}");
    assert!(text.contains("value: yaml-rust2: #/a"), "{text}");
    assert!(text.contains("key: yaml-rust2"), "{text}");
}
