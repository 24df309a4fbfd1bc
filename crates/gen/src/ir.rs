//! The intermediate representation: plain, serialisable data and the only thing the
//! templates see.
//!
//! Names are already valid, unique Rust identifiers and Rust type strings are already
//! computed; text from the spec (descriptions, wire names, enum values, defaults) is kept
//! as it was written and reaches Rust source only through the templates' escaping
//! filters (`lit`, `doc`). Every node remembers where it came from ([`Origin`]).
//!
//! Type strings in [`TypeDef`]s are written for the `types` module itself (`Widget`,
//! `Vec<Widget>`); type strings in [`Operation`]s, [`Param`]s and [`Body`]s are written
//! for the other modules and name schema types through the module (`types::Widget`), so
//! a template outside `types.rs` needs `use super::types;` and nothing else. External
//! types are always fully qualified (`::chrono::DateTime<::chrono::Utc>`).

pub mod names;
mod ops;
mod schema;
mod validation;

use apigen_spec::{Diagnostic, Loaded};
use serde::Serialize;

/// Everything a template can see.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ir {
    /// The generated crate's package data.
    pub meta: CrateMeta,
    /// The response style's name (`enveloped`, `plain`, `result`).
    pub style: String,
    /// The schema types, sorted by name.
    pub types: Vec<TypeDef>,
    /// The operations, sorted by path, then method.
    pub operations: Vec<Operation>,
    /// The security schemes, sorted by spec key.
    pub security: Vec<SecurityScheme>,
    /// What the generated code needs.
    pub features: Features,
    /// The wire spec (the spec with the style applied, as `apigen apply` writes it) as
    /// JSON: the crate's `openapi.json`, embedded as `OPENAPI_JSON`. Not a template's input.
    #[serde(skip)]
    pub openapi_json: String,
}

/// Where an IR node came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The spec file (as given on the command line).
    pub file: String,
    /// A JSON pointer into the (bundled) spec, e.g. `#/components/schemas/Widget`.
    pub pointer: String,
}

/// The generated crate's package data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrateMeta {
    /// The Cargo package name (kebab-case).
    pub crate_name: String,
    /// The Rust library name (snake_case), for docs and examples.
    pub lib_name: String,
    /// A semver version derived from `info.version` (`0.0.0` style fallback when it is not semver).
    pub crate_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version` as written.
    pub api_version: String,
    /// `info.description`.
    pub description: Option<String>,
}

/// What the generated code needs (drives `Cargo.toml` and the helper types).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Features {
    /// `date-time`/`date` formats are used: depend on `chrono`.
    pub chrono: bool,
    /// `uuid` format is used: depend on `uuid`.
    pub uuid: bool,
    /// `byte` format is used: depend on `base64`, emit `Base64Bytes`.
    pub base64: bool,
    /// A `pattern` constraint exists: depend on `regex` (for validation).
    pub regex: bool,
    /// An optional nullable field exists: emit the three-state `Nullable<T>`.
    pub nullable: bool,
    /// A struct with derived serde impls (one with a flattened field) has a required
    /// nullable field: emit the `required_nullable` decoder.
    pub required_nullable: bool,
    /// A struct gets its serde impls from `wire_object!`: emit the macro and its helpers.
    pub wire_objects: bool,
    /// A string enum exists: emit the `string_enum!` macro that writes their common impls.
    pub string_enums: bool,
    /// An operation has bodies that are not JSON, or several media types ([`Media`]).
    pub media: bool,
}

/// One named Rust type in `types.rs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDef {
    /// The Rust name (unique in the `types` module).
    pub name: String,
    /// The schema's title/description, raw (use the `doc` filter).
    pub doc: Option<String>,
    /// `deprecated: true` in the schema.
    pub deprecated: bool,
    /// The derive list, ready to join: `Debug`, `Clone`, `PartialEq`, maybe `Eq`, `Hash`,
    /// and `::serde::Serialize`/`::serde::Deserialize` unless the kind has manual impls.
    pub derives: Vec<String>,
    /// The shape of the type.
    #[serde(flatten)]
    pub kind: TypeKind,
    /// What `validate.rs` generates for it.
    pub validation: Validation,
    /// Where the schema is.
    pub origin: Origin,
}

