//! Structural checks on `spec/planasonix.yaml` that a generic OpenAPI validator does not make:
//! coverage of the documented API, conventions the generator relies on, and hygiene.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Operations that are reachable without credentials (they obtain credentials).
const PUBLIC_OPERATIONS: [&str; 3] = ["/api/login", "/api/auth/refresh", "/api/v2/auth/device"];

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/planasonix.yaml");
    let text = std::fs::read_to_string(path).expect("spec/planasonix.yaml is readable");
    serde_yaml_ng::from_str(&text).expect("spec/planasonix.yaml is valid YAML")
}

/// `(pointer, path, method, operation)` for every operation in the document.
fn operations(spec: &Value) -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths is a map") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let pointer = format!(
                    "#/paths/{}/{method}",
                    path.replace('~', "~0").replace('/', "~1")
                );
                out.push((pointer, path.clone(), method.to_string(), op.clone()));
            }
        }
    }
    out
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.insert(s.to_string());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    spec.pointer(reference.strip_prefix('#')?)
}

#[test]
fn covers_the_documented_api() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.0.3");
    let ops = operations(&spec);
    assert!(
        ops.len() >= 110,
        "expected ≥ 110 operations, found {}",
        ops.len()
    );
    let tags: BTreeSet<_> = ops
        .iter()
        .flat_map(|(_, _, _, op)| op["tags"].as_array().cloned().unwrap_or_default())
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    assert!(
        tags.len() >= 20,
        "expected ≥ 20 tags, found {}: {tags:?}",
        tags.len()
    );
    let declared: BTreeSet<_> = spec["tags"]
        .as_array()
        .expect("top-level tags are declared")
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        tags, declared,
        "every used tag is declared and every declared tag is used"
    );
}

