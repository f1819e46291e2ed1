"""On the running stack: a raw customer id goes no further than the gateway, access and erasure
requests work through it, and the audit log says who did what."""

import asyncio
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pandas as pd
import pytest

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from shared.pseudonym import PseudonymKeys
from shared.registry import REFERENCE_ARTIFACT, production_version, read_run_artifact
from tests.conftest import scratch_database
from tests.stacks import stack_env

ADMIN = ("privacy-admin", "privacy-admin-password")
PSEUDONYM_KEY = "privacy-pseudonym-key-0123456789abcdef0123456789"
# Distinctive strings, so finding one anywhere cannot be a coincidence.
CUSTOMER = "cust-RAW-7d1f3a-maria"
OTHER = "cust-RAW-22b9c4-joao"
KEYS = PseudonymKeys.from_settings(key=PSEUDONYM_KEY, version="v1")


@dataclass
class PrivacyStack:
    url: str
    dsn: str
    logs: Path


@pytest.fixture(scope="module")
def privacy_stack(
    pg_admin_dsn: str,
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PrivacyStack]:
    """The four services as processes on their own database, logging to their own folder."""
    logs = tmp_path_factory.mktemp("privacy-logs")
    with scratch_database(pg_admin_dsn, "privacy") as dsn:
        stack = ServiceStack(
            env=stack_env(
                dsn=dsn,
                redis_url=redis_url,
                mlflow_uri=mlflow_uri,
                model_name=model_name,
                jwt_secret="privacy-jwt-secret-0123456789abcdef0123456789",
                admin=ADMIN,
                label="privacy",
                PSEUDONYM_KEY=PSEUDONYM_KEY,
                LOG_LEVEL="DEBUG",
            ),
            ports={name: free_port() for name in START_ORDER},
            log_dir=logs,
        )
        stack.start()
        try:
            yield PrivacyStack(stack.url("gateway"), dsn, logs)
        finally:
            stack.stop()


