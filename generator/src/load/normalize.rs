//! Rewrites a document in place into the OpenAPI 3.0 dialect that `openapiv3` reads.
//!
//! The walk is structural: it visits exactly the places where the specification allows a schema
//! (components, parameters, headers, media types, and the sub-schemas of schemas), so a property
//! *named* `type` or `const` is never mistaken for a keyword.

use super::SpecVersion;
use super::tree::{Map, Node};
use crate::error::{Diagnostic, escape_pointer_token};
use serde_json::json;
use std::fmt;

/// Marks a schema that only admits `null` (`type: "null"`), which OpenAPI 3.0 cannot express.
pub const NULL_MARKER: &str = "x-codegen-null";

pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many paths, and as many components, a document needs before its components are
/// normalized on another core, as well as [`PARALLEL_BYTES`] of text.
const PARALLEL_AT: usize = 64;

/// How large a spec's text must be before its components are normalized on another core. The
/// other core starts 60–270 µs after it is asked (measured on a 2-core VM), and both halves run
/// slower side by side: single-threaded against split, spotify (232 KB) 157 against 480 µs,
/// rclone (257 KB of YAML) 224 against 690, blockfrost (485 KB of YAML) 400 against 600, box
/// (861 KB) 850 against 620, GitHub (12 MB) 9.8 against 6.5 ms.
pub(super) const PARALLEL_BYTES: usize = 640 * 1024;

/// The named items of every kind of `components`.
fn component_count(components: &Map<'_>) -> usize {
    components
        .values()
        .filter_map(Node::as_object)
        .map(Map::len)
        .sum()
}

/// Normalizes `doc` in place; repairs are reported as warnings, unrepairable shapes as errors.
/// `text_len` is the size of the text `doc` was read from, which decides whether a second core
/// is worth starting.
pub fn normalize(
    doc: &mut Node<'_>,
    version: SpecVersion,
    text_len: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let mut n = Normalizer { version, diags };
    n.document(doc, text_len >= PARALLEL_BYTES);
}

struct Normalizer<'a> {
    version: SpecVersion,
    diags: &'a mut Vec<Diagnostic>,
}

