//! Operations → resource handles, builders, response and error enums.

use super::{Part, Place, docs, ident, is_displayable, rt, takes_into, ty};
use crate::cat;
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, Decode, ErrorEnum, Group, Operation, PageStyle, Param,
    ParamLocation, PartKind, PathPart, QueryStyle, ResponseCase, Status, Success, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

const PLACE: Place = Place::Apis;

/// Items at the root of the generated tree (`src/client.rs`): API info, `Client` constructors and
/// group accessors, as text when [`super::ops_text`] knows every line's layout.
pub(crate) fn root_items(api: &Api, crate_name: &str, env_prefix: &str, features: bool) -> Part {
    Part::new(
        super::ops_text::root(api, crate_name, env_prefix, features),
        || root_tokens(api, crate_name, env_prefix, features),
    )
}

/// The doc of `Client::{module}()`, a group's accessor.
pub(super) fn accessor_doc(g: &Group) -> String {
    docs::join(&[
        Some(&cat(&["Operations on ", &g.tag, " (tag `", &g.tag, "`)."])),
        g.doc.as_deref(),
    ])
}

/// The doc of `Client::from_env()`, naming the environment variables it reads.
pub(super) fn from_env_doc(env_prefix: &str) -> String {
    cat(&[
        "A client configured from the environment: `",
        env_prefix,
        "_API_KEY` (required) and `",
        env_prefix,
        "_BASE_URL` (optional).",
    ])
}

