"""Drift checks end to end inside the service: real Postgres, MLflow and training service."""

import asyncio
import dataclasses
import uuid
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import numpy as np
import pytest

from ops.devstack import free_port
from services.drift.config import DriftSettings
from services.drift.detector import DriftDetector
from services.drift.performance import PerformanceThresholds
from services.drift.reference import ProductionReference
from services.drift.retraining import TrainingAnswer, TrainingClient
from services.drift.service import CheckPolicy, DriftMonitor, run_check
from shared.repositories import monitoring
from shared.schemas_drift import DriftCheckRequest, WindowRequest
from tests.drift.conftest import DriftModel, Traffic, TrainingService, make_monitor


def _request(
    last_n: int | None = None, *, trigger: bool = True, **window: object
) -> DriftCheckRequest:
    spec = WindowRequest.model_validate({"last_n": last_n, **window})
    return DriftCheckRequest(window=spec, trigger=trigger)


async def test_traffic_like_training_is_no_drift(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService, drift_pool: asyncpg.Pool
) -> None:
    await traffic.serve(2_000, seed=101)
    report = await run_check(monitor=monitor, request=_request(2_000))

    assert report.verdict == "no_drift" and report.action == "none"
    assert report.model_version == traffic.version
    assert report.current_size == 2_000 and report.reference_size >= 3_000
    assert set(report.features) == {"idade", "renda_anual"}
    assert report.prediction is not None and report.prediction.name == "probability"
    for column in [*report.features.values(), report.prediction]:
        assert column.test == "ks" and not column.drifted
        assert column.p_value is not None and column.effect_size is not None
        assert column.p_threshold == pytest.approx(0.05 / 3)
    assert report.performance.status == "insufficient_data" and report.performance.labelled == 0
    stored = await drift_pool.fetchrow("SELECT * FROM drift_reports WHERE id = $1", report.id)
    assert stored is not None
    assert stored["verdict"] == "no_drift" and stored["current_size"] == 2_000
    assert stored["features"]["renda_anual"]["p_value"] == report.features["renda_anual"].p_value
    assert await training.jobs() == []