impl Normalizer<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(pointer, message));
    }

    fn document(&mut self, doc: &mut Node<'_>, large: bool) {
        let Some(root) = doc.as_object_mut() else {
            return;
        };
        // openapiv3 models 3.0; 3.1-only top-level members are dropped here (webhooks are not
        // called by a client; jsonSchemaDialect only names the default dialect).
        if self.version == SpecVersion::V31 {
            root.insert("openapi", Node::from(json!("3.0.3")));
            root.remove("webhooks");
            root.remove("jsonSchemaDialect");
            if let Some(info) = root.get_mut("info").and_then(Node::as_object_mut) {
                info.remove("summary");
                if let Some(license) = info.get_mut("license").and_then(Node::as_object_mut) {
                    license.remove("identifier");
                }
            }
        }
        match root.get("paths") {
            None | Some(Node::Null) => {
                root.insert("paths", Node::Object(Map::new()));
            }
            Some(Node::Object(_)) => {}
            Some(_) => {
                self.diags.push(
                    Diagnostic::error("#/paths", "`paths` must be an object")
                        .help("map each path template to a path item"),
                );
                return;
            }
        }
        let mut paths = None;
        let mut components = None;
        for (key, value) in root.iter_mut() {
            match key {
                "paths" => paths = value.as_object_mut(),
                "components" => components = Some(value),
                _ => {}
            }
        }
        let components = match components {
            None | Some(Node::Null) => Ok(None),
            Some(Node::Object(components)) => {
                if self.version == SpecVersion::V31 {
                    components.remove("pathItems");
                }
                Ok(Some(components))
            }
            Some(other) => Err(Diagnostic::error(
                "#/components",
                format!("`components` must be an object, found {}", kind_of(other)),
            )
            .help("map component kinds (`schemas`, `parameters`, …) to named components")),
        };
        let path_count = paths.as_ref().map_or(0, |paths| paths.len());
        match components {
            // When both halves are large, the components are normalized on another core, into
            // diagnostics of their own that follow the paths' as they would in one pass.
            Ok(Some(components))
                if large
                    && crate::emit::cores() > 1
                    && path_count.min(component_count(components)) >= PARALLEL_AT =>
            {
                let version = self.version;
                let mut component_diags = Vec::new();
                crate::emit::pool().in_place_scope(|scope| {
                    scope.spawn(|_| {
                        Normalizer {
                            version,
                            diags: &mut component_diags,
                        }
                        .components(components)
                    });
                    self.paths(paths);
                });
                self.diags.append(&mut component_diags);
            }
            Ok(components) => {
                self.paths(paths);
                if let Some(components) = components {
                    self.components(components);
                }
            }
            Err(diagnostic) => {
                self.paths(paths);
                self.diags.push(diagnostic);
            }
        }
    }

    fn paths(&mut self, paths: Option<&mut Map<'_>>) {
        let paths_ptr = Ptr::Root("#/paths");
        for (path, item) in paths.into_iter().flatten() {
            self.path_item(item, &paths_ptr.key(path));
        }
    }

    fn components(&mut self, components: &mut Map<'_>) {
        let components_ptr = Ptr::Root("#/components");
        for (kind, items) in components.iter_mut() {
            let base = components_ptr.key(kind);
            let Some(items) = items.as_object_mut() else {
                if !kind.starts_with("x-") && !items.is_null() {
                    self.diags.push(
                        Diagnostic::error(
                            base.to_string(),
                            format!("`{kind}` must be an object, found {}", kind_of(items)),
                        )
                        .help(format!(
                            "map each component name to its definition, e.g. `{kind}: {{Name: …}}`"
                        )),
                    );
                }
                continue;
            };
            for (name, item) in items.iter_mut() {
                let ptr = base.key(name);
                match kind {
                    "schemas" => self.schema(item, &ptr),
                    "parameters" | "headers" => self.parameter(item, &ptr),
                    "responses" => self.response(item, &ptr),
                    "requestBodies" => self.content_holder(item, &ptr),
                    "callbacks" => {
                        if let Some(cb) = item.as_object_mut() {
                            for (expr, pi) in cb.iter_mut() {
                                self.path_item(pi, &ptr.key(expr));
                            }
                        }
                    }
                    _ => self.ref_siblings(item, &ptr),
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Node<'_>, ptr: &Ptr<'_>) {
        self.ref_siblings(item, ptr);
        let Some(obj) = item.as_object_mut() else {
            return;
        };
        if let Some(params) = obj.get_mut("parameters").and_then(Node::as_array_mut) {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &ptr.key("parameters").index(i));
            }
        }
        for method in METHODS {
            let Some(op) = obj.get_mut(method).and_then(Node::as_object_mut) else {
                continue;
            };
            let op_ptr = ptr.key(method);
            if let Some(params) = op.get_mut("parameters").and_then(Node::as_array_mut) {
                for (i, p) in params.iter_mut().enumerate() {
                    self.parameter(p, &op_ptr.key("parameters").index(i));
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                self.content_holder(body, &op_ptr.key("requestBody"));
            }
            if let Some(responses) = op.get_mut("responses").and_then(Node::as_object_mut) {
                let responses_ptr = op_ptr.key("responses");
                for (status, r) in responses.iter_mut() {
                    let p = responses_ptr.key(status);
                    if !is_response_key(status) {
                        // openapiv3 would drop the entry without a word.
                        self.diags.push(
                            Diagnostic::error(p.to_string(), format!("`{status}` is not an HTTP status code"))
                                .help("key responses by a status code from 100 to 599 (`200`), a range (`2XX`) or `default`"),
                        );
                        continue;
                    }
                    self.response(r, &p);
                }
            }
            if let Some(callbacks) = op.get_mut("callbacks").and_then(Node::as_object_mut) {
                let callbacks_ptr = op_ptr.key("callbacks");
                for (name, cb) in callbacks.iter_mut() {
                    let cb_ptr = callbacks_ptr.key(name);
                    self.ref_siblings(cb, &cb_ptr);
                    if let Some(cb) = cb.as_object_mut() {
                        for (expr, pi) in cb.iter_mut() {
                            self.path_item(pi, &cb_ptr.key(expr));
                        }
                    }
                }
            }
        }
    }

    fn parameter(&mut self, p: &mut Node<'_>, ptr: &Ptr<'_>) {
        self.ref_siblings(p, ptr);
        let Some(obj) = p.as_object_mut() else { return };
        if obj.contains_key("schema") && obj.contains_key("content") {
            // openapiv3 would silently keep one of the two.
            self.diags.push(
                Diagnostic::error(ptr.to_string(), "the parameter has both `schema` and `content`")
                    .help("describe the value with exactly one of them: `schema` for simple values, `content` for a serialized media type"),
            );
        }
        if let Some(schema) = obj.get_mut("schema") {
            if schema.is_null() {
                self.warn(
                    &format!("{ptr}/schema"),
                    "`schema: null` is not a schema; the value is treated as untyped JSON",
                );
                obj.insert("schema", Node::Object(Map::new()));
            } else {
                self.schema(
                    obj.get_mut("schema").expect("checked above"),
                    &ptr.key("schema"),
                );
            }
        }
        self.content(obj, ptr);
    }

    fn response(&mut self, r: &mut Node<'_>, ptr: &Ptr<'_>) {
        self.content_holder(r, ptr);
        if let Some(headers) = r.get_mut("headers").and_then(Node::as_object_mut) {
            let headers_ptr = ptr.key("headers");
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &headers_ptr.key(name));
            }
        }
        if let Some(obj) = r.as_object_mut() {
            if !obj.contains_key("$ref") && !obj.contains_key("description") {
                // Required by 3.0, optional in practice; openapiv3 insists on it.
                obj.insert("description", Node::String("".into()));
            }
        }
    }

    fn content_holder(&mut self, v: &mut Node<'_>, ptr: &Ptr<'_>) {
        self.ref_siblings(v, ptr);
        if let Some(obj) = v.as_object_mut() {
            self.content(obj, ptr);
        }
    }

    fn content(&mut self, obj: &mut Map<'_>, ptr: &Ptr<'_>) {
        let Some(content) = obj.get_mut("content").and_then(Node::as_object_mut) else {
            return;
        };
        let content_ptr = ptr.key("content");
        for (media, mt) in content.iter_mut() {
            let mt_ptr = content_ptr.key(media);
            let Some(mt) = mt.as_object_mut() else {
                continue;
            };
            match mt.get("schema") {
                Some(Node::Null) => {
                    self.warn(
                        &format!("{mt_ptr}/schema"),
                        "`schema: null` is not a schema; the body is treated as untyped JSON",
                    );
                    mt.insert("schema", Node::Object(Map::new()));
                }
                Some(_) => {
                    let schema = mt.get_mut("schema").expect("checked above");
                    self.schema(schema, &mt_ptr.key("schema"));
                }
                None => {}
            }
            if let Some(Node::Array(_)) = mt.get("examples") {
                // 3.1 allows an examples array here in practice; 3.0 wants a map.
                mt.remove("examples");
            }
        }
    }

    /// `$ref` objects outside schemas may carry `summary`/`description` in 3.1; openapiv3 ignores
    /// them, which is what the specification says a consumer should do.
    fn ref_siblings(&mut self, v: &mut Node<'_>, _ptr: &Ptr<'_>) {
        if let Some(obj) = v.as_object_mut() {
            if obj.contains_key("$ref") && obj.len() > 1 {
                obj.retain(|k, _| k == "$ref");
            }
        }
    }

    fn schema(&mut self, v: &mut Node<'_>, ptr: &Ptr<'_>) {
        // Boolean schemas (3.1): `true` accepts anything, `false` nothing.
        if let Node::Bool(b) = v {
            *v = if *b {
                Node::Object(Map::new())
            } else {
                Node::from(json!({"not": {}}))
            };
            return;
        }
        let Some(obj) = v.as_object_mut() else {
            self.diags.push(
                Diagnostic::error(
                    ptr.to_string(),
                    format!("a schema must be an object, found {}", kind_of(v)),
                )
                .help("write a schema object (e.g. `type: string`) or a `$ref`"),
            );
            return;
        };

        let mut keys = Keys::of(obj);
        if let Some(reference) = has!(keys, "$ref")
            .then(|| obj.get("$ref"))
            .flatten()
            .filter(|r| !r.is_string())
        {
            // openapiv3 would read the object as an unconstrained schema and ignore the `$ref`.
            self.diags.push(
                Diagnostic::error(
                    format!("{ptr}/$ref"),
                    format!("`$ref` must be a string, found {}", kind_of(reference)),
                )
                .help("write the reference as a string, e.g. `$ref: '#/components/schemas/Pet'`"),
            );
            return;
        }

        // `$ref` with siblings: 3.0 says siblings are ignored, 3.1 says they apply. Annotations
        // are dropped; constraints that change the type are kept through `allOf`.
        if has!(keys, "$ref") && obj.len() > 1 {
            let reference = obj.remove("$ref").expect("checked above");
            obj.retain(|k, _| {
                !matches!(
                    k,
                    "description" | "summary" | "title" | "example" | "examples" | "$comment"
                ) && !k.starts_with("x-")
                    || k == "nullable"
            });
            if obj.is_empty() {
                obj.insert("$ref", reference);
                return;
            }
            let mut wrapper = Map::new();
            let mut all_of = vec![Node::Object(
                std::iter::once(("$ref".into(), reference)).collect(),
            )];
            let keep: Vec<_> = ["nullable", "readOnly", "writeOnly", "deprecated", "default"]
                .into_iter()
                .filter_map(|k| obj.remove(k).map(|v| (k, v)))
                .collect();
            if !obj.is_empty() {
                all_of.push(Node::Object(std::mem::take(obj)));
            }
            wrapper.insert("allOf", Node::Array(all_of));
            for (k, v) in keep {
                wrapper.insert(k, v);
            }
            *obj = wrapper;
            keys = Keys::of(obj);
        }

        // `type` arrays and `type: "null"` (a plain type name, the usual case, needs nothing).
        let plain_type = match get!(keys, obj, "type") {
            None => true,
            Some(Node::String(t)) => t != "null",
            Some(_) => false,
        };
        match (!plain_type).then(|| obj.get("type")).flatten().cloned() {
            Some(Node::Array(types)) => {
                let mut names: Vec<String> = types
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect();
                let had_null = names.iter().any(|t| t == "null");
                names.retain(|t| t != "null");
                names.dedup();
                if had_null {
                    obj.insert("nullable", Node::Bool(true));
                }
                match names.len() {
                    0 => {
                        obj.remove("type");
                        obj.insert(NULL_MARKER, Node::Bool(true));
                    }
                    1 => {
                        obj.insert("type", Node::String(names[0].clone().into()));
                    }
                    _ => {
                        obj.remove("type");
                        let branches: Vec<Node<'_>> =
                            names.iter().map(|t| split_branch(obj, t)).collect();
                        for k in OBJECT_KEYS.iter().chain(ARRAY_KEYS).chain(SCALAR_KEYS) {
                            obj.remove(k);
                        }
                        obj.insert("anyOf", Node::Array(branches));
                    }
                }
            }
            Some(Node::String(t)) if t == "null" => {
                if self.version == SpecVersion::V30 {
                    self.warn(
                        &format!("{ptr}/type"),
                        "`type: 'null'` is an OpenAPI 3.1 construct in a 3.0 document; read as a null-only schema",
                    );
                }
                obj.remove("type");
                obj.insert(NULL_MARKER, Node::Bool(true));
            }
            Some(Node::String(_)) | None => {}
            Some(other) => {
                self.warn(
                    &format!("{ptr}/type"),
                    format!(
                        "`type` must be a string, found {}; ignored",
                        kind_of(&other)
                    ),
                );
                obj.remove("type");
            }
        }

        let keys = if plain_type { keys } else { Keys::of(obj) };
        // Enum values of another type than the declared one (`type: string, enum: [1]`).
        if let Some(Node::String(t)) = (has!(keys, "enum") || has!(keys, "const"))
            .then(|| obj.get("type"))
            .flatten()
        {
            let t = t.clone();
            // (index in `enum`, or `None` for `const`; the value)
            let mut values: Vec<(Option<usize>, &Node<'_>)> = Vec::new();
            if let Some(Node::Array(items)) = obj.get("enum") {
                values.extend(items.iter().enumerate().map(|(i, v)| (Some(i), v)));
            }
            if let Some(c) = obj.get("const") {
                values.push((None, c));
            }
            for (i, v) in values {
                let fits = match t.as_ref() {
                    "string" => v.is_string(),
                    "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
                    "number" => v.is_number(),
                    "boolean" => v.is_boolean(),
                    _ => true,
                };
                if !fits && !v.is_null() {
                    let at = match i {
                        Some(i) => format!("{ptr}/enum/{i}"),
                        None => format!("{ptr}/const"),
                    };
                    self.diags.push(
                        Diagnostic::error(
                            at,
                            format!(
                                "{} does not match the schema's `type: {t}`",
                                super::value_kind(v)
                            ),
                        )
                        .help(format!(
                            "write the value as {} (quote numbers meant as strings)",
                            article_type(&t)
                        )),
                    );
                }
            }
        }

        if let Some(c) = has!(keys, "const").then(|| obj.remove("const")).flatten() {
            if !obj.contains_key("enum") {
                obj.insert("enum", Node::Array(vec![c]));
            }
        }
        if let Some(Node::Array(mut examples)) = has!(keys, "examples")
            .then(|| obj.remove("examples"))
            .flatten()
        {
            if !obj.contains_key("example") && !examples.is_empty() {
                obj.insert("example", examples.swap_remove(0));
            }
        }
        for exclusive in present!(keys, &["exclusiveMinimum", "exclusiveMaximum"]) {
            let bound = if exclusive == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            if let Some(Node::Number(n)) = obj.get(exclusive).cloned() {
                obj.insert(bound, Node::Number(n));
                obj.insert(exclusive, Node::Bool(true));
            }
        }
        // The rewrites above add keys (`enum`, `example`, bounds): look again.
        let keys = Keys::of(obj);
        for key in present!(keys, NUMERIC_KEYWORDS) {
            match obj.get(key) {
                None | Some(Node::Number(_)) => {}
                Some(other) => {
                    let p = format!("{ptr}/{key}");
                    let msg = format!(
                        "`{key}` must be a number, found {}; ignored",
                        kind_of(other)
                    );
                    obj.remove(key);
                    self.warn(&p, msg);
                }
            }
        }
        for key in present!(keys, COUNT_KEYWORDS) {
            if let Some(v) = obj.get(key) {
                if v.as_u64().is_none() {
                    let p = format!("{ptr}/{key}");
                    let msg = format!("`{key}` must be a non-negative integer; ignored");
                    obj.remove(key);
                    self.warn(&p, msg);
                }
            }
        }
        for key in present!(keys, BOOLEAN_KEYWORDS) {
            if let Some(v) = obj.get(key) {
                if !v.is_boolean() {
                    let p = format!("{ptr}/{key}");
                    obj.remove(key);
                    self.warn(&p, format!("`{key}` must be a boolean; ignored"));
                }
            }
        }
        match get!(keys, obj, "required") {
            None => {}
            Some(Node::Array(items)) if items.iter().all(Node::is_string) => {}
            Some(_) => {
                self.warn(
                    &format!("{ptr}/required"),
                    "`required` must be an array of property names; ignored",
                );
                obj.remove("required");
            }
        }
        for key in present!(keys, STRING_KEYWORDS) {
            if let Some(v) = obj.get(key) {
                if !v.is_string() {
                    let p = format!("{ptr}/{key}");
                    obj.remove(key);
                    self.warn(&p, format!("`{key}` must be a string; ignored"));
                }
            }
        }
        if let Some(e) = get!(keys, obj, "enum") {
            if !e.is_array() {
                self.warn(&format!("{ptr}/enum"), "`enum` must be an array; ignored");
                obj.remove("enum");
            }
        }
        if let Some(Node::Array(_)) = get!(keys, obj, "items") {
            self.warn(
                &format!("{ptr}/items"),
                "tuple-style `items` arrays are not supported; items are read as untyped JSON",
            );
            obj.insert("items", Node::Object(Map::new()));
        }
        if let Some(Node::Object(disc)) = get!(keys, obj, "discriminator") {
            if !disc.get("propertyName").is_some_and(Node::is_string) {
                self.warn(
                    &format!("{ptr}/discriminator"),
                    "`discriminator` needs a `propertyName`; ignored",
                );
                obj.remove("discriminator");
            } else if disc.get("mapping").is_some_and(|m| {
                !m.as_object()
                    .is_some_and(|m| m.values().all(Node::is_string))
            }) {
                self.warn(
                    &format!("{ptr}/discriminator/mapping"),
                    "`discriminator.mapping` must map values to schema references (strings); ignored",
                );
                if let Some(disc) = obj.get_mut("discriminator").and_then(Node::as_object_mut) {
                    disc.remove("mapping");
                }
            }
        }

        // Recurse into sub-schemas.
        if let Some(props) = has!(keys, "properties")
            .then(|| obj.get_mut("properties"))
            .flatten()
        {
            match props.as_object_mut() {
                Some(props) => {
                    let props_ptr = ptr.key("properties");
                    for (name, s) in props.iter_mut() {
                        self.schema(s, &props_ptr.key(name));
                    }
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            format!("{ptr}/properties"),
                            "`properties` must be an object",
                        )
                        .help("map each property name to its schema"),
                    );
                }
            }
        }
        for key in present!(keys, SCHEMA_KEYWORDS) {
            if let Some(s) = obj.get_mut(key) {
                if key == "additionalProperties" && s.is_boolean() {
                    continue;
                }
                self.schema(s, &ptr.key(key));
            }
        }
        for key in present!(keys, SCHEMA_LIST_KEYWORDS) {
            match obj.get_mut(key) {
                None => {}
                Some(Node::Array(items)) => {
                    let list_ptr = ptr.key(key);
                    for (i, s) in items.iter_mut().enumerate() {
                        self.schema(s, &list_ptr.index(i));
                    }
                }
                Some(_) => {
                    self.diags.push(
                        Diagnostic::error(
                            format!("{ptr}/{key}"),
                            format!("`{key}` must be an array of schemas"),
                        )
                        .help("list the alternative schemas in an array"),
                    );
                }
            }
        }
        for key in present!(keys, SCHEMA_MAP_KEYWORDS) {
            if let Some(map) = obj.get_mut(key).and_then(Node::as_object_mut) {
                let map_ptr = ptr.key(key);
                for (name, s) in map.iter_mut() {
                    self.schema(s, &map_ptr.key(name));
                }
            }
        }
    }
}

