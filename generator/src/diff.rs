//! What changed between two versions of an API, in terms of the client crate generated from it.
//!
//! Both specs are lowered with [`Generator::generate`](crate::Generator::generate) and the two
//! [`ir::Api`](crate::ir::Api)s are walked side by side: operations are matched by operation id, parameters by
//! location and wire name, types by their Rust name, fields by wire name, enum values by value,
//! response cases by status. Each difference is a [`Change`] with an [`Impact`]:
//!
//! - **breaking**: code written against the old crate may stop compiling or may see different
//!   types or values: a removed operation, parameter, field, type or enum value; a new required
//!   parameter, body or request-struct field (`Type::new` takes another argument); any type change;
//!   a field whose presence changes its Rust type (`Option<T>` ↔ `T`); an operation moved to
//!   another method or path (matched by id, so users of the old crate call an endpoint that no
//!   longer answers); a new success status (the success enum is exhaustive); a new union variant
//!   in a response type (unions are exhaustive).
//! - **additive**: code written against the old crate keeps compiling and working: new operations,
//!   types, optional parameters and fields, enum values (enums are `#[non_exhaustive]` with an
//!   `Unknown` variant), error statuses (error enums are `#[non_exhaustive]`), security schemes,
//!   a new required field in a response-only type (users read those, the client builds them),
//!   deprecations, and wire-level changes the Rust API does not show (parameter encoding, default
//!   server, idempotency header, pagination style, field defaults).
//! - **docs**: summaries, descriptions, the API's title and version, the list of servers.
//!
//! [`ApiDiff::bump`] turns the worst impact into a semver bump relative to the crate's current
//! version, with cargo's meaning of versions before 1.0 (`0.y.z`: breaking bumps `y`, anything
//! else bumps `z`; `0.0.z`: everything bumps `z`).

use crate::error::push_pointer;
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, Decode, DefaultValue, Field, Operation, PageStyle, Param,
    ParamLocation, Presence, Prim, ResponseCase, Status, Success, TypeDef, TypeKind, TypeRef,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// How much a change matters to users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Documentation only.
    Docs,
    /// Compatible: old code keeps compiling and working.
    Additive,
    /// Old code may stop compiling or see different types or values.
    Breaking,
}

impl Impact {
    /// `breaking`, `additive` or `docs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Docs => "docs",
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! change_kinds {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// What kind of thing changed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum ChangeKind {
            $(#[doc = $doc] $variant,)*
        }

        impl ChangeKind {
            /// The snake-case name used in JSON output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ChangeKind::$variant => $name,)*
                }
            }
        }
    };
}

change_kinds! {
    ApiInfo => "api_info", "The API's title, version or description.";
    ServerAdded => "server_added", "A server was declared.";
    ServerRemoved => "server_removed", "A server was removed.";
    DefaultServerChanged => "default_server_changed", "The client's default base URL.";
    SecuritySchemeAdded => "security_scheme_added", "A way to authenticate was added.";
    SecuritySchemeRemoved => "security_scheme_removed", "A way to authenticate was removed.";
    ErrorCodeChanged => "error_code_changed", "The type of the error envelope's code.";
    GroupDocs => "group_docs", "A resource group's (tag's) description.";
    OperationAdded => "operation_added", "A new operation.";
    OperationRemoved => "operation_removed", "An operation was removed.";
    OperationMoved => "operation_moved", "An operation's HTTP method or path.";
    OperationRenamed => "operation_renamed", "An operation's accessor, method or builder name.";
    OperationDeprecated => "operation_deprecated", "An operation's `deprecated` flag.";
    OperationDocs => "operation_docs", "An operation's summary or description.";
    AuthenticationChanged => "authentication_changed", "Whether an operation sends credentials.";
    ParameterAdded => "parameter_added", "A new parameter.";
    ParameterRemoved => "parameter_removed", "A parameter was removed.";
    ParameterRequiredChanged => "parameter_required_changed", "A parameter became required or optional.";
    ParameterTypeChanged => "parameter_type_changed", "A parameter's type.";
    ParameterRenamed => "parameter_renamed", "A parameter's Rust name.";
    ParameterEncodingChanged => "parameter_encoding_changed", "A query parameter's style or explode flag.";
    ParameterDeprecated => "parameter_deprecated", "A parameter's `deprecated` flag.";
    ParameterDocs => "parameter_docs", "A parameter's description.";
    BodyAdded => "body_added", "An operation now takes a request body.";
    BodyRemoved => "body_removed", "An operation no longer takes a request body.";
    BodyRequiredChanged => "body_required_changed", "A request body became required or optional.";
    BodyTypeChanged => "body_type_changed", "A request body's type or media types.";
    BodyMediaTypeAdded => "body_media_type_added", "A request body accepts another media type.";
    BodyMediaTypeRemoved => "body_media_type_removed", "A request body media type was removed.";
    BodySetterAdded => "body_setter_added", "A builder setter for a body field.";
    BodySetterRemoved => "body_setter_removed", "A builder setter for a body field was removed.";
    BodyDocs => "body_docs", "A request body's description.";
    ResponseTypeChanged => "response_type_changed", "What `send()` returns.";
    ResponseAdded => "response_added", "A new success status.";
    ResponseRemoved => "response_removed", "A success status was removed.";
    ResponseDocs => "response_docs", "A response's description.";
    ErrorTypeChanged => "error_type_changed", "An operation's error type or an error case's body.";
    ErrorResponseAdded => "error_response_added", "A new documented error status.";
    ErrorResponseRemoved => "error_response_removed", "A documented error status was removed.";
    PaginationAdded => "pagination_added", "An operation became paginated.";
    PaginationRemoved => "pagination_removed", "An operation is no longer paginated.";
    PaginationChanged => "pagination_changed", "How an operation pages.";
    IdempotencyChanged => "idempotency_changed", "An operation's idempotency-key header.";
    WaiterAdded => "waiter_added", "A waiter on an operation.";
    WaiterRemoved => "waiter_removed", "A waiter was removed.";
    WaiterChanged => "waiter_changed", "A waiter's status pointer or terminal values.";
    TypeAdded => "type_added", "A new model type.";
    TypeRemoved => "type_removed", "A model type was removed.";
    TypeKindChanged => "type_kind_changed", "A type changed shape (struct, enum, union, alias).";
    TypeNullabilityChanged => "type_nullability_changed", "Whether references to a type admit null.";
    TypeDeprecated => "type_deprecated", "A type's `deprecated` flag.";
    TypeDocs => "type_docs", "A type's description.";
    FieldAdded => "field_added", "A new struct field.";
    FieldRemoved => "field_removed", "A struct field was removed.";
    FieldTypeChanged => "field_type_changed", "A field's type.";
    FieldPresenceChanged => "field_presence_changed", "A field became required, optional or nullable.";
    FieldRenamed => "field_renamed", "A field's Rust name.";
    FieldDefaultChanged => "field_default_changed", "A field's default value.";
    FieldDeprecated => "field_deprecated", "A field's `deprecated` flag.";
    FieldDocs => "field_docs", "A field's description.";
    AdditionalPropertiesChanged => "additional_properties_changed", "A struct's `additionalProperties`.";
    EnumValueAdded => "enum_value_added", "A new enum value.";
    EnumValueRemoved => "enum_value_removed", "An enum value was removed.";
    EnumVariantRenamed => "enum_variant_renamed", "An enum value's Rust variant name.";
    UnionVariantAdded => "union_variant_added", "A new alternative of a union.";
    UnionVariantRemoved => "union_variant_removed", "An alternative of a union was removed.";
    UnionVariantChanged => "union_variant_changed", "The type of an alternative of a union.";
    DiscriminatorChanged => "discriminator_changed", "A union's discriminator property or tags.";
    AliasChanged => "alias_changed", "What a type alias names.";
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of thing changed.
    pub kind: ChangeKind,
    /// How much it matters.
    pub impact: Impact,
    /// What changed, in terms of the client: `` operation `getRun` (GET /runs/{id}) ``,
    /// `` type `Run`, field `status` ``.
    pub location: String,
    /// Where in the spec: a JSON pointer into the new spec (into the old one for removals).
    pub pointer: String,
    /// What happened, in a sentence.
    pub message: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}\n    --> {}",
            self.impact, self.location, self.message, self.pointer
        )
    }
}

