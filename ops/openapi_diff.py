"""Breaking changes between two OpenAPI documents: what would break a client of the old one.

Checked: removed paths and operations; new required parameters, request fields and scopes;
request types or constraints narrowed (the server would refuse what it used to accept);
request fields removed where unknown fields are refused; success statuses removed; response
fields removed or no longer always present; response types widened (a client could not read
them). Additions elsewhere are compatible. `python -m ops.openapi_diff OLD NEW` exits 1 on any.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Schema = dict[str, Any]
VERBS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
# For requests a larger bound narrows; for lengths and counts the same holds.
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


@dataclass(frozen=True)
class Breaking:
    """One incompatible change, located like `POST /v1/predict request .idade`."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Breaking]:
    """Every change in `new` that breaks a client written against `old`."""
    found: list[Breaking] = []
    new_paths = new.get("paths", {})
    for path, old_item in old.get("paths", {}).items():
        if path not in new_paths:
            found.append(Breaking(path, "path removed"))
            continue
        for verb in VERBS:
            if verb not in old_item:
                continue
            where = f"{verb.upper()} {path}"
            if verb not in new_paths[path]:
                found.append(Breaking(where, "operation removed"))
                continue
            pair = _Pair(old, new)
            found += pair.operation(where, old_item[verb], new_paths[path][verb])
    return found