/// Where the walk is, as a JSON pointer made into a string only for a diagnostic (most places
/// have none, and building every pointer was a large share of the walk).
enum Ptr<'a> {
    /// A pointer written out, e.g. `#/paths`.
    Root(&'static str),
    /// A member of an object (the token is escaped when the pointer is written).
    Key(&'a Ptr<'a>, &'a str),
    /// An element of an array.
    Index(&'a Ptr<'a>, usize),
}

impl Ptr<'_> {
    fn key<'b>(&'b self, token: &'b str) -> Ptr<'b> {
        Ptr::Key(self, token)
    }

    fn index(&self, i: usize) -> Ptr<'_> {
        Ptr::Index(self, i)
    }
}

impl fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ptr::Root(pointer) => f.write_str(pointer),
            Ptr::Key(parent, token) => write!(f, "{parent}/{}", escape_pointer_token(token)),
            Ptr::Index(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

/// The keywords [`Normalizer::schema`] reads that a schema object has, found in one pass over its
/// keys. Each lookup in a [`Map`] searches its members, and a schema usually has a handful of
/// keys and none of the 40-odd keywords checked: asking the mask first skips those lookups, and a
/// list of keywords none of which is present is skipped with one test ([`mask!`]).
#[derive(Clone, Copy)]
struct Keys(u64);

impl Keys {
    fn of(obj: &Map<'_>) -> Self {
        Keys(obj.keys().fold(0, |mask, k| mask | keyword_bit(k)))
    }

    /// Whether any keyword of `mask` is present.
    fn any(self, mask: u64) -> bool {
        self.0 & mask != 0
    }

    /// Whether `key` is present; [`has!`] for a literal key.
    fn has(self, key: &str) -> bool {
        let bit = keyword_bit(key);
        debug_assert!(bit != 0, "`{key}` is not in `keyword_bit`");
        self.any(bit)
    }
}

/// The bits of a list of keywords, computed at compile time.
macro_rules! mask {
    ($keys:expr) => {
        const { keyword_mask($keys) }
    };
}
use mask;

/// The keywords of a list (in its order) that a schema has: one mask test, computed at compile
/// time, skips the whole list when it has none of them.
macro_rules! present {
    ($keys:expr, $list:expr) => {{
        let keys: Keys = $keys;
        let list: &'static [&'static str] = if keys.any(mask!($list)) { $list } else { &[] };
        list.iter().copied().filter(move |key| keys.has(key))
    }};
}
use present;