/// A semantic version `MAJOR.MINOR.PATCH` (pre-release and build suffixes are not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Incompatible changes (from 1.0 on).
    pub major: u64,
    /// Compatible additions (from 1.0 on); incompatible changes before 1.0.
    pub minor: u64,
    /// Fixes; compatible additions before 1.0.
    pub patch: u64,
}

impl Version {
    /// `major.minor.patch`.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// This version bumped.
    #[must_use]
    pub fn bumped(self, bump: Bump) -> Self {
        match bump {
            Bump::None => self,
            Bump::Patch => Self::new(self.major, self.minor, self.patch + 1),
            Bump::Minor => Self::new(self.major, self.minor + 1, 0),
            Bump::Major => Self::new(self.major + 1, 0, 0),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        let numbers: Option<Vec<u64>> = match parts.as_slice() {
            [_, _, _] => parts
                .iter()
                .map(|p| {
                    (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| p.parse().ok())
                        .flatten()
                })
                .collect(),
            _ => None,
        };
        match numbers.as_deref() {
            Some(&[major, minor, patch]) => Ok(Self::new(major, minor, patch)),
            _ => Err(format!(
                "`{s}` is not a version of the form MAJOR.MINOR.PATCH (pre-release versions are not supported)"
            )),
        }
    }
}

/// Which part of the version a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Bump {
    /// The bump `impact` calls for on a crate at `current`, with cargo's meaning of versions
    /// before 1.0: in `0.y.z` a breaking change bumps `y` and anything else `z`; in `0.0.z`
    /// everything bumps `z`.
    pub fn for_impact(impact: Option<Impact>, current: Version) -> Bump {
        match (impact, current.major, current.minor) {
            (None, _, _) => Bump::None,
            (Some(_), 0, 0) => Bump::Patch,
            (Some(Impact::Breaking), 0, _) => Bump::Minor,
            (Some(_), 0, _) => Bump::Patch,
            (Some(Impact::Breaking), _, _) => Bump::Major,
            (Some(Impact::Additive), _, _) => Bump::Minor,
            (Some(Impact::Docs), _, _) => Bump::Patch,
        }
    }

    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every change between two versions of an API, breaking ones first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// The changes, breaking first, then additive, then docs; in spec order within each.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// The worst impact, `None` when nothing changed.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// How many changes have `impact`.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// The bump these changes call for on a crate at `current` (see [`Bump::for_impact`]).
    pub fn bump(&self, current: Version) -> Bump {
        Bump::for_impact(self.impact(), current)
    }

    /// `2 breaking, 1 additive, 0 docs` — or `no changes`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no changes".to_string();
        }
        format!(
            "{} breaking, {} additive, {} docs",
            self.count(Impact::Breaking),
            self.count(Impact::Additive),
            self.count(Impact::Docs)
        )
    }

    /// The human-readable report: one entry per change, then the summary and the bump.
    pub fn render_text(&self, current: Version) -> String {
        let mut out = String::new();
        for c in &self.changes {
            out.push_str(&c.to_string());
            out.push('\n');
        }
        if !self.changes.is_empty() {
            out.push('\n');
        }
        let bump = self.bump(current);
        out.push_str(&self.summary());
        out.push('\n');
        out.push_str(&format!(
            "bump: {bump} ({current} -> {})\n",
            current.bumped(bump)
        ));
        out
    }

    /// The machine-readable report: `{"changes": [{kind, severity, location, pointer,
    /// message}], "summary": {..}, "current_version", "next_version", "bump"}`.
    pub fn to_json(&self, current: Version) -> serde_json::Value {
        let bump = self.bump(current);
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "kind": c.kind.as_str(),
                    "severity": c.impact.as_str(),
                    "location": c.location,
                    "pointer": c.pointer,
                    "message": c.message,
                })
            })
            .collect();
        serde_json::json!({
            "changes": changes,
            "summary": {
                "breaking": self.count(Impact::Breaking),
                "additive": self.count(Impact::Additive),
                "docs": self.count(Impact::Docs),
            },
            "current_version": current.to_string(),
            "next_version": current.bumped(bump).to_string(),
            "bump": bump.as_str(),
        })
    }
}

/// Compares two lowered APIs.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    let mut d = Differ {
        old,
        new,
        old_uses: Uses::of(old),
        new_uses: Uses::of(new),
        changes: Vec::new(),
    };
    d.info();
    d.security();
    d.operations();
    d.types();
    let mut changes = d.changes;
    changes.sort_by_key(|c| std::cmp::Reverse(c.impact));
    ApiDiff { changes }
}

/// Which named types appear in requests (parameters, bodies) and in responses.
struct Uses {
    inputs: BTreeSet<String>,
    outputs: BTreeSet<String>,
}

impl Uses {
    fn of(api: &Api) -> Self {
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for op in api.groups.iter().flat_map(|g| &g.operations) {
            inputs.extend(op.params.iter().map(|p| p.ty.clone()));
            if let Some(body) = &op.body {
                for v in &body.variants {
                    match &v.kind {
                        BodyKind::Json(t) | BodyKind::Form(t) => inputs.push(t.clone()),
                        BodyKind::Multipart(m) => inputs.push(TypeRef::Named(m.ty)),
                        BodyKind::Bytes | BodyKind::Text => {}
                    }
                }
            }
            let cases: Vec<&ResponseCase> = match &op.success {
                Success::Single(c) => vec![c],
                Success::Enum { cases, .. } => cases.iter().collect(),
            };
            let errors = op.error.iter().flat_map(|e| &e.cases);
            for c in cases.into_iter().chain(errors) {
                if let Decode::Json(t) | Decode::Data(t) = &c.decode {
                    outputs.push(t.clone());
                }
            }
            if let Some(p) = &op.pagination {
                outputs.push(p.item.clone());
                outputs.extend(p.meta.clone());
            }
        }
        Self {
            inputs: reachable(api, inputs),
            outputs: reachable(api, outputs),
        }
    }

    fn is_input(&self, name: &str) -> bool {
        self.inputs.contains(name)
    }

    fn is_output(&self, name: &str) -> bool {
        self.outputs.contains(name)
    }
}

