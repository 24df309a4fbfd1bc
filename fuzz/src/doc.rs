//! Nearly valid OpenAPI documents, built from the fuzzer's bytes with `arbitrary`: names come
//! from a small pool (so `$ref`s and path parameters mostly match) or are arbitrary text;
//! schemas nest; the version is 3.0, 3.1 or 3.2 (or anything), and a document may write
//! nullability the way another version does.

use arbitrary::Arbitrary;
use serde_json::{json, Map, Value};

/// A document.
#[derive(Arbitrary, Debug)]
pub struct Doc {
    version: Version,
    title: Name,
    /// JSON or YAML text.
    yaml: bool,
    paths: Vec<PathDef>,
    schemas: Vec<(Name, Schema)>,
    parameters: Vec<(Name, Param)>,
    security: Vec<(Name, Security)>,
    /// Operations require these security schemes.
    secured: Vec<Name>,
    style: Option<StyleName>,
    webhooks: Vec<(Name, Op)>,
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum Version {
    V300,
    V303,
    V310,
    V311,
    V320,
    Number,
    Other,
}

#[derive(Arbitrary, Debug)]
enum StyleName {
    Enveloped,
    Plain,
    Result,
    Other(String),
}

/// A name: mostly from a pool shared by schemas, parameters and path segments.
#[derive(Arbitrary, Debug, Clone)]
enum Name {
    Widget,
    Item,
    Id,
    Name,
    Type,
    SelfKw,
    Page,
    Limit,
    Cursor,
    Error,
    Data,
    Meta,
    Links,
    Result,
    Digit,
    Empty,
    Text(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Widget => "Widget",
            Name::Item => "item",
            Name::Id => "id",
            Name::Name => "name",
            Name::Type => "type",
            Name::SelfKw => "self",
            Name::Page => "page",
            Name::Limit => "limit",
            Name::Cursor => "cursor",
            Name::Error => "Error",
            Name::Data => "data",
            Name::Meta => "meta",
            Name::Links => "links",
            Name::Result => "Result",
            Name::Digit => "1st",
            Name::Empty => "",
            Name::Text(t) => t,
        }
        .to_string()
    }
}

#[derive(Arbitrary, Debug)]
struct PathDef {
    segments: Vec<Segment>,
    trailing_slash: bool,
    ops: Vec<(Method, Op)>,
    params: Vec<ParamOrRef>,
}

#[derive(Arbitrary, Debug)]
enum Segment {
    Literal(Name),
    Param(Name),
    Mixed(Name, Name),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
    Query,
}

#[derive(Arbitrary, Debug)]
struct Op {
    id: Option<Name>,
    params: Vec<ParamOrRef>,
    body: Option<(Media, Schema, bool)>,
    responses: Vec<(Status, Option<(Media, Schema)>, Vec<(Name, Schema)>)>,
    deprecated: bool,
    no_security: bool,
}