/// [`Keys::has`] for a literal keyword, its bit computed at compile time.
macro_rules! has {
    ($keys:expr, $key:literal) => {
        $keys.any(mask!(&[$key]))
    };
}
use has;

/// `obj[key]` for a literal keyword, looked up only when the mask has it (its bit computed at
/// compile time).
macro_rules! get {
    ($keys:expr, $obj:expr, $key:literal) => {
        if has!($keys, $key) {
            $obj.get($key)
        } else {
            None
        }
    };
}
use get;

/// The keywords [`Keys`] tracks; the index of each is its bit.
const KEYWORDS: [&str; 45] = [
    "$ref",
    "type",
    "enum",
    "const",
    "examples",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "uniqueItems",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "required",
    "format",
    "pattern",
    "title",
    "description",
    "items",
    "discriminator",
    "properties",
    "not",
    "additionalProperties",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "if",
    "then",
    "else",
    "allOf",
    "oneOf",
    "anyOf",
    "prefixItems",
    "$defs",
    "definitions",
    "patternProperties",
    "dependentSchemas",
];

/// The bits of `keys` (at compile time: a key [`KEYWORDS`] lacks fails the build).
const fn keyword_mask(keys: &[&str]) -> u64 {
    let mut mask = 0;
    let mut k = 0;
    while k < keys.len() {
        let mut i = 0;
        loop {
            assert!(i < KEYWORDS.len(), "not a keyword `Keys` tracks");
            if KEYWORDS[i].len() == keys[k].len() && starts_with(KEYWORDS[i], keys[k]) {
                mask |= 1 << i;
                break;
            }
            i += 1;
        }
        k += 1;
    }
    mask
}

