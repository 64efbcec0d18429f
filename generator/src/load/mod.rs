//! Loading: spec bytes → one normalized JSON tree → typed `openapiv3` pieces on demand.
//!
//! # Approach
//!
//! The `openapiv3` crate models OpenAPI 3.0 only and rejects (or silently misreads) 3.1 documents:
//! type arrays with `null`, `const`, `examples` arrays in schemas, numeric `exclusiveMinimum`,
//! `$ref` with siblings, boolean schemas. Rather than keeping two models, the loader
//!
//! 1. reads YAML or JSON (detected from the content, a UTF-8 BOM tolerated) into a
//!    [`serde_json::Value`], stringifying YAML's non-string mapping keys (`200:` → `"200"`);
//! 2. rewrites the tree in place into the 3.0 dialect that `openapiv3` understands
//!    ([`normalize`]): `type: [T, "null"]` → `type: T, nullable: true`, `const: v` → `enum: [v]`,
//!    `examples: [..]` → `example`, numeric exclusive bounds → 3.0 booleans, `$ref` with siblings →
//!    `allOf: [{$ref}]` plus the siblings, `type: "null"` → an explicit null marker. Spec-invalid
//!    constructs that can be repaired (a 3.1 construct in a 3.0 document, `schema: null`, a
//!    non-array `required`) are repaired with a located warning;
//! 3. deserializes each piece (an operation, a schema, a parameter) separately with
//!    `serde_path_to_error`, so a broken piece is reported with its exact JSON pointer and the rest
//!    of the document still gets checked: all problems are reported at once.
//!
//! `$ref`s are resolved against the normalized tree, so a reference may point anywhere in the
//! document (`#/components/...`, `#/paths/~1items/get/...`), chains of references are followed,
//! and a reference cycle without indirection is an error naming the pointers involved.

pub mod normalize;

use crate::error::{Diagnostic, escape_pointer_token};
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The OpenAPI dialect a document declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// `openapi: 3.0.x`
    V30,
    /// `openapi: 3.1.x`
    V31,
}

/// A loaded, normalized document.
#[derive(Debug)]
pub struct Document {
    /// The normalized tree (3.0 dialect).
    pub raw: Value,
    /// What the document declared itself to be.
    pub version: SpecVersion,
    /// Warnings found while loading (repairs, downgrades).
    pub diagnostics: Vec<Diagnostic>,
    cache: RefCell<HashMap<String, Rc<openapiv3::Schema>>>,
}

/// Parses spec bytes (YAML or JSON) into a normalized [`Document`].
///
/// Returns every problem found while loading as diagnostics: parse errors, a missing or
/// unsupported `openapi` version.
pub fn parse(bytes: &[u8]) -> Result<Document, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![
            Diagnostic::error("#", format!("the spec is not UTF-8 text: {e}"))
                .help("save the file as UTF-8"),
        ]
    })?;
    let raw = parse_tree(text)?;
    let version = check_version(&raw)?;
    let mut doc = Document {
        raw,
        version,
        diagnostics: Vec::new(),
        cache: RefCell::default(),
    };
    let mut diags = Vec::new();
    normalize::normalize(&mut doc.raw, version, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    doc.diagnostics = diags;
    Ok(doc)
}

/// Reads YAML or JSON text into a JSON tree.
pub fn parse_tree(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{') | Some('[')) {
        return serde_json::from_str(text).map_err(|e| {
            vec![
                Diagnostic::error("#", format!("invalid JSON: {e}"))
                    .at(e.line(), e.column())
                    .help("fix the JSON syntax at the line shown"),
            ]
        });
    }
    let mut yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error("#", format!("invalid YAML: {e}"))
            .help("fix the YAML syntax at the line shown");
        if let Some(loc) = e.location() {
            d = d.at(loc.line(), loc.column());
        }
        vec![d]
    })?;
    yaml.apply_merge().map_err(|e| {
        vec![Diagnostic::error("#", format!("invalid YAML merge key: {e}"))]
    })?;
    let mut diags = Vec::new();
    let value = yaml_to_json(yaml, "#", &mut diags);
    if diags.is_empty() {
        Ok(value)
    } else {
        Err(diags)
    }
}

fn yaml_to_json(value: serde_yaml_ng::Value, pointer: &str, diags: &mut Vec<Diagnostic>) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => {
                        diags.push(Diagnostic::error(
                            pointer,
                            format!("the number {n} cannot be represented in JSON"),
                        ));
                        Value::Null
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &format!("{pointer}/{i}"), diags))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => {
                        diags.push(Diagnostic::error(
                            pointer,
                            format!("mapping key {other:?} is not a string"),
                        ));
                        continue;
                    }
                };
                let child = format!("{pointer}/{}", escape_pointer_token(&key));
                let v = yaml_to_json(v, &child, diags);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer, diags),
    }
}

fn check_version(raw: &Value) -> Result<SpecVersion, Vec<Diagnostic>> {
    if !raw.is_object() {
        return Err(vec![
            Diagnostic::error("#", "the document is not an object")
                .help("an OpenAPI document is a YAML or JSON object with `openapi`, `info` and `paths`"),
        ]);
    }
    match raw.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => Ok(SpecVersion::V30),
        Some(Value::String(v)) if v.starts_with("3.1") => Ok(SpecVersion::V31),
        Some(v) => Err(vec![
            Diagnostic::error("#/openapi", format!("unsupported OpenAPI version {v}"))
                .help("this generator reads OpenAPI 3.0.x and 3.1.x documents; convert Swagger 2.0 documents first (e.g. with swagger2openapi)"),
        ]),
        None if raw.get("swagger").is_some() => Err(vec![
            Diagnostic::error("#/swagger", "this is a Swagger 2.0 document")
                .help("convert it to OpenAPI 3 first (e.g. with swagger2openapi)"),
        ]),
        None => Err(vec![
            Diagnostic::error("#", "missing `openapi` version field")
                .help("add `openapi: 3.0.3` (or 3.1.0) at the top of the document"),
        ]),
    }
}

