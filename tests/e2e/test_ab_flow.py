"""An A/B test end to end through the gateway: start at 20 %, 10,000 customers, outcomes,
results with a p-value, promotion of the challenger, and the rollback that undoes it."""

import time
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import pytest

from services.training import synthetic
from tests.ab_models import extra_version
from tests.e2e.conftest import ADMIN, RunningStack

pytestmark = pytest.mark.e2e

PATH = "/v1/experiments/ab"
CUSTOMERS = 10_000
BATCH = 1_000
OUTCOMES = 600


def _headers(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _served(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    models: dict[str, Any] = client.get("/v1/models", headers=headers).json()
    return {alias: (m or {}).get("version") for alias, m in models.items()}


def _score_everyone(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    frame = synthetic.generate_customers(CUSTOMERS, seed=77)
    instances = [
        {"idade": int(age), "renda_anual": float(renda), "customer_id": f"ab-{i}"}
        for i, (age, renda) in enumerate(zip(frame["idade"], frame["renda_anual"], strict=True))
    ]
    predictions: list[dict[str, Any]] = []
    for start in range(0, CUSTOMERS, BATCH):
        answer = client.post(
            "/v1/predict/batch",
            json={"instances": instances[start : start + BATCH]},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        predictions += answer.json()["predictions"]
    for instance, prediction in zip(instances, predictions, strict=True):
        prediction["input"] = instance
    return predictions


def _report_outcomes(
    client: httpx.Client, headers: dict[str, str], predictions: list[dict[str, Any]]
) -> None:
    rng = np.random.default_rng(5)
    for prediction in predictions[:OUTCOMES]:
        customer = prediction["input"]
        chance = synthetic.purchase_probability(
            np.array([customer["idade"]]), np.array([customer["renda_anual"]])
        )[0]
        answer = client.post(
            "/v1/feedback",
            json={
                "prediction_id": prediction["prediction_id"],
                "comprou_produto": bool(rng.random() < chance),
            },
            headers=headers,
        )
        assert answer.status_code == 202, answer.text


def test_ab_test_from_start_to_promotion(running_stack: RunningStack, mlflow_uri: str) -> None:
    challenger = extra_version(mlflow_uri, running_stack.model_name)
    with httpx.Client(base_url=running_stack.gateway, timeout=30) as client:
        headers = _headers(client)
        production = _served(client, headers)["production"]

        started = client.put(
            PATH,
            json={"challenger_version": challenger, "traffic": 0.2, "mode": "ab"},
            headers=headers,
        )
        assert started.status_code == 201, started.text
        _until(lambda: _served(client, headers)["challenger"] == challenger, "the challenger")

        predictions = _score_everyone(client, headers)
        variants = [p["model"]["variant"] for p in predictions]
        split = variants.count("challenger") / CUSTOMERS
        assert abs(split - 0.2) <= 0.02, split
        assert {
            p["model"]["version"] for p in predictions if p["model"]["variant"] == "challenger"
        } == {challenger}
        sticky = {
            client.post("/v1/predict", json=predictions[42]["input"], headers=headers).json()[
                "model"
            ]["variant"]
            for _ in range(10)
        }
        assert sticky == {variants[42]}

        _report_outcomes(client, headers, predictions)
        results = client.get(PATH, headers=headers).json()
        by_variant = {v["variant"]: v for v in results["variants"]}
        assert sum(v["predictions"] for v in by_variant.values()) == CUSTOMERS + 10
        assert by_variant["challenger"]["share"] == pytest.approx(split, abs=0.002)
        assert sum(v["outcomes"] for v in by_variant.values()) == OUTCOMES
        accuracy = next(c for c in results["comparisons"] if c["metric"] == "accuracy")
        assert 0.0 <= accuracy["p_value"] <= 1.0
        assert accuracy["ci_low"] <= accuracy["difference"] <= accuracy["ci_high"]
        assert results["recommendation"] in ("promote", "keep", "not_enough_data")

        promoted = client.post(
            f"{PATH}/promote", json={"force": True, "reason": "e2e"}, headers=headers
        )
        assert promoted.status_code == 200, promoted.text
        assert promoted.json()["experiment"]["outcome"] == "promoted"
        _until(
            lambda: _served(client, headers) == {"production": challenger, "challenger": None},
            "the former challenger in production",
        )
        answer = client.post("/v1/predict", json=predictions[0]["input"], headers=headers).json()
        assert answer["model"] == {
            "name": running_stack.model_name,
            "version": challenger,
            "variant": "production",
        }

        rolled_back = client.post(
            "/v1/models/rollback", json={"reason": "e2e undo"}, headers=headers
        )
        assert rolled_back.status_code == 200, rolled_back.text
        _until(lambda: _served(client, headers)["production"] == production, "the rollback")