#[test]
fn every_operation_is_complete() {
    let spec = spec();
    let mut ids = BTreeMap::new();
    let mut problems = Vec::new();
    for (pointer, path, _method, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        if id.is_empty() {
            problems.push(format!("{pointer}: no operationId"));
        } else if let Some(other) = ids.insert(id.clone(), pointer.clone()) {
            problems.push(format!("{pointer}: operationId {id} also used at {other}"));
        }
        if op["tags"].as_array().map_or(0, Vec::len) != 1 {
            problems.push(format!("{pointer}: expected exactly one tag"));
        }
        for field in ["summary", "description"] {
            if op[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{pointer}: no {field}"));
            }
        }
        let responses = op["responses"].as_object().cloned().unwrap_or_default();
        match responses.get("429") {
            None => problems.push(format!("{pointer}: no 429 response")),
            Some(r) => {
                let r = if let Some(reference) = r["$ref"].as_str() {
                    resolve(&spec, reference).cloned().unwrap_or_default()
                } else {
                    r.clone()
                };
                if r["headers"].get("Retry-After").is_none() {
                    problems.push(format!(
                        "{pointer}: 429 response without a Retry-After header"
                    ));
                }
            }
        }
        if !responses.keys().any(|k| k.starts_with('2')) {
            problems.push(format!("{pointer}: no success response"));
        }
        let effective = op.get("security").unwrap_or(&spec["security"]);
        let open = effective.as_array().is_some_and(Vec::is_empty);
        let public = PUBLIC_OPERATIONS.contains(&path.as_str())
            || PUBLIC_OPERATIONS
                .iter()
                .any(|p| path.starts_with(&format!("{p}/")));
        if public != open {
            problems.push(format!(
                "{pointer}: security {} but the operation is {}",
                if open { "is empty" } else { "is required" },
                if public { "public" } else { "authenticated" }
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_reference_resolves_and_every_component_is_used() {
    let spec = spec();
    let mut refs = BTreeSet::new();
    collect_refs(&spec, &mut refs);
    let dangling: Vec<_> = refs
        .iter()
        .filter(|r| resolve(&spec, r).is_none())
        .collect();
    assert!(dangling.is_empty(), "dangling $refs: {dangling:?}");
    let mut unused = Vec::new();
    for (kind, items) in spec["components"].as_object().expect("components") {
        if kind == "securitySchemes" {
            continue;
        }
        for name in items.as_object().expect("component map").keys() {
            let pointer = format!("#/components/{kind}/{name}");
            if !refs.contains(&pointer) {
                unused.push(pointer);
            }
        }
    }
    assert!(unused.is_empty(), "components never referenced: {unused:?}");
}

#[test]
fn security_schemes_are_bearer_and_legacy_header() {
    let spec = spec();
    let schemes = spec["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes");
    assert!(
        schemes
            .values()
            .any(|s| s["type"] == "http" && s["scheme"] == "bearer"),
        "an HTTP bearer scheme"
    );
    assert!(
        schemes.values().any(|s| s["type"] == "apiKey"
            && s["in"] == "header"
            && s["name"] == "X-Planasonix-Api-Key"),
        "the legacy X-Planasonix-Api-Key header scheme"
    );
}

#[test]
fn rate_limit_headers_are_reusable_components() {
    let spec = spec();
    let headers = spec["components"]["headers"]
        .as_object()
        .expect("components.headers");
    for name in [
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "Retry-After",
    ] {
        assert!(
            headers.keys().any(|k| k.eq_ignore_ascii_case(name)
                || k.replace('-', "")
                    .eq_ignore_ascii_case(&name.replace('-', ""))),
            "components.headers declares {name}"
        );
    }
}

#[test]
fn paged_lists_declare_cursor_pagination() {
    let spec = spec();
    let mut problems = Vec::new();
    let mut paged = 0;
    for (pointer, _path, method, op) in operations(&spec) {
        let Some(pagination) = op.get("x-pagination") else {
            continue;
        };
        paged += 1;
        if method != "get" {
            problems.push(format!("{pointer}: x-pagination on a {method}"));
        }
        let params: Vec<String> = op["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let p = p["$ref"]
                    .as_str()
                    .and_then(|r| resolve(&spec, r))
                    .unwrap_or(p);
                p["name"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        for key in ["cursor-param", "limit-param"] {
            match pagination[key].as_str() {
                Some(name) if params.iter().any(|p| p == name) => {}
                other => problems.push(format!(
                    "{pointer}: x-pagination.{key} = {other:?} is not a parameter"
                )),
            }
        }
        for key in ["next-cursor", "items"] {
            if !pagination[key]
                .as_str()
                .is_some_and(|p| p.is_empty() || p.starts_with('/'))
            {
                problems.push(format!(
                    "{pointer}: x-pagination.{key} is not a JSON pointer"
                ));
            }
        }
    }
    assert!(
        paged >= 15,
        "expected ≥ 15 paged list operations, found {paged}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn work_starting_posts_take_an_idempotency_key() {
    let spec = spec();
    let mut with_key = 0;
    for (_pointer, _path, method, op) in operations(&spec) {
        let has_key = op["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .any(|p| {
                let p = p["$ref"]
                    .as_str()
                    .and_then(|r| resolve(&spec, r))
                    .unwrap_or(p);
                p["in"] == "header" && p["name"] == "Idempotency-Key"
            });
        if has_key {
            assert_eq!(method, "post", "Idempotency-Key is only declared on POST");
            with_key += 1;
        }
    }
    assert!(
        with_key >= 20,
        "expected ≥ 20 POSTs with Idempotency-Key, found {with_key}"
    );
}

#[test]
fn servers_allow_tenant_hosts_and_the_version_prefix() {
    let spec = spec();
    let server = &spec["servers"][0];
    let url = server["url"].as_str().expect("servers[0].url");
    assert!(url.starts_with("https://"), "HTTPS only: {url}");
    let vars = server["variables"].as_object().expect("server variables");
    assert!(
        vars.len() >= 2,
        "a host variable and a version-prefix variable"
    );
    let rendered = vars.iter().fold(url.to_string(), |acc, (name, var)| {
        acc.replace(
            &format!("{{{name}}}"),
            var["default"].as_str().unwrap_or_default(),
        )
    });
    assert!(
        rendered.starts_with("https://api.planasonix.com"),
        "default server is api.planasonix.com: {rendered}"
    );
}
