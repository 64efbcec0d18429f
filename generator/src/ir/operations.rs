//! Paths → operations: parameters, bodies, responses and the conventions detected on them.

use super::types::{Lowered, TypeSpace};
use super::{
    Body, BodyFieldSetter, BodyKind, BodyVariant, Decode, ErrorEnum, Group, MultipartBody,
    MultipartPart, Operation, PageStyle, Pagination, Param, ParamLocation, PartKind, PathPart,
    Presence, Prim, QueryStyle, ResponseCase, Status, Success, TypeKind, TypeRef, Waiter,
};
use crate::cat;
use crate::error::{Diagnostic, push_pointer};
use crate::load::Node;
use crate::naming::{self, Scope};
use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Names every builder has already: parameters that would collide get a suffix.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "send_with_response",
    "options",
    "pages",
    "items",
    "start_from",
    "max_items",
    "body",
    "new",
    "client",
    "request",
    "clone",
    "fmt",
];

/// Lowers every operation, grouped by tag.
pub(super) fn lower_operations(
    ts: &mut TypeSpace<'_>,
    has_schemes: bool,
    operations: Option<&crate::load::Operations>,
) -> Vec<Group> {
    let doc = ts.doc;
    let global_security = doc
        .raw
        .get("security")
        .and_then(Node::as_array)
        .map(Vec::len);
    let declared_tags: Vec<(String, Option<String>)> = doc
        .raw
        .get("tags")
        .and_then(Node::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| {
                    Some((
                        t.get("name")?.as_str()?.to_string(),
                        t.get("description")
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut groups: Vec<Group> = Vec::new();
    let mut group_scopes: Vec<(Scope, Scope)> = Vec::new(); // (module type names, handle methods)
    // Module names that would shadow the generated tree's own modules or the crates it uses.
    let mut module_names = Scope::with_reserved(&[
        "runtime",
        "models",
        "apis",
        "client",
        "prelude",
        "rt",
        "std",
        "core",
        "alloc",
        "serde",
        "serde_json",
        "chrono",
        "uuid",
        "reqwest",
        "bytes",
        "tokio",
        "futures_util",
        "url",
        "tracing",
    ]);
    let mut ids: crate::FastMap<String, String> = crate::FastMap::default();

    let paths: Vec<(&str, &Node<'_>)> = doc
        .raw
        .get("paths")
        .and_then(Node::as_object)
        .map(|p| p.iter().collect())
        .unwrap_or_default();

    for (path, written) in paths.into_iter().filter(|(p, _)| !p.starts_with("x-")) {
        let item_ptr = push_pointer("#/paths", path);
        let (item_ptr, item) = match written.get("$ref").and_then(Node::as_str) {
            Some(r) => match doc.follow(r, &item_ptr) {
                Ok(t) => match doc.get(t) {
                    Some(item) => (t.to_string(), item),
                    None => continue,
                },
                Err(d) => {
                    ts.diags.push(d);
                    continue;
                }
            },
            None => (item_ptr, written),
        };
        if !item.is_object() {
            ts.diags.push(
                Diagnostic::error(&item_ptr, "a path item must be an object")
                    .help("map HTTP methods to operations"),
            );
            continue;
        }
        if !path.starts_with('/') {
            ts.diags.push(
                Diagnostic::error(&item_ptr, format!("path `{path}` does not start with `/`"))
                    .help("write paths relative to the server URL, starting with `/`"),
            );
            continue;
        }
        let shared_params: Vec<ReferenceOr<openapiv3::Parameter>> = match item.get("parameters") {
            Some(_) => match doc.read(&push_pointer(&item_ptr, "parameters")) {
                Ok(p) => p,
                Err(d) => {
                    ts.diags.push(d);
                    continue;
                }
            },
            None => Vec::new(),
        };
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            let op_ptr = cat(&[&item_ptr, "/", method]);
            let op = match operations.map_or_else(
                || doc.operation(&op_ptr),
                |operations| doc.operation_in(operations, &op_ptr),
            ) {
                Ok(op) => op,
                Err(d) => {
                    ts.diags.push(d);
                    continue;
                }
            };
            let id = op
                .operation_id
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| cat(&[method, " ", path]));
            if let Some(other) = ids.insert(id.clone(), op_ptr.clone()) {
                ts.diags.push(
                    Diagnostic::error(
                        push_pointer(&op_ptr, "operationId"),
                        format!("operationId `{id}` is also used at {other}"),
                    )
                    .help("operationIds must be unique across the document"),
                );
                continue;
            }
            let tag = op
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| "default".to_string());
            let gi = match groups.iter().position(|g| g.tag == tag) {
                Some(i) => i,
                None => {
                    let module = module_names.claim(naming::snake(&tag, "default"));
                    let mut types = Scope::default();
                    let handle = types.claim(naming::type_name(&tag, "Default"));
                    let doc_text = declared_tags
                        .iter()
                        .find(|(n, _)| n == &tag)
                        .and_then(|(_, d)| d.clone());
                    groups.push(Group {
                        tag: tag.clone(),
                        module,
                        handle,
                        doc: doc_text,
                        operations: Vec::new(),
                    });
                    group_scopes.push((types, Scope::default()));
                    groups.len() - 1
                }
            };
            let authenticated = match &op.security {
                Some(reqs) => !reqs.is_empty(),
                None => match global_security {
                    Some(n) => n > 0,
                    None => has_schemes,
                },
            };
            let (types_scope, methods_scope) = &mut group_scopes[gi];
            let ctx = OpContext {
                id: &id,
                tag: &tag,
                method,
                path,
                pointer: &op_ptr,
            };
            if let Some(operation) = lower_operation(
                ts,
                &ctx,
                op,
                &shared_params,
                &item_ptr,
                types_scope,
                methods_scope,
                authenticated,
            ) {
                groups[gi].operations.push(operation);
            }
        }
    }
    // Groups in the order the spec declares its tags, then in order of first use.
    groups.sort_by_key(|g| {
        declared_tags
            .iter()
            .position(|(n, _)| n == &g.tag)
            .unwrap_or(usize::MAX)
    });
    groups
}

struct OpContext<'a> {
    id: &'a str,
    tag: &'a str,
    method: &'a str,
    path: &'a str,
    pointer: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn lower_operation(
    ts: &mut TypeSpace<'_>,
    ctx: &OpContext<'_>,
    op: &openapiv3::Operation,
    shared: &[ReferenceOr<openapiv3::Parameter>],
    item_ptr: &str,
    types_scope: &mut Scope,
    methods_scope: &mut Scope,
    authenticated: bool,
) -> Option<Operation> {
    let builder = types_scope.claim(naming::type_name(ctx.id, "Operation"));
    let method_name = methods_scope.claim(method_name(ctx.id, ctx.tag));
    let mut scope = Scope::with_reserved(BUILDER_RESERVED);

    // Parameters: operation-level ones override path-level ones with the same name and location.
    let mut resolved: Vec<(&openapiv3::Parameter, std::borrow::Cow<'_, str>)> = Vec::new();
    for (i, p) in shared.iter().enumerate() {
        match ts.doc.resolve(p, &format!("{item_ptr}/parameters/{i}")) {
            Ok(r) => resolved.push(r),
            Err(d) => ts.diags.push(d),
        }
    }
    for (i, p) in op.parameters.iter().enumerate() {
        match ts
            .doc
            .resolve(p, &format!("{}/parameters/{i}", ctx.pointer))
        {
            Ok((param, at)) => {
                let name = &param.parameter_data_ref().name;
                let location = std::mem::discriminant(param);
                resolved.retain(|(q, _)| {
                    q.parameter_data_ref().name != *name || std::mem::discriminant(*q) != location
                });
                resolved.push((param, at));
            }
            Err(d) => ts.diags.push(d),
        }
    }

    let mut params = Vec::new();
    let mut idempotency_header = None;
    for (param, at) in &resolved {
        let data = param.parameter_data_ref();
        let (location, style, explode) = match param {
            openapiv3::Parameter::Path { .. } => (ParamLocation::Path, QueryStyle::Form, false),
            openapiv3::Parameter::Query { style, .. } => {
                let s = match style {
                    openapiv3::QueryStyle::Form => QueryStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                };
                let explode = data
                    .explode
                    .unwrap_or(matches!(s, QueryStyle::Form | QueryStyle::DeepObject));
                (ParamLocation::Query, s, explode)
            }
            openapiv3::Parameter::Header { .. } => (ParamLocation::Header, QueryStyle::Form, false),
            openapiv3::Parameter::Cookie { .. } => (ParamLocation::Cookie, QueryStyle::Form, true),
        };
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&data.name.to_ascii_lowercase().as_str())
        {
            // The specification says these header parameters are ignored: the client sets them.
            continue;
        }
        if location == ParamLocation::Header && data.name.eq_ignore_ascii_case("idempotency-key") {
            idempotency_header = Some(data.name.clone());
        }
        let hint = || cat(&[&builder, &naming::pascal(&data.name, "Param")]);
        let lowered = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(s) => {
                ts.lower(s, &push_pointer(at, "schema"), &hint)
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media, mt)) => match &mt.schema {
                    Some(s) => ts.lower(
                        s,
                        &push_pointer(&push_pointer(&push_pointer(at, "content"), media), "schema"),
                        &hint,
                    ),
                    None => Lowered {
                        ty: TypeRef::Prim(Prim::String),
                        nullable: false,
                    },
                },
                None => Lowered {
                    ty: TypeRef::Prim(Prim::String),
                    nullable: false,
                },
            },
        };
        let ty = match lowered.ty {
            TypeRef::Prim(Prim::Null | Prim::Binary | Prim::Base64) => TypeRef::Prim(Prim::String),
            other => other,
        };
        params.push(Param {
            name: scope.claim(naming::snake(&data.name, "param")),
            wire: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            style,
            explode,
            doc: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
        });
    }

    // The path template.
    let mut path_parts = Vec::new();
    let mut rest = ctx.path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            ts.diags.push(
                Diagnostic::error(
                    ctx.pointer,
                    format!("unbalanced `{{` in path `{}`", ctx.path),
                )
                .help("close every path parameter with `}`"),
            );
            return None;
        };
        if open > 0 {
            path_parts.push(PathPart::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            ts.diags.push(
                Diagnostic::error(
                    ctx.pointer,
                    format!("invalid path parameter `{{{name}}}` in path `{}`", ctx.path),
                )
                .help("write path parameters as `{name}` with a non-empty name"),
            );
            return None;
        }
        if rest[..open].contains('}') {
            ts.diags.push(
                Diagnostic::error(
                    ctx.pointer,
                    format!("unbalanced `}}` in path `{}`", ctx.path),
                )
                .help("open every path parameter with `{`"),
            );
            return None;
        }
        let idx = match params
            .iter()
            .position(|p| p.location == ParamLocation::Path && p.wire == name)
        {
            Some(i) => i,
            None => {
                ts.diags.push(
                    Diagnostic::warning(
                        ctx.pointer,
                        format!("path parameter `{name}` is used in the path but not declared; it is sent as a string"),
                    )
                    .help(format!("declare `{{name: {name}, in: path, required: true}}` in the operation's parameters")),
                );
                params.push(Param {
                    name: scope.claim(naming::snake(name, "param")),
                    wire: name.to_string(),
                    location: ParamLocation::Path,
                    ty: TypeRef::Prim(Prim::String),
                    required: true,
                    style: QueryStyle::Form,
                    explode: false,
                    doc: None,
                    deprecated: false,
                });
                params.len() - 1
            }
        };
        path_parts.push(PathPart::Param(idx));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        ts.diags.push(
            Diagnostic::error(
                ctx.pointer,
                format!("unbalanced `}}` in path `{}`", ctx.path),
            )
            .help("open every path parameter with `{`"),
        );
        return None;
    }
    if !rest.is_empty() {
        path_parts.push(PathPart::Literal(rest.to_string()));
    }
    let in_template: BTreeSet<usize> = path_parts
        .iter()
        .filter_map(|p| {
            if let PathPart::Param(i) = p {
                Some(*i)
            } else {
                None
            }
        })
        .collect();
    let mut unused = Vec::new();
    for (i, p) in params.iter().enumerate() {
        if p.location == ParamLocation::Path && !in_template.contains(&i) {
            ts.diags.push(Diagnostic::warning(
                ctx.pointer,
                format!(
                    "path parameter `{}` is declared but not in the path `{}`; it is ignored",
                    p.wire, ctx.path
                ),
            ));
            unused.push(i);
        }
    }
    if !unused.is_empty() {
        let mut remap = Vec::new();
        let mut kept = Vec::new();
        for (i, p) in params.into_iter().enumerate() {
            if unused.contains(&i) {
                remap.push(usize::MAX);
            } else {
                remap.push(kept.len());
                kept.push(p);
            }
        }
        params = kept;
        for part in &mut path_parts {
            if let PathPart::Param(i) = part {
                *i = remap[*i];
            }
        }
    }

    let body = match &op.request_body {
        Some(rb) => lower_body(ts, ctx, rb, &builder, types_scope, &mut scope),
        None => None,
    };

    let (success, error) = lower_responses(ts, ctx, op, &builder, types_scope);
    let mut pagination = None;
    let mut success = success;
    if ctx.method == "get" {
        pagination = detect_pagination(ts, ctx, op, &params, &success);
        if pagination.is_some() {
            if let Success::Single(case) = &mut success {
                case.decode = Decode::Page;
            }
        }
    }

    let waiter = op.extensions.get("x-waiter").and_then(|w| {
        let at = push_pointer(ctx.pointer, "x-waiter");
        let name = w.get("name").and_then(Value::as_str);
        let status = w.get("status").and_then(Value::as_str);
        let list = |k: &str| -> Vec<String> {
            w.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        match (name, status) {
            (Some(name), Some(status)) if status.is_empty() || status.starts_with('/') => Some(Waiter {
                method: methods_scope.claim(naming::snake(&cat(&["wait until ", name]), "wait")),
                status: status.to_string(),
                success: list("success"),
                failure: list("failure"),
            }),
            _ => {
                ts.diags.push(
                    Diagnostic::warning(at, "`x-waiter` needs `name` and a JSON-pointer `status`; ignored")
                        .help("write `x-waiter: {name: run_finished, status: /status, success: [..], failure: [..]}`"),
                );
                None
            }
        }
    });

    Some(Operation {
        id: ctx.id.to_string(),
        pointer: ctx.pointer.to_string(),
        method: ctx.method.to_ascii_uppercase(),
        path: ctx.path.to_string(),
        method_name,
        builder,
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        path_parts,
        params,
        body,
        success,
        error,
        pagination,
        idempotency_header,
        authenticated,
        waiter,
    })
}