/// The names of every named type reachable from `roots`.
fn reachable(api: &Api, roots: Vec<TypeRef>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(t) = stack.pop() {
        match t {
            TypeRef::Named(id) => {
                if !seen.insert(id) {
                    continue;
                }
                match &api.ty(id).kind {
                    TypeKind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| f.ty.clone()));
                        stack.extend(s.additional.clone());
                    }
                    TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                    TypeKind::Alias(t) => stack.push(t.clone()),
                    TypeKind::Pending | TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                stack.push(*inner);
            }
            TypeRef::Prim(_) => {}
        }
    }
    seen.into_iter().map(|id| api.ty(id).name.clone()).collect()
}

/// A type as the generated Rust spells it (models-relative), for comparing across APIs.
fn render(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Named(id) => api.ty(*id).name.clone(),
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "bool",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::U32 => "u32",
            Prim::U64 => "u64",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
            Prim::DateTime => "DateTime<Utc>",
            Prim::Date => "NaiveDate",
            Prim::Uuid => "Uuid",
            Prim::Base64 => "Base64Bytes",
            Prim::Binary => "Upload",
            Prim::Json => "serde_json::Value",
            Prim::JsonObject => "serde_json::Map<String, Value>",
            Prim::Null => "()",
        }
        .to_string(),
        TypeRef::Vec(inner) => format!("Vec<{}>", render(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", render(api, inner)),
        TypeRef::Option(inner) => format!("Option<{}>", render(api, inner)),
    }
}

/// A field's Rust type, with the wrapper its presence adds.
fn field_type(api: &Api, f: &Field) -> String {
    let inner = render(api, &f.ty);
    let inner = if f.boxed {
        format!("Box<{inner}>")
    } else {
        inner
    };
    match f.presence {
        Presence::Required | Presence::Defaulted => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("Nullable<{inner}>"),
    }
}

fn presence_name(p: Presence) -> &'static str {
    match p {
        Presence::Required => "required",
        Presence::RequiredNullable => "required and nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional and nullable",
        Presence::Defaulted => "optional with a default",
    }
}

/// Whether the field is an argument of the struct's `new`.
fn in_constructor(p: Presence) -> bool {
    matches!(p, Presence::Required | Presence::RequiredNullable)
}

fn decode_type(api: &Api, d: &Decode, op: &Operation) -> String {
    match d {
        Decode::Json(t) | Decode::Data(t) => render(api, t),
        Decode::Page => match &op.pagination {
            Some(p) => format!("Page<{}>", render(api, &p.item)),
            None => "Page".to_string(),
        },
        Decode::Text => "String".to_string(),
        Decode::Bytes => "Bytes".to_string(),
        Decode::Empty => "()".to_string(),
    }
}

fn success_type(api: &Api, op: &Operation) -> String {
    match &op.success {
        Success::Single(c) => decode_type(api, &c.decode, op),
        Success::Enum { name, .. } => name.clone(),
    }
}

fn status_str(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(r) => format!("{r}XX"),
        Status::Default => "default".to_string(),
    }
}

fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn auth_name(a: &AuthScheme) -> String {
    match a {
        AuthScheme::Bearer => "bearer token".to_string(),
        AuthScheme::Basic => "basic auth".to_string(),
        AuthScheme::ApiKeyHeader(h) => format!("API key in header `{h}`"),
        AuthScheme::ApiKeyQuery(q) => format!("API key in query parameter `{q}`"),
        AuthScheme::ApiKeyCookie(c) => format!("API key in cookie `{c}`"),
    }
}

fn page_style(s: &PageStyle) -> String {
    match s {
        PageStyle::Cursor { param, next } => format!("cursor `{param}` from `{next}`"),
        PageStyle::HasMore {
            param,
            has_more,
            id,
        } => format!("`{param}` after `{id}` while `{has_more}`"),
        PageStyle::Offset { param, limit_param } => match limit_param {
            Some(l) => format!("offset `{param}` with limit `{l}`"),
            None => format!("offset `{param}`"),
        },
        PageStyle::PageNumber { param, first } => format!("page number `{param}` from {first}"),
        PageStyle::LinkHeader => "Link header".to_string(),
        PageStyle::NextUrl { next } => format!("next URL at `{next}`"),
    }
}

fn default_str(api: &Api, d: &Option<DefaultValue>) -> String {
    match d {
        None => "none".to_string(),
        Some(DefaultValue::Bool(b)) => b.to_string(),
        Some(DefaultValue::Int(i)) => i.to_string(),
        Some(DefaultValue::Float(f)) => f.to_string(),
        Some(DefaultValue::Str(s)) => format!("{s:?}"),
        Some(DefaultValue::Variant(id, v)) => format!("{}::{v}", api.ty(*id).name),
    }
}

fn body_kind(api: &Api, k: &BodyKind) -> String {
    match k {
        BodyKind::Json(t) => format!("JSON {}", render(api, t)),
        BodyKind::Form(t) => format!("form {}", render(api, t)),
        BodyKind::Multipart(m) => format!("multipart {}", api.ty(m.ty).name),
        BodyKind::Bytes => "bytes".to_string(),
        BodyKind::Text => "text".to_string(),
    }
}

/// The Rust type of the body argument or `.body(…)` setter.
fn body_type(api: &Api, b: &Body) -> String {
    match (&b.enum_name, b.variants.as_slice()) {
        (Some(name), _) => name.clone(),
        (None, [v]) => body_kind(api, &v.kind),
        (None, _) => "no body".to_string(),
    }
}

