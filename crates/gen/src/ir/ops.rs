//! Operations (with their query structs, added to the types) and security schemes.
//!
//! What kind of operation each one is (list, collection key, create, …) comes from
//! [`apigen_spec::shape::operations`], so the generator never disagrees with `apply` and
//! `lint`; this module adds what the templates need on top: names, parameters, body and
//! success types.

use super::names::{self, Namer};
use super::schema::{to_field, DraftField, FieldOf, Ty, TypeBuilder, TypeId};
use super::{
    Body, DefaultExpr, DefaultValue, FormField, HeaderField, Media, MediaVariant, MultipartForm,
    Operation, Origin, Param, ParamGroup, Presence, ResponseCase, ResponseHeaders, SchemeUse,
    SecurityScheme, Success,
};
use apigen_spec::pointer::escape;
use apigen_spec::reference::follow_json;
use apigen_spec::shape::{self, OperationShape};
use apigen_spec::style::Style;
use serde_json::Value;

/// Header parameters OpenAPI says to ignore (content negotiation and auth are handled
/// by the generated code itself).
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// Response headers the router writes itself (and OpenAPI says to ignore `Content-Type`):
/// never part of an operation's declared-headers struct.
const ROUTER_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "transfer-encoding",
    "x-request-id",
];

/// An operation whose types are still [`Ty`]s: written out ([`DraftOperation::write`])
/// once the types are final.
pub(crate) struct DraftOperation {
    /// Everything but the parts that hold types (`path_params`, `query`, `headers`,
    /// `cookies`, `body`, the success types), which [`DraftOperation::write`] fills in.
    op: Operation,
    path_params: Vec<DraftParam>,
    /// The query struct and its parameters.
    query: Option<(TypeId, Vec<DraftParam>)>,
    /// The header struct and its parameters.
    headers: Option<(TypeId, Vec<DraftParam>)>,
    /// The cookie struct and its parameters.
    cookies: Option<(TypeId, Vec<DraftParam>)>,
    body: Option<DraftRequestBody>,
    /// The success body type.
    success: Option<Ty>,
    /// The payload type of the server-sent events the operation answers.
    events: Option<Ty>,
    /// Every declared success status, the main one first.
    cases: Vec<DraftCase>,
    /// The enum of the cases, when there are several.
    cases_enum: Option<TypeId>,
    /// Bodies that are not JSON, or several media types.
    media: Option<DraftMedia>,
}

/// One declared success status whose types are still [`Ty`]s.
struct DraftCase {
    status: u16,
    wire_status: u16,
    ty: Option<Ty>,
    /// The declared-headers struct and its fields.
    headers: Option<(TypeId, Vec<HeaderField>)>,
    created: bool,
}

/// A request body's variants, its `required`, and its multipart struct.
type DraftRequest = (DraftBodies, bool, Option<DraftForm>);

/// A part of the spec (after `$ref` resolution) and its JSON pointer.
type Found<'a> = (&'a Value, String);

/// The runtime's streamed bytes, as the generated modules name it.
const BINARY: &str = "super::runtime::body::Binary";

/// The runtime's multipart file, as the generated modules name it.
const FILE_PART: &str = "super::runtime::body::FilePart";

/// How a body of one media type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Form,
    Text,
    Binary,
    Multipart,
}

impl Kind {
    /// What a body of `media` (with `schema`) is; `None`: not one apigen reads here
    /// (`text/event-stream`, other `multipart/*` types, sequences of JSON).
    fn of(media: &str, schema: Option<&Value>) -> Option<Kind> {
        let essence = media
            .split(';')
            .next()
            .unwrap_or(media)
            .trim()
            .to_ascii_lowercase();
        let binary_schema = schema
            .and_then(|s| s.get("format"))
            .and_then(Value::as_str)
            .is_some_and(|f| f == "binary");
        if shape::is_json(&essence) {
            return Some(Kind::Json);
        }
        Some(match essence.as_str() {
            "application/x-www-form-urlencoded" if schema.is_some() => Kind::Form,
            "application/x-www-form-urlencoded" => Kind::Text,
            "multipart/form-data" => Kind::Multipart,
            "text/event-stream"
            | "application/jsonl"
            | "application/x-ndjson"
            | "application/json-seq" => return None,
            m if m.starts_with("multipart/") => return None,
            m if (m.starts_with("text/") || m == "application/xml" || m.ends_with("+xml"))
                && !binary_schema =>
            {
                Kind::Text
            }
            _ => Kind::Binary,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Json => "json",
            Kind::Form => "form",
            Kind::Text => "text",
            Kind::Binary => "binary",
            Kind::Multipart => "multipart",
        }
    }

    fn variant(self) -> &'static str {
        match self {
            Kind::Json => "Json",
            Kind::Form => "Form",
            Kind::Text => "Text",
            Kind::Binary => "Binary",
            Kind::Multipart => "Multipart",
        }
    }
}

/// One kind of body, its types still [`Ty`]s.
struct DraftVariant {
    kind: Kind,
    media_types: Vec<String>,
    indices: Vec<usize>,
    /// The type of a JSON or form body.
    ty: Option<Ty>,
}

/// The bodies of every media type of one request or success, in spec order, one variant
/// per kind.
#[derive(Default)]
struct DraftBodies {
    variants: Vec<DraftVariant>,
    types: Vec<String>,
}

impl DraftBodies {
    fn add(&mut self, kind: Kind, media: &str, ty: impl FnOnce() -> Option<Ty>) {
        let index = self.types.len();
        self.types.push(media.to_string());
        match self.variants.iter_mut().find(|v| v.kind == kind) {
            Some(variant) => {
                variant.media_types.push(media.to_string());
                variant.indices.push(index);
            }
            None => self.variants.push(DraftVariant {
                kind,
                media_types: vec![media.to_string()],
                indices: vec![index],
                ty: ty(),
            }),
        }
    }

