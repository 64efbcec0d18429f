//! Emission: the IR → token streams, one small function per IR kind.
//!
//! Generated code names everything by a full path (`String`, `serde::Serialize`)
//! or by a path relative to the generated module tree (`super::super::models`, `rt::`), so it
//! compiles both as a standalone crate and `include!`d into any module of a user's crate, and a
//! schema named `String` or `Option` never shadows what the code means.

pub(crate) mod docs;
mod models;
mod ops;
mod ops_text;
mod text;

pub(crate) use models::{ModelItem, model_item, models_header};
pub(crate) use ops::{
    group_handle, group_header, handle_uses_models, operation_chunk, root_items, uses_models,
};

use crate::cat;
use crate::ir::{Api, Prim, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier, raw (`r#type`) when the name says so.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Part of an emitted chunk.
pub(crate) enum Part {
    /// Tokens, still to be formatted.
    Tokens(TokenStream),
    /// Text already in the layout `prettyplease` gives `tokens` (see [`text`]). Debug builds
    /// keep the tokens and check that.
    Text {
        text: String,
        #[cfg(debug_assertions)]
        tokens: TokenStream,
    },
}

impl Part {
    /// `text` when it was written, else the tokens. `tokens` is called only when the part is
    /// emitted as tokens or (in debug builds) checked against them.
    pub(crate) fn new(text: Option<String>, tokens: impl FnOnce() -> TokenStream) -> Self {
        match text {
            Some(text) => Part::Text {
                text,
                #[cfg(debug_assertions)]
                tokens: tokens(),
            },
            None => Part::Tokens(tokens()),
        }
    }
}

/// Where the code being emitted lives, which decides how it names models.
#[derive(Clone, Copy)]
pub(crate) enum Place {
    /// In the models module.
    Models,
    /// In an operations module (`apis::<tag>`).
    Apis,
}

/// Tokens for a type reference.
pub(crate) fn ty(api: &Api, t: &TypeRef, place: Place) -> TokenStream {
    match t {
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            match place {
                Place::Models => quote!(#name),
                Place::Apis => quote!(models::#name),
            }
        }
        TypeRef::Prim(p) => prim(*p, place),
        TypeRef::Vec(inner) => {
            let inner = ty(api, inner, place);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(api, inner, place);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = ty(api, inner, place);
            quote!(Option<#inner>)
        }
    }
}

/// The path to the runtime module from `place`.
pub(crate) fn rt(place: Place) -> TokenStream {
    match place {
        Place::Models | Place::Apis => quote!(rt),
    }
}

/// A type reference as `prettyplease` prints [`ty`]'s tokens.
pub(crate) fn ty_text(api: &Api, t: &TypeRef, place: Place) -> String {
    match t {
        TypeRef::Named(id) => {
            let name = &api.ty(*id).name;
            match place {
                Place::Models => name.clone(),
                Place::Apis => cat(&["models::", name]),
            }
        }
        TypeRef::Prim(p) => prim_text(*p).to_string(),
        TypeRef::Vec(inner) => cat(&["Vec<", &ty_text(api, inner, place), ">"]),
        TypeRef::Map(inner) => cat(&[
            "std::collections::BTreeMap<String, ",
            &ty_text(api, inner, place),
            ">",
        ]),
        TypeRef::Option(inner) => cat(&["Option<", &ty_text(api, inner, place), ">"]),
    }
}

/// A built-in type as text (the same as [`prim`]).
fn prim_text(p: Prim) -> &'static str {
    match p {
        Prim::String => "String",
        Prim::Bool => "bool",
        Prim::I32 => "i32",
        Prim::I64 => "i64",
        Prim::U32 => "u32",
        Prim::U64 => "u64",
        Prim::F32 => "f32",
        Prim::F64 => "f64",
        Prim::DateTime => "chrono::DateTime<chrono::Utc>",
        Prim::Date => "chrono::NaiveDate",
        Prim::Uuid => "uuid::Uuid",
        Prim::Base64 => "rt::Base64Bytes",
        Prim::Binary => "rt::Upload",
        Prim::Json => "serde_json::Value",
        Prim::JsonObject => "serde_json::Map<String, serde_json::Value>",
        Prim::Null => "()",
    }
}

fn prim(p: Prim, place: Place) -> TokenStream {
    let rt = rt(place);
    match p {
        Prim::String => quote!(String),
        Prim::Bool => quote!(bool),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::U32 => quote!(u32),
        Prim::U64 => quote!(u64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Prim::Date => quote!(chrono::NaiveDate),
        Prim::Uuid => quote!(uuid::Uuid),
        Prim::Base64 => quote!(#rt::Base64Bytes),
        Prim::Binary => quote!(#rt::Upload),
        Prim::Json => quote!(serde_json::Value),
        Prim::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Prim::Null => quote!(()),
    }
}

/// The number of cores to use, asked once per process: on Linux `available_parallelism` reads
/// cgroup files each time, which is a tenth of the time a small spec takes to generate.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// The generator's threads besides the caller's: one per other core, started on first use and
/// kept for the process. A pool of its own, not rayon's global one, so that no more threads wait
/// for work than there are other cores (an idle worker yields its core for a while before it
/// sleeps), whatever else the process runs on the global pool.
pub(crate) fn pool() -> &'static rayon_core::ThreadPool {
    static POOL: std::sync::OnceLock<rayon_core::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon_core::ThreadPoolBuilder::new()
            .num_threads(cores().saturating_sub(1).max(1))
            .thread_name(|i| format!("planasonix-codegen-{i}"))
            .build()
            .expect("the generator's thread pool starts")
    })
}

/// Runs `f(0..n)` on all cores (this thread and one job on the thread pool per other core),
/// results in index order. Emission and formatting of one file's chunks are independent, so this
/// is where generation of a large spec gets its parallelism.
pub(crate) fn parallel<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = cores().min(n.max(1));
    if threads <= 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break done;
            }
            done.push((i, f(i)));
        }
    };
    let helped = std::sync::Mutex::new(Vec::new());
    let mut done = Vec::new();
    pool().in_place_scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|_| {
                let mine = work();
                helped.lock().unwrap_or_else(|e| e.into_inner()).push(mine);
            });
        }
        done = work();
    });
    let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let helped = helped.into_inner().unwrap_or_else(|e| e.into_inner());
    for (i, value) in done.into_iter().chain(helped.into_iter().flatten()) {
        results[i] = Some(value);
    }
    results.into_iter().flatten().collect()
}