fn opt_text(s: &Option<String>) -> &str {
    s.as_deref().map(str::trim).unwrap_or("")
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    old_uses: Uses,
    new_uses: Uses,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn push(
        &mut self,
        kind: ChangeKind,
        impact: Impact,
        location: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            kind,
            impact,
            location: location.into(),
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    fn info(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.title != new.title {
            self.push(
                ChangeKind::ApiInfo,
                Impact::Docs,
                "API",
                "#/info/title",
                format!("title `{}` -> `{}`", old.title, new.title),
            );
        }
        if old.version != new.version {
            self.push(
                ChangeKind::ApiInfo,
                Impact::Docs,
                "API",
                "#/info/version",
                format!("API version {} -> {}", old.version, new.version),
            );
        }
        if opt_text(&old.description) != opt_text(&new.description) {
            self.push(
                ChangeKind::ApiInfo,
                Impact::Docs,
                "API",
                "#/info/description",
                "description changed",
            );
        }
        if old.default_base_url != new.default_base_url {
            let show = |u: &Option<String>| u.clone().unwrap_or_else(|| "none".to_string());
            self.push(
                ChangeKind::DefaultServerChanged,
                Impact::Additive,
                "client",
                "#/servers/0",
                format!(
                    "default base URL {} -> {}",
                    show(&old.default_base_url),
                    show(&new.default_base_url)
                ),
            );
        }
        for s in &new.servers {
            if !old.servers.contains(s) {
                self.push(
                    ChangeKind::ServerAdded,
                    Impact::Docs,
                    "servers",
                    "#/servers",
                    format!("server `{s}` added"),
                );
            }
        }
        for s in &old.servers {
            if !new.servers.contains(s) {
                self.push(
                    ChangeKind::ServerRemoved,
                    Impact::Docs,
                    "servers",
                    "#/servers",
                    format!("server `{s}` removed"),
                );
            }
        }
        let groups_old: BTreeMap<&str, &Option<String>> = old
            .groups
            .iter()
            .map(|g| (g.module.as_str(), &g.doc))
            .collect();
        for g in &new.groups {
            if let Some(doc) = groups_old.get(g.module.as_str()) {
                if opt_text(doc) != opt_text(&g.doc) {
                    self.push(
                        ChangeKind::GroupDocs,
                        Impact::Docs,
                        format!("resource `{}`", g.module),
                        "#/tags",
                        "description changed",
                    );
                }
            }
        }
    }

    fn security(&mut self) {
        let (old, new) = (self.old, self.new);
        for a in &new.auth {
            if !old.auth.contains(a) {
                self.push(
                    ChangeKind::SecuritySchemeAdded,
                    Impact::Additive,
                    "client authentication",
                    "#/components/securitySchemes",
                    format!("{} added", auth_name(a)),
                );
            }
        }
        for a in &old.auth {
            if !new.auth.contains(a) {
                self.push(
                    ChangeKind::SecuritySchemeRemoved,
                    Impact::Breaking,
                    "client authentication",
                    "#/components/securitySchemes",
                    format!("{} removed", auth_name(a)),
                );
            }
        }
        let code = |api: &Api| api.error_code.as_ref().map(|c| api.ty(c.ty).name.clone());
        let (was, is) = (code(old), code(new));
        if was != is {
            let impact = if was.is_none() {
                Impact::Additive
            } else {
                Impact::Breaking
            };
            let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "untyped".to_string());
            self.push(
                ChangeKind::ErrorCodeChanged,
                impact,
                "error envelope",
                "#/components/schemas",
                format!("error code type {} -> {}", show(&was), show(&is)),
            );
        }
    }

    fn operations(&mut self) {
        let old_ops = all_operations(self.old);
        let new_ops = all_operations(self.new);
        let old_by_id: BTreeMap<&str, &(String, Operation)> =
            old_ops.iter().map(|e| (e.1.id.as_str(), e)).collect();
        let new_ids: BTreeSet<&str> = new_ops.iter().map(|e| e.1.id.as_str()).collect();
        for (group, op) in &old_ops {
            if !new_ids.contains(op.id.as_str()) {
                self.push(
                    ChangeKind::OperationRemoved,
                    Impact::Breaking,
                    op_location(op),
                    &op.pointer,
                    format!(
                        "operation removed: `client.{group}().{}()` is gone",
                        op.method_name
                    ),
                );
            }
        }
        for (group, op) in &new_ops {
            match old_by_id.get(op.id.as_str()) {
                None => self.push(
                    ChangeKind::OperationAdded,
                    Impact::Additive,
                    op_location(op),
                    &op.pointer,
                    format!("new operation `client.{group}().{}()`", op.method_name),
                ),
                Some((old_group, old_op)) => {
                    self.operation((old_group, old_op), (group, op));
                }
            }
        }
    }

    fn operation(&mut self, (og, o): (&str, &Operation), (ng, n): (&str, &Operation)) {
        let loc = op_location(n);
        let ptr = n.pointer.as_str();
        if o.method != n.method || o.path != n.path {
            self.push(
                ChangeKind::OperationMoved,
                Impact::Breaking,
                &loc,
                ptr,
                format!(
                    "moved from {} {} to {} {}",
                    o.method, o.path, n.method, n.path
                ),
            );
        }
        if og != ng || o.method_name != n.method_name {
            self.push(
                ChangeKind::OperationRenamed,
                Impact::Breaking,
                &loc,
                ptr,
                format!(
                    "`client.{og}().{}()` is now `client.{ng}().{}()`",
                    o.method_name, n.method_name
                ),
            );
        }
        if o.builder != n.builder {
            self.push(
                ChangeKind::OperationRenamed,
                Impact::Breaking,
                &loc,
                ptr,
                format!("builder type `{}` renamed to `{}`", o.builder, n.builder),
            );
        }
        if o.deprecated != n.deprecated {
            self.push(
                ChangeKind::OperationDeprecated,
                Impact::Additive,
                &loc,
                ptr,
                if n.deprecated {
                    "deprecated"
                } else {
                    "no longer deprecated"
                },
            );
        }
        if opt_text(&o.summary) != opt_text(&n.summary) {
            self.push(
                ChangeKind::OperationDocs,
                Impact::Docs,
                &loc,
                ptr,
                "summary changed",
            );
        }
        if opt_text(&o.description) != opt_text(&n.description) {
            self.push(
                ChangeKind::OperationDocs,
                Impact::Docs,
                &loc,
                ptr,
                "description changed",
            );
        }
        if o.authenticated != n.authenticated {
            self.push(
                ChangeKind::AuthenticationChanged,
                Impact::Additive,
                &loc,
                push_pointer(ptr, "security"),
                if n.authenticated {
                    "now sends credentials"
                } else {
                    "no longer sends credentials"
                },
            );
        }
        self.params(o, n, &loc);
        self.body(o, n, &loc);
        self.responses(o, n, &loc);
        self.conventions(o, n, &loc);
    }

    fn params(&mut self, o: &Operation, n: &Operation, loc: &str) {
        let key = |p: &Param| (location_name(p.location), p.wire.clone());
        let old: BTreeMap<_, &Param> = o.params.iter().map(|p| (key(p), p)).collect();
        let new: BTreeMap<_, &Param> = n.params.iter().map(|p| (key(p), p)).collect();
        let ptr = push_pointer(&n.pointer, "parameters");
        for p in &o.params {
            if !new.contains_key(&key(p)) {
                self.push(
                    ChangeKind::ParameterRemoved,
                    Impact::Breaking,
                    param_location(loc, p),
                    push_pointer(&o.pointer, "parameters"),
                    format!(
                        "parameter removed (the `{}` {} is gone)",
                        p.name,
                        if p.required { "argument" } else { "setter" }
                    ),
                );
            }
        }
        for p in &n.params {
            let ploc = param_location(loc, p);
            let Some(op) = old.get(&key(p)) else {
                if p.required {
                    self.push(
                        ChangeKind::ParameterAdded,
                        Impact::Breaking,
                        ploc,
                        &ptr,
                        format!(
                            "new required parameter: the method takes another argument `{}: {}`",
                            p.name,
                            render(self.new, &p.ty)
                        ),
                    );
                } else {
                    self.push(
                        ChangeKind::ParameterAdded,
                        Impact::Additive,
                        ploc,
                        &ptr,
                        format!(
                            "new optional parameter: setter `.{}({})`",
                            p.name,
                            render(self.new, &p.ty)
                        ),
                    );
                }
                continue;
            };
            if op.required != p.required {
                self.push(
                    ChangeKind::ParameterRequiredChanged,
                    Impact::Breaking,
                    &ploc,
                    &ptr,
                    if p.required {
                        "now required: a method argument instead of a setter"
                    } else {
                        "now optional: a setter instead of a method argument"
                    },
                );
            }
            let (ot, nt) = (render(self.old, &op.ty), render(self.new, &p.ty));
            if ot != nt {
                self.push(
                    ChangeKind::ParameterTypeChanged,
                    Impact::Breaking,
                    &ploc,
                    &ptr,
                    format!("type `{ot}` -> `{nt}`"),
                );
            }
            if op.name != p.name {
                self.push(
                    ChangeKind::ParameterRenamed,
                    Impact::Breaking,
                    &ploc,
                    &ptr,
                    format!("Rust name `{}` -> `{}`", op.name, p.name),
                );
            }
            if op.style != p.style || op.explode != p.explode {
                self.push(
                    ChangeKind::ParameterEncodingChanged,
                    Impact::Additive,
                    &ploc,
                    &ptr,
                    format!(
                        "serialized differently ({:?}, explode {} -> {:?}, explode {})",
                        op.style, op.explode, p.style, p.explode
                    ),
                );
            }
            if op.deprecated != p.deprecated {
                self.push(
                    ChangeKind::ParameterDeprecated,
                    Impact::Additive,
                    &ploc,
                    &ptr,
                    if p.deprecated {
                        "deprecated"
                    } else {
                        "no longer deprecated"
                    },
                );
            }
            if opt_text(&op.doc) != opt_text(&p.doc) {
                self.push(
                    ChangeKind::ParameterDocs,
                    Impact::Docs,
                    &ploc,
                    &ptr,
                    "description changed",
                );
            }
        }
    }

    fn body(&mut self, o: &Operation, n: &Operation, loc: &str) {
        let loc = format!("{loc}, request body");
        let ptr = push_pointer(&n.pointer, "requestBody");
        let (ob, nb) = match (&o.body, &n.body) {
            (None, None) => return,
            (Some(_), None) => {
                self.push(
                    ChangeKind::BodyRemoved,
                    Impact::Breaking,
                    loc,
                    push_pointer(&o.pointer, "requestBody"),
                    "request body removed",
                );
                return;
            }
            (None, Some(b)) => {
                let (impact, what) = if b.required {
                    (
                        Impact::Breaking,
                        "new required request body: the method takes another argument",
                    )
                } else {
                    (Impact::Additive, "new optional request body: `.body(…)`")
                };
                self.push(
                    ChangeKind::BodyAdded,
                    impact,
                    loc,
                    ptr,
                    format!("{what} ({})", body_type(self.new, b)),
                );
                return;
            }
            (Some(ob), Some(nb)) => (ob, nb),
        };
        if ob.required != nb.required {
            self.push(
                ChangeKind::BodyRequiredChanged,
                Impact::Breaking,
                &loc,
                &ptr,
                if nb.required {
                    "now required: a method argument instead of `.body(…)`"
                } else {
                    "now optional: `.body(…)` instead of a method argument"
                },
            );
        }
        let (ot, nt) = (body_type(self.old, ob), body_type(self.new, nb));
        let shape_changed = ob.enum_name.is_some() != nb.enum_name.is_some()
            || (ob.enum_name.is_some() && ot != nt)
            || (ob.variants.len() == 1 && nb.variants.len() == 1 && ot != nt);
        if shape_changed {
            self.push(
                ChangeKind::BodyTypeChanged,
                Impact::Breaking,
                &loc,
                &ptr,
                format!("body type `{ot}` -> `{nt}`"),
            );
        }
        let old_media: BTreeMap<&str, String> = ob
            .variants
            .iter()
            .map(|v| (v.media_type.as_str(), body_kind(self.old, &v.kind)))
            .collect();
        let new_media: BTreeMap<&str, String> = nb
            .variants
            .iter()
            .map(|v| (v.media_type.as_str(), body_kind(self.new, &v.kind)))
            .collect();
        for (media, kind) in &old_media {
            match new_media.get(media) {
                None => self.push(
                    ChangeKind::BodyMediaTypeRemoved,
                    Impact::Breaking,
                    &loc,
                    &ptr,
                    format!("media type `{media}` no longer accepted"),
                ),
                Some(nk) if nk != kind && !shape_changed => self.push(
                    ChangeKind::BodyTypeChanged,
                    Impact::Breaking,
                    &loc,
                    &ptr,
                    format!("`{media}` body `{kind}` -> `{nk}`"),
                ),
                Some(_) => {}
            }
        }
        for media in new_media.keys() {
            if !old_media.contains_key(media) {
                self.push(
                    ChangeKind::BodyMediaTypeAdded,
                    if shape_changed {
                        Impact::Breaking
                    } else {
                        Impact::Additive
                    },
                    &loc,
                    &ptr,
                    format!("media type `{media}` accepted"),
                );
            }
        }
        let setters = |api: &Api, b: &Body| -> BTreeMap<String, String> {
            b.field_setters
                .iter()
                .map(|s| (s.method.clone(), render(api, &s.ty)))
                .collect()
        };
        let (os, ns) = (setters(self.old, ob), setters(self.new, nb));
        for (m, t) in &os {
            match ns.get(m) {
                None => self.push(
                    ChangeKind::BodySetterRemoved,
                    Impact::Breaking,
                    &loc,
                    &ptr,
                    format!("builder setter `.{m}(…)` removed"),
                ),
                Some(nt) if nt != t => self.push(
                    ChangeKind::BodyTypeChanged,
                    Impact::Breaking,
                    &loc,
                    &ptr,
                    format!("builder setter `.{m}(…)` takes `{nt}` instead of `{t}`"),
                ),
                Some(_) => {}
            }
        }
        for (m, t) in &ns {
            if !os.contains_key(m) {
                self.push(
                    ChangeKind::BodySetterAdded,
                    Impact::Additive,
                    &loc,
                    &ptr,
                    format!("new builder setter `.{m}({t})`"),
                );
            }
        }
        if opt_text(&ob.doc) != opt_text(&nb.doc) {
            self.push(
                ChangeKind::BodyDocs,
                Impact::Docs,
                &loc,
                &ptr,
                "description changed",
            );
        }
    }

    fn responses(&mut self, o: &Operation, n: &Operation, loc: &str) {
        let responses = push_pointer(&n.pointer, "responses");
        let (ot, nt) = (success_type(self.old, o), success_type(self.new, n));
        if ot != nt
            || matches!(o.success, Success::Single(_)) != matches!(n.success, Success::Single(_))
        {
            self.push(
                ChangeKind::ResponseTypeChanged,
                Impact::Breaking,
                loc,
                &responses,
                format!("`send()` returns `{nt}` instead of `{ot}`"),
            );
        } else if let (Success::Enum { cases: oc, .. }, Success::Enum { cases: nc, .. }) =
            (&o.success, &n.success)
        {
            self.cases(o, n, oc, nc, loc, false);
        }
        let docs = |s: &Success| -> BTreeMap<Status, String> {
            match s {
                Success::Single(c) => [(c.status, opt_text(&c.doc).to_string())].into(),
                Success::Enum { cases, .. } => cases
                    .iter()
                    .map(|c| (c.status, opt_text(&c.doc).to_string()))
                    .collect(),
            }
        };
        let (od, nd) = (docs(&o.success), docs(&n.success));
        for (status, doc) in &nd {
            if od.get(status).is_some_and(|d| d != doc) {
                self.push(
                    ChangeKind::ResponseDocs,
                    Impact::Docs,
                    format!("{loc}, response {}", status_str(*status)),
                    push_pointer(&responses, &status_str(*status)),
                    "description changed",
                );
            }
        }
        match (&o.error, &n.error) {
            (None, None) => {}
            (Some(e), None) => self.push(
                ChangeKind::ErrorTypeChanged,
                Impact::Breaking,
                loc,
                &responses,
                format!(
                    "no documented error responses any more: errors are `Error<NoTypedError>` instead of `Error<{}>`",
                    e.name
                ),
            ),
            (None, Some(e)) => self.push(
                ChangeKind::ErrorTypeChanged,
                Impact::Breaking,
                loc,
                &responses,
                format!(
                    "documented error responses: errors are `Error<{}>` instead of `Error<NoTypedError>`",
                    e.name
                ),
            ),
            (Some(oe), Some(ne)) => {
                if oe.name != ne.name {
                    self.push(
                        ChangeKind::ErrorTypeChanged,
                        Impact::Breaking,
                        loc,
                        &responses,
                        format!("error type `{}` renamed to `{}`", oe.name, ne.name),
                    );
                }
                self.cases(o, n, &oe.cases, &ne.cases, loc, true);
            }
        }
    }

    /// Compares the cases of a success enum (exhaustive) or an error enum (non-exhaustive).
    fn cases(
        &mut self,
        o: &Operation,
        n: &Operation,
        old: &[ResponseCase],
        new: &[ResponseCase],
        loc: &str,
        errors: bool,
    ) {
        let responses = push_pointer(&n.pointer, "responses");
        let old_by: BTreeMap<Status, &ResponseCase> = old.iter().map(|c| (c.status, c)).collect();
        let new_by: BTreeMap<Status, &ResponseCase> = new.iter().map(|c| (c.status, c)).collect();
        let what = if errors { "error" } else { "success" };
        for (status, c) in &old_by {
            if !new_by.contains_key(status) {
                self.push(
                    if errors {
                        ChangeKind::ErrorResponseRemoved
                    } else {
                        ChangeKind::ResponseRemoved
                    },
                    Impact::Breaking,
                    format!("{loc}, response {}", status_str(*status)),
                    push_pointer(&push_pointer(&o.pointer, "responses"), &status_str(*status)),
                    format!("{what} status removed (variant `{}` is gone)", c.variant),
                );
            }
        }
        for (status, c) in &new_by {
            let cloc = format!("{loc}, response {}", status_str(*status));
            let cptr = push_pointer(&responses, &status_str(*status));
            let Some(oc) = old_by.get(status) else {
                let (kind, impact, note) = if errors {
                    (
                        ChangeKind::ErrorResponseAdded,
                        Impact::Additive,
                        "the error enum is non-exhaustive",
                    )
                } else {
                    (
                        ChangeKind::ResponseAdded,
                        Impact::Breaking,
                        "exhaustive matches on the response enum must handle it",
                    )
                };
                self.push(
                    kind,
                    impact,
                    cloc,
                    cptr,
                    format!("new {what} status: variant `{}` ({note})", c.variant),
                );
                continue;
            };
            let (ot, nt) = (
                decode_type(self.old, &oc.decode, o),
                decode_type(self.new, &c.decode, n),
            );
            if oc.variant != c.variant || ot != nt {
                self.push(
                    if errors {
                        ChangeKind::ErrorTypeChanged
                    } else {
                        ChangeKind::ResponseTypeChanged
                    },
                    Impact::Breaking,
                    &cloc,
                    &cptr,
                    format!("variant `{}({ot})` -> `{}({nt})`", oc.variant, c.variant),
                );
            }
            if errors && opt_text(&oc.doc) != opt_text(&c.doc) {
                self.push(
                    ChangeKind::ResponseDocs,
                    Impact::Docs,
                    &cloc,
                    &cptr,
                    "description changed",
                );
            }
        }
    }

    fn conventions(&mut self, o: &Operation, n: &Operation, loc: &str) {
        let ptr = n.pointer.as_str();
        match (&o.pagination, &n.pagination) {
            (None, None) => {}
            (Some(_), None) => self.push(
                ChangeKind::PaginationRemoved,
                Impact::Breaking,
                loc,
                ptr,
                "no longer paginated: `pages()` and `items()` are gone",
            ),
            (None, Some(p)) => self.push(
                ChangeKind::PaginationAdded,
                Impact::Additive,
                loc,
                ptr,
                format!(
                    "paginated ({}): new `pages()` and `items()` streams",
                    page_style(&p.style)
                ),
            ),
            (Some(op), Some(np)) => {
                let (oi, ni) = (render(self.old, &op.item), render(self.new, &np.item));
                let meta = |api: &Api, m: &Option<TypeRef>| m.as_ref().map(|t| render(api, t));
                let (om, nm) = (meta(self.old, &op.meta), meta(self.new, &np.meta));
                if oi != ni || om != nm {
                    self.push(
                        ChangeKind::PaginationChanged,
                        Impact::Breaking,
                        loc,
                        ptr,
                        format!(
                            "pages of `{ni}` (meta `{}`) instead of `{oi}` (meta `{}`)",
                            nm.unwrap_or_default(),
                            om.unwrap_or_default()
                        ),
                    );
                }
                if op.style != np.style || op.items != np.items {
                    self.push(
                        ChangeKind::PaginationChanged,
                        Impact::Additive,
                        loc,
                        ptr,
                        format!(
                            "pages by {} instead of {}",
                            page_style(&np.style),
                            page_style(&op.style)
                        ),
                    );
                }
            }
        }
        if o.idempotency_header != n.idempotency_header {
            let show = |h: &Option<String>| {
                h.as_ref()
                    .map(|h| format!("`{h}`"))
                    .unwrap_or_else(|| "none".to_string())
            };
            self.push(
                ChangeKind::IdempotencyChanged,
                Impact::Additive,
                loc,
                ptr,
                format!(
                    "idempotency-key header {} -> {}",
                    show(&o.idempotency_header),
                    show(&n.idempotency_header)
                ),
            );
        }
        match (&o.waiter, &n.waiter) {
            (None, None) => {}
            (Some(w), None) => self.push(
                ChangeKind::WaiterRemoved,
                Impact::Breaking,
                loc,
                ptr,
                format!("waiter `{}` removed", w.method),
            ),
            (None, Some(w)) => self.push(
                ChangeKind::WaiterAdded,
                Impact::Additive,
                loc,
                ptr,
                format!("new waiter `{}`", w.method),
            ),
            (Some(ow), Some(nw)) => {
                if ow.method != nw.method {
                    self.push(
                        ChangeKind::WaiterRemoved,
                        Impact::Breaking,
                        loc,
                        ptr,
                        format!("waiter `{}` renamed to `{}`", ow.method, nw.method),
                    );
                }
                if ow.status != nw.status || ow.success != nw.success || ow.failure != nw.failure {
                    self.push(
                        ChangeKind::WaiterChanged,
                        Impact::Additive,
                        loc,
                        ptr,
                        format!(
                            "waits on `{}` for {:?} (fails on {:?})",
                            nw.status, nw.success, nw.failure
                        ),
                    );
                }
            }
        }
    }

    fn types(&mut self) {
        let old: BTreeMap<&str, &TypeDef> = self
            .old
            .types
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        let new: BTreeMap<&str, &TypeDef> = self
            .new
            .types
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        for (name, t) in &old {
            if !new.contains_key(name) {
                self.push(
                    ChangeKind::TypeRemoved,
                    Impact::Breaking,
                    format!("type `{name}`"),
                    &t.pointer,
                    "type removed",
                );
            }
        }
        for (name, t) in &new {
            match old.get(name) {
                None => self.push(
                    ChangeKind::TypeAdded,
                    Impact::Additive,
                    format!("type `{name}`"),
                    &t.pointer,
                    format!("new {}", kind_name(&t.kind)),
                ),
                Some(ot) => self.ty(ot, t),
            }
        }
    }

    fn ty(&mut self, o: &TypeDef, n: &TypeDef) {
        let loc = format!("type `{}`", n.name);
        let ptr = n.pointer.as_str();
        if o.deprecated != n.deprecated {
            self.push(
                ChangeKind::TypeDeprecated,
                Impact::Additive,
                &loc,
                ptr,
                if n.deprecated {
                    "deprecated"
                } else {
                    "no longer deprecated"
                },
            );
        }
        if opt_text(&o.doc) != opt_text(&n.doc) {
            self.push(
                ChangeKind::TypeDocs,
                Impact::Docs,
                &loc,
                ptr,
                "description changed",
            );
        }
        if o.nullable != n.nullable {
            self.push(
                ChangeKind::TypeNullabilityChanged,
                Impact::Breaking,
                &loc,
                ptr,
                if n.nullable {
                    "now nullable"
                } else {
                    "no longer nullable"
                },
            );
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Struct(os), TypeKind::Struct(ns)) => {
                self.fields(n, &os.fields, &ns.fields, &loc);
                let add = |api: &Api, a: &Option<TypeRef>| a.as_ref().map(|t| render(api, t));
                let (oa, na) = (add(self.old, &os.additional), add(self.new, &ns.additional));
                if oa != na {
                    let impact = if oa.is_none() {
                        Impact::Additive
                    } else {
                        Impact::Breaking
                    };
                    let show = |a: &Option<String>| {
                        a.as_ref()
                            .map(|t| format!("`BTreeMap<String, {t}>`"))
                            .unwrap_or_else(|| "none".to_string())
                    };
                    self.push(
                        ChangeKind::AdditionalPropertiesChanged,
                        impact,
                        &loc,
                        push_pointer(ptr, "additionalProperties"),
                        format!("additional properties {} -> {}", show(&oa), show(&na)),
                    );
                }
            }
            (TypeKind::StringEnum(ov), TypeKind::StringEnum(nv)) => {
                let old: Vec<(String, &str)> = ov
                    .iter()
                    .map(|v| (format!("{:?}", v.wire), v.name.as_str()))
                    .collect();
                let new: Vec<(String, &str)> = nv
                    .iter()
                    .map(|v| (format!("{:?}", v.wire), v.name.as_str()))
                    .collect();
                self.enum_values(&loc, ptr, &old, &new);
            }
            (TypeKind::IntEnum(ov), TypeKind::IntEnum(nv)) => {
                let old: Vec<(String, &str)> = ov
                    .iter()
                    .map(|v| (v.value.to_string(), v.name.as_str()))
                    .collect();
                let new: Vec<(String, &str)> = nv
                    .iter()
                    .map(|v| (v.value.to_string(), v.name.as_str()))
                    .collect();
                self.enum_values(&loc, ptr, &old, &new);
            }
            (TypeKind::Union(ou), TypeKind::Union(nu)) => {
                let old: BTreeMap<&str, String> = ou
                    .variants
                    .iter()
                    .map(|v| (v.name.as_str(), boxed(render(self.old, &v.ty), v.boxed)))
                    .collect();
                let new: BTreeMap<&str, String> = nu
                    .variants
                    .iter()
                    .map(|v| (v.name.as_str(), boxed(render(self.new, &v.ty), v.boxed)))
                    .collect();
                for (name, t) in &old {
                    match new.get(name) {
                        None => self.push(
                            ChangeKind::UnionVariantRemoved,
                            Impact::Breaking,
                            &loc,
                            ptr,
                            format!("variant `{name}({t})` removed"),
                        ),
                        Some(nt) if nt != t => self.push(
                            ChangeKind::UnionVariantChanged,
                            Impact::Breaking,
                            &loc,
                            ptr,
                            format!("variant `{name}({t})` -> `{name}({nt})`"),
                        ),
                        Some(_) => {}
                    }
                }
                for (name, t) in &new {
                    if !old.contains_key(name) {
                        let output =
                            self.new_uses.is_output(&n.name) || self.old_uses.is_output(&o.name);
                        let (impact, note) = if output {
                            (
                                Impact::Breaking,
                                "exhaustive matches on the union must handle it",
                            )
                        } else {
                            (Impact::Additive, "the union is only sent, never received")
                        };
                        self.push(
                            ChangeKind::UnionVariantAdded,
                            impact,
                            &loc,
                            ptr,
                            format!("new variant `{name}({t})` ({note})"),
                        );
                    }
                }
                let tags = |u: &crate::ir::UnionDef| {
                    u.discriminator.as_ref().map(|d| {
                        let map: BTreeMap<String, String> = d
                            .mapping
                            .iter()
                            .map(|(tag, i)| (tag.clone(), u.variants[*i].name.clone()))
                            .collect();
                        (d.property.clone(), map)
                    })
                };
                match (tags(ou), tags(nu)) {
                    (None, None) => {}
                    (Some(_), None) | (None, Some(_)) => self.push(
                        ChangeKind::DiscriminatorChanged,
                        Impact::Breaking,
                        &loc,
                        push_pointer(ptr, "discriminator"),
                        "discriminator added or removed (the `Unknown` variant comes or goes)",
                    ),
                    (Some((op, om)), Some((np, nm))) => {
                        if op != np {
                            self.push(
                                ChangeKind::DiscriminatorChanged,
                                Impact::Breaking,
                                &loc,
                                push_pointer(ptr, "discriminator"),
                                format!("discriminator property `{op}` -> `{np}`"),
                            );
                        }
                        for (tag, v) in &om {
                            if nm.get(tag) != Some(v) {
                                self.push(
                                    ChangeKind::DiscriminatorChanged,
                                    Impact::Breaking,
                                    &loc,
                                    push_pointer(ptr, "discriminator"),
                                    format!("tag `{tag}` no longer selects `{v}`"),
                                );
                            }
                        }
                        for (tag, v) in &nm {
                            if !om.contains_key(tag) {
                                self.push(
                                    ChangeKind::DiscriminatorChanged,
                                    Impact::Additive,
                                    &loc,
                                    push_pointer(ptr, "discriminator"),
                                    format!("tag `{tag}` selects `{v}`"),
                                );
                            }
                        }
                    }
                }
            }
            (TypeKind::Alias(ot), TypeKind::Alias(nt)) => {
                let (ot, nt) = (render(self.old, ot), render(self.new, nt));
                if ot != nt {
                    self.push(
                        ChangeKind::AliasChanged,
                        Impact::Breaking,
                        &loc,
                        ptr,
                        format!("alias of `{ot}` -> `{nt}`"),
                    );
                }
            }
            (ok, nk) => {
                if kind_name(ok) != kind_name(nk) {
                    self.push(
                        ChangeKind::TypeKindChanged,
                        Impact::Breaking,
                        &loc,
                        ptr,
                        format!("was {}, now {}", kind_name(ok), kind_name(nk)),
                    );
                }
            }
        }
    }

    fn enum_values(
        &mut self,
        loc: &str,
        ptr: &str,
        old: &[(String, &str)],
        new: &[(String, &str)],
    ) {
        let old_by: BTreeMap<&str, &str> = old.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        let new_by: BTreeMap<&str, &str> = new.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        let eptr = push_pointer(ptr, "enum");
        for (wire, name) in old {
            match new_by.get(wire.as_str()) {
                None => self.push(
                    ChangeKind::EnumValueRemoved,
                    Impact::Breaking,
                    loc,
                    &eptr,
                    format!("value {wire} removed (variant `{name}` is gone)"),
                ),
                Some(nn) if nn != name => self.push(
                    ChangeKind::EnumVariantRenamed,
                    Impact::Breaking,
                    loc,
                    &eptr,
                    format!("value {wire}: variant `{name}` renamed to `{nn}`"),
                ),
                Some(_) => {}
            }
        }
        for (wire, name) in new {
            if !old_by.contains_key(wire.as_str()) {
                self.push(
                    ChangeKind::EnumValueAdded,
                    Impact::Additive,
                    loc,
                    &eptr,
                    format!(
                        "new value {wire} (variant `{name}`; older clients read it as `Unknown`)"
                    ),
                );
            }
        }
    }

    fn fields(&mut self, t: &TypeDef, old: &[Field], new: &[Field], loc: &str) {
        let props = push_pointer(&t.pointer, "properties");
        let old_by: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
        let new_by: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire.as_str(), f)).collect();
        let input = self.new_uses.is_input(&t.name) || self.old_uses.is_input(&t.name);
        for f in old {
            if !new_by.contains_key(f.wire.as_str()) {
                self.push(
                    ChangeKind::FieldRemoved,
                    Impact::Breaking,
                    format!("{loc}, field `{}`", f.wire),
                    push_pointer(&props, &f.wire),
                    format!("field removed (`{}` is gone)", f.name),
                );
            }
        }
        for f in new {
            let floc = format!("{loc}, field `{}`", f.wire);
            let fptr = push_pointer(&props, &f.wire);
            let nt = field_type(self.new, f);
            let Some(of) = old_by.get(f.wire.as_str()) else {
                let (impact, message) = if !in_constructor(f.presence) {
                    (
                        Impact::Additive,
                        format!("new {} field `{}: {nt}`", presence_name(f.presence), f.name),
                    )
                } else if input {
                    (
                        Impact::Breaking,
                        format!(
                            "new required field `{}: {nt}` in a type sent in requests: `{}::new` takes another argument",
                            f.name, t.name
                        ),
                    )
                } else {
                    (
                        Impact::Additive,
                        format!(
                            "new required field `{}: {nt}` (the type is only received; `{}::new` takes another argument)",
                            f.name, t.name
                        ),
                    )
                };
                self.push(ChangeKind::FieldAdded, impact, floc, fptr, message);
                continue;
            };
            let ot = field_type(self.old, of);
            if of.presence != f.presence {
                let type_changed = ot != nt;
                let ctor_changed = in_constructor(of.presence) != in_constructor(f.presence);
                let mut message = format!(
                    "{} -> {}",
                    presence_name(of.presence),
                    presence_name(f.presence)
                );
                let impact = if type_changed {
                    message.push_str(&format!(": `{ot}` -> `{nt}`"));
                    Impact::Breaking
                } else if ctor_changed && input {
                    message.push_str(&format!(": `{}::new` changes its arguments", t.name));
                    Impact::Breaking
                } else {
                    Impact::Additive
                };
                self.push(
                    ChangeKind::FieldPresenceChanged,
                    impact,
                    &floc,
                    &fptr,
                    message,
                );
            } else if ot != nt {
                self.push(
                    ChangeKind::FieldTypeChanged,
                    Impact::Breaking,
                    &floc,
                    &fptr,
                    format!("type `{ot}` -> `{nt}`"),
                );
            }
            if of.name != f.name {
                self.push(
                    ChangeKind::FieldRenamed,
                    Impact::Breaking,
                    &floc,
                    &fptr,
                    format!("Rust name `{}` -> `{}`", of.name, f.name),
                );
            }
            let (od, nd) = (
                default_str(self.old, &of.default),
                default_str(self.new, &f.default),
            );
            if od != nd && of.presence == f.presence {
                self.push(
                    ChangeKind::FieldDefaultChanged,
                    Impact::Additive,
                    &floc,
                    &fptr,
                    format!("default {od} -> {nd}"),
                );
            }
            if of.deprecated != f.deprecated {
                self.push(
                    ChangeKind::FieldDeprecated,
                    Impact::Additive,
                    &floc,
                    &fptr,
                    if f.deprecated {
                        "deprecated"
                    } else {
                        "no longer deprecated"
                    },
                );
            }
            if opt_text(&of.doc) != opt_text(&f.doc) {
                self.push(
                    ChangeKind::FieldDocs,
                    Impact::Docs,
                    &floc,
                    &fptr,
                    "description changed",
                );
            }
        }
    }
}