/// What `validate.rs` generates for a type: only types the server decodes (request bodies,
/// path parameters, the query, header and cookie structs, and what they hold) need a
/// `Validate` impl, and only some of those check anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// No impl: nothing the server validates holds the type (or it is an alias, checked as
    /// what it names).
    None,
    /// An empty impl: something the server validates holds it, but nothing in it has a
    /// constraint.
    Empty,
    /// An impl with checks: a struct (its own fields, and an object rather than an array
    /// on the wire), an enum (no unknown value), or a union holding such a type.
    Checks,
}

/// The shape of a [`TypeDef`]; serialised with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in spec order (merged `allOf` parts in order).
        fields: Vec<Field>,
        /// `additionalProperties: false`.
        deny_unknown_fields: bool,
        /// The serde impls come from `wire_object!` (every struct without a flattened
        /// field; the others derive them).
        wire: bool,
        /// A request body holds it: its `Validate` impl also checks the JSON as received
        /// (`validate_raw`). Parameter structs are not JSON.
        json: bool,
    },
    /// A string enum with a fallback variant holding unknown values.
    StringEnum {
        /// The known values.
        variants: Vec<EnumVariant>,
        /// The name of the fallback variant (`Unknown(String)`).
        fallback: String,
    },
    /// An integer enum with a fallback variant holding unknown values.
    IntEnum {
        /// The known values.
        variants: Vec<IntVariant>,
        /// The name of the fallback variant (`Unknown(i64)`).
        fallback: String,
    },
    /// `oneOf` with a discriminator: an internally tagged enum (manual serde impls).
    Tagged {
        /// The discriminator property's wire name.
        tag: String,
        /// One variant per tag value.
        variants: Vec<TaggedVariant>,
    },
    /// `oneOf`/`anyOf` without a discriminator: `#[serde(untagged)]`.
    Untagged {
        /// Tried in order.
        variants: Vec<UntaggedVariant>,
    },
    /// A type alias (`pub type Name = …;`) for a schema that is not a struct or enum.
    Alias {
        /// The aliased type.
        rust_type: String,
    },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The Rust field name.
    pub name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// The full field type (`Option<String>`, `Nullable<Color>`, `Vec<Widget>`).
    pub rust_type: String,
    /// The type without `Option`/`Nullable`.
    pub inner_type: String,
    /// How presence and null are represented.
    pub presence: Presence,
    /// `#[serde(flatten)]` (an `allOf` part that could not be merged, or extra properties).
    pub flatten: bool,
    /// Description, raw.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `writeOnly: true`.
    pub write_only: bool,
    /// The default value, when one is honoured (then `presence` is `defaulted`).
    pub default: Option<DefaultValue>,
    /// What kind of JSON value the inner type holds: `string`, `integer`, `number`,
    /// `boolean`, `array`, `object`, `enum`, `any`.
    pub value_kind: String,
    /// Validation constraints from the schema (and a referenced primitive schema).
    pub constraints: Constraints,
    /// The inner type holds a type whose `Validate` impl checks something, so the value is
    /// validated recursively (only set in types with [`Validation::Checks`]).
    pub nested_validation: bool,
    /// Where the property is.
    pub origin: Origin,
}

/// How a field's presence and null are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable: `Option<T>`, `None` serialises as `null`.
    RequiredNullable,
    /// Optional, not nullable: `Option<T>`, `None` is left out.
    Optional,
    /// Optional and nullable: `Nullable<T>` (absent / null / value).
    OptionalNullable,
    /// Optional with a default: `T`, filled with the default when absent.
    Defaulted,
    /// A flattened map or part: `T` with `#[serde(flatten)]`.
    Flattened,
}

/// A default value, by how a template writes it. `N` names an enum type: its name in the
/// IR, a type id while the IR is built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefaultValue<N = String> {
    /// The name of the private function serde calls (`#[serde(default = "…")]`).
    pub fn_name: String,
    /// How to write the value.
    #[serde(flatten)]
    pub value: DefaultExpr<N>,
}

/// How to write a default value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "expr", rename_all = "snake_case")]
pub enum DefaultExpr<N = String> {
    /// `true`/`false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// An integer literal.
    Int {
        /// The value.
        value: i64,
    },
    /// A float literal.
    Float {
        /// The value.
        value: f64,
    },
    /// `String::from(lit)`.
    Str {
        /// The value (escape with `lit`).
        value: String,
    },
    /// `Type::from(lit)` for a string enum.
    StrEnum {
        /// The enum type.
        type_name: N,
        /// The value (escape with `lit`).
        value: String,
    },
    /// `Type::from(n)` for an integer enum.
    IntEnum {
        /// The enum type.
        type_name: N,
        /// The value.
        value: i64,
    },
    /// `Vec::new()`.
    EmptyVec,
}