/// The cargo feature that enables a resource group: its module name (`default` and `full` are
/// taken by cargo and by the all-groups feature, so those get an `-api` suffix).
pub(crate) fn feature_name(module: &str) -> String {
    let name = crate::naming::unraw(module);
    match name {
        "default" | "full" => cat(&[name, "-api"]),
        other => other.to_string(),
    }
}

/// `#[cfg(...)]` for a whole resource group's items, when features are on.
pub(crate) fn group_cfg(group: &crate::ir::Group, features: bool) -> Option<TokenStream> {
    features.then(|| {
        let f = feature_name(&group.module);
        quote!(#[cfg(feature = #f)])
    })
}

/// `#[cfg(...)]` for something the groups in `groups` use, or `None` when every group uses it.
pub(crate) fn cfg_for(
    api: &Api,
    groups: &std::collections::BTreeSet<usize>,
) -> Option<TokenStream> {
    cfg_features(api, groups).map(|features| cfg_tokens(&features))
}

/// The cargo features of `groups` when they are not every group (the items need a `#[cfg]`).
pub(crate) fn cfg_features(
    api: &Api,
    groups: &std::collections::BTreeSet<usize>,
) -> Option<Vec<String>> {
    if groups.len() >= api.groups.len() {
        return None;
    }
    Some(
        groups
            .iter()
            .map(|g| feature_name(&api.groups[*g].module))
            .collect(),
    )
}

/// `#[cfg(feature = ..)]`, or `#[cfg(any(feature = .., ..))]` for several features.
pub(crate) fn cfg_tokens(features: &[String]) -> TokenStream {
    match features {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Whether `tokens` contain the identifier `name` anywhere (groups included).
pub(crate) fn mentions_ident(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions_ident(g.stream(), name),
        _ => false,
    })
}

/// Whether a value of this type can be written into a path segment with `Display`.
pub(crate) fn is_displayable(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(p) => !matches!(
            p,
            Prim::Json | Prim::JsonObject | Prim::Null | Prim::Binary | Prim::Base64
        ),
        TypeRef::Named(id) => match &api.ty(*id).kind {
            crate::ir::TypeKind::StringEnum(_) | crate::ir::TypeKind::IntEnum(_) => true,
            crate::ir::TypeKind::Alias(inner) => is_displayable(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a parameter or field of this type is best taken as `impl Into<T>`.
pub(crate) fn takes_into(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(Prim::String) => true,
        TypeRef::Named(id) => match &api.ty(*id).kind {
            crate::ir::TypeKind::StringEnum(_) => true,
            crate::ir::TypeKind::Alias(inner) => takes_into(api, inner),
            _ => false,
        },
        _ => false,
    }
}
