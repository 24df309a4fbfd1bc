//! An in-memory widget store. The handler code is written once (`store_for!`) and
//! expanded for each style's generated crate, which proves it is style-independent.

use chrono::{DateTime, Duration, TimeZone, Utc};

/// `created_at` of the widget with sequence number `n`: deterministic, so seeded stores
/// and the wire tests give the same bodies on every run.
pub fn created_at(n: u64) -> DateTime<Utc> {
    let epoch = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    epoch + Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX))
}

macro_rules! store_for {
    ($style:ident, $krate:ident) => {
        /// The store for this style's generated crate.
        pub mod $style {
            use std::sync::Mutex;

            use $krate::server::{Api, ApiError, AuthRequest, Principal, RequestContext};
            use $krate::style::{Page, PageRequest};
            use $krate::types::{Nullable, Widget, WidgetInput, WidgetPatch};

            #[derive(Default)]
            struct Inner {
                issued: u64,
                widgets: Vec<Widget>,
            }

            /// Widgets in memory, in creation order.
            #[derive(Default)]
            pub struct Store {
                inner: Mutex<Inner>,
                api_key: Option<String>,
            }

            impl Store {
                /// A store holding `seed` widgets (`wdg_1`/`widget-1` …), accepting
                /// `Authorization: Bearer <api_key>` when a key is given, anyone otherwise.
                pub fn new(seed: u64, api_key: Option<String>) -> Self {
                    let store = Store {
                        inner: Mutex::default(),
                        api_key,
                    };
                    for n in 1..=seed {
                        store.insert(WidgetInput {
                            name: format!("widget-{n}"),
                            color: Nullable::Absent,
                            weight: None,
                            tags: None,
                        });
                    }
                    store
                }

                fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
                    self.inner
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                }

                fn insert(&self, input: WidgetInput) -> Widget {
                    let mut inner = self.lock();
                    inner.issued += 1;
                    let widget = Widget {
                        id: format!("wdg_{}", inner.issued),
                        name: input.name,
                        color: input.color,
                        weight: input.weight,
                        tags: input.tags.unwrap_or_default(),
                        created_at: crate::store::created_at(inner.issued),
                    };
                    inner.widgets.push(widget.clone());
                    widget
                }
            }

            fn not_found(id: &str) -> ApiError {
                ApiError::not_found(format!("there is no widget `{id}`"))
            }

            impl Api for Store {
                async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
                    let Some(key) = &self.api_key else {
                        return Ok(Principal::new("anonymous"));
                    };
                    match request.secret("bearerAuth") {
                        None => Err(ApiError::token_missing()),
                        Some(token) if token == key => Ok(Principal::new("api-key")),
                        Some(_) => Err(ApiError::token_invalid()),
                    }
                }

                async fn list_widgets(
                    &self,
                    _ctx: RequestContext,
                    page: PageRequest,
                ) -> Result<Page<Widget>, ApiError> {
                    Ok(Page::from_slice(&self.lock().widgets, &page, |w| {
                        w.id.clone()
                    }))
                }

                async fn create_widget(
                    &self,
                    _ctx: RequestContext,
                    body: WidgetInput,
                ) -> Result<Widget, ApiError> {
                    Ok(self.insert(body))
                }

                async fn delete_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                ) -> Result<(), ApiError> {
                    let mut inner = self.lock();
                    let before = inner.widgets.len();
                    inner.widgets.retain(|w| w.id != widget_id);
                    if inner.widgets.len() == before {
                        return Err(not_found(&widget_id));
                    }
                    Ok(())
                }

                async fn get_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                ) -> Result<Widget, ApiError> {
                    let inner = self.lock();
                    inner
                        .widgets
                        .iter()
                        .find(|w| w.id == widget_id)
                        .cloned()
                        .ok_or_else(|| not_found(&widget_id))
                }

                async fn update_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                    body: WidgetPatch,
                ) -> Result<Widget, ApiError> {
                    let mut inner = self.lock();
                    let widget = inner
                        .widgets
                        .iter_mut()
                        .find(|w| w.id == widget_id)
                        .ok_or_else(|| not_found(&widget_id))?;
                    if let Some(name) = body.name {
                        widget.name = name;
                    }
                    match body.color {
                        Nullable::Absent => {}
                        Nullable::Null => widget.color = Nullable::Absent,
                        color => widget.color = color,
                    }
                    if let Some(weight) = body.weight {
                        widget.weight = Some(weight);
                    }
                    if let Some(tags) = body.tags {
                        widget.tags = tags;
                    }
                    Ok(widget.clone())
                }
            }
        }
    };
}

store_for!(enveloped, widgets_enveloped);
store_for!(plain, widgets_plain);
store_for!(result, widgets_result);
