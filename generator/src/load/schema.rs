//! A schema read from its JSON straight into `openapiv3`'s types, as `openapiv3`'s own
//! `Deserialize` would read it.
//!
//! `openapiv3::Schema` flattens two structs and decides its kind from a catch-all struct, and each
//! `ReferenceOr` is an untagged enum: serde reads each level into a buffer, then again from the
//! buffer, copying every string of every nested schema once per level. That was most of the time
//! spent deserializing a large spec's component schemas. Here each schema is read once, by the same
//! rules (`openapiv3`'s `SchemaKind` deserializer, reproduced below). Anything unusual (a value of
//! an unexpected type, a `$ref` that is not a string) makes the whole schema fall back to serde,
//! which gives the same result or the same error as before; debug builds compare both on every
//! schema read this way.

use super::tree::{Map, Node};
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, IntegerType, NumberType, ObjectType,
    ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// `Schema::deserialize(value)`, when `value` is a schema object this module reads; `None`
/// (for serde to read it) otherwise.
pub(super) fn schema(value: &Node<'_>) -> Option<Schema> {
    item(value, schema_of)
}

pub(super) fn reference_or(value: &Node<'_>) -> Option<ReferenceOr<Schema>> {
    reference_or_item(value, schema_of)
}

/// An object read as `T` itself by `read`: a `$ref` beside its keys is left to serde, which
/// ignores it here but not inside a `ReferenceOr`.
pub(super) fn item<T>(value: &Node<'_>, read: fn(&Map<'_>) -> Option<T>) -> Option<T> {
    let obj = value.as_object()?;
    if obj.contains_key("$ref") {
        return None;
    }
    read(obj)
}

