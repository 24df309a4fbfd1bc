//! `widgets-example client` end to end: the binary against the example server, every style.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::Output;

use widgets_example::serve::{ServeArgs, Style};

mod common;

async fn serve(style: Style, rate_limit: Option<u32>) -> String {
    let args = ServeArgs {
        style,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: 3,
        api_key: Some("KEY".to_owned()),
        rate_limit: rate_limit.and_then(NonZeroU32::new),
        base_url: None,
        db: None,
    };
    common::spawn(&args).await
}

/// Runs `widgets-example client --style S --base-url URL <args>` off the async runtime.
async fn client(style: &str, base: &str, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_widgets-example"));
    command
        .args(["client", "--style", style, "--base-url", base])
        .args(args);
    tokio::task::spawn_blocking(move || command.output().expect("run widgets-example"))
        .await
        .expect("join")
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_client_command_lists_fails_and_retries_in_every_style() {
    for (style, name, kind_label, newest_first) in [
        (Style::Enveloped, "enveloped", "kind not_found", false),
        (Style::Plain, "plain", "kind not_found", true),
        (Style::Result, "result", "type client", false),
    ] {
        let base = serve(style, None).await;

        let out = client(name, &base, &["--api-key", "KEY", "list", "--limit", "2"]).await;
        assert!(out.status.success(), "{name}: {out:?}");
        let listed: Vec<serde_json::Value> = lines(&out.stdout)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut expected = vec!["widget-1", "widget-2", "widget-3"];
        if newest_first {
            expected.reverse();
        }
        assert_eq!(
            listed
                .iter()
                .map(|w| w["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            expected,
            "{name}"
        );

        let out = client(
            name,
            &base,
            &[
                "--api-key",
                "KEY",
                "create",
                r#"{"name":"Gear","color":"red"}"#,
            ],
        )
        .await;
        assert!(out.status.success(), "{name}: {out:?}");
        let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (created["id"].as_str(), created["color"].as_str()),
            (Some("wdg_4"), Some("red"))
        );
        let out = client(
            name,
            &base,
            &["--api-key", "KEY", "update", "wdg_4", r#"{"color":null}"#],
        )
        .await;
        let updated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(updated.get("color").is_none(), "{name}: {updated}");
        let out = client(name, &base, &["--api-key", "KEY", "delete", "wdg_4"]).await;
        assert_eq!(lines(&out.stdout), [r#"{"deleted":"wdg_4"}"#], "{name}");

        let out = client(name, &base, &["--api-key", "KEY", "get", "wdg_9"]).await;
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty());
        let stderr = lines(&out.stderr);
        assert_eq!(stderr.len(), 1, "{name}: {stderr:?}");
        assert!(
            stderr[0].starts_with(&format!("error: 404 {kind_label}: ")),
            "{name}: {stderr:?}"
        );
        assert!(stderr[0].contains("wdg_9"), "{name}: {stderr:?}");

        let out = client(name, &base, &["get", "wdg_1"]).await;
        assert_eq!(out.status.code(), Some(1));
        assert!(
            lines(&out.stderr)[0].starts_with("error: 401 "),
            "{name}: {out:?}"
        );

        let limited = serve(style, Some(1)).await;
        let out = client(name, &limited, &["--api-key", "KEY", "get", "wdg_1"]).await;
        assert!(out.status.success(), "{name}: {out:?}");
        let out = client(name, &limited, &["--api-key", "KEY", "get", "wdg_1"]).await;
        assert!(
            lines(&out.stderr)[0].starts_with("error: 429 "),
            "{name}: {out:?}"
        );
        let out = client(
            name,
            &limited,
            &["--api-key", "KEY", "--retries", "3", "get", "wdg_1"],
        )
        .await;
        assert!(out.status.success(), "{name}: {out:?}");
    }
}