    /// Only one JSON variant (or nothing).
    fn json_only(&self) -> bool {
        self.variants.iter().all(|v| v.kind == Kind::Json)
    }

    fn write(self, names: &[String], form: Option<&str>) -> (Vec<MediaVariant>, Vec<String>) {
        let mut seen: Vec<String> = Vec::new();
        let variants = self
            .variants
            .into_iter()
            .map(|v| {
                let rust_type = match (v.kind, &v.ty) {
                    (Kind::Json | Kind::Form, Some(ty)) => ty.render(names, true),
                    (Kind::Json | Kind::Form, None) => "::serde_json::Value".to_string(),
                    (Kind::Text, _) => "String".to_string(),
                    (Kind::Binary, _) => BINARY.to_string(),
                    (Kind::Multipart, _) => format!("types::{}", form.unwrap_or_default()),
                };
                let from = !seen.contains(&rust_type);
                seen.push(rust_type.clone());
                MediaVariant {
                    kind: v.kind.name().to_string(),
                    variant: v.kind.variant().to_string(),
                    media_types: v.media_types,
                    indices: v.indices,
                    rust_type,
                    from,
                }
            })
            .collect();
        (variants, self.types)
    }
}

/// A `multipart/form-data` body's struct, its field types still [`Ty`]s.
struct DraftForm {
    id: TypeId,
    doc: Option<String>,
    fields: Vec<DraftFormField>,
}

struct DraftFormField {
    name: String,
    wire: String,
    /// See [`FormField::kind`].
    kind: &'static str,
    /// The field of a value or JSON part (files have a type of their own).
    field: Option<DraftField>,
    content_type: Option<String>,
    doc: Option<String>,
}

/// An operation's bodies by media type (see [`Media`]).
struct DraftMedia {
    request: DraftBodies,
    request_required: bool,
    request_enum: Option<TypeId>,
    form: Option<DraftForm>,
    response: DraftBodies,
    response_enum: Option<TypeId>,
    accept_enum: Option<TypeId>,
}

impl DraftMedia {
    fn uses(&self, out: &mut Vec<TypeId>) {
        for v in self.request.variants.iter().chain(&self.response.variants) {
            if let Some(ty) = &v.ty {
                ty.ids(out);
            }
        }
        for f in self.form.iter().flat_map(|f| &f.fields) {
            if let Some(field) = &f.field {
                field.ty.ids(out);
            }
        }
    }

    fn write(self, names: &[String]) -> Media {
        let name = |id: Option<TypeId>| id.and_then(|id| names.get(id.index()).cloned());
        let form = self.form.map(|form| MultipartForm {
            type_name: names.get(form.id.index()).cloned().unwrap_or_default(),
            doc: form.doc,
            fields: form
                .fields
                .into_iter()
                .map(|f| {
                    let rust_type = match (f.kind, &f.field) {
                        ("file", _) => FILE_PART.to_string(),
                        ("optional_file", _) => format!("Option<{FILE_PART}>"),
                        ("files", _) => format!("Vec<{FILE_PART}>"),
                        (_, Some(field)) => {
                            let written = to_field(field, names, false);
                            // A form has no defaults: a part left out is `None`.
                            if written.default.is_some() {
                                format!("Option<{}>", written.inner_type)
                            } else {
                                written.rust_type
                            }
                        }
                        (_, None) => "String".to_string(),
                    };
                    FormField {
                        name: f.name,
                        wire_name: f.wire,
                        rust_type,
                        kind: f.kind.to_string(),
                        content_type: f.content_type,
                        doc: f.doc,
                    }
                })
                .collect(),
        });
        let (request, request_types) = self
            .request
            .write(names, form.as_ref().map(|f| f.type_name.as_str()));
        let (response, response_types) = self.response.write(names, None);
        Media {
            request,
            request_types,
            request_required: self.request_required,
            request_enum: name(self.request_enum),
            form,
            response,
            response_types,
            response_enum: name(self.response_enum),
            accept_enum: name(self.accept_enum),
            server_body: String::new(),
            client_body: String::new(),
            success_type: String::new(),
        }
    }
}

/// A parameter whose type is still a [`Ty`].
struct DraftParam {
    field: DraftField,
    wire: String,
    description: Option<String>,
    explode: bool,
    origin: Origin,
}

/// A request body whose type is still a [`Ty`].
struct DraftRequestBody {
    ty: Ty,
    required: bool,
    description: Option<String>,
}

impl DraftOperation {
    /// Adds every type the operation names (parameters, the query struct, the body, the
    /// success body, enum defaults) to `out`.
    pub(crate) fn uses(&self, out: &mut Vec<TypeId>) {
        let params = self
            .path_params
            .iter()
            .chain(self.groups().flat_map(|(_, params)| params));
        for p in params {
            p.field.ty.ids(out);
            if let Some(DefaultValue {
                value:
                    DefaultExpr::StrEnum { type_name, .. } | DefaultExpr::IntEnum { type_name, .. },
                ..
            }) = &p.field.default
            {
                out.push(*type_name);
            }
        }
        out.extend(self.groups().map(|(id, _)| *id));
        if let Some(body) = &self.body {
            body.ty.ids(out);
        }
        if let Some(ty) = &self.success {
            ty.ids(out);
        }
        if let Some(ty) = &self.events {
            ty.ids(out);
        }
        for case in &self.cases {
            if let Some(ty) = &case.ty {
                ty.ids(out);
            }
            out.extend(case.headers.as_ref().map(|(id, _)| *id));
        }
        if let Some(media) = &self.media {
            media.uses(out);
        }
    }

    /// The query, header and cookie structs with their parameters.
    fn groups(&self) -> impl Iterator<Item = &(TypeId, Vec<DraftParam>)> {
        self.query.iter().chain(&self.headers).chain(&self.cookies)
    }

