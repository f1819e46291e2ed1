"""A drift report's page in headless Chromium: charts drawn, figures equal to the JSON report."""

import anyio
import asyncpg
import httpx
import pytest

from services.drift.main import create_app
from services.drift.service import DriftMonitor, run_check
from shared.schemas_drift import DriftCheckRequest, DriftReport, WindowRequest
from tests.asgi import serve
from tests.drift.conftest import DriftModel, Traffic, TrainingService
from tests.drift.test_router import drift_settings
from tests.report_pages import chart_marks, field_values, opened, screenshot

WINDOW = DriftCheckRequest(window=WindowRequest(last_n=2_000), trigger=False)


def _check_page(html: str, report: DriftReport) -> None:
    with opened(html) as (page, requested):
        assert requested == []  # self-contained: nothing fetched
        assert page.title() == f"Drift report {report.id}"
        columns = [*report.features.values(), report.prediction]
        for column in columns:
            assert column is not None and column.histogram is not None
            bars = chart_marks(page, f"histogram-{column.name}", "bar")
            for side in ("reference", "current"):
                drawn = [b for b in bars if side in b["cls"].split()]
                assert len(drawn) == len(column.histogram.edges) - 1
                assert any(b["height"] > 1 and b["width"] > 0 for b in drawn)
                shares = [float(b["share"]) for b in drawn]
                assert shares == pytest.approx(getattr(column.histogram, side), abs=1e-5)
        shown = field_values(page)
        for column in columns:
            assert column is not None
            for key in ("p_value", "effect_size", "effect_threshold", "p_threshold"):
                assert shown[f"{column.name}.{key}"] == pytest.approx(getattr(column, key))
        estimate = report.performance.estimate
        assert estimate is not None
        assert shown["estimated_accuracy"] == pytest.approx(estimate.accuracy)
        assert shown["live_accuracy"] == pytest.approx(report.performance.accuracy)
        points = chart_marks(page, "accuracy-over-time", "point")
        assert len([p for p in points if "estimated" in p["cls"]]) >= 2
        assert any(p["cls"].startswith("point live") for p in points)
        assert page.inner_text('[data-field="verdict"]') == report.verdict
        assert page.inner_text('[data-field="action"]') == report.action
        assert "drift" in page.inner_text("body") and "renda_anual" in page.inner_text("body")
        screenshot(page, "drift-report.png")


async def test_report_page_shows_distributions_figures_and_history(
    monitor: DriftMonitor,
    traffic: Traffic,
    training: TrainingService,
    drift_pool: asyncpg.Pool,
    database_dsn: str,
    mlflow_uri: str,
    drift_model: DriftModel,
) -> None:
    calm = await traffic.serve(2_000, seed=801)
    await traffic.feedback(calm[:400], [row.label for row in calm[:400]])
    await run_check(monitor=monitor, request=WINDOW)
    await traffic.serve(2_000, seed=802, income_factor=1.6)
    report = await run_check(monitor=monitor, request=WINDOW)
    assert report.verdict == "drift"

    app = create_app(drift_settings(database_dsn, mlflow_uri, drift_model.name))
    async with serve(app) as client:
        page = await client.get(f"/v1/drift/reports/{report.id}.html")
        negotiated = await client.get(
            f"/v1/drift/reports/{report.id}", headers={"Accept": "text/html"}
        )
        as_json = await client.get(f"/v1/drift/reports/{report.id}")
        missing = await client.get("/v1/drift/reports/999999.html")
        bad = await client.get("/v1/drift/reports/zero.html")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert negotiated.status_code == 200 and negotiated.text == page.text
    assert as_json.status_code == 200 and DriftReport.model_validate(as_json.json()) == report
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "drift_report_not_found"
    assert bad.status_code == 422
    assert "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    await anyio.to_thread.run_sync(_check_page, page.text, report)


async def test_unknown_accept_still_gets_json(
    monitor: DriftMonitor,
    traffic: Traffic,
    database_dsn: str,
    mlflow_uri: str,
    drift_model: DriftModel,
    training: TrainingService,
) -> None:
    await traffic.serve(500, seed=803)
    report = await run_check(monitor=monitor, request=WINDOW)
    app = create_app(drift_settings(database_dsn, mlflow_uri, drift_model.name))
    async with serve(app) as client:
        both = await client.get(
            f"/v1/drift/reports/{report.id}", headers={"Accept": "text/html, application/json"}
        )
    assert both.headers["content-type"] == "application/json"
    assert httpx.Response(200, content=both.content).json()["id"] == report.id
