//! Security fails closed, end to end: the crate generated from `specs/fixtures/security.yaml`
//! (every scheme type of OpenAPI 3.0 and 3.1, AND and OR requirements, scopes, open and
//! never-open operations) is built with `#![deny(warnings)]` in a scratch workspace and runs
//! its own test (`tests/fixtures-security/security_http.rs`), which serves the generated
//! router on loopback and calls it with raw requests and through the generated client. The
//! dependencies build in `APIGEN_TARGET_DIR` (default `$HOME/.cache/apigen-target`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the generator makes of each scheme and requirement (no compilation needed).
#[test]
fn every_scheme_type_reaches_the_route_table() {
    let loaded = apigen_spec::load(&root().join("specs/fixtures/security.yaml")).expect("load");
    let style = apigen_spec::style::find("plain").expect("plain");
    let generated =
        apigen_gen::generate(&loaded, style, &apigen_gen::Options::default()).expect("generate");
    let server = generated
        .files
        .iter()
        .find(|f| f.path == Path::new("src/server.rs"))
        .expect("server.rs");
    for kind in [
        "HttpBearer",
        "HttpBasic",
        "Http,",
        "ApiKeyHeader",
        "ApiKeyQuery",
        "ApiKeyCookie",
        "OAuth2",
        "OpenIdConnect",
        "MutualTls",
    ] {
        assert!(
            server.contents.contains(&format!("SchemeKind::{kind}")),
            "{kind} missing"
        );
    }
    // The undeclared scheme stays in its requirement (never satisfied), not dropped.
    assert!(server.contents.contains("scheme: \"ghost\""));
    assert!(server.contents.contains("\"widgets:read\""));
}

#[test]
fn the_generated_server_enforces_every_scheme_over_http() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("security");
    let _ = std::fs::remove_dir_all(&work);
    let runtime_crate = root().join("crates/runtime");
    let runtime_crate = runtime_crate.canonicalize().unwrap_or(runtime_crate);
    let dependency = format!("{{ path = {:?} }}", runtime_crate.display().to_string());
    let loaded = apigen_spec::load(&root().join("specs/fixtures/security.yaml")).expect("load");
    let style = apigen_spec::style::find("plain").expect("plain");
    let options = apigen_gen::Options {
        crate_name: Some("sec".to_owned()),
        runtime: apigen_gen::Runtime::dependency(&dependency).expect("a dependency"),
        ..apigen_gen::Options::default()
    };
    let generated = apigen_gen::generate(&loaded, style, &options).expect("generate");
    let out = work.join("sec");
    apigen_gen::output::write(&out, &generated.files, false).expect("write the crate");
    let lib_rs = out.join("src/lib.rs");
    let lib = std::fs::read_to_string(&lib_rs).expect("read lib.rs");
    std::fs::write(&lib_rs, format!("#![deny(warnings)]\n{lib}")).expect("write lib.rs");
    let manifest = out.join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
    toml.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"net\"] }\naxum = \"0.8\"\nreqwest = { version = \"0.12\", default-features = false, features = [\"json\"] }\n",
    );
    std::fs::write(&manifest, toml).expect("write Cargo.toml");
    std::fs::create_dir_all(out.join("tests")).expect("tests folder");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures-security/security_http.rs"),
        out.join("tests/http.rs"),
    )
    .expect("copy the test");
    std::fs::write(
        work.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"sec\"]\n",
    )
    .expect("write the manifest");
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let warm_lock = home.join(".cache/warm/Cargo.lock");
    if warm_lock.is_file() {
        std::fs::copy(&warm_lock, work.join("Cargo.lock")).expect("copy the lock file");
    }
    let target = std::env::var_os("APIGEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cache/apigen-target"));
    let output = Command::new(env!("CARGO"))
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--quiet", "--workspace"])
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo test failed\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