const fn starts_with(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < b.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A bit for each keyword [`Keys`] tracks (its index in [`KEYWORDS`]); 0 for any other key.
fn keyword_bit(key: &str) -> u64 {
    let i = match key {
        "$ref" => 0,
        "type" => 1,
        "enum" => 2,
        "const" => 3,
        "examples" => 4,
        "exclusiveMinimum" => 5,
        "exclusiveMaximum" => 6,
        "minimum" => 7,
        "maximum" => 8,
        "multipleOf" => 9,
        "minLength" => 10,
        "maxLength" => 11,
        "minItems" => 12,
        "maxItems" => 13,
        "minProperties" => 14,
        "maxProperties" => 15,
        "uniqueItems" => 16,
        "nullable" => 17,
        "readOnly" => 18,
        "writeOnly" => 19,
        "deprecated" => 20,
        "required" => 21,
        "format" => 22,
        "pattern" => 23,
        "title" => 24,
        "description" => 25,
        "items" => 26,
        "discriminator" => 27,
        "properties" => 28,
        "not" => 29,
        "additionalProperties" => 30,
        "unevaluatedProperties" => 31,
        "propertyNames" => 32,
        "contains" => 33,
        "if" => 34,
        "then" => 35,
        "else" => 36,
        "allOf" => 37,
        "oneOf" => 38,
        "anyOf" => 39,
        "prefixItems" => 40,
        "$defs" => 41,
        "definitions" => 42,
        "patternProperties" => 43,
        "dependentSchemas" => 44,
        _ => return 0,
    };
    1 << i
}

const OBJECT_KEYS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];
const ARRAY_KEYS: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];
const SCALAR_KEYS: &[&str] = &[
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "enum",
];
const BOOLEAN_KEYWORDS: &[&str] = &[
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
];
const STRING_KEYWORDS: &[&str] = &["format", "pattern", "title", "description"];
/// Keywords whose value is one sub-schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "not",
    "additionalProperties",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "if",
    "then",
    "else",
];
/// Keywords whose value is an array of sub-schemas.
const SCHEMA_LIST_KEYWORDS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to sub-schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "$defs",
    "definitions",
    "patternProperties",
    "dependentSchemas",
];
const NUMERIC_KEYWORDS: &[&str] = &["minimum", "maximum", "multipleOf"];
const COUNT_KEYWORDS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// One branch of a multi-type schema: the type plus the keywords that apply to it.
fn split_branch<'a>(obj: &Map<'a>, ty: &str) -> Node<'a> {
    let keys: &[&str] = match ty {
        "object" => OBJECT_KEYS,
        "array" => ARRAY_KEYS,
        _ => SCALAR_KEYS,
    };
    let mut branch = Map::new();
    branch.insert("type", Node::String(ty.to_string().into()));
    for k in keys {
        if let Some(v) = obj.get(k) {
            if *k == "enum" {
                let matching: Vec<Node<'_>> = v
                    .as_array()
                    .map(|vals| {
                        vals.iter()
                            .filter(|x| value_has_type(x, ty))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                if !matching.is_empty() {
                    branch.insert("enum", Node::Array(matching));
                }
                continue;
            }
            branch.insert(*k, v.clone());
        }
    }
    Node::Object(branch)
}

fn value_has_type(v: &Node<'_>, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => false,
    }
}