/// Validation constraints (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern` (raw; escape with `lit`).
    pub pattern: Option<String>,
    /// `minimum` (an integer for integer schemas, else a float).
    pub minimum: Option<Num>,
    /// `maximum`.
    pub maximum: Option<Num>,
    /// `exclusiveMinimum: true`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum: true`.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<Num>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// True when none of the above is set.
    pub is_empty: bool,
}

/// A number as written: integer schemas keep integers, number schemas floats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Num {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

/// A string enum variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub name: String,
    /// The wire value (escape with `lit`).
    pub value: String,
}

/// An integer enum variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntVariant {
    /// The Rust variant name.
    pub name: String,
    /// The wire value.
    pub value: i64,
}

/// A variant of a discriminated `oneOf`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaggedVariant {
    /// The Rust variant name.
    pub name: String,
    /// The discriminator value (escape with `lit`).
    pub tag_value: String,
    /// The payload type (boxed when recursive).
    pub rust_type: String,
}

/// A variant of an untagged enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UntaggedVariant {
    /// The Rust variant name.
    pub name: String,
    /// The payload type (boxed when recursive).
    pub rust_type: String,
}

/// One operation: what the server trait method and the client method are built from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// snake_case, unique: `list_widgets`.
    pub fn_name: String,
    /// PascalCase, unique: `ListWidgets`.
    pub type_prefix: String,
    /// Upper-case HTTP method: `GET`.
    pub method: String,
    /// The wire path template: `/widgets/{widget_id}`.
    pub path: String,
    /// The axum 0.8 route (same as `path`; axum matches parameters by position).
    pub axum_path: String,
    /// The `operationId` as written (`<method> <path>` when there is none).
    pub operation_id: String,
    /// `summary`, raw.
    pub summary: Option<String>,
    /// `description`, raw.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path parameters, in path order.
    pub path_params: Vec<Param>,
    /// The query struct (defined in `types.rs`), without the style's pagination parameters.
    pub query: Option<ParamGroup>,
    /// The header parameters as one struct (defined in `types.rs`), without the API keys
    /// of the security schemes and the headers OpenAPI says to ignore.
    pub headers: Option<ParamGroup>,
    /// The cookie parameters as one struct (defined in `types.rs`), without the API keys
    /// of the security schemes.
    pub cookies: Option<ParamGroup>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The success response.
    pub success: Success,
    /// The payload type of the server-sent events the operation answers (`text/event-stream`,
    /// `types::Tick`); then `success` has no type and the methods return event streams.
    pub events: Option<String>,
    /// The success schema is an array.
    pub is_list: bool,
    /// The collection key (result style).
    pub collection_key: String,
    /// The path ends in a parameter.
    pub addresses_item: bool,
    /// The parent collection path, when there is one.
    pub parent_path: Option<String>,
    /// A `POST` to a collection.
    pub is_create: bool,
    /// The success status is 202.
    pub accepted: bool,
    /// The security requirements, tried in order; each needs all its schemes. Empty: open.
    pub security: Vec<Vec<SchemeUse>>,
    /// The error statuses the style answers this operation with (as `apply` declares them).
    pub error_statuses: Vec<u16>,
    /// Its entry in an `Allow` header: the method (`GET,HEAD` for `GET`).
    pub allow: String,
    /// What the server trait method returns on success (`style::Page<types::Widget>`,
    /// `types::Widget`, `()`; `Vec<types::Widget>` for a batch).
    pub server_return: String,
    /// The error type of the server trait method: `ApiError`, or `BatchError` for a batch.
    pub server_error: String,
    /// The style writes many items in one request and this operation takes them (a write
    /// with a body to a collection, not a list): the trait method receives every item at
    /// once (`Vec<…>`) and may refuse some of them (`BatchError`).
    pub batch: bool,
    /// What the client method returns on success (`Page<types::Widget>`, `types::Widget`, `()`).
    pub client_return: String,
    /// The client also gets a `*_batch` method: a create of one required body, without
    /// parameters, that answers the created item.
    pub client_batch: bool,
    /// Every declared success status, the main one ([`Operation::success`]) first. A list
    /// and a batch write have the main one only.
    pub responses: Vec<ResponseCase>,
    /// The enum (in `types.rs`) of the success statuses, when there are several: what the
    /// server trait method and the client method return.
    pub responses_enum: Option<String>,
    /// Bodies that are not JSON, or several media types: `None` when the request and the
    /// success each have at most one, JSON, media type (the operation then takes the JSON
    /// path: `body`, `success`).
    pub media: Option<Media>,
    /// Where the operation is.
    pub origin: Origin,
}

