"""The OpenAPI document is what integrators read: every public route fully described."""

from typing import Any

from services.gateway.main import create_app
from tests.gateway.conftest import gateway_settings

OPERATIONS = ("get", "post", "put", "delete", "patch")


def _document() -> dict[str, Any]:
    return create_app(gateway_settings("postgresql://unused@127.0.0.1:1/x", None)).openapi()


def test_every_public_route_is_documented() -> None:
    paths = _document()["paths"]
    assert "/v1/predict" in paths and "/auth/token" in paths
    for path, item in paths.items():
        if path.startswith("/health") or path == "/metrics":
            continue
        for verb, operation in item.items():
            if verb not in OPERATIONS:
                continue
            where = f"{verb.upper()} {path}"
            assert operation.get("summary"), where
            assert len(operation.get("description", "")) > 40, where
            assert "422" in operation["responses"] or "401" in operation["responses"], where
            assert "429" in operation["responses"], where


def test_protected_routes_declare_oauth2_scopes() -> None:
    document = _document()
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert set(scheme["flows"]["password"]["scopes"]) == {"predict", "admin"}
    assert document["paths"]["/v1/predict"]["post"]["security"] == [
        {"OAuth2PasswordBearer": ["predict"]}
    ]


def test_request_and_response_examples_exist() -> None:
    schemas = _document()["components"]["schemas"]
    assert schemas["PredictRequest"]["examples"]
    assert schemas["PredictionResponse"]["examples"]
    assert schemas["BatchPredictRequest"]["examples"]
    error = schemas["ErrorBody"]
    assert error["properties"]["error"]
