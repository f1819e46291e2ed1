"""A new user's path through the gateway: upload a messy CSV, train, watch the version swap in
without a failed request, roll back, and see the old version answer again."""

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared import registry
from tests.e2e.conftest import ADMIN, RunningStack

pytestmark = pytest.mark.e2e

MESSY_CSV = Path(__file__).parents[2] / "examples" / "customers_messy.csv"
STAGES = ["queued", "extract", "validate", "train", "evaluate", "register", "promote", "done"]


class PredictionLoad:
    """Scores customers through the gateway in a loop and counts every answer by status."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url, token
        self.statuses: Counter[int] = Counter()
        self.versions: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base_url, timeout=10, headers=headers) as client:
            while not self._stop.is_set():
                answer = client.post("/v1/predict", json={"idade": 41, "renda_anual": 52_000.0})
                self.statuses[answer.status_code] += 1
                if answer.status_code == 200:
                    self.versions[answer.json()["model"]["version"]] += 1

    def __enter__(self) -> "PredictionLoad":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)


def _admin(client: httpx.Client) -> dict[str, str]:
    form = {"username": ADMIN[0], "password": ADMIN[1], "scope": "admin predict"}
    answer = client.post("/auth/token", data=form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _start_job(client: httpx.Client, headers: dict[str, str]) -> str:
    deadline = time.monotonic() + 120
    while True:
        answer = client.post("/v1/training/jobs", json={"reason": "e2e"}, headers=headers)
        if answer.status_code == 202:
            return str(answer.json()["job_id"])
        # Another test's job (drift may ask for one) must end first: wait for it, then retry.
        assert answer.status_code == 409 and time.monotonic() < deadline, answer.text
        _follow(client, headers, answer.json()["error"]["details"]["job_id"])


def _follow(client: httpx.Client, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    seen: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/training/jobs/{job_id}", headers=headers).json()
        if not seen or seen[-1] != job["stage"]:
            seen.append(job["stage"])
        if job["status"] in ("succeeded", "failed"):
            return job | {"seen": seen}
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still running; stages {seen}")


def _wait_for_version(client: httpx.Client, headers: dict[str, str], version: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        served = client.get("/v1/models", headers=headers).json()["production"]
        answer = client.post("/v1/predict", json={"idade": 30, "renda_anual": 1.0}, headers=headers)
        if served["version"] == version and answer.json()["model"]["version"] == version:
            return
        time.sleep(0.2)
    raise AssertionError(f"inference did not switch to version {version}")


def test_messy_csv_to_a_served_model_and_back(running_stack: RunningStack, mlflow_uri: str) -> None:
    inference = running_stack.stack.children["inference"].process
    assert inference is not None
    inference_pid = inference.pid
    with httpx.Client(base_url=running_stack.gateway, timeout=60) as client:
        headers = _admin(client)
        before = client.get("/v1/models", headers=headers).json()["production"]["version"]

        with MESSY_CSV.open("rb") as upload:
            report = client.post(
                "/v1/features/csv", content=upload, headers={**headers, "Content-Type": "text/csv"}
            ).json()
        assert report["received"] == report["accepted"] + report["rejected"] == 5_000
        assert 4_500 < report["accepted"] and report["rejected"] > 100
        reasons = " | ".join(item["reason"] for item in report["rejections"])
        assert "is outside 18..100" in reasons and "renda_anual is missing" in reasons

        wrong = client.post(
            "/v1/features/csv",
            content=b"age,income,bought\n" + b"35,1000,1\n" * 300_000,
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert wrong.status_code == 422 and wrong.json()["error"]["type"] == "invalid_csv_header"

        job = _follow(client, headers, _start_job(client, headers))
        assert job["status"] == "succeeded", job
        assert job["seen"] == sorted(job["seen"], key=STAGES.index) and job["seen"][-1] == "done"
        version = job["model_version"]
        _check_registry(mlflow_uri, running_stack.model_name, version, job["mlflow_run_id"])

        with PredictionLoad(running_stack.gateway, headers["Authorization"][7:]) as load:
            if not job["promoted"]:
                # The gate kept the old model; the operator promotes on purpose, recorded.
                forced = client.post(
                    f"/v1/models/{version}/promote",
                    json={"force": True, "reason": "e2e: serve the new data"},
                    headers=headers,
                )
                assert forced.status_code == 200, forced.text
            _wait_for_version(client, headers, version)
            back = client.post("/v1/models/rollback", json={"reason": "e2e"}, headers=headers)
            assert back.status_code == 200, back.text
            assert back.json()["version"] == before
            _wait_for_version(client, headers, before)
    assert load.statuses[200] > 0 and set(load.statuses) == {200}, load.statuses
    assert {before, version} <= set(load.versions)
    assert inference.poll() is None and inference.pid == inference_pid  # never restarted


def _check_registry(mlflow_uri: str, name: str, version: str, run_id: str) -> None:
    client = registry.client(mlflow_uri)
    registered = client.get_model_version(name, version)
    assert registered.run_id == run_id
    run = client.get_run(run_id)
    assert run.data.params["data_rows"] == str(int(run.data.params["data_rows"]))
    assert run.data.metrics["holdout_accuracy"] > 0.8
    artifacts = {item.path for item in client.list_artifacts(run_id, "reports")}
    assert {"reports/data_quality.json", "reports/fairness.json"} <= artifacts
    assert [item.path for item in client.list_artifacts(run_id, "reference")] == [
        "reference/reference.csv"
    ]