/// `listPipelines` under tag `pipelines` → `list`; the tag's words are dropped when something
/// meaningful remains.
fn method_name(id: &str, tag: &str) -> String {
    let full = naming::snake(id, "call");
    let tag_words: BTreeSet<String> = naming::snake(tag, "")
        .split('_')
        .flat_map(|w| [w.to_string(), singular(w)])
        .filter(|w| !w.is_empty())
        .collect();
    let raw = naming::unraw(&full);
    let kept: Vec<&str> = raw.split('_').filter(|w| !tag_words.contains(*w)).collect();
    if kept.is_empty() || kept.len() == raw.split('_').count() || kept.iter().all(|w| w.is_empty())
    {
        return full;
    }
    naming::snake(&kept.join("_"), "call")
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        cat(&[stem, "y"])
    } else if word.ends_with("ses") || word.ends_with("xes") {
        word[..word.len() - 2].to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    Json,
    Form,
    Multipart,
    Text,
    Xml,
    Binary,
}

fn media_kind(media: &str) -> Media {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || essence.ends_with("+json")
        || essence == "text/json"
        || essence.ends_with("/json")
    {
        Media::Json
    } else if essence == "application/x-www-form-urlencoded" {
        Media::Form
    } else if essence.starts_with("multipart/") {
        Media::Multipart
    } else if essence.ends_with("/xml") || essence.ends_with("+xml") {
        Media::Xml
    } else if essence.starts_with("text/") {
        Media::Text
    } else {
        Media::Binary
    }
}