async def test_shifted_incomes_drift_and_start_training(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    await traffic.serve(2_000, seed=102, income_factor=1.8)
    report = await run_check(monitor=monitor, request=_request(2_000))

    assert report.verdict == "drift"
    assert [name for name, c in report.features.items() if c.drifted] == ["renda_anual"]
    assert (report.features["renda_anual"].effect_size or 0.0) > 0.1
    assert report.action == "training_requested"
    jobs = await training.jobs()
    assert len(jobs) == 1
    assert str(jobs[0]["id"]) == report.details["training"]["job_id"]
    assert jobs[0]["requested_by"] == "drift"
    assert "drift on renda_anual" in jobs[0]["reason"]
    assert report.details["reason"].startswith(jobs[0]["reason"][:100])


async def test_second_check_inside_cooldown_starts_nothing(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    await traffic.serve(2_000, seed=103, income_factor=1.8)
    first = await run_check(monitor=monitor, request=_request(2_000))
    await training.settle()  # the job has ended: only the cooldown can refuse
    second = await run_check(monitor=monitor, request=_request(2_000))

    assert (first.action, second.action) == ("training_requested", "cooldown")
    assert second.verdict == "drift"
    assert 0 < second.details["cooldown_remaining_s"] <= monitor.policy.cooldown_s
    assert len(await training.jobs()) == 1


async def test_after_the_cooldown_training_is_asked_again(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    monitor = make_monitor(
        drift_pool,
        mlflow_uri=mlflow_uri,
        model_name=drift_model.name,
        training_client=training.client,
        cooldown_s=0.0,
    )
    await traffic.serve(1_000, seed=104, income_factor=1.8)
    first = await run_check(monitor=monitor, request=_request(1_000))
    await training.settle()
    second = await run_check(monitor=monitor, request=_request(1_000))
    assert (first.action, second.action) == ("training_requested", "training_requested")
    assert len(await training.jobs()) == 2


async def test_busy_training_is_recorded_with_its_job(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    running = uuid.uuid4()
    await training.pool.execute(
        "INSERT INTO training_jobs (id, status, reason) VALUES ($1, 'running', 'manual')", running
    )
    await traffic.serve(1_000, seed=105, income_factor=1.8)
    report = await run_check(monitor=monitor, request=_request(1_000))

    assert report.verdict == "drift" and report.action == "training_busy"
    assert report.details["training"]["job_id"] == str(running)
    assert [job["id"] for job in await training.jobs()] == [running]
    # Busy is not a request: the next check may ask again at once.
    await training.pool.execute("UPDATE training_jobs SET status = 'succeeded'")
    again = await run_check(monitor=monitor, request=_request(1_000))
    assert again.action == "training_requested"


async def test_unreachable_training_is_recorded_not_raised(
    drift_pool: asyncpg.Pool, mlflow_uri: str, drift_model: DriftModel, traffic: Traffic
) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        monitor = make_monitor(
            drift_pool,
            mlflow_uri=mlflow_uri,
            model_name=drift_model.name,
            training_client=client,
            training_url=f"http://127.0.0.1:{free_port()}",
        )
        await traffic.serve(1_000, seed=106, income_factor=1.8)
        report = await run_check(monitor=monitor, request=_request(1_000))
    assert report.verdict == "drift" and report.action == "training_unavailable"
    assert report.details["training"]["error"] == "ConnectError"
    # Unavailable is not a request either: no cooldown starts.
    assert await drift_pool.fetchval("SELECT count(*) FROM drift_reports") == 1


async def test_too_few_predictions_is_insufficient_data(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    await traffic.serve(150, seed=107, income_factor=3.0)
    report = await run_check(monitor=monitor, request=_request(1_000))

    assert report.verdict == "insufficient_data" and report.action == "none"
    assert report.current_size == 150
    for column in [*report.features.values(), report.prediction]:
        assert column is not None and column.verdict == "insufficient_data"
        assert column.p_value is None and column.statistic is None
    assert await training.jobs() == []


async def test_wrong_decisions_in_feedback_are_degraded(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    rows = await traffic.serve(1_000, seed=108)
    # Outcomes contradict every third decision: accuracy 2/3, below the 0.85 floor.
    outcomes = [row.label != (i % 3 == 0) for i, row in enumerate(rows)]
    await traffic.feedback(rows[:600], outcomes[:600])
    report = await run_check(monitor=monitor, request=_request(1_000))

    expected = np.mean([o == r.label for r, o in zip(rows[:600], outcomes[:600], strict=True)])
    assert report.performance.labelled == 600
    assert report.performance.accuracy == pytest.approx(expected)
    assert report.performance.status == "degraded"
    assert report.performance.roc_auc is not None and 0 < report.performance.roc_auc < 1
    assert report.verdict == "degraded" and report.action == "training_requested"
    assert "live accuracy 0.667 < 0.85" in (await training.jobs())[0]["reason"]


async def test_right_decisions_in_feedback_are_ok(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    rows = await traffic.serve(1_000, seed=109)
    await traffic.feedback(rows, [row.label for row in rows])
    report = await run_check(monitor=monitor, request=_request(1_000))
    assert report.performance.status == "ok" and report.performance.accuracy == 1.0
    assert report.performance.roc_auc == 1.0
    assert report.verdict == "no_drift"


async def test_report_only_check_does_not_act(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    await traffic.serve(1_000, seed=110, income_factor=1.8)
    report = await run_check(monitor=monitor, request=_request(1_000, trigger=False))
    assert report.verdict == "drift" and report.action == "none"
    assert await training.jobs() == []


async def test_no_production_model_has_no_reference(
    drift_pool: asyncpg.Pool, mlflow_uri: str, training: TrainingService
) -> None:
    monitor = make_monitor(
        drift_pool,
        mlflow_uri=mlflow_uri,
        model_name=f"never-registered-{uuid.uuid4().hex[:8]}",
        training_client=training.client,
    )
    report = await run_check(monitor=monitor, request=DriftCheckRequest())
    assert report.model_version is None and report.current_size == 0
    assert (report.verdict, report.action) == ("insufficient_data", "no_reference")
    assert report.details["reference_problem"] == "no model version is in production"


async def test_window_keeps_served_rows_of_the_version_only(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService, drift_pool: asyncpg.Pool
) -> None:
    now = datetime.now(UTC)
    old = await traffic.serve(300, seed=111, end=now - timedelta(hours=2))
    recent = await traffic.serve(400, seed=112, end=now - timedelta(minutes=1))
    await traffic.serve(500, seed=113, shadow=True)
    await traffic.serve(500, seed=114, model_version="other")

    since = await run_check(monitor=monitor, request=_request(since=now - timedelta(hours=1)))
    assert since.current_size == 400
    assert since.window.start == recent[0].created_at and since.window.end == recent[-1].created_at
    newest = await run_check(monitor=monitor, request=_request(350))
    assert newest.current_size == 350 and newest.window.end == recent[-1].created_at
    everything = await run_check(monitor=monitor, request=_request(10_000))
    assert everything.current_size == 700 and everything.window.start == old[0].created_at


async def test_windows_are_capped_and_default_to_the_policy(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    monitor = make_monitor(
        drift_pool,
        mlflow_uri=mlflow_uri,
        model_name=drift_model.name,
        training_client=training.client,
        window_last_n=250,
        window_since_s=3600.0,
        max_window_rows=300,
    )
    await traffic.serve(500, seed=115)
    default = await run_check(monitor=monitor, request=DriftCheckRequest())
    assert default.current_size == 250 and default.window.last_n == 250
    assert default.window.since is not None
    capped = await run_check(monitor=monitor, request=_request(100_000))
    assert capped.current_size == 300 and capped.window.last_n == 300


async def test_replicas_checking_together_trigger_once(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    replicas = [
        make_monitor(
            drift_pool,
            mlflow_uri=mlflow_uri,
            model_name=drift_model.name,
            training_client=training.client,
        )
        for _ in range(3)
    ]
    await traffic.serve(1_000, seed=116, income_factor=1.8)
    reports = await asyncio.gather(
        *(run_check(monitor=m, request=_request(1_000)) for m in replicas)
    )
    assert sorted(r.action for r in reports) == ["cooldown", "cooldown", "training_requested"]
    assert len(await training.jobs()) == 1


async def test_window_read_goes_through_the_index(
    drift_pool: asyncpg.Pool, traffic: Traffic
) -> None:
    # The window's version is older than the rest of the log (as after a rollback): only the
    # (model_name, model_version, created_at) index reaches it without reading the rest.
    await traffic.serve(300, seed=118, end=datetime.now(UTC) - timedelta(days=30))
    await traffic.serve(5_000, seed=117, model_version="newer")
    await drift_pool.execute("ANALYZE predictions")
    spec = monitoring.WindowSpec(
        model_name=traffic.model_name,
        model_version=traffic.version,
        until=datetime.now(UTC),
        last_n=1_000,
    )
    plan = await monitoring.explain_window(drift_pool, spec)
    assert "predictions_model_created_idx" in plan and "Seq Scan" not in plan
    window = await monitoring.read_window(drift_pool, spec)
    assert window.size == 300


def test_binary_decoder_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="not a binary COPY"):
        monitoring._decode(b"idade,renda\n", ("int4",))
    header = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
    # One row whose only field is NULL (length -1): not the fixed width expected.
    null_row = (1).to_bytes(2, "big") + (-1).to_bytes(4, "big", signed=True)
    with pytest.raises(ValueError):
        monitoring._decode(header + null_row + b"\xff\xff", ("int4",))
    wrong_width = (1).to_bytes(2, "big") + (8).to_bytes(4, "big") + bytes(4)
    with pytest.raises(ValueError, match="expected columns"):
        monitoring._decode(header + wrong_width + b"\xff\xff", ("int4",))


@dataclasses.dataclass(frozen=True)
class _FixedReference:
    reference: ProductionReference

    async def production(self) -> ProductionReference:
        return self.reference


async def test_a_version_without_sample_still_scores_feedback(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    problem = "run r1 has no reference/reference.csv"
    bare = ProductionReference(traffic.model_name, traffic.version, None, problem=problem)
    blind = dataclasses.replace(monitor, references=_FixedReference(bare))
    rows = await traffic.serve(400, seed=119)
    first = await run_check(monitor=blind, request=_request(400))
    assert (first.verdict, first.action) == ("insufficient_data", "no_reference")
    assert first.current_size == 400 and first.features == {} and first.prediction is None
    assert first.details["reference_problem"] == problem

    await traffic.feedback(rows, [not row.label for row in rows])
    second = await run_check(monitor=blind, request=_request(400))
    assert (second.verdict, second.action) == ("degraded", "training_requested")
    assert second.performance.accuracy == 0.0


async def _answer_with(status: int, content: bytes) -> TrainingAnswer:
    async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": content})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        return await TrainingClient(client, "http://training.test").request_job(reason="r")


@pytest.mark.parametrize(
    ("status", "content", "error"),
    [
        (500, b'{"error": {"type": "internal_error"}}', "internal_error"),
        (202, b"not json", "unexpected answer"),
        (202, b'["job"]', "unexpected answer"),
        (422, b'{"error": "flat"}', "unexpected answer"),
    ],
)
async def test_unusable_training_answers_are_unavailable(
    status: int, content: bytes, error: str
) -> None:
    answer = await _answer_with(status, content)
    assert answer == TrainingAnswer("training_unavailable", status_code=status, error=error)


async def test_busy_answer_without_details_still_counts_as_busy() -> None:
    answer = await _answer_with(409, b'{"error": {"type": "training_in_progress"}}')
    assert answer.to_dict() == {
        "action": "training_busy",
        "status_code": 409,
        "error": "training_in_progress",
    }


def test_policy_comes_from_settings_and_the_default_window_fits_the_cap() -> None:
    settings = DriftSettings(
        drift_window_last_n=500,
        drift_window_since_s=60,
        drift_max_window_rows=800,
        drift_accuracy_floor=0.9,
        drift_min_labelled=50,
        drift_cooldown_s=5,
    )
    assert CheckPolicy.from_settings(settings) == CheckPolicy(
        window_last_n=500,
        window_since_s=60,
        max_window_rows=800,
        performance=PerformanceThresholds(accuracy_floor=0.9, min_labelled=50),
        cooldown_s=5,
    )
    with pytest.raises(ValueError, match="DRIFT_WINDOW_LAST_N"):
        DriftSettings(drift_window_last_n=2_000, drift_max_window_rows=1_000)


async def test_a_constant_reference_column_gives_a_readable_reason(
    monitor: DriftMonitor, traffic: Traffic, training: TrainingService
) -> None:
    rng = np.random.default_rng(5)
    constant_age = DriftDetector(
        {
            "idade": np.full(500, 40),
            "renda_anual": rng.lognormal(10.5, 0.7, 500),
            "probability": rng.random(500),
        }
    )
    reference = ProductionReference(traffic.model_name, traffic.version, constant_age, size=500)
    fixed = dataclasses.replace(monitor, references=_FixedReference(reference))
    await traffic.serve(500, seed=120)
    report = await run_check(monitor=fixed, request=_request(500))
    assert report.features["idade"].drifted and report.features["idade"].effect_size is None
    assert report.action == "training_requested"
    assert "drift on idade (ks p=" in report.details["reason"]
    assert "normalised_wasserstein inf > 0.1" in report.details["reason"]
