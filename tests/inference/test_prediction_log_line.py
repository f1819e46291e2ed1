"""The plan's prediction log line: one JSON line per prediction, with the fields people read.

Fields: timestamp, event_type "prediction", input {idade, renda_anual} (behind
INFERENCE_LOG_INPUTS, on by default), prediction (the label), confidence (probability of the
predicted label), probability (of a purchase), response_time_ms, model_version, variant,
prediction_id, request_id, and the caller only as the gateway's pseudonymous subject: never a
customer id.
"""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from services.inference.main import create_app
from shared.logs import JsonFormatter
from tests.asgi import serve, service_headers
from tests.conftest import inference_settings

SUBJECT = "5f0c0ffee5f0c0ffee5f0c0ffee5f0c0"  # what the gateway sends: a keyed hash
CUSTOMER = "c-981-raw"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter("inference"))
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines() -> Iterator[list[dict[str, Any]]]:
    """JSON lines of the predictions logger, formatted as the service writes them."""
    handler = _Lines()
    predictions = logging.getLogger("services.inference.predictions")
    # The app reconfigures the root logger; this handler sits on the logger itself.
    predictions.addHandler(handler)
    previous = predictions.level
    predictions.setLevel(logging.INFO)
    yield handler.lines
    predictions.removeHandler(handler)
    predictions.setLevel(previous)


async def _predict(settings: Any) -> tuple[dict[str, Any], str]:
    # The identity comes from the service credential only: a header naming someone is ignored.
    headers = {
        "X-Request-ID": "req-log-line-1",
        "X-Subject": "someone-else",
        **service_headers("inference", subject=SUBJECT),
    }
    body = {"idade": 35, "renda_anual": 85_000.0, "customer_id": CUSTOMER}
    async with serve(create_app(settings), "http://inference.internal") as client:
        answer = await client.post("/v1/predict", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["X-Request-ID"]


async def test_one_line_per_prediction_with_the_plan_fields(
    lines: list[dict[str, Any]],
    database_dsn: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
) -> None:
    answer, request_id = await _predict(inference_settings(database_dsn, mlflow_uri, model_name))
    (line,) = [line for line in lines if line.get("event_type") == "prediction"]
    probability = answer["probability"]
    assert line["timestamp"]
    assert line["input"] == {"idade": 35, "renda_anual": 85_000.0}
    assert line["prediction"] is answer["comprou_produto"]
    assert line["probability"] == pytest.approx(probability, abs=1e-6)
    assert line["confidence"] == pytest.approx(max(probability, 1 - probability), abs=1e-6)
    assert isinstance(line["response_time_ms"], float) and line["response_time_ms"] >= 0
    assert line["model_version"] == answer["model"]["version"] == trained_model
    assert line["variant"] == answer["model"]["variant"] == "production"
    assert line["prediction_id"] == answer["prediction_id"]
    assert line["request_id"] == request_id == "req-log-line-1"
    assert line["subject"] == SUBJECT
    assert CUSTOMER not in json.dumps(line) and "customer_id" not in line


async def test_inputs_stay_out_of_the_line_when_the_setting_is_off(
    lines: list[dict[str, Any]],
    database_dsn: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
) -> None:
    settings = inference_settings(database_dsn, mlflow_uri, model_name, inference_log_inputs=False)
    answer, _ = await _predict(settings)
    (line,) = [line for line in lines if line.get("event_type") == "prediction"]
    assert not {"input", "idade", "renda_anual"} & line.keys()
    assert line["prediction_id"] == answer["prediction_id"]