fn is_binary_schema(mt: &openapiv3::MediaType) -> bool {
    matches!(&mt.schema, Some(ReferenceOr::Item(s)) if matches!(&s.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(st))
            if matches!(st.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))))
}

fn lower_body(
    ts: &mut TypeSpace<'_>,
    ctx: &OpContext<'_>,
    rb: &ReferenceOr<openapiv3::RequestBody>,
    builder: &str,
    types_scope: &mut Scope,
    scope: &mut Scope,
) -> Option<Body> {
    let (rb, at) = match ts
        .doc
        .resolve(rb, &push_pointer(ctx.pointer, "requestBody"))
    {
        Ok(r) => r,
        Err(d) => {
            ts.diags.push(d);
            return None;
        }
    };
    let mut variants: Vec<BodyVariant> = Vec::new();
    let hint = || cat(&[builder, "Body"]);
    let mut xml = None;
    for (media, mt) in &rb.content {
        let mt_ptr = push_pointer(&push_pointer(&at, "content"), media);
        let kind = media_kind(media);
        let lower_schema = |ts: &mut TypeSpace<'_>| -> TypeRef {
            match &mt.schema {
                Some(s) => ts.lower(s, &push_pointer(&mt_ptr, "schema"), &hint).ty,
                None => TypeRef::Prim(Prim::Json),
            }
        };
        let (name, kind) = match kind {
            Media::Json if !is_binary_schema(mt) => ("Json", BodyKind::Json(lower_schema(ts))),
            Media::Form => ("Form", BodyKind::Form(lower_schema(ts))),
            Media::Multipart => {
                let ty = lower_schema(ts);
                match multipart(ts, &ty) {
                    Some(m) => ("Multipart", BodyKind::Multipart(m)),
                    None => {
                        ts.diags.push(Diagnostic::warning(
                            &mt_ptr,
                            "a multipart body needs an object schema; the caller passes the encoded body as bytes",
                        ));
                        ("Bytes", BodyKind::Bytes)
                    }
                }
            }
            Media::Text => ("Text", BodyKind::Text),
            Media::Xml => {
                xml.get_or_insert(media.clone());
                continue;
            }
            Media::Json | Media::Binary => ("Bytes", BodyKind::Bytes),
        };
        if variants.iter().any(|v| v.name == name) {
            continue;
        }
        variants.push(BodyVariant {
            name: name.to_string(),
            media_type: media.clone(),
            kind,
        });
    }
    if variants.is_empty() {
        match xml {
            Some(media) => variants.push(BodyVariant {
                name: "Bytes".into(),
                media_type: media,
                kind: BodyKind::Bytes,
            }),
            None => {
                ts.diags.push(Diagnostic::warning(
                    &*at,
                    "request body declares no content; it is sent as raw bytes",
                ));
                variants.push(BodyVariant {
                    name: "Bytes".into(),
                    media_type: "application/octet-stream".into(),
                    kind: BodyKind::Bytes,
                });
            }
        }
    }
    let enum_name = (variants.len() > 1).then(|| types_scope.claim(cat(&[builder, "Body"])));
    let mut field_setters = Vec::new();
    if let [
        BodyVariant {
            kind: BodyKind::Json(TypeRef::Named(id)),
            ..
        },
    ] = variants.as_slice()
    {
        if let TypeKind::Struct(s) = &ts.types[id.0].kind {
            if s.all_optional && !s.fields.is_empty() {
                for f in &s.fields {
                    if f.presence == Presence::Defaulted {
                        continue;
                    }
                    field_setters.push(BodyFieldSetter {
                        method: scope.claim(naming::snake(&f.wire, "field")),
                        field: f.name.clone(),
                        ty: f.ty.clone(),
                        tristate: f.presence == Presence::OptionalNullable,
                        doc: f.doc.clone(),
                    });
                }
            }
        }
    }
    Some(Body {
        required: rb.required,
        doc: rb.description.clone(),
        variants,
        enum_name,
        field_setters,
    })
}

