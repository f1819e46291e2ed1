"""A training job's page in headless Chromium: candidates, interval, calibration, fairness."""

from typing import Any

import anyio
import asyncpg
import pytest

from shared import registry
from tests.report_pages import chart_marks, field_values, opened, screenshot
from tests.training.conftest import customers, load_features
from tests.training.test_jobs import _follow, _training


def _check_page(html: str, job: dict[str, Any]) -> None:
    metrics = job["metrics"]
    with opened(html) as (page, requested):
        assert requested == []
        assert page.title() == f"Training job {job['job_id']}"
        shown = field_values(page)
        bars = chart_marks(page, "cv-candidates", "bar")
        assert len(bars) == 2 * len(metrics["cv"]) and all(b["height"] > 1 for b in bars)
        for score in metrics["cv"]:
            name = score["name"]
            assert shown[f"cv.{name}.roc_auc"] == pytest.approx(score["mean"]["roc_auc"])
        for name, value in metrics["holdout"].items():
            if f"holdout.{name}" in shown:
                assert shown[f"holdout.{name}"] == pytest.approx(value)
        for name, value in metrics["production_holdout"].items():
            if f"production_holdout.{name}" in shown:
                assert shown[f"production_holdout.{name}"] == pytest.approx(value)
        comparison = metrics["comparison"]
        for key in ("difference", "lower", "upper"):
            assert shown[f"comparison.{key}"] == pytest.approx(comparison[key])
        estimate = chart_marks(page, "improvement-interval", "point")
        assert [float(p["value"]) for p in estimate] == pytest.approx([comparison["difference"]])
        interval = chart_marks(page, "improvement-interval", "line")
        assert interval and interval[0]["width"] > 1
        calibration = metrics["calibration"]
        assert shown["calibration.ece"] == pytest.approx(calibration["ece"])
        points = chart_marks(page, "calibration-curve", "point")
        filled = [row for row in calibration["table"] if row["count"]]
        assert [float(p["value"]) for p in points] == pytest.approx(
            [row["observed_rate"] for row in filled]
        )
        for band in metrics["fairness"]["bands"]:
            assert shown[f"fairness.{band['band']}.accuracy"] == pytest.approx(band["accuracy"])
        fairness_bars = chart_marks(page, "fairness-age-bands", "bar")
        assert len(fairness_bars) == 3 * len(metrics["fairness"]["bands"])
        assert page.inner_text('[data-field="decision"]') == job["decision"]
        screenshot(page, "training-job-report.png")


async def test_job_page_shows_candidates_interval_calibration_and_fairness(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    await load_features(training_pool, customers(1_500, seed=21))
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        first = await client.post("/v1/training/jobs", json={"reason": "first model"})
        await _follow(client, first.json()["job_id"])
        await load_features(training_pool, customers(1_000, seed=22))
        second = await client.post("/v1/training/jobs", json={"reason": "new labels"})
        job = await _follow(client, second.json()["job_id"])
        page = await client.get(f"/v1/training/jobs/{job['job_id']}.html")
        missing = await client.get("/v1/training/jobs/00000000-0000-0000-0000-000000000000.html")
        bad = await client.get("/v1/training/jobs/not-a-uuid.html")

    assert job["status"] == "succeeded" and not job["metrics"]["comparison"]["identical"]
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert missing.status_code == 404 and bad.status_code == 422
    await anyio.to_thread.run_sync(_check_page, page.text, job)

    client_ = registry.client(mlflow_uri)
    logged = client_.download_artifacts(job["mlflow_run_id"], "reports/training_report.html")
    assert open(logged, encoding="utf-8").read() == page.text