#[derive(Arbitrary, Debug)]
enum Media {
    Json,
    JsonVendor,
    Form,
    Multipart,
    Text,
    Octet,
    Any,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Status {
    Code(u16),
    Ok,
    Created,
    NoContent,
    NotFound,
    Default,
    Range2xx,
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum ParamOrRef {
    Inline(Param),
    Ref(Name),
}

#[derive(Arbitrary, Debug)]
struct Param {
    name: Name,
    location: Location,
    required: Option<bool>,
    schema: Option<Schema>,
    style: Option<ParamStyle>,
    explode: Option<bool>,
}

#[derive(Arbitrary, Debug)]
enum Location {
    Path,
    Query,
    Header,
    Cookie,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum ParamStyle {
    Form,
    Simple,
    DeepObject,
    PipeDelimited,
    SpaceDelimited,
    Matrix,
    Label,
}

#[derive(Arbitrary, Debug)]
enum Security {
    Bearer,
    Basic,
    ApiKeyHeader(Name),
    ApiKeyQuery(Name),
    ApiKeyCookie(Name),
    OAuth2,
    OpenIdConnect,
    Other(String),
}

/// A schema.
#[derive(Arbitrary, Debug)]
enum Schema {
    Ref(Name),
    BadRef(String),
    String {
        format: Option<Format>,
        min_length: Option<u32>,
        max_length: Option<u32>,
        pattern: Option<String>,
        values: Vec<String>,
    },
    Integer {
        format: Option<Format>,
        minimum: Option<i64>,
        maximum: Option<i64>,
        exclusive: bool,
        multiple_of: Option<u16>,
    },
    Number {
        minimum: Option<f64>,
        maximum: Option<f64>,
        multiple_of: Option<f64>,
    },
    Boolean,
    Null,
    Array {
        items: Option<Box<Schema>>,
        min_items: Option<u32>,
        max_items: Option<u32>,
        unique: bool,
    },
    Object {
        properties: Vec<(Name, Schema, bool)>,
        additional: Option<Box<Additional>>,
        read_only: Vec<Name>,
    },
    AllOf(Vec<Schema>),
    OneOf(Vec<Schema>, Option<Name>),
    AnyOf(Vec<Schema>),
    Not(Box<Schema>),
    Nullable(Box<Schema>),
    Types(Vec<TypeName>),
    Const(Scalar),
    Enum(Vec<Scalar>),
    Empty,
    Value(Scalar),
}

#[derive(Arbitrary, Debug)]
enum Additional {
    Bool(bool),
    Schema(Schema),
}

#[derive(Arbitrary, Debug)]
enum Format {
    Int32,
    Int64,
    Uint8,
    DateTime,
    Date,
    Uuid,
    Email,
    Uri,
    Binary,
    Byte,
    Float,
    Double,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum TypeName {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Null,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn json(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => json!(b),
            Scalar::Int(i) => json!(i),
            Scalar::Float(f) => json!(f),
            Scalar::Text(t) => json!(t),
        }
    }
}

impl Doc {
    /// The document as JSON or YAML text.
    pub fn text(&self) -> String {
        let value = self.json();
        if self.yaml {
            serde_yaml::to_string(&value).expect("JSON is YAML")
        } else {
            serde_json::to_string_pretty(&value).expect("a JSON value prints")
        }
    }

    /// The document as a JSON value.
    pub fn json(&self) -> Value {
        let v = self.version;
        let version = match v {
            Version::V300 => json!("3.0.0"),
            Version::V303 => json!("3.0.3"),
            Version::V310 => json!("3.1.0"),
            Version::V311 => json!("3.1.1"),
            Version::V320 => json!("3.2.0"),
            Version::Number => json!(3.1),
            Version::Other => json!("3.9.9"),
        };
        let mut info = json!({"title": self.title.text(), "version": "1.0.0"});
        if let Some(style) = &self.style {
            let name = match style {
                StyleName::Enveloped => "enveloped".to_string(),
                StyleName::Plain => "plain".to_string(),
                StyleName::Result => "result".to_string(),
                StyleName::Other(s) => s.clone(),
            };
            info["x-apigen-style"] = json!(name);
        }
        let mut paths = Map::new();
        for p in &self.paths {
            let mut path = String::new();
            for s in &p.segments {
                path.push('/');
                match s {
                    Segment::Literal(n) => path.push_str(&n.text()),
                    Segment::Param(n) => path.push_str(&format!("{{{}}}", n.text())),
                    Segment::Mixed(a, b) => {
                        path.push_str(&format!("{}.{{{}}}", a.text(), b.text()))
                    }
                }
            }
            if p.trailing_slash || path.is_empty() {
                path.push('/');
            }
            let mut item = Map::new();
            if !p.params.is_empty() {
                item.insert(
                    "parameters".into(),
                    p.params.iter().map(|x| x.json(v)).collect(),
                );
            }
            for (method, op) in &p.ops {
                item.insert(method.name().into(), op.json(v, &self.secured));
            }
            paths.insert(path, Value::Object(item));
        }
        let mut doc = json!({"openapi": version, "info": info, "paths": paths});
        let mut components = Map::new();
        if !self.schemas.is_empty() {
            components.insert(
                "schemas".into(),
                self.schemas
                    .iter()
                    .map(|(n, s)| (n.text(), s.json(v)))
                    .collect::<Map<_, _>>()
                    .into(),
            );
        }
        if !self.parameters.is_empty() {
            components.insert(
                "parameters".into(),
                self.parameters
                    .iter()
                    .map(|(n, p)| (n.text(), p.json(v)))
                    .collect::<Map<_, _>>()
                    .into(),
            );
        }
        if !self.security.is_empty() {
            components.insert(
                "securitySchemes".into(),
                self.security
                    .iter()
                    .map(|(n, s)| (n.text(), s.json()))
                    .collect::<Map<_, _>>()
                    .into(),
            );
        }
        if !components.is_empty() {
            doc["components"] = Value::Object(components);
        }
        if !self.webhooks.is_empty() {
            doc["webhooks"] = self
                .webhooks
                .iter()
                .map(|(n, op)| (n.text(), json!({"post": op.json(v, &[])})))
                .collect::<Map<_, _>>()
                .into();
        }
        doc
    }
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Patch => "patch",
            Method::Head => "head",
            Method::Options => "options",
            Method::Trace => "trace",
            Method::Query => "query",
        }
    }
}

impl Op {
    fn json(&self, v: Version, secured: &[Name]) -> Value {
        let mut op = Map::new();
        if let Some(id) = &self.id {
            op.insert("operationId".into(), json!(id.text()));
        }
        if !self.params.is_empty() {
            op.insert(
                "parameters".into(),
                self.params.iter().map(|p| p.json(v)).collect(),
            );
        }
        if let Some((media, schema, required)) = &self.body {
            op.insert(
                "requestBody".into(),
                json!({"required": required, "content": {media.name(): {"schema": schema.json(v)}}}),
            );
        }
        let mut responses = Map::new();
        for (status, content, headers) in &self.responses {
            let mut response = json!({"description": "a response"});
            if let Some((media, schema)) = content {
                response["content"] = json!({media.name(): {"schema": schema.json(v)}});
            }
            if !headers.is_empty() {
                response["headers"] = headers
                    .iter()
                    .map(|(n, s)| (n.text(), json!({"schema": s.json(v)})))
                    .collect::<Map<_, _>>()
                    .into();
            }
            responses.insert(status.text(), response);
        }
        op.insert("responses".into(), Value::Object(responses));
        if self.deprecated {
            op.insert("deprecated".into(), json!(true));
        }
        if self.no_security {
            op.insert("security".into(), json!([]));
        } else if !secured.is_empty() {
            let requirement: Map<_, _> = secured.iter().map(|n| (n.text(), json!([]))).collect();
            op.insert("security".into(), json!([requirement]));
        }
        Value::Object(op)
    }
}

impl Media {
    fn name(&self) -> String {
        match self {
            Media::Json => "application/json",
            Media::JsonVendor => "application/vnd.api+json",
            Media::Form => "application/x-www-form-urlencoded",
            Media::Multipart => "multipart/form-data",
            Media::Text => "text/plain",
            Media::Octet => "application/octet-stream",
            Media::Any => "*/*",
            Media::Other(s) => s,
        }
        .to_string()
    }
}

impl Status {
    fn text(&self) -> String {
        match self {
            Status::Code(c) => c.to_string(),
            Status::Ok => "200".into(),
            Status::Created => "201".into(),
            Status::NoContent => "204".into(),
            Status::NotFound => "404".into(),
            Status::Default => "default".into(),
            Status::Range2xx => "2XX".into(),
            Status::Text(t) => t.clone(),
        }
    }
}

impl ParamOrRef {
    fn json(&self, v: Version) -> Value {
        match self {
            ParamOrRef::Inline(p) => p.json(v),
            ParamOrRef::Ref(n) => {
                json!({"$ref": format!("#/components/parameters/{}", n.text())})
            }
        }
    }
}

impl Param {
    fn json(&self, v: Version) -> Value {
        let location = match &self.location {
            Location::Path => "path".to_string(),
            Location::Query => "query".to_string(),
            Location::Header => "header".to_string(),
            Location::Cookie => "cookie".to_string(),
            Location::Other(s) => s.clone(),
        };
        let mut p = json!({"name": self.name.text(), "in": location});
        if let Some(required) = self.required {
            p["required"] = json!(required);
        }
        if let Some(schema) = &self.schema {
            p["schema"] = schema.json(v);
        }
        if let Some(style) = &self.style {
            p["style"] = json!(match style {
                ParamStyle::Form => "form",
                ParamStyle::Simple => "simple",
                ParamStyle::DeepObject => "deepObject",
                ParamStyle::PipeDelimited => "pipeDelimited",
                ParamStyle::SpaceDelimited => "spaceDelimited",
                ParamStyle::Matrix => "matrix",
                ParamStyle::Label => "label",
            });
        }
        if let Some(explode) = self.explode {
            p["explode"] = json!(explode);
        }
        p
    }
}

impl Security {
    fn json(&self) -> Value {
        match self {
            Security::Bearer => json!({"type": "http", "scheme": "bearer"}),
            Security::Basic => json!({"type": "http", "scheme": "basic"}),
            Security::ApiKeyHeader(n) => {
                json!({"type": "apiKey", "in": "header", "name": n.text()})
            }
            Security::ApiKeyQuery(n) => json!({"type": "apiKey", "in": "query", "name": n.text()}),
            Security::ApiKeyCookie(n) => {
                json!({"type": "apiKey", "in": "cookie", "name": n.text()})
            }
            Security::OAuth2 => {
                json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://example.com/token", "scopes": {}}}})
            }
            Security::OpenIdConnect => {
                json!({"type": "openIdConnect", "openIdConnectUrl": "https://example.com/.well-known/openid-configuration"})
            }
            Security::Other(s) => json!({"type": s}),
        }
    }
}

impl Format {
    fn name(&self) -> String {
        match self {
            Format::Int32 => "int32",
            Format::Int64 => "int64",
            Format::Uint8 => "uint8",
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Uri => "uri",
            Format::Binary => "binary",
            Format::Byte => "byte",
            Format::Float => "float",
            Format::Double => "double",
            Format::Other(s) => s,
        }
        .to_string()
    }
}

impl Schema {
    fn json(&self, v: Version) -> Value {
        match self {
            Schema::Ref(n) => json!({"$ref": format!("#/components/schemas/{}", n.text())}),
            Schema::BadRef(r) => json!({"$ref": r}),
            Schema::String {
                format,
                min_length,
                max_length,
                pattern,
                values,
            } => {
                let mut s = json!({"type": "string"});
                if let Some(f) = format {
                    s["format"] = json!(f.name());
                }
                if let Some(n) = min_length {
                    s["minLength"] = json!(n);
                }
                if let Some(n) = max_length {
                    s["maxLength"] = json!(n);
                }
                if let Some(p) = pattern {
                    s["pattern"] = json!(p);
                }
                if !values.is_empty() {
                    s["enum"] = json!(values);
                }
                s
            }
            Schema::Integer {
                format,
                minimum,
                maximum,
                exclusive,
                multiple_of,
            } => {
                let mut s = json!({"type": "integer"});
                if let Some(f) = format {
                    s["format"] = json!(f.name());
                }
                if let Some(n) = minimum {
                    s["minimum"] = json!(n);
                }
                if let Some(n) = maximum {
                    s["maximum"] = json!(n);
                }
                if *exclusive {
                    if matches!(v, Version::V300 | Version::V303) {
                        s["exclusiveMinimum"] = json!(true);
                    } else if let Some(n) = minimum {
                        s["exclusiveMinimum"] = json!(n);
                    }
                }
                if let Some(n) = multiple_of {
                    s["multipleOf"] = json!(n);
                }
                s
            }
            Schema::Number {
                minimum,
                maximum,
                multiple_of,
            } => {
                let mut s = json!({"type": "number"});
                for (key, value) in [
                    ("minimum", minimum),
                    ("maximum", maximum),
                    ("multipleOf", multiple_of),
                ] {
                    if let Some(n) = value {
                        s[key] = json!(n);
                    }
                }
                s
            }
            Schema::Boolean => json!({"type": "boolean"}),
            Schema::Null => json!({"type": "null"}),
            Schema::Array {
                items,
                min_items,
                max_items,
                unique,
            } => {
                let mut s = json!({"type": "array"});
                if let Some(items) = items {
                    s["items"] = items.json(v);
                }
                if let Some(n) = min_items {
                    s["minItems"] = json!(n);
                }
                if let Some(n) = max_items {
                    s["maxItems"] = json!(n);
                }
                if *unique {
                    s["uniqueItems"] = json!(true);
                }
                s
            }
            Schema::Object {
                properties,
                additional,
                read_only,
            } => {
                let mut s = json!({"type": "object"});
                let mut props = Map::new();
                let mut required = Vec::new();
                for (n, schema, req) in properties {
                    let mut p = schema.json(v);
                    if read_only.iter().any(|r| r.text() == n.text()) {
                        if let Value::Object(m) = &mut p {
                            m.insert("readOnly".into(), json!(true));
                        }
                    }
                    props.insert(n.text(), p);
                    if *req {
                        required.push(n.text());
                    }
                }
                if !props.is_empty() {
                    s["properties"] = Value::Object(props);
                }
                if !required.is_empty() {
                    s["required"] = json!(required);
                }
                match additional.as_deref() {
                    None => {}
                    Some(Additional::Bool(b)) => s["additionalProperties"] = json!(b),
                    Some(Additional::Schema(a)) => s["additionalProperties"] = a.json(v),
                }
                s
            }
            Schema::AllOf(all) => {
                json!({"allOf": all.iter().map(|s| s.json(v)).collect::<Vec<_>>()})
            }
            Schema::OneOf(all, discriminator) => {
                let mut s = json!({"oneOf": all.iter().map(|s| s.json(v)).collect::<Vec<_>>()});
                if let Some(d) = discriminator {
                    s["discriminator"] = json!({"propertyName": d.text()});
                }
                s
            }
            Schema::AnyOf(all) => {
                json!({"anyOf": all.iter().map(|s| s.json(v)).collect::<Vec<_>>()})
            }
            Schema::Not(s) => json!({"not": s.json(v)}),
            Schema::Nullable(inner) => {
                let mut s = inner.json(v);
                match (&mut s, v) {
                    (Value::Object(m), Version::V300 | Version::V303) => {
                        m.insert("nullable".into(), json!(true));
                    }
                    (Value::Object(m), _) => match m.get("type").cloned() {
                        Some(Value::String(t)) => {
                            m.insert("type".into(), json!([t, "null"]));
                        }
                        _ => {
                            let inner = Value::Object(std::mem::take(m));
                            s = json!({"oneOf": [inner, {"type": "null"}]});
                        }
                    },
                    _ => {}
                }
                s
            }
            Schema::Types(types) => json!({"type": types
                .iter()
                .map(|t| match t {
                    TypeName::String => "string".to_string(),
                    TypeName::Integer => "integer".to_string(),
                    TypeName::Number => "number".to_string(),
                    TypeName::Boolean => "boolean".to_string(),
                    TypeName::Object => "object".to_string(),
                    TypeName::Array => "array".to_string(),
                    TypeName::Null => "null".to_string(),
                    TypeName::Other(s) => s.clone(),
                })
                .collect::<Vec<_>>()}),
            Schema::Const(c) => json!({"const": c.json()}),
            Schema::Enum(values) => {
                json!({"enum": values.iter().map(Scalar::json).collect::<Vec<_>>()})
            }
            Schema::Empty => json!({}),
            Schema::Value(c) => c.json(),
        }
    }
}