/// An operation's bodies by media type, when one is not JSON or there are several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Media {
    /// The request body's variants (one per kind), in spec order; empty: no body.
    pub request: Vec<MediaVariant>,
    /// Every request media type, in spec order (a variant's `indices` point into it).
    pub request_types: Vec<String>,
    /// `required: true` on the request body.
    pub request_required: bool,
    /// The enum of the request variants (in `types.rs`), when there are several.
    pub request_enum: Option<String>,
    /// The `multipart/form-data` body's struct (in `types.rs`), when it has one.
    pub form: Option<MultipartForm>,
    /// The success body's variants (one per kind), in spec order; empty: no content.
    pub response: Vec<MediaVariant>,
    /// Every success media type, in spec order (a variant's `indices` point into it).
    pub response_types: Vec<String>,
    /// The enum of the success variants (in `types.rs`), when there are several.
    pub response_enum: Option<String>,
    /// The fieldless enum naming the success variants (in `types.rs`), when there are
    /// several: which one the request accepts.
    pub accept_enum: Option<String>,
    /// What the server trait method takes as `body` (empty: no body).
    pub server_body: String,
    /// What the client method takes as `body` (empty: no body).
    pub client_body: String,
    /// What the trait method and the client method answer (`()` without content).
    pub success_type: String,
}

/// One kind of body of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaVariant {
    /// `json`, `form` (`application/x-www-form-urlencoded`), `text`, `binary` or
    /// `multipart` (`multipart/form-data`).
    pub kind: String,
    /// The variant's name in the operation's enums (`Json`, `Text`, `ImagePng`).
    pub variant: String,
    /// The media types it stands for, as the spec writes them (`image/png`, `image/*`).
    pub media_types: Vec<String>,
    /// Their positions in the operation's `request_types`/`response_types`.
    pub indices: Vec<usize>,
    /// The type it travels as (`types::Photo`, `String`, the runtime's `Binary`).
    pub rust_type: String,
    /// The enum gets `From<rust_type>` for this variant (no earlier variant has its type).
    pub from: bool,
}

/// A `multipart/form-data` body as a struct: one field per property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultipartForm {
    /// The struct's name in `types.rs`.
    pub type_name: String,
    /// Description, raw.
    pub doc: Option<String>,
    /// The fields, in spec order.
    pub fields: Vec<FormField>,
}

/// A property of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormField {
    /// The Rust field name.
    pub name: String,
    /// The part's name (escape with `lit`).
    pub wire_name: String,
    /// The field's type, as `types.rs` writes it.
    pub rust_type: String,
    /// How it travels: `file`, `optional_file`, `files` (one part per file), `value` (text;
    /// an array as one part per item), `json` or `optional_json` (an object as JSON).
    pub kind: String,
    /// The spec's `encoding` content type for the property.
    pub content_type: Option<String>,
    /// Description, raw.
    pub doc: Option<String>,
}

/// A path, query, header or cookie parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// The Rust identifier.
    pub name: String,
    /// The name on the wire (escape with `lit`).
    pub wire_name: String,
    /// The full type (`Option<…>` when not required and without a default).
    pub rust_type: String,
    /// The type without `Option`.
    pub inner_type: String,
    /// `required: true` (always for path parameters).
    pub required: bool,
    /// Description, raw.
    pub description: Option<String>,
    /// `explode` (OpenAPI's default: true for `form` style).
    pub explode: bool,
    /// The schema is an array.
    pub is_array: bool,
    /// What kind of value the inner type holds (see [`Field::value_kind`]).
    pub value_kind: String,
    /// The default, when honoured (then `rust_type` is not an `Option`).
    pub default: Option<DefaultValue>,
    /// Validation constraints.
    pub constraints: Constraints,
    /// Where the parameter is.
    pub origin: Origin,
}