fn boxed(t: String, boxed: bool) -> String {
    if boxed { format!("Box<{t}>") } else { t }
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Pending => "an unresolved type",
        TypeKind::Struct(_) => "struct",
        TypeKind::StringEnum(_) => "string enum",
        TypeKind::IntEnum(_) => "integer enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "type alias",
    }
}

/// Every operation with the module of its group, in spec order.
fn all_operations(api: &Api) -> Vec<(String, Operation)> {
    api.groups
        .iter()
        .flat_map(|g| g.operations.iter().map(|o| (g.module.clone(), o.clone())))
        .collect()
}

fn op_location(op: &Operation) -> String {
    format!("operation `{}` ({} {})", op.id, op.method, op.path)
}

fn param_location(op_loc: &str, p: &Param) -> String {
    format!(
        "{op_loc}, {} parameter `{}`",
        location_name(p.location),
        p.wire
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_print() {
        assert_eq!("1.2.3".parse(), Ok(Version::new(1, 2, 3)));
        assert!("1.2".parse::<Version>().is_err());
        assert!("1.2.3-beta.1".parse::<Version>().is_err());
        assert!("1..3".parse::<Version>().is_err());
        assert_eq!(Version::new(0, 4, 1).to_string(), "0.4.1");
    }

    #[test]
    fn bumps_follow_cargo_semver() {
        use Impact::*;
        let v1 = Version::new(1, 4, 2);
        assert_eq!(Bump::for_impact(Some(Breaking), v1), Bump::Major);
        assert_eq!(Bump::for_impact(Some(Additive), v1), Bump::Minor);
        assert_eq!(Bump::for_impact(Some(Docs), v1), Bump::Patch);
        assert_eq!(Bump::for_impact(None, v1), Bump::None);
        let v0 = Version::new(0, 3, 1);
        assert_eq!(Bump::for_impact(Some(Breaking), v0), Bump::Minor);
        assert_eq!(Bump::for_impact(Some(Additive), v0), Bump::Patch);
        assert_eq!(Bump::for_impact(Some(Docs), v0), Bump::Patch);
        let v00 = Version::new(0, 0, 7);
        assert_eq!(Bump::for_impact(Some(Breaking), v00), Bump::Patch);
        assert_eq!(v1.bumped(Bump::Major), Version::new(2, 0, 0));
        assert_eq!(v1.bumped(Bump::Minor), Version::new(1, 5, 0));
        assert_eq!(v0.bumped(Bump::Minor), Version::new(0, 4, 0));
        assert_eq!(v0.bumped(Bump::Patch), Version::new(0, 3, 2));
    }
}