/// [`root_items`] as tokens.
pub(super) fn root_tokens(
    api: &Api,
    crate_name: &str,
    env_prefix: &str,
    features: bool,
) -> TokenStream {
    let base = match &api.default_base_url {
        Some(u) => quote!(Some(#u)),
        None => quote!(None),
    };
    let auth = api.auth.iter().map(|a| match a {
        AuthScheme::Bearer => quote!(runtime::AuthScheme::Bearer),
        AuthScheme::Basic => quote!(runtime::AuthScheme::Basic),
        AuthScheme::ApiKeyHeader(n) => quote!(runtime::AuthScheme::ApiKeyHeader(#n)),
        AuthScheme::ApiKeyQuery(n) => quote!(runtime::AuthScheme::ApiKeyQuery(#n)),
        AuthScheme::ApiKeyCookie(n) => quote!(runtime::AuthScheme::ApiKeyCookie(#n)),
    });
    let accessors = api.groups.iter().map(|g| {
        let cfg = super::group_cfg(g, features);
        let module = ident(&g.module);
        let handle = ident(&g.handle);
        let doc = docs::attrs(&accessor_doc(g));
        quote! {
            #doc
            #cfg
            pub fn #module(&self) -> super::apis::#module::#handle {
                super::apis::#module::#handle::new(self.clone())
            }
        }
    });
    let from_env_doc = cat(&[" ", &from_env_doc(env_prefix)]);
    let error_code = api.error_code.as_ref().map(|c| {
        let code_ty = ident(&api.ty(c.ty).name);
        let cfg = features
            .then(|| super::cfg_for(api, &api.ty(c.ty).groups))
            .flatten();
        quote! {
            #cfg
            impl<E> runtime::ApiError<E> {
                /// The error envelope's machine-readable `code`, typed; unknown codes are kept in
                /// the enum's `Unknown` variant.
                pub fn error_code(&self) -> Option<super::models::#code_ty> {
                    self.code().map(super::models::#code_ty::from)
                }
            }
        }
    });
    quote! {
        //! Client construction and the resource accessors.
        use super::runtime;

        /// What the runtime needs to know about this API.
        static API_INFO: runtime::ApiInfo = runtime::ApiInfo {
            crate_name: #crate_name,
            crate_version: env!("CARGO_PKG_VERSION"),
            default_base_url: #base,
            env_prefix: #env_prefix,
            auth: &[#(#auth),*],
        };

        impl runtime::Client {
            /// Starts configuring a client.
            pub fn builder() -> runtime::ClientBuilder {
                runtime::ClientBuilder::new(&API_INFO)
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<runtime::Client, runtime::BuildError> {
                runtime::ClientBuilder::new(&API_INFO).from_env()?.build()
            }

            #(#accessors)*
        }

        #error_code
    }
}

/// One `apis::<tag>` module.
/// The header of one `apis::<tag>` module: docs, lints, imports and the group's handle.
pub(crate) fn group_header(g: &Group, uses_models: bool) -> Part {
    Part::new(Some(group_header_text(g, uses_models)), || {
        group_header_tokens(g, uses_models)
    })
}

/// [`group_header_tokens`] as `prettyplease` prints them: each doc line as `//!`, then the fixed
/// attribute and imports.
fn group_header_text(g: &Group, uses_models: bool) -> String {
    let doc = docs::sanitize(&group_doc(g));
    let mut out = String::with_capacity(doc.len() + 200);
    super::text::comment_lines(&mut out, 0, "//!", &doc);
    out.push_str(
        "#![allow(\n    deprecated,\n    reason = \"deprecated operations and schemas are still part of the API\"\n)]\nuse super::super::runtime as rt;\n",
    );
    if uses_models {
        out.push_str("use super::super::models;\n");
    }
    out
}

fn group_doc(g: &Group) -> String {
    docs::join(&[
        Some(&cat(&["Operations tagged `", &g.tag, "`."])),
        g.doc.as_deref(),
    ])
}

fn group_header_tokens(g: &Group, uses_models: bool) -> TokenStream {
    let module_doc = inner_doc(&group_doc(g));
    let models_use = uses_models.then(|| {
        quote!(
            use super::super::models;
        )
    });
    quote! {
        #module_doc
        #![allow(deprecated, reason = "deprecated operations and schemas are still part of the API")]
        use super::super::runtime as rt;
        #models_use
    }
}

/// A group's handle, as text when [`super::ops_text`] knows its layout (see
/// [`operation_chunk`]).
pub(crate) fn group_handle(api: &Api, g: &Group) -> Part {
    Part::new(super::ops_text::group_handle(api, g), || {
        group_handle_tokens(api, g)
    })
}

/// Whether a group's handle names a model: an argument's type or a waiter's result.
pub(crate) fn handle_uses_models(api: &Api, g: &Group) -> bool {
    g.operations.iter().any(|op| {
        let args = required_params(op).iter().any(|p| {
            (p.location != ParamLocation::Path || is_displayable(api, &p.ty)) && named(&p.ty)
        }) || op.body.as_ref().is_some_and(|b| {
            b.required
                && b.enum_name.is_none()
                && match &b.variants[0].kind {
                    BodyKind::Json(t) | BodyKind::Form(t) => named(t),
                    BodyKind::Multipart(_) => true,
                    BodyKind::Bytes | BodyKind::Text => false,
                }
        });
        let waiter = op.waiter.is_some()
            && match &op.success {
                Success::Single(case) => decode_uses_models(op, &case.decode),
                Success::Enum { .. } => false,
            };
        args || waiter
    })
}

/// Whether a type reference names a model.
fn named(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::Prim(_) => false,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => named(inner),
    }
}

/// Whether a decoded response's type names a model.
fn decode_uses_models(op: &Operation, d: &Decode) -> bool {
    match d {
        Decode::Json(t) | Decode::Data(t) => named(t),
        Decode::Page => op
            .pagination
            .as_ref()
            .is_some_and(|p| named(&p.item) || p.meta.as_ref().is_some_and(named)),
        Decode::Text | Decode::Bytes | Decode::Empty => false,
    }
}

/// A group's handle: the struct `Client::<group>()` returns and one method per operation.
pub(super) fn group_handle_tokens(api: &Api, g: &Group) -> TokenStream {
    let handle = ident(&g.handle);
    let rt = rt(PLACE);
    let methods = g.operations.iter().map(|op| handle_method(api, op));
    let waiters = g.operations.iter().filter_map(|op| waiter_method(api, op));
    let handle_doc = cat(&[
        " Operations tagged `",
        &g.tag,
        "`: get one with `Client::",
        &g.module,
        "`.",
    ]);
    quote! {
        #[doc = #handle_doc]
        #[derive(Debug, Clone)]
        pub struct #handle {
            client: #rt::Client,
        }

        impl #handle {
            pub(crate) fn new(client: #rt::Client) -> Self {
                Self { client }
            }

            #(#methods)*
            #(#waiters)*
        }
    }
}

/// Everything one operation adds to its module: statics, builder, response and error enums.
///
/// Each part is written as text when [`super::ops_text`] knows its layout, else as tokens; debug
/// builds keep the tokens of text parts too, to check the text against them.
pub(crate) fn operation_chunk(api: &Api, group: &Group, op: &Operation) -> Vec<Part> {
    let texts = super::ops_text::chunk(api, group, op);
    let need_tokens = cfg!(debug_assertions) || texts.iter().any(Option::is_none);
    let Some(tokens) = need_tokens.then(|| operation_items(api, group, op)) else {
        return texts
            .into_iter()
            .flatten()
            .map(|text| Part::Text {
                text,
                #[cfg(debug_assertions)]
                tokens: TokenStream::new(),
            })
            .collect();
    };
    texts
        .into_iter()
        .zip(tokens.into_parts())
        .map(|(text, tokens)| Part::new(text, || tokens))
        .collect()
}

/// Whether an operation's chunk names a model (and its module needs `use super::super::models`).
pub(crate) fn uses_models(api: &Api, op: &Operation) -> bool {
    let decode = |d: &Decode| decode_uses_models(op, d);
    let params = op
        .params
        .iter()
        .any(|p| (p.location != ParamLocation::Path || is_displayable(api, &p.ty)) && named(&p.ty));
    let body = op.body.as_ref().is_some_and(|b| {
        b.variants.iter().any(|v| match &v.kind {
            BodyKind::Json(t) | BodyKind::Form(t) => named(t),
            BodyKind::Multipart(_) => true,
            BodyKind::Bytes | BodyKind::Text => false,
        }) || (!b.required && b.field_setters.iter().any(|s| named(&s.ty)))
    });
    let success = match &op.success {
        Success::Single(case) => decode(&case.decode),
        Success::Enum { cases, .. } => cases.iter().any(|c| decode(&c.decode)),
    };
    let errors = op
        .error
        .as_ref()
        .is_some_and(|e| e.cases.iter().any(|c| decode(&c.decode)));
    let pages = op
        .pagination
        .as_ref()
        .is_some_and(|p| named(&p.item) || p.meta.as_ref().is_some_and(named));
    params || body || success || errors || pages
}

fn inner_doc(text: &str) -> TokenStream {
    let clean = docs::sanitize(text);
    let lines = clean.lines().map(|l| cat(&[" ", l]));
    quote! { #( #![doc = #lines] )* }
}

/// The last paragraph of an operation's docs: `Sends `GET /path`.`
fn sends_line(op: &Operation) -> String {
    cat(&["Sends `", &op.method, " ", &op.path.replace('`', "'"), "`."])
}

pub(super) fn op_doc(op: &Operation) -> String {
    docs::join(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&sends_line(op)),
    ])
}

/// A builder's docs: the summary and a link to the handle method, whose docs are the
/// operation's whole description (written once, not twice).
fn builder_doc(group: &Group, op: &Operation) -> TokenStream {
    docs::rustdoc_attrs(&builder_doc_text(group, op))
}

/// [`builder_doc`]'s text, rustdoc already.
pub(super) fn builder_doc_text(group: &Group, op: &Operation) -> String {
    let link = cat(&[
        "The request [`",
        &group.handle,
        "::",
        &op.method_name,
        "`] makes: set its optional parameters, then `send()` it.",
    ]);
    let summary = docs::sanitize(&docs::join(&[op.summary.as_deref()]));
    let sends = docs::sanitize(&sends_line(op));
    [summary.as_str(), &link, &sends]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The type a parameter is stored as.
fn param_ty(api: &Api, p: &Param) -> TokenStream {
    if p.location == ParamLocation::Path && !is_displayable(api, &p.ty) {
        return quote!(String);
    }
    ty(api, &p.ty, PLACE)
}

/// `(argument, conversion)` for a value of type `t` named `name`.
fn arg(
    api: &Api,
    name: &proc_macro2::Ident,
    t: &TypeRef,
    stored: TokenStream,
) -> (TokenStream, TokenStream) {
    if takes_into(api, t) {
        (quote!(#name: impl Into<#stored>), quote!(#name.into()))
    } else {
        (quote!(#name: #stored), quote!(#name))
    }
}

pub(super) fn required_params(op: &Operation) -> Vec<&Param> {
    let mut out: Vec<&Param> = op
        .path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(i) => Some(&op.params[*i]),
            PathPart::Literal(_) => None,
        })
        .collect();
    for p in &op.params {
        if p.required && p.location != ParamLocation::Path {
            out.push(p);
        }
    }
    out
}

fn body_stored_ty(api: &Api, body: &Body) -> TokenStream {
    match &body.enum_name {
        Some(name) => {
            let n = ident(name);
            quote!(#n)
        }
        None => body_variant_ty(api, &body.variants[0].kind),
    }
}

fn body_variant_ty(api: &Api, kind: &BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json(t) | BodyKind::Form(t) => ty(api, t, PLACE),
        BodyKind::Multipart(m) => ty(api, &TypeRef::Named(m.ty), PLACE),
        BodyKind::Bytes => quote!(bytes::Bytes),
        BodyKind::Text => quote!(String),
    }
}

fn handle_method(api: &Api, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder);
    let doc = docs::attrs(&op_doc(op));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let mut args = Vec::new();
    let mut values = Vec::new();
    for p in required_params(op) {
        let n = ident(&p.name);
        let (a, v) = arg(api, &n, &p.ty, param_ty(api, p));
        args.push(a);
        values.push(v);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let stored = body_stored_ty(api, body);
        match (&body.enum_name, &body.variants[0].kind) {
            (None, BodyKind::Bytes) => {
                args.push(quote!(body: impl Into<bytes::Bytes>));
                values.push(quote!(body.into()));
            }
            (None, BodyKind::Text) => {
                args.push(quote!(body: impl Into<String>));
                values.push(quote!(body.into()));
            }
            _ => {
                args.push(quote!(body: #stored));
                values.push(quote!(body));
            }
        }
    }
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder::new(self.client.clone(), #(#values),*)
        }
    }
}

pub(super) fn static_name(op: &Operation, suffix: &str) -> proc_macro2::Ident {
    ident(&static_name_text(op, suffix))
}

/// [`static_name`]'s text: the builder's name (UpperCamelCase) in SHOUTY_SNAKE_CASE, which is an
/// identifier and never a keyword, then `suffix`.
pub(super) fn static_name_text(op: &Operation, suffix: &str) -> String {
    let mut name = crate::naming::shouty(&op.builder);
    name.push_str(suffix);
    name
}

fn success_ty(api: &Api, op: &Operation) -> TokenStream {
    match &op.success {
        Success::Single(case) => decode_ty(api, op, &case.decode),
        Success::Enum { name, .. } => {
            let n = ident(name);
            quote!(#n)
        }
    }
}

fn decode_ty(api: &Api, op: &Operation, d: &Decode) -> TokenStream {
    let rt = rt(PLACE);
    match d {
        Decode::Json(t) | Decode::Data(t) => ty(api, t, PLACE),
        Decode::Page => {
            let p = op
                .pagination
                .as_ref()
                .expect("Decode::Page is only set with pagination");
            let item = ty(api, &p.item, PLACE);
            let meta = match &p.meta {
                Some(m) => ty(api, m, PLACE),
                None => quote!(serde_json::Value),
            };
            quote!(#rt::Page<#item, #meta>)
        }
        Decode::Text => quote!(String),
        Decode::Bytes => quote!(bytes::Bytes),
        Decode::Empty => quote!(()),
    }
}

fn error_ty(op: &Operation) -> TokenStream {
    let rt = rt(PLACE);
    match &op.error {
        Some(e) => {
            let n = ident(&e.name);
            quote!(#n)
        }
        None => quote!(#rt::NoTypedError),
    }
}

/// The `RawResponse` method that decodes a body as `d` says; `None` for a page, which also needs
/// the operation's pagination.
fn decoder_method(d: &Decode) -> Option<proc_macro2::Ident> {
    decoder_name(d).map(ident)
}

/// [`decoder_method`]'s name.
pub(super) fn decoder_name(d: &Decode) -> Option<&'static str> {
    Some(match d {
        Decode::Json(_) => "decode_json",
        Decode::Data(_) => "decode_data",
        Decode::Text => "into_text",
        Decode::Bytes => "into_bytes",
        Decode::Empty => "into_empty",
        Decode::Page => return None,
    })
}

fn decode_call(op: &Operation, d: &Decode) -> TokenStream {
    match decoder_method(d) {
        Some(method) => quote!(response.#method()),
        None => {
            let pagination = static_name(op, "_PAGINATION");
            quote!(response.decode_page(&#pagination))
        }
    }
}

fn status_pattern(s: Status) -> TokenStream {
    match s {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        Status::Range(n) => {
            let lo = Literal::u16_unsuffixed(n * 100);
            let hi = Literal::u16_unsuffixed(n * 100 + 99);
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    }
}

/// Cases ordered for a `match`: exact codes, then ranges, then `default`.
pub(super) fn ordered(cases: &[ResponseCase]) -> Vec<&ResponseCase> {
    let mut v: Vec<&ResponseCase> = cases.iter().collect();
    v.sort_by_key(|c| match c.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    v
}

/// An operation's items as tokens, one stream per part of [`operation_chunk`].
pub(super) struct OpTokens {
    pub statics: TokenStream,
    pub definition: TokenStream,
    pub methods: TokenStream,
    pub body_enum: TokenStream,
    pub response_enum: TokenStream,
    pub error_enum: TokenStream,
}

impl OpTokens {
    /// The streams in [`operation_chunk`]'s order (that of `ops_text::chunk`).
    pub(super) fn into_parts(self) -> [TokenStream; 6] {
        [
            self.statics,
            self.definition,
            self.methods,
            self.body_enum,
            self.response_enum,
            self.error_enum,
        ]
    }
}

/// The names of the body struct's boxed fields, whose setters wrap the value in `Box::new`.
pub(super) fn boxed_body_fields<'a>(api: &'a Api, body: &Body) -> Vec<&'a str> {
    match &body.variants[0].kind {
        BodyKind::Json(TypeRef::Named(id)) => match &api.ty(*id).kind {
            crate::ir::TypeKind::Struct(st) => st
                .fields
                .iter()
                .filter(|f| f.boxed)
                .map(|f| f.name.as_str())
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub(super) fn operation_items(api: &Api, group: &Group, op: &Operation) -> OpTokens {
    let rt = rt(PLACE);
    let builder = ident(&op.builder);
    let op_static = static_name(op, "");
    let id = &op.id;
    let path = &op.path;
    let method = format_ident!("{}", op.method);
    let authenticated = op.authenticated;
    let idem = match &op.idempotency_header {
        Some(h) => quote!(Some(#h)),
        None => quote!(None),
    };
    let doc = builder_doc(group, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    // Builder fields and constructor.
    let required = required_params(op);
    let mut fields = vec![quote!(client: #rt::Client,)];
    let mut ctor_args = vec![quote!(client: #rt::Client)];
    let mut ctor_inits = vec![quote!(client)];
    // Constructor arguments in the handle method's order: path parameters as the path has them,
    // then the other required parameters.
    for p in &required {
        let n = ident(&p.name);
        let t = param_ty(api, p);
        ctor_args.push(quote!(#n: #t));
    }
    for p in &op.params {
        let n = ident(&p.name);
        let t = param_ty(api, p);
        if required.iter().any(|r| std::ptr::eq(*r, p)) {
            fields.push(quote!(#n: #t,));
            ctor_inits.push(quote!(#n));
        } else {
            fields.push(quote!(#n: Option<#t>,));
            ctor_inits.push(quote!(#n: None));
        }
    }
    let mut setters = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| !required.iter().any(|r| std::ptr::eq(*r, *p)))
    {
        let n = ident(&p.name);
        let t = param_ty(api, p);
        let (a, v) = arg(api, &n, &p.ty, t);
        let fallback = cat(&[
            "Sets the `",
            &p.wire,
            "` ",
            location_word(p.location),
            " parameter.",
        ]);
        let doc = docs::attrs(p.doc.as_deref().unwrap_or(&fallback));
        let dep = p.deprecated.then(|| quote!(#[deprecated]));
        setters.push(quote! {
            #doc
            #dep
            pub fn #n(mut self, #a) -> Self {
                self.#n = Some(#v);
                self
            }
        });
    }
    let mut body_enum = TokenStream::new();
    if let Some(body) = &op.body {
        let stored = body_stored_ty(api, body);
        if body.required {
            fields.push(quote!(body: #stored,));
            ctor_args.push(quote!(body: #stored));
            ctor_inits.push(quote!(body));
        } else {
            fields.push(quote!(body: Option<#stored>,));
            ctor_inits.push(quote!(body: None));
            let doc = docs::attrs(body.doc.as_deref().unwrap_or("Sets the request body."));
            let (a, v) = match (&body.enum_name, &body.variants[0].kind) {
                (None, BodyKind::Bytes) => {
                    (quote!(body: impl Into<bytes::Bytes>), quote!(body.into()))
                }
                (None, BodyKind::Text) => (quote!(body: impl Into<String>), quote!(body.into())),
                _ => (quote!(body: #stored), quote!(body)),
            };
            setters.push(quote! {
                #doc
                pub fn body(mut self, #a) -> Self {
                    self.body = Some(#v);
                    self
                }
            });
            let boxed_fields = boxed_body_fields(api, body);
            for s in &body.field_setters {
                let m = ident(&s.method);
                let f = ident(&s.field);
                let t = ty(api, &s.ty, PLACE);
                let (a, v) = arg(api, &m, &s.ty, t);
                let v = if boxed_fields.contains(&s.field.as_str()) {
                    quote!(Box::new(#v))
                } else {
                    v
                };
                let fallback = cat(&["Sets the body's `", &s.field, "` field."]);
                let doc = docs::attrs(s.doc.as_deref().unwrap_or(&fallback));
                let wrapped = if s.tristate {
                    quote!(#rt::Nullable::Value(#v))
                } else {
                    quote!(Some(#v))
                };
                setters.push(quote! {
                    #doc
                    pub fn #m(mut self, #a) -> Self {
                        self.body.get_or_insert_with(Default::default).#f = #wrapped;
                        self
                    }
                });
            }
        }
        if let Some(name) = &body.enum_name {
            let n = ident(name);
            let variants = body.variants.iter().map(|v| {
                let vn = ident(&v.name);
                let t = body_variant_ty(api, &v.kind);
                let d = cat(&[" Sent as `", &v.media_type, "`."]);
                quote!(#[doc = #d] #vn(#t),)
            });
            let d = cat(&[
                " The request body of [`",
                &op.builder,
                "`], in one of the media types the operation accepts.",
            ]);
            body_enum = quote! {
                #[doc = #d]
                #[derive(Debug, Clone)]
                pub enum #n {
                    #(#variants)*
                }
            };
        }
    }
    fields.push(quote!(options: #rt::RequestOptions,));
    ctor_inits.push(quote!(options: Default::default()));

    // Building the request.
    let paginated = op.pagination.is_some();
    let mut build = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(l) => build.push(quote!(request.path_literal(#l);)),
            PathPart::Param(i) => {
                let n = ident(&op.params[*i].name);
                build.push(quote!(request.path_param(&self.#n);));
            }
        }
    }
    for p in &op.params {
        let n = ident(&p.name);
        let wire = &p.wire;
        let stmt = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => match (p.style, p.explode) {
                (QueryStyle::Form, true) => quote!(request.query(#wire, &self.#n);),
                (style, explode) => {
                    let s = match style {
                        QueryStyle::Form => quote!(Form),
                        QueryStyle::SpaceDelimited => quote!(SpaceDelimited),
                        QueryStyle::PipeDelimited => quote!(PipeDelimited),
                        QueryStyle::DeepObject => quote!(DeepObject),
                    };
                    quote!(request.query_styled(#wire, &self.#n, #rt::ParamStyle::#s, #explode);)
                }
            },
            ParamLocation::Header => quote!(request.header(#wire, &self.#n);),
            ParamLocation::Cookie => quote!(request.cookie(#wire, &self.#n);),
        };
        build.push(stmt);
    }
    if let Some(body) = &op.body {
        let encode = |value: TokenStream, kind: &BodyKind, media: &str| -> TokenStream {
            match kind {
                BodyKind::Json(_) => quote!(request.json(#value);),
                BodyKind::Form(_) => quote!(request.form(#value);),
                BodyKind::Bytes => quote!(request.body_bytes(#media, Clone::clone(#value));),
                BodyKind::Text => quote!(request.body_text(#media, Clone::clone(#value));),
                BodyKind::Multipart(m) => {
                    let parts = m.parts.iter().map(|part| {
                        let f = ident(&part.field);
                        let wire = &part.wire;
                        let add = |v: TokenStream| match part.kind {
                            PartKind::File => quote!(form = form.file(#wire, Clone::clone(#v));),
                            PartKind::Files => {
                                quote!(for file in #v { form = form.file(#wire, file.clone()); })
                            }
                            PartKind::Text => {
                                quote!(form = form.text(#wire, ToString::to_string(#v));)
                            }
                            PartKind::Json => quote!(form = form.json(#wire, #v);),
                        };
                        let field_ty = api.ty(m.ty);
                        let presence = match &field_ty.kind {
                            crate::ir::TypeKind::Struct(s) => s
                                .fields
                                .iter()
                                .find(|x| x.name == part.field)
                                .map(|x| x.presence),
                            _ => None,
                        };
                        match presence {
                            Some(
                                crate::ir::Presence::Required | crate::ir::Presence::Defaulted,
                            )
                            | None => add(quote!(&body.#f)),
                            Some(
                                crate::ir::Presence::Optional
                                | crate::ir::Presence::RequiredNullable,
                            ) => {
                                let inner = add(quote!(value));
                                quote!(if let Some(value) = &body.#f { #inner })
                            }
                            Some(crate::ir::Presence::OptionalNullable) => {
                                let inner = add(quote!(value));
                                quote!(if let #rt::Nullable::Value(value) = &body.#f { #inner })
                            }
                        }
                    });
                    quote! {
                        let body = #value;
                        let mut form = #rt::Multipart::new();
                        #(#parts)*
                        request.multipart(form);
                    }
                }
            }
        };
        let one = |value: TokenStream| -> TokenStream {
            match &body.enum_name {
                None => encode(value, &body.variants[0].kind, &body.variants[0].media_type),
                Some(name) => {
                    let n = ident(name);
                    let arms = body.variants.iter().map(|v| {
                        let vn = ident(&v.name);
                        let e = encode(quote!(inner), &v.kind, &v.media_type);
                        quote!(#n::#vn(inner) => { #e })
                    });
                    quote!(match #value { #(#arms)* })
                }
            }
        };
        if body.required {
            build.push(one(quote!(&self.body)));
        } else {
            let inner = one(quote!(body));
            build.push(quote!(if let Some(body) = &self.body { #inner }));
        }
    }
    let page_apply = paginated.then(|| {
        let pagination = static_name(op, "_PAGINATION");
        quote! {
            if let Some(token) = token {
                request.page_token(&#pagination.style, token);
            }
        }
    });
    let request_sig = if paginated {
        quote!(fn request(&self, token: Option<&#rt::PageToken>) -> #rt::RequestBuilder)
    } else {
        quote!(fn request(&self) -> #rt::RequestBuilder)
    };
    if paginated {
        fields.push(quote!(start: Option<#rt::PageToken>,));
        ctor_inits.push(quote!(start: None));
    }

    // Sending.
    let out = success_ty(api, op);
    let err = error_ty(op);
    let send_with_response = send_with_response(api, op);
    let pagination_items = op.pagination.as_ref().map(|p| {
        let pagination = static_name(op, "_PAGINATION");
        let items = &p.items;
        let style = match &p.style {
            PageStyle::Cursor { param, next } => {
                quote!(#rt::PageStyle::Cursor { param: #param, next: #next })
            }
            PageStyle::HasMore {
                param,
                has_more,
                id,
            } => {
                quote!(#rt::PageStyle::HasMore { param: #param, has_more: #has_more, id: #id })
            }
            PageStyle::Offset { param, limit_param } => {
                let lp = match limit_param {
                    Some(l) => quote!(Some(#l)),
                    None => quote!(None),
                };
                quote!(#rt::PageStyle::Offset { param: #param, limit_param: #lp })
            }
            PageStyle::PageNumber { param, first } => {
                let first = Literal::u64_unsuffixed(*first);
                quote!(#rt::PageStyle::PageNumber { param: #param, first: #first })
            }
            PageStyle::LinkHeader => quote!(#rt::PageStyle::LinkHeader),
            PageStyle::NextUrl { next } => quote!(#rt::PageStyle::NextUrl { next: #next }),
        };
        let item = ty(api, &p.item, PLACE);
        let meta = match &p.meta {
            Some(m) => ty(api, m, PLACE),
            None => quote!(serde_json::Value),
        };
        let static_item = quote! {
            static #pagination: #rt::Pagination = #rt::Pagination { items: #items, style: #style };
        };
        let methods = quote! {
            /// Starts from a saved [`PageToken`](rt::PageToken) (a page's `next`) instead of the
            /// first page, so a job can resume where it stopped.
            pub fn start_from(mut self, token: #rt::PageToken) -> Self {
                self.start = Some(token);
                self
            }

            /// Every page, fetched lazily: the next page is requested only when the stream is
            /// polled past the current one.
            pub fn pages(self) -> #rt::PageStream<#item, #meta, #err> {
                let client = self.client.clone();
                let start = self.start.clone();
                #rt::PageStream::new(client, &#pagination, start, move |token| self.request(token))
            }

            /// Every item of every page, fetched lazily, in constant memory.
            pub fn items(self) -> #rt::ItemStream<#item, #meta, #err> {
                self.pages().items()
            }
        };
        (static_item, methods)
    });
    let (pagination_static, pagination_methods) = match pagination_items {
        Some((s, m)) => (s, m),
        None => (TokenStream::new(), TokenStream::new()),
    };

    let response_enum = match &op.success {
        Success::Enum { name, cases } => {
            let n = ident(name);
            let variants = cases.iter().map(|c| {
                let vn = ident(&c.variant);
                let d = docs::attrs(&docs::join(&[
                    Some(&status_doc(c.status)),
                    c.doc.as_deref(),
                ]));
                match c.decode {
                    Decode::Empty => quote!(#d #vn,),
                    _ => {
                        let t = decode_ty(api, op, &c.decode);
                        quote!(#d #vn(#t),)
                    }
                }
            });
            let d = cat(&[
                " What [`",
                &op.builder,
                "`] returns: one variant per documented success status.",
            ]);
            quote! {
                #[doc = #d]
                #[derive(Debug, Clone)]
                #[allow(clippy::large_enum_variant, reason = "variants mirror the documented responses")]
                pub enum #n {
                    #(#variants)*
                }
            }
        }
        Success::Single(_) => TokenStream::new(),
    };
    let error_enum = op
        .error
        .as_ref()
        .map(|e| error_enum(api, op, e))
        .unwrap_or_default();
    let send_doc = cat(&[
        " Sends the request and returns the decoded response (see `",
        "send_with_response",
        "`).",
    ]);

    let statics = quote! {
        static #op_static: #rt::Operation = #rt::Operation {
            id: #id,
            method: reqwest::Method::#method,
            path: #path,
            authenticated: #authenticated,
            idempotency_header: #idem,
        };
        #pagination_static
    };
    let definition = quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until `send()` is awaited"]
        pub struct #builder {
            #(#fields)*
        }
    };
    let methods = quote! {
        impl #builder {
            fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits),* }
            }

            #(#setters)*

            /// Per-call options: timeout, retries, extra headers, idempotency key.
            pub fn options(mut self, options: #rt::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #request_sig {
                let mut request = self.client.request(&#op_static);
                #(#build)*
                #page_apply
                request.options(self.options.clone());
                request
            }

            #[doc = #send_doc]
            pub fn send(self) -> impl std::future::Future<Output = Result<#out, #rt::Error<#err>>> {
                #rt::operation::value_of(self.send_with_response())
            }

            #send_with_response

            #pagination_methods
        }
    };
    OpTokens {
        statics,
        definition,
        methods,
        body_enum,
        response_enum,
        error_enum,
    }
}

/// `send_with_response`: sends the request and decodes the response by its status.
pub(super) fn send_with_response(api: &Api, op: &Operation) -> TokenStream {
    let rt = rt(PLACE);
    let out = success_ty(api, op);
    let err = error_ty(op);
    let request_call = if op.pagination.is_some() {
        quote!(self.request(self.start.as_ref()))
    } else {
        quote!(self.request())
    };
    let dispatch = match &op.success {
        Success::Single(case) => match decoder_method(&case.decode) {
            Some(decoder) => quote!(self.client.send(request, #rt::RawResponse::#decoder)),
            None => {
                let pagination = static_name(op, "_PAGINATION");
                quote!(self.client.send_page(request, &#pagination))
            }
        },
        Success::Enum { name, cases } => {
            let n = ident(name);
            // The decoded body of a case, wrapped in its variant.
            let decode_into_variant = |c: &ResponseCase| {
                let call = decode_call(op, &c.decode);
                let vn = ident(&c.variant);
                let wrap = if c.decode == Decode::Empty {
                    quote!(|()| #n::#vn)
                } else {
                    quote!(#n::#vn)
                };
                quote!(#call.map(|r| r.map(#wrap)))
            };
            let ordered = ordered(cases);
            let mut has_wild = false;
            let mut arms: Vec<TokenStream> = ordered
                .iter()
                .map(|c| {
                    let pat = status_pattern(c.status);
                    has_wild |= c.status == Status::Default;
                    let decoded = decode_into_variant(c);
                    quote!(#pat => #decoded,)
                })
                .collect();
            if !has_wild {
                // Any other success status decodes as the first declared one.
                let decoded = decode_into_variant(&cases[0]);
                arms.push(quote!(_ => #decoded,));
            }
            quote! {
                self.client.send(request, |response: #rt::RawResponse| {
                    match response.status() { #(#arms)* }
                })
            }
        }
    };
    quote! {
        /// Sends the request and returns the decoded value with the response's status,
        /// headers, rate limit, request id and `meta`.
        pub fn send_with_response(
            self,
        ) -> impl std::future::Future<Output = Result<#rt::Response<#out>, #rt::Error<#err>>> {
            let request = #request_call;
            #dispatch
        }
    }
}

pub(super) fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

pub(super) fn status_doc(s: Status) -> String {
    match s {
        Status::Code(c) => format!("Status {c}."),
        Status::Range(n) => format!("Any {n}xx status."),
        Status::Default => "Any other status.".into(),
    }
}

fn error_enum(api: &Api, op: &Operation, e: &ErrorEnum) -> TokenStream {
    let rt = rt(PLACE);
    let n = ident(&e.name);
    let variants = e.cases.iter().map(|c| {
        let vn = ident(&c.variant);
        let d = docs::attrs(&docs::join(&[
            Some(&status_doc(c.status)),
            c.doc.as_deref(),
        ]));
        match &c.decode {
            Decode::Empty => quote!(#d #vn,),
            other => {
                let t = decode_ty(api, op, other);
                quote!(#d #vn(#t),)
            }
        }
    });
    let has_default = e.cases.iter().any(|c| c.status == Status::Default);
    let decoded: Vec<(TokenStream, TokenStream)> = ordered(&e.cases)
        .iter()
        .map(|c| {
            let vn = ident(&c.variant);
            let value = match &c.decode {
                Decode::Empty => quote!(Some(Self::#vn)),
                Decode::Json(_) | Decode::Page => quote!(serde_json::from_slice(body).ok().map(Self::#vn)),
                Decode::Data(t) => {
                    let t = ty(api, t, PLACE);
                    quote!(serde_json::from_slice::<#rt::Envelope<#t>>(body).ok().map(|e| Self::#vn(e.data)))
                }
                Decode::Text => quote!(Some(Self::#vn(String::from_utf8_lossy(body).into_owned()))),
                Decode::Bytes => quote!(Some(Self::#vn(bytes::Bytes::copy_from_slice(body)))),
            };
            (status_pattern(c.status), value)
        })
        .collect();
    let uses_body = e.cases.iter().any(|c| c.decode != Decode::Empty);
    let body_arg = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    let (status_arg, dispatch) = match decoded.as_slice() {
        [(_, value)] if has_default => (quote!(_status), value.clone()),
        _ => {
            let arms = decoded.iter().map(|(pat, value)| quote!(#pat => #value,));
            let fallback = (!has_default).then(|| quote!(_ => None,));
            (quote!(status), quote!(match status { #(#arms)* #fallback }))
        }
    };
    let overlap = (e.cases.iter().any(|c| matches!(c.status, Status::Code(_)))
        && e.cases.iter().any(|c| matches!(c.status, Status::Range(_))))
    .then(|| quote!(#[allow(clippy::match_overlapping_arm, reason = "exact statuses take precedence over their range")]));
    let d = cat(&[" The documented error responses of [`", &op.builder, "`]."]);
    quote! {
        #[doc = #d]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant, reason = "variants mirror the documented responses")]
        pub enum #n {
            #(#variants)*
        }

        impl #rt::OperationError for #n {
            #overlap
            fn from_response(#status_arg: u16, #body_arg: &[u8]) -> Option<Self> {
                #dispatch
            }
        }
    }
}

pub(super) fn waiter_method(api: &Api, op: &Operation) -> Option<TokenStream> {
    let w = op.waiter.as_ref()?;
    let rt = rt(PLACE);
    let method = ident(&w.method);
    let get = ident(&op.method_name);
    let wait_static = static_name(op, "_WAITER");
    let status = &w.status;
    let success = &w.success;
    let failure = &w.failure;
    let mut args = Vec::new();
    let mut clones = Vec::new();
    let mut values = Vec::new();
    for p in required_params(op) {
        let n = ident(&p.name);
        let (a, v) = arg(api, &n, &p.ty, param_ty(api, p));
        args.push(a);
        clones.push(quote!(let #n = #v;));
        values.push(quote!(#n.clone()));
    }
    let out = success_ty(api, op);
    let err = error_ty(op);
    let doc = format!(
        " Polls [`{}`](Self::{}) until `{}` is one of {:?} (success) or {:?} (failure), with backoff, until the deadline in `config`.",
        op.method_name, op.method_name, status, success, failure
    );
    Some(quote! {
        #[doc = #doc]
        pub async fn #method(&self, #(#args,)* config: #rt::WaitConfig) -> Result<#out, #rt::WaitError<#out, #err>> {
            static #wait_static: #rt::WaitSpec = #rt::WaitSpec {
                status: #status,
                success: &[#(#success),*],
                failure: &[#(#failure),*],
            };
            #(#clones)*
            let handle = self.clone();
            #rt::wait_until(&#wait_static, config, move || handle.#get(#(#values),*).send()).await
        }
    })
}