    /// Adds the types the server validates for this operation: the request bodies' (JSON
    /// and forms) to `bodies`, the path parameters' and the query, header and cookie structs to `params`.
    pub(crate) fn validated(&self, bodies: &mut Vec<TypeId>, params: &mut Vec<TypeId>) {
        if let Some(body) = &self.body {
            body.ty.ids(bodies);
        }
        for p in &self.path_params {
            p.field.ty.ids(params);
        }
        params.extend(self.groups().map(|(id, _)| *id));
        let variants = self.media.iter().flat_map(|m| &m.request.variants);
        for ty in variants.filter_map(|v| v.ty.as_ref()) {
            ty.ids(bodies);
        }
    }

    /// The operation, its types written with the types' final `names`.
    pub(crate) fn write(self, names: &[String]) -> Operation {
        let params = |params: Vec<DraftParam>| -> Vec<Param> {
            params.into_iter().map(|p| p.write(names)).collect()
        };
        let group = |group: Option<(TypeId, Vec<DraftParam>)>| {
            group.map(|(id, list)| ParamGroup {
                type_name: names.get(id.index()).cloned().unwrap_or_default(),
                params: params(list),
                non_exploded: Vec::new(),
            })
        };
        let mut op = self.op;
        op.path_params = params(self.path_params);
        op.query = group(self.query);
        op.headers = group(self.headers);
        op.cookies = group(self.cookies);
        op.body = self.body.map(|b| Body {
            rust_type: b.ty.render(names, true),
            required: b.required,
            description: b.description,
            server_type: String::new(),
            reader: String::new(),
        });
        if let Some(ty) = self.success {
            op.success.item_type = match &ty {
                Ty::Vec(item) if op.is_list => Some(item.render(names, true)),
                _ => None,
            };
            op.success.rust_type = Some(ty.render(names, true));
        }
        op.events = self.events.map(|ty| ty.render(names, true));
        let name = |id: TypeId| names.get(id.index()).cloned().unwrap_or_default();
        let mut answered: Vec<u16> = Vec::new();
        op.responses = self
            .cases
            .into_iter()
            .map(|case| {
                let decoded = !answered.contains(&case.wire_status);
                answered.push(case.wire_status);
                let rust_type = case.ty.map(|ty| ty.render(names, true));
                let headers = case.headers.map(|(id, fields)| ResponseHeaders {
                    type_name: format!("types::{}", name(id)),
                    fields,
                });
                let payload = match (&rust_type, &headers) {
                    (body, Some(h)) => Some(format!(
                        "WithHeaders<{}, {}>",
                        body.as_deref().unwrap_or("()"),
                        h.type_name
                    )),
                    (Some(body), None) => Some(body.clone()),
                    (None, None) => None,
                };
                ResponseCase {
                    status: case.status,
                    wire_status: case.wire_status,
                    variant: variant_name(case.status),
                    rust_type,
                    headers,
                    payload,
                    created: case.created,
                    decoded,
                }
            })
            .collect();
        op.responses_enum = self.cases_enum.map(name);
        op.media = self.media.map(|media| media.write(names));
        op
    }
}

impl DraftParam {
    fn write(self, names: &[String]) -> Param {
        let written = to_field(&self.field, names, true);
        Param {
            name: written.name,
            wire_name: self.wire,
            rust_type: written.rust_type,
            inner_type: written.inner_type,
            required: matches!(self.field.presence, Presence::Required),
            description: self.description,
            explode: self.explode,
            is_array: matches!(self.field.ty, Ty::Vec(_)),
            value_kind: written.value_kind,
            default: written.default,
            constraints: written.constraints,
            origin: self.origin,
        }
    }
}

/// Builds the operations and the security schemes.
pub(crate) fn build<'a>(
    types: &mut TypeBuilder<'a>,
    root: &'a Value,
    spec: &openapiv3::OpenAPI,
    style: &dyn Style,
) -> (Vec<DraftOperation>, Vec<SecurityScheme>) {
    let pagination: Vec<String> = style
        .pagination()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    let security = security_schemes(root);
    // API keys travel as parameters too; the security schemes read and send them.
    let api_keys: Vec<(&str, String)> = security
        .iter()
        .filter_map(|s| {
            let location = match s.kind.as_str() {
                "api_key_header" => "header",
                "api_key_cookie" => "cookie",
                "api_key_query" => "query",
                _ => return None,
            };
            Some((location, s.parameter.as_deref()?.to_ascii_lowercase()))
        })
        .collect();
    let mut fn_namer = Namer::with_reserved(names::RESERVED_FN_NAMES);
    let mut prefix_namer = Namer::default();
    let mut operations = Vec::new();
    for shape in shape::operations(spec) {
        let Some(op) = shape.pointer.lookup(root) else {
            continue;
        };
        let base = op
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|id| !id.trim().is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", shape.method, shape.path));
        let alternatives = shape.alternatives(spec);
        let fn_name = fn_namer.unique(&names::operation(&base));
        // The client's `<name>_with_meta` twin must not be another operation's name.
        fn_namer.unique(&format!("{fn_name}_with_meta"));
        let type_prefix = prefix_namer.unique(&names::pascal(&base));
        let operation = OperationBuilder {
            types: &mut *types,
            root,
            shape: &shape,
            op,
            type_prefix: &type_prefix,
            pagination: &pagination,
            api_keys: &api_keys,
            error_statuses: style.error_statuses(&shape),
            style,
            alternatives: &alternatives,
        }
        .build(fn_name, type_prefix.clone(), base);
        operations.push(operation);
    }
    (operations, security)
}

struct OperationBuilder<'b, 'a> {
    types: &'b mut TypeBuilder<'a>,
    root: &'a Value,
    shape: &'b OperationShape<'b>,
    op: &'a Value,
    type_prefix: &'b str,
    /// The style's pagination query parameters (left out of list operations' queries).
    pagination: &'b [String],
    /// The API keys' locations and names (lower-case): not parameters of the operation.
    api_keys: &'b [(&'b str, String)],
    error_statuses: Vec<u16>,
    style: &'b dyn Style,
    /// The operation as it answers its other declared success statuses.
    alternatives: &'b [OperationShape<'b>],
}

