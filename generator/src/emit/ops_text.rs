//! Operations written straight as formatted text: each operation's statics, builder
//! definition and methods, body, response and error enums, and each group's handle (and, in
//! [`super::ops`], its file's header).
//!
//! These were most of the cost left in going from tokens through `syn` and `prettyplease` to
//! text once the models were text ([`super::text`]): GitHub's operation chunks and handles are
//! 5.5 of its 13.4 MB. Like [`super::text`], this writes the layout `prettyplease` gives the
//! tokens [`super::ops`] emits: flat when a group fits in the margin, else broken as
//! `prettyplease` breaks it. Waiters are formatted from their tokens alone and spliced in, and so
//! is a response enum's `send_with_response` whose dispatch has a line not modelled here (the
//! sweep tests find none). A
//! part with a line whose layout is not modelled here (a name too long for its line in a way
//! not covered) returns `None` and is emitted as tokens; none of the corpus specs has one. Debug
//! builds compare every text part with the formatted tokens (`krate::check_text`); the tests
//! below sweep line lengths.

use super::ops::{
    accessor_doc, builder_doc_text, from_env_doc, location_word, ordered, required_params,
    static_name_text, status_doc,
};
use super::text::{
    End, Layout, STATEMENT, call_broken, doc_lines, field_line, generic_arg, generic_args,
    impl_header, layout, line, lit, method_call, put, rustdoc_lines, variant,
};
use super::{Place, docs, is_displayable, takes_into, ty_text};
use crate::cat;
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, BodyVariant, Decode, ErrorEnum, Group, MultipartBody,
    MultipartPart, Operation, PageStyle, Param, ParamLocation, PartKind, PathPart, Presence,
    QueryStyle, Status, Success, TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use std::fmt::Write;

const PLACE: Place = Place::Apis;

/// The chunk's parts in [`super::ops::OpTokens`]' order; `None` for a part written as tokens.
pub(super) fn chunk(api: &Api, group: &Group, op: &Operation) -> [Option<String>; 6] {
    [
        statics(op),
        definition(api, group, op),
        methods(api, op),
        body_enum(api, op),
        response_enum(api, op),
        error_enum(api, op),
    ]
}

fn param_ty(api: &Api, p: &Param) -> String {
    if p.location == ParamLocation::Path && !is_displayable(api, &p.ty) {
        return "String".to_string();
    }
    ty_text(api, &p.ty, PLACE)
}

/// `(argument, value)`: `name: impl Into<T>` and `name.into()`, or `name: T` and `name`.
fn arg(api: &Api, name: &str, t: &TypeRef, stored: &str) -> (String, String) {
    if takes_into(api, t) {
        (
            cat(&[name, ": impl Into<", stored, ">"]),
            cat(&[name, ".into()"]),
        )
    } else {
        (cat(&[name, ": ", stored]), name.to_string())
    }
}

fn body_stored_ty(api: &Api, body: &Body) -> String {
    match &body.enum_name {
        Some(name) => name.clone(),
        None => body_variant_ty(api, &body.variants[0].kind),
    }
}

/// `(argument, value)` for the body: bytes and text are taken as `impl Into<…>`.
fn body_arg(api: &Api, body: &Body) -> (String, String) {
    match (&body.enum_name, &body.variants[0].kind) {
        (None, BodyKind::Bytes) => (
            "body: impl Into<bytes::Bytes>".to_string(),
            "body.into()".to_string(),
        ),
        (None, BodyKind::Text) => (
            "body: impl Into<String>".to_string(),
            "body.into()".to_string(),
        ),
        _ => (
            cat(&["body: ", &body_stored_ty(api, body)]),
            "body".to_string(),
        ),
    }
}

fn body_variant_ty(api: &Api, kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(t) | BodyKind::Form(t) => ty_text(api, t, PLACE),
        BodyKind::Multipart(m) => ty_text(api, &TypeRef::Named(m.ty), PLACE),
        BodyKind::Bytes => "bytes::Bytes".to_string(),
        BodyKind::Text => "String".to_string(),
    }
}

fn decode_ty(api: &Api, op: &Operation, d: &Decode) -> Option<String> {
    Some(match d {
        Decode::Json(t) | Decode::Data(t) => ty_text(api, t, PLACE),
        Decode::Page => {
            let p = op.pagination.as_ref()?;
            cat(&[
                "rt::Page<",
                &ty_text(api, &p.item, PLACE),
                ", ",
                &meta_ty(api, op),
                ">",
            ])
        }
        Decode::Text => "String".to_string(),
        Decode::Bytes => "bytes::Bytes".to_string(),
        Decode::Empty => "()".to_string(),
    })
}

fn meta_ty(api: &Api, op: &Operation) -> String {
    match op.pagination.as_ref().and_then(|p| p.meta.as_ref()) {
        Some(m) => ty_text(api, m, PLACE),
        None => "serde_json::Value".to_string(),
    }
}

fn success_ty(api: &Api, op: &Operation) -> Option<String> {
    match &op.success {
        Success::Single(case) => decode_ty(api, op, &case.decode),
        Success::Enum { name, .. } => Some(name.clone()),
    }
}

fn error_ty(op: &Operation) -> String {
    match &op.error {
        Some(e) => e.name.clone(),
        None => "rt::NoTypedError".to_string(),
    }
}

/// `{head}({params}) -> {ret} {` as `prettyplease` lays out a function signature: flat when the
/// whole line fits; else one parameter per line and the return type after `) -> `, itself
/// broken at its generic arguments when it does not fit.
pub(super) fn signature(
    out: &mut String,
    indent: usize,
    head: &str,
    params: &[String],
    ret: &str,
) -> Option<()> {
    let flat = params.join(", ");
    if layout(indent + head.len() + 1 + flat.len() + 5 + ret.len() + 2) == Layout::Flat {
        return put(out, indent, &[head, "(", &flat, ") -> ", ret, " {"]);
    }
    line(out, indent, &[head, "("])?;
    for (i, p) in params.iter().enumerate() {
        generic_arg(out, indent + 4, p, i + 1 == params.len())?;
    }
    if layout(indent + 5 + ret.len() + 2) == Layout::Flat {
        return put(out, indent, &[") -> ", ret, " {"]);
    }
    let (head, args) = generic_args(ret)?;
    line(out, indent, &[") -> ", head, "<"])?;
    for (i, a) in args.iter().enumerate() {
        generic_arg(out, indent + 4, a, i + 1 == args.len())?;
    }
    put(out, indent, &["> {"])
}

/// `{lhs} = {wrapper}({value});`: flat, or the call's argument on its own line. The left-hand
/// side is a chain of field accesses and method calls on `self`: it stays on the first line,
/// even past the margin, while it fits together with ` = `; else it breaks before each `.`.
fn assign_call(
    out: &mut String,
    indent: usize,
    lhs: &str,
    wrapper: &str,
    value: &str,
) -> Option<()> {
    let flat = indent + lhs.len() + 3 + wrapper.len() + 1 + value.len() + 2;
    if layout(flat) == Layout::Flat {
        return put(out, indent, &[lhs, " = ", wrapper, "(", value, ");"]);
    }
    let (head, head_indent) = if layout(indent + lhs.len() + 3) == Layout::Flat {
        (lhs, indent)
    } else {
        // Only a chain with a method call (`self.body.get_or_insert_with(…).field`) is modelled:
        // `self.name` alone would stay on its line (`self` is too short to break after).
        if !lhs.contains('(') {
            return None;
        }
        let mut segments = lhs.split('.');
        put(out, indent, &[segments.next()?])?;
        let last = segments.next_back()?;
        for segment in segments {
            line(out, indent + 4, &[".", segment])?;
        }
        let last = &lhs[lhs.len() - last.len() - 1..];
        let rest = indent + 4 + last.len() + 3 + wrapper.len() + 1 + value.len() + 2;
        if layout(rest) == Layout::Flat {
            return put(out, indent + 4, &[last, " = ", wrapper, "(", value, ");"]);
        }
        (last, indent + 4)
    };
    put(out, head_indent, &[head, " = ", wrapper, "("])?;
    line(out, indent + 4, &[value, ","])?;
    put(out, indent, &[");"])
}

