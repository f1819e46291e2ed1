"""Public ingest, training and promotion routes: scopes, streaming limits, relayed answers."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import asyncpg
import httpx
import pytest

from ops import devstack
from services.gateway.dependencies import get_training
from services.gateway.main import create_app as create_gateway
from services.gateway.upstream import Upstream
from services.training.main import create_app as create_training
from shared.repositories import model_events
from tests.asgi import serve
from tests.conftest import emptied_pool, scratch_database
from tests.gateway.conftest import ADMIN, Gateway, gateway_settings
from tests.training.conftest import register_version, training_settings

TRAINING = "http://training.internal"
HEADER = b"idade,renda_anual,comprou_produto\n"


@pytest.fixture(scope="module")
def upstream_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """The training app's own database: these tests write features the main one must not see."""
    with scratch_database(pg_admin_dsn, "gateway_training") as dsn:
        yield dsn


@pytest.fixture
async def upstream_pool(upstream_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    async with emptied_pool(upstream_dsn, "features", "training_jobs", "model_events") as pool:
        yield pool


@contextlib.asynccontextmanager
async def _stack(
    database_dsn: str, upstream_dsn: str, mlflow_uri: str, name: str, **overrides: Any
) -> AsyncIterator[Gateway]:
    training = create_training(training_settings(upstream_dsn, mlflow_uri, name))
    async with serve(training, TRAINING) as training_client:
        gateway = create_gateway(gateway_settings(database_dsn, None, **overrides))
        gateway.dependency_overrides[get_training] = lambda: Upstream(
            "training", TRAINING, training_client._transport, gateway.state.credentials
        )
        async with serve(gateway) as client:
            yield Gateway(client, gateway.state.settings)


async def _chunks(body: bytes, size: int = 700) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _feature_count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM features"))


async def test_ingest_needs_admin_and_answers_a_report(
    db_pool: object,
    database_dsn: str,
    upstream_dsn: str,
    upstream_pool: asyncpg.Pool,
    mlflow_uri: str,
) -> None:
    async with _stack(database_dsn, upstream_dsn, mlflow_uri, "unused") as gateway:
        rows = {"rows": [{"idade": 35, "renda_anual": 1000, "comprou_produto": "sim"}]}
        anonymous = await gateway.client.post("/v1/features", json=rows)
        assert anonymous.status_code == 401
        predict_only = await gateway.client.post(
            "/v1/features", json=rows, headers=await gateway.auth("predict")
        )
        assert predict_only.status_code == 403
        admin = await gateway.auth("admin")
        answer = await gateway.client.post("/v1/features", json=rows, headers=admin)
        assert answer.status_code == 200, answer.text
        assert (answer.json()["accepted"], answer.json()["rejected"]) == (1, 0)

        body = (
            HEADER
            + b"".join(
                b"%d,%d.5,%s\n" % (20 + i % 70, 900 * i, b"01"[i % 2 : i % 2 + 1])
                for i in range(300)
            )
            + b"17,1000,1\n"
        )
        streamed = await gateway.client.post(
            "/v1/features/csv",
            content=_chunks(body),
            headers={**admin, "Content-Type": "text/csv; charset=utf-8"},
        )
        assert streamed.status_code == 200, streamed.text
        report = streamed.json()
        assert (report["received"], report["accepted"], report["rejected"]) == (301, 300, 1)
        assert report["rejections"] == [{"line": 302, "reason": "idade 17 is outside 18..100"}]
    assert await _feature_count(upstream_pool) == 301


async def test_csv_refusals_write_nothing(
    db_pool: object,
    database_dsn: str,
    upstream_dsn: str,
    upstream_pool: asyncpg.Pool,
    mlflow_uri: str,
) -> None:
    async with _stack(
        database_dsn, upstream_dsn, mlflow_uri, "unused", max_csv_bytes=2_048
    ) as gateway:
        headers = {**await gateway.auth("admin"), "Content-Type": "text/csv"}
        big = HEADER + b"35,1000,1\n" * 300
        declared = await gateway.client.post("/v1/features/csv", content=big, headers=headers)
        assert declared.status_code == 413
        assert declared.json()["error"]["type"] == "csv_too_large"
        streamed = await gateway.client.post(
            "/v1/features/csv", content=_chunks(big), headers=headers
        )
        assert streamed.status_code == 413
        assert streamed.json()["error"]["type"] == "csv_too_large"
        header = await gateway.client.post(
            "/v1/features/csv", content=b"age,income\n35,1000\n", headers=headers
        )
        assert header.status_code == 422
        assert header.json()["error"]["type"] == "invalid_csv_header"
        assert header.json()["error"]["details"]["missing"] == [
            "idade",
            "renda_anual",
            "comprou_produto",
        ]
        json_body = await gateway.client.post(
            "/v1/features/csv",
            content=b"{}",
            headers={**headers, "Content-Type": "application/json"},
        )
        assert json_body.status_code == 415
        assert json_body.json()["error"]["type"] == "unsupported_media_type"
    assert await _feature_count(upstream_pool) == 0


async def test_jobs_are_started_followed_and_one_at_a_time(
    db_pool: object,
    database_dsn: str,
    upstream_dsn: str,
    upstream_pool: asyncpg.Pool,
    mlflow_uri: str,
    model_name: str,
) -> None:
    name = f"{model_name}-gateway-{uuid.uuid4().hex[:6]}"
    async with _stack(database_dsn, upstream_dsn, mlflow_uri, name) as gateway:
        admin = await gateway.auth("admin")
        started = await gateway.client.post(
            "/v1/training/jobs", json={"reason": "from the gateway"}, headers=admin
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        assert started.headers["Location"] == f"/v1/training/jobs/{job_id}"
        busy = await gateway.client.post("/v1/training/jobs", headers=admin)
        assert busy.status_code == 409
        assert busy.json()["error"]["details"] == {"job_id": job_id}
        spoofed = await gateway.client.post(
            "/v1/training/jobs", json={"requested_by": "someone else"}, headers=admin
        )
        assert spoofed.status_code == 422  # the caller's identity comes from the token

        job = (await gateway.client.get(f"/v1/training/jobs/{job_id}", headers=admin)).json()
        assert job["requested_by"] == ADMIN[0] and job["reason"] == "from the gateway"
        listed = await gateway.client.get("/v1/training/jobs?limit=1", headers=admin)
        assert [j["job_id"] for j in listed.json()["jobs"]] == [job_id]
        missing = await gateway.client.get(f"/v1/training/jobs/{uuid.uuid4()}", headers=admin)
        assert missing.status_code == 404
        assert (await gateway.client.get("/v1/training/jobs/x", headers=admin)).status_code == 422
        page = await gateway.client.get(f"/v1/training/jobs/{job_id}.html", headers=admin)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f"<title>Training job {job_id}</title>" in page.text
        absent = await gateway.client.get(f"/v1/training/jobs/{uuid.uuid4()}.html", headers=admin)
        assert absent.status_code == 404 and absent.json()["error"]["type"]
        assert (await gateway.client.get(f"/v1/training/jobs/{job_id}.html")).status_code == 401


async def test_promote_and_rollback_record_the_caller(
    db_pool: object,
    database_dsn: str,
    upstream_dsn: str,
    upstream_pool: asyncpg.Pool,
    mlflow_uri: str,
    model_name: str,
) -> None:
    name = f"{model_name}-gateway-{uuid.uuid4().hex[:6]}"
    first, second = await anyio.to_thread.run_sync(
        lambda: (
            register_version(mlflow_uri, name, seed=1, rows=500),
            register_version(mlflow_uri, name, seed=2, rows=500),
        )
    )
    async with _stack(database_dsn, upstream_dsn, mlflow_uri, name) as gateway:
        admin = await gateway.auth("admin")
        nothing = await gateway.client.post("/v1/models/rollback", headers=admin)
        assert nothing.status_code == 409
        assert nothing.json()["error"]["type"] == "no_previous_version"
        for version in (first, second):
            promoted = await gateway.client.post(
                f"/v1/models/{version}/promote",
                json={"force": True, "reason": "drill"},
                headers=admin,
            )
            assert promoted.status_code == 200, promoted.text
        assert promoted.json()["previous_version"] == first
        back = await gateway.client.post(
            "/v1/models/rollback", json={"reason": "drill over"}, headers=admin
        )
        assert back.status_code == 200, back.text
        assert (back.json()["version"], back.json()["reason"]) == (first, "drill over")
        missing = await gateway.client.post("/v1/models/999/promote", headers=admin)
        assert missing.status_code == 404
        bad = await gateway.client.post("/v1/models/v1/promote", headers=admin)
        assert bad.status_code == 422
    events = await model_events.list_events(upstream_pool, model_name=name)
    assert [(e.action, e.to_version, e.actor) for e in events] == [
        ("rollback", first, ADMIN[0]),
        ("promote", second, ADMIN[0]),
        ("promote", first, ADMIN[0]),
    ]
    assert events[1].forced and events[1].reason == f"forced by {ADMIN[0]}: drill"


async def test_training_down_is_503(db_pool: object, database_dsn: str) -> None:
    gateway = create_gateway(gateway_settings(database_dsn, None))
    async with httpx.AsyncClient() as closed, serve(gateway) as client:
        port = devstack.free_port()
        gateway.dependency_overrides[get_training] = lambda: Upstream(
            "training", f"http://127.0.0.1:{port}", closed._transport, gateway.state.credentials
        )
        session = Gateway(client, gateway.state.settings)
        answer = await client.post("/v1/training/jobs", headers=await session.auth("admin"))
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "upstream_unavailable"