/// Decodes a JSON pointer written as a URI fragment (`#/a/b~1c`, `%7B` escapes allowed) into the
/// RFC 6901 form `serde_json` expects (`/a/b~1c`).
pub fn fragment_to_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let bytes = fragment.as_bytes();
    let mut buf = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let byte = u8::from_str_radix(fragment.get(i + 1..i + 3)?, 16).ok()?;
            buf.push(byte);
            i += 3;
        } else {
            buf.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(buf).ok()
}

impl Document {
    /// The value at a `#/...` pointer.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        let p = fragment_to_pointer(pointer)?;
        self.raw.pointer(&p)
    }

    /// Deserializes the value at `pointer` as `T`, reporting failures at the exact nested location.
    pub fn deserialize<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Diagnostic> {
        let value = self
            .get(pointer)
            .ok_or_else(|| Diagnostic::error(pointer, "nothing at this location"))?;
        deserialize_at(value, pointer)
    }

    /// Follows a `$ref` (and chains of them) to the pointer of the referenced item.
    pub fn follow(&self, reference: &str, at: &str) -> Result<String, Diagnostic> {
        let mut seen = vec![reference.to_string()];
        let mut current = reference.to_string();
        loop {
            if !current.starts_with('#') {
                return Err(Diagnostic::error(
                    at,
                    format!("external reference `{current}` is not supported"),
                )
                .help("bundle the spec into one document first (e.g. `redocly bundle`)"));
            }
            let value = self.get(&current).ok_or_else(|| {
                Diagnostic::error(at, format!("unresolvable reference `{current}`"))
                    .help("point the $ref at an existing location in the document")
            })?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) if value.as_object().is_some_and(|m| m.len() == 1) => {
                    if seen.iter().any(|s| s == next) {
                        seen.push(next.to_string());
                        return Err(Diagnostic::error(
                            at,
                            format!("reference cycle without indirection: {}", seen.join(" → ")),
                        )
                        .help("a $ref chain must end at a definition"));
                    }
                    seen.push(next.to_string());
                    current = next.to_string();
                }
                _ => return Ok(current),
            }
        }
    }

    /// Resolves a `ReferenceOr<T>` found at `at` into the item and the pointer it lives at.
    pub fn resolve<T: DeserializeOwned + Clone>(
        &self,
        item: &ReferenceOr<T>,
        at: &str,
    ) -> Result<(T, String), Diagnostic> {
        match item {
            ReferenceOr::Item(t) => Ok((t.clone(), at.to_string())),
            ReferenceOr::Reference { reference } => {
                let target = self.follow(reference, at)?;
                Ok((self.deserialize(&target)?, target))
            }
        }
    }

    /// The schema at `pointer`, deserialized once and cached.
    pub fn schema(&self, pointer: &str) -> Result<Rc<openapiv3::Schema>, Diagnostic> {
        if let Some(s) = self.cache.borrow().get(pointer) {
            return Ok(s.clone());
        }
        let schema: openapiv3::Schema = self.deserialize(pointer)?;
        let schema = Rc::new(schema);
        self.cache
            .borrow_mut()
            .insert(pointer.to_string(), schema.clone());
        Ok(schema)
    }
}

/// Deserializes `value` (found at `pointer`) as `T`; a failure names the nested location.
pub fn deserialize_at<T: DeserializeOwned>(value: &Value, pointer: &str) -> Result<T, Diagnostic> {
    let result: Result<T, _> = serde_path_to_error::deserialize(value);
    result.map_err(|e| {
        let mut at = pointer.to_string();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => at.push_str(&format!("/{index}")),
                Segment::Map { key } => {
                    at.push('/');
                    at.push_str(&escape_pointer_token(key));
                }
                Segment::Enum { variant } => {
                    at.push('/');
                    at.push_str(&escape_pointer_token(variant));
                }
                Segment::Unknown => {}
            }
        }
        Diagnostic::error(at, describe_serde_error(&e.into_inner().to_string()))
            .help("check this value against the OpenAPI specification's object definition")
    })
}

fn describe_serde_error(message: &str) -> String {
    // serde's untagged-enum messages are opaque; say what was expected in OpenAPI terms.
    if message.starts_with("data did not match any variant of untagged enum ReferenceOr") {
        "expected an object or a `$ref`".to_string()
    } else {
        format!("invalid value: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = parse_tree("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn json_is_detected_and_bom_tolerated() {
        let doc = parse(b"\xEF\xBB\xBF {\"openapi\":\"3.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}")
            .unwrap();
        assert_eq!(doc.version, SpecVersion::V30);
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse_tree("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err[0].line_col.is_some(), "{:?}", err);
    }

    #[test]
    fn fragments_decode_percent_escapes() {
        assert_eq!(
            fragment_to_pointer("#/paths/~1items~1%7Bid%7D/get").as_deref(),
            Some("/paths/~1items~1{id}/get")
        );
    }

    #[test]
    fn reference_cycles_are_reported() {
        let doc = parse(
            br##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},
                "components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}}}"##,
        )
        .unwrap();
        let err = doc.follow("#/components/schemas/A", "#/x").unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
    }
}