/// A struct literal's `{path} {` line and one `name: value,` line per field; `None` when
/// `prettyplease` would keep it on one line (it does so up to 34 wide).
fn struct_literal(
    out: &mut String,
    indent: usize,
    head: &str,
    path: &str,
    fields: &[(&str, String)],
    end: &str,
) -> Option<()> {
    let joined: Vec<String> = fields.iter().map(|(n, v)| cat(&[n, ": ", v])).collect();
    // `{path} { ` + the fields + ` `, up to the closing brace.
    let width = path.len() + 3 + joined.join(", ").len() + 1;
    if width <= 34 {
        return None;
    }
    // Nothing before the brace can break, nor can a field whose value is a literal or a path.
    put(out, indent, &[head, path, " {"])?;
    for (n, v) in fields {
        if v.ends_with(')') {
            line(out, indent + 4, &[n, ": ", v, ","])?;
        } else {
            put(out, indent + 4, &[n, ": ", v, ","])?;
        }
    }
    put(out, indent, &["}", end])
}

/// The operation's `static`s: its `rt::Operation` and, when it pages, its `rt::Pagination`.
fn statics(op: &Operation) -> Option<String> {
    let mut out = String::with_capacity(400);
    let idem = match &op.idempotency_header {
        Some(h) => cat(&["Some(", &lit(h), ")"]),
        None => "None".to_string(),
    };
    let name = static_name_text(op, "");
    struct_literal(
        &mut out,
        0,
        &cat(&["static ", &name, ": rt::Operation = "]),
        "rt::Operation",
        &[
            ("id", lit(&op.id)),
            ("method", cat(&["reqwest::Method::", &op.method])),
            ("path", lit(&op.path)),
            ("authenticated", op.authenticated.to_string()),
            ("idempotency_header", idem),
        ],
        ";",
    )?;
    if let Some(p) = &op.pagination {
        let name = static_name_text(op, "_PAGINATION");
        put(
            &mut out,
            0,
            &["static ", &name, ": rt::Pagination = rt::Pagination {"],
        )?;
        put(&mut out, 4, &["items: ", &lit(&p.items), ","])?;
        let (path, fields): (&str, Vec<(&str, String)>) = match &p.style {
            PageStyle::Cursor { param, next } => {
                ("Cursor", vec![("param", lit(param)), ("next", lit(next))])
            }
            PageStyle::HasMore {
                param,
                has_more,
                id,
            } => (
                "HasMore",
                vec![
                    ("param", lit(param)),
                    ("has_more", lit(has_more)),
                    ("id", lit(id)),
                ],
            ),
            PageStyle::Offset { param, limit_param } => (
                "Offset",
                vec![
                    ("param", lit(param)),
                    (
                        "limit_param",
                        match limit_param {
                            Some(l) => cat(&["Some(", &lit(l), ")"]),
                            None => "None".to_string(),
                        },
                    ),
                ],
            ),
            PageStyle::PageNumber { param, first } => (
                "PageNumber",
                vec![("param", lit(param)), ("first", first.to_string())],
            ),
            PageStyle::NextUrl { next } => ("NextUrl", vec![("next", lit(next))]),
            PageStyle::LinkHeader => ("LinkHeader", Vec::new()),
        };
        if fields.is_empty() {
            put(&mut out, 4, &["style: rt::PageStyle::", path, ","])?;
        } else {
            struct_literal(
                &mut out,
                4,
                "style: ",
                &cat(&["rt::PageStyle::", path]),
                &fields,
                ",",
            )?;
        }
        out.push_str("};\n");
    }
    Some(out)
}

/// The builder's fields in declaration order: `(name, type)`.
fn builder_fields(api: &Api, op: &Operation) -> Vec<(String, String)> {
    let required = required_params(op);
    let mut fields = vec![("client".to_string(), "rt::Client".to_string())];
    for p in &op.params {
        let t = param_ty(api, p);
        let t = if required.iter().any(|r| std::ptr::eq(*r, p)) {
            t
        } else {
            cat(&["Option<", &t, ">"])
        };
        fields.push((p.name.clone(), t));
    }
    if let Some(body) = &op.body {
        let stored = body_stored_ty(api, body);
        let t = if body.required {
            stored
        } else {
            cat(&["Option<", &stored, ">"])
        };
        fields.push(("body".to_string(), t));
    }
    fields.push(("options".to_string(), "rt::RequestOptions".to_string()));
    if op.pagination.is_some() {
        fields.push(("start".to_string(), "Option<rt::PageToken>".to_string()));
    }
    fields
}

/// The builder's definition.
fn definition(api: &Api, group: &Group, op: &Operation) -> Option<String> {
    let fields = builder_fields(api, op);
    let mut out = String::with_capacity(300 + 40 * fields.len());
    rustdoc_lines(&mut out, 0, &builder_doc_text(group, op));
    if op.deprecated {
        out.push_str("#[deprecated]\n");
    }
    out.push_str(
        "#[derive(Debug, Clone)]\n#[must_use = \"a request builder does nothing until `send()` is awaited\"]\n",
    );
    line(&mut out, 0, &["pub struct ", &op.builder, " {"])?;
    for (name, t) in &fields {
        field_line(&mut out, "", name, t)?;
    }
    out.push_str("}\n");
    Some(out)
}

/// `impl Builder`: constructor, setters, `options`, `request`, `send`, `send_with_response` and,
/// when the operation pages, `start_from`, `pages` and `items`.
fn methods(api: &Api, op: &Operation) -> Option<String> {
    let mut out = String::with_capacity(2000);
    line(&mut out, 0, &["impl ", &op.builder, " {"])?;
    constructor(&mut out, api, op)?;
    setters(&mut out, api, op)?;
    out.push_str(
        "    /// Per-call options: timeout, retries, extra headers, idempotency key.
    pub fn options(mut self, options: rt::RequestOptions) -> Self {
        self.options = options;
        self
    }
",
    );
    request(&mut out, api, op)?;
    send(&mut out, api, op)?;
    if op.pagination.is_some() {
        pagination_methods(&mut out, api, op)?;
    }
    out.push_str("}\n");
    Some(out)
}

fn constructor(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    let required = required_params(op);
    let mut params = vec!["client: rt::Client".to_string()];
    for p in &required {
        params.push(cat(&[&p.name, ": ", &param_ty(api, p)]));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        params.push(cat(&["body: ", &body_stored_ty(api, body)]));
    }
    signature(out, 4, "fn new", &params, "Self")?;
    out.push_str("        Self {\n            client,\n");
    for p in &op.params {
        if required.iter().any(|r| std::ptr::eq(*r, p)) {
            line(out, 12, &[&p.name, ","])?;
        } else {
            line(out, 12, &[&p.name, ": None,"])?;
        }
    }
    match &op.body {
        Some(b) if b.required => out.push_str("            body,\n"),
        Some(_) => out.push_str("            body: None,\n"),
        None => {}
    }
    out.push_str("            options: Default::default(),\n");
    if op.pagination.is_some() {
        out.push_str("            start: None,\n");
    }
    out.push_str("        }\n    }\n");
    Some(())
}

/// `pub fn {name}(mut self, {arg}) -> Self { {lhs} = {wrapper}({value}); self }`.
fn setter(
    out: &mut String,
    name: &str,
    arg: &str,
    lhs: &str,
    wrapper: &str,
    value: &str,
) -> Option<()> {
    signature(
        out,
        4,
        &cat(&["pub fn ", name]),
        &["mut self".to_string(), arg.to_string()],
        "Self",
    )?;
    assign_call(out, 8, lhs, wrapper, value)?;
    out.push_str("        self\n    }\n");
    Some(())
}

