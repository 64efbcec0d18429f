//! The lowering pass: a loaded [`Document`] → an [`Api`].

use super::operations::lower_operations;
use super::types::TypeSpace;
use super::{Api, AuthScheme, ErrorCodeConvention, Group, Status, TypeKind, TypeRef};
use crate::cat;
use crate::error::{Diagnostic, push_pointer};
use crate::load::{Document, Node};

/// Lowers a document. Diagnostics include the loader's warnings; the caller decides whether the
/// errors among them stop generation.
pub fn lower(doc: &Document<'_>) -> (Api, Vec<Diagnostic>) {
    lower_with(doc, None)
}

/// [`lower`] for a document the caller owns: its deserialized operations are freed on the thread
/// pool as soon as they are lowered (the pool's thread is otherwise idle from the end of the
/// prefetching to the end of lowering), instead of with the rest of the document.
pub(crate) fn lower_freeing(doc: &mut Document<'_>) -> (Api, Vec<Diagnostic>) {
    let operations = doc.take_operations();
    lower_with(doc, Some(operations))
}

/// Lowers `doc`, its operations taken from `operations` when they were taken out of it.
fn lower_with(
    doc: &Document<'_>,
    operations: Option<std::sync::Arc<crate::load::Operations>>,
) -> (Api, Vec<Diagnostic>) {
    // Another core deserializes operations and component schemas ahead of the lowering that
    // needs them, starting while this one reads the info, servers and security schemes and
    // names the components.
    crate::emit::pool().in_place_scope(|scope| {
        if crate::emit::cores() > 1 {
            let prefetch: Box<dyn FnOnce() + Send + '_> = match &operations {
                Some(operations) => Box::new(doc.prefetcher_of(operations.clone())),
                None => Box::new(doc.schema_prefetcher()),
            };
            scope.spawn(|_| prefetch());
        }
        lower_prefetched(doc, operations)
    })
}

/// [`lower`], once the prefetcher runs; `operations` (taken out of the document) are freed once
/// lowered.
fn lower_prefetched(
    doc: &Document<'_>,
    operations: Option<std::sync::Arc<crate::load::Operations>>,
) -> (Api, Vec<Diagnostic>) {
    let mut diags = doc.diagnostics.clone();
    let info: Option<openapiv3::Info> = match doc.deserialize("#/info") {
        Ok(i) => Some(i),
        Err(mut d) => {
            if doc.get("#/info").is_none() {
                d = Diagnostic::error("#/info", "missing `info` object")
                    .help("add `info: {title: …, version: …}`");
            }
            diags.push(d);
            None
        }
    };
    let servers: Vec<openapiv3::Server> = match doc.get("#/servers") {
        Some(_) => doc.deserialize("#/servers").unwrap_or_else(|d| {
            diags.push(d);
            Vec::new()
        }),
        None => Vec::new(),
    };
    let rendered: Vec<String> = servers.iter().map(render_server).collect();
    let default_base_url = rendered
        .first()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| u.trim_end_matches('/').to_string());

    let auth = security_schemes(doc, &mut diags);
    undeclared_security(doc, &mut diags);

    let mut ts = TypeSpace::new(doc);
    ts.components();
    let groups = lower_operations(&mut ts, !auth.is_empty(), operations.as_deref());
    if let Some(operations) = operations {
        if crate::emit::cores() > 1 {
            crate::emit::pool().spawn(move || drop(operations));
        }
    }
    ts.remaining_components();
    ts.break_cycles();
    diags.append(&mut ts.diags);

    share_identical_enums(&mut ts.types);
    mark_usage(&mut ts.types, &groups);
    let error_code = error_code_convention(&ts, &groups);
    let mut untyped = ts.untyped;
    untyped.sort();
    untyped.dedup();

    let api = Api {
        title: info.as_ref().map(|i| i.title.clone()).unwrap_or_default(),
        version: info.as_ref().map(|i| i.version.clone()).unwrap_or_default(),
        description: info.and_then(|i| i.description),
        default_base_url,
        servers: rendered,
        auth,
        types: ts.types,
        groups,
        error_code,
        untyped,
    };
    (api, diags)
}

/// String enums with exactly the same values (large specs repeat `[read, write]` or
/// `[asc, desc]` hundreds of times) become aliases of the first one: every name still exists and
/// its variants are reachable through it, but the enum and its impls are compiled once.
fn share_identical_enums(types: &mut [super::TypeDef]) {
    let mut first: crate::FastMap<Vec<String>, super::TypeId> = Default::default();
    for i in 0..types.len() {
        let super::TypeKind::StringEnum(variants) = &types[i].kind else {
            continue;
        };
        let key: Vec<String> = variants.iter().map(|v| v.wire.clone()).collect();
        match first.get(&key) {
            Some(&original) => {
                if types[i].doc.is_none() {
                    types[i].doc = Some(cat(&[
                        "The same values as [`",
                        &types[original.0].name,
                        "`].",
                    ]));
                }
                types[i].kind = super::TypeKind::Alias(TypeRef::Named(original));
            }
            None => {
                first.insert(key, super::TypeId(i));
            }
        }
    }
}

