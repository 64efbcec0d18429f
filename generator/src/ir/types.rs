//! Schemas → named Rust types and type references.

use super::{
    DefaultValue, Discriminator, EnumVariant, Field, IntVariant, Presence, Prim, StructDef,
    TypeDef, TypeId, TypeKind, TypeRef, UnionDef, UnionVariant, Untyped,
};
use crate::cat;
use crate::error::{Diagnostic, push_pointer};
use crate::load::normalize::NULL_MARKER;
use crate::load::{Document, Node};
use crate::naming::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;
use std::collections::BTreeSet;

/// Makes the name for an inline type (`{Owner}{Field}`, `{Builder}Body`), called only when one is
/// needed: most schemas are scalars or references and need none, and making a name costs a case
/// conversion and an allocation.
pub(super) type Hint<'h> = &'h dyn Fn() -> String;

/// A lowered schema: the Rust type plus whether `null` is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl Lowered {
    fn new(ty: TypeRef) -> Self {
        Self {
            ty,
            nullable: false,
        }
    }

    /// The type with nullability folded in (for array items, map values and union variants).
    pub(super) fn folded(self) -> TypeRef {
        if self.nullable
            && !matches!(
                self.ty,
                TypeRef::Option(_) | TypeRef::Prim(Prim::Json | Prim::Null)
            )
        {
            TypeRef::Option(Box::new(self.ty))
        } else {
            self.ty
        }
    }
}

/// The part of a schema the lowering cares about, the same whichever way `openapiv3` parsed it.
struct View<'s> {
    typ: Option<&'s str>,
    format: Option<&'s str>,
    properties: Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    enumeration: std::borrow::Cow<'s, [Value]>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    not: bool,
}

/// A format `openapiv3` knows, as the spec spells it.
trait FormatName {
    fn name(&self) -> &'static str;
}

impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::DateTime => "date-time",
            Self::Password => "password",
            Self::Byte => "byte",
            Self::Binary => "binary",
        }
    }
}

impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            Self::Int32 => "int32",
            Self::Int64 => "int64",
        }
    }
}

impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            Self::Float => "float",
            Self::Double => "double",
        }
    }
}

fn format_of<T: FormatName>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<&str> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Item(t) => Some(t.name()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn view(schema: &Schema) -> View<'_> {
    const NONE: &[ReferenceOr<Schema>] = &[];
    let mut v = View {
        typ: None,
        format: None,
        properties: None,
        required: &[],
        additional: None,
        items: None,
        enumeration: std::borrow::Cow::Borrowed(&[]),
        one_of: NONE,
        any_of: NONE,
        all_of: NONE,
        not: false,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.typ = Some("string");
            v.format = format_of(&s.format);
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.clone().map_or(Value::Null, Value::String))
                .collect::<Vec<_>>()
                .into();
        }
        SchemaKind::Type(Type::Integer(s)) => {
            v.typ = Some("integer");
            v.format = format_of(&s.format);
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::from))
                .collect::<Vec<_>>()
                .into();
        }
        SchemaKind::Type(Type::Number(s)) => {
            v.typ = Some("number");
            v.format = format_of(&s.format);
        }
        SchemaKind::Type(Type::Boolean(_)) => v.typ = Some("boolean"),
        SchemaKind::Type(Type::Object(o)) => {
            v.typ = Some("object");
            v.properties = Some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.typ = Some("array");
            v.items = a.items.as_ref();
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => v.not = true,
        SchemaKind::Any(a) => {
            v.typ = a.typ.as_deref();
            v.format = a.format.as_deref();
            if !a.properties.is_empty() || a.typ.as_deref() == Some("object") {
                v.properties = Some(&a.properties);
            }
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref();
            v.enumeration = std::borrow::Cow::Borrowed(&a.enumeration);
            v.one_of = &a.one_of;
            v.any_of = &a.any_of;
            v.all_of = &a.all_of;
            v.not = a.not.is_some();
        }
    }
    v
}

fn is_null_only(schema: &Schema) -> bool {
    schema.schema_data.extensions.get(NULL_MARKER) == Some(&Value::Bool(true))
}

/// Whether a schema says nothing about the value (`{}`, possibly with annotations).
fn is_unconstrained(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default())
        && !is_null_only(schema)
}

/// Lowers every schema into [`TypeDef`]s and [`TypeRef`]s.
pub(super) struct TypeSpace<'d> {
    pub doc: &'d Document<'d>,
    pub types: Vec<TypeDef>,
    by_pointer: crate::FastMap<String, TypeId>,
    pub names: Scope,
    pub untyped: Vec<Untyped>,
    pub diags: Vec<Diagnostic>,
    /// Components whose definition has started (so a recursive reference does not restart it).
    defining: crate::FastSet<TypeId>,
}

impl<'d> TypeSpace<'d> {
    pub(super) fn new(doc: &'d Document<'d>) -> Self {
        Self {
            doc,
            types: Vec::new(),
            by_pointer: crate::FastMap::default(),
            names: Scope::default(),
            untyped: Vec::new(),
            diags: Vec::new(),
            defining: Default::default(),
        }
    }

