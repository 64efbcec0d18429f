#!/usr/bin/env python3
"""Validates every example in an OpenAPI 3.0 document against its schema.

Usage: target/tools/venv/bin/python scripts/check-examples.py spec/planasonix.yaml

Checked, with the OAS 3.0 schema validator and format checking (date-time, int32, int64, …):
  * `example` and `examples` of media types (request bodies, responses, parameter `content`),
  * `example` and `examples` of parameters and headers,
  * `example` of every schema and sub-schema (properties, items, additionalProperties, allOf/anyOf/oneOf,
    not), and `default` values of schemas while at it.
`$ref`s are resolved against the document itself (also inside `examples`, which may point at
`components/examples`). Each failure is printed with the JSON pointer of the example and of the failing
part of the instance; the exit status is 1 if anything failed, 2 if the document cannot be read.
"""
import sys
import urllib.parse

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

class Loader(yaml.SafeLoader):
    """YAML 1.2-like: unquoted timestamps stay strings, as JSON-based OpenAPI tools read them."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_SINGLE = ("items", "additionalProperties", "not")


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer, *tokens):
    for token in tokens:
        pointer = f"{pointer}/{escape(token)}"
    return pointer


class Checker:
    def __init__(self, doc):
        self.doc = doc
        self.failures = []
        self.checked = 0
        self.seen_schemas = set()

    # --- resolution -------------------------------------------------------------------------

    def resolve_pointer(self, reference):
        if not reference.startswith("#"):
            raise LookupError(f"only local references are supported: {reference}")
        node = self.doc
        fragment = reference[1:]
        if not fragment:
            return node
        for raw in fragment.lstrip("/").split("/"):
            token = urllib.parse.unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(token)]
            else:
                node = node[token]
        return node

    def deref(self, node, pointer):
        """Follows `$ref` chains; returns (node, pointer of the node)."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            reference = node["$ref"]
            try:
                node = self.resolve_pointer(reference)
            except (LookupError, KeyError, IndexError, ValueError) as err:
                self.fail(pointer, f"unresolvable $ref {reference!r}: {err}")
                return None, pointer
            pointer = reference[1:]
            hops += 1
            if hops > 50:
                self.fail(pointer, "$ref cycle")
                return None, pointer
        return node, pointer

    # --- validation -------------------------------------------------------------------------

    def fail(self, pointer, message):
        self.failures.append(f"#{pointer}: {message}")

    def validate(self, instance, schema_pointer, example_pointer, what="example"):
        """Validates `instance` against the schema at `schema_pointer` (a JSON pointer into the doc)."""
        self.checked += 1
        # The whole document is the root schema, and `$ref` sends validation to the sub-schema, so
        # every `#/components/...` reference inside it resolves against the document.
        root = dict(self.doc)
        root["$ref"] = "#" + urllib.parse.quote(schema_pointer, safe="/~")
        validator = OAS30Validator(root, format_checker=oas30_format_checker)
        try:
            errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        except Exception as err:  # a broken schema must not hide the other results
            self.fail(example_pointer, f"could not validate {what} against #{schema_pointer}: {err}")
            return
        for error in errors:
            at = "".join(f"/{escape(p)}" for p in error.absolute_path) or "/"
            self.fail(example_pointer, f"{what} does not match #{schema_pointer} at instance {at}: {error.message}")

    # --- walkers ------------------------------------------------------------------------------

    def schema(self, node, pointer):
        if not isinstance(node, dict) or "$ref" in node:
            return  # referenced schemas are checked where they are defined
        if pointer in self.seen_schemas:
            return
        self.seen_schemas.add(pointer)
        if "example" in node:
            self.validate(node["example"], pointer, join(pointer, "example"))
        if "default" in node:
            self.validate(node["default"], pointer, join(pointer, "default"), what="default")
        for key in SCHEMA_MAPS:
            for name, sub in (node.get(key) or {}).items():
                self.schema(sub, join(pointer, key, name))
        for key in SCHEMA_LISTS:
            for i, sub in enumerate(node.get(key) or []):
                self.schema(sub, join(pointer, key, i))
        for key in SCHEMA_SINGLE:
            if isinstance(node.get(key), dict):
                self.schema(node[key], join(pointer, key))

    def examples_map(self, holder, schema_pointer, pointer):
        """`example` and `examples` of a media type, parameter or header against `schema_pointer`."""
        if "example" in holder and schema_pointer is not None:
            self.validate(holder["example"], schema_pointer, join(pointer, "example"))
        for name, example in (holder.get("examples") or {}).items():
            ex_pointer = join(pointer, "examples", name)
            example, ex_pointer = self.deref(example, ex_pointer)
            if not isinstance(example, dict):
                continue
            if "value" in example and schema_pointer is not None:
                self.validate(example["value"], schema_pointer, join(ex_pointer, "value"))

    def schema_pointer_of(self, holder, pointer):
        if "schema" not in holder:
            return None
        schema_node = holder["schema"]
        if isinstance(schema_node, dict) and isinstance(schema_node.get("$ref"), str):
            target, target_pointer = self.deref(schema_node, join(pointer, "schema"))
            return target_pointer if target is not None else None
        self.schema(schema_node, join(pointer, "schema"))
        return join(pointer, "schema")

    def content(self, content, pointer):
        for media, media_type in (content or {}).items():
            mt_pointer = join(pointer, media)
            if not isinstance(media_type, dict):
                continue
            self.examples_map(media_type, self.schema_pointer_of(media_type, mt_pointer), mt_pointer)

    def parameter(self, node, pointer):
        if isinstance(node, dict) and "$ref" in node:
            self.deref(node, pointer)  # reports dangling references; the target is checked in components
            return
        if not isinstance(node, dict):
            return
        self.examples_map(node, self.schema_pointer_of(node, pointer), pointer)
        if "content" in node:
            self.content(node["content"], join(pointer, "content"))

    def response(self, node, pointer):
        if isinstance(node, dict) and "$ref" in node:
            self.deref(node, pointer)
            return
        if not isinstance(node, dict):
            return
        for name, header in (node.get("headers") or {}).items():
            self.parameter(header, join(pointer, "headers", name))
        self.content(node.get("content"), join(pointer, "content"))

    def request_body(self, node, pointer):
        if isinstance(node, dict) and "$ref" in node:
            self.deref(node, pointer)
            return
        if isinstance(node, dict):
            self.content(node.get("content"), join(pointer, "content"))

    def operation(self, op, pointer):
        for i, param in enumerate(op.get("parameters") or []):
            self.parameter(param, join(pointer, "parameters", i))
        if "requestBody" in op:
            self.request_body(op["requestBody"], join(pointer, "requestBody"))
        for status, resp in (op.get("responses") or {}).items():
            self.response(resp, join(pointer, "responses", status))

    def run(self):
        components = self.doc.get("components") or {}
        for name, node in (components.get("schemas") or {}).items():
            self.schema(node, join("/components/schemas", name))
        for name, node in (components.get("parameters") or {}).items():
            self.parameter(node, join("/components/parameters", name))
        for name, node in (components.get("headers") or {}).items():
            self.parameter(node, join("/components/headers", name))
        for name, node in (components.get("responses") or {}).items():
            self.response(node, join("/components/responses", name))
        for name, node in (components.get("requestBodies") or {}).items():
            self.request_body(node, join("/components/requestBodies", name))
        for path, item in (self.doc.get("paths") or {}).items():
            item_pointer = join("/paths", path)
            if not isinstance(item, dict):
                continue
            for i, param in enumerate(item.get("parameters") or []):
                self.parameter(param, join(item_pointer, "parameters", i))
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    self.operation(item[method], join(item_pointer, method))


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} SPEC.yaml", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8-sig") as f:
            doc = yaml.load(f, Loader=Loader)
    except (OSError, yaml.YAMLError) as err:
        print(f"{argv[1]}: cannot read: {err}", file=sys.stderr)
        return 2
    if not isinstance(doc, dict):
        print(f"{argv[1]}: not an OpenAPI document", file=sys.stderr)
        return 2
    checker = Checker(doc)
    checker.run()
    for failure in checker.failures:
        print(failure)
    if checker.failures:
        print(f"{argv[1]}: {len(checker.failures)} example(s) do not match their schema "
              f"({checker.checked} checked)", file=sys.stderr)
        return 1
    print(f"{argv[1]}: all {checker.checked} examples match their schemas", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