class _Pair:
    """Both documents, so `$ref`s resolve against their own components."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old_doc, self.new_doc = old, new

    def operation(self, where: str, old: Schema, new: Schema) -> list[Breaking]:
        found = self._parameters(where, old, new) + self._scopes(where, old, new)
        found += self._request_body(where, old.get("requestBody"), new.get("requestBody"))
        for status, old_answer in old.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            new_answer = new.get("responses", {}).get(status)
            if new_answer is None:
                found.append(Breaking(where, f"success status {status} no longer returned"))
                continue
            for media, content in old_answer.get("content", {}).items():
                new_content = new_answer.get("content", {}).get(media)
                label = f"{where} response {status}"
                if new_content is None:
                    found.append(Breaking(label, f"no longer answers {media}"))
                    continue
                found += self.response(label, content.get("schema"), new_content.get("schema"))
        return found

    def _parameters(self, where: str, old: Schema, new: Schema) -> list[Breaking]:
        found = []
        old_params = {(p["in"], p["name"]): p for p in map(self._old, old.get("parameters", []))}
        for param in map(self._new, new.get("parameters", [])):
            key = (param["in"], param["name"])
            label = f"{where} {param['in']} parameter {param['name']}"
            if key not in old_params:
                if param.get("required"):
                    found.append(Breaking(label, "new required parameter"))
                continue
            if param.get("required") and not old_params[key].get("required"):
                found.append(Breaking(label, "parameter became required"))
            found += self.request(label, old_params[key].get("schema"), param.get("schema"))
        return found

    def _scopes(self, where: str, old: Schema, new: Schema) -> list[Breaking]:
        def scopes(operation: Schema) -> set[str]:
            return {s for rule in operation.get("security", []) for v in rule.values() for s in v}

        added = scopes(new) - scopes(old)
        if added:
            return [Breaking(where, f"now needs scope(s) {', '.join(sorted(added))}")]
        if new.get("security") and not old.get("security"):
            return [Breaking(where, "now needs authentication")]
        return []

    def _request_body(self, where: str, old: Schema | None, new: Schema | None) -> list[Breaking]:
        label = f"{where} request"
        if new is None:
            return []
        if old is None:
            return [Breaking(label, "new required body")] if new.get("required") else []
        found = []
        if new.get("required") and not old.get("required"):
            found.append(Breaking(label, "body became required"))
        for media, content in old.get("content", {}).items():
            new_content = new.get("content", {}).get(media)
            if new_content is None:
                found.append(Breaking(label, f"no longer accepts {media}"))
                continue
            found += self.request(label, content.get("schema"), new_content.get("schema"))
        return found

    # -- schemas -------------------------------------------------------------------------

    def request(self, where: str, old: Schema | None, new: Schema | None) -> list[Breaking]:
        """What the server accepts must not shrink."""
        return self._compare(where, self._old(old or {}), self._new(new or {}), "request", set())

    def response(self, where: str, old: Schema | None, new: Schema | None) -> list[Breaking]:
        """What the client may receive must not grow or lose fields."""
        return self._compare(where, self._old(old or {}), self._new(new or {}), "response", set())

    def _compare(
        self, where: str, old: Schema, new: Schema, side: str, seen: set[tuple[int, int]]
    ) -> list[Breaking]:
        if (id(old), id(new)) in seen:
            return []
        seen = seen | {(id(old), id(new))}
        old, new = self._merged(old, self._old), self._merged(new, self._new)
        found = self._types(where, old, new, side)
        if side == "request":
            found += _narrowed_constraints(where, old, new)
        found += self._properties(where, old, new, side, seen)
        found += self._options(where, old, new, side, seen)
        if "items" in old and "items" in new:
            found += self._compare(
                f"{where}[]", self._old(old["items"]), self._new(new["items"]), side, seen
            )
        return found

    def _options(
        self, where: str, old: Schema, new: Schema, side: str, seen: set[tuple[int, int]]
    ) -> list[Breaking]:
        """`anyOf` alternatives (e.g. `string | null`) compared pairwise by their JSON type."""
        found: list[Breaking] = []
        old_options = [self._old(o) for o in old.get("anyOf", [])]
        new_by_type = {
            frozenset(_types(o, self._new)): o for o in map(self._new, new.get("anyOf", []))
        }
        for option in old_options:
            match = new_by_type.get(frozenset(_types(option, self._old)))
            if match is not None:
                found += self._compare(where, option, match, side, seen)
        return found

    def _types(self, where: str, old: Schema, new: Schema, side: str) -> list[Breaking]:
        old_types, new_types = _types(old, self._old), _types(new, self._new)
        if not old_types or not new_types:
            return []
        if side == "request":
            lost = {
                t for t in old_types - new_types if not (t == "integer" and "number" in new_types)
            }
            if lost:
                return [
                    Breaking(where, f"type narrowed: no longer accepts {', '.join(sorted(lost))}")
                ]
        else:
            gained = {
                t for t in new_types - old_types if not (t == "integer" and "number" in old_types)
            }
            if gained:
                return [Breaking(where, f"type widened: may now be {', '.join(sorted(gained))}")]
        return []

    def _properties(
        self, where: str, old: Schema, new: Schema, side: str, seen: set[tuple[int, int]]
    ) -> list[Breaking]:
        found = []
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props)):
            field = f"{where} .{name}"
            if name not in new_props:
                if side == "response":
                    found.append(Breaking(field, "response field removed"))
                elif new.get("additionalProperties") is False:
                    found.append(Breaking(field, "request field removed (now refused)"))
                continue
            if name not in old_props:
                if side == "request" and name in new_required:
                    found.append(Breaking(field, "new required field"))
                continue
            if side == "request" and name in new_required - old_required:
                found.append(Breaking(field, "field became required"))
            if side == "response" and name in old_required - new_required:
                found.append(Breaking(field, "response field no longer always present"))
            found += self._compare(
                field, self._old(old_props[name]), self._new(new_props[name]), side, seen
            )
        return found

    def _merged(self, schema: Schema, resolve: Any) -> Schema:
        """A schema with a single-element `allOf` (how pydantic wraps a described ref) inlined."""
        if len(schema.get("allOf", [])) == 1:
            return {
                **resolve(schema["allOf"][0]),
                **{k: v for k, v in schema.items() if k != "allOf"},
            }
        return schema

    def _old(self, schema: Schema) -> Schema:
        return _resolve(self.old_doc, schema)

    def _new(self, schema: Schema) -> Schema:
        return _resolve(self.new_doc, schema)


def _resolve(document: dict[str, Any], schema: Schema) -> Schema:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _types(schema: Schema, resolve: Any) -> set[str]:
    """The JSON types a schema allows, looking through anyOf/oneOf; empty means unconstrained."""
    if "type" in schema:
        kind = schema["type"]
        return set(kind) if isinstance(kind, list) else {kind}
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        kinds = [_types(resolve(option), resolve) for option in options]
        return set() if any(not k for k in kinds) else set().union(*kinds)
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {_json_type(v) for v in values}
    return set()


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "null" if value is None else "string"


def _narrowed_constraints(where: str, old: Schema, new: Schema) -> list[Breaking]:
    found = []
    for key in LOWER_BOUNDS:
        if key in new and (key not in old or new[key] > old[key]):
            found.append(Breaking(where, f"{key} narrowed to {new[key]} (was {old.get(key)})"))
    for key in UPPER_BOUNDS:
        if key in new and (key not in old or new[key] < old[key]):
            found.append(Breaking(where, f"{key} narrowed to {new[key]} (was {old.get(key)})"))
    if "enum" in new:
        lost = [v for v in old.get("enum", []) if v not in new["enum"]]
        if lost or "enum" not in old:
            found.append(
                Breaking(where, f"enum narrowed: no longer accepts {lost or 'other values'}")
            )
    if "pattern" in new and new.get("pattern") != old.get("pattern"):
        found.append(Breaking(where, f"pattern changed to {new['pattern']!r}"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fail on breaking OpenAPI changes.")
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    changes = breaking_changes(json.loads(args.old.read_text()), json.loads(args.new.read_text()))
    for change in changes:
        print(change)
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