/// A parameter as declared (after `$ref` resolution), with its pointer.
struct Declared<'a> {
    value: &'a Value,
    pointer: String,
    name: String,
    location: String,
}

impl<'b, 'a> OperationBuilder<'b, 'a> {
    fn build(
        mut self,
        fn_name: String,
        type_prefix: String,
        operation_id: String,
    ) -> DraftOperation {
        let pointer = self.shape.pointer.clone();
        let declared = self.parameters();
        let mut args = Namer::with_reserved(names::RESERVED_PARAM_NAMES);
        let path_params = self.path_params(&declared, &mut args);
        let query = self.group(&declared, "query", "Query");
        let headers = self.group(&declared, "header", "Headers");
        let cookies = self.group(&declared, "cookie", "Cookies");
        let (body, request) = self.body();
        let (status, success, response, main_response) = self.success();
        let media = self.media(request, response);
        let events = self.events();
        let cases = self.cases(success.clone(), main_response, media.is_some());
        let cases_enum =
            (cases.len() > 1).then(|| self.types.reserve(&format!("{}Response", self.type_prefix)));
        let text = |key: &str| {
            self.op
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let op = Operation {
            fn_name,
            type_prefix,
            method: self.shape.method.to_ascii_uppercase(),
            path: self.shape.path.to_string(),
            axum_path: self.shape.path.to_string(),
            operation_id,
            summary: text("summary"),
            description: text("description"),
            deprecated: self
                .op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            path_params: Vec::new(),
            query: None,
            headers: None,
            cookies: None,
            body: None,
            success: Success {
                status,
                rust_type: None,
                item_type: None,
            },
            events: None,
            is_list: self.shape.is_list,
            collection_key: self.shape.collection_key.clone(),
            addresses_item: self.shape.addresses_item,
            parent_path: self.shape.parent_path.clone(),
            is_create: self.shape.is_create,
            accepted: self.shape.accepted,
            security: self.security(),
            error_statuses: self.error_statuses.clone(),
            allow: String::new(),
            server_return: String::new(),
            server_error: String::new(),
            batch: false,
            client_return: String::new(),
            client_batch: false,
            responses: Vec::new(),
            responses_enum: None,
            media: None,
            origin: self.types.origin(&pointer),
        };
        DraftOperation {
            op,
            path_params,
            query,
            headers,
            cookies,
            body,
            success,
            events,
            cases,
            cases_enum,
            media,
        }
    }

    /// The declared success statuses (the main one first, then the others in ascending
    /// order), each with its body type and declared headers. A list, a write the style takes
    /// many items in at once (a batch) and an operation with bodies that are not JSON answer
    /// their main status only, without declared headers.
    fn cases(
        &mut self,
        success: Option<Ty>,
        main: Option<Found<'a>>,
        media: bool,
    ) -> Vec<DraftCase> {
        let batch = self.style.batch_writes()
            && self.shape.has_body
            && !media
            && !self.shape.is_list
            && !self.shape.addresses_item;
        let single = self.shape.is_list || batch || media;
        let what = if self.shape.is_list {
            "a list operation"
        } else if media {
            "an operation with bodies that are not JSON"
        } else {
            "a write of many items at once (a batch)"
        };
        let main_status = self.shape.success_status;
        let mut cases = vec![DraftCase {
            status: main_status,
            wire_status: apigen_spec::apply::wire_status(self.shape, self.style),
            created: self.creates(self.shape),
            headers: None,
            ty: success,
        }];
        if let Some((response, pointer)) = main {
            cases[0].headers = self.response_headers(response, &pointer, main_status, single, what);
        }
        let responses_pointer = format!("{}/responses", self.shape.pointer);
        for alt in self.alternatives {
            let status = alt.success_status;
            let found = self
                .op
                .get("responses")
                .and_then(|r| r.get(status.to_string()))
                .and_then(|r| {
                    let pointer = format!("{responses_pointer}/{status}");
                    self.follow(r, &pointer)
                });
            if single {
                self.types.unsupported(
                    &format!("{responses_pointer}/{status}"),
                    &format!("another success status ({status}) on {what}"),
                    "nothing (the operation answers its first success status)",
                );
                continue;
            }
            let ty = found.as_ref().and_then(|(response, pointer)| {
                let hint = format!("{}Response{status}", self.type_prefix);
                self.body_schema(response, pointer, &hint)
            });
            let headers = found.and_then(|(response, pointer)| {
                self.response_headers(response, &pointer, status, single, what)
            });
            cases.push(DraftCase {
                status,
                wire_status: apigen_spec::apply::wire_status(alt, self.style),
                created: self.creates(alt),
                headers,
                ty,
            });
        }
        cases
    }

    /// Whether the style renders this answer as a create (a `201` with `Location`): a
    /// `POST` to a collection answering a resource, not a `202`.
    fn creates(&self, shape: &OperationShape<'_>) -> bool {
        shape.is_create && !shape.accepted && !shape.is_list && shape.success_schema.is_some()
    }

    /// The declared-headers struct of a response (`{prefix}Headers`, `{prefix}{status}Headers`
    /// for a status other than the main one): one field per header the response declares,
    /// but those the router writes itself; `None` when there is none.
    fn response_headers(
        &mut self,
        response: &'a Value,
        pointer: &str,
        status: u16,
        single: bool,
        what: &str,
    ) -> Option<(TypeId, Vec<HeaderField>)> {
        let declared = response.get("headers").and_then(Value::as_object)?;
        let mut seen: Vec<String> = Vec::new();
        let mut wanted = Vec::new();
        for (name, header) in declared {
            let lower = name.to_ascii_lowercase();
            if ROUTER_HEADERS.contains(&lower.as_str()) || seen.contains(&lower) {
                continue;
            }
            let header_pointer = format!("{pointer}/headers/{}", escape(name));
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                self.types.warn_at(
                    "gen/bad-header-name",
                    &header_pointer,
                    format!("`{name}` is not a header name; the header is left out"),
                );
                continue;
            }
            seen.push(lower.clone());
            // Header names are case-insensitive (and lowercase in HTTP/2): `ETag` is `etag`.
            wanted.push((lower, header, header_pointer));
        }
        if wanted.is_empty() {
            return None;
        }
        if single {
            self.types.unsupported(
                &format!("{pointer}/headers"),
                &format!("declared response headers on {what}"),
                "nothing (the handler can add them with `ctx.response_headers()`)",
            );
            return None;
        }
        let type_name = if status == self.shape.success_status {
            format!("{}Headers", self.type_prefix)
        } else {
            format!("{}{status}Headers", self.type_prefix)
        };
        let mut namer = Namer::default();
        let mut fields = Vec::new();
        let mut written = Vec::new();
        for (name, header, header_pointer) in wanted {
            let Some((header, header_pointer)) = self.follow(header, &header_pointer) else {
                continue;
            };
            let required = header
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let scalar = |field: &DraftField| {
                matches!(field.ty, Ty::Prim(_) | Ty::Helper(_) | Ty::Named(_))
                    && matches!(
                        field.value_kind,
                        "string" | "integer" | "number" | "boolean" | "enum"
                    )
            };
            let field = header.get("schema").map(|schema| {
                let of = FieldOf {
                    wire: &name,
                    required,
                    owner: &type_name,
                    allow_null: false,
                };
                let schema_pointer = format!("{header_pointer}/schema");
                self.types.field(schema, &schema_pointer, of, &mut namer)
            });
            let mut field = match field {
                Some(field) if scalar(&field) => field,
                other => {
                    self.types.unsupported(
                        &header_pointer,
                        &format!(
                            "the response header `{name}` (not a string, number, boolean or enum)"
                        ),
                        "a string",
                    );
                    let mut string = self.types.string_field(
                        &name,
                        &header_pointer,
                        required,
                        &mut Namer::default(),
                    );
                    // The name the field took already, when it was typed.
                    if let Some(typed) = other {
                        string.name = typed.name;
                    } else {
                        string.name = namer.unique(&string.name);
                    }
                    string
                }
            };
            if field.doc.is_none() {
                field.doc = header
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            let write = match (&field.ty, field.presence) {
                (Ty::Prim("String"), Presence::Required | Presence::Defaulted) => "text",
                (Ty::Prim("String"), Presence::Optional) => "optional_text",
                _ => "value",
            };
            written.push(HeaderField {
                name: field.name.clone(),
                wire_name: name,
                write,
            });
            fields.push(field);
        }
        let id = self.types.reserve(&type_name);
        let doc = format!(
            "The headers of the `{status}` response of `{} {}`.",
            self.shape.method.to_ascii_uppercase(),
            self.shape.path
        );
        self.types.add_struct(id, Some(doc), fields, pointer);
        Some((id, written))
    }

    /// Path-item parameters overridden by the operation's (same name and location).
    fn parameters(&mut self) -> Vec<Declared<'a>> {
        let item_pointer = self.shape.pointer.parent().unwrap_or_default();
        let item = item_pointer.lookup(self.root);
        let mut out: Vec<Declared<'a>> = Vec::new();
        let sources = [
            (item, item_pointer.clone()),
            (Some(self.op), self.shape.pointer.clone()),
        ];
        for (source, base) in sources {
            let Some(list) = source
                .and_then(|s| s.get("parameters"))
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let pointer = format!("{base}/parameters/{i}");
                let Some((value, pointer)) = self.follow(param, &pointer) else {
                    continue;
                };
                let (Some(name), Some(location)) = (
                    value.get("name").and_then(Value::as_str),
                    value.get("in").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let declared = Declared {
                    value,
                    pointer,
                    name: name.to_string(),
                    location: location.to_string(),
                };
                match out
                    .iter_mut()
                    .find(|d| d.name == declared.name && d.location == declared.location)
                {
                    Some(existing) => *existing = declared,
                    None => out.push(declared),
                }
            }
        }
        out
    }