    /// Registers and lowers every `#/components/schemas` entry, claiming their names first so
    /// declared schemas keep their own names whatever inline types are discovered later.
    pub(super) fn components(&mut self) {
        let doc: &'d Document<'d> = self.doc;
        let names: Vec<&str> = doc
            .raw
            .pointer("/components/schemas")
            .and_then(Node::as_object)
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        for name in &names {
            let pointer = push_pointer("#/components/schemas", name);
            let rust = self.names.claim(naming::type_name(name, "Schema"));
            self.reserve(rust, &pointer);
        }
    }

    /// Lowers every reserved component no operation reached (so their problems are still
    /// reported, and `report` can list them), after the operations are lowered.
    pub(super) fn remaining_components(&mut self) {
        for i in 0..self.types.len() {
            self.ensure_defined(TypeId(i));
        }
    }

    /// Defines a reserved component the first time it is needed.
    fn ensure_defined(&mut self, id: TypeId) {
        if matches!(self.types[id.0].kind, TypeKind::Pending) && self.defining.insert(id) {
            let pointer = self.types[id.0].pointer.clone();
            self.define(id, &pointer);
        }
    }

    fn reserve(&mut self, name: String, pointer: &str) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            pointer: pointer.to_string(),
            doc: None,
            deprecated: false,
            nullable: false,
            kind: TypeKind::Pending,
            groups: Default::default(),
        });
        self.by_pointer.insert(pointer.to_string(), id);
        id
    }

    /// The named type for the schema at `pointer` (a `$ref` target), lowering it on first use.
    fn named(&mut self, pointer: &str, hint: Hint<'_>) -> Result<TypeId, Diagnostic> {
        if let Some(id) = self.by_pointer.get(pointer).copied() {
            self.ensure_defined(id);
            return Ok(id);
        }
        let name = self.names.claim(naming::type_name(
            &name_from_pointer(pointer, hint),
            "Schema",
        ));
        let id = self.reserve(name, pointer);
        self.define(id, pointer);
        Ok(id)
    }

    /// Fills in a reserved named type from the schema at `pointer`.
    fn define(&mut self, id: TypeId, pointer: &str) {
        // A named schema that is only a `$ref` is another name for the target.
        if let Some(reference) = self
            .doc
            .get(pointer)
            .and_then(|v| v.get("$ref"))
            .and_then(Node::as_str)
            .map(str::to_owned)
        {
            let name = self.types[id.0].name.clone();
            let target = self.lower_reference(&reference, pointer, &|| name.clone());
            self.types[id.0].kind = TypeKind::Alias(target.ty);
            self.types[id.0].nullable = target.nullable;
            return;
        }
        let schema = match self.doc.schema(pointer) {
            Ok(s) => s,
            Err(d) => {
                self.fallback(pointer, &d.message);
                self.diags.push(d);
                self.types[id.0].kind = TypeKind::Alias(TypeRef::Prim(Prim::Json));
                return;
            }
        };
        let name = self.types[id.0].name.clone();
        self.types[id.0].doc = doc_of(schema);
        self.types[id.0].deprecated = schema.schema_data.deprecated;
        let (kind, nullable) = self.kind_of(schema, pointer, &name, Some(id));
        self.types[id.0].kind = kind;
        self.types[id.0].nullable = nullable || schema.schema_data.nullable;
    }

    /// Lowers a schema or reference found at `pointer`; `hint` names inline types.
    pub(super) fn lower(
        &mut self,
        item: &ReferenceOr<Schema>,
        pointer: &str,
        hint: Hint<'_>,
    ) -> Lowered {
        match item {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, pointer, hint),
            ReferenceOr::Item(schema) => self.lower_inline(schema, pointer, hint),
        }
    }

    /// Lowers a boxed schema or reference (properties and items).
    pub(super) fn lower_boxed(
        &mut self,
        item: &ReferenceOr<Box<Schema>>,
        pointer: &str,
        hint: Hint<'_>,
    ) -> Lowered {
        match item {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, pointer, hint),
            ReferenceOr::Item(schema) => self.lower_inline(schema, pointer, hint),
        }
    }

    fn lower_reference(&mut self, reference: &str, pointer: &str, hint: Hint<'_>) -> Lowered {
        let target = match self.doc.follow(reference, pointer) {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(d);
                return Lowered::new(TypeRef::Prim(Prim::Json));
            }
        };
        match self.named(target, hint) {
            Ok(id) => Lowered {
                ty: TypeRef::Named(id),
                nullable: self.types[id.0].nullable,
            },
            Err(d) => {
                self.diags.push(d);
                Lowered::new(TypeRef::Prim(Prim::Json))
            }
        }
    }

    fn lower_inline(&mut self, schema: &Schema, pointer: &str, hint: Hint<'_>) -> Lowered {
        if let Some(id) = self.by_pointer.get(pointer) {
            return Lowered {
                ty: TypeRef::Named(*id),
                nullable: self.types[id.0].nullable,
            };
        }
        let nullable = schema.schema_data.nullable;
        let v = view(schema);
        if is_null_only(schema) {
            return Lowered {
                ty: TypeRef::Prim(Prim::Null),
                nullable: true,
            };
        }
        // Shapes that need no named type.
        if v.one_of.is_empty() && v.any_of.is_empty() && v.all_of.is_empty() && !v.not {
            if let Some(l) = self.anonymous(schema, &v, pointer, hint) {
                return Lowered {
                    nullable: nullable || l.nullable,
                    ..l
                };
            }
        }
        if !v.all_of.is_empty() && v.properties.is_none_or(IndexMap::is_empty) {
            if let Some(single) = self.single_all_of(v.all_of, pointer, hint) {
                return Lowered {
                    nullable: nullable || single.nullable,
                    ..single
                };
            }
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let alts = if v.one_of.is_empty() {
                v.any_of
            } else {
                v.one_of
            };
            let key = if v.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            if let Some(l) = self.trivial_union(alts, &cat(&[pointer, "/", key]), hint) {
                return Lowered {
                    nullable: nullable || l.nullable,
                    ..l
                };
            }
        }
        // Everything else becomes a named type.
        let name = self.names.claim(naming::type_name(&hint(), "Inline"));
        let id = self.reserve(name, pointer);
        self.types[id.0].doc = doc_of(schema);
        self.types[id.0].deprecated = schema.schema_data.deprecated;
        let type_name = self.types[id.0].name.clone();
        let (kind, inner_nullable) = self.kind_of(schema, pointer, &type_name, Some(id));
        self.types[id.0].kind = kind;
        self.types[id.0].nullable = nullable || inner_nullable;
        Lowered {
            ty: TypeRef::Named(id),
            nullable: nullable || inner_nullable,
        }
    }

    /// Types that are not named: scalars, arrays, maps, free-form JSON.
    fn anonymous(
        &mut self,
        schema: &Schema,
        v: &View<'_>,
        pointer: &str,
        hint: Hint<'_>,
    ) -> Option<Lowered> {
        let has_props = v.properties.is_some_and(|p| !p.is_empty());
        let non_null_enum: Vec<&Value> = v.enumeration.iter().filter(|e| !e.is_null()).collect();
        let enum_null = v.enumeration.iter().any(Value::is_null);
        if !non_null_enum.is_empty() {
            let typ = v.typ;
            let all_str =
                non_null_enum.iter().all(|e| e.is_string()) && typ.is_none_or(|t| t == "string");
            let all_int =
                non_null_enum.iter().all(|e| e.is_i64()) && typ.is_none_or(|t| t == "integer");
            if all_str || all_int {
                return None; // a named enum
            }
        }
        let typ = v.typ.or(if has_props || v.additional.is_some() {
            Some("object")
        } else if v.items.is_some() {
            Some("array")
        } else {
            None
        });
        let prim = |p| {
            Some(Lowered {
                ty: TypeRef::Prim(p),
                nullable: enum_null,
            })
        };
        match typ {
            Some("string") => prim(string_prim(v.format)),
            Some("integer") => prim(match v.format {
                Some("int32") => Prim::I32,
                Some("uint32") => Prim::U32,
                Some("uint64") => Prim::U64,
                _ => Prim::I64,
            }),
            Some("number") => prim(match v.format {
                Some("float") => Prim::F32,
                _ => Prim::F64,
            }),
            Some("boolean") => prim(Prim::Bool),
            Some("array") => {
                let item = match v.items {
                    Some(items) => self
                        .lower_boxed(items, &push_pointer(pointer, "items"), &|| {
                            cat(&[&hint(), "Item"])
                        })
                        .folded(),
                    None => TypeRef::Prim(Prim::Json),
                };
                Some(Lowered::new(TypeRef::Vec(Box::new(item))))
            }
            Some("object") if !has_props => match v.additional {
                Some(AdditionalProperties::Schema(s)) => {
                    let value = self
                        .lower(s, &push_pointer(pointer, "additionalProperties"), &|| {
                            cat(&[&hint(), "Value"])
                        })
                        .folded();
                    Some(Lowered::new(TypeRef::Map(Box::new(value))))
                }
                _ => Some(Lowered::new(TypeRef::Prim(Prim::JsonObject))),
            },
            Some("object") => None,
            Some(other) => {
                self.diags.push(Diagnostic::warning(
                    push_pointer(pointer, "type"),
                    format!("unknown type `{other}`; the value is untyped JSON"),
                ));
                self.fallback(pointer, &cat(&["unknown type `", other, "`"]));
                prim(Prim::Json)
            }
            None => {
                if is_unconstrained(schema) || v.enumeration.is_empty() {
                    prim(Prim::Json)
                } else {
                    // An enum of mixed types.
                    self.fallback(pointer, "enum with values of mixed types");
                    prim(Prim::Json)
                }
            }
        }
    }

    /// `allOf` with one meaningful part (often `allOf: [$ref]` plus `nullable` or a description).
    fn single_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
        hint: Hint<'_>,
    ) -> Option<Lowered> {
        let meaningful: Vec<(usize, &ReferenceOr<Schema>)> = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| match p {
                ReferenceOr::Item(s) => !is_unconstrained(s),
                ReferenceOr::Reference { .. } => true,
            })
            .collect();
        match meaningful.as_slice() {
            [(i, part)] => Some(self.lower(part, &format!("{pointer}/allOf/{i}"), hint)),
            _ => None,
        }
    }

    /// A union that is really one type, optionally nullable (`oneOf: [T, {type: null}]`).
    fn trivial_union(
        &mut self,
        alts: &[ReferenceOr<Schema>],
        pointer: &str,
        hint: Hint<'_>,
    ) -> Option<Lowered> {
        let mut non_null = Vec::new();
        let mut has_null = false;
        for (i, alt) in alts.iter().enumerate() {
            match alt {
                ReferenceOr::Item(s) if is_null_only(s) => has_null = true,
                _ => non_null.push((i, alt)),
            }
        }
        match non_null.as_slice() {
            [(i, alt)] => {
                let l = self.lower(alt, &format!("{pointer}/{i}"), hint);
                Some(Lowered {
                    nullable: l.nullable || has_null,
                    ..l
                })
            }
            [] => Some(Lowered {
                ty: TypeRef::Prim(Prim::Null),
                nullable: true,
            }),
            _ => None,
        }
    }

    /// The kind of a named type, and whether its schema admits `null` beyond `nullable`.
    fn kind_of(
        &mut self,
        schema: &Schema,
        pointer: &str,
        name: &str,
        _id: Option<TypeId>,
    ) -> (TypeKind, bool) {
        let v = view(schema);
        if is_null_only(schema) {
            return (TypeKind::Alias(TypeRef::Prim(Prim::Null)), true);
        }
        let enum_null = v.enumeration.iter().any(Value::is_null);
        let values: Vec<&Value> = v.enumeration.iter().filter(|e| !e.is_null()).collect();
        if !values.is_empty()
            && values.iter().all(|e| e.is_string())
            && v.typ.is_none_or(|t| t == "string")
        {
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let mut seen = BTreeSet::new();
            let variants = values
                .iter()
                .filter_map(|e| e.as_str())
                .filter(|s| seen.insert(s.to_string()))
                .map(|s| EnumVariant {
                    name: scope.claim(naming::variant(s, "Empty")),
                    wire: s.to_string(),
                })
                .collect();
            return (TypeKind::StringEnum(variants), enum_null);
        }
        if !values.is_empty()
            && values.iter().all(|e| e.is_i64())
            && v.typ.is_none_or(|t| t == "integer")
        {
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let mut seen = BTreeSet::new();
            let variants = values
                .iter()
                .filter_map(|e| e.as_i64())
                .filter(|n| seen.insert(*n))
                .map(|n| IntVariant {
                    name: scope.claim(naming::variant(
                        &format!("{}{}", if n < 0 { "Minus" } else { "V" }, n.unsigned_abs()),
                        "Value",
                    )),
                    value: n,
                })
                .collect();
            return (TypeKind::IntEnum(variants), enum_null);
        }
        let has_props = v.properties.is_some_and(|p| !p.is_empty());
        if !v.all_of.is_empty() {
            return match self.merge_all_of(schema, pointer) {
                Some(merged) => (TypeKind::Struct(self.struct_def(&merged, name)), false),
                None => match self.single_all_of(v.all_of, pointer, &|| name.to_string()) {
                    Some(l) => (TypeKind::Alias(l.ty), l.nullable),
                    None => {
                        self.fallback(pointer, "allOf combines parts that are not all objects");
                        (TypeKind::Alias(TypeRef::Prim(Prim::Json)), false)
                    }
                },
            };
        }
        if has_props {
            let merged = Merged::from_view(&v, pointer);
            return (TypeKind::Struct(self.struct_def(&merged, name)), false);
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (alts, key) = if v.one_of.is_empty() {
                (v.any_of, "anyOf")
            } else {
                (v.one_of, "oneOf")
            };
            return self.union(schema, alts, &cat(&[pointer, "/", key]), name);
        }
        if v.not {
            self.fallback(pointer, "`not` schemas cannot be typed");
            return (TypeKind::Alias(TypeRef::Prim(Prim::Json)), false);
        }
        match self.anonymous(schema, &v, pointer, &|| name.to_string()) {
            Some(l) => (TypeKind::Alias(l.ty), l.nullable),
            None => (
                TypeKind::Struct(StructDef {
                    all_optional: true,
                    ..StructDef::default()
                }),
                false,
            ),
        }
    }

    fn union(
        &mut self,
        schema: &Schema,
        alts: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> (TypeKind, bool) {
        let mut has_null = false;
        let mut variants: Vec<(Option<String>, UnionVariant)> = Vec::new();
        let mut scope = Scope::with_reserved(&["Unknown"]);
        for (i, alt) in alts.iter().enumerate() {
            if let ReferenceOr::Item(s) = alt {
                if is_null_only(s) {
                    has_null = true;
                    continue;
                }
            }
            let alt_ptr = format!("{pointer}/{i}");
            let title = match alt {
                ReferenceOr::Item(s) => s.schema_data.title.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = || match &title {
                Some(t) => cat(&[name, &naming::pascal(t, "Variant")]),
                None => format!("{name}Variant{}", i + 1),
            };
            let l = self.lower(alt, &alt_ptr, &hint);
            has_null |= l.nullable;
            let ty = l.ty;
            if variants.iter().any(|(_, v)| v.ty == ty) {
                continue;
            }
            let reference = match alt {
                ReferenceOr::Reference { reference } => self
                    .doc
                    .follow(reference, &alt_ptr)
                    .ok()
                    .map(str::to_string),
                ReferenceOr::Item(_) => None,
            };
            let base = match &ty {
                TypeRef::Named(id) => self.types[id.0].name.clone(),
                other => prim_variant_name(other),
            };
            let vname = scope.claim(naming::variant(&base, "Variant"));
            variants.push((
                reference,
                UnionVariant {
                    name: vname,
                    ty,
                    boxed: false,
                },
            ));
        }
        if let Some(d) = &schema.schema_data.discriminator {
            // A mapping whose target is missing or is not one of the alternatives cannot be
            // honoured: say so rather than drop it silently.
            let schema_ptr = pointer.rsplit_once('/').map_or(pointer, |(head, _)| head);
            let mapping_ptr = cat(&[schema_ptr, "/discriminator/mapping"]);
            for (key, target) in &d.mapping {
                let full = if target.starts_with('#') {
                    target.clone()
                } else {
                    push_pointer("#/components/schemas", target)
                };
                let at = push_pointer(&mapping_ptr, key);
                let message = match self.doc.follow(&full, &at) {
                    Err(_) => cat(&[
                        "discriminator value `",
                        key,
                        "` maps to `",
                        target,
                        "`, which does not exist",
                    ]),
                    Ok(resolved)
                        if !variants.iter().any(|(r, _)| r.as_deref() == Some(resolved)) =>
                    {
                        cat(&[
                            "discriminator value `",
                            key,
                            "` maps to `",
                            target,
                            "`, which is not one of the alternatives",
                        ])
                    }
                    Ok(_) => continue,
                };
                self.diags.push(
                    Diagnostic::warning(at, message).help(
                        "point the mapping at one of the oneOf/anyOf alternatives; until then that value decodes as the enum's `Unknown` case",
                    ),
                );
            }
        }
        let discriminator = schema.schema_data.discriminator.as_ref().and_then(|d| {
            let mut mapping = Vec::new();
            for (idx, (reference, _)) in variants.iter().enumerate() {
                let reference = reference.as_ref()?;
                let explicit: Vec<String> = d
                    .mapping
                    .iter()
                    .filter(|(_, target)| {
                        let full = if target.starts_with('#') {
                            (*target).clone()
                        } else {
                            push_pointer("#/components/schemas", target)
                        };
                        self.doc.follow(&full, pointer).ok() == Some(reference.as_str())
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                if explicit.is_empty() {
                    let implicit =
                        crate::error::unescape_pointer_token(reference.rsplit('/').next()?)
                            .into_owned();
                    mapping.push((implicit, idx));
                } else {
                    mapping.extend(explicit.into_iter().map(|k| (k, idx)));
                }
            }
            Some(Discriminator {
                property: d.property_name.clone(),
                mapping,
            })
        });
        let mut variants: Vec<UnionVariant> = variants.into_iter().map(|(_, v)| v).collect();
        if discriminator.is_none() {
            // serde tries untagged variants in order: most specific first, catch-alls last.
            let ranks: Vec<(usize, i64)> =
                variants.iter().map(|v| self.specificity(&v.ty)).collect();
            let mut indexed: Vec<(usize, UnionVariant)> =
                variants.into_iter().enumerate().collect();
            indexed.sort_by_key(|(i, _)| ranks[*i]);
            variants = indexed.into_iter().map(|(_, v)| v).collect();
        }
        if variants.is_empty() {
            return (TypeKind::Alias(TypeRef::Prim(Prim::Null)), true);
        }
        (
            TypeKind::Union(UnionDef {
                variants,
                discriminator,
            }),
            has_null,
        )
    }

    /// Sort key for untagged variants: objects with many required fields first, free-form last.
    fn specificity(&self, ty: &TypeRef) -> (usize, i64) {
        match ty {
            TypeRef::Named(id) => match &self.types[id.0].kind {
                TypeKind::Struct(s) => (
                    0,
                    -(s.fields
                        .iter()
                        .filter(|f| {
                            matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                        })
                        .count() as i64),
                ),
                TypeKind::Union(_) => (1, 0),
                TypeKind::IntEnum(_) => (3, 0),
                TypeKind::StringEnum(_) => (4, 0),
                TypeKind::Alias(inner) => {
                    let (r, s) = self.specificity(inner);
                    (r, s)
                }
                TypeKind::Pending => (1, 0),
            },
            TypeRef::Vec(_) => (2, 0),
            TypeRef::Map(_) => (1, 0),
            TypeRef::Option(inner) => self.specificity(inner),
            TypeRef::Prim(Prim::Json) => (9, 0),
            TypeRef::Prim(Prim::JsonObject) => (8, 0),
            TypeRef::Prim(Prim::String) => (6, 0),
            TypeRef::Prim(Prim::F64 | Prim::F32) => (5, 1),
            TypeRef::Prim(_) => (5, 0),
        }
    }

    /// Merges the parts of an `allOf` (and the schema's own properties) into one object, or
    /// `None` when a part is not an object.
    fn merge_all_of<'a>(&mut self, schema: &'a Schema, pointer: &str) -> Option<Merged<'a>>
    where
        'd: 'a,
    {
        let mut merged = Merged::default();
        let mut meaningful = 0;
        if !self.merge_into(schema, pointer, &mut merged, &mut meaningful, 0) {
            return None;
        }
        if meaningful < 2 && merged.properties.is_empty() {
            return None;
        }
        Some(merged)
    }

    fn merge_into<'a>(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        merged: &mut Merged<'a>,
        meaningful: &mut usize,
        depth: usize,
    ) -> bool
    where
        'd: 'a,
    {
        if depth > 32 {
            return false;
        }
        let v = view(schema);
        if !v.one_of.is_empty() || !v.any_of.is_empty() || v.not || !v.enumeration.is_empty() {
            // Object properties beside a oneOf that only constrains `required` are still fine.
            let only_constraints = v.one_of.iter().chain(v.any_of).all(|alt| match alt {
                ReferenceOr::Item(s) => matches!(&s.schema_kind, SchemaKind::Any(a) if a.properties.is_empty() && a.typ.is_none() && a.all_of.is_empty() && a.one_of.is_empty() && a.any_of.is_empty()),
                ReferenceOr::Reference { .. } => false,
            });
            if !only_constraints || v.not || !v.enumeration.is_empty() {
                return false;
            }
        }
        if let Some(t) = v.typ {
            if t != "object" {
                return false;
            }
        }
        if v.items.is_some() {
            return false;
        }
        if merged.doc.is_none() {
            merged.doc = doc_of(schema);
        }
        let own = Merged::from_view(&v, pointer);
        if !own.properties.is_empty() || own.additional.is_some() {
            *meaningful += 1;
        }
        merged.absorb(own);
        for (i, part) in v.all_of.iter().enumerate() {
            let part_ptr = format!("{pointer}/allOf/{i}");
            let doc: &'d Document<'d> = self.doc;
            let (part_schema, at): (&'a Schema, &str) = match part {
                ReferenceOr::Item(s) => (s, &part_ptr),
                ReferenceOr::Reference { reference } => {
                    let Ok(target) = doc.follow(reference, &part_ptr) else {
                        return false;
                    };
                    let Ok(s) = doc.schema(target) else {
                        return false;
                    };
                    *meaningful += 1;
                    (s, target)
                }
            };
            if is_unconstrained(part_schema) {
                continue;
            }
            let before = merged.properties.len();
            if !self.merge_into(part_schema, at, merged, meaningful, depth + 1) {
                return false;
            }
            if merged.properties.len() > before {
                *meaningful += 1;
            }
        }
        true
    }

    fn struct_def(&mut self, merged: &Merged<'_>, parent: &str) -> StructDef {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (wire, (prop, prop_ptr)) in &merged.properties {
            let hint = || cat(&[parent, &naming::pascal(wire, "Field")]);
            let lowered = self.lower_boxed(prop, prop_ptr, &hint);
            let doc: &'d Document<'d> = self.doc;
            let prop_schema: Option<&Schema> = match prop {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => doc
                    .follow(reference, prop_ptr)
                    .ok()
                    .and_then(|t| doc.schema(t).ok()),
            };
            let data = prop_schema.map(|s| &s.schema_data);
            let read_only = data.is_some_and(|d| d.read_only);
            let write_only = data.is_some_and(|d| d.write_only);
            // readOnly fields are only in responses, writeOnly only in requests: both optional.
            let required = merged.required.contains(wire) && !read_only && !write_only;
            let nullable = lowered.nullable;
            let default = if required || nullable {
                None
            } else {
                data.and_then(|d| d.default.as_ref())
                    .and_then(|d| self.default_value(&lowered.ty, d))
            };
            let presence = match (required, nullable, default.is_some()) {
                (true, false, _) => Presence::Required,
                (true, true, _) => Presence::RequiredNullable,
                (false, false, true) => Presence::Defaulted,
                (false, false, false) => Presence::Optional,
                (false, true, _) => Presence::OptionalNullable,
            };
            let ty = match lowered.ty {
                TypeRef::Prim(Prim::Null) => TypeRef::Prim(Prim::Json),
                other => other,
            };
            fields.push(Field {
                name: scope.claim(naming::snake(wire, "field")),
                wire: wire.to_string(),
                ty,
                presence,
                boxed: false,
                default,
                doc: data.and_then(|d| d.description.clone().or_else(|| d.title.clone())),
                deprecated: data.is_some_and(|d| d.deprecated),
            });
        }
        let additional = match &merged.additional {
            Some((AdditionalProperties::Schema(s), at)) => {
                Some(self.lower(s, at, &|| cat(&[parent, "Value"])).folded())
            }
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Prim(Prim::Json)),
            _ => None,
        };
        // The flattened map takes a field name of its own.
        let additional_name = scope.claim("additional_properties".to_string());
        let all_optional = fields
            .iter()
            .all(|f| !matches!(f.presence, Presence::Required | Presence::RequiredNullable));
        StructDef {
            fields,
            additional,
            additional_name,
            all_optional,
        }
    }

    fn default_value(&self, ty: &TypeRef, default: &Value) -> Option<DefaultValue> {
        match (ty, default) {
            (TypeRef::Prim(Prim::Bool), Value::Bool(b)) => Some(DefaultValue::Bool(*b)),
            (TypeRef::Prim(Prim::I32 | Prim::I64), Value::Number(n)) => {
                let v = n.as_i64()?;
                if matches!(ty, TypeRef::Prim(Prim::I32)) && i32::try_from(v).is_err() {
                    return None;
                }
                Some(DefaultValue::Int(v))
            }
            (TypeRef::Prim(Prim::U32 | Prim::U64), Value::Number(n)) => {
                let v = n.as_u64()?;
                Some(DefaultValue::Int(i64::try_from(v).ok()?))
            }
            (TypeRef::Prim(Prim::F32 | Prim::F64), Value::Number(n)) => {
                n.as_f64().map(DefaultValue::Float)
            }
            (TypeRef::Prim(Prim::String), Value::String(s)) => Some(DefaultValue::Str(s.clone())),
            (TypeRef::Named(id), Value::String(s)) => match &self.types[id.0].kind {
                TypeKind::StringEnum(vs) => vs
                    .iter()
                    .find(|v| &v.wire == s)
                    .map(|v| DefaultValue::Variant(*id, v.name.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// Records an untyped JSON fallback (listed by `report`).
    pub(super) fn fallback(&mut self, pointer: &str, reason: &str) {
        self.untyped.push(Untyped {
            pointer: pointer.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Boxes every field and variant whose type leads back to its owner without passing through
    /// a `Vec` or a map (which already add indirection): edges inside one strongly connected
    /// component of the "contains directly" graph.
    pub(super) fn break_cycles(&mut self) {
        let n = self.types.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, t) in self.types.iter().enumerate() {
            for target in direct_targets(&t.kind) {
                edges[i].push(target.0);
            }
        }
        let comp = scc(&edges);
        // A component made only of unions and aliases has no object to stop at: such a type is
        // defined as itself and can hold no finite value.
        let mut has_struct = vec![false; n];
        for (i, t) in self.types.iter().enumerate() {
            if matches!(t.kind, TypeKind::Struct(_)) {
                has_struct[comp[i]] = true;
            }
        }
        for i in 0..n {
            let same = |target: Option<TypeId>| target.is_some_and(|t| comp[t.0] == comp[i]);
            let self_loop = direct_targets(&self.types[i].kind)
                .iter()
                .any(|t| comp[t.0] == comp[i]);
            if self_loop && !has_struct[comp[i]] {
                let pointer = self.types[i].pointer.clone();
                self.diags.push(
                    Diagnostic::error(pointer, "this schema is defined as itself (a cycle of references with no object in between)")
                        .help("break the cycle: a schema cannot be only a reference to itself"),
                );
                self.types[i].kind = TypeKind::Alias(TypeRef::Prim(Prim::Json));
                continue;
            }
            match &mut self.types[i].kind {
                TypeKind::Struct(s) => {
                    for f in &mut s.fields {
                        if same(direct(&f.ty)) {
                            f.boxed = true;
                        }
                    }
                }
                TypeKind::Union(u) => {
                    for v in &mut u.variants {
                        if same(direct(&v.ty)) {
                            v.boxed = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The named type a field holds directly (no `Vec`/map indirection), if any.
fn direct(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Option(inner) => direct(inner),
        _ => None,
    }
}

fn direct_targets(kind: &TypeKind) -> Vec<TypeId> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(t) => direct(t).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Strongly connected components (Tarjan, iterative); returns the component of each node.
fn scc(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *ei < edges[v].len() {
                let w = edges[v][*ei];
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = next_comp;
                        if w == v {
                            break;
                        }
                    }
                    next_comp += 1;
                }
            }
        }
    }
    comp
}

/// An object assembled from a schema's properties and its `allOf` parts (borrowed, not copied).
#[derive(Default)]
struct Merged<'a> {
    properties:
        IndexMap<&'a str, (&'a ReferenceOr<Box<Schema>>, String), foldhash::fast::RandomState>,
    required: BTreeSet<&'a str>,
    additional: Option<(&'a AdditionalProperties, String)>,
    doc: Option<String>,
}

impl<'a> Merged<'a> {
    fn from_view(v: &View<'a>, pointer: &str) -> Self {
        let mut m = Merged::default();
        if let Some(props) = v.properties {
            let base = push_pointer(pointer, "properties");
            for (name, p) in props {
                m.properties.insert(name, (p, push_pointer(&base, name)));
            }
        }
        m.required = v.required.iter().map(String::as_str).collect();
        if let Some(a) = v.additional {
            m.additional = Some((a, push_pointer(pointer, "additionalProperties")));
        }
        m
    }

    fn absorb(&mut self, other: Merged<'a>) {
        for (k, v) in other.properties {
            // A later part refining a property keeps the earlier position.
            self.properties.insert(k, v);
        }
        self.required.extend(other.required);
        if other.additional.is_some() {
            self.additional = other.additional;
        }
        if self.doc.is_none() {
            self.doc = other.doc;
        }
    }
}

fn string_prim(format: Option<&str>) -> Prim {
    match format {
        Some("date-time") => Prim::DateTime,
        Some("date") => Prim::Date,
        Some("uuid") => Prim::Uuid,
        Some("byte") => Prim::Base64,
        Some("binary") => Prim::Binary,
        _ => Prim::String,
    }
}

fn prim_variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "Boolean",
            Prim::I32 | Prim::I64 | Prim::U32 | Prim::U64 => "Integer",
            Prim::F32 | Prim::F64 => "Number",
            Prim::DateTime => "DateTime",
            Prim::Date => "Date",
            Prim::Uuid => "Uuid",
            Prim::Base64 | Prim::Binary => "Bytes",
            Prim::Json => "Value",
            Prim::JsonObject => "Object",
            Prim::Null => "Null",
        }
        .to_string(),
        TypeRef::Vec(inner) => cat(&[&prim_variant_name(inner), "List"]),
        TypeRef::Map(inner) => cat(&[&prim_variant_name(inner), "Map"]),
        TypeRef::Option(inner) => prim_variant_name(inner),
        TypeRef::Named(_) => "Named".to_string(),
    }
}

/// A name for a schema found at an arbitrary pointer: the last meaningful tokens.
fn name_from_pointer(pointer: &str, hint: Hint<'_>) -> String {
    if let Some(name) = pointer.strip_prefix("#/components/schemas/") {
        if !name.contains('/') {
            return crate::error::unescape_pointer_token(name).into_owned();
        }
    }
    const STRUCTURAL: &[&str] = &[
        "#",
        "paths",
        "components",
        "schemas",
        "properties",
        "items",
        "schema",
        "content",
        "responses",
        "requestBody",
        "parameters",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "$defs",
        "definitions",
        "get",
        "put",
        "post",
        "delete",
        "patch",
        "head",
        "options",
        "trace",
    ];
    // The last meaningful token, found from the end (only the tokens after it are decoded).
    pointer
        .rsplit('/')
        .find_map(|t| {
            let t = crate::error::unescape_pointer_token(t);
            if t.starts_with('/') {
                // A path template: its literal words name the thing.
                let words: String = t
                    .split('/')
                    .filter(|w| !w.is_empty() && !w.starts_with('{'))
                    .map(|w| naming::pascal(w, ""))
                    .collect();
                return (!words.is_empty()).then_some(words);
            }
            (!STRUCTURAL.contains(&t.as_ref()) && !t.contains('/') && t.parse::<u32>().is_err())
                .then(|| t.into_owned())
        })
        .unwrap_or_else(hint)
}

fn doc_of(schema: &Schema) -> Option<String> {
    let d = &schema.schema_data;
    match (&d.title, &d.description) {
        (Some(t), Some(desc)) if !desc.starts_with(t.as_str()) => Some(cat(&[t, "\n\n", desc])),
        (_, Some(desc)) => Some(desc.clone()),
        (Some(t), None) => Some(t.clone()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scc_finds_cycles() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 alone
        let comp = scc(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert_eq!(comp[0], comp[1]);
        assert_eq!(comp[1], comp[2]);
        assert_ne!(comp[0], comp[3]);
        assert_ne!(comp[3], comp[4]);
    }

    #[test]
    fn names_from_pointers() {
        let unused = || -> String { panic!("the pointer names the type; no hint is made") };
        assert_eq!(
            name_from_pointer("#/components/schemas/Pet", &unused),
            "Pet"
        );
        assert_eq!(
            name_from_pointer(
                "#/paths/~1items/get/responses/200/content/application~1json/schema",
                &unused
            ),
            "Items"
        );
        assert_eq!(
            name_from_pointer("#/components/schemas/Pet/properties/owner", &unused),
            "owner"
        );
        // Only structural segments: the hint names it.
        assert_eq!(
            name_from_pointer("#/paths/~1/get/responses/200/content/schema", &|| {
                "Fallback".to_string()
            }),
            "Fallback"
        );
    }
}
