//! The intermediate representation: the whole API as plain Rust data.
//!
//! Everything the emitter needs is decided here: Rust names (unique, escaped), which schema
//! becomes which kind of type, which fields are boxed to break recursion, how each parameter is
//! serialized, how each response is decoded, and which conventions (the `data` envelope,
//! pagination, the error envelope, idempotency, waiters) apply. The emitter only turns this into
//! tokens; it never looks at the spec.

mod lower;
mod operations;
mod types;

pub use lower::lower;
pub(crate) use lower::lower_freeing;

use std::collections::{BTreeMap, BTreeSet};

/// Index of a named type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// The lowered API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The base URL from `servers[0]` with variable defaults substituted, when absolute.
    pub default_base_url: Option<String>,
    /// Every server the spec declares (rendered with defaults), for documentation.
    pub servers: Vec<String>,
    /// Security schemes the client can authenticate with, in declaration order.
    pub auth: Vec<AuthScheme>,
    /// Named types, in a deterministic order (declaration order, then discovery order).
    pub types: Vec<TypeDef>,
    /// Operations grouped by resource (tag), in spec order.
    pub groups: Vec<Group>,
    /// The enum type of the error envelope's `code`, when the spec declares one.
    pub error_code: Option<ErrorCodeConvention>,
    /// Schemas and operations that fell back to untyped JSON, with the reason.
    pub untyped: Vec<Untyped>,
}

#[cfg(test)]
impl Api {
    /// An API with only these types: the fixture of the emitters' layout tests.
    pub(crate) fn with_types(types: Vec<TypeDef>) -> Self {
        Self {
            title: String::new(),
            version: String::new(),
            description: None,
            default_base_url: None,
            servers: Vec::new(),
            auth: Vec::new(),
            types,
            groups: Vec::new(),
            error_code: None,
            untyped: Vec::new(),
        }
    }
}

/// One security scheme the generated client supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>` (http bearer, and OAuth2/OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
    /// An API key in the named header.
    ApiKeyHeader(String),
    /// An API key in the named query parameter.
    ApiKeyQuery(String),
    /// An API key in the named cookie.
    ApiKeyCookie(String),
}

/// A schema or operation the generator could not type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Untyped {
    /// Where it is.
    pub pointer: String,
    /// Why it could not be typed.
    pub reason: String,
}

/// How the error envelope's machine-readable code is typed.
#[derive(Debug, Clone)]
pub struct ErrorCodeConvention {
    /// The enum type of the code.
    pub ty: TypeId,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust identifier (unique in the models module).
    pub name: String,
    /// Where the schema is.
    pub pointer: String,
    /// Rustdoc text (unsanitized markdown).
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Whether references to this type admit `null`.
    pub nullable: bool,
    /// What it is.
    pub kind: TypeKind,
    /// Indices (into [`Api::groups`]) of the resource groups whose operations use this type,
    /// directly or through other types. Empty when no operation uses it: such a type is not
    /// generated.
    pub groups: BTreeSet<usize>,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// Not yet lowered (only while lowering; never seen by the emitter).
    Pending,
    /// An object with declared properties.
    Struct(StructDef),
    /// A string enum (with an `Unknown(String)` fallback).
    StringEnum(Vec<EnumVariant>),
    /// An integer enum (with an `Unknown(i64)` fallback).
    IntEnum(Vec<IntVariant>),
    /// `oneOf` / `anyOf`.
    Union(UnionDef),
    /// Another name for a type (`pub type A = B;`).
    Alias(TypeRef),
}

/// A struct.
#[derive(Debug, Clone, Default)]
pub struct StructDef {
    /// Declared properties in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties` alongside declared properties (flattened map).
    pub additional: Option<TypeRef>,
    /// The Rust name of the flattened map field (unique among the fields).
    pub additional_name: String,
    /// Whether every field can be omitted (the struct implements `Default`).
    pub all_optional: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (possibly `r#type`).
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    /// The value type (without the `Option`/`Nullable` that [`Presence`] adds).
    pub ty: TypeRef,
    /// Required / optional / nullable.
    pub presence: Presence,
    /// Boxed to break a recursive type.
    pub boxed: bool,
    /// A default from the spec, when it can be written as a Rust expression.
    pub default: Option<DefaultValue>,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// Whether a field must be present and whether it may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>` (serialized as `null`).
    RequiredNullable,
    /// May be absent, never null: `Option<T>` (omitted when `None`).
    Optional,
    /// May be absent or null, and the two differ: `Nullable<T>`.
    OptionalNullable,
    /// May be absent; absent means the spec's default: `T` with `#[serde(default = …)]`.
    Defaulted,
}