/// `200`, `2XX`, `default` or an extension: the keys of a Responses object.
fn is_response_key(key: &str) -> bool {
    let b = key.as_bytes();
    key == "default"
        || key.starts_with("x-")
        || (b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && (b[1..].iter().all(u8::is_ascii_digit) || b[1..].eq_ignore_ascii_case(b"XX")))
}

fn article_type(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        _ => "a boolean",
    }
}

fn kind_of(v: &Node<'_>) -> &'static str {
    match v {
        Node::Null => "null",
        Node::Bool(_) => "a boolean",
        Node::Number(_) => "a number",
        Node::String(_) => "a string",
        Node::Array(_) => "an array",
        Node::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn norm(version: SpecVersion, schema: Value) -> (Value, Vec<Diagnostic>) {
        let mut doc = Node::from_value(
            json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}}),
        );
        let mut diags = Vec::new();
        normalize(&mut doc, version, 0, &mut diags);
        (doc.to_value()["components"]["schemas"]["S"].clone(), diags)
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"type": ["string", "null"], "format": "date"}),
        );
        assert_eq!(
            s,
            json!({"type": "string", "nullable": true, "format": "date"})
        );
    }

    #[test]
    fn multi_type_becomes_any_of() {
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"type": ["string", "integer"], "enum": ["a", 1]}),
        );
        assert_eq!(
            s,
            json!({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer", "enum": [1]}]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"type": "integer", "const": 3, "examples": [3], "exclusiveMinimum": 0}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "enum": [3], "example": 3, "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn ref_with_nullable_sibling_is_wrapped() {
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"$ref": "#/components/schemas/T", "description": "d", "nullable": true}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"$ref": "#/components/schemas/T", "description": "d"}),
        );
        assert_eq!(s, json!({"$ref": "#/components/schemas/T"}));
    }

    #[test]
    fn null_type_in_30_is_repaired_with_a_warning() {
        let (s, diags) = norm(SpecVersion::V30, json!({"type": "null"}));
        assert_eq!(s, json!({NULL_MARKER: true}));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "#/components/schemas/S/type");
    }

    /// A document large enough (and said to come from a large text) for its components to be
    /// normalized on another core: every repair is made, and the diagnostics come in document
    /// order (the paths' first).
    #[test]
    fn large_documents_are_normalized_in_document_order() {
        let count = PARALLEL_AT + 3;
        let paths: serde_json::Map<String, Value> = (0..count)
            .map(|i| {
                let parameter = json!({"name": "q", "in": "query", "schema": {"type": "null"}});
                (
                    format!("/p{i}"),
                    json!({"get": {"parameters": [parameter], "responses": {}}}),
                )
            })
            .collect();
        let schemas: serde_json::Map<String, Value> = (0..count)
            .map(|i| (format!("S{i}"), json!({"type": "null"})))
            .collect();
        let mut doc = Node::from_value(
            json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}}),
        );
        let mut diags = Vec::new();
        normalize(&mut doc, SpecVersion::V30, PARALLEL_BYTES, &mut diags);
        let expected: Vec<String> = (0..count)
            .map(|i| format!("#/paths/~1p{i}/get/parameters/0/schema/type"))
            .chain((0..count).map(|i| format!("#/components/schemas/S{i}/type")))
            .collect();
        let found: Vec<&str> = diags.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(found, expected);
        let doc = doc.to_value();
        assert_eq!(
            doc["components"]["schemas"]["S0"],
            json!({NULL_MARKER: true})
        );
        assert_eq!(
            doc["paths"]["/p0"]["get"]["parameters"][0]["schema"],
            json!({NULL_MARKER: true})
        );
    }

    #[test]
    fn enum_values_of_another_type_are_errors() {
        let (_, diags) = norm(
            SpecVersion::V30,
            json!({"type": "integer", "enum": [1, 2.0, "3", null]}),
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].pointer, "#/components/schemas/S/enum/2");
        assert!(diags[0].is_error());
    }

    #[test]
    fn response_keys_must_be_status_codes() {
        for key in ["200", "2XX", "5xx", "default", "x-ext"] {
            assert!(is_response_key(key), "{key}");
        }
        for key in ["ok", "999", "20", "2000", "6XX", "0XX"] {
            assert!(!is_response_key(key), "{key}");
        }
    }

    #[test]
    fn keyword_bits_are_the_keywords_indexes() {
        for (i, key) in super::KEYWORDS.iter().enumerate() {
            assert_eq!(super::keyword_bit(key), 1 << i, "{key}");
            assert_eq!(super::keyword_mask(&[key]), 1 << i, "{key}");
        }
        for other in ["", "Type", "types", "x-type", "$reff", "propertie"] {
            assert_eq!(super::keyword_bit(other), 0, "{other}");
        }
    }

    #[test]
    fn pointers_are_written_only_as_diagnostics_need_them() {
        let root = super::Ptr::Root("#/paths");
        let path = root.key("/pets/{id}~x");
        let get = path.key("get");
        let param = get.key("parameters");
        assert_eq!(
            param.index(3).to_string(),
            "#/paths/~1pets~1{id}~0x/get/parameters/3"
        );
    }

    #[test]
    fn properties_named_like_keywords_are_left_alone() {
        let (s, _) = norm(
            SpecVersion::V31,
            json!({"type": "object", "properties": {"const": {"type": "string"}, "type": {"type": ["string", "null"]}}}),
        );
        assert_eq!(s["properties"]["const"], json!({"type": "string"}));
        assert_eq!(
            s["properties"]["type"],
            json!({"type": "string", "nullable": true})
        );
    }
}