fn multipart(ts: &TypeSpace<'_>, ty: &TypeRef) -> Option<MultipartBody> {
    let TypeRef::Named(id) = ty else { return None };
    let TypeKind::Struct(s) = &ts.types[id.0].kind else {
        return None;
    };
    let parts = s
        .fields
        .iter()
        .map(|f| {
            let kind = match &f.ty {
                TypeRef::Prim(Prim::Binary) => PartKind::File,
                TypeRef::Vec(inner) if **inner == TypeRef::Prim(Prim::Binary) => PartKind::Files,
                TypeRef::Prim(_) => PartKind::Text,
                TypeRef::Named(nid)
                    if matches!(
                        ts.types[nid.0].kind,
                        TypeKind::StringEnum(_) | TypeKind::IntEnum(_)
                    ) =>
                {
                    PartKind::Text
                }
                _ => PartKind::Json,
            };
            MultipartPart {
                field: f.name.clone(),
                wire: f.wire.clone(),
                kind,
                optional: !matches!(f.presence, Presence::Required),
            }
        })
        .collect();
    Some(MultipartBody { ty: *id, parts })
}

fn status_variant(status: Status) -> String {
    match status {
        Status::Default => "Default".into(),
        Status::Range(n) => match n {
            1 => "Informational".into(),
            2 => "Success".into(),
            3 => "Redirection".into(),
            4 => "ClientError".into(),
            5 => "ServerError".into(),
            n => format!("Status{n}XX"),
        },
        Status::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            421 => "MisdirectedRequest",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            511 => "NetworkAuthenticationRequired",
            other => return format!("Status{other}"),
        }
        .into(),
    }
}

