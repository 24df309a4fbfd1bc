//! The widget store: in memory (the default) or in an SQLite database (`serve --db FILE`).
//! The handler code is written once (`store_for!`) and expanded for each style's generated
//! crate, which proves it is style-independent; only a create differs, because the
//! `result` style hands the handler a whole batch at once.
//!
//! Names are unique: a create whose name is taken is refused (`enveloped` and `plain`:
//! `400` with kind `name_taken`; `result`: a `422` failure naming the item, field `name`),
//! and a batch is saved whole or not at all — in SQLite, inside one transaction.

// Handlers answer the runtime's `ApiError`, and so do the store's helpers.
#![allow(clippy::result_large_err)]

use chrono::{DateTime, Duration, TimeZone, Utc};

/// The error kind of a create (or rename) whose name another widget has.
pub const NAME_TAKEN: &str = "name_taken";

/// `created_at` of the widget with sequence number `n`: deterministic, so seeded stores
/// and the wire tests give the same bodies on every run.
pub fn created_at(n: u64) -> DateTime<Utc> {
    let epoch = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    epoch + Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The widget's entity tag (`ETag`): a strong tag of its JSON, so it changes with it.
pub fn etag(widget: &impl serde::Serialize) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(widget)
        .unwrap_or_default()
        .hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// What `getWidget` answers in `Cache-Control`: a widget may change at any time.
pub const WIDGET_CACHE_CONTROL: &str = "no-cache";

/// What `listWidgets` adds to its responses (a header the spec does not declare, added
/// through the request context): a page of the list is never stored.
pub const LIST_CACHE_CONTROL: &str = "no-store";

/// The message refusing a widget called `name`.
pub fn name_taken(name: &str) -> String {
    format!("a widget called `{name}` exists")
}

/// The SQLite schema: one row per widget, the widget itself as JSON; `name` is unique, so
/// the database itself refuses a duplicate.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS widgets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
)";

/// Opens (creating when needed) the SQLite database at `path`.
pub fn open_db(path: &std::path::Path) -> Result<rusqlite::Connection, String> {
    let connection = rusqlite::Connection::open(path)
        .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
    connection
        .execute_batch(SCHEMA)
        .map_err(|e| format!("cannot create the widgets table in {}: {e}", path.display()))?;
    Ok(connection)
}

/// Whether `error` is the `UNIQUE` constraint refusing a row.
fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

macro_rules! create_widget {
    // One item per request: a taken name is 400 `name_taken`.
    (single) => {
        async fn create_widget(
            &self,
            _ctx: RequestContext,
            body: WidgetInput,
        ) -> Result<Widget, ApiError> {
            let name = body.name.clone();
            match self.insert_all(vec![body])? {
                Ok(saved) => saved
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::internal("the widget was not saved")),
                Err(_) => Err(ApiError::bad_request(crate::store::name_taken(&name))
                    .with_kind(crate::store::NAME_TAKEN)
                    .with_field("name")),
            }
        }
    };
    // A whole batch: every item whose name is taken is refused, and nothing is saved.
    (batch) => {
        async fn create_widget(
            &self,
            _ctx: RequestContext,
            bodies: Vec<WidgetInput>,
        ) -> Result<Vec<Widget>, BatchError> {
            match self.insert_all(bodies)? {
                Ok(saved) => Ok(saved),
                Err(taken) => Err(BatchError::Refused(
                    taken
                        .into_iter()
                        .map(|(index, name)| {
                            ItemRefusal::new(index, crate::store::name_taken(&name))
                                .with_field("name")
                        })
                        .collect(),
                )),
            }
        }
    };
}

