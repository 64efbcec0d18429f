//! Operations, parameters, request bodies and responses read from their JSON straight into
//! `openapiv3`'s types, as `openapiv3`'s own `Deserialize` would read them.
//!
//! Nearly every object of an operation flattens its `x-` extensions, a parameter is an internally
//! tagged enum (by `in`) around a flattened struct around a flattened enum (`schema` or
//! `content`), and each `ReferenceOr` is an untagged enum: serde reads each of those levels into a
//! buffer and then again from the buffer, copying every key and value of the operation once per
//! level. On the specs with hundreds of operations that was most of the time the core that reads
//! ahead spent, and lowering waited for it. Here each object is read once, by the same rules. As
//! for schemas, anything unusual (a value of an unexpected type, both `schema` and `content` on a
//! parameter, a missing required field) makes the whole item fall back to serde, which gives the
//! same result or the same error as before; debug builds compare both on every item read this way.

use super::schema::{self, item, optional, reference_or_item, serde_read, string};
use super::tree::{Map, Node};
use indexmap::IndexMap;
use openapiv3::{
    CookieStyle, Example, Header, HeaderStyle, MediaType, Operation, Parameter, ParameterData,
    ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, Responses,
    StatusCode,
};
use serde_json::Value;

/// `Operation::deserialize(value)`, when this module reads every part of it; `None` otherwise.
pub(super) fn operation(value: &Node<'_>) -> Option<Operation> {
    let obj = value.as_object()?;
    let mut op = Operation::default();
    let mut responses = None;
    for (key, value) in obj {
        match key {
            "tags" => {
                op.tags = value
                    .as_array()?
                    .iter()
                    .map(string)
                    .collect::<Option<_>>()?
            }
            "summary" => op.summary = optional(value, string)?,
            "description" => op.description = optional(value, string)?,
            "externalDocs" => op.external_docs = optional(value, serde_read)?,
            "operationId" => op.operation_id = optional(value, string)?,
            "parameters" => op.parameters = parameters(value)?,
            "requestBody" => {
                op.request_body = optional(value, |v| reference_or_item(v, request_body_of))?;
            }
            "responses" => responses = Some(responses_of(value)?),
            "callbacks" => op.callbacks = serde_read(value)?,
            "deprecated" => op.deprecated = value.as_bool()?,
            "security" => op.security = optional(value, serde_read)?,
            "servers" => op.servers = serde_read(value)?,
            other if other.starts_with("x-") => {
                op.extensions.insert(other.to_string(), value.to_value());
            }
            _ => {}
        }
    }
    // `responses` is the one required field.
    op.responses = responses?;
    Some(op)
}

/// A `parameters` list (an operation's or a path item's).
pub(super) fn parameters(value: &Node<'_>) -> Option<Vec<ReferenceOr<Parameter>>> {
    value
        .as_array()?
        .iter()
        .map(|p| reference_or_item(p, parameter_of))
        .collect()
}

/// `Parameter::deserialize(value)` (a parameter, not a reference to one).
pub(super) fn parameter(value: &Node<'_>) -> Option<Parameter> {
    item(value, parameter_of)
}

/// `RequestBody::deserialize(value)`.
pub(super) fn request_body(value: &Node<'_>) -> Option<RequestBody> {
    item(value, request_body_of)
}

/// `Response::deserialize(value)`.
pub(super) fn response(value: &Node<'_>) -> Option<Response> {
    item(value, response_of)
}