/// The query, header or cookie parameters of an operation, as one struct in `types.rs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamGroup {
    /// The struct's name in `types.rs` (`ListWidgetsQuery`, `GetWidgetHeaders`,
    /// `GetWidgetCookies`); `types::` + this elsewhere.
    pub type_name: String,
    /// The parameters.
    pub params: Vec<Param>,
    /// Wire names of the array parameters that travel as one comma-separated value rather
    /// than the name repeated: query and cookie arrays declared `explode: false`, and every
    /// header array (style `simple`).
    pub non_exploded: Vec<String>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// The body type (`types::WidgetInput`).
    pub rust_type: String,
    /// `required: true`.
    pub required: bool,
    /// Description, raw.
    pub description: Option<String>,
    /// The type the server trait method takes (`Option<…>` when the body is optional,
    /// `Vec<…>` for a batch).
    pub server_type: String,
    /// The runtime function that reads it: `write_body`, `optional_write_body` or, for a
    /// batch, `write_batch`.
    pub reader: String,
}

/// The success response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Success {
    /// The status code.
    pub status: u16,
    /// The body type; `None` for no content.
    pub rust_type: Option<String>,
    /// The element type of a list response.
    pub item_type: Option<String>,
}

/// One declared success status of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseCase {
    /// The status as declared.
    pub status: u16,
    /// The status the style answers it with (`result` answers `201` as `200`).
    pub wire_status: u16,
    /// The variant of the operation's enum (`Ok`, `Created`, `Status299`).
    pub variant: String,
    /// The body type; `None` for no content.
    pub rust_type: Option<String>,
    /// The headers the response declares, as a struct.
    pub headers: Option<ResponseHeaders>,
    /// What the handler returns for it (and the enum's variant holds): the body type,
    /// `WithHeaders<body or (), headers>` when it declares headers; `None`: nothing.
    pub payload: Option<String>,
    /// The style renders it as a create (`201` with `Location`).
    pub created: bool,
    /// The first case answered with its wire status: the client reads a response of that
    /// status as the first of those cases whose body it decodes (in `result`, `201` travels
    /// as `200`, which a client reads as the `200` case, and a `204` as an empty `200`).
    pub decoded: bool,
}

/// The headers a success response declares, as a struct in `types.rs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseHeaders {
    /// The struct (`types::GetWidgetHeaders`).
    pub type_name: String,
    /// The struct's fields: the headers, as the server writes and the client reads them.
    pub fields: Vec<HeaderField>,
}

/// A field of a declared-headers struct, as the server writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderField {
    /// The field.
    pub name: String,
    /// The header's name, lowercase (a valid header name: escape with `lit`).
    pub wire_name: String,
    /// How the field is written: `text` (a `String`, moved into its value), `optional_text`
    /// (an `Option<String>`) or `value` (anything else, printed).
    pub write: &'static str,
}

/// A security scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub name: String,
    /// A Rust identifier (snake_case) for it.
    pub ident: String,
    /// The client's name of its kind: `http_bearer`, `http_basic`, `http`, `api_key_header`,
    /// `api_key_query`, `api_key_cookie`, `oauth2`, `open_id_connect` or `mutual_tls`.
    pub kind: String,
    /// The server's `SchemeKind` variant for it (`HttpBearer`, ...).
    pub variant: String,
    /// The header, query parameter or cookie name of an API key; the scheme name of an
    /// http scheme other than bearer and basic.
    pub parameter: Option<String>,
}

/// One scheme of a security requirement, with the scopes (or roles) it lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeUse {
    /// The scheme's key in `components.securitySchemes`.
    pub scheme: String,
    /// The scopes required.
    pub scopes: Vec<String>,
}

/// Options that change what the IR holds.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The package name; derived from `info.title` when `None`.
    pub crate_name: Option<String>,
}