fn setters(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    let required = required_params(op);
    for p in op
        .params
        .iter()
        .filter(|p| !required.iter().any(|r| std::ptr::eq(*r, *p)))
    {
        let (a, v) = arg(api, &p.name, &p.ty, &param_ty(api, p));
        match &p.doc {
            Some(doc) => doc_lines(out, 4, doc),
            None => doc_lines(
                out,
                4,
                &cat(&[
                    "Sets the `",
                    &p.wire,
                    "` ",
                    location_word(p.location),
                    " parameter.",
                ]),
            ),
        }
        if p.deprecated {
            out.push_str("    #[deprecated]\n");
        }
        setter(out, &p.name, &a, &cat(&["self.", &p.name]), "Some", &v)?;
    }
    let Some(body) = op.body.as_ref().filter(|b| !b.required) else {
        return Some(());
    };
    doc_lines(
        out,
        4,
        body.doc.as_deref().unwrap_or("Sets the request body."),
    );
    let (a, v) = body_arg(api, body);
    setter(out, "body", &a, "self.body", "Some", &v)?;
    let boxed = super::ops::boxed_body_fields(api, body);
    for s in &body.field_setters {
        let (a, v) = arg(api, &s.method, &s.ty, &ty_text(api, &s.ty, PLACE));
        let v = if boxed.contains(&s.field.as_str()) {
            cat(&["Box::new(", &v, ")"])
        } else {
            v
        };
        match &s.doc {
            Some(doc) => doc_lines(out, 4, doc),
            None => doc_lines(out, 4, &cat(&["Sets the body's `", &s.field, "` field."])),
        }
        let lhs = cat(&["self.body.get_or_insert_with(Default::default).", &s.field]);
        let wrapper = if s.tristate {
            "rt::Nullable::Value"
        } else {
            "Some"
        };
        setter(out, &s.method, &a, &lhs, wrapper, &v)?;
    }
    Some(())
}

/// `request.{method}({args});` at `indent`.
fn call(out: &mut String, indent: usize, method: &str, args: &[&str]) -> Option<()> {
    method_call(out, indent, "request", method, args, &STATEMENT)
}

/// The statements that put `value` (the body) on the request at `indent`: one media type's
/// encoding, or a `match` over the body enum's variants with one arm per media type.
fn body_encoding(
    out: &mut String,
    api: &Api,
    indent: usize,
    body: &Body,
    value: &str,
) -> Option<()> {
    let Some(name) = &body.enum_name else {
        return encode(out, api, indent, &body.variants[0], value);
    };
    line(out, indent, &["match ", value, " {"])?;
    for variant in &body.variants {
        line(
            out,
            indent + 4,
            &[name, "::", &variant.name, "(inner) => {"],
        )?;
        encode(out, api, indent + 8, variant, "inner")?;
        put(out, indent + 4, &["}"])?;
    }
    put(out, indent, &["}"])
}

/// One media type's encoding of `value` at `indent`.
fn encode(
    out: &mut String,
    api: &Api,
    indent: usize,
    variant: &BodyVariant,
    value: &str,
) -> Option<()> {
    match &variant.kind {
        BodyKind::Json(_) => call(out, indent, "json", &[value]),
        BodyKind::Form(_) => call(out, indent, "form", &[value]),
        BodyKind::Bytes => call(
            out,
            indent,
            "body_bytes",
            &[
                &lit(&variant.media_type),
                &cat(&["Clone::clone(", value, ")"]),
            ],
        ),
        BodyKind::Text => call(
            out,
            indent,
            "body_text",
            &[
                &lit(&variant.media_type),
                &cat(&["Clone::clone(", value, ")"]),
            ],
        ),
        BodyKind::Multipart(m) => multipart(out, api, indent, m, value),
    }
}

/// A multipart body: `let body = {value};`, a form with one statement per part (inside an
/// `if let` for a field that may be absent), then `request.multipart(form);`.
fn multipart(
    out: &mut String,
    api: &Api,
    indent: usize,
    m: &MultipartBody,
    value: &str,
) -> Option<()> {
    line(out, indent, &["let body = ", value, ";"])?;
    line(out, indent, &["let mut form = rt::Multipart::new();"])?;
    let fields = match &api.ty(m.ty).kind {
        TypeKind::Struct(s) => s.fields.as_slice(),
        _ => &[],
    };
    for part in &m.parts {
        let field = cat(&["&body.", &part.field]);
        let presence = fields
            .iter()
            .find(|f| f.name == part.field)
            .map(|f| f.presence);
        let pattern = match presence {
            Some(Presence::Required | Presence::Defaulted) | None => {
                form_part(out, indent, part, &field)?;
                continue;
            }
            Some(Presence::Optional | Presence::RequiredNullable) => "Some(value)",
            Some(Presence::OptionalNullable) => "rt::Nullable::Value(value)",
        };
        block_header(out, indent, &cat(&["if let ", pattern, " ="]), &field)?;
        form_part(out, indent + 4, part, "value")?;
        put(out, indent, &["}"])?;
    }
    call(out, indent, "multipart", &["form"])
}

/// `{head} {expr} {` opening a block at `indent`. When that does not fit, the brace goes on a
/// line of its own, and when `{head} {expr}` does not fit either, `expr` (a field access behind
/// a reference) breaks before its `.`.
fn block_header(out: &mut String, indent: usize, head: &str, expr: &str) -> Option<()> {
    let len = indent + head.len() + 1 + expr.len();
    if layout(len + 2) == Layout::Flat {
        return put(out, indent, &[head, " ", expr, " {"]);
    }
    if layout(len) == Layout::Flat {
        put(out, indent, &[head, " ", expr])?;
    } else if expr.starts_with('&') && expr.contains('.') {
        let (base, field) = expr.split_once('.')?;
        line(out, indent, &[head, " ", base])?;
        put(out, indent + 4, &[".", field])?;
    } else {
        return None;
    }
    put(out, indent, &["{"])
}

/// `form = form.{file,text,json}(…);` for one part whose value is `value`, at `indent`; a `for`
/// loop for a list of files.
fn form_part(out: &mut String, indent: usize, part: &MultipartPart, value: &str) -> Option<()> {
    let wire = lit(&part.wire);
    let add = |out: &mut String, indent: usize, method: &str, arg: &str| {
        method_call(
            out,
            indent,
            "form = form",
            method,
            &[&wire, arg],
            &STATEMENT,
        )
    };
    match part.kind {
        PartKind::File => add(out, indent, "file", &cat(&["Clone::clone(", value, ")"])),
        PartKind::Files => {
            block_header(out, indent, "for file in", value)?;
            add(out, indent + 4, "file", "file.clone()")?;
            put(out, indent, &["}"])
        }
        PartKind::Text => add(
            out,
            indent,
            "text",
            &cat(&["ToString::to_string(", value, ")"]),
        ),
        PartKind::Json => add(out, indent, "json", value),
    }
}

/// `fn request`: the path, parameters, body, page token and options.
fn request(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    if op.pagination.is_some() {
        out.push_str(
            "    fn request(&self, token: Option<&rt::PageToken>) -> rt::RequestBuilder {\n",
        );
    } else {
        out.push_str("    fn request(&self) -> rt::RequestBuilder {\n");
    }
    let name = static_name_text(op, "");
    let flat = cat(&["let mut request = self.client.request(&", &name, ");"]);
    if layout(8 + flat.len()) == Layout::Flat {
        put(out, 8, &[&flat])?;
    } else {
        // A chain too long for its line breaks before each method, then in the arguments.
        out.push_str("        let mut request = self\n            .client\n");
        let arg = cat(&["&", &name]);
        if layout(12 + ".request();".len() + arg.len()) == Layout::Flat {
            put(out, 12, &[".request(", &arg, ");"])?;
        } else {
            call_broken(out, 12, ".request", &[&arg], &STATEMENT)?;
        }
    }
    for part in &op.path_parts {
        match part {
            PathPart::Literal(l) => call(out, 8, "path_literal", &[&lit(l)])?,
            PathPart::Param(i) => call(
                out,
                8,
                "path_param",
                &[&cat(&["&self.", &op.params[*i].name])],
            )?,
        }
    }
    for p in &op.params {
        let wire = lit(&p.wire);
        let value = cat(&["&self.", &p.name]);
        match p.location {
            ParamLocation::Path => {}
            ParamLocation::Query => match (p.style, p.explode) {
                (QueryStyle::Form, true) => call(out, 8, "query", &[&wire, &value])?,
                (style, explode) => {
                    let style = match style {
                        QueryStyle::Form => "rt::ParamStyle::Form",
                        QueryStyle::SpaceDelimited => "rt::ParamStyle::SpaceDelimited",
                        QueryStyle::PipeDelimited => "rt::ParamStyle::PipeDelimited",
                        QueryStyle::DeepObject => "rt::ParamStyle::DeepObject",
                    };
                    let explode = explode.to_string();
                    call(out, 8, "query_styled", &[&wire, &value, style, &explode])?
                }
            },
            ParamLocation::Header => call(out, 8, "header", &[&wire, &value])?,
            ParamLocation::Cookie => call(out, 8, "cookie", &[&wire, &value])?,
        }
    }
    if let Some(body) = &op.body {
        if body.required {
            body_encoding(out, api, 8, body, "&self.body")?;
        } else {
            out.push_str("        if let Some(body) = &self.body {\n");
            body_encoding(out, api, 12, body, "body")?;
            out.push_str("        }\n");
        }
    }
    if op.pagination.is_some() {
        out.push_str("        if let Some(token) = token {\n");
        method_call(
            out,
            12,
            "request",
            "page_token",
            &[
                &cat(&["&", &static_name_text(op, "_PAGINATION"), ".style"]),
                "token",
            ],
            &STATEMENT,
        )?;
        out.push_str("        }\n");
    }
    out.push_str("        request.options(self.options.clone());\n        request\n    }\n");
    Some(())
}