/// A map of `T` (`content`, `headers`, `examples`): present means an object, `null` included.
fn map_of<T>(
    value: &Node<'_>,
    read: impl Fn(&Node<'_>) -> Option<T>,
) -> Option<IndexMap<String, T>> {
    value
        .as_object()?
        .iter()
        .map(|(key, value)| Some((key.to_string(), read(value)?)))
        .collect()
}

fn extension(extensions: &mut IndexMap<String, Value>, key: &str, value: &Node<'_>) {
    extensions.insert(key.to_string(), value.to_value());
}

/// A parameter's or a header's flattened `ParameterSchemaOrContent`.
fn schema_or_content(key: &str, value: &Node<'_>) -> Option<ParameterSchemaOrContent> {
    Some(match key {
        "schema" => ParameterSchemaOrContent::Schema(schema::reference_or(value)?),
        _ => ParameterSchemaOrContent::Content(map_of(value, media_type)?),
    })
}

fn parameter_of(obj: &Map<'_>) -> Option<Parameter> {
    let mut name = None;
    let mut format = None;
    let mut data = ParameterData {
        name: String::new(),
        description: None,
        required: false,
        deprecated: None,
        format: ParameterSchemaOrContent::Content(IndexMap::new()),
        example: None,
        examples: IndexMap::new(),
        explode: None,
        extensions: IndexMap::new(),
    };
    // The variant's own fields, checked against its location below.
    let mut style = None;
    let mut allow_reserved = None;
    let mut allow_empty_value = None;
    for (key, value) in obj {
        match key {
            "in" => {}
            "name" => name = Some(string(value)?),
            "description" => data.description = optional(value, string)?,
            "required" => data.required = value.as_bool()?,
            "deprecated" => data.deprecated = optional(value, Node::as_bool)?,
            // serde takes the first of the two; both at once is left to it.
            "schema" | "content" if format.is_none() => {
                format = Some(schema_or_content(key, value)?)
            }
            "schema" | "content" => return None,
            "example" => data.example = optional(value, |v| Some(v.to_value()))?,
            "examples" => data.examples = map_of(value, |v| reference_or_item(v, example))?,
            "explode" => data.explode = optional(value, Node::as_bool)?,
            "style" => style = Some(value.as_str()?),
            "allowReserved" => allow_reserved = Some(value),
            "allowEmptyValue" => allow_empty_value = Some(value),
            other if other.starts_with("x-") => extension(&mut data.extensions, other, value),
            _ => {}
        }
    }
    data.name = name?;
    data.format = format?;
    let parameter_data = data;
    // Another location's fields are unknown to this variant, so serde ignores them.
    Some(match obj.get("in")?.as_str()? {
        "query" => Parameter::Query {
            parameter_data,
            allow_reserved: allow_reserved.map_or(Some(false), Node::as_bool)?,
            style: match style {
                None | Some("form") => QueryStyle::Form,
                Some("spaceDelimited") => QueryStyle::SpaceDelimited,
                Some("pipeDelimited") => QueryStyle::PipeDelimited,
                Some("deepObject") => QueryStyle::DeepObject,
                Some(_) => return None,
            },
            allow_empty_value: allow_empty_value
                .map_or(Some(None), |v| optional(v, Node::as_bool))?,
        },
        "header" => Parameter::Header {
            parameter_data,
            style: header_style(style)?,
        },
        "path" => Parameter::Path {
            parameter_data,
            style: match style {
                None | Some("simple") => PathStyle::Simple,
                Some("matrix") => PathStyle::Matrix,
                Some("label") => PathStyle::Label,
                Some(_) => return None,
            },
        },
        "cookie" => Parameter::Cookie {
            parameter_data,
            style: match style {
                None | Some("form") => CookieStyle::Form,
                Some(_) => return None,
            },
        },
        _ => return None,
    })
}

fn header_style(style: Option<&str>) -> Option<HeaderStyle> {
    match style {
        None | Some("simple") => Some(HeaderStyle::Simple),
        Some(_) => None,
    }
}

fn header(obj: &Map<'_>) -> Option<Header> {
    let mut format = None;
    let mut style = None;
    let mut header = Header {
        description: None,
        style: HeaderStyle::Simple,
        required: false,
        deprecated: None,
        format: ParameterSchemaOrContent::Content(IndexMap::new()),
        example: None,
        examples: IndexMap::new(),
        extensions: IndexMap::new(),
    };
    for (key, value) in obj {
        match key {
            "description" => header.description = optional(value, string)?,
            "style" => style = Some(value.as_str()?),
            "required" => header.required = value.as_bool()?,
            "deprecated" => header.deprecated = optional(value, Node::as_bool)?,
            "schema" | "content" if format.is_none() => {
                format = Some(schema_or_content(key, value)?)
            }
            "schema" | "content" => return None,
            "example" => header.example = optional(value, |v| Some(v.to_value()))?,
            "examples" => header.examples = map_of(value, |v| reference_or_item(v, example))?,
            other if other.starts_with("x-") => extension(&mut header.extensions, other, value),
            _ => {}
        }
    }
    header.style = header_style(style)?;
    header.format = format?;
    Some(header)
}

fn example(obj: &Map<'_>) -> Option<Example> {
    let mut example = Example::default();
    for (key, value) in obj {
        match key {
            "summary" => example.summary = optional(value, string)?,
            "description" => example.description = optional(value, string)?,
            "value" => example.value = optional(value, |v| Some(v.to_value()))?,
            "externalValue" => example.external_value = optional(value, string)?,
            other if other.starts_with("x-") => extension(&mut example.extensions, other, value),
            _ => {}
        }
    }
    Some(example)
}

fn media_type(value: &Node<'_>) -> Option<MediaType> {
    let mut media = MediaType::default();
    for (key, value) in value.as_object()? {
        match key {
            "schema" => media.schema = optional(value, schema::reference_or)?,
            "example" => media.example = optional(value, |v| Some(v.to_value()))?,
            "examples" => media.examples = map_of(value, |v| reference_or_item(v, example))?,
            "encoding" => media.encoding = serde_read(value)?,
            other if other.starts_with("x-") => extension(&mut media.extensions, other, value),
            _ => {}
        }
    }
    Some(media)
}

fn request_body_of(obj: &Map<'_>) -> Option<RequestBody> {
    let mut body = RequestBody::default();
    for (key, value) in obj {
        match key {
            "description" => body.description = optional(value, string)?,
            "content" => body.content = map_of(value, media_type)?,
            "required" => body.required = value.as_bool()?,
            other if other.starts_with("x-") => extension(&mut body.extensions, other, value),
            _ => {}
        }
    }
    Some(body)
}

fn response_of(obj: &Map<'_>) -> Option<Response> {
    let mut description = None;
    let mut response = Response::default();
    for (key, value) in obj {
        match key {
            "description" => description = Some(string(value)?),
            "headers" => response.headers = map_of(value, |v| reference_or_item(v, header))?,
            "content" => response.content = map_of(value, media_type)?,
            "links" => response.links = serde_read(value)?,
            other if other.starts_with("x-") => extension(&mut response.extensions, other, value),
            _ => {}
        }
    }
    response.description = description?;
    Some(response)
}

fn responses_of(value: &Node<'_>) -> Option<Responses> {
    let mut responses = Responses::default();
    for (key, value) in value.as_object()? {
        if key == "default" {
            responses.default = optional(value, |v| reference_or_item(v, response_of))?;
        } else if let Some(status) = status_code(key) {
            responses
                .responses
                .insert(status, reference_or_item(value, response_of)?);
        } else if key.starts_with("x-") {
            extension(&mut responses.extensions, key, value);
        }
    }
    Some(responses)
}

/// A key of `responses` read as `openapiv3`'s `StatusCode` reads a string: three characters, an
/// integer from 100 to 999 or a digit followed by `XX` (either case); other keys are skipped.
fn status_code(key: &str) -> Option<StatusCode> {
    if key.len() != 3 {
        return None;
    }
    if let Ok(number) = key.parse::<i64>() {
        return u16::try_from(number)
            .ok()
            .filter(|n| (100..1000).contains(n))
            .map(StatusCode::Code);
    }
    match key.as_bytes() {
        [digit, x, y]
            if digit.is_ascii_digit()
                && x.eq_ignore_ascii_case(&b'X')
                && y.eq_ignore_ascii_case(&b'X') =>
        {
            Some(StatusCode::Range(u16::from(digit - b'0')))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Node;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    fn check<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
        read: fn(&Node<'_>) -> Option<T>,
        same: &[Value],
        left: &[Value],
    ) {
        for value in same {
            let expected: T = serde_json::from_value(value.clone()).expect("serde reads it");
            assert_eq!(
                read(&Node::from_value(value.clone())),
                Some(expected),
                "{value}"
            );
        }
        for value in left {
            assert_eq!(read(&Node::from_value(value.clone())), None, "{value}");
        }
    }

    /// Operations with every field and the edge cases of `openapiv3`'s rules: each is read as
    /// serde reads it, or left to serde (which may still read it, or report the error).
    #[test]
    fn operations_are_read_as_serde_reads_them() {
        let same = [
            json!({"responses": {}}),
            json!({
                "tags": ["a", "b"], "summary": "s", "description": null, "operationId": "op",
                "externalDocs": {"url": "https://example.com"}, "deprecated": true,
                "security": [{"oauth": ["read"]}, {}], "servers": [{"url": "/v2"}],
                "x-internal": {"a": [1, 2.5, -3]}, "unknown": 1,
                "parameters": [
                    {"$ref": "#/components/parameters/Page", "description": "ignored"},
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "style": "deepObject", "allowReserved": true, "allowEmptyValue": null, "explode": false},
                    {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}, "style": "label", "allowReserved": "ignored here"},
                    {"name": "X-Trace", "in": "header", "content": {"text/plain": {"schema": {"type": "string"}}}, "deprecated": null, "x-a": 1},
                    {"name": "session", "in": "cookie", "schema": {}, "example": "abc", "examples": {"one": {"value": 1, "summary": "s", "x-b": 2}, "two": {"$ref": "#/e"}}}
                ],
                "requestBody": {"required": true, "description": "d", "x-c": true, "content": {
                    "application/json": {"schema": {"type": "object"}, "example": {"a": 1}, "x-d": null},
                    "multipart/form-data": {"schema": {"$ref": "#/s"}, "encoding": {"file": {"contentType": "image/png", "explode": true}}}
                }},
                "responses": {
                    "200": {"description": "ok", "headers": {"Link": {"schema": {"type": "string"}, "required": true, "style": "simple"}, "X-Ref": {"$ref": "#/h"}},
                            "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/x"}}}},
                            "links": {"next": {"operationId": "list", "parameters": {"page": "$response.body#/next"}}}},
                    "2xx": {"$ref": "#/components/responses/Ok"},
                    "4XX": {"description": "client error", "x-e": 1},
                    "default": {"description": "error"},
                    "x-f": "extension", "099": {"description": "skipped"}, "abc": {"description": "skipped"},
                    "1000": {"description": "skipped"}, "+20": {"description": "skipped"}, "0XX": {"description": "range 0"}
                },
                "callbacks": {"hook": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}}
            }),
            json!({"requestBody": {"$ref": "#/components/requestBodies/B"}, "responses": {"default": null}, "security": null}),
        ];
        let left = [
            json!({}),
            json!({"tags": null, "responses": {}}),
            json!({"tags": "a", "responses": {}}),
            json!({"deprecated": null, "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "body", "schema": {}}], "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "query"}], "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "query", "schema": {}, "content": {}}], "responses": {}}),
            json!({"parameters": [{"in": "query", "schema": {}}], "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "query", "schema": {}, "style": "simple"}], "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "query", "schema": {}, "allowReserved": null}], "responses": {}}),
            json!({"parameters": [{"name": "q", "in": "path", "schema": {}, "required": null}], "responses": {}}),
            json!({"parameters": [{"$ref": 1}], "responses": {}}),
            json!({"responses": {"200": {}}}),
            json!({"responses": {"200": {"description": "ok", "content": null}}}),
            json!({"responses": {"200": {"description": "ok", "headers": {"A": {"style": "form", "schema": {}}}}}}),
            json!({"responses": {"200": {"description": "ok", "headers": {"A": {"description": "no schema"}}}}}),
            json!("operation"),
        ];
        check(super::operation, &same, &left);
    }

    /// The items a `$ref` leads to are read the same way; a `$ref` beside an item's keys is left
    /// to serde, which ignores it there.
    #[test]
    fn referenced_items_are_read_as_serde_reads_them() {
        check(
            super::parameter,
            &[
                json!({"name": "limit", "in": "query", "schema": {"type": "integer"}, "required": false}),
            ],
            &[json!({"$ref": "#/p", "name": "limit", "in": "query", "schema": {}})],
        );
        check(
            super::request_body,
            &[json!({"content": {"application/octet-stream": {}}})],
            &[json!({"content": []})],
        );
        check(
            super::response,
            &[
                json!({"description": "", "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}),
            ],
            &[json!({"description": 1})],
        );
        check(
            super::parameters,
            &[json!([{"name": "a", "in": "header", "schema": {}}, {"$ref": "#/p"}])],
            &[json!({"name": "a"})],
        );
    }
}