/// Builds the IR. Warnings (what degraded to `serde_json::Value`, …) come back beside it;
/// the `Err` case holds errors only.
pub fn build(
    loaded: &Loaded,
    style: &dyn apigen_spec::style::Style,
    options: &BuildOptions,
) -> Result<(Ir, Vec<Diagnostic>), Vec<Diagnostic>> {
    let root = &loaded.document;
    let file = loaded.root.display().to_string();
    let mut types = schema::TypeBuilder::new(root, &file);
    types.add_components();
    let (operations, security) = ops::build(&mut types, root, &loaded.spec, style);
    let (mut bodies, mut params) = (Vec::new(), Vec::new());
    for op in &operations {
        op.validated(&mut bodies, &mut params);
    }
    let schema::Finished {
        types,
        names,
        mut features,
        warnings,
    } = types.finish(&used_by(&operations), &bodies, &params);
    let operations: Vec<Operation> = operations
        .into_iter()
        .map(|op| {
            let mut op = op.write(&names);
            op.decide(style.batch_writes());
            op
        })
        .collect();
    features.media = operations.iter().any(|op| op.media.is_some());
    features.string_enums = types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::StringEnum { .. }));
    for t in &types {
        if let TypeKind::Struct { fields, wire, .. } = &t.kind {
            features.wire_objects |= *wire;
            features.required_nullable |= !*wire
                && fields
                    .iter()
                    .any(|f| f.presence == Presence::RequiredNullable);
        }
    }
    let meta = crate_meta(&loaded.spec.info, options.crate_name.as_deref());
    let openapi_json = wire_json(loaded, style)?;
    Ok((
        Ir {
            meta,
            style: style.name().to_string(),
            types,
            operations,
            security,
            features,
            openapi_json,
        },
        warnings,
    ))
}

/// The wire spec as `apigen apply` writes it to a `.json` file.
fn wire_json(
    loaded: &Loaded,
    style: &dyn apigen_spec::style::Style,
) -> Result<String, Vec<Diagnostic>> {
    let wire = apigen_spec::apply::apply(&loaded.spec, style, None)?;
    serde_json::to_string_pretty(&wire)
        .map(|json| json + "\n")
        .map_err(|e| {
            vec![Diagnostic::error(
                "gen/wire-spec",
                format!("the wire spec cannot be written as JSON: {e}"),
            )]
        })
}

impl Operation {
    /// Fills in what the templates print from the operation's other fields, once its types
    /// have their final names; `batch_writes`: the style writes many items in one request.
    fn decide(&mut self, batch_writes: bool) {
        self.allow = if self.method == "GET" {
            "GET,HEAD".to_string()
        } else {
            self.method.clone()
        };
        let (server, client) = match (&self.success.item_type, &self.success.rust_type) {
            _ if self.events.is_some() => {
                let data = self.events.as_deref().unwrap_or_default();
                (format!("EventStream<{data}>"), format!("Events<{data}>"))
            }
            (Some(item), _) if self.is_list => {
                (format!("style::Page<{item}>"), format!("Page<{item}>"))
            }
            (_, Some(ty)) => (ty.clone(), ty.clone()),
            _ => ("()".to_string(), "()".to_string()),
        };
        let (server, client) = match (&self.responses_enum, self.responses.first()) {
            (Some(name), _) => (format!("types::{name}"), format!("types::{name}")),
            (
                None,
                Some(ResponseCase {
                    headers: Some(_),
                    payload: Some(payload),
                    ..
                }),
            ) => (payload.clone(), payload.clone()),
            _ => (server, client),
        };
        self.batch = batch_writes
            && self.body.is_some()
            && self.media.is_none()
            && !self.is_list
            && !self.addresses_item
            && self.events.is_none();
        (self.server_return, self.server_error) = if self.batch {
            let saved = match &self.success.rust_type {
                Some(ty) => format!("Vec<{ty}>"),
                None => "()".to_string(),
            };
            (saved, "BatchError".to_string())
        } else {
            (server, "ApiError".to_string())
        };
        self.client_return = client;
        let batch = self.batch;
        if let Some(body) = &mut self.body {
            (body.server_type, body.reader) = if batch {
                (
                    format!("Vec<{}>", body.rust_type),
                    "write_batch".to_string(),
                )
            } else if body.required {
                (body.rust_type.clone(), "write_body".to_string())
            } else {
                (
                    format!("Option<{}>", body.rust_type),
                    "optional_write_body".to_string(),
                )
            };
        }
        for (group, simple) in [
            (&mut self.query, false),
            (&mut self.headers, true),
            (&mut self.cookies, false),
        ] {
            if let Some(group) = group {
                group.non_exploded = group
                    .params
                    .iter()
                    .filter(|p| p.is_array && (simple || !p.explode))
                    .map(|p| p.wire_name.clone())
                    .collect();
            }
        }
        if let Some(media) = &mut self.media {
            media.decide(self.body.as_ref());
            self.server_return = media.success_type.clone();
            self.client_return = media.success_type.clone();
        }
        self.client_batch = !self.is_list
            && self.media.is_none()
            && self.is_create
            && self.body.as_ref().is_some_and(|b| b.required)
            && self.success.rust_type.is_some()
            && self.path_params.is_empty()
            && self.query.is_none()
            && self.headers.is_none()
            && self.cookies.is_none()
            && self.responses_enum.is_none()
            && self.responses.iter().all(|c| c.headers.is_none());
    }
}

