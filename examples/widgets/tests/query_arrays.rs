//! Array query parameters over real HTTP, in every style: the crate generated from
//! `tests/fixtures/query-arrays.yaml` is built in a scratch workspace and its own test
//! (below, `SERVER_TEST`) serves the generated router on loopback and sends
//! `tag=a&tag=b` (exploded) and `ids=1,2,3` (`explode: false`) with raw requests and
//! through the generated client.
//!
//! The dependencies build in `APIGEN_TARGET_DIR` (default `$HOME/.cache/apigen-target`,
//! the warmed one that `scripts/check-snapshots.sh` also uses).

use std::path::{Path, PathBuf};
use std::process::Command;

const STYLES: [&str; 3] = ["enveloped", "plain", "result"];

/// The test each generated crate runs against itself; `CRATE` is replaced by its name.
const SERVER_TEST: &str = r#"
use std::net::SocketAddr;

use CRATE::client::Client;
use CRATE::server::{router, Api, ApiError, RequestContext};
use CRATE::types;

struct Echo;

impl Api for Echo {
    async fn echo_query(&self, _ctx: RequestContext, query: types::EchoQueryQuery) -> Result<types::Echo, ApiError> {
        Ok(types::Echo { tags: query.tag.unwrap_or_default(), ids: query.ids.unwrap_or_default(), q: query.q })
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let app = router(Echo).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The echoed value wherever the style puts it: bare (plain), under `data` (enveloped),
/// the one item of the `echo` collection (result).
fn echoed(body: &serde_json::Value) -> serde_json::Value {
    match (body.get("data"), body.pointer("/echo/0")) {
        (Some(data), _) => data.clone(),
        (None, Some(item)) => item.clone(),
        (None, None) => body.clone(),
    }
}

#[tokio::test]
async fn array_query_parameters_decode_exploded_and_comma_separated() {
    let base = serve().await;
    let http = reqwest::Client::new();
    for (query, tags, ids) in [
        ("tag=a&tag=b&ids=1,2,3&q=x", vec!["a", "b"], vec![1, 2, 3]),
        ("tag=a%2Cb&ids=7", vec!["a,b"], vec![7]),
        ("ids=4&ids=5", vec![], vec![4, 5]),
        ("", vec![], vec![]),
    ] {
        let response = http.get(format!("{base}/echo?{query}")).send().await.expect("send");
        assert_eq!(response.status(), 200, "{query}");
        let body: serde_json::Value = response.json().await.expect("json");
        let echo = echoed(&body);
        assert_eq!(echo["tags"], serde_json::json!(tags), "{query}: {body}");
        assert_eq!(echo["ids"], serde_json::json!(ids), "{query}: {body}");
    }
    for bad in ["ids=1,x", "ids=1&ids=y"] {
        let response = http.get(format!("{base}/echo?{bad}")).send().await.expect("send");
        assert_eq!(response.status(), 400, "{bad}");
        let text = response.text().await.expect("text");
        assert!(text.contains("bad query parameter"), "{bad}: {text}");
    }

    let client = Client::new(base).expect("client");
    let query = types::EchoQueryQuery {
        tag: Some(vec!["x y".into(), "z&w".into()]),
        ids: Some(vec![10, 20]),
        q: Some("hello".into()),
    };
    let echo = client.echo_query(&query).await.expect("echo");
    assert_eq!(echo.tags, ["x y", "z&w"]);
    assert_eq!(echo.ids, [10, 20]);
    assert_eq!(echo.q.as_deref(), Some("hello"));
}
"#;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(command: &mut Command) {
    let output = command.output().expect("run cargo");
    assert!(
        output.status.success(),
        "{command:?} failed\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn generated_servers_decode_array_query_parameters_over_http() {
    let root = workspace_root();
    let cargo = env!("CARGO");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("query-arrays");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("scratch workspace");
    let spec = root.join("examples/widgets/tests/fixtures/query-arrays.yaml");

    let mut members = Vec::new();
    for style in STYLES {
        let name = format!("query-arrays-{style}");
        let out = work.join(&name);
        run(Command::new(cargo)
            .current_dir(&root)
            .args([
                "run", "--quiet", "-p", "apigen", "--", "generate", "--style", style,
            ])
            .arg(&spec)
            .arg("-o")
            .arg(&out)
            .args(["--crate-name", &name]));
        let tests = out.join("tests");
        std::fs::create_dir_all(&tests).expect("tests folder");
        let test = SERVER_TEST.replace("CRATE", &name.replace('-', "_"));
        std::fs::write(tests.join("http.rs"), test).expect("write the test");
        members.push(format!("{name:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(work.join("Cargo.toml"), manifest).expect("write the manifest");
    // Resolve to the versions the warmed target directory was built with.
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
    run(Command::new(cargo)
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--quiet", "--workspace"]));
}