fn lower_responses(
    ts: &mut TypeSpace<'_>,
    ctx: &OpContext<'_>,
    op: &openapiv3::Operation,
    builder: &str,
    types_scope: &mut Scope,
) -> (Success, Option<ErrorEnum>) {
    let mut all: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    let base = push_pointer(ctx.pointer, "responses");
    for (code, r) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
            StatusCode::Range(n) => (Status::Range(*n), format!("{n}XX")),
        };
        all.push((status, r, push_pointer(&base, &key)));
    }
    if let Some(d) = &op.responses.default {
        all.push((Status::Default, d, push_pointer(&base, "default")));
    }
    let is_success = |s: &Status| match s {
        Status::Code(c) => *c < 400,
        Status::Range(n) => *n < 4,
        Status::Default => false,
    };
    let has_success = all.iter().any(|(s, _, _)| is_success(s));
    let mut successes = Vec::new();
    let mut errors = Vec::new();
    for (status, r, at) in &all {
        let success = is_success(status) || (!has_success && *status == Status::Default);
        let hint = || {
            if success {
                cat(&[builder, "Response"])
            } else {
                cat(&[builder, &status_variant(*status)])
            }
        };
        let (decode, doc) = match ts.doc.resolve(r, at) {
            Ok((resp, resp_at)) => (
                decode_of(ts, resp, &resp_at, &hint),
                Some(resp.description.clone()).filter(|d| !d.is_empty()),
            ),
            Err(d) => {
                ts.diags.push(d);
                (Decode::Bytes, None)
            }
        };
        let case = ResponseCase {
            status: *status,
            variant: status_variant(*status),
            decode,
            doc,
        };
        if success {
            successes.push(case);
        } else {
            errors.push(case);
        }
    }
    if successes.is_empty() {
        successes.push(ResponseCase {
            status: Status::Range(2),
            variant: "Success".into(),
            decode: Decode::Empty,
            doc: None,
        });
    }
    let success = if successes.iter().all(|c| c.decode == successes[0].decode) {
        Success::Single(successes.swap_remove(0))
    } else {
        Success::Enum {
            name: types_scope.claim(cat(&[builder, "Response"])),
            cases: successes,
        }
    };
    let error = (!errors.is_empty()).then(|| ErrorEnum {
        name: types_scope.claim(cat(&[builder, "Error"])),
        cases: errors,
    });
    (success, error)
}