/// `send` and `send_with_response`.
fn send(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    let value = success_ty(api, op)?;
    let err = error_ty(op);
    let receiver = ["self".to_string()];
    out.push_str(
        "    /// Sends the request and returns the decoded response (see `send_with_response`).\n",
    );
    signature(
        out,
        4,
        "pub fn send",
        &receiver,
        &cat(&[
            "impl std::future::Future<Output = Result<",
            &value,
            ", rt::Error<",
            &err,
            ">>>",
        ]),
    )?;
    out.push_str("        rt::operation::value_of(self.send_with_response())\n    }\n");
    let start = out.len();
    out.push_str(
        "    /// Sends the request and returns the decoded value with the response's status,
    /// headers, rate limit, request id and `meta`.
",
    );
    signature(
        out,
        4,
        "pub fn send_with_response",
        &receiver,
        &cat(&[
            "impl std::future::Future<Output = Result<rt::Response<",
            &value,
            ">, rt::Error<",
            &err,
            ">>>",
        ]),
    )?;
    if op.pagination.is_some() {
        out.push_str("        let request = self.request(self.start.as_ref());\n");
    } else {
        out.push_str("        let request = self.request();\n");
    }
    let case = match &op.success {
        Success::Single(case) => case,
        Success::Enum { name, cases } => {
            if dispatch(out, op, name, cases).is_none() {
                #[cfg(test)]
                DISPATCH_FALLBACKS.with(|n| n.set(n.get() + 1));
                // A line of the dispatch is laid out in a way not modelled here: the method
                // alone is formatted from its tokens.
                out.truncate(start);
                return formatted_method(out, &op.builder, super::ops::send_with_response(api, op));
            }
            return Some(());
        }
    };
    let tail = End {
        text: "",
        counted: true,
    };
    match super::ops::decoder_name(&case.decode) {
        Some(decoder) => method_call(
            out,
            8,
            "self.client",
            "send",
            &["request", &cat(&["rt::RawResponse::", decoder])],
            &tail,
        )?,
        None => method_call(
            out,
            8,
            "self.client",
            "send_page",
            &[
                "request",
                &cat(&["&", &static_name_text(op, "_PAGINATION")]),
            ],
            &tail,
        )?,
    }
    out.push_str("    }\n");
    Some(())
}

/// A response enum's dispatch: a closure that matches on the status and decodes the body into
/// the case's variant (any other success status decodes as the first case).
fn dispatch(
    out: &mut String,
    op: &Operation,
    name: &str,
    cases: &[crate::ir::ResponseCase],
) -> Option<()> {
    // The closure's block spans lines, so the call breaks before `.send` and between its
    // arguments.
    out.push_str(
        "        self.client
            .send(
                request,
                |response: rt::RawResponse| {
                    match response.status() {
",
    );
    let mut arms: Vec<(String, &crate::ir::ResponseCase)> = ordered(cases)
        .into_iter()
        .map(|c| (status_pattern(c.status), c))
        .collect();
    if !cases.iter().any(|c| c.status == Status::Default) {
        arms.push(("_".to_string(), &cases[0]));
    }
    for (pattern, case) in arms {
        let call = match super::ops::decoder_name(&case.decode) {
            Some(decoder) => cat(&[".", decoder, "()"]),
            None => cat(&[".decode_page(&", &static_name_text(op, "_PAGINATION"), ")"]),
        };
        let variant = cat(&[name, "::", &case.variant]);
        let wrap = if case.decode == Decode::Empty {
            cat(&["|()| ", &variant])
        } else {
            variant
        };
        let map = cat(&[".map(|r| r.map(", &wrap, "))"]);
        let flat = cat(&["response", &call, &map]);
        // The arm's comma is written only when it stays flat, so it is not counted.
        if layout(24 + pattern.len() + 4 + flat.len()) == Layout::Flat {
            put(out, 24, &[&pattern, " => ", &flat, ","])?;
            continue;
        }
        put(out, 24, &[&pattern, " => {"])?;
        if layout(28 + flat.len()) == Layout::Flat {
            put(out, 28, &[&flat])?;
        } else {
            out.push_str("                            response\n");
            line(out, 32, &[&call])?;
            closure_map(out, &wrap)?;
        }
        put(out, 24, &["}"])?;
    }
    out.push_str(
        "                    }
                },
            )
    }
",
    );
    Some(())
}

/// `.map(|r| r.map(W))` on its own line at column 32 of a dispatch arm, as `prettyplease` lays
/// it out. Here each line of it stays whole while its text (without indentation) is at most
/// [`CLOSURE_LINE`] bytes, which lets it run up to 3 columns past the margin at this depth (and
/// its inner lines 7 and 11): the closure's body breaks into a block, then the body's call
/// before `.map`, then the call's argument (a `|()|` closure's body into a block).
fn closure_map(out: &mut String, wrap: &str) -> Option<()> {
    let flat = cat(&[".map(|r| r.map(", wrap, "))"]);
    if flat.len() <= CLOSURE_LINE {
        return put(out, 32, &[&flat]);
    }
    put(out, 32, &[".map(|r| {"])?;
    let body = cat(&["r.map(", wrap, ")"]);
    if body.len() <= CLOSURE_LINE {
        put(out, 36, &[&body])?;
    } else {
        put(out, 36, &["r"])?;
        let call = cat(&[".map(", wrap, ")"]);
        if call.len() <= CLOSURE_LINE {
            put(out, 40, &[&call])?;
        } else if let Some(path) = wrap.strip_prefix("|()| ") {
            put(out, 40, &[".map(|()| {"])?;
            put(out, 44, &[path])?;
            put(out, 40, &["})"])?;
        } else {
            put(out, 40, &[".map("])?;
            put(out, 44, &[wrap, ","])?;
            put(out, 40, &[")"])?;
        }
    }
    put(out, 32, &["})"])
}

/// The longest line [`closure_map`] keeps whole (its indentation not counted).
const CLOSURE_LINE: usize = 60;

