"""The thin scoring entries answer like the documented FastAPI routes."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.inference.config import InferenceSettings
from services.inference.main import create_app
from tests.asgi import serve, service_headers

CASES: dict[str, tuple[str, dict[str, str], bytes]] = {
    "one": ("/v1/predict", {"subject": "abc"}, b'{"idade": 35, "renda_anual": 85000.0}'),
    "customer": ("/v1/predict", {}, b'{"idade": 61, "renda_anual": 2.5, "customer_id": "c-9"}'),
    "batch": (
        "/v1/predict/batch",
        {},
        b'{"instances": [{"idade": 40, "renda_anual": 1.0}, {"idade": 90, "renda_anual": 9e5}]}',
    ),
    "out-of-range": ("/v1/predict", {}, b'{"idade": 17, "renda_anual": 1.0}'),
    "wrong-type": ("/v1/predict", {}, b'{"idade": "35", "renda_anual": 1.0}'),
    "truncated": ("/v1/predict", {}, b'{"idade": 35, '),
    "empty": ("/v1/predict/batch", {}, b""),
}


def _as(identity: dict[str, str]) -> dict[str, str]:
    return service_headers("inference", subject=identity["subject"]) if identity else {}


@pytest.fixture
async def both(
    database_dsn: str, mlflow_uri: str, model_name: str, trained_model: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    def app(fast: bool) -> object:
        return create_app(
            InferenceSettings(
                environment="test",
                database_url=database_dsn,
                mlflow_tracking_uri=mlflow_uri,
                model_name=model_name,
                inference_fast_path=fast,
            )
        )

    async with serve(app(True)) as thin, serve(app(False)) as plain:  # type: ignore[arg-type]
        yield thin, plain


def _shape(answer: httpx.Response) -> object:
    body = answer.json()
    if "error" in body:
        error = body["error"]
        fields = sorted(d["field"] for d in error["details"] or [])
        return answer.status_code, error["type"], error["message"], fields
    predictions = body.get("predictions", [body])
    return answer.status_code, [
        (sorted(p), p["model"], round(p["probability"], 12), p["comprou_produto"])
        for p in predictions
    ]


@pytest.mark.parametrize("case", CASES, ids=CASES)
async def test_thin_and_documented_routes_answer_alike(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient], case: str
) -> None:
    path, headers, raw = CASES[case]
    shapes = [
        _shape(
            await client.post(
                path, content=raw, headers={"Content-Type": "application/json", **_as(headers)}
            )
        )
        for client in both
    ]
    assert shapes[0] == shapes[1]
