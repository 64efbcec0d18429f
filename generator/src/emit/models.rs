//! Named types → structs, enums, unions and aliases.

use super::{Part, Place, docs, ident, rt, text, ty};
use crate::cat;
use crate::ir::{
    Api, DefaultValue, Field, IntVariant, Presence, StructDef, TypeDef, TypeKind, UnionDef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The models module's header: its docs, lints and (when a type needs it) the runtime import.
/// The models module's header: its doc, lint and the runtime's import when a type uses it, as
/// text (the layout `prettyplease` gives [`models_header_tokens`]).
pub(crate) fn models_header(needs_rt: bool, features: bool) -> Part {
    let mut text = String::from(
        "//! Types of the API's schemas: requests, responses and everything they contain.
#![allow(deprecated, reason = \"deprecated schemas are still part of the API\")]
",
    );
    if needs_rt {
        if features {
            text.push_str(
                "#[allow(unused_imports, reason = \"only feature-gated types may use the runtime\")]\n",
            );
        }
        text.push_str("use super::runtime as rt;\n");
    }
    Part::new(Some(text), || models_header_tokens(needs_rt, features))
}

fn models_header_tokens(needs_rt: bool, features: bool) -> TokenStream {
    let allow = features.then(|| {
        quote!(#[allow(unused_imports, reason = "only feature-gated types may use the runtime")])
    });
    let uses = needs_rt.then(|| quote!(#allow use super::runtime as rt;));
    quote! {
        #![doc = " Types of the API's schemas: requests, responses and everything they contain."]
        #![allow(deprecated, reason = "deprecated schemas are still part of the API")]
        #uses
    }
}

/// One type of the models module, in parts (see [`Part`]). With `features`, a type only some
/// resource groups use is compiled only when one of their cargo features is on: `cfg` is the
/// attribute every item of the type carries, as formatted text (token parts carry it already).
pub(crate) struct ModelItem {
    pub cfg: Option<String>,
    /// The attribute's tokens, to check its text against.
    #[cfg(debug_assertions)]
    pub cfg_tokens: Option<TokenStream>,
    pub parts: Vec<Part>,
}

pub(crate) fn model_item(api: &Api, t: &TypeDef, features: bool) -> ModelItem {
    let cfg = features
        .then(|| super::cfg_features(api, &t.groups))
        .flatten();
    let mut parts = type_def(api, t);
    let mut cfg_tokens = None;
    if let Some(features) = &cfg {
        for part in &mut parts {
            if let Part::Tokens(tokens) = part {
                let cfg = cfg_tokens.get_or_insert_with(|| super::cfg_tokens(features));
                *tokens = with_cfg(std::mem::take(tokens), cfg);
            }
        }
    }
    #[cfg(debug_assertions)]
    let cfg_tokens = cfg_tokens.or_else(|| cfg.as_deref().map(super::cfg_tokens));
    ModelItem {
        cfg: cfg.as_deref().map(text::cfg_attribute),
        #[cfg(debug_assertions)]
        cfg_tokens,
        parts,
    }
}

/// A type's docs and `#[deprecated]`.
pub(super) fn type_header(t: &TypeDef) -> TokenStream {
    let fallback = cat(&[
        "The `",
        t.pointer.rsplit('/').next().unwrap_or(&t.name),
        "` schema.",
    ]);
    let doc = docs::attrs(t.doc.as_deref().unwrap_or(&fallback));
    let deprecated = t.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
    }
}

fn type_def(api: &Api, t: &TypeDef) -> Vec<Part> {
    // The docs' tokens are made only for parts emitted (or checked) as tokens.
    let header = || type_header(t);
    let name = ident(&t.name);
    let body = match &t.kind {
        TypeKind::Struct(s) => return struct_def(api, t, s),
        TypeKind::StringEnum(variants) => {
            let Some(texts) = text::string_enum(t, variants) else {
                let items = string_enum(&t.name, variants);
                let header = header();
                return vec![Part::Tokens(quote!(#header #(#items)*))];
            };
            // Debug builds check each item's text against its tokens; the type's docs precede
            // the first item.
            #[cfg(debug_assertions)]
            let mut items = string_enum(&t.name, variants).into_iter();
            return texts
                .into_iter()
                .enumerate()
                .map(|(_i, text)| Part::Text {
                    text,
                    #[cfg(debug_assertions)]
                    tokens: {
                        let item = items.next().unwrap_or_default();
                        if _i == 0 {
                            let header = header();
                            quote!(#header #item)
                        } else {
                            item
                        }
                    },
                })
                .collect();
        }
        TypeKind::IntEnum(variants) => int_enum(&t.name, variants),
        TypeKind::Union(u) => {
            if let Some(d) = &u.discriminator {
                return tagged_union_parts(api, t, u, d);
            }
            let tokens = || {
                let header = header();
                let body = union(api, &t.name, u);
                quote!(#header #body)
            };
            return vec![Part::new(text::union(api, t, u), tokens)];
        }
        TypeKind::Alias(target) => {
            let tokens = || {
                let target = ty(api, target, Place::Models);
                let header = header();
                quote!(#header pub type #name = #target;)
            };
            return vec![Part::new(text::alias(api, t, target), tokens)];
        }
        TypeKind::Pending => quote!(pub type #name = serde_json::Value;),
    };
    let header = header();
    vec![Part::Tokens(quote! {
        #header
        #body
    })]
}

/// A union with a discriminator: two items, written as text when their layout is known.
fn tagged_union_parts(
    api: &Api,
    t: &TypeDef,
    u: &UnionDef,
    d: &crate::ir::Discriminator,
) -> Vec<Part> {
    let name = ident(&t.name);
    let Some([definition, impl_deserialize]) = text::tagged_union(api, t, u, d) else {
        let header = type_header(t);
        let [definition, impl_deserialize] = tagged_union(&name, &union_variants(api, u), u, d);
        return vec![Part::Tokens(quote!(#header #definition #impl_deserialize))];
    };
    // Debug builds check each item's text against its tokens; the docs precede the first.
    #[cfg(debug_assertions)]
    let [definition_tokens, impl_tokens] = tagged_union(&name, &union_variants(api, u), u, d);
    vec![
        Part::Text {
            text: definition,
            #[cfg(debug_assertions)]
            tokens: {
                let header = type_header(t);
                quote!(#header #definition_tokens)
            },
        },
        Part::Text {
            text: impl_deserialize,
            #[cfg(debug_assertions)]
            tokens: impl_tokens,
        },
    ]
}

/// Puts `cfg` in front of every top-level item of `tokens` (items end with a `;` or a brace group
/// at the top level).
fn with_cfg(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out = TokenStream::new();
    let mut at_start = true;
    for tt in tokens {
        if at_start {
            out.extend(cfg.clone());
        }
        let ends_item = match &tt {
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        out.extend(std::iter::once(tt));
        at_start = ends_item;
    }
    out
}

fn field_type(api: &Api, f: &Field) -> TokenStream {
    let inner = ty(api, &f.ty, Place::Models);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    let rt = rt(Place::Models);
    match f.presence {
        Presence::Required | Presence::Defaulted => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(#rt::Nullable<#inner>),
    }
}

pub(super) fn default_fn_name(type_name: &str, field: &str) -> proc_macro2::Ident {
    format_ident!(
        "default_{}_{}",
        crate::naming::snake_words(type_name),
        crate::naming::unraw(field).trim_start_matches('_')
    )
}

pub(super) fn default_expr(api: &Api, d: &DefaultValue, f: &Field) -> TokenStream {
    let value = match d {
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Int(i) => {
            let lit = match f.ty {
                crate::ir::TypeRef::Prim(crate::ir::Prim::I32) => Literal::i32_suffixed(*i as i32),
                crate::ir::TypeRef::Prim(crate::ir::Prim::U32) => Literal::u32_suffixed(*i as u32),
                crate::ir::TypeRef::Prim(crate::ir::Prim::U64) => Literal::u64_suffixed(*i as u64),
                _ => Literal::i64_suffixed(*i),
            };
            quote!(#lit)
        }
        DefaultValue::Float(x) => {
            let lit = match f.ty {
                crate::ir::TypeRef::Prim(crate::ir::Prim::F32) => Literal::f32_suffixed(*x as f32),
                _ => Literal::f64_suffixed(*x),
            };
            quote!(#lit)
        }
        DefaultValue::Str(s) => quote!(String::from(#s)),
        DefaultValue::Variant(id, variant) => {
            let e = ident(&api.ty(*id).name);
            let v = ident(variant);
            quote!(#e::#v)
        }
    };
    if f.boxed {
        quote!(Box::new(#value))
    } else {
        value
    }
}

/// A struct: its definition, its serde impls (as text when [`text`] can write them), its
/// constructor and defaults.
fn struct_def(api: &Api, t: &TypeDef, s: &StructDef) -> Vec<Part> {
    let name = ident(&t.name);
    let rt = rt(Place::Models);
    // One part per default-value function, so each gets the type's `#[cfg]`.
    let mut default_fns = Vec::new();
    for f in &s.fields {
        if let (Presence::Defaulted, Some(d)) = (f.presence, &f.default) {
            let tokens = || {
                let fn_name = default_fn_name(&t.name, &f.name);
                let fty = field_type(api, f);
                let value = default_expr(api, d, f);
                quote! {
                    fn #fn_name() -> #fty { #value }
                }
            };
            default_fns.push(Part::new(text::default_fn(api, t, f, d), tokens));
        }
    }
    let additional_name = s.additional.as_ref().map(|_| ident(&s.additional_name));
    // The definition's tokens are built only when they are formatted (or checked).
    let definition_tokens = || definition_tokens(api, t, s, &type_header(t));

    // Constructor: required fields as arguments, everything else empty or defaulted.
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.name);
        let t = field_type(api, f);
        quote!(#n: #t)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        match f.presence {
            Presence::Required | Presence::RequiredNullable => quote!(#n),
            Presence::Optional => quote!(#n: None),
            Presence::OptionalNullable => quote!(#n: #rt::Nullable::Absent),
            Presence::Defaulted => {
                let fn_name = default_fn_name(&t.name, &f.name);
                quote!(#n: #fn_name())
            }
        }
    });
    let additional_init = s
        .additional
        .as_ref()
        .map(|_| quote!(#additional_name: std::collections::BTreeMap::new(),));
    let definition = Part::new(text::struct_definition(api, t, s), definition_tokens);
    let serialize = Part::new(text::serialize(t, s), || struct_serialize(t, s));
    let deserialize = Part::new(text::deserialize(t, s), || struct_deserialize(t, s));
    // Built only when they are formatted (or checked), like the definition's.
    let constructor_tokens = || {
        let many = (required.len() > 7).then(
            || quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required field")]),
        );
        let ctor_doc = cat(&[" ", &constructor_doc(t, required.is_empty())]);
        quote! {
            impl #name {
                #[doc = #ctor_doc]
                #many
                pub fn new(#(#args),*) -> Self {
                    Self {
                        #(#inits,)*
                        #additional_init
                    }
                }
            }
        }
    };
    let constructor = Part::new(text::constructor(api, t, s), constructor_tokens);
    let mut parts = vec![definition, serialize, deserialize, constructor];
    if s.all_optional {
        parts.push(Part::Text {
            text: text::default_impl(&t.name),
            #[cfg(debug_assertions)]
            tokens: quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            },
        });
    }
    parts.extend(default_fns);
    parts
}

/// The sentence documenting a struct's constructor.
pub(super) fn constructor_doc(t: &TypeDef, no_arguments: bool) -> String {
    if no_arguments {
        cat(&[
            "An empty `",
            &t.name,
            "`: every field unset or at its default.",
        ])
    } else {
        cat(&[
            "A `",
            &t.name,
            "` with its required fields; the others unset or at their defaults.",
        ])
    }
}

/// A struct's definition (docs in `header`) as tokens.
pub(super) fn definition_tokens(
    api: &Api,
    t: &TypeDef,
    s: &StructDef,
    header: &TokenStream,
) -> TokenStream {
    let name = ident(&t.name);
    let additional_name = s.additional.as_ref().map(|_| ident(&s.additional_name));
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let fty = field_type(api, f);
        let fallback = cat(&["`", &f.wire, "`"]);
        let doc = docs::attrs(f.doc.as_deref().unwrap_or(&fallback));
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #doc
            #deprecated
            pub #fname: #fty,
        }
    });
    let additional = s.additional.as_ref().map(|a| {
        let a = ty(api, a, Place::Models);
        quote! {
            /// Properties beyond the declared ones.
            pub #additional_name: std::collections::BTreeMap<String, #a>,
        }
    });
    quote! {
        #header
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// `Deserialize` for a struct: a map visitor with one arm per field (see `runtime::de`).
/// `Serialize` through the runtime's `ObjectWriter`: one call per field, no `?`.
pub(super) fn struct_serialize(t: &TypeDef, s: &StructDef) -> TokenStream {
    let rt = rt(Place::Models);
    let name = ident(&t.name);
    let calls = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required | Presence::RequiredNullable | Presence::Defaulted => {
                quote!(object.field(#wire, &self.#n);)
            }
            Presence::Optional => quote!(object.optional(#wire, &self.#n);),
            Presence::OptionalNullable => quote!(object.nullable(#wire, &self.#n);),
        }
    });
    let additional = s.additional.as_ref().map(|_| {
        let a = ident(&s.additional_name);
        quote!(object.additional(&self.#a);)
    });
    let binding = if s.fields.is_empty() && s.additional.is_none() {
        quote!(let object)
    } else {
        quote!(let mut object)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #binding = #rt::ObjectWriter::new(serializer);
                #(#calls)*
                #additional
                object.end()
            }
        }
    }
}

pub(super) fn struct_deserialize(t: &TypeDef, s: &StructDef) -> TokenStream {
    let rt = rt(Place::Models);
    let name = ident(&t.name);
    let expecting = cat(&["a ", &t.name, " object"]);
    let wires = s.fields.iter().map(|f| f.wire.as_str());
    let slots: Vec<proc_macro2::Ident> = (0..s.fields.len())
        .map(|i| format_ident!("field_{}", i))
        .collect();
    let arms = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| quote!(#rt::Field::Known(#i) => map.value(&mut #slot),));
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let n = ident(&f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required => quote! {
                #n: #rt::de::required(#slot, #wire)?
            },
            Presence::RequiredNullable | Presence::Optional => quote!(#n: #slot.flatten()),
            Presence::OptionalNullable => quote!(#n: #slot.unwrap_or(#rt::Nullable::Absent)),
            Presence::Defaulted => {
                let default = default_fn_name(&t.name, &f.name);
                quote!(#n: #slot.unwrap_or_else(#default))
            }
        }
    });
    let (seed, additional_decl, additional_arm, additional_init) = match &s.additional {
        Some(_) => {
            let a = ident(&s.additional_name);
            (
                quote!(#rt::FieldSeed::keeping_unknown(FIELDS)),
                quote!(let mut additional = std::collections::BTreeMap::new();),
                quote!(#rt::Field::Unknown(Some(key)) => map.additional(&mut additional, key),),
                quote!(#a: additional,),
            )
        }
        None => (
            quote!(#rt::FieldSeed::new(FIELDS)),
            quote!(),
            quote!(),
            quote!(),
        ),
    };
    let body = if s.fields.is_empty() && s.additional.is_none() {
        quote! {
            let mut map = #rt::Fields::new(map, #seed);
            while map.next_field()?.is_some() {
                map.skip()?;
            }
            Ok(#name {})
        }
    } else {
        quote! {
            let mut map = #rt::Fields::new(map, #seed);
            #(let mut #slots = None;)*
            #additional_decl
            while let Some(field) = map.next_field()? {
                match field {
                    #(#arms)*
                    #additional_arm
                    _ => map.skip(),
                }?;
            }
            Ok(#name {
                #(#inits,)*
                #additional_init
            })
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[#(#wires),*];
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<#name, A::Error> {
                        #body
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// A string enum's items: the enum, its `as_str`, `From<&str>`, `From<String>`, `FromStr`,
/// `Display`, `Serialize` and `Deserialize` (in [`text::string_enum`]'s order).
pub(super) fn string_enum(name: &str, variants: &[crate::ir::EnumVariant]) -> [TokenStream; 8] {
    let name = ident(name);
    let decl = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let doc = cat(&[" `", &v.wire.replace('`', "'"), "`"]);
        quote!(#[doc = #doc] #vn,)
    });
    let to_str = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#vn => #wire,)
    });
    let from_str = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#vn,)
    });
    [
        quote! {
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #(#decl)*
                /// A value this version of the client does not know; it round-trips unchanged.
                Unknown(String),
            }
        },
        quote! {
            impl #name {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_str)*
                        Self::Unknown(other) => other,
                    }
                }
            }
        },
        quote! {
            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#from_str)*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }
        },
        quote! {
            impl From<String> for #name {
                fn from(value: String) -> Self {
                    Self::from(value.as_str())
                }
            }
        },
        quote! {
            impl std::str::FromStr for #name {
                type Err = std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }
        },
        quote! {
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value.as_str()))
                }
            }
        },
    ]
}

fn int_enum(name: &str, variants: &[IntVariant]) -> TokenStream {
    let name = ident(name);
    let decl = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let doc = format!(" `{}`", v.value);
        quote!(#[doc = #doc] #vn,)
    });
    let to_int = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let value = Literal::i64_unsuffixed(v.value);
        quote!(Self::#vn => #value,)
    });
    let from_int = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let value = Literal::i64_unsuffixed(v.value);
        quote!(#value => Self::#vn,)
    });
    quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#decl)*
            /// A value this version of the client does not know; it round-trips unchanged.
            Unknown(i64),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_int)*
                    Self::Unknown(other) => *other,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_int)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <i64 as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    }
}

pub(super) fn union(api: &Api, name: &str, u: &UnionDef) -> TokenStream {
    let name_ident = ident(name);
    let variants = union_variants(api, u);
    match &u.discriminator {
        None => quote! {
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant, reason = "variants mirror the schema's alternatives")]
            pub enum #name_ident {
                #(#variants)*
            }
        },
        Some(d) => {
            let [definition, impl_deserialize] = tagged_union(&name_ident, &variants, u, d);
            quote!(#definition #impl_deserialize)
        }
    }
}

/// A union with a discriminator: the enum (an `Unknown` variant keeps a tag it does not know)
/// and its `Deserialize`, which picks the variant by the tag. Two top-level items.
fn tagged_union(
    name: &proc_macro2::Ident,
    variants: &[TokenStream],
    u: &UnionDef,
    d: &crate::ir::Discriminator,
) -> [TokenStream; 2] {
    let property = &d.property;
    let arms = d.mapping.iter().map(|(tag, idx)| {
        let v = &u.variants[*idx];
        let vn = ident(&v.name);
        let wrap = if v.boxed { quote!(|x| Self::#vn(Box::new(x))) } else { quote!(Self::#vn) };
        quote! {
            Some(#tag) => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom),
        }
    });
    [
        quote! {
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant, reason = "variants mirror the schema's alternatives")]
            pub enum #name {
                #(#variants)*
                /// A tag value this version of the client does not know, kept as JSON.
                Unknown(serde_json::Value),
            }
        },
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value.get(#property).and_then(serde_json::Value::as_str).map(ToString::to_string);
                    match tag.as_deref() {
                        #(#arms)*
                        _ => Ok(Self::Unknown(value)),
                    }
                }
            }
        },
    ]
}

/// A union's variants, as [`union`] and [`tagged_union`] declare them.
fn union_variants(api: &Api, u: &UnionDef) -> Vec<TokenStream> {
    u.variants
        .iter()
        .map(|v| {
            let vn = ident(&v.name);
            let t = ty(api, &v.ty, Place::Models);
            let t = if v.boxed { quote!(Box<#t>) } else { t };
            let doc = match &v.ty {
                crate::ir::TypeRef::Named(id) => cat(&[" A [`", &api.ty(*id).name, "`]."]),
                _ => cat(&[" The `", &v.name, "` alternative."]),
            };
            quote!(#[doc = #doc] #vn(#t),)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// The header's text is what `prettyplease` prints for its tokens, with and without the
    /// runtime's import and features.
    #[test]
    fn models_header_is_what_prettyplease_prints() {
        for needs_rt in [false, true] {
            for features in [false, true] {
                let super::Part::Text { text, .. } = super::models_header(needs_rt, features)
                else {
                    panic!("the header is written as text");
                };
                let tokens = super::models_header_tokens(needs_rt, features);
                let expected = crate::krate::format("models.rs", tokens).unwrap();
                assert_eq!(text, expected, "runtime {needs_rt}, features {features}");
            }
        }
    }
}
