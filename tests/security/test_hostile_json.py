"""Hostile JSON bodies get a 400 or 422 in the shared error body, never a 5xx."""

import json
from typing import Any

import httpx
import pytest

from shared.contract import MAX_JSON_DEPTH
from shared.errors import ECHO_CHARS, ServiceError
from shared.schemas import PredictRequest
from shared.thin import validate
from tests.gateway.conftest import Gateway

JSON = {"Content-Type": "application/json"}


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def _row_with(value: str) -> bytes:
    row = f'{{"idade": 35, "renda_anual": 1.0, "comprou_produto": 1, "x": {value}}}'
    return f'{{"rows": [{row}]}}'.encode()


def _error(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert answer.status_code in statuses, answer.text
    error: dict[str, Any] = answer.json()["error"]
    assert {"type", "message", "request_id", "timestamp", "details"} <= error.keys()
    return error


async def test_deeply_nested_row_is_422_at_the_gateway(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/v1/features", content=_row_with(_nested(500)), headers={**await gateway.auth(), **JSON}
    )
    error = _error(answer, 422)
    assert error["details"][0]["field"] == "rows.0"
    assert f"deeper than {MAX_JSON_DEPTH}" in error["details"][0]["message"]


async def test_deeply_nested_row_is_422_at_training(training: httpx.AsyncClient) -> None:
    answer = await training.post("/v1/features", content=_row_with(_nested(500)), headers=JSON)
    assert _error(answer, 422)["details"][0]["field"] == "rows.0"


async def test_nesting_within_the_bound_is_reported_row_by_row(gateway: Gateway) -> None:
    # A shallow mistake keeps the documented per-row report instead of refusing the body.
    answer = await gateway.client.post(
        "/v1/features", content=_row_with(_nested(3)), headers={**await gateway.auth(), **JSON}
    )
    assert answer.status_code == 200 and answer.json()["rejected"] == 1, answer.text


@pytest.mark.parametrize("levels", [500, 100_000])
async def test_nesting_past_any_parser_is_a_client_error(gateway: Gateway, levels: int) -> None:
    auth = {**await gateway.auth(), **JSON}
    for path, body in (
        ("/v1/features", f'{{"rows": {_nested(levels)}}}'),
        ("/v1/training/jobs", f'{{"reason": {_nested(levels)}}}'),
        ("/v1/predict", f'{{"idade": 35, "renda_anual": 1.0, "customer_id": {_nested(levels)}}}'),
    ):
        _error(await gateway.client.post(path, content=body, headers=auth), 400, 422)


@pytest.mark.parametrize("reason", ["a\\u0000b", "lone \\ud800 half"], ids=["nul", "surrogate"])
async def test_poisoned_training_reason_is_422(gateway: Gateway, reason: str) -> None:
    answer = await gateway.client.post(
        "/v1/training/jobs",
        content=f'{{"reason": "{reason}"}}',
        headers={**await gateway.auth(), **JSON},
    )
    assert _error(answer, 422)["details"][0]["field"] == "reason"


async def test_long_input_is_echoed_cut(gateway: Gateway) -> None:
    long_id, long_key = "c" * 5_000, "k" * 5_000
    body = {"idade": 35, "renda_anual": 1.0, "customer_id": long_id, long_key: 1}
    answer = await gateway.client.post(
        "/v1/predict", content=json.dumps(body), headers={**await gateway.auth(), **JSON}
    )
    error = _error(answer, 422)
    assert len(answer.content) < 2_000
    echoed = next(d for d in error["details"] if d["field"] == "customer_id")["input"]
    assert echoed.startswith("c" * ECHO_CHARS) and echoed.endswith("[4900 more characters]")
    assert any(d["field"].startswith("k" * ECHO_CHARS + "…") for d in error["details"])


@pytest.mark.parametrize("levels", [150, 500, 100_000])
def test_thin_entries_refuse_deep_nesting_as_malformed(levels: int) -> None:
    body = f'{{"idade": 35, "renda_anual": 1.0, "customer_id": {_nested(levels)}}}'.encode()
    with pytest.raises(ServiceError) as refused:
        validate(body, PredictRequest)
    # The parser's own depth limit answers first, whatever the model holds.
    assert refused.value.status_code in (400, 422)