fn decode_of(
    ts: &mut TypeSpace<'_>,
    resp: &openapiv3::Response,
    at: &str,
    hint: super::types::Hint<'_>,
) -> Decode {
    if resp.content.is_empty() {
        return Decode::Empty;
    }
    let pick = resp
        .content
        .iter()
        .find(|(m, _)| media_kind(m) == Media::Json)
        .or_else(|| {
            resp.content
                .iter()
                .find(|(m, _)| media_kind(m) == Media::Text)
        })
        .or_else(|| resp.content.iter().next());
    let Some((media, mt)) = pick else {
        return Decode::Empty;
    };
    let mt_ptr = push_pointer(&push_pointer(at, "content"), media);
    match media_kind(media) {
        Media::Json if !is_binary_schema(mt) => {
            let ty = match &mt.schema {
                Some(s) => ts.lower(s, &push_pointer(&mt_ptr, "schema"), hint).folded(),
                None => TypeRef::Prim(Prim::Json),
            };
            match envelope_data(ts, &ty) {
                Some(data) => Decode::Data(data),
                None => Decode::Json(ty),
            }
        }
        Media::Text => Decode::Text,
        _ => Decode::Bytes,
    }
}

/// The struct behind a type reference (through aliases and options).
fn struct_of<'a>(ts: &'a TypeSpace<'_>, ty: &TypeRef) -> Option<&'a super::StructDef> {
    match ty {
        TypeRef::Named(id) => match &ts.types[id.0].kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Alias(inner) => struct_of(ts, inner),
            _ => None,
        },
        TypeRef::Option(inner) => struct_of(ts, inner),
        _ => None,
    }
}

/// `{"data": T, "meta"?: …, "links"?: …}` with `data` required → `T`.
fn envelope_data(ts: &TypeSpace<'_>, ty: &TypeRef) -> Option<TypeRef> {
    let s = struct_of(ts, ty)?;
    if s.additional.is_some() {
        return None;
    }
    let data = s.fields.iter().find(|f| f.wire == "data")?;
    if data.presence != Presence::Required || data.boxed {
        return None;
    }
    let others_ok = s
        .fields
        .iter()
        .all(|f| matches!(f.wire.as_str(), "data" | "meta" | "links"));
    others_ok.then(|| data.ty.clone())
}

/// Follows a JSON pointer through struct fields; returns the type found there.
fn navigate(ts: &TypeSpace<'_>, ty: &TypeRef, pointer: &str) -> Option<TypeRef> {
    if pointer.is_empty() {
        return Some(ty.clone());
    }
    let mut current = ty.clone();
    for token in pointer.trim_start_matches('/').split('/') {
        let token = crate::error::unescape_pointer_token(token);
        let s = struct_of(ts, &current)?;
        current = s.fields.iter().find(|f| f.wire == token)?.ty.clone();
    }
    Some(current)
}

fn vec_item(ts: &TypeSpace<'_>, ty: &TypeRef) -> Option<TypeRef> {
    match ty {
        TypeRef::Vec(inner) => Some((**inner).clone()),
        TypeRef::Option(inner) => vec_item(ts, inner),
        TypeRef::Named(id) => match &ts.types[id.0].kind {
            TypeKind::Alias(inner) => vec_item(ts, inner),
            _ => None,
        },
        _ => None,
    }
}

