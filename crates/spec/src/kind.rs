//! What kind of OpenAPI object a node of a document is, judged by where it sits
//! (`paths` → path items → operations → …). Bundling uses it to choose the `components`
//! section a `$ref` target goes to; normalising, repairs and checks use it to find
//! schemas and to skip literal data (examples, defaults, enums), where a `$ref` key is
//! not a reference.

/// What kind of OpenAPI object a node is, as far as `$ref` placement is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Paths,
    PathItem,
    Operation,
    ParamList,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    EncodingMap,
    Encoding,
    Schema,
    SchemaMap,
    SchemaList,
    HeaderMap,
    Header,
    ExampleMap,
    Example,
    LinkMap,
    Link,
    CallbackMap,
    Callback,
    Components,
    ParamMap,
    RequestBodyMap,
    ResponseMap,
    SecuritySchemeMap,
    SecurityScheme,
    /// Literal data (examples, defaults, enums): a `$ref` key here is not a reference.
    Data,
    Other,
}

impl Kind {
    pub(crate) fn child(self, key: &str) -> Kind {
        use Kind::*;
        match (self, key) {
            (Data, _) => Data,
            (Root, "paths" | "webhooks") => Paths,
            (Root, "components") => Components,
            (Paths | Callback, _) => PathItem,
            (
                PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => Operation,
            (PathItem | Operation, "parameters") => ParamList,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Operation, "callbacks") | (Components, "callbacks") => CallbackMap,
            (Parameter | Header | MediaType, "schema") => Schema,
            (Parameter | Header | RequestBody | Response, "content") => Content,
            (Parameter | Header | MediaType | Components, "examples") => ExampleMap,
            (Parameter | Header | MediaType, "example") => Data,
            (Responses | ResponseMap, _) => Response,
            (Response | Encoding, "headers") | (Components, "headers") => HeaderMap,
            (Response, "links") | (Components, "links") => LinkMap,
            (Content, _) => MediaType,
            (MediaType, "encoding") => EncodingMap,
            (EncodingMap, _) => Encoding,
            (
                Schema,
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
            ) => SchemaMap,
            (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => SchemaList,
            (
                Schema,
                "items"
                | "not"
                | "additionalProperties"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "additionalItems",
            ) => Schema,
            (Schema, "example" | "examples" | "default" | "enum" | "const") => Data,
            (Schema, "discriminator" | "xml" | "externalDocs") => Other,
            (SchemaMap, _) => Schema,
            (HeaderMap, _) => Header,
            (ExampleMap, _) => Example,
            (Example, "value") => Data,
            (LinkMap, _) => Link,
            (CallbackMap, _) => Callback,
            (Components, "schemas") => SchemaMap,
            (Components, "responses") => ResponseMap,
            (Components, "parameters") => ParamMap,
            (Components, "requestBodies") => RequestBodyMap,
            (Components, "securitySchemes") => SecuritySchemeMap,
            (Components, "pathItems") => Paths,
            (ParamMap, _) => Parameter,
            (RequestBodyMap, _) => RequestBody,
            (SecuritySchemeMap, _) => SecurityScheme,
            (_, k) if k.starts_with("x-") => Data,
            _ => Other,
        }
    }

    pub(crate) fn element(self) -> Kind {
        match self {
            Kind::SchemaList | Kind::Schema => Kind::Schema,
            Kind::ParamList => Kind::Parameter,
            Kind::Data => Kind::Data,
            _ => Kind::Other,
        }
    }

    /// The `components` section a referenced object of this kind is copied into; `None`
    /// when it is inlined instead.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    /// For a map kind in `components` (`SchemaMap`, …), the section its entries belong to.
    pub(crate) fn element_section(self) -> Option<&'static str> {
        match self {
            Kind::SchemaMap => Some("schemas"),
            Kind::ResponseMap => Some("responses"),
            Kind::ParamMap => Some("parameters"),
            Kind::RequestBodyMap => Some("requestBodies"),
            Kind::HeaderMap => Some("headers"),
            Kind::ExampleMap => Some("examples"),
            Kind::LinkMap => Some("links"),
            Kind::CallbackMap => Some("callbacks"),
            Kind::SecuritySchemeMap => Some("securitySchemes"),
            _ => None,
        }
    }
}