macro_rules! store_for {
    ($style:ident, $krate:ident, $create:ident) => {
        /// The store for this style's generated crate.
        pub mod $style {
            use std::sync::Mutex;

            use $krate::server::WithHeaders;
            #[allow(unused_imports)]
            use $krate::server::{
                Api, ApiError, AuthRequest, BatchError, ItemRefusal, Principal, RequestContext,
            };
            use $krate::style::{Page, PageRequest};
            use $krate::types::{
                GetWidgetHeaders, Nullable, ReplaceWidget201Headers, ReplaceWidgetHeaders,
                ReplaceWidgetResponse, Widget, WidgetInput, WidgetPatch,
            };

            #[derive(Default)]
            struct Memory {
                issued: u64,
                widgets: Vec<Widget>,
            }

            /// Where the widgets are.
            enum Backend {
                Memory(Mutex<Memory>),
                Sqlite(Mutex<rusqlite::Connection>),
            }

            /// Widgets in creation order, in memory or in SQLite.
            pub struct Store {
                backend: Backend,
                api_key: Option<String>,
            }

            /// What a create found: the saved widgets, or the (index, name) of each item
            /// whose name is taken (then nothing was saved).
            type Inserted = Result<Vec<Widget>, Vec<(usize, String)>>;

            fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
                mutex
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            }

            fn db_error(error: impl std::fmt::Display) -> ApiError {
                ApiError::internal(format!("the database failed: {error}"))
            }

            fn decode(body: &str) -> Result<Widget, ApiError> {
                serde_json::from_str(body).map_err(db_error)
            }

            fn encode(widget: &Widget) -> Result<String, ApiError> {
                serde_json::to_string(widget).map_err(db_error)
            }

            fn widget(seq: u64, input: WidgetInput) -> Widget {
                Widget {
                    id: format!("wdg_{seq}"),
                    name: input.name,
                    color: input.color,
                    weight: input.weight,
                    tags: input.tags.unwrap_or_default(),
                    created_at: crate::store::created_at(seq),
                }
            }

            fn seed_input(n: u64) -> WidgetInput {
                WidgetInput {
                    name: format!("widget-{n}"),
                    color: Nullable::Absent,
                    weight: None,
                    tags: None,
                }
            }

            impl Store {
                /// An in-memory store holding `seed` widgets (`wdg_1`/`widget-1` …),
                /// accepting `Authorization: Bearer <api_key>` when a key is given, anyone
                /// otherwise.
                pub fn new(seed: u64, api_key: Option<String>) -> Self {
                    let store = Store {
                        backend: Backend::Memory(Mutex::default()),
                        api_key,
                    };
                    store.seed(seed);
                    store
                }

                /// The store `serve` options ask for: in the SQLite database `db` when
                /// given, in memory otherwise.
                pub fn for_args(args: &crate::serve::ServeArgs) -> Result<Self, String> {
                    let key = args.api_key.clone();
                    match &args.db {
                        None => Ok(Self::new(args.seed, key)),
                        Some(db) => Self::open(db, args.seed, key),
                    }
                }

                /// A store in the SQLite database at `path` (created when missing); `seed`
                /// widgets are added when it holds none.
                pub fn open(
                    path: &std::path::Path,
                    seed: u64,
                    api_key: Option<String>,
                ) -> Result<Self, String> {
                    let connection = crate::store::open_db(path)?;
                    let store = Store {
                        backend: Backend::Sqlite(Mutex::new(connection)),
                        api_key,
                    };
                    if store.all().map_err(|e| e.message)?.is_empty() {
                        store.seed(seed);
                    }
                    Ok(store)
                }

                fn seed(&self, seed: u64) {
                    for n in 1..=seed {
                        // Seed names are distinct, so nothing is refused.
                        let _ = self.insert_all(vec![seed_input(n)]);
                    }
                }

                /// Saves every input, or none of them when a name is taken (by a saved
                /// widget or by an earlier item of the same batch).
                fn insert_all(&self, inputs: Vec<WidgetInput>) -> Result<Inserted, ApiError> {
                    match &self.backend {
                        Backend::Memory(memory) => {
                            let mut memory = lock(memory);
                            let mut taken = Vec::new();
                            for (index, input) in inputs.iter().enumerate() {
                                let earlier = &inputs[..index];
                                if memory.widgets.iter().any(|w| w.name == input.name)
                                    || earlier.iter().any(|e| e.name == input.name)
                                {
                                    taken.push((index, input.name.clone()));
                                }
                            }
                            if !taken.is_empty() {
                                return Ok(Err(taken));
                            }
                            let mut saved = Vec::with_capacity(inputs.len());
                            for input in inputs {
                                memory.issued += 1;
                                let widget = widget(memory.issued, input);
                                memory.widgets.push(widget.clone());
                                saved.push(widget);
                            }
                            Ok(Ok(saved))
                        }
                        Backend::Sqlite(connection) => {
                            let mut connection = lock(connection);
                            let tx = connection.transaction().map_err(db_error)?;
                            let mut saved = Vec::with_capacity(inputs.len());
                            let mut taken = Vec::new();
                            for (index, input) in inputs.into_iter().enumerate() {
                                let name = input.name.clone();
                                let inserted = tx.execute(
                                    "INSERT INTO widgets (name, body) VALUES (?1, '')",
                                    [&name],
                                );
                                match inserted {
                                    Ok(_) => {}
                                    Err(e) if crate::store::is_unique_violation(&e) => {
                                        taken.push((index, name));
                                        continue;
                                    }
                                    Err(e) => return Err(db_error(e)),
                                }
                                let seq =
                                    u64::try_from(tx.last_insert_rowid()).map_err(db_error)?;
                                let widget = widget(seq, input);
                                tx.execute(
                                    "UPDATE widgets SET body = ?1 WHERE seq = ?2",
                                    rusqlite::params![encode(&widget)?, tx.last_insert_rowid()],
                                )
                                .map_err(db_error)?;
                                saved.push(widget);
                            }
                            if !taken.is_empty() {
                                // Nothing of the batch stays: every insert is undone.
                                tx.rollback().map_err(db_error)?;
                                return Ok(Err(taken));
                            }
                            tx.commit().map_err(db_error)?;
                            Ok(Ok(saved))
                        }
                    }
                }

                /// Every widget, in creation order.
                fn all(&self) -> Result<Vec<Widget>, ApiError> {
                    match &self.backend {
                        Backend::Memory(memory) => Ok(lock(memory).widgets.clone()),
                        Backend::Sqlite(connection) => {
                            let connection = lock(connection);
                            let mut statement = connection
                                .prepare_cached("SELECT body FROM widgets ORDER BY seq")
                                .map_err(db_error)?;
                            let rows = statement
                                .query_map([], |row| row.get::<_, String>(0))
                                .map_err(db_error)?;
                            let mut widgets = Vec::new();
                            for body in rows {
                                widgets.push(decode(&body.map_err(db_error)?)?);
                            }
                            Ok(widgets)
                        }
                    }
                }

                fn find(&self, id: &str) -> Result<Widget, ApiError> {
                    match &self.backend {
                        Backend::Memory(memory) => lock(memory)
                            .widgets
                            .iter()
                            .find(|w| w.id == id)
                            .cloned()
                            .ok_or_else(|| not_found(id)),
                        Backend::Sqlite(connection) => {
                            let seq = seq_of(id).ok_or_else(|| not_found(id))?;
                            read_row(&lock(connection), seq)?.ok_or_else(|| not_found(id))
                        }
                    }
                }
            }

            /// Whether the widget `id` was replaced (`true`) or created under that id.
            type Replaced = (Widget, bool);

            impl Store {
                /// Replaces the widget `id` with `input` (keeping its id and creation time),
                /// or creates it under that id (`wdg_<n>`, its sequence number `n`).
                fn replace(&self, id: &str, input: WidgetInput) -> Result<Replaced, ApiError> {
                    let seq = seq_of(id).ok_or_else(|| not_found(id))?;
                    let seq_u64 = u64::try_from(seq).map_err(|_| not_found(id))?;
                    match &self.backend {
                        Backend::Memory(memory) => {
                            let mut memory = lock(memory);
                            if memory
                                .widgets
                                .iter()
                                .any(|w| w.name == input.name && w.id != id)
                            {
                                return Err(name_taken(&input.name));
                            }
                            let fresh = widget(seq_u64, input);
                            match memory.widgets.iter_mut().find(|w| w.id == id) {
                                Some(saved) => {
                                    let created_at = saved.created_at;
                                    *saved = Widget {
                                        created_at,
                                        ..fresh
                                    };
                                    Ok((saved.clone(), true))
                                }
                                None => {
                                    memory.issued = memory.issued.max(seq_u64);
                                    memory.widgets.push(fresh.clone());
                                    Ok((fresh, false))
                                }
                            }
                        }
                        Backend::Sqlite(connection) => {
                            let connection = lock(connection);
                            let saved = read_row(&connection, seq)?;
                            let replaced = saved.is_some();
                            let mut fresh = widget(seq_u64, input);
                            if let Some(saved) = saved {
                                fresh.created_at = saved.created_at;
                            }
                            let statement = if replaced {
                                "UPDATE widgets SET name = ?1, body = ?2 WHERE seq = ?3"
                            } else {
                                "INSERT INTO widgets (name, body, seq) VALUES (?1, ?2, ?3)"
                            };
                            let written = connection.execute(
                                statement,
                                rusqlite::params![fresh.name, encode(&fresh)?, seq],
                            );
                            match written {
                                Ok(_) => Ok((fresh, replaced)),
                                Err(e) if crate::store::is_unique_violation(&e) => {
                                    Err(name_taken(&fresh.name))
                                }
                                Err(e) => Err(db_error(e)),
                            }
                        }
                    }
                }
            }

            /// The widget in row `seq`, if there is one.
            fn read_row(
                connection: &rusqlite::Connection,
                seq: i64,
            ) -> Result<Option<Widget>, ApiError> {
                let body = rusqlite::OptionalExtension::optional(connection.query_row(
                    "SELECT body FROM widgets WHERE seq = ?1",
                    [seq],
                    |row| row.get::<_, String>(0),
                ))
                .map_err(db_error)?;
                body.map(|body| decode(&body)).transpose()
            }

            /// The row of the widget `wdg_<seq>` (`seq` from 1, written without a sign or
            /// leading zeros, so that each row has one id).
            fn seq_of(id: &str) -> Option<i64> {
                let digits = id.strip_prefix("wdg_")?;
                if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse().ok()
            }

            fn not_found(id: &str) -> ApiError {
                ApiError::not_found(format!("there is no widget `{id}`"))
            }

            fn name_taken(name: &str) -> ApiError {
                ApiError::bad_request(crate::store::name_taken(name))
                    .with_kind(crate::store::NAME_TAKEN)
                    .with_field("name")
            }

            /// `widget` changed as `patch` says.
            fn patched(mut widget: Widget, patch: WidgetPatch) -> Widget {
                if let Some(name) = patch.name {
                    widget.name = name;
                }
                match patch.color {
                    Nullable::Absent => {}
                    Nullable::Null => widget.color = Nullable::Absent,
                    color => widget.color = color,
                }
                if let Some(weight) = patch.weight {
                    widget.weight = Some(weight);
                }
                if let Some(tags) = patch.tags {
                    widget.tags = tags;
                }
                widget
            }

            impl Api for Store {
                async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
                    // Without `--api-key` everyone is let in, as nobody in particular.
                    let Some(key) = &self.api_key else {
                        return Ok(Principal::default());
                    };
                    match request.secret("bearerAuth") {
                        None => Err(ApiError::token_missing()),
                        Some(token) if token == key => Ok(Principal::new("api-key")),
                        Some(_) => Err(ApiError::token_invalid()),
                    }
                }

                async fn list_widgets(
                    &self,
                    ctx: RequestContext,
                    page: PageRequest,
                ) -> Result<Page<Widget>, ApiError> {
                    ctx.response_headers().insert(
                        axum::http::header::CACHE_CONTROL,
                        axum::http::HeaderValue::from_static(crate::store::LIST_CACHE_CONTROL),
                    );
                    match &self.backend {
                        Backend::Memory(memory) => {
                            Ok(Page::from_slice(&lock(memory).widgets, &page, |w| {
                                w.id.clone()
                            }))
                        }
                        Backend::Sqlite(_) => {
                            Ok(Page::from_slice(&self.all()?, &page, |w| w.id.clone()))
                        }
                    }
                }

                create_widget!($create);

                async fn delete_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                ) -> Result<(), ApiError> {
                    let deleted = match &self.backend {
                        Backend::Memory(memory) => {
                            let mut memory = lock(memory);
                            let before = memory.widgets.len();
                            memory.widgets.retain(|w| w.id != widget_id);
                            memory.widgets.len() != before
                        }
                        Backend::Sqlite(connection) => match seq_of(&widget_id) {
                            Some(seq) => {
                                lock(connection)
                                    .execute("DELETE FROM widgets WHERE seq = ?1", [seq])
                                    .map_err(db_error)?
                                    > 0
                            }
                            None => false,
                        },
                    };
                    if deleted {
                        Ok(())
                    } else {
                        Err(not_found(&widget_id))
                    }
                }

                async fn get_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
                    let widget = self.find(&widget_id)?;
                    let headers = GetWidgetHeaders {
                        etag: crate::store::etag(&widget),
                        cache_control: Some(crate::store::WIDGET_CACHE_CONTROL.to_string()),
                    };
                    Ok(WithHeaders::new(widget, headers))
                }

                async fn replace_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                    body: WidgetInput,
                ) -> Result<ReplaceWidgetResponse, ApiError> {
                    let (widget, replaced) = self.replace(&widget_id, body)?;
                    let etag = crate::store::etag(&widget);
                    Ok(if replaced {
                        let headers = ReplaceWidgetHeaders { etag };
                        ReplaceWidgetResponse::Ok(WithHeaders::new(widget, headers))
                    } else {
                        let headers = ReplaceWidget201Headers { etag };
                        ReplaceWidgetResponse::Created(WithHeaders::new(widget, headers))
                    })
                }

                async fn update_widget(
                    &self,
                    _ctx: RequestContext,
                    widget_id: String,
                    body: WidgetPatch,
                ) -> Result<Widget, ApiError> {
                    match &self.backend {
                        Backend::Memory(memory) => {
                            let mut memory = lock(memory);
                            let index = memory
                                .widgets
                                .iter()
                                .position(|w| w.id == widget_id)
                                .ok_or_else(|| not_found(&widget_id))?;
                            if let Some(name) = &body.name {
                                if memory
                                    .widgets
                                    .iter()
                                    .any(|w| w.name == *name && w.id != widget_id)
                                {
                                    return Err(name_taken(name));
                                }
                            }
                            let widget = patched(memory.widgets[index].clone(), body);
                            memory.widgets[index] = widget.clone();
                            Ok(widget)
                        }
                        Backend::Sqlite(connection) => {
                            let seq = seq_of(&widget_id).ok_or_else(|| not_found(&widget_id))?;
                            let connection = lock(connection);
                            let saved =
                                read_row(&connection, seq)?.ok_or_else(|| not_found(&widget_id))?;
                            let widget = patched(saved, body);
                            let updated = connection.execute(
                                "UPDATE widgets SET name = ?1, body = ?2 WHERE seq = ?3",
                                rusqlite::params![widget.name, encode(&widget)?, seq],
                            );
                            match updated {
                                Ok(0) => Err(not_found(&widget_id)),
                                Ok(_) => Ok(widget),
                                Err(e) if crate::store::is_unique_violation(&e) => {
                                    Err(name_taken(&widget.name))
                                }
                                Err(e) => Err(db_error(e)),
                            }
                        }
                    }
                }
            }
        }
    };
}

store_for!(enveloped, widgets_enveloped, single);
store_for!(plain, widgets_plain, single);
store_for!(result, widgets_result, batch);