/// The body type of the (single) JSON success response, before envelope unwrapping.
fn success_body(
    ts: &mut TypeSpace<'_>,
    ctx: &OpContext<'_>,
    op: &openapiv3::Operation,
) -> Option<(TypeRef, bool)> {
    let base = push_pointer(ctx.pointer, "responses");
    for (code, r) in &op.responses.responses {
        let key = match code {
            StatusCode::Code(c) if (200..300).contains(c) => c.to_string(),
            StatusCode::Range(2) => "2XX".to_string(),
            _ => continue,
        };
        let at = push_pointer(&base, &key);
        let (resp, resp_at) = ts.doc.resolve(r, &at).ok()?;
        let link = resp.headers.keys().any(|h| h.eq_ignore_ascii_case("link"));
        let (media, mt) = resp
            .content
            .iter()
            .find(|(m, _)| media_kind(m) == Media::Json)?;
        let schema = mt.schema.as_ref()?;
        let mt_ptr = push_pointer(&push_pointer(&resp_at, "content"), media);
        let ty = ts
            .lower(schema, &push_pointer(&mt_ptr, "schema"), &|| {
                "Unused".to_string()
            })
            .folded();
        return Some((ty, link));
    }
    None
}

fn detect_pagination(
    ts: &mut TypeSpace<'_>,
    ctx: &OpContext<'_>,
    op: &openapiv3::Operation,
    params: &[Param],
    success: &Success,
) -> Option<Pagination> {
    let Success::Single(case) = success else {
        return None;
    };
    if !matches!(case.decode, Decode::Json(_) | Decode::Data(_)) {
        return None;
    }
    let (body, link_header) = success_body(ts, ctx, op)?;
    let query: BTreeMap<String, &Param> = params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| (p.wire.clone(), p))
        .collect();
    let meta = navigate(ts, &body, "/meta").filter(|_| struct_of(ts, &body).is_some());

    if let Some(ext) = op.extensions.get("x-pagination") {
        let at = push_pointer(ctx.pointer, "x-pagination");
        let get = |k: &str| ext.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(param), Some(next), Some(items)) =
            (get("cursor-param"), get("next-cursor"), get("items"))
        else {
            ts.diags.push(
                Diagnostic::warning(at, "`x-pagination` needs `cursor-param`, `next-cursor` and `items`; ignored")
                    .help("write `x-pagination: {cursor-param: cursor, next-cursor: /meta/page/cursor, items: /data}`"),
            );
            return None;
        };
        if !query.contains_key(&param) {
            ts.diags.push(Diagnostic::warning(
                at,
                format!("`x-pagination.cursor-param` names `{param}`, which is not a query parameter; ignored"),
            ));
            return None;
        }
        let Some(item) = navigate(ts, &body, &items).and_then(|t| vec_item(ts, &t)) else {
            ts.diags.push(Diagnostic::warning(
                at,
                format!("`x-pagination.items` = `{items}` does not point at an array in the response; ignored"),
            ));
            return None;
        };
        if navigate(ts, &body, &next).is_none() {
            ts.diags.push(Diagnostic::warning(
                at,
                format!(
                    "`x-pagination.next-cursor` = `{next}` is not a field of the response; ignored"
                ),
            ));
            return None;
        }
        return Some(Pagination {
            items,
            item,
            meta,
            style: PageStyle::Cursor { param, next },
        });
    }

    // Detection by convention.
    let (items, item) = find_items(ts, &body)?;
    let has = |name: &str| query.contains_key(name);
    let style = if link_header && items.is_empty() {
        Some(PageStyle::LinkHeader)
    } else if let Some(style) = cursor_style(ts, &body, &query) {
        Some(style)
    } else if has("starting_after")
        && navigate(ts, &body, "/has_more") == Some(TypeRef::Prim(Prim::Bool))
    {
        Some(PageStyle::HasMore {
            param: "starting_after".into(),
            has_more: "/has_more".into(),
            id: "/id".into(),
        })
    } else if let Some(next) = next_url(ts, &body) {
        Some(PageStyle::NextUrl { next })
    } else if has("offset") {
        let limit_param = [
            "limit",
            "count",
            "per_page",
            "page_size",
            "pageSize",
            "perPage",
            "max",
        ]
        .into_iter()
        .find(|p| has(p))
        .map(str::to_owned);
        Some(PageStyle::Offset {
            param: "offset".into(),
            limit_param,
        })
    } else if let Some(page) = ["page", "page_number", "pageNumber"]
        .into_iter()
        .find(|p| has(p))
    {
        let sized = [
            "per_page",
            "page_size",
            "pageSize",
            "perPage",
            "limit",
            "count",
        ]
        .into_iter()
        .any(has);
        sized.then(|| PageStyle::PageNumber {
            param: page.to_string(),
            first: 1,
        })
    } else {
        None
    };
    style.map(|style| Pagination {
        items,
        item,
        meta,
        style,
    })
}