    /// Follows `$ref`s (to `components/parameters`, …) from the value at `pointer` with the
    /// spec crate's resolver: what they name and its pointer; `None` when they do not resolve.
    fn follow(&self, value: &'a Value, pointer: &str) -> Option<Found<'a>> {
        let (value, at) = follow_json(self.root, value).ok()?;
        Some((value, at.map_or_else(|| pointer.to_string(), String::from)))
    }

    /// One parameter (its field is also the query struct's).
    fn param(&mut self, d: &Declared<'a>, required: bool, namer: &mut Namer) -> DraftParam {
        let schema_pointer = format!("{}/schema", d.pointer);
        let field = match d.value.get("schema") {
            Some(schema) => {
                let of = FieldOf {
                    wire: &d.name,
                    required,
                    owner: self.type_prefix,
                    allow_null: false,
                };
                self.types.field(schema, &schema_pointer, of, namer)
            }
            None => {
                self.types.unsupported(
                    &d.pointer,
                    &format!("the parameter `{}` without a `schema` (`content`)", d.name),
                    "a string",
                );
                self.types
                    .string_field(&d.name, &d.pointer, required, namer)
            }
        };
        let default_explode = matches!(d.location.as_str(), "query" | "cookie")
            && d.value
                .get("style")
                .and_then(Value::as_str)
                .is_none_or(|s| s == "form" || s == "cookie");
        let explode = d
            .value
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(default_explode);
        let description = d
            .value
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut field = field;
        if field.doc.is_none() {
            field.doc = description.clone();
        }
        self.to_param(field, &d.name, description, explode, &d.pointer)
    }

    fn to_param(
        &self,
        field: DraftField,
        wire: &str,
        description: Option<String>,
        explode: bool,
        pointer: &str,
    ) -> DraftParam {
        DraftParam {
            field,
            wire: wire.to_string(),
            description,
            explode,
            origin: self.types.origin(pointer),
        }
    }

    /// Path parameters in the order the path template names them; a template parameter
    /// that is not declared is a string (with a warning).
    fn path_params(&mut self, declared: &[Declared<'a>], namer: &mut Namer) -> Vec<DraftParam> {
        let mut out = Vec::new();
        for segment in self.shape.path.split('/') {
            let mut rest = segment;
            while let Some(start) = rest.find('{') {
                let Some(len) = rest[start..].find('}') else {
                    break;
                };
                let name = &rest[start + 1..start + len];
                rest = &rest[start + len + 1..];
                match declared
                    .iter()
                    .find(|d| d.location == "path" && d.name == name)
                {
                    Some(d) => out.push(self.param(d, true, namer)),
                    None => {
                        self.types.warn_at(
                            "gen/undeclared-path-parameter",
                            &self.shape.pointer,
                            format!("the path parameter `{name}` is not declared; it is taken as a string"),
                        );
                        let pointer = self.shape.pointer.clone();
                        let field = self.types.string_field(name, &pointer, true, namer);
                        out.push(self.to_param(field, name, None, false, &pointer));
                    }
                }
            }
        }
        out
    }

    /// The parameters `in` one `location` (`query`, `header` or `cookie`) as one struct,
    /// named after the operation and `suffix`: none when there are none. Left out: the
    /// style's pagination parameters of a list, the API keys of the security schemes, and
    /// the headers OpenAPI says to ignore.
    fn group(
        &mut self,
        declared: &[Declared<'a>],
        location: &str,
        suffix: &str,
    ) -> Option<(TypeId, Vec<DraftParam>)> {
        let wanted: Vec<&Declared<'a>> = declared
            .iter()
            .filter(|d| d.location == location)
            .filter(|d| {
                let name = d.name.to_ascii_lowercase();
                let ignored = match location {
                    "query" => self.shape.is_list && self.pagination.contains(&d.name),
                    "header" => IGNORED_HEADERS.contains(&name.as_str()),
                    _ => false,
                };
                !ignored && !self.api_keys.contains(&(location, name))
            })
            .collect();
        if wanted.is_empty() {
            return None;
        }
        let mut namer = Namer::default();
        let mut fields = Vec::new();
        let mut params = Vec::new();
        for d in wanted {
            let required = d
                .value
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let param = self.param(d, required, &mut namer);
            fields.push(param.field.clone());
            params.push(param);
        }
        let id = self.types.reserve(&format!("{}{suffix}", self.type_prefix));
        let doc = format!(
            "The {location} parameters of `{} {}`.",
            self.shape.method.to_ascii_uppercase(),
            self.shape.path
        );
        self.types
            .add_struct(id, Some(doc), fields, &self.shape.pointer);
        Some((id, params))
    }

    /// The request body: its JSON variant as the JSON path takes it, and every variant
    /// (with the body's `required` and its multipart struct, if any).
    fn body(&mut self) -> (Option<DraftRequestBody>, Option<DraftRequest>) {
        let pointer = format!("{}/requestBody", self.shape.pointer);
        let Some((body, pointer)) = self
            .op
            .get("requestBody")
            .and_then(|body| self.follow(body, &pointer))
        else {
            return (None, None);
        };
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return (None, None);
        };
        let required = body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut bodies = DraftBodies::default();
        let mut json = None;
        let mut form = None;
        for (media, media_object) in content {
            let schema = media_object.get("schema");
            let media_pointer = format!("{pointer}/content/{}", escape(media));
            let Some(kind) = Kind::of(media, schema) else {
                self.types.unsupported(
                    &media_pointer,
                    &format!("a `{media}` request body"),
                    "nothing (the operation does not take it)",
                );
                continue;
            };
            let hint = match kind {
                Kind::Form => format!("{}FormBody", self.type_prefix),
                _ => format!("{}Request", self.type_prefix),
            };
            let resolve = |types: &mut TypeBuilder<'a>| {
                schema.map(|schema| {
                    let at = format!("{media_pointer}/schema");
                    types.resolve(schema, &at, &hint).ty
                })
            };
            match kind {
                Kind::Json if json.is_none() => {
                    let ty = resolve(self.types).unwrap_or(Ty::Value);
                    json = Some(ty.clone());
                    bodies.add(kind, media, || Some(ty));
                }
                Kind::Multipart if form.is_none() => {
                    match self.form(media_object, &media_pointer) {
                        Some(built) => {
                            form = Some(built);
                            bodies.add(kind, media, || None);
                        }
                        // A form without properties travels as the bytes it is.
                        None => bodies.add(Kind::Binary, media, || None),
                    }
                }
                Kind::Form if !bodies.variants.iter().any(|v| v.kind == kind) => {
                    let ty = resolve(self.types);
                    bodies.add(kind, media, || ty);
                }
                _ => bodies.add(kind, media, || None),
            }
        }
        let description = body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let json = json.map(|ty| DraftRequestBody {
            ty,
            required,
            description,
        });
        (json, Some((bodies, required, form)))
    }

    /// The struct of a `multipart/form-data` body: a field per property, files as the
    /// runtime's `FilePart`s; `None` when the schema names no properties.
    fn form(&mut self, media_object: &'a Value, pointer: &str) -> Option<DraftForm> {
        let schema_pointer = format!("{pointer}/schema");
        let (schema, schema_pointer) = self.follow(media_object.get("schema")?, &schema_pointer)?;
        let properties = schema.get("properties").and_then(Value::as_object)?;
        if properties.is_empty() {
            return None;
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let owner = format!("{}Form", self.type_prefix);
        let id = self.types.reserve(&owner);
        let mut namer = Namer::default();
        let mut fields = Vec::new();
        for (wire, property) in properties {
            let at = format!("{schema_pointer}/properties/{}", escape(wire));
            let resolved = self.follow(property, &at).map(|(v, _)| v);
            let items = resolved
                .and_then(|p| p.get("items"))
                .and_then(|items| self.follow(items, &at))
                .map(|(v, _)| v);
            let content_type = media_object
                .get("encoding")
                .and_then(|e| e.get(wire))
                .and_then(|e| e.get("contentType"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let is_required = required.contains(&wire.as_str());
            let doc = property
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string);
            let file_kind = if resolved.is_some_and(is_file) {
                Some(if is_required { "file" } else { "optional_file" })
            } else if items.is_some_and(is_file) {
                Some("files")
            } else {
                None
            };
            if let Some(kind) = file_kind {
                fields.push(DraftFormField {
                    name: namer.unique(&names::snake(wire)),
                    wire: wire.clone(),
                    kind,
                    field: None,
                    content_type,
                    doc,
                });
                continue;
            }
            let json = content_type.as_deref().is_some_and(shape::is_json)
                || resolved.is_some_and(|p| !is_scalar(p, items));
            let of = FieldOf {
                wire,
                required: is_required,
                owner: &owner,
                allow_null: false,
            };
            let field = self.types.field(property, &at, of, &mut namer);
            fields.push(DraftFormField {
                name: field.name.clone(),
                wire: wire.clone(),
                kind: match (json, is_required) {
                    (false, _) => "value",
                    (true, true) => "json",
                    (true, false) => "optional_json",
                },
                field: Some(field),
                content_type,
                doc,
            });
        }
        let doc = schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        Some(DraftForm { id, doc, fields })
    }

    /// The JSON body type of a response (at `pointer`).
    fn body_schema(&mut self, response: &'a Value, pointer: &str, hint: &str) -> Option<Ty> {
        let content = response.get("content").and_then(Value::as_object)?;
        let (media, schema) = json_media(content)?;
        let pointer = format!("{pointer}/content/{}/schema", escape(media));
        Some(self.types.resolve(schema, &pointer, hint).ty)
    }

    /// The success status, its JSON type, its bodies of every media type and the response
    /// itself (with its pointer): the response of the status `shape` chose, then `2XX`, then
    /// `default`.
    fn success(&mut self) -> (u16, Option<Ty>, DraftBodies, Option<Found<'a>>) {
        let status = self.shape.success_status;
        let found = self.success_response();
        let mut bodies = DraftBodies::default();
        let mut json = None;
        let content = found.as_ref().and_then(|(response, pointer)| {
            Some((
                response.get("content").and_then(Value::as_object)?,
                pointer.clone(),
            ))
        });
        let entries = content.iter().flat_map(|(content, pointer)| {
            content
                .iter()
                .map(move |(media, object)| (media, object, pointer))
        });
        for (media, media_object, pointer) in entries {
            let schema = media_object.get("schema");
            let media_pointer = format!("{pointer}/content/{}", escape(media));
            match Kind::of(media, schema) {
                Some(Kind::Json) if json.is_none() => {
                    let Some(schema) = schema else { continue };
                    let hint = format!("{}Response", self.type_prefix);
                    let at = format!("{media_pointer}/schema");
                    let ty = self.types.resolve(schema, &at, &hint).ty;
                    json = Some(ty.clone());
                    bodies.add(Kind::Json, media, || Some(ty));
                }
                Some(Kind::Json) => {}
                Some(Kind::Multipart) => self.types.unsupported(
                    &media_pointer,
                    &format!("a `{media}` response"),
                    "nothing (the operation answers without it)",
                ),
                Some(Kind::Form) => {
                    if !bodies.variants.iter().any(|v| v.kind == Kind::Form) {
                        let hint = format!("{}FormResponse", self.type_prefix);
                        let at = format!("{media_pointer}/schema");
                        let ty = schema.map(|schema| self.types.resolve(schema, &at, &hint).ty);
                        bodies.add(Kind::Form, media, || ty);
                    } else {
                        bodies.add(Kind::Form, media, || None);
                    }
                }
                Some(kind) => bodies.add(kind, media, || None),
                // Streams of events or items are read elsewhere.
                None => {}
            }
        }
        (status, json, bodies, found)
    }

    /// The success response (the status `shape` chose, then `2XX`, then `default`) and its
    /// pointer.
    fn success_response(&self) -> Option<Found<'a>> {
        let responses_pointer = format!("{}/responses", self.shape.pointer);
        let responses = self.op.get("responses");
        let status = self.shape.success_status.to_string();
        let key = [status.as_str(), "2XX", "default"]
            .into_iter()
            .find(|k| responses.and_then(|r| r.get(k)).is_some())?;
        let response = responses?.get(key)?;
        self.follow(response, &format!("{responses_pointer}/{}", escape(key)))
    }

    /// The payload type of the server-sent events the success response streams (when
    /// `shape` says it does): its `text/event-stream` schema, or the items of that schema
    /// when it is an array (the stream as a sequence of events; how apigen reads a 3.2
    /// `itemSchema`); any JSON value without a schema.
    fn events(&mut self) -> Option<Ty> {
        if !self.shape.streams_events {
            return None;
        }
        let (response, pointer) = self.success_response()?;
        let content = response.get("content").and_then(Value::as_object)?;
        let (media, media_value) = content.iter().find(|(m, _)| shape::is_event_stream(m))?;
        let Some(schema) = media_value.get("schema") else {
            return Some(Ty::Value);
        };
        let pointer = format!("{pointer}/content/{}/schema", escape(media));
        let hint = format!("{}Event", self.type_prefix);
        Some(match self.types.resolve(schema, &pointer, &hint).ty {
            Ty::Vec(item) => *item,
            ty => ty,
        })
    }

    /// The operation's bodies by media type, when one is not JSON or there are several;
    /// a list operation keeps its JSON ones (others are named in a warning).
    fn media(
        &mut self,
        request: Option<DraftRequest>,
        response: DraftBodies,
    ) -> Option<DraftMedia> {
        let (request, request_required, form) = request.unwrap_or_default();
        let plain = request.json_only()
            && request.variants.len() <= 1
            && response.json_only()
            && response.variants.len() <= 1;
        if plain {
            return None;
        }
        if self.shape.is_list {
            self.types.unsupported(
                &self.shape.pointer,
                "a list operation with bodies that are not JSON",
                "its JSON bodies only",
            );
            return None;
        }
        let prefix = self.type_prefix;
        let request_enum =
            (request.variants.len() > 1).then(|| self.types.reserve(&format!("{prefix}Body")));
        let several = response.variants.len() > 1;
        let response_enum = several.then(|| self.types.reserve(&format!("{prefix}Content")));
        let accept_enum = several.then(|| self.types.reserve(&format!("{prefix}Accept")));
        Some(DraftMedia {
            request,
            request_required,
            request_enum,
            form,
            response,
            response_enum,
            accept_enum,
        })
    }

    /// The security requirements, in the spec's order (alternatives; each names the
    /// schemes it needs together, with their scopes); empty when the operation is open (no
    /// requirement at the operation nor the root, `security: []`, or an empty requirement
    /// among the alternatives). A requirement keeps every scheme it names, even one apigen
    /// cannot read or the spec does not declare: the router never satisfies such a scheme,
    /// so such an operation is refused, never open.
    fn security(&self) -> Vec<Vec<SchemeUse>> {
        if !self.shape.secured {
            return Vec::new();
        }
        let requirements = self
            .op
            .get("security")
            .or_else(|| self.root.get("security"))
            .and_then(Value::as_array);
        requirements
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|requirement| {
                requirement
                    .iter()
                    .map(|(scheme, scopes)| SchemeUse {
                        scheme: scheme.clone(),
                        scopes: scopes
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    })
                    .collect()
            })
            .collect()
    }
}

/// Whether a (resolved) schema is a file: a binary string.
fn is_file(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
        && schema
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "string")
}

