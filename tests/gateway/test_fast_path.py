"""The thin ASGI entry for predictions and the documented FastAPI routes behave alike."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.gateway.main import create_app as create_gateway
from tests.asgi import serve
from tests.gateway.conftest import Gateway, gateway_settings, use_upstream

GOOD = {"idade": 35, "renda_anual": 85000.0, "customer_id": "c-1"}
CASES: dict[str, tuple[str, dict[str, str], bytes, str | None]] = {
    "ok": ("/v1/predict", {}, b'{"idade": 35, "renda_anual": 85000.0}', "predict"),
    "batch": (
        "/v1/predict/batch",
        {},
        b'{"instances": [{"idade": 40, "renda_anual": 1.0}]}',
        "predict",
    ),
    "no-token": ("/v1/predict", {}, b'{"idade": 35, "renda_anual": 1.0}', None),
    "bad-token": ("/v1/predict", {"Authorization": "Bearer not.a.jwt"}, b"{}", None),
    "basic-auth": ("/v1/predict", {"Authorization": "Basic YTpi"}, b"{}", None),
    "admin-only-token": ("/v1/predict", {}, b'{"idade": 35, "renda_anual": 1.0}', "admin"),
    "out-of-range": ("/v1/predict", {}, b'{"idade": 17, "renda_anual": 1.0}', "predict"),
    "extra-field": ("/v1/predict", {}, b'{"idade": 35, "renda_anual": 1.0, "x": 1}', "predict"),
    "nan": ("/v1/predict", {}, b'{"idade": 35, "renda_anual": NaN}', "predict"),
    "truncated": ("/v1/predict", {}, b'{"idade": 35, ', "predict"),
    "empty": ("/v1/predict", {}, b"", "predict"),
    "array": ("/v1/predict", {}, b"[1, 2]", "predict"),
    "bad-instance": ("/v1/predict/batch", {}, b'{"instances": [{"idade": 5}]}', "predict"),
    "empty-batch": ("/v1/predict/batch", {}, b'{"instances": []}', "predict"),
}


@pytest.fixture
async def both(
    db_pool: Any, database_dsn: str, redis_url: str, inference_client: httpx.AsyncClient
) -> AsyncIterator[tuple[Gateway, Gateway]]:
    """The same gateway twice: thin prediction entry on, and off."""
    thin = create_gateway(gateway_settings(database_dsn, redis_url))
    plain = create_gateway(gateway_settings(database_dsn, redis_url, gateway_fast_path=False))
    assert thin.fast_routes and not plain.fast_routes
    async with serve(thin) as thin_client, serve(plain) as plain_client:
        use_upstream(thin, "inference", inference_client)
        use_upstream(plain, "inference", inference_client)
        yield Gateway(thin_client, thin.state.settings), Gateway(plain_client, plain.state.settings)


def _shape(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    if "error" not in body:
        return {"status": answer.status_code, "keys": sorted(body)}
    error = body["error"]
    fields = sorted(d.get("field", "") for d in error["details"] or [] if isinstance(d, dict))
    return {
        "status": answer.status_code,
        "type": error["type"],
        "message": error["message"],
        "fields": fields,
        "www": answer.headers.get("WWW-Authenticate"),
        "has_request_id": bool(error["request_id"]) and "X-Request-ID" in answer.headers,
    }


@pytest.mark.parametrize("case", CASES, ids=CASES)
async def test_thin_and_documented_routes_answer_alike(
    both: tuple[Gateway, Gateway], case: str
) -> None:
    path, headers, raw, scope = CASES[case]
    shapes = []
    for gateway in both:
        auth = await gateway.auth(scope) if scope else {}
        answer = await gateway.client.post(
            path, content=raw, headers={"Content-Type": "application/json", **auth, **headers}
        )
        shapes.append(_shape(answer))
    assert shapes[0] == shapes[1]


async def test_thin_entry_counts_against_the_same_limits(
    db_pool: Any, database_dsn: str, redis_url: str, inference_client: httpx.AsyncClient
) -> None:
    app = create_gateway(gateway_settings(database_dsn, redis_url, rate_limit_per_ip="2/minute"))
    async with serve(app) as client:
        use_upstream(app, "inference", inference_client)
        gateway = Gateway(client, app.state.settings)
        headers = await gateway.auth("predict")
        codes = [
            (await client.post("/v1/predict", json=GOOD, headers=headers)).status_code
            for _ in range(3)
        ]
        # The documented route shares the per-IP bucket the thin entry filled.
        feedback = await client.post(
            "/v1/feedback",
            json={"prediction_id": "0b8f0a57-3f5e-4a53-9b58-1e0f6f1f3f7e", "comprou_produto": 1},
            headers=headers,
        )
    assert codes == [200, 200, 429]
    assert feedback.status_code == 429 and int(feedback.headers["Retry-After"]) >= 1


async def test_the_document_is_the_same_with_or_without_the_thin_entry(database_dsn: str) -> None:
    thin = create_gateway(gateway_settings(database_dsn, None))
    plain = create_gateway(gateway_settings(database_dsn, None, gateway_fast_path=False))
    assert thin.openapi() == plain.openapi()
    assert "/v1/predict" in thin.openapi()["paths"]