/// A default value, already checked against the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A variant of a string enum: (enum type, variant identifier).
    Variant(TypeId, String),
}

/// A string enum variant.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust identifier.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// An integer enum variant.
#[derive(Debug, Clone)]
pub struct IntVariant {
    /// Rust identifier.
    pub name: String,
    /// The value on the wire.
    pub value: i64,
}

/// A `oneOf`/`anyOf` union.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// Alternatives, in the order they are tried (untagged) or listed (tagged).
    pub variants: Vec<UnionVariant>,
    /// The discriminator, when the spec declares one and every variant is an object.
    pub discriminator: Option<Discriminator>,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust identifier.
    pub name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// Boxed to break a recursive type.
    pub boxed: bool,
}

/// A discriminator property and the tag values that select each variant.
#[derive(Debug, Clone)]
pub struct Discriminator {
    /// The tag property's wire name.
    pub property: String,
    /// (tag value, index into `variants`), in mapping order.
    pub mapping: Vec<(String, usize)>,
}

/// A reference to a type, as used by a field, a parameter or a response.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A named type.
    Named(TypeId),
    /// A built-in type.
    Prim(Prim),
    /// An array.
    Vec(Box<TypeRef>),
    /// A map with string keys.
    Map(Box<TypeRef>),
    /// A nullable item (inside arrays, maps and unions).
    Option(Box<TypeRef>),
}

/// Built-in types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prim {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `chrono::DateTime<Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// base64 bytes (`format: byte`).
    Base64,
    /// A file or binary payload (`format: binary`): an upload part in multipart bodies.
    Binary,
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    /// `null` only.
    Null,
}

/// A resource group (a tag): `client.pipelines()`.
#[derive(Debug, Clone)]
pub struct Group {
    /// The tag as written in the spec.
    pub tag: String,
    /// Module and accessor name (`pipelines`).
    pub module: String,
    /// Handle type name (`Pipelines`).
    pub handle: String,
    /// The tag's description.
    pub doc: Option<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// One operation: a builder, a `send()`, and what it decodes.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (or one derived from method and path).
    pub id: String,
    /// Where it is.
    pub pointer: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// Method name on the group handle.
    pub method_name: String,
    /// Builder type name.
    pub builder: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path template split into literal and parameter pieces.
    pub path_parts: Vec<PathPart>,
    /// Parameters (path, query, header, cookie) in declaration order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What a successful response decodes to.
    pub success: Success,
    /// The per-operation error enum, when the operation declares error responses.
    pub error: Option<ErrorEnum>,
    /// Pagination, when detected.
    pub pagination: Option<Pagination>,
    /// The header that carries an idempotency key, when declared.
    pub idempotency_header: Option<String>,
    /// Whether the operation sends credentials.
    pub authenticated: bool,
    /// A waiter on this operation (from `x-waiter`).
    pub waiter: Option<Waiter>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// Query serialization style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` (the default).
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust identifier (argument or setter name).
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Required parameters are arguments of the handle method; optional ones are setters.
    pub required: bool,
    /// Query style.
    pub style: QueryStyle,
    /// Query explode flag.
    pub explode: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Required bodies are arguments; optional ones are set with `.body(…)`.
    pub required: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// One entry per supported media type; several give an enum the caller chooses from.
    pub variants: Vec<BodyVariant>,
    /// The enum type name when there are several variants.
    pub enum_name: Option<String>,
    /// Setters for the body's optional fields, when the body is a struct whose fields are all
    /// optional (`.variables(v)` instead of `.body(RunRequest { … })`).
    pub field_setters: Vec<BodyFieldSetter>,
}

/// A setter on the builder that fills one field of the body.
#[derive(Debug, Clone)]
pub struct BodyFieldSetter {
    /// Setter name on the builder.
    pub method: String,
    /// The field's Rust name in the body struct.
    pub field: String,
    /// The field's value type.
    pub ty: TypeRef,
    /// Whether the field is `Nullable<T>` rather than `Option<T>`.
    pub tristate: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
}