#[cfg(test)]
thread_local! {
    /// How many dispatches were formatted from tokens (the sweep tests require none).
    static DISPATCH_FALLBACKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A method formatted from its tokens inside `impl Builder { … }`, whose first and last lines
/// are dropped; `None` if the tokens do not format (the whole part then falls back to tokens,
/// which reports the error).
fn formatted_method(out: &mut String, ty: &str, method: TokenStream) -> Option<()> {
    let name = super::ident(ty);
    let text = crate::krate::format("", quote::quote!(impl #name { #method })).ok()?;
    let body = text
        .strip_prefix(&cat(&["impl ", ty, " {\n"]))?
        .strip_suffix("}\n")?;
    out.push_str(body);
    Some(())
}

/// `start_from`, `pages` and `items`.
fn pagination_methods(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    let p = op.pagination.as_ref()?;
    let item = ty_text(api, &p.item, PLACE);
    let meta = meta_ty(api, op);
    let err = error_ty(op);
    let receiver = ["self".to_string()];
    out.push_str(
        "    /// Starts from a saved [`PageToken`](rt::PageToken) (a page's `next`) instead of the
    /// first page, so a job can resume where it stopped.
    pub fn start_from(mut self, token: rt::PageToken) -> Self {
        self.start = Some(token);
        self
    }
    /// Every page, fetched lazily: the next page is requested only when the stream is
    /// polled past the current one.
",
    );
    signature(
        out,
        4,
        "pub fn pages",
        &receiver,
        &cat(&["rt::PageStream<", &item, ", ", &meta, ", ", &err, ">"]),
    )?;
    out.push_str(
        "        let client = self.client.clone();\n        let start = self.start.clone();\n",
    );
    let pagination = cat(&["&", &static_name_text(op, "_PAGINATION")]);
    let args = [
        "client",
        pagination.as_str(),
        "start",
        "move |token| self.request(token)",
    ];
    let flat = cat(&["rt::PageStream::new(", &args.join(", "), ")"]);
    if layout(8 + flat.len()) == Layout::Flat {
        put(out, 8, &[&flat])?;
    } else {
        call_broken(
            out,
            8,
            "rt::PageStream::new",
            &args,
            &End {
                text: "",
                counted: true,
            },
        )?;
    }
    out.push_str("    }\n    /// Every item of every page, fetched lazily, in constant memory.\n");
    signature(
        out,
        4,
        "pub fn items",
        &receiver,
        &cat(&["rt::ItemStream<", &item, ", ", &meta, ", ", &err, ">"]),
    )?;
    out.push_str("        self.pages().items()\n    }\n");
    Some(())
}

/// `src/client.rs`'s items as `prettyplease` prints [`super::ops::root_tokens`]: the module's
/// doc and import, the API's `ApiInfo`, `Client`'s constructors, one accessor per group and the
/// typed `error_code`. `None` when a line's layout is not modelled here (a literal or a name too
/// long for its line).
pub(super) fn root(
    api: &Api,
    crate_name: &str,
    env_prefix: &str,
    features: bool,
) -> Option<String> {
    let mut out = String::with_capacity(1200 + 400 * api.groups.len());
    out.push_str(
        "//! Client construction and the resource accessors.
use super::runtime;
/// What the runtime needs to know about this API.
static API_INFO: runtime::ApiInfo = runtime::ApiInfo {
",
    );
    line(&mut out, 4, &["crate_name: ", &lit(crate_name), ","])?;
    out.push_str("    crate_version: env!(\"CARGO_PKG_VERSION\"),\n");
    match &api.default_base_url {
        Some(url) => line(&mut out, 4, &["default_base_url: Some(", &lit(url), "),"])?,
        None => out.push_str("    default_base_url: None,\n"),
    }
    line(&mut out, 4, &["env_prefix: ", &lit(env_prefix), ","])?;
    let schemes: Vec<String> = api
        .auth
        .iter()
        .map(|a| match a {
            AuthScheme::Bearer => "runtime::AuthScheme::Bearer".to_string(),
            AuthScheme::Basic => "runtime::AuthScheme::Basic".to_string(),
            AuthScheme::ApiKeyHeader(n) => {
                cat(&["runtime::AuthScheme::ApiKeyHeader(", &lit(n), ")"])
            }
            AuthScheme::ApiKeyQuery(n) => cat(&["runtime::AuthScheme::ApiKeyQuery(", &lit(n), ")"]),
            AuthScheme::ApiKeyCookie(n) => {
                cat(&["runtime::AuthScheme::ApiKeyCookie(", &lit(n), ")"])
            }
        })
        .collect();
    // The struct literal's last field: its comma is written because the literal is broken and
    // does not count towards the width.
    let flat = schemes.join(", ");
    if layout(4 + "auth: &[".len() + flat.len() + 1) == Layout::Flat {
        put(&mut out, 4, &["auth: &[", &flat, "],"])?;
    } else {
        out.push_str("    auth: &[\n");
        for scheme in &schemes {
            line(&mut out, 8, &[scheme, ","])?;
        }
        out.push_str("    ],\n");
    }
    out.push_str(
        "};
impl runtime::Client {
    /// Starts configuring a client.
    pub fn builder() -> runtime::ClientBuilder {
        runtime::ClientBuilder::new(&API_INFO)
    }
",
    );
    doc_attr(&mut out, 4, &from_env_doc(env_prefix))?;
    out.push_str(
        "    pub fn from_env() -> Result<runtime::Client, runtime::BuildError> {
        runtime::ClientBuilder::new(&API_INFO).from_env()?.build()
    }
",
    );
    for g in &api.groups {
        accessor(&mut out, g, features)?;
    }
    out.push_str("}\n");
    if let Some(code) = &api.error_code {
        let t = api.ty(code.ty);
        if features && let Some(features) = super::cfg_features(api, &t.groups) {
            out.push_str(&super::text::cfg_attribute(&features));
        }
        out.push_str(
            "impl<E> runtime::ApiError<E> {
    /// The error envelope's machine-readable `code`, typed; unknown codes are kept in
    /// the enum's `Unknown` variant.
",
        );
        let name = &t.name;
        signature(
            &mut out,
            4,
            "pub fn error_code",
            &["&self".to_string()],
            &cat(&["Option<super::models::", name, ">"]),
        )?;
        method_call(
            &mut out,
            8,
            "self.code()",
            "map",
            &[&cat(&["super::models::", name, "::from"])],
            &End {
                text: "",
                counted: true,
            },
        )?;
        out.push_str("    }\n}\n");
    }
    Some(out)
}

/// `Client::{module}()`: the group's handle. Paths are never broken: a long one runs past the
/// margin.
fn accessor(out: &mut String, g: &Group, features: bool) -> Option<()> {
    doc_lines(out, 4, &accessor_doc(g));
    if features {
        let feature = lit(&super::feature_name(&g.module));
        line(out, 4, &["#[cfg(feature = ", &feature, ")]"])?;
    }
    let handle = cat(&["super::apis::", &g.module, "::", &g.handle]);
    let head = cat(&["pub fn ", &g.module]);
    if layout(4 + head.len() + "(&self) -> ".len() + handle.len() + 2) == Layout::Flat {
        put(out, 4, &[&head, "(&self) -> ", &handle, " {"])?;
    } else {
        line(out, 4, &[&head, "("])?;
        out.push_str("        &self,\n");
        put(out, 4, &[") -> ", &handle, " {"])?;
    }
    if layout(8 + handle.len() + "::new(self.clone())".len()) == Layout::Flat {
        put(out, 8, &[&handle, "::new(self.clone())"])?;
    } else {
        put(out, 8, &[&handle, "::new("])?;
        out.push_str("            self.clone(),\n        )\n");
    }
    out.push_str("    }\n");
    Some(())
}

/// A group's handle: the struct and one method per operation (a waiter is formatted from its
/// tokens, alone).
pub(super) fn group_handle(api: &Api, g: &Group) -> Option<String> {
    let mut out = String::with_capacity(600 * g.operations.len() + 300);
    doc_attr(
        &mut out,
        0,
        &cat(&[
            "Operations tagged `",
            &g.tag,
            "`: get one with `Client::",
            &g.module,
            "`.",
        ]),
    )?;
    out.push_str("#[derive(Debug, Clone)]\n");
    line(&mut out, 0, &["pub struct ", &g.handle, " {"])?;
    out.push_str("    client: rt::Client,\n}\n");
    line(&mut out, 0, &["impl ", &g.handle, " {"])?;
    out.push_str(
        "    pub(crate) fn new(client: rt::Client) -> Self {\n        Self { client }\n    }\n",
    );
    for op in &g.operations {
        handle_method(&mut out, api, op)?;
    }
    for op in &g.operations {
        if let Some(waiter) = super::ops::waiter_method(api, op) {
            formatted_method(&mut out, &g.handle, waiter)?;
        }
    }
    out.push_str("}\n");
    Some(out)
}

/// `pub fn {method}(&self, {required}) -> {Builder} { {Builder}::new(self.client.clone(), …) }`.
fn handle_method(out: &mut String, api: &Api, op: &Operation) -> Option<()> {
    doc_lines(out, 4, &super::ops::op_doc(op));
    if op.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    let mut params = vec!["&self".to_string()];
    let mut values = vec!["self.client.clone()".to_string()];
    for p in required_params(op) {
        let (a, v) = arg(api, &p.name, &p.ty, &param_ty(api, p));
        params.push(a);
        values.push(v);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let (a, v) = body_arg(api, body);
        params.push(a);
        values.push(v);
    }
    signature(
        out,
        4,
        &cat(&["pub fn ", &op.method_name]),
        &params,
        &op.builder,
    )?;
    let callee = cat(&[&op.builder, "::new"]);
    let flat = cat(&[&callee, "(", &values.join(", "), ")"]);
    if layout(8 + flat.len()) == Layout::Flat {
        put(out, 8, &[&flat])?;
    } else {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        call_broken(
            out,
            8,
            &callee,
            &values,
            &End {
                text: "",
                counted: true,
            },
        )?;
    }
    out.push_str("    }\n");
    Some(())
}

/// `/// {text}` for a `#[doc = " {text}"]` written as one attribute.
fn doc_attr(out: &mut String, indent: usize, text: &str) -> Option<()> {
    if text.contains(['\n', '\r']) {
        return None;
    }
    rustdoc_lines(out, indent, text);
    Some(())
}

const LARGE_VARIANTS: &str =
    "#[allow(clippy::large_enum_variant, reason = \"variants mirror the documented responses\")]\n";

fn body_enum(api: &Api, op: &Operation) -> Option<String> {
    let Some((body, name)) = op
        .body
        .as_ref()
        .and_then(|b| b.enum_name.as_ref().map(|n| (b, n)))
    else {
        return Some(String::new());
    };
    let mut out = String::with_capacity(300);
    doc_attr(
        &mut out,
        0,
        &cat(&[
            "The request body of [`",
            &op.builder,
            "`], in one of the media types the operation accepts.",
        ]),
    )?;
    out.push_str("#[derive(Debug, Clone)]\n");
    put(&mut out, 0, &["pub enum ", name, " {"])?;
    for v in &body.variants {
        doc_attr(&mut out, 4, &cat(&["Sent as `", &v.media_type, "`."]))?;
        line(
            &mut out,
            4,
            &[&v.name, "(", &body_variant_ty(api, &v.kind), "),"],
        )?;
    }
    out.push_str("}\n");
    Some(out)
}

fn response_enum(api: &Api, op: &Operation) -> Option<String> {
    let Success::Enum { name, cases } = &op.success else {
        return Some(String::new());
    };
    let mut out = String::with_capacity(400);
    let doc = cat(&[
        "What [`",
        &op.builder,
        "`] returns: one variant per documented success status.",
    ]);
    cases_enum(&mut out, api, op, &doc, "", name, cases)?;
    Some(out)
}

/// An enum with one variant per response case, each documented with its status.
fn cases_enum(
    out: &mut String,
    api: &Api,
    op: &Operation,
    doc: &str,
    attrs: &str,
    name: &str,
    cases: &[crate::ir::ResponseCase],
) -> Option<()> {
    doc_attr(out, 0, doc)?;
    out.push_str("#[derive(Debug, Clone)]\n");
    out.push_str(attrs);
    out.push_str(LARGE_VARIANTS);
    put(out, 0, &["pub enum ", name, " {"])?;
    for c in cases {
        let doc = docs::join(&[Some(&status_doc(c.status)), c.doc.as_deref()]);
        let t = match c.decode {
            Decode::Empty => None,
            _ => Some(decode_ty(api, op, &c.decode)?),
        };
        doc_lines(out, 4, &doc);
        variant(out, &c.variant, t.as_deref())?;
    }
    out.push_str("}\n");
    Some(())
}

fn status_pattern(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(n) => format!("{}..={}", n * 100, n * 100 + 99),
        Status::Default => "_".to_string(),
    }
}

fn error_enum(api: &Api, op: &Operation) -> Option<String> {
    let Some(e) = &op.error else {
        return Some(String::new());
    };
    let mut out = String::with_capacity(1000);
    let doc = cat(&["The documented error responses of [`", &op.builder, "`]."]);
    cases_enum(
        &mut out,
        api,
        op,
        &doc,
        "#[non_exhaustive]\n",
        &e.name,
        &e.cases,
    )?;
    error_impl(&mut out, api, e)?;
    Some(out)
}

/// An error variant's value decoded from the body.
enum Value {
    /// An expression written on one line or not at all.
    Flat(String),
    /// `{call}.ok().map({map})`, which breaks before `.ok()` and `.map`.
    Chain { call: String, map: String },
    /// `Some({variant}({inner}))`, which breaks inside each pair of parentheses.
    Some { variant: String, inner: String },
}

impl Value {
    fn flat(&self) -> String {
        match self {
            Value::Flat(text) => text.clone(),
            Value::Chain { call, map } => cat(&[call, ".ok().map(", map, ")"]),
            Value::Some { variant, inner } => cat(&["Some(", variant, "(", inner, "))"]),
        }
    }

    /// The value as a block's last expression at `indent`.
    fn write(&self, out: &mut String, indent: usize) -> Option<()> {
        let flat = self.flat();
        if layout(indent + flat.len()) == Layout::Flat {
            return put(out, indent, &[&flat]);
        }
        match self {
            Value::Flat(_) => None,
            Value::Chain { call, map } => {
                line(out, indent, &[call])?;
                put(out, indent + 4, &[".ok()"])?;
                line(out, indent + 4, &[".map(", map, ")"])
            }
            Value::Some { variant, inner } => {
                // Each call's only argument is its last, whose comma is not counted.
                put(out, indent, &["Some("])?;
                let call = cat(&[variant, "(", inner, ")"]);
                if layout(indent + 4 + call.len()) == Layout::Flat {
                    put(out, indent + 4, &[&call, ","])?;
                } else {
                    line(out, indent + 4, &[variant, "("])?;
                    line(out, indent + 8, &[inner, ","])?;
                    put(out, indent + 4, &["),"])?;
                }
                put(out, indent, &[")"])
            }
        }
    }
}

/// `impl rt::OperationError`: the status picks the variant, whose body is decoded.
fn error_impl(out: &mut String, api: &Api, e: &ErrorEnum) -> Option<()> {
    let has_default = e.cases.iter().any(|c| c.status == Status::Default);
    let mut arms = Vec::new();
    for c in ordered(&e.cases) {
        let v = &c.variant;
        let value = match &c.decode {
            Decode::Empty => Value::Flat(cat(&["Some(Self::", v, ")"])),
            Decode::Json(_) | Decode::Page => Value::Chain {
                call: "serde_json::from_slice(body)".to_string(),
                map: cat(&["Self::", v]),
            },
            Decode::Data(t) => Value::Chain {
                call: cat(&[
                    "serde_json::from_slice::<rt::Envelope<",
                    &ty_text(api, t, PLACE),
                    ">>(body)",
                ]),
                map: cat(&["|e| Self::", v, "(e.data)"]),
            },
            Decode::Text => Value::Some {
                variant: cat(&["Self::", v]),
                inner: "String::from_utf8_lossy(body).into_owned()".to_string(),
            },
            Decode::Bytes => Value::Some {
                variant: cat(&["Self::", v]),
                inner: "bytes::Bytes::copy_from_slice(body)".to_string(),
            },
        };
        arms.push((status_pattern(c.status), value));
    }
    let body = if e.cases.iter().any(|c| c.decode != Decode::Empty) {
        "body"
    } else {
        "_body"
    };
    impl_header(out, "impl rt::OperationError", &e.name);
    let overlap = e.cases.iter().any(|c| matches!(c.status, Status::Code(_)))
        && e.cases.iter().any(|c| matches!(c.status, Status::Range(_)));
    if overlap {
        out.push_str(
            "    #[allow(
        clippy::match_overlapping_arm,
        reason = \"exact statuses take precedence over their range\"
    )]
",
        );
    }
    match arms.as_slice() {
        [(_, value)] if has_default => {
            let _ = writeln!(
                out,
                "    fn from_response(_status: u16, {body}: &[u8]) -> Option<Self> {{"
            );
            value.write(out, 8)?;
        }
        _ => {
            let _ = writeln!(
                out,
                "    fn from_response(status: u16, {body}: &[u8]) -> Option<Self> {{\n        match status {{"
            );
            for (pattern, value) in &arms {
                // An arm's trailing comma is written only when it stays flat, so it is not
                // counted; a broken arm's value goes in braces.
                let flat = value.flat();
                if layout(12 + pattern.len() + 4 + flat.len()) == Layout::Flat {
                    put(out, 12, &[pattern, " => ", &flat, ","])?;
                } else {
                    put(out, 12, &[pattern, " => {"])?;
                    value.write(out, 16)?;
                    put(out, 12, &["}"])?;
                }
            }
            if !has_default {
                out.push_str("            _ => None,\n");
            }
            out.push_str("        }\n");
        }
    }
    out.push_str("    }\n}\n");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::ops::operation_items;
    use crate::ir::{
        Api, Body, BodyFieldSetter, BodyKind, BodyVariant, Decode, ErrorEnum, Field, Group,
        MultipartBody, MultipartPart, Operation, PageStyle, Pagination, Param, ParamLocation,
        PartKind, PathPart, Presence, Prim, QueryStyle, ResponseCase, Status, StructDef, Success,
        TypeDef, TypeId, TypeKind, TypeRef,
    };

    fn field(name: &str, boxed: bool, presence: Presence) -> Field {
        Field {
            name: name.to_string(),
            wire: name.to_string(),
            ty: TypeRef::Prim(Prim::String),
            presence,
            boxed,
            default: None,
            doc: None,
            deprecated: false,
        }
    }

    /// A field whose name is `len` bytes longer than usual.
    fn long_field(len: usize) -> String {
        format!("long_field{}", "f".repeat(len))
    }

    /// A model whose name is `len` bytes longer than usual, with fields for body setters.
    fn api(len: usize) -> Api {
        let thing = StructDef {
            fields: vec![
                field("name", false, Presence::Optional),
                field("parent", true, Presence::Optional),
                field("note", false, Presence::OptionalNullable),
                field(&long_field(len), false, Presence::OptionalNullable),
            ],
            additional: None,
            additional_name: "additional_properties".into(),
            all_optional: true,
        };
        let ty = |name: String, s: &StructDef| TypeDef {
            pointer: format!("#/components/schemas/{name}"),
            name,
            doc: None,
            deprecated: false,
            nullable: false,
            kind: TypeKind::Struct(s.clone()),
            groups: Default::default(),
        };
        Api::with_types(vec![
            ty(format!("Thing{}", "T".repeat(len)), &thing),
            ty("Meta".to_string(), &thing),
        ])
    }

    fn named(i: usize) -> TypeRef {
        TypeRef::Named(TypeId(i))
    }

    fn param(name: &str, location: ParamLocation, ty: TypeRef, required: bool) -> Param {
        Param {
            name: name.to_string(),
            wire: name.to_string(),
            location,
            ty,
            required,
            style: QueryStyle::Form,
            explode: true,
            doc: None,
            deprecated: false,
        }
    }

    fn media(name: &str, media_type: &str, kind: BodyKind) -> BodyVariant {
        BodyVariant {
            name: name.to_string(),
            media_type: media_type.to_string(),
            kind,
        }
    }

    fn body(required: bool, variants: Vec<BodyVariant>) -> Body {
        Body {
            required,
            doc: None,
            variants,
            enum_name: None,
            field_setters: Vec::new(),
        }
    }

    fn case(status: Status, variant: &str, decode: Decode) -> ResponseCase {
        ResponseCase {
            status,
            variant: variant.to_string(),
            decode,
            doc: Some(format!("The {variant} case.")),
        }
    }

    /// Operations of every shape `ops_text` writes, with names `len` bytes longer than usual.
    fn operations(len: usize) -> Vec<Operation> {
        let long = |base: &str| format!("{base}{}", "x".repeat(len));
        let base = |name: &str| {
            let builder = format!("{name}{}", "B".repeat(len));
            Operation {
                id: long(name),
                pointer: String::new(),
                method: "GET".into(),
                path: format!("/{}", long("things")),
                method_name: long("get"),
                builder: builder.clone(),
                summary: Some(format!("Does {name}.")),
                description: None,
                deprecated: false,
                path_parts: vec![PathPart::Literal(format!("/{}", long("things")))],
                params: Vec::new(),
                body: None,
                success: Success::Single(case(Status::Code(200), "Ok", Decode::Json(named(0)))),
                error: None,
                pagination: None,
                idempotency_header: None,
                authenticated: true,
                waiter: None,
            }
        };
        let mut ops = Vec::new();

        let mut get = base("GetThing");
        get.path_parts.push(PathPart::Param(0));
        get.params = vec![
            param(
                &long("thing_id"),
                ParamLocation::Path,
                TypeRef::Prim(Prim::String),
                true,
            ),
            param(
                &long("count"),
                ParamLocation::Query,
                TypeRef::Prim(Prim::I64),
                true,
            ),
            param(
                &long("filter"),
                ParamLocation::Query,
                TypeRef::Prim(Prim::String),
                false,
            ),
            Param {
                style: QueryStyle::DeepObject,
                explode: false,
                ..param(&long("deep"), ParamLocation::Query, named(0), false)
            },
            param(
                &long("trace"),
                ParamLocation::Header,
                TypeRef::Prim(Prim::String),
                false,
            ),
            param(
                &long("session"),
                ParamLocation::Cookie,
                TypeRef::Prim(Prim::String),
                false,
            ),
        ];
        get.error = Some(ErrorEnum {
            name: format!("GetThingError{}", "E".repeat(len)),
            cases: vec![
                case(Status::Code(404), "NotFound", Decode::Json(named(0))),
                case(
                    Status::Range(4),
                    &long("ClientError"),
                    Decode::Json(named(0)),
                ),
                case(Status::Default, "Other", Decode::Empty),
            ],
        });
        ops.push(get);

        let styles = [
            PageStyle::Cursor {
                param: long("cursor"),
                next: "/meta/next".into(),
            },
            PageStyle::HasMore {
                param: "starting_after".into(),
                has_more: "/has_more".into(),
                id: "/id".into(),
            },
            PageStyle::Offset {
                param: "offset".into(),
                limit_param: Some(long("limit")),
            },
            PageStyle::PageNumber {
                param: "page".into(),
                first: 1,
            },
            PageStyle::LinkHeader,
            PageStyle::NextUrl {
                next: long("/links/next"),
            },
        ];
        for (i, style) in styles.into_iter().enumerate() {
            let mut list = base(&format!("ListThings{i}"));
            list.params = vec![param(
                &long("q"),
                ParamLocation::Query,
                TypeRef::Prim(Prim::String),
                false,
            )];
            list.pagination = Some(Pagination {
                items: "/data".into(),
                item: named(0),
                meta: (i % 2 == 0).then(|| named(1)),
                style,
            });
            list.success = Success::Single(case(Status::Code(200), "Ok", Decode::Page));
            list.error = Some(ErrorEnum {
                name: format!("ListThingsError{}", "E".repeat(len)),
                cases: vec![case(
                    Status::Code(400),
                    "BadRequest",
                    Decode::Json(named(1)),
                )],
            });
            ops.push(list);
        }

        let mut create = base("CreateThing");
        create.method = "POST".into();
        create.idempotency_header = Some("Idempotency-Key".into());
        create.body = Some(body(
            true,
            vec![media("Json", "application/json", BodyKind::Json(named(0)))],
        ));
        create.success = Success::Enum {
            name: format!("CreateThingResponse{}", "R".repeat(len)),
            cases: vec![
                case(Status::Code(201), "Created", Decode::Json(named(0))),
                case(Status::Code(204), "NoContent", Decode::Empty),
            ],
        };
        ops.push(create);

        let mut update = base("UpdateThing");
        update.method = "PATCH".into();
        update.body = Some(Body {
            doc: Some("The changes.".into()),
            field_setters: ["name", "parent", "note", &long_field(len)]
                .iter()
                .map(|f| BodyFieldSetter {
                    method: long(f),
                    field: (*f).to_string(),
                    ty: TypeRef::Prim(Prim::String),
                    tristate: *f != "name" && *f != "parent",
                    doc: None,
                })
                .collect(),
            ..body(
                false,
                vec![media("Json", "application/json", BodyKind::Json(named(0)))],
            )
        });
        update.error = Some(ErrorEnum {
            name: "UpdateThingError".into(),
            cases: vec![
                case(Status::Code(409), &long("Conflict"), Decode::Data(named(1))),
                case(Status::Code(422), &long("Invalid"), Decode::Text),
                case(Status::Code(500), "Server", Decode::Bytes),
            ],
        });
        ops.push(update);

        let mut upload = base("UploadThing");
        upload.deprecated = true;
        upload.params = vec![Param {
            deprecated: true,
            ..param(
                &long("tag"),
                ParamLocation::Query,
                TypeRef::Vec(Box::new(named(0))),
                false,
            )
        }];
        upload.body = Some(body(
            false,
            vec![media("Bytes", "application/octet-stream", BodyKind::Bytes)],
        ));
        upload.success = Success::Single(case(Status::Code(200), "Ok", Decode::Bytes));
        ops.push(upload);

        let mut text = base("PutText");
        text.body = Some(body(
            true,
            vec![media("Text", &long("text/plain"), BodyKind::Text)],
        ));
        text.success = Success::Single(case(Status::Code(200), "Ok", Decode::Text));
        text.error = Some(ErrorEnum {
            name: "PutTextError".into(),
            cases: vec![case(
                Status::Default,
                &long("Other"),
                Decode::Json(named(1)),
            )],
        });
        ops.push(text);

        let mut choose = base("ChooseBody");
        choose.body = Some(Body {
            enum_name: Some(format!("ChooseBodyBody{}", "C".repeat(len))),
            ..body(
                false,
                vec![
                    media("Json", "application/json", BodyKind::Json(named(0))),
                    media("Text", &long("text/plain"), BodyKind::Text),
                    media("Multipart", "multipart/form-data", multipart_kind(len)),
                ],
            )
        });
        choose.success = Success::Single(case(Status::Code(204), "NoContent", Decode::Empty));
        ops.push(choose);

        let mut multipart = base("SendParts");
        multipart.body = Some(body(
            true,
            vec![media(
                "Multipart",
                "multipart/form-data",
                multipart_kind(len),
            )],
        ));
        ops.push(multipart);
        ops
    }

    /// A multipart body of the model with a part of each kind, on fields of every presence
    /// (`name` optional, `parent` optional and boxed, `note` and the long field optional and
    /// nullable, and `extra`, which the model lacks and is read as required).
    fn multipart_kind(len: usize) -> BodyKind {
        let part = |field: &str, kind: PartKind| MultipartPart {
            field: field.into(),
            wire: format!("{field}{}", "w".repeat(len)),
            kind,
            optional: true,
        };
        BodyKind::Multipart(MultipartBody {
            ty: TypeId(0),
            parts: vec![
                part("name", PartKind::Text),
                part("parent", PartKind::File),
                part("note", PartKind::Json),
                part(&long_field(len), PartKind::Text),
                part("extra", PartKind::Files),
                part("extra", PartKind::Text),
            ],
        })
    }

    /// Every shape, with names from 0 to 90 bytes longer than usual: lines cross the margin at
    /// every column. Text that is written must be what `prettyplease` prints; with names up to
    /// 16 bytes longer than usual, every part is written as text.
    #[test]
    fn chunks_are_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 0..=90 {
            let api = api(len);
            for op in operations(len) {
                let group = group(Vec::new());
                let texts = super::chunk(&api, &group, &op);
                let streams = operation_items(&api, &group, &op).into_parts();
                for (i, (text, tokens)) in texts.into_iter().zip(streams).enumerate() {
                    let expected = crate::krate::format("apis.rs", tokens).unwrap();
                    match text {
                        Some(text) => assert!(
                            text == expected,
                            "{} part {i}, names {len} longer:\n--- formatted ---\n{expected}\n--- written ---\n{text}",
                            op.id
                        ),
                        None if len <= 16 => {
                            not_written.push((op.id.clone(), i, len));
                        }
                        None => {}
                    }
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
        assert_eq!(
            super::DISPATCH_FALLBACKS.with(std::cell::Cell::get),
            0,
            "a response enum's dispatch was formatted from tokens"
        );
    }

    fn group(operations: Vec<Operation>) -> Group {
        Group {
            tag: "Things".into(),
            module: "things".into(),
            handle: "Things".into(),
            doc: None,
            operations,
        }
    }

    /// A handle with one method per shape, names from 0 to 90 bytes longer than usual: the text
    /// must be what `prettyplease` prints, and is written for names up to 16 bytes longer.
    #[test]
    fn handles_are_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 0..=90 {
            let api = api(len);
            let mut ops = operations(len);
            // Required parameters of every kind: the handle method takes them as arguments.
            for op in &mut ops {
                for p in &mut op.params {
                    p.required = true;
                }
            }
            let group = group(ops);
            let tokens = super::super::ops::group_handle_tokens(&api, &group);
            let expected = crate::krate::format("apis.rs", tokens).unwrap();
            match super::group_handle(&api, &group) {
                Some(text) => assert!(
                    text == expected,
                    "names {len} longer:\n--- formatted ---\n{expected}\n--- written ---\n{text}"
                ),
                None if len <= 16 => not_written.push(len),
                None => {}
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// The client file with names, literals and lists from 0 to 90 bytes longer than usual, with
    /// and without features: the text must be what `prettyplease` prints, and is written for
    /// names up to 35 bytes longer (a longer base URL no longer fits its line).
    #[test]
    fn client_file_is_what_prettyplease_prints_at_every_line_length() {
        use crate::ir::{AuthScheme, ErrorCodeConvention};
        let mut not_written = Vec::new();
        for len in 0..=90 {
            let grow = |k: usize, k2: usize| if k == k2 { len } else { 0 };
            let key = |k| format!("X-Key{}", "k".repeat(grow(k, 2)));
            let auths = [
                Vec::new(),
                vec![AuthScheme::ApiKeyHeader(key(1))],
                vec![AuthScheme::Bearer, AuthScheme::ApiKeyQuery(key(2))],
                vec![
                    AuthScheme::Bearer,
                    AuthScheme::Basic,
                    AuthScheme::ApiKeyHeader(key(3)),
                    AuthScheme::ApiKeyQuery("q".into()),
                    AuthScheme::ApiKeyCookie(key(3)),
                ],
            ];
            for (k, auth) in auths.into_iter().enumerate() {
                for features in [false, true] {
                    let mut api = api(len);
                    api.auth = auth.clone();
                    // One literal at a time grows with the names (a literal too long for its
                    // line is not modelled).
                    api.default_base_url = (k != 1)
                        .then(|| format!("https://{}.example.com/v1", "a".repeat(grow(k, 0))));
                    api.types[0].groups = [0].into();
                    api.error_code = (k != 2).then_some(ErrorCodeConvention { ty: TypeId(0) });
                    let long = format!("things{}", "x".repeat(len));
                    api.groups = vec![
                        Group {
                            module: long.clone(),
                            handle: format!("Things{}", "T".repeat(len)),
                            doc: Some(format!("All the things.\n\nLine {len}.")),
                            ..group(Vec::new())
                        },
                        Group {
                            tag: "Others".into(),
                            module: "others".into(),
                            handle: "Others".into(),
                            ..group(Vec::new())
                        },
                    ];
                    let crate_name = format!("crate-{}", "c".repeat(grow(k, 3)));
                    let prefix = format!("CRATE_{}", "C".repeat(grow(k, 1)));
                    let tokens =
                        super::super::ops::root_tokens(&api, &crate_name, &prefix, features);
                    let expected = crate::krate::format("client.rs", tokens).unwrap();
                    match super::root(&api, &crate_name, &prefix, features) {
                        Some(text) => assert!(
                            text == expected,
                            "names {len} longer, auth {k}, features {features}:\n--- formatted ---\n{expected}\n--- written ---\n{text}"
                        ),
                        None if len <= 35 => not_written.push((len, k, features)),
                        None => {}
                    }
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }
}