/// `ReferenceOr<T>`: a string `$ref` makes a reference whatever else is there (the untagged enum
/// tries that variant first); any other `$ref` is left to serde; without one, `read` reads `T`.
pub(super) fn reference_or_item<T>(
    value: &Node<'_>,
    read: fn(&Map<'_>) -> Option<T>,
) -> Option<ReferenceOr<T>> {
    let obj = value.as_object()?;
    match obj.get("$ref") {
        Some(Node::String(reference)) => Some(ReferenceOr::Reference {
            reference: reference.to_string(),
        }),
        Some(_) => None,
        None => read(obj).map(ReferenceOr::Item),
    }
}

fn reference_or_boxed(value: &Node<'_>) -> Option<ReferenceOr<Box<Schema>>> {
    Some(match reference_or(value)? {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(schema) => ReferenceOr::Item(Box::new(schema)),
    })
}

/// The keywords `openapiv3` reads to decide a schema's kind; absent and `null` are both `None`.
#[derive(Default)]
struct Raw {
    typ: Option<String>,
    pattern: Option<String>,
    multiple_of: Option<Number>,
    exclusive_minimum: Option<bool>,
    exclusive_maximum: Option<bool>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    properties: Option<indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: Option<Vec<String>>,
    additional_properties: Option<AdditionalProperties>,
    min_properties: Option<usize>,
    max_properties: Option<usize>,
    items: Option<ReferenceOr<Box<Schema>>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique_items: Option<bool>,
    enumeration: Option<Vec<Value>>,
    format: Option<String>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    one_of: Option<Vec<ReferenceOr<Schema>>>,
    all_of: Option<Vec<ReferenceOr<Schema>>>,
    any_of: Option<Vec<ReferenceOr<Schema>>>,
    not: Option<Box<ReferenceOr<Schema>>>,
}

/// An optional field: `Some(None)` when `null`, `None` when `read` refuses the value.
pub(super) fn optional<'v, 'a, T>(
    value: &'v Node<'a>,
    read: impl FnOnce(&'v Node<'a>) -> Option<T>,
) -> Option<Option<T>> {
    if value.is_null() {
        Some(None)
    } else {
        read(value).map(Some)
    }
}

pub(super) fn string(value: &Node<'_>) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn number(value: &Node<'_>) -> Option<Number> {
    match value {
        Node::Number(n) => Some(n.clone()),
        _ => None,
    }
}

fn count(value: &Node<'_>) -> Option<usize> {
    value.as_u64().and_then(|n| usize::try_from(n).ok())
}

fn list(value: &Node<'_>) -> Option<Vec<ReferenceOr<Schema>>> {
    value.as_array()?.iter().map(reference_or).collect()
}

pub(super) fn serde_read<T: DeserializeOwned>(value: &Node<'_>) -> Option<T> {
    T::deserialize(value.to_value()).ok()
}

fn schema_of(obj: &Map<'_>) -> Option<Schema> {
    let mut data = SchemaData::default();
    let mut raw = Raw::default();
    for (key, value) in obj {
        match key {
            "nullable" => data.nullable = value.as_bool()?,
            "readOnly" => data.read_only = value.as_bool()?,
            "writeOnly" => data.write_only = value.as_bool()?,
            "deprecated" => data.deprecated = value.as_bool()?,
            "externalDocs" => data.external_docs = optional(value, serde_read)?,
            "example" => data.example = optional(value, |v| Some(v.to_value()))?,
            "title" => data.title = optional(value, string)?,
            "description" => data.description = optional(value, string)?,
            "discriminator" => data.discriminator = optional(value, serde_read)?,
            "default" => data.default = optional(value, |v| Some(v.to_value()))?,
            "type" => raw.typ = optional(value, string)?,
            "pattern" => raw.pattern = optional(value, string)?,
            "multipleOf" => raw.multiple_of = optional(value, number)?,
            "exclusiveMinimum" => raw.exclusive_minimum = optional(value, Node::as_bool)?,
            "exclusiveMaximum" => raw.exclusive_maximum = optional(value, Node::as_bool)?,
            "minimum" => raw.minimum = optional(value, number)?,
            "maximum" => raw.maximum = optional(value, number)?,
            "properties" => {
                raw.properties = optional(value, |v| {
                    v.as_object()?
                        .iter()
                        .map(|(name, s)| Some((name.to_string(), reference_or_boxed(s)?)))
                        .collect()
                })?;
            }
            "required" => {
                raw.required = optional(value, |v| v.as_array()?.iter().map(string).collect())?
            }
            "additionalProperties" => {
                raw.additional_properties = optional(value, |v| match v {
                    Node::Bool(b) => Some(AdditionalProperties::Any(*b)),
                    _ => reference_or(v).map(|s| AdditionalProperties::Schema(Box::new(s))),
                })?;
            }
            "minProperties" => raw.min_properties = optional(value, count)?,
            "maxProperties" => raw.max_properties = optional(value, count)?,
            "items" => raw.items = optional(value, reference_or_boxed)?,
            "minItems" => raw.min_items = optional(value, count)?,
            "maxItems" => raw.max_items = optional(value, count)?,
            "uniqueItems" => raw.unique_items = optional(value, Node::as_bool)?,
            "enum" => {
                raw.enumeration = optional(value, |v| {
                    Some(v.as_array()?.iter().map(Node::to_value).collect())
                })?
            }
            "format" => raw.format = optional(value, string)?,
            "minLength" => raw.min_length = optional(value, count)?,
            "maxLength" => raw.max_length = optional(value, count)?,
            "oneOf" => raw.one_of = optional(value, list)?,
            "allOf" => raw.all_of = optional(value, list)?,
            "anyOf" => raw.any_of = optional(value, list)?,
            "not" => raw.not = optional(value, |v| reference_or(v).map(Box::new))?,
            other if other.starts_with("x-") => {
                data.extensions.insert(other.to_string(), value.to_value());
            }
            _ => {}
        }
    }
    Some(Schema {
        schema_data: data,
        schema_kind: kind(raw)?,
    })
}

/// `openapiv3`'s `SchemaKind` deserializer: a typed kind when only that type's keywords are
/// present (and its `enum` values fit), a composition when it is the only keyword, else `Any`.
fn kind(raw: Raw) -> Option<SchemaKind> {
    let string_only = raw.multiple_of.is_none()
        && raw.exclusive_minimum.is_none()
        && raw.exclusive_maximum.is_none()
        && raw.minimum.is_none()
        && raw.maximum.is_none();
    let no_object = raw.properties.is_none()
        && raw.required.is_none()
        && raw.additional_properties.is_none()
        && raw.min_properties.is_none()
        && raw.max_properties.is_none();
    let no_array = raw.items.is_none()
        && raw.min_items.is_none()
        && raw.max_items.is_none()
        && raw.unique_items.is_none();
    let no_length = raw.min_length.is_none() && raw.max_length.is_none();
    let no_composition =
        raw.one_of.is_none() && raw.all_of.is_none() && raw.any_of.is_none() && raw.not.is_none();
    let enum_fits = |check: fn(&Value) -> bool| {
        raw.enumeration
            .as_ref()
            .is_none_or(|values| values.iter().all(|v| v.is_null() || check(v)))
    };
    let int = |n: &Option<Number>| n.as_ref().is_none_or(Number::is_i64);
    let typ = raw.typ.as_deref();
    let common = no_object && no_array && no_composition;
    if common && string_only && typ == Some("string") && enum_fits(Value::is_string) {
        return Some(SchemaKind::Type(Type::String(StringType {
            format: raw.format.into(),
            pattern: raw.pattern,
            enumeration: values(raw.enumeration, |v| v.as_str().map(String::from))?,
            min_length: raw.min_length,
            max_length: raw.max_length,
        })));
    }
    let numeric = common && raw.pattern.is_none() && no_length;
    if numeric && typ == Some("number") && enum_fits(Value::is_number) {
        return Some(SchemaKind::Type(Type::Number(NumberType {
            format: raw.format.into(),
            multiple_of: float(raw.multiple_of)?,
            exclusive_minimum: raw.exclusive_minimum.unwrap_or_default(),
            exclusive_maximum: raw.exclusive_maximum.unwrap_or_default(),
            minimum: float(raw.minimum)?,
            maximum: float(raw.maximum)?,
            enumeration: values(raw.enumeration, Value::as_f64)?,
        })));
    }
    if numeric
        && typ == Some("integer")
        && enum_fits(Value::is_i64)
        && int(&raw.multiple_of)
        && int(&raw.minimum)
        && int(&raw.maximum)
    {
        return Some(SchemaKind::Type(Type::Integer(IntegerType {
            format: raw.format.into(),
            multiple_of: integer(raw.multiple_of)?,
            exclusive_minimum: raw.exclusive_minimum.unwrap_or_default(),
            exclusive_maximum: raw.exclusive_maximum.unwrap_or_default(),
            minimum: integer(raw.minimum)?,
            maximum: integer(raw.maximum)?,
            enumeration: values(raw.enumeration, Value::as_i64)?,
        })));
    }
    let plain = raw.pattern.is_none() && string_only && no_length && raw.format.is_none();
    if common && plain && typ == Some("boolean") && enum_fits(Value::is_boolean) {
        return Some(SchemaKind::Type(Type::Boolean(BooleanType {
            enumeration: values(raw.enumeration, Value::as_bool)?,
        })));
    }
    let bare = plain && raw.enumeration.is_none();
    if bare && no_array && no_composition && typ == Some("object") {
        return Some(SchemaKind::Type(Type::Object(ObjectType {
            properties: raw.properties.unwrap_or_default(),
            required: raw.required.unwrap_or_default(),
            additional_properties: raw.additional_properties,
            min_properties: raw.min_properties,
            max_properties: raw.max_properties,
        })));
    }
    if bare && no_object && no_composition && typ == Some("array") {
        return Some(SchemaKind::Type(Type::Array(ArrayType {
            items: raw.items,
            min_items: raw.min_items,
            max_items: raw.max_items,
            unique_items: raw.unique_items.unwrap_or_default(),
        })));
    }
    let compositions = [
        raw.one_of.is_some(),
        raw.all_of.is_some(),
        raw.any_of.is_some(),
        raw.not.is_some(),
    ];
    if bare
        && no_object
        && no_array
        && typ.is_none()
        && compositions.iter().filter(|c| **c).count() == 1
    {
        if let Some(one_of) = raw.one_of {
            return Some(SchemaKind::OneOf { one_of });
        }
        if let Some(all_of) = raw.all_of {
            return Some(SchemaKind::AllOf { all_of });
        }
        if let Some(any_of) = raw.any_of {
            return Some(SchemaKind::AnyOf { any_of });
        }
        return raw.not.map(|not| SchemaKind::Not { not });
    }
    Some(SchemaKind::Any(AnySchema {
        typ: raw.typ,
        pattern: raw.pattern,
        multiple_of: float(raw.multiple_of)?,
        exclusive_minimum: raw.exclusive_minimum,
        exclusive_maximum: raw.exclusive_maximum,
        minimum: float(raw.minimum)?,
        maximum: float(raw.maximum)?,
        properties: raw.properties.unwrap_or_default(),
        required: raw.required.unwrap_or_default(),
        additional_properties: raw.additional_properties,
        min_properties: raw.min_properties,
        max_properties: raw.max_properties,
        items: raw.items,
        min_items: raw.min_items,
        max_items: raw.max_items,
        unique_items: raw.unique_items,
        enumeration: raw.enumeration.unwrap_or_default(),
        format: raw.format,
        min_length: raw.min_length,
        max_length: raw.max_length,
        one_of: raw.one_of.unwrap_or_default(),
        all_of: raw.all_of.unwrap_or_default(),
        any_of: raw.any_of.unwrap_or_default(),
        not: raw.not,
    }))
}

/// An `enum` list read as one type (`null` stays `None`); `None` if a value does not convert,
/// which the callers' checks rule out.
fn values<T>(values: Option<Vec<Value>>, read: fn(&Value) -> Option<T>) -> Option<Vec<Option<T>>> {
    values
        .unwrap_or_default()
        .iter()
        .map(|v| {
            if v.is_null() {
                Some(None)
            } else {
                read(v).map(Some)
            }
        })
        .collect()
}

fn float(n: Option<Number>) -> Option<Option<f64>> {
    n.map(|n| n.as_f64()).map_or(Some(None), |f| f.map(Some))
}

fn integer(n: Option<Number>) -> Option<Option<i64>> {
    n.map(|n| n.as_i64()).map_or(Some(None), |i| i.map(Some))
}

#[cfg(test)]
mod tests {
    use super::Node;
    use serde_json::json;

    /// Schemas of every kind and the edge cases of `openapiv3`'s rules: each is read as serde
    /// reads it, or left to serde.
    #[test]
    fn schemas_are_read_as_serde_reads_them() {
        let read = [
            json!({}),
            json!({"type": "string", "format": "date-time", "pattern": "^a", "enum": ["a", null], "minLength": 1}),
            json!({"type": "string", "format": "custom", "x-extra": {"a": 1}, "example": null, "default": "d"}),
            json!({"type": "string", "enum": ["a", 1]}),
            json!({"type": "string", "minimum": 1}),
            json!({"type": "number", "minimum": 0.5, "maximum": 2, "multipleOf": 0.25, "exclusiveMinimum": true, "enum": [1.5, null]}),
            json!({"type": "integer", "format": "int64", "minimum": -3, "maximum": 18446744073709551615u64}),
            json!({"type": "integer", "multipleOf": 1.5}),
            json!({"type": "integer", "enum": [1, 2.5]}),
            json!({"type": "integer", "pattern": "x"}),
            json!({"type": "boolean", "enum": [true, null]}),
            json!({"type": "boolean", "format": "x"}),
            json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A", "description": "d"}, "b": {"type": "array", "items": {"type": "integer"}}}, "required": ["a"], "additionalProperties": false, "minProperties": 1}),
            json!({"type": "object", "additionalProperties": {"type": "string"}, "nullable": true, "readOnly": true}),
            json!({"type": "object", "additionalProperties": {"$ref": "#/x"}, "enum": [{}]}),
            json!({"type": "array", "items": {"$ref": "#/x"}, "minItems": 1, "uniqueItems": true}),
            json!({"type": "array", "items": null, "properties": null}),
            json!({"oneOf": [{"$ref": "#/a"}, {"type": "string"}], "discriminator": {"propertyName": "kind", "mapping": {"a": "#/a"}}}),
            json!({"allOf": [{"$ref": "#/a"}], "description": "wrapped", "deprecated": true}),
            json!({"anyOf": [{"type": "string"}, {"type": "null"}], "title": "t"}),
            json!({"not": {"type": "string"}}),
            json!({"oneOf": [{"type": "string"}], "anyOf": [{"type": "integer"}]}),
            json!({"oneOf": [{"type": "string"}], "type": "string"}),
            json!({"type": "thing", "properties": {}, "items": {}, "pattern": "p"}),
            json!({"externalDocs": {"url": "https://example.com", "x-a": 1}, "writeOnly": true}),
        ];
        for value in read {
            let expected: openapiv3::Schema =
                serde_json::from_value(value.clone()).expect("serde reads it");
            assert_eq!(
                super::schema(&Node::from_value(value.clone())),
                Some(expected),
                "{value}"
            );
        }
        let left = [
            json!({"$ref": "#/a", "description": "d"}),
            json!({"nullable": null}),
            json!({"type": 1}),
            json!({"minLength": -1}),
            json!({"minLength": 1.5}),
            json!({"properties": {"a": 1}}),
            json!({"items": {"$ref": 1}}),
            json!({"required": "a"}),
            json!("string"),
        ];
        for value in left {
            assert_eq!(
                super::schema(&Node::from_value(value.clone())),
                None,
                "{value}"
            );
        }
    }
}