/// One media type of a request body.
#[derive(Debug, Clone)]
pub struct BodyVariant {
    /// Variant name in the body enum (`Json`, `Form`, `Multipart`, `Bytes`, `Text`).
    pub name: String,
    /// The media type as declared.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
}

/// How a body is encoded.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// JSON of this type.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded` of this type.
    Form(TypeRef),
    /// `multipart/form-data` built from the fields of this struct type.
    Multipart(MultipartBody),
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
}

/// A multipart body: a struct whose fields become parts.
#[derive(Debug, Clone)]
pub struct MultipartBody {
    /// The struct type (generated in the models module).
    pub ty: TypeId,
    /// Parts, in field order.
    pub parts: Vec<MultipartPart>,
}

/// One multipart part.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    /// Field name in the struct.
    pub field: String,
    /// Part name on the wire.
    pub wire: String,
    /// How the part is encoded.
    pub kind: PartKind,
    /// Whether the field is optional in the struct.
    pub optional: bool,
}

/// How a multipart part is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A file upload (`rt::Upload`).
    File,
    /// A list of file uploads.
    Files,
    /// A text part (`Display` of a scalar).
    Text,
    /// A JSON-encoded part.
    Json,
}

/// How a response body is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decode {
    /// JSON into this type.
    Json(TypeRef),
    /// JSON `{"data": T, "meta": …}`; the value is `T`, `meta` is kept on the response.
    Data(TypeRef),
    /// A page of items (see [`Operation::pagination`]).
    Page,
    /// Text.
    Text,
    /// Raw bytes.
    Bytes,
    /// No body.
    Empty,
}

/// A declared response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// An exact code.
    Code(u16),
    /// `1XX` … `5XX`.
    Range(u16),
    /// `default`.
    Default,
}

/// One declared response case.
#[derive(Debug, Clone)]
pub struct ResponseCase {
    /// The status it answers.
    pub status: Status,
    /// Variant name (in the success or error enum).
    pub variant: String,
    /// How the body decodes.
    pub decode: Decode,
    /// Rustdoc text (the response description).
    pub doc: Option<String>,
}

/// What `send()` returns.
#[derive(Debug, Clone)]
pub enum Success {
    /// One shape for every success status.
    Single(ResponseCase),
    /// Several shapes: an enum the caller matches on.
    Enum {
        /// The enum type name.
        name: String,
        /// One case per status.
        cases: Vec<ResponseCase>,
    },
}

/// The per-operation error enum.
#[derive(Debug, Clone)]
pub struct ErrorEnum {
    /// The enum type name.
    pub name: String,
    /// One case per declared error status.
    pub cases: Vec<ResponseCase>,
}

/// How an operation pages.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// JSON pointer of the items array in the body (`""` = the body is the array).
    pub items: String,
    /// The item type.
    pub item: TypeRef,
    /// The `meta` type, when the body has one.
    pub meta: Option<TypeRef>,
    /// How the next page is requested.
    pub style: PageStyle,
}

/// Pagination styles (mirrors the runtime's `PageStyle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// A cursor from the body goes into a query parameter.
    Cursor {
        /// The query parameter.
        param: String,
        /// JSON pointer of the next cursor.
        next: String,
    },
    /// `has_more` plus the last item's id as `starting_after`.
    HasMore {
        /// The query parameter.
        param: String,
        /// JSON pointer of the `has_more` flag.
        has_more: String,
        /// JSON pointer of the id inside an item.
        id: String,
    },
    /// An offset parameter advanced by the number of items.
    Offset {
        /// The offset parameter.
        param: String,
        /// The page size parameter.
        limit_param: Option<String>,
    },
    /// A page number parameter.
    PageNumber {
        /// The page parameter.
        param: String,
        /// The first page's number.
        first: u64,
    },
    /// RFC 8288 `Link: <…>; rel="next"`.
    LinkHeader,
    /// A next-page URL in the body.
    NextUrl {
        /// JSON pointer of the URL.
        next: String,
    },
}

/// A waiter: poll an operation until a terminal status.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Method name on the group handle (`wait_until_run_finished`).
    pub method: String,
    /// JSON pointer of the status in the decoded value.
    pub status: String,
    /// Terminal success values.
    pub success: Vec<String>,
    /// Terminal failure values.
    pub failure: Vec<String>,
}

