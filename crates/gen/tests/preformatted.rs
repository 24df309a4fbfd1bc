//! The templates that write their output already formatted (`render.rs`, `PREFORMATTED`)
//! must write exactly what prettyplease prints: the format stage keeps their items as
//! written when they fit the margin. On every example spec and fixture × every style, the
//! pre-formatted path gives the same text as parsing and printing the whole file; the
//! assertion shows the first lines that differ.
//!
//! Large real specs, whose long names exercise the line breaking, are checked the same way
//! when named (`:`-separated; CI names GitHub's and Stripe's):
//! `APIGEN_PREFORMATTED_SPECS=/path/a.json:/path/b.json cargo test -p apigen-gen --test preformatted`.

use apigen_gen::{Options, RenderedFile};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn specs() -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for dir in ["specs/examples", "crates/gen/tests/fixtures"] {
        for entry in std::fs::read_dir(root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                specs.push(path);
            }
        }
    }
    if let Some(more) = std::env::var_os("APIGEN_PREFORMATTED_SPECS") {
        specs.extend(std::env::split_paths(&more));
    }
    specs.sort();
    specs
}

/// The first differing line of `fast` against `full`, with a few lines of context.
fn first_difference(fast: &str, full: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (fast.lines().collect(), full.lines().collect());
    let at = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    let from = at.saturating_sub(3);
    let show = |lines: &[&str]| lines[from.min(lines.len())..(at + 4).min(lines.len())].join("\n");
    Some(format!(
        "line {}:\n--- pre-formatted\n{}\n--- formatted\n{}",
        at + 1,
        show(&a),
        show(&b)
    ))
}

#[test]
fn preformatted_templates_print_what_prettyplease_prints() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for spec in specs() {
        let loaded = apigen_spec::load(&spec)
            .unwrap_or_else(|d| panic!("{} does not load: {d:?}", spec.display()));
        for style in apigen_spec::style::STYLES {
            let options = Options::default();
            let (ir, _) = apigen_gen::build_ir(&loaded, *style, &options).unwrap();
            let rendered = apigen_gen::render(&ir, &options).unwrap();
            for file in rendered.into_iter().filter(|f| f.preformatted) {
                let full = apigen_gen::format(RenderedFile {
                    preformatted: false,
                    ..file.clone()
                })
                .unwrap();
                let fast = apigen_gen::format(file).unwrap();
                checked += 1;
                if let Some(diff) = first_difference(&fast.contents, &full.contents) {
                    failures.push(format!(
                        "{} ({}) {}: {diff}",
                        spec.display(),
                        style.name(),
                        fast.path.display()
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no pre-formatted file was rendered");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