/// The item array of a list response: the body itself, its only array field, or a `data` array.
fn find_items(ts: &TypeSpace<'_>, body: &TypeRef) -> Option<(String, TypeRef)> {
    if let Some(item) = vec_item(ts, body) {
        return Some((String::new(), item));
    }
    let s = struct_of(ts, body)?;
    let arrays: Vec<_> = s
        .fields
        .iter()
        .filter(|f| vec_item(ts, &f.ty).is_some())
        .collect();
    let pick = match arrays.as_slice() {
        [one] => Some(*one),
        many => [
            "data", "items", "results", "entries", "values", "records", "list",
        ]
        .into_iter()
        .find_map(|n| many.iter().find(|f| f.wire == n).copied()),
    };
    if let Some(f) = pick {
        return Some((
            cat(&["/", &f.wire.replace('~', "~0").replace('/', "~1")]),
            vec_item(ts, &f.ty)?,
        ));
    }
    let data = s.fields.iter().find(|f| f.wire == "data")?;
    let (inner, item) = find_items(ts, &data.ty)?;
    (!inner.is_empty()).then(|| (cat(&["/data", &inner]), item))
}

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "marker",
    "page_cursor",
    "after",
];
const NEXT_FIELDS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "next_marker",
    "nextMarker",
    "continuation_token",
    "continuationToken",
];

fn cursor_style(
    ts: &TypeSpace<'_>,
    body: &TypeRef,
    query: &BTreeMap<String, &Param>,
) -> Option<PageStyle> {
    let param = CURSOR_PARAMS.iter().find(|p| query.contains_key(**p))?;
    let mut found = None;
    find_string_field(ts, body, "", 0, &mut |path, name| {
        let ok = NEXT_FIELDS.contains(&name)
            || (name == "cursor"
                && (path.contains("/meta")
                    || path.contains("/page")
                    || path.contains("/pagination")))
            || (name == "after" && path.contains("/cursors"));
        if ok && found.is_none() {
            found = Some(cat(&[path, "/", name]));
        }
    });
    found.map(|next| PageStyle::Cursor {
        param: (*param).to_string(),
        next,
    })
}

fn next_url(ts: &TypeSpace<'_>, body: &TypeRef) -> Option<String> {
    let mut found = None;
    find_string_field(ts, body, "", 0, &mut |path, name| {
        let ok = matches!(
            name,
            "@odata.nextLink"
                | "next_page_url"
                | "nextPageUrl"
                | "next_url"
                | "nextUrl"
                | "nextLink"
        ) || (name == "next"
            && (path.is_empty()
                || path.ends_with("/links")
                || path.ends_with("/paging")
                || path.ends_with("/_links")
                || path.ends_with("/pagination")));
        if ok && found.is_none() {
            found = Some(cat(&[
                path,
                "/",
                &name.replace('~', "~0").replace('/', "~1"),
            ]));
        }
    });
    found
}

fn find_string_field(
    ts: &TypeSpace<'_>,
    ty: &TypeRef,
    path: &str,
    depth: usize,
    f: &mut dyn FnMut(&str, &str),
) {
    if depth > 3 {
        return;
    }
    let Some(s) = struct_of(ts, ty) else { return };
    for field in &s.fields {
        if is_stringish(ts, &field.ty) {
            f(path, &field.wire);
        }
    }
    for field in &s.fields {
        if struct_of(ts, &field.ty).is_some() {
            find_string_field(ts, &field.ty, &cat(&[path, "/", &field.wire]), depth + 1, f);
        }
    }
}

fn is_stringish(ts: &TypeSpace<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Prim(Prim::String) => true,
        TypeRef::Option(inner) => is_stringish(ts, inner),
        TypeRef::Named(id) => {
            matches!(&ts.types[id.0].kind, TypeKind::Alias(inner) if is_stringish(ts, inner))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_drop_the_tag() {
        assert_eq!(method_name("listPipelines", "pipelines"), "list");
        assert_eq!(method_name("getPipeline", "pipelines"), "get");
        assert_eq!(
            method_name("getPipelineLineage", "pipelines"),
            "get_lineage"
        );
        assert_eq!(
            method_name("listReverseEtlSyncs", "reverse-etl"),
            "list_syncs"
        );
        assert_eq!(method_name("pipelines", "pipelines"), "pipelines");
        assert_eq!(method_name("addPet", "pet"), "add");
        assert_eq!(method_name("get /items/{id}", "default"), "get_items_id");
    }

    #[test]
    fn media_types_are_classified() {
        assert_eq!(media_kind("application/json; charset=utf-8"), Media::Json);
        assert_eq!(media_kind("application/vnd.github.v3+json"), Media::Json);
        assert_eq!(media_kind("application/problem+json"), Media::Json);
        assert_eq!(media_kind("multipart/form-data"), Media::Multipart);
        assert_eq!(media_kind("application/xml"), Media::Xml);
        assert_eq!(media_kind("text/plain"), Media::Text);
        assert_eq!(media_kind("application/octet-stream"), Media::Binary);
        assert_eq!(media_kind("image/jpeg"), Media::Binary);
    }
}