impl Media {
    /// The types of the trait method's and the client method's body and answer; `json`:
    /// the operation's JSON request body, if any.
    fn decide(&mut self, json: Option<&Body>) {
        let single = |variants: &[MediaVariant]| match variants {
            [one] => Some(one.clone()),
            _ => None,
        };
        (self.server_body, self.client_body) = match (&self.request_enum, single(&self.request)) {
            (Some(name), _) => (
                format!("types::{name}"),
                format!("impl Into<types::{name}>"),
            ),
            (None, Some(one)) => match one.kind.as_str() {
                "json" => match json {
                    Some(body) if body.required => {
                        (body.server_type.clone(), format!("&{}", body.rust_type))
                    }
                    Some(body) => (
                        body.server_type.clone(),
                        format!("Option<&{}>", body.rust_type),
                    ),
                    None => (one.rust_type.clone(), format!("&{}", one.rust_type)),
                },
                "form" => (one.rust_type.clone(), format!("&{}", one.rust_type)),
                "text" | "binary" => (
                    one.rust_type.clone(),
                    format!("impl Into<{}>", one.rust_type),
                ),
                _ => (one.rust_type.clone(), one.rust_type.clone()),
            },
            (None, None) => (String::new(), String::new()),
        };
        self.success_type = match (&self.response_enum, single(&self.response)) {
            (Some(name), _) => format!("types::{name}"),
            (None, Some(one)) => one.rust_type,
            (None, None) => "()".to_string(),
        };
    }
}

/// Every type the operations name (parameters, query structs, bodies, responses, enum
/// defaults): those types keep their names.
fn used_by(operations: &[ops::DraftOperation]) -> foldhash::HashSet<schema::TypeId> {
    let mut ids = Vec::new();
    for op in operations {
        op.uses(&mut ids);
    }
    ids.into_iter().collect()
}

fn crate_meta(info: &openapiv3::Info, crate_name: Option<&str>) -> CrateMeta {
    let crate_name = crate_name
        .map(str::to_string)
        .unwrap_or_else(|| heck::ToKebabCase::to_kebab_case(names::snake(&info.title).as_str()));
    let crate_name = package_name(&crate_name);
    CrateMeta {
        lib_name: crate_name.replace('-', "_"),
        crate_name,
        crate_version: semver_safe(&info.version),
        title: info.title.clone(),
        api_version: info.version.clone(),
        description: info.description.clone(),
    }
}

/// A valid Cargo package name: ASCII letters, digits, `-`, `_`, starting with a letter.
fn package_name(raw: &str) -> String {
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches(|c| c == '-' || c == '_').to_string();
    if name.is_empty() {
        name = "api".to_string();
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "api-");
    }
    let as_ident = name.replace('-', "_");
    if names::is_keyword(&as_ident) || CARGO_RESERVED.contains(&as_ident.as_str()) {
        name.push_str("-api");
    }
    name
}

/// Package names Cargo refuses besides keywords (they clash with the built-in crates).
const CARGO_RESERVED: &[&str] = &[
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "build",
    "deps",
    "examples",
];

