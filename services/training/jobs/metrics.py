"""Prometheus series of training jobs, served on the training service's /metrics."""

from prometheus_client import Counter, Gauge

JOBS = Counter("training_jobs_total", "Training jobs that ended, by status", ["status"])
RUNNING = Gauge("training_job_running", "1 while a training job runs")
LAST_FINISHED = Gauge(
    "training_job_last_finished_timestamp_seconds", "Unix time the latest job ended", ["status"]
)
LAST_DURATION = Gauge("training_job_last_duration_seconds", "How long the latest job ran")

# Zero-valued from the start, so rate() and increase() see the first failure.
for _status in ("succeeded", "failed"):
    JOBS.labels(_status)


def job_ended(status: str, *, started: float, ended: float) -> None:
    """Count a job that ended and stamp the timeline."""
    JOBS.labels(status).inc()
    LAST_FINISHED.labels(status).set(ended)
    LAST_DURATION.set(ended - started)
