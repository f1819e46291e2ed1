"""The OpenAPI document is what integrators read: every public route fully described."""

from collections.abc import Iterator
from typing import Any

import pytest

from services.gateway.main import create_app
from shared.deprecation import SINCE
from tests.gateway.conftest import gateway_settings

OPERATIONS = ("get", "post", "put", "delete", "patch")
SCOPES = {"predict", "admin"}
FORWARDED_ERRORS = {"401", "403", "429", "502", "503", "504"}
ERROR_REF = "#/components/schemas/ErrorBody"


def _document() -> dict[str, Any]:
    return create_app(gateway_settings("postgresql://unused@127.0.0.1:1/x", None)).openapi()


DOCUMENT = _document()


def _operations(*, public_only: bool = True) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in DOCUMENT["paths"].items():
        if public_only and (path.startswith("/health") or path == "/metrics"):
            continue
        for verb, operation in item.items():
            if verb in OPERATIONS:
                yield f"{verb.upper()} {path}", path, operation


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_example(schema: dict[str, Any], depth: int = 0) -> bool:
    """An example on the schema, or on every part Swagger UI composes its example from."""
    schema = _resolve(schema)
    if schema.get("examples") or "example" in schema or depth > 4:
        return bool(schema.get("examples") or "example" in schema)
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if options:
        return all(_has_example(o, depth + 1) for o in options)
    if schema.get("type") == "array":
        return _has_example(schema["items"], depth + 1)
    properties = schema.get("properties", {})
    return bool(properties) and all(_has_example(p, depth + 1) for p in properties.values())


def _media_has_example(media: dict[str, Any]) -> bool:
    return "example" in media or bool(media.get("examples")) or _has_example(media["schema"])


def test_every_public_route_is_documented() -> None:
    assert "/v1/predict" in DOCUMENT["paths"] and "/auth/token" in DOCUMENT["paths"]
    for where, _, operation in _operations():
        assert operation.get("summary"), where
        assert len(operation.get("description", "")) > 40, where
        assert "429" in operation["responses"], where


def test_error_responses_are_complete_with_examples() -> None:
    for where, path, operation in _operations():
        codes = set(operation["responses"])
        # User administration and the audit log are answered by the gateway itself: no
        # upstream to fail.
        if path.startswith("/v1/") and not path.startswith(("/v1/users/", "/v1/audit/")):
            assert FORWARDED_ERRORS <= codes, f"{where} lacks {FORWARDED_ERRORS - codes}"
        if operation.get("requestBody") or operation.get("parameters"):
            assert "422" in codes, f"{where} validates input but documents no 422"
        if operation.get("requestBody") and path.startswith("/v1/"):
            assert "413" in codes, f"{where} takes a body but documents no 413"
        for code, answer in operation["responses"].items():
            if code.startswith("2"):
                continue
            media = answer["content"]["application/json"]
            assert media["schema"] == {"$ref": ERROR_REF}, f"{where} {code} is not the error body"
            example = media.get("example", {}).get("error", {})
            assert example.get("type") and example.get("message"), f"{where} {code}: no example"
            assert set(example) >= {"request_id", "timestamp", "details"}, f"{where} {code}"
            if code == "429":
                assert "Retry-After" in answer.get("headers", {}), f"{where} 429: no Retry-After"


def test_protected_routes_declare_oauth2_scopes() -> None:
    scheme = DOCUMENT["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert set(scheme["flows"]["password"]["scopes"]) == SCOPES
    assert scheme["flows"]["password"]["tokenUrl"] == "/auth/token"
    for where, path, operation in _operations():
        if path == "/auth/logout":  # any valid token: it revokes the one it is sent with
            assert operation["security"] == [{"OAuth2PasswordBearer": []}], where
            continue
        if not path.startswith("/v1/"):
            assert "security" not in operation, f"{where} should be open"
            continue
        security = operation.get("security")
        assert security and len(security) == 1, f"{where} declares no OAuth2 scope"
        (scopes,) = security[0].values()
        assert len(scopes) == 1 and scopes[0] in SCOPES, f"{where}: {scopes}"
        description = " ".join(operation["description"].split())
        assert f"scope `{scopes[0]}`" in description, f"{where} never names its scope"
    assert DOCUMENT["paths"]["/v1/predict"]["post"]["security"] == [
        {"OAuth2PasswordBearer": ["predict"]}
    ]


def test_request_and_response_examples_exist() -> None:
    for where, _, operation in _operations():
        body = operation.get("requestBody", {}).get("content", {})
        for media_type, media in body.items():
            assert _media_has_example(media), f"{where} {media_type} request has no example"
        for code, answer in operation["responses"].items():
            if code.startswith("2"):
                for media_type, media in answer.get("content", {}).items():
                    assert _media_has_example(media), f"{where} {code} {media_type}: no example"


def test_deprecations_say_since_when() -> None:
    for where, _, operation in _operations(public_only=False):
        if operation.get("deprecated"):
            assert operation.get(SINCE), f"{where} is deprecated without {SINCE}"
            assert all(
                "Deprecation" in a.get("headers", {}) for a in operation["responses"].values()
            )
    for name, schema in DOCUMENT["components"]["schemas"].items():
        for field, definition in schema.get("properties", {}).items():
            if definition.get("deprecated"):
                assert definition.get(SINCE), f"{name}.{field} is deprecated without {SINCE}"


@pytest.mark.parametrize("name", ["PredictRequest", "PredictionResponse", "BatchPredictRequest"])
def test_core_schemas_carry_examples(name: str) -> None:
    assert DOCUMENT["components"]["schemas"][name]["examples"]
    assert DOCUMENT["components"]["schemas"]["ErrorBody"]["properties"]["error"]