/// Records, for every type, which groups' operations use it (transitively). Types no operation
/// uses are left with no group and are not generated.
fn mark_usage(types: &mut [super::TypeDef], groups: &[Group]) {
    // The last group that reached each type, and each type's groups (in increasing order).
    let mut reached = vec![usize::MAX; types.len()];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    let mut stack: Vec<super::TypeId> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        for op in &g.operations {
            op.for_each_named(&mut |id| stack.push(id));
        }
        while let Some(id) = stack.pop() {
            if reached[id.0] == gi {
                continue;
            }
            reached[id.0] = gi;
            members[id.0].push(gi);
            types[id.0]
                .kind
                .for_each_ref(&mut |r| r.for_each_named(&mut |next| stack.push(next)));
        }
    }
    for (t, m) in types.iter_mut().zip(members) {
        t.groups.extend(m);
    }
}

fn render_server(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&cat(&["{", name, "}"]), &var.default);
        }
    }
    url
}

fn security_schemes(doc: &Document<'_>, diags: &mut Vec<Diagnostic>) -> Vec<AuthScheme> {
    let names: Vec<&str> = doc
        .raw
        .pointer("/components/securitySchemes")
        .and_then(Node::as_object)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for name in names {
        let at = push_pointer("#/components/securitySchemes", name);
        let scheme: openapiv3::ReferenceOr<openapiv3::SecurityScheme> = match doc.deserialize(&at) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let scheme = match doc.resolve(&scheme, &at) {
            Ok((s, _)) => s,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let lowered = match scheme {
            openapiv3::SecurityScheme::APIKey { location, name, .. } => match location {
                openapiv3::APIKeyLocation::Header => AuthScheme::ApiKeyHeader(name.clone()),
                openapiv3::APIKeyLocation::Query => AuthScheme::ApiKeyQuery(name.clone()),
                openapiv3::APIKeyLocation::Cookie => AuthScheme::ApiKeyCookie(name.clone()),
            },
            openapiv3::SecurityScheme::HTTP { scheme, .. } => {
                match scheme.to_ascii_lowercase().as_str() {
                    "basic" => AuthScheme::Basic,
                    "bearer" => AuthScheme::Bearer,
                    other => {
                        diags.push(Diagnostic::warning(
                        push_pointer(&at, "scheme"),
                        format!("HTTP authentication scheme `{other}` is not supported; set the Authorization header yourself with a default header"),
                    ));
                        continue;
                    }
                }
            }
            // OAuth2 and OpenID Connect both end in a bearer access token; obtaining it is the
            // caller's business.
            openapiv3::SecurityScheme::OAuth2 { .. }
            | openapiv3::SecurityScheme::OpenIDConnect { .. } => AuthScheme::Bearer,
        };
        if !out.contains(&lowered) {
            out.push(lowered);
        }
    }
    out
}

/// Security requirements that name a scheme `#/components/securitySchemes` does not declare: the
/// client cannot know how to send those credentials, so each one is a warning at its pointer.
fn undeclared_security(doc: &Document<'_>, diags: &mut Vec<Diagnostic>) {
    let declared: Vec<&str> = doc
        .raw
        .pointer("/components/securitySchemes")
        .and_then(Node::as_object)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    let mut check = |requirements: &Node<'_>, at: &str| {
        let Some(requirements) = requirements.as_array() else {
            return;
        };
        for (i, requirement) in requirements.iter().enumerate() {
            for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
                if !declared.contains(&name) {
                    diags.push(
                        Diagnostic::warning(
                            push_pointer(&format!("{at}/{i}"), name),
                            format!("security requirement `{name}` names no scheme in `#/components/securitySchemes`"),
                        )
                        .help("declare the scheme there (or fix the name); until then the operation sends whatever credentials the client was built with"),
                    );
                }
            }
        }
    };
    if let Some(requirements) = doc.raw.get("security") {
        check(requirements, "#/security");
    }
    let paths = doc.raw.get("paths").and_then(Node::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item_ptr = push_pointer("#/paths", path);
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(requirements) = op.get("security") {
                check(
                    requirements,
                    &push_pointer(&push_pointer(&item_ptr, method), "security"),
                );
            }
        }
    }
}

/// When error responses share an envelope whose `code` (or `error.code`) is a string enum, the
/// client exposes that code typed.
fn error_code_convention(ts: &TypeSpace<'_>, groups: &[Group]) -> Option<ErrorCodeConvention> {
    let named_struct = |ty: &TypeRef| -> Option<&super::StructDef> {
        match ty {
            TypeRef::Named(id) => match &ts.types[id.0].kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    };
    let code_enum = |s: &super::StructDef| -> Option<super::TypeId> {
        let f = s.fields.iter().find(|f| f.wire == "code")?;
        match &f.ty {
            TypeRef::Named(id) if matches!(ts.types[id.0].kind, TypeKind::StringEnum(_)) => {
                Some(*id)
            }
            _ => None,
        }
    };
    for op in groups.iter().flat_map(|g| &g.operations) {
        let Some(err) = &op.error else { continue };
        for case in &err.cases {
            if matches!(case.status, Status::Code(c) if c < 400) {
                continue;
            }
            let super::Decode::Json(ty) = &case.decode else {
                continue;
            };
            let Some(s) = named_struct(ty) else { continue };
            if let Some(id) = code_enum(s) {
                return Some(ErrorCodeConvention { ty: id });
            }
            if let Some(inner) = s
                .fields
                .iter()
                .find(|f| f.wire == "error")
                .and_then(|f| named_struct(&f.ty))
            {
                if let Some(id) = code_enum(inner) {
                    return Some(ErrorCodeConvention { ty: id });
                }
            }
        }
    }
    None
}
