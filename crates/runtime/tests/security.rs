//! The router's side of security, without a generated crate: credentials are read only
//! where their scheme says, `authenticate` gets every scheme of a requirement with its
//! scopes, scopes are checked, anonymous callers are the implementation's decision, and a
//! scheme the router does not know never opens an operation.

use std::sync::{Arc, Mutex};

use apigen_runtime::plain::Style;
use apigen_runtime::server::{
    status, ApiError, App, AuthRequest, Credential, Handle, Handling, OpInfo, Operations,
    PeerCertificate, Principal, Route, Routed, RouterBuilder, SchemeKind, SchemeUse, Secret,
    SecurityScheme, ServerStyle,
};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::MethodFilter;
use serde_json::{json, Value};
use tower::ServiceExt;

/// What `authenticate` was last asked, and whether it accepts anonymous callers.
#[derive(Default)]
struct Service {
    asked: Mutex<Vec<AuthRequest>>,
    anonymous_scopes: Option<Vec<String>>,
}

struct Ops;

fn answer(app: Arc<App<Ops>>, request: Request, routed: Routed) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let ctx = app.authorize(&mut ex, &mut parts).await?;
        let subject = ctx.principal.map(|p| p.subject);
        Ok(Style::render_object(
            &ex,
            status(200),
            &json!({ "subject": subject }),
        ))
    })
}

/// The handler of an operation without security: admitted without authentication.
fn open_answer(app: Arc<App<Ops>>, request: Request, routed: Routed) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let ctx = app.open(&mut ex, &mut parts)?;
        let subject = ctx.principal.map(|p| p.subject);
        Ok(Style::render_object(
            &ex,
            status(200),
            &json!({ "subject": subject }),
        ))
    })
}

const fn route(path: &'static str, security: &'static [&'static [SchemeUse]]) -> Route {
    Route {
        path,
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "op",
            collection_key: "things",
            addresses_item: false,
            parent_path: None,
            security,
        },
    }
}