/// Counts for reports.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Operations.
    pub operations: usize,
    /// Named types.
    pub types: usize,
    /// Paginated operations by style.
    pub paginators: BTreeMap<String, usize>,
}

impl TypeRef {
    /// Calls `f` with every named type this reference mentions.
    pub fn for_each_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) => f(*id),
            TypeRef::Prim(_) => {}
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                inner.for_each_named(f)
            }
        }
    }
}

impl TypeKind {
    /// Every type reference this type holds.
    pub fn refs(&self) -> Vec<&TypeRef> {
        let mut out = Vec::new();
        self.for_each_ref(&mut |r| out.push(r));
        out
    }

    /// Calls `f` with every type reference this type holds, in [`TypeKind::refs`]'s order.
    pub fn for_each_ref<'a>(&'a self, f: &mut impl FnMut(&'a TypeRef)) {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|field| &field.ty)
                .chain(s.additional.iter())
                .for_each(f),
            TypeKind::Union(u) => u.variants.iter().for_each(|v| f(&v.ty)),
            TypeKind::Alias(t) => f(t),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Pending => {}
        }
    }
}

impl Operation {
    /// Every type reference the operation's signature holds: parameters, bodies, responses,
    /// errors and pagination.
    pub fn refs(&self) -> Vec<TypeRef> {
        let mut out: Vec<TypeRef> = self.params.iter().map(|p| p.ty.clone()).collect();
        if let Some(body) = &self.body {
            for v in &body.variants {
                match &v.kind {
                    BodyKind::Json(t) | BodyKind::Form(t) => out.push(t.clone()),
                    BodyKind::Multipart(m) => out.push(TypeRef::Named(m.ty)),
                    BodyKind::Bytes | BodyKind::Text => {}
                }
            }
        }
        let cases: Vec<&ResponseCase> = match &self.success {
            Success::Single(c) => vec![c],
            Success::Enum { cases, .. } => cases.iter().collect(),
        };
        for c in cases
            .into_iter()
            .chain(self.error.iter().flat_map(|e| &e.cases))
        {
            if let Decode::Json(t) | Decode::Data(t) = &c.decode {
                out.push(t.clone());
            }
        }
        if let Some(p) = &self.pagination {
            out.push(p.item.clone());
            out.extend(p.meta.clone());
        }
        out
    }

    /// Calls `f` with every named type the operation's signature refers to (through any
    /// `Vec`, map or `Option`): the named types of [`Operation::refs`], in its order, without
    /// copying the references.
    pub fn for_each_named(&self, f: &mut impl FnMut(TypeId)) {
        for p in &self.params {
            p.ty.for_each_named(f);
        }
        if let Some(body) = &self.body {
            for v in &body.variants {
                match &v.kind {
                    BodyKind::Json(t) | BodyKind::Form(t) => t.for_each_named(f),
                    BodyKind::Multipart(m) => f(m.ty),
                    BodyKind::Bytes | BodyKind::Text => {}
                }
            }
        }
        let success: &[ResponseCase] = match &self.success {
            Success::Single(c) => std::slice::from_ref(c),
            Success::Enum { cases, .. } => cases,
        };
        for c in success
            .iter()
            .chain(self.error.iter().flat_map(|e| &e.cases))
        {
            if let Decode::Json(t) | Decode::Data(t) = &c.decode {
                t.for_each_named(f);
            }
        }
        if let Some(p) = &self.pagination {
            p.item.for_each_named(f);
            if let Some(meta) = &p.meta {
                meta.for_each_named(f);
            }
        }
    }
}

impl Api {
    /// The named type with this id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Summary counts.
    pub fn stats(&self) -> Stats {
        let mut stats = Stats {
            types: self.types.iter().filter(|t| !t.groups.is_empty()).count(),
            ..Stats::default()
        };
        for op in self.groups.iter().flat_map(|g| &g.operations) {
            stats.operations += 1;
            if let Some(p) = &op.pagination {
                let style = match p.style {
                    PageStyle::Cursor { .. } => "cursor",
                    PageStyle::HasMore { .. } => "has_more",
                    PageStyle::Offset { .. } => "offset",
                    PageStyle::PageNumber { .. } => "page number",
                    PageStyle::LinkHeader => "link header",
                    PageStyle::NextUrl { .. } => "next url",
                };
                *stats.paginators.entry(style.to_string()).or_default() += 1;
            }
        }
        stats
    }
}
