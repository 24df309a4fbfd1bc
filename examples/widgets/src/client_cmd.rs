//! `widgets-example client`: the generated widgets client from the command line, in any style.
//!
//! ```text
//! widgets-example client --style <enveloped|plain|result> --base-url <URL> [--api-key <KEY>] [--retries <N>] <command>
//!   list [--limit N]     every widget, following every page, one JSON object per line
//!   get <ID>             one widget as JSON
//!   create <JSON>        create from a WidgetInput, print the saved widget
//!   update <ID> <JSON>   apply a WidgetPatch (`"color": null` clears the colour), print the widget
//!   delete <ID>          delete, print `{"deleted": ID}`
//! ```
//! An API error prints one line to stderr (status, kind or type, message) and exits 1.
use std::process::ExitCode;

use apigen_runtime::client::Error;
use clap::{Args, Subcommand};
use futures_util::TryStreamExt;
use widgets_example::serve::Style;

/// Arguments of `widgets-example client`.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The server's response style.
    #[arg(long, value_enum)]
    style: Style,
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    base_url: String,
    /// Sent as `Authorization: Bearer <KEY>`.
    #[arg(long)]
    api_key: Option<String>,
    /// Retry `429`/`503` answers (honouring `Retry-After`) and connection failures this many times.
    #[arg(long, default_value_t = 0)]
    retries: u32,
    #[command(subcommand)]
    command: ClientCommand,
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Every widget, one JSON object per line, following every page.
    List {
        /// Widgets per page.
        #[arg(long)]
        limit: Option<u32>,
    },
    /// One widget.
    Get { id: String },
    /// Create a widget from a `WidgetInput` JSON object.
    Create { json: String },
    /// Update a widget with a `WidgetPatch` JSON object.
    Update { id: String, json: String },
    /// Delete a widget.
    Delete { id: String },
}

/// The same command over one style's generated crate (each has its own `client` and `types`).
macro_rules! run_with {
    ($api:ident, $args:expr, $kind_label:literal) => {{
        use $api::client::{Client, PageRequest, RetryPolicy};
        use $api::types::{WidgetInput, WidgetPatch};

        let report = |error: Error| report(error, $kind_label);
        let parse = |what: &str, json: &str| -> Result<serde_json::Value, Failed> {
            serde_json::from_str(json).map_err(|e| Failed::line(format!("error: the {what} is not JSON: {e}")))
        };

        async {
            let mut builder = Client::builder(&$args.base_url).retry(RetryPolicy::retries($args.retries));
            if let Some(key) = &$args.api_key {
                builder = builder.credential("bearerAuth", key);
            }
            let client = builder.build().map_err(report)?;
            match &$args.command {
                ClientCommand::List { limit } => {
                    let page = limit.map(PageRequest::first).unwrap_or_default();
                    let widgets = client.list_widgets_stream(&page);
                    futures_util::pin_mut!(widgets);
                    while let Some(widget) = widgets.try_next().await.map_err(report)? {
                        print_json(&widget)?;
                    }
                }
                ClientCommand::Get { id } => print_json(&client.get_widget(id).await.map_err(report)?.body)?,
                ClientCommand::Create { json } => {
                    let input: WidgetInput = serde_json::from_value(parse("widget", json)?).map_err(|e| Failed::line(format!("error: not a WidgetInput: {e}")))?;
                    print_json(&client.create_widget(&input).await.map_err(report)?)?;
                }
                ClientCommand::Update { id, json } => {
                    let patch: WidgetPatch = serde_json::from_value(parse("patch", json)?).map_err(|e| Failed::line(format!("error: not a WidgetPatch: {e}")))?;
                    print_json(&client.update_widget(id, &patch).await.map_err(report)?)?;
                }
                ClientCommand::Delete { id } => {
                    client.delete_widget(id).await.map_err(report)?;
                    print_json(&serde_json::json!({ "deleted": id }))?;
                }
            }
            Ok::<(), Failed>(())
        }
        .await
    }};
}

/// A failed call as one line; `kind_label` is what the style calls an error's kind (`kind`,
/// or `type` in `result`). The three crates share the runtime, so this is one `Error` type.
fn report(error: Error, kind_label: &str) -> Failed {
    Failed::line(match &error {
        Error::Api(e) => format!(
            "error: {} {}: {}",
            e.status.as_u16(),
            e.kind
                .as_deref()
                .map(|k| format!("{kind_label} {k}"))
                .unwrap_or_else(|| format!("{kind_label} unknown")),
            e.message
        ),
        Error::Failure(f) => format!(
            "error: {} {kind_label} validation: {error}",
            f.status.as_u16()
        ),
        other => format!("error: {other}"),
    })
}

/// A failure to report: one line on stderr, or nothing when stdout was closed (`| head`).
struct Failed(Option<String>);

/// Runs the client command; exit code 0 on success, 1 when the server or the input says no.
pub async fn run(args: ClientArgs) -> ExitCode {
    let outcome = match args.style {
        Style::Enveloped => run_with!(widgets_enveloped, args, "kind"),
        Style::Plain => run_with!(widgets_plain, args, "kind"),
        Style::Result => run_with!(widgets_result, args, "type"),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed(Some(line))) => {
            eprintln!("{line}");
            ExitCode::FAILURE
        }
        Err(Failed(None)) => ExitCode::SUCCESS,
    }
}

impl Failed {
    fn line(line: String) -> Self {
        Failed(Some(line))
    }
}

/// Prints one value as one line of JSON; a closed stdout ends the command quietly.
fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failed> {
    use std::io::Write as _;
    let line = serde_json::to_string(value)
        .map_err(|e| Failed::line(format!("error: cannot print the answer as JSON: {e}")))?;
    writeln!(std::io::stdout().lock(), "{line}").map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Failed(None),
        _ => Failed::line(format!("error: cannot write to stdout: {e}")),
    })
}