const fn uses(scheme: &'static str, scopes: &'static [&'static str]) -> SchemeUse {
    SchemeUse { scheme, scopes }
}

static ROUTES: &[Route] = &[
    route("/cookie", &[&[uses("session", &[])]]),
    route("/hoba", &[&[uses("hoba", &[])]]),
    route("/mtls", &[&[uses("mtls", &[])]]),
    route(
        "/and",
        &[&[uses("key", &["read"]), uses("oauth", &["write"])]],
    ),
    route(
        "/scoped",
        &[&[uses("oauth", &["admin"])], &[uses("key", &[])]],
    ),
    route("/ghost", &[&[uses("ghost", &[])], &[uses("broken", &[])]]),
    // The last two are handled by `open_answer`.
    route("/open", &[]),
    route("/misrouted", &[&[uses("key", &[])]]),
];

static SCHEMES: &[SecurityScheme] = &[
    SecurityScheme {
        name: "session",
        kind: SchemeKind::ApiKeyCookie,
        parameter: Some("sid"),
    },
    SecurityScheme {
        name: "hoba",
        kind: SchemeKind::Http,
        parameter: Some("HOBA"),
    },
    SecurityScheme {
        name: "mtls",
        kind: SchemeKind::MutualTls,
        parameter: None,
    },
    SecurityScheme {
        name: "key",
        kind: SchemeKind::ApiKeyHeader,
        parameter: Some("x-key"),
    },
    SecurityScheme {
        name: "oauth",
        kind: SchemeKind::OAuth2,
        parameter: None,
    },
    // An API key without its parameter: nothing can satisfy it.
    SecurityScheme {
        name: "broken",
        kind: SchemeKind::ApiKeyHeader,
        parameter: None,
    },
];

impl Operations for Ops {
    type App = Arc<Service>;
    type Style = Style;
    const API_VERSION: &'static str = "1";
    const OPENAPI_JSON: &'static str = "{}";
    const ROUTES: &'static [Route] = ROUTES;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = SCHEMES;

    fn handlers() -> Vec<Handle<Self>> {
        let mut handlers: Vec<Handle<Self>> = vec![answer; ROUTES.len() - 2];
        handlers.extend([open_answer as Handle<Self>, open_answer]);
        handlers
    }

    /// Accepts every credential; the principal holds the scopes its oauth token names
    /// (`scopes:a,b`). Without credentials: anonymous when configured.
    async fn authenticate(app: &Arc<Service>, request: AuthRequest) -> Result<Principal, ApiError> {
        app.asked.lock().unwrap().push(request.clone());
        if request.credentials.is_empty() {
            let scopes = app
                .anonymous_scopes
                .clone()
                .ok_or_else(ApiError::token_missing)?;
            return Ok(Principal {
                scopes,
                ..Principal::new("anonymous")
            });
        }
        let mut principal = Principal::new(
            request
                .credentials
                .iter()
                .map(|c| c.scheme)
                .collect::<Vec<_>>()
                .join("+"),
        );
        if let Some(token) = request.secret("oauth") {
            if let Some(scopes) = token.strip_prefix("scopes:") {
                principal.scopes = scopes.split(',').map(str::to_string).collect();
            }
        }
        Ok(principal)
    }
}

async fn get(
    service: Service,
    path: &str,
    headers: &[(&str, &str)],
    certificate: Option<PeerCertificate>,
) -> (u16, Value, Vec<AuthRequest>) {
    let service = Arc::new(service);
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    if let Some(certificate) = certificate {
        request.extensions_mut().insert(certificate);
    }
    let router = RouterBuilder::<Ops>::new(service.clone()).build();
    let response = router.oneshot(request).await.unwrap();
    let code = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let asked = std::mem::take(&mut *service.asked.lock().unwrap());
    (code, serde_json::from_slice(&bytes).unwrap(), asked)
}

fn subject(body: &Value) -> &str {
    body["subject"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_api_key_cookie_is_read_from_the_cookie_header_only() {
    let cookie = [("cookie", "theme=dark; sid=\"abc\"; other=1")];
    let (code, body, asked) = get(Service::default(), "/cookie", &cookie, None).await;
    assert_eq!((code, subject(&body)), (200, "session"));
    assert_eq!(
        asked[0].credentials,
        [Credential {
            scheme: "session",
            kind: SchemeKind::ApiKeyCookie,
            scopes: &[],
            secret: Secret::ApiKey("abc".into()),
        }]
    );
    for headers in [
        &[("cookie", "sid=")][..],
        &[("cookie", "xsid=abc")],
        &[("sid", "abc")],
        &[],
    ] {
        let (code, body, _) = get(Service::default(), "/cookie?sid=abc", headers, None).await;
        assert_eq!(
            (code, &body["kind"]),
            (401, &json!("token_missing")),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn another_http_scheme_hands_the_whole_authorization_value() {
    let hoba = [("authorization", "hoba result=abc")];
    let (code, _, asked) = get(Service::default(), "/hoba", &hoba, None).await;
    assert_eq!(code, 200);
    assert_eq!(
        asked[0].credentials[0].secret,
        Secret::Authorization("hoba result=abc".into())
    );
    let bearer = [("authorization", "Bearer abc")];
    let (code, _, asked) = get(Service::default(), "/hoba", &bearer, None).await;
    assert_eq!(code, 401);
    assert_eq!(asked[0].credentials, [], "asked without credentials only");
}

#[tokio::test]
async fn mutual_tls_reads_the_peer_certificate_extension() {
    let chain = PeerCertificate(vec![b"leaf".to_vec(), b"ca".to_vec()]);
    let (code, _, asked) = get(Service::default(), "/mtls", &[], Some(chain.clone())).await;
    assert_eq!(code, 200);
    assert_eq!(asked[0].credentials[0].secret, Secret::Certificate(chain));
    assert_eq!(asked[0].credentials[0].kind, SchemeKind::MutualTls);
    let empty = PeerCertificate(Vec::new());
    let (code, ..) = get(Service::default(), "/mtls", &[], Some(empty)).await;
    assert_eq!(code, 401);
    let (code, ..) = get(Service::default(), "/mtls", &[], None).await;
    assert_eq!(code, 401);
}

#[tokio::test]
async fn a_requirement_hands_all_its_schemes_with_their_scopes_and_checks_them_all() {
    let both = [
        ("x-key", "k"),
        ("authorization", "Bearer scopes:read,write"),
    ];
    let (code, body, asked) = get(Service::default(), "/and", &both, None).await;
    assert_eq!((code, subject(&body)), (200, "key+oauth"));
    let schemes: Vec<_> = asked[0]
        .credentials
        .iter()
        .map(|c| (c.scheme, c.kind, c.scopes))
        .collect();
    assert_eq!(
        schemes,
        [
            ("key", SchemeKind::ApiKeyHeader, &["read"][..]),
            ("oauth", SchemeKind::OAuth2, &["write"][..]),
        ]
    );
    // A scope listed for either scheme must be held.
    let short = [("x-key", "k"), ("authorization", "Bearer scopes:write")];
    let (code, body, _) = get(Service::default(), "/and", &short, None).await;
    assert_eq!((code, &body["kind"]), (403, &json!("forbidden")));
    assert!(
        body["message"].as_str().unwrap().contains("`read`"),
        "{body}"
    );
    // One scheme of two: no credentials for the requirement.
    let one = [("x-key", "k")];
    let (code, _, asked) = get(Service::default(), "/and", &one, None).await;
    assert_eq!(code, 401);
    assert!(asked.iter().all(|a| a.credentials.is_empty()));
}

#[tokio::test]
async fn an_insufficient_scope_falls_through_to_the_next_alternative_else_is_403() {
    let weak = [("authorization", "Bearer scopes:read")];
    let (code, body, _) = get(Service::default(), "/scoped", &weak, None).await;
    assert_eq!((code, &body["kind"]), (403, &json!("forbidden")));
    let with_key = [("authorization", "Bearer scopes:read"), ("x-key", "k")];
    let (code, body, asked) = get(Service::default(), "/scoped", &with_key, None).await;
    assert_eq!((code, subject(&body)), (200, "key"));
    assert_eq!(asked.len(), 2, "both alternatives tried, in order");
    let admin = [("authorization", "Bearer scopes:admin")];
    let (code, body, _) = get(Service::default(), "/scoped", &admin, None).await;
    assert_eq!((code, subject(&body)), (200, "oauth"));
}

#[tokio::test]
async fn anonymous_callers_are_the_implementations_decision_and_need_the_scopes() {
    let (code, body, asked) = get(Service::default(), "/scoped", &[], None).await;
    assert_eq!((code, &body["kind"]), (401, &json!("token_missing")));
    assert_eq!(asked.len(), 1);
    let welcome = Service {
        anonymous_scopes: Some(Vec::new()),
        ..Service::default()
    };
    // `/scoped`'s second alternative needs no scope: an anonymous principal is enough.
    let (code, body, _) = get(welcome, "/scoped", &[], None).await;
    assert_eq!((code, subject(&body)), (200, "anonymous"));
    let welcome = Service {
        anonymous_scopes: Some(Vec::new()),
        ..Service::default()
    };
    let (code, body, _) = get(welcome, "/and", &[], None).await;
    assert_eq!((code, &body["kind"]), (403, &json!("forbidden")));
}

#[tokio::test]
async fn an_unknown_or_unreadable_scheme_never_opens_an_operation() {
    let everything = [
        ("authorization", "Bearer scopes:admin"),
        ("x-key", "k"),
        ("ghost", "1"),
        ("cookie", "sid=1; ghost=1"),
    ];
    let (code, body, asked) = get(Service::default(), "/ghost?ghost=1", &everything, None).await;
    assert_eq!((code, &body["kind"]), (401, &json!("token_missing")));
    assert!(asked.iter().all(|a| a.credentials.is_empty()));
}

#[test]
fn secrets_never_reach_debug_output() {
    let credential = Credential {
        scheme: "key",
        kind: SchemeKind::ApiKeyHeader,
        scopes: &[],
        secret: Secret::ApiKey("hunter2".into()),
    };
    let printed = format!("{credential:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("redacted"), "{printed}");
}

#[tokio::test]
async fn an_open_operation_is_admitted_without_asking_and_open_never_skips_security() {
    let (code, body, asked) = get(Service::default(), "/open", &[], None).await;
    assert_eq!((code, &body["subject"]), (200, &Value::Null));
    assert!(asked.is_empty(), "authenticate was asked: {asked:?}");
    // A secured operation wired to `App::open` by mistake is refused, even with a key.
    let key = [("x-key", "k")];
    let (code, body, asked) = get(Service::default(), "/misrouted", &key, None).await;
    assert_eq!(code, 500, "{body}");
    assert!(asked.is_empty());
}