/// Whether a (resolved) property travels as text in a form: a scalar, or an array of
/// scalars (one part per item); `items`: its resolved items.
fn is_scalar(schema: &Value, items: Option<&Value>) -> bool {
    let scalar = |s: &Value| {
        s.get("enum").is_some()
            || matches!(
                s.get("type").and_then(Value::as_str),
                Some("string" | "integer" | "number" | "boolean")
            )
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => items.is_some_and(scalar),
        _ => scalar(schema),
    }
}

/// The JSON media type of a `content` map (`application/json`, else any `…+json`).
fn json_media(content: &serde_json::Map<String, Value>) -> Option<(&String, &Value)> {
    content
        .iter()
        .find(|(m, _)| m.as_str() == "application/json")
        .or_else(|| content.iter().find(|(m, _)| shape::is_json(m)))
        .and_then(|(m, media)| media.get("schema").map(|s| (m, s)))
}

/// The security schemes the spec declares, sorted by key; a scheme of an unknown type
/// (or an apiKey without `name`/`in`) is left out, so that a requirement naming it is
/// never satisfied.
fn security_schemes(root: &Value) -> Vec<SecurityScheme> {
    let Some(schemes) = root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = schemes.keys().collect();
    keys.sort();
    let mut namer = Namer::default();
    let mut out = Vec::new();
    for key in keys {
        let Some(scheme) = schemes.get(key.as_str()) else {
            continue;
        };
        let get = |k: &str| scheme.get(k).and_then(Value::as_str);
        let http_scheme = get("scheme").map(str::to_ascii_lowercase);
        // A 3.1 `mutualTLS` scheme comes through the 3.0 model marked (see apigen-spec).
        let scheme_type = match get("x-apigen-type") {
            Some("mutualTLS") => Some("mutualTLS"),
            _ => get("type"),
        };
        let (kind, variant, parameter) = match (scheme_type, http_scheme.as_deref(), get("in")) {
            (Some("http"), Some("bearer"), _) => ("http_bearer", "HttpBearer", None),
            (Some("http"), Some("basic"), _) => ("http_basic", "HttpBasic", None),
            (Some("http"), Some(other), _)
                if !other.is_empty() && other.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                ("http", "Http", get("scheme"))
            }
            (Some("apiKey"), _, Some("header")) => ("api_key_header", "ApiKeyHeader", get("name")),
            (Some("apiKey"), _, Some("query")) => ("api_key_query", "ApiKeyQuery", get("name")),
            (Some("apiKey"), _, Some("cookie")) => ("api_key_cookie", "ApiKeyCookie", get("name")),
            (Some("oauth2"), _, _) => ("oauth2", "OAuth2", None),
            (Some("openIdConnect"), _, _) => ("open_id_connect", "OpenIdConnect", None),
            (Some("mutualTLS"), _, _) => ("mutual_tls", "MutualTls", None),
            _ => continue,
        };
        if kind.starts_with("api_key") && parameter.is_none_or(str::is_empty) {
            continue;
        }
        out.push(SecurityScheme {
            name: key.clone(),
            ident: namer.unique(&names::snake(key)),
            kind: kind.to_string(),
            variant: variant.to_string(),
            parameter: parameter.map(str::to_string),
        });
    }
    out
}

/// A byte of an HTTP token (a header name).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The enum variant of a success status: its reason phrase (`Ok`, `Created`), else
/// `Status<code>`.
fn variant_name(status: u16) -> String {
    let reason = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        other => return format!("Status{other}"),
    };
    reason.to_string()
}
