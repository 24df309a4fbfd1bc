//! What the example's HTTP tests share.

use std::net::SocketAddr;

use widgets_example::serve::{router, ServeArgs};

/// Serves the example with `args` on `args.addr` (a free port on 127.0.0.1), handlers seeing
/// the peer's address; returns the base URL (`http://127.0.0.1:<port>`).
pub async fn spawn(args: &ServeArgs) -> String {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let app = router(args)
        .expect("router")
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