/// `info.version` when it is `MAJOR.MINOR.PATCH` (with an optional `v` prefix and
/// pre-release made of safe characters), else `0.0.0`; the API version is kept in the docs.
fn semver_safe(version: &str) -> String {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let (core, pre) = match v.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
            && p.parse::<u64>().is_ok()
    };
    let pre_ok = pre.is_none_or(|p| {
        !p.is_empty()
            && p.split('.').all(|id| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    });
    match parts.as_slice() {
        [a, b, c] if [a, b, c].iter().all(|p| numeric(p)) && pre_ok => v.to_string(),
        [a, b] if numeric(a) && numeric(b) && pre.is_none() => format!("{a}.{b}.0"),
        [a] if numeric(a) && pre.is_none() => format!("{a}.0.0"),
        _ => "0.0.0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IR of a spec given as YAML text, with the `plain` style, and the warnings.
    fn ir_of(yaml: &str) -> (Ir, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, yaml).expect("the spec is written");
        let loaded = apigen_spec::load(&path).expect("the spec loads");
        let style = apigen_spec::style::find("plain").expect("the plain style");
        build(&loaded, style, &BuildOptions::default()).expect("the IR builds")
    }

    /// Schemas named like the external types a body's fields are written with
    /// (`::chrono::DateTime<::chrono::Utc>`, `::serde_json::Value`, `::uuid::Uuid`) are not
    /// held by that body: type references are ids, not words of type strings.
    #[test]
    fn schemas_named_like_external_types_are_not_what_a_body_holds() {
        let (ir, _) = ir_of(
            r##"
openapi: 3.0.3
info: {title: clocks, version: "1"}
paths:
  /events:
    post:
      operationId: createEvent
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Event"}
      responses:
        "201": {description: created}
components:
  schemas:
    Event:
      type: object
      required: [at, id, data]
      properties:
        at: {type: string, format: date-time}
        id: {type: string, format: uuid}
        data: {}
    Utc:
      type: object
      properties:
        offset: {type: integer, minimum: 0}
    Value:
      type: object
      properties:
        amount: {type: number}
    Uuid:
      type: object
      properties:
        hex: {type: string}
"##,
        );
        let validation = |name: &str| {
            ir.types
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.validation)
                .unwrap_or_else(|| panic!("no type {name}"))
        };
        assert_eq!(validation("Event"), Validation::Checks);
        for name in ["Utc", "Value", "Uuid"] {
            assert_eq!(validation(name), Validation::None, "{name}");
        }
        let TypeKind::Struct { fields, .. } = &ir.types[0].kind else {
            panic!("Event is a struct");
        };
        assert!(fields.iter().all(|f| !f.nested_validation), "{fields:?}");
    }

    /// A `$ref` whose fragment is percent-encoded (`%7Bid%7D` for `{id}`), which the loader
    /// accepts, resolves in the generator too: both read pointers with `JsonPointer`.
    #[test]
    fn percent_encoded_refs_resolve() {
        let (ir, warnings) = ir_of(
            r##"
openapi: 3.0.3
info: {title: refs, version: "1"}
paths:
  /widgets/{id}:
    get:
      operationId: getWidget
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, format: int32}}
      responses:
        "204": {description: done}
  /gadgets/{id}:
    get:
      operationId: getGadget
      parameters:
        - name: id
          in: path
          required: true
          schema: {$ref: "#/paths/~1widgets~1%7Bid%7D/get/parameters/0/schema"}
      responses:
        "204": {description: done}
"##,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let gadget = ir
            .operations
            .iter()
            .find(|op| op.fn_name == "get_gadget")
            .expect("getGadget");
        assert_eq!(gadget.path_params[0].rust_type, "i32");
    }

    #[test]
    fn versions_become_semver() {
        assert_eq!(semver_safe("1.2.3"), "1.2.3");
        assert_eq!(semver_safe("v2.0"), "2.0.0");
        assert_eq!(semver_safe("3"), "3.0.0");
        assert_eq!(semver_safe("2025-01-01"), "0.0.0");
        assert_eq!(semver_safe("1.0.0-beta.1"), "1.0.0-beta.1");
        assert_eq!(semver_safe("1.0.0-beta+x"), "0.0.0");
        assert_eq!(semver_safe("01.2.3"), "0.0.0");
        assert_eq!(semver_safe(""), "0.0.0");
    }

    #[test]
    fn package_names_are_valid() {
        assert_eq!(package_name("widgets"), "widgets");
        assert_eq!(package_name("my api!"), "my-api");
        assert_eq!(package_name("2fa"), "api-2fa");
        assert_eq!(package_name("***"), "api");
        assert_eq!(package_name("self"), "self-api");
        assert_eq!(package_name("type"), "type-api");
        assert_eq!(package_name("test"), "test-api");
    }
}