def _admin(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _dump(dsn: str) -> str:
    """Every row of every table in the database, as text."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        parts: list[str] = []
        for record in tables:
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{record["table_name"]}" t')
            parts.extend(f"{record['table_name']}: {row['row']}" for row in rows)
        return "\n".join(parts)
    finally:
        await conn.close()


def _dump_now(dsn: str) -> str:
    return asyncio.run(_dump(dsn))


def _send_feedback(client: httpx.Client, auth: dict[str, str], prediction_id: str) -> None:
    body = {"prediction_id": prediction_id, "comprou_produto": True}
    deadline = time.monotonic() + 10
    while True:  # predictions reach Postgres within ~0.2 s; until then the answer is 404
        answer = client.post("/v1/feedback", json=body, headers=auth)
        if answer.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert answer.status_code == 202, answer.text


@pytest.fixture(scope="module")
def served(privacy_stack: PrivacyStack) -> dict[str, Any]:
    """Traffic for two customers: single and batch predictions, an outcome, an ingest."""
    with httpx.Client(base_url=privacy_stack.url, timeout=20) as client:
        refused = client.post("/auth/token", data={"username": ADMIN[0], "password": "wrong"})
        assert refused.status_code == 401
        auth = _admin(client)
        single = client.post(
            "/v1/predict",
            json={"idade": 41, "renda_anual": 72_000.0, "customer_id": CUSTOMER},
            headers=auth,
        )
        assert single.status_code == 200, single.text
        batch = client.post(
            "/v1/predict/batch",
            json={
                "instances": [
                    {"idade": 33, "renda_anual": 41_000.0, "customer_id": OTHER},
                    {"idade": 42, "renda_anual": 73_000.0, "customer_id": CUSTOMER},
                    {"idade": 50, "renda_anual": 90_000.0},
                ]
            },
            headers=auth,
        )
        assert batch.status_code == 200, batch.text
        _send_feedback(client, auth, single.json()["prediction_id"])
        ingest = client.post(
            "/v1/features",
            json={"rows": [{"idade": 30, "renda_anual": 5_000.0, "comprou_produto": 0}]},
            headers=auth,
        )
        assert ingest.status_code == 200, ingest.text
        export = client.get(f"/v1/customers/{CUSTOMER}/data", headers=auth)
        assert export.status_code == 200, export.text
    return {"export": export.json(), "dump": _dump_now(privacy_stack.dsn)}


def test_a_raw_customer_id_reaches_no_table_and_no_log(
    privacy_stack: PrivacyStack, served: dict[str, Any]
) -> None:
    dump = served["dump"]
    for raw in (CUSTOMER, OTHER):
        assert raw not in dump
        assert KEYS.pseudonym(raw) in dump  # stored, in pseudonym form only
    logs = {path.name: path.read_text(errors="replace") for path in privacy_stack.logs.iterdir()}
    assert {"gateway.log", "inference.log", "training.log", "drift.log"} <= logs.keys()
    assert any("prediction" in text for text in logs.values())  # the logs are not empty
    for name, text in logs.items():
        assert CUSTOMER not in text and OTHER not in text, name


def test_the_access_export_holds_everything_stored_about_the_customer(
    served: dict[str, Any],
) -> None:
    export = served["export"]
    assert export["key_versions"] == ["v1"]
    predictions = export["predictions"]
    assert sorted(p["idade"] for p in predictions) == [41, 42]
    assert {p["customer_id"] for p in predictions} == {KEYS.pseudonym(CUSTOMER)}
    assert all(p["model_name"] and p["model_version"] and p["variant"] for p in predictions)
    assert [f["comprou_produto"] for f in export["feedback"]] == [True]
    [row] = export["labelled_rows"]
    assert (row["idade"], row["comprou_produto"], row["source"]) == (41, True, "feedback")


def test_erasure_removes_exactly_that_customers_rows_and_is_audited(
    privacy_stack: PrivacyStack, served: dict[str, Any]
) -> None:
    before = served["dump"]
    with httpx.Client(base_url=privacy_stack.url, timeout=20) as client:
        auth = _admin(client)
        erased = client.delete(f"/v1/customers/{CUSTOMER}", headers=auth)
        assert erased.status_code == 200, erased.text
        assert erased.json() == {"deleted": {"predictions": 2, "feedback": 1, "features": 1}}
        after_export = client.get(f"/v1/customers/{CUSTOMER}/data", headers=auth).json()
        again = client.delete(f"/v1/customers/{CUSTOMER}", headers=auth).json()
        audit = client.get(
            "/v1/audit/events", params={"action": "customer.erase", "limit": 10}, headers=auth
        )
    after = _dump_now(privacy_stack.dsn)
    assert KEYS.pseudonym(CUSTOMER) not in after  # nowhere in Postgres, audit log included
    assert KEYS.pseudonym(OTHER) in after  # the other customer is untouched
    lines_before = [line for line in before.splitlines() if line.startswith("predictions:")]
    lines_after = [line for line in after.splitlines() if line.startswith("predictions:")]
    assert len(lines_before) - len(lines_after) == 2
    assert (after_export["predictions"], after_export["feedback"]) == ([], [])
    assert again == {"deleted": {"predictions": 0, "feedback": 0, "features": 0}}
    assert audit.status_code == 200, audit.text
    first = audit.json()["events"][-1]
    assert (first["actor"], first["actor_type"], first["outcome"]) == (ADMIN[0], "user", "success")
    assert first["details"]["deleted"] == {"predictions": 2, "feedback": 1, "features": 1}
    assert first["request_id"]


def test_the_audit_log_records_who_did_what(
    privacy_stack: PrivacyStack, served: dict[str, Any]
) -> None:
    created = subprocess.run(
        [sys.executable, "-m", "services.gateway.users", "audited-bob", "--scopes", "predict"],
        input="bob-password-123\n",
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": privacy_stack.dsn},
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    with httpx.Client(base_url=privacy_stack.url, timeout=20) as client:
        auth = _admin(client)
        disabled = client.post("/v1/users/audited-bob/disable", headers=auth)
        assert disabled.status_code == 200, disabled.text
        events = client.get("/v1/audit/events", params={"limit": 1000}, headers=auth).json()
        mine = client.get(
            "/v1/audit/events", params={"actor": ADMIN[0], "action": "auth.*"}, headers=auth
        ).json()
        denied = client.get(
            "/v1/audit/events", headers={"Authorization": auth["Authorization"] + "x"}
        )
    actions = {(e["action"], e["outcome"]) for e in events["events"]}
    assert {
        ("auth.sign_in", "failure"),
        ("auth.sign_in", "success"),
        ("user.create", "success"),
        ("user.save", "success"),
        ("user.disable", "success"),
        ("feedback.record", "success"),
        ("features.ingest", "success"),
        ("customer.export", "success"),
    } <= actions
    change = next(e for e in events["events"] if e["action"] == "user.disable")
    assert (change["actor"], change["object_id"]) == (ADMIN[0], "audited-bob")
    assert mine["events"] and {e["action"] for e in mine["events"]} == {"auth.sign_in"}
    ingest = next(e for e in events["events"] if e["action"] == "features.ingest")
    assert ingest["actor"] == ADMIN[0] and ingest["details"]["accepted"] == 1
    feedback = next(e for e in events["events"] if e["action"] == "feedback.record")
    assert feedback["actor"] != ADMIN[0] and feedback["actor_type"] == "user"  # a pseudonym
    assert denied.status_code == 401


def test_mlflow_reference_samples_hold_no_ids(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    version = production_version(mlflow_uri, name=model_name)
    assert version is not None and version.run_id
    raw = read_run_artifact(mlflow_uri, run_id=version.run_id, path=REFERENCE_ARTIFACT)
    sample = pd.read_csv(io.BytesIO(raw))
    assert len(sample) > 1_000
    # Inputs and the model's output only: no customer id, caller pseudonym or prediction id.
    assert set(sample.columns) == {"idade", "renda_anual", "probability"}
