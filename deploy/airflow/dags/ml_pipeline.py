"""Daily retraining of the purchase model: extract → train → evaluate → deploy.

Every task talks to the platform's public gateway over HTTP and nothing else; the training,
the promotion gate and the serving all happen in the platform's services. The DAG only
decides what to ask for and waits for the answers.

- **extract** asks whether labelled rows exist that the production model has not seen:
  `POST /v1/training/should-retrain` with `since` = the start of the training job that
  produced the production version (or, for a version no job of this platform trained, the
  time inference started serving it). With fewer than `min_new_rows` rows the run stops here
  and every later task is skipped with that reason.
- **train** starts a training job (`POST /v1/training/jobs`); **wait_for_training** follows
  it (`GET /v1/training/jobs/{id}`) by poking until it finishes or the timeout passes.
- **evaluate** reads the promotion gate's decision and the holdout metrics of the candidate
  and of production from the finished job, and pushes them to XCom.
- **deploy** makes sure the `production` alias points at the new version only when the gate
  passed (`POST /v1/models/{version}/promote`, through the gate, never forced);
  **wait_until_served** waits until `GET /v1/models` shows inference serving that version.

Connection `ml_pipeline_gateway` (HTTP): host (with scheme, or `extra.scheme`) and port of
the gateway; `login`/`password` of a service account with scopes `admin,predict`, exchanged
for a token at `POST /auth/token`, or `extra.token` holding a token issued beforehand.
Timeouts and poke intervals can be tuned with the environment variables read below.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from airflow.sdk import BaseHook, Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

log = logging.getLogger(__name__)

GATEWAY_CONN_ID = os.environ.get("ML_PIPELINE_CONN_ID", "ml_pipeline_gateway")
POKE_INTERVAL_S = float(os.environ.get("ML_PIPELINE_POKE_INTERVAL_S", "30"))
TRAINING_TIMEOUT_S = float(os.environ.get("ML_PIPELINE_TRAINING_TIMEOUT_S", str(2 * 3600)))
SERVING_TIMEOUT_S = float(os.environ.get("ML_PIPELINE_SERVING_TIMEOUT_S", "900"))
HTTP_TIMEOUT_S = float(os.environ.get("ML_PIPELINE_HTTP_TIMEOUT_S", "60"))

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "ml-platform",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}


class GatewayError(Exception):
    """The gateway answered with an error body (or not at all)."""

    def __init__(self, status: int, error_type: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.details = details or {}


class Gateway:
    """A small client for the platform's public API, authenticated as a service account."""

    def __init__(
        self,
        base_url: str,
        *,
        login: str | None = None,
        password: str | None = None,
        token: str | None = None,
    ) -> None:
        if not token and not (login and password):
            raise AirflowFailException(
                f"connection {GATEWAY_CONN_ID} needs login and password, or extra.token"
            )
        self._login, self._password, self._token = login, password, token
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=HTTP_TIMEOUT_S)

    @classmethod
    def from_connection(cls, conn_id: str = GATEWAY_CONN_ID) -> Gateway:
        conn = BaseHook.get_connection(conn_id)
        extra = conn.extra_dejson
        host = conn.host or ""
        if "://" not in host:
            host = f"{extra.get('scheme') or 'http'}://{host}"
        base_url = f"{host}:{conn.port}" if conn.port else host
        return cls(base_url, login=conn.login, password=conn.password, token=extra.get("token"))

    def _bearer(self) -> str:
        if not self._token:
            answer = self._client.post(
                "/auth/token", data={"username": self._login, "password": self._password}
            )
            self._raise_for(answer)
            self._token = str(answer.json()["access_token"])
        return self._token

    @staticmethod
    def _raise_for(answer: httpx.Response) -> None:
        if answer.is_success:
            return
        try:
            error = answer.json()["error"]
            raise GatewayError(
                answer.status_code, error["type"], error["message"], error.get("details")
            )
        except (ValueError, KeyError, TypeError):
            raise GatewayError(answer.status_code, "http_error", answer.text[:500]) from None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self._bearer()}"}
        answer = self._client.request(method, path, headers=headers, **kwargs)
        self._raise_for(answer)
        return answer.json()

    def close(self) -> None:
        self._client.close()


def _production(gateway: Gateway) -> dict[str, Any] | None:
    models = gateway.call("GET", "/v1/models")
    production: dict[str, Any] | None = models.get("production")
    return production


def _snapshot(gateway: Gateway, production: dict[str, Any] | None) -> tuple[str | None, str]:
    """When the production model's training data was read, and how that was found out."""
    if production is None:
        return None, "nothing serves yet"
    jobs = gateway.call("GET", "/v1/training/jobs", params={"limit": 100})["jobs"]
    for job in jobs:
        if job.get("model_version") == production["version"] and job["status"] == "succeeded":
            return job["started_at"], f"training job {job['job_id']} started"
    # Not trained by a job here (demo bootstrap, registered by hand): count from when it
    # started serving, which can only under-count what it has seen.
    return production.get("since"), "inference started serving it"


@dag(
    dag_id="ml_pipeline",
    description="Daily retraining through the gateway: extract, train, evaluate, deploy",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={
        "min_new_rows": Param(
            200, type="integer", minimum=1, description="New labelled rows needed to train"
        ),
        "reason": Param("scheduled daily retrain", type="string", maxLength=400),
    },
    tags=["ml-pipeline"],
    doc_md=__doc__,
)
def ml_pipeline() -> None:
    @task
    def extract() -> dict[str, Any]:
        """New labelled rows since the production model's snapshot, or skip the run."""
        params = get_current_context()["params"]
        gateway = Gateway.from_connection()
        try:
            production = _production(gateway)
            since, basis = _snapshot(gateway, production)
            body: dict[str, Any] = {"min_rows": int(params["min_new_rows"])}
            if since:
                body["since"] = since
            check = gateway.call("POST", "/v1/training/should-retrain", json=body)
        finally:
            gateway.close()
        version = production["version"] if production else None
        summary = {
            "production_version": version,
            "since": check["since"],
            "snapshot_basis": basis,
            "new_rows": check["rows"],
            "production_accuracy": check["accuracy"],
            "verdict": check["verdict"],
        }
        log.info("data check: %s", summary)
        if check["verdict"] == "insufficient_data":
            raise AirflowSkipException(
                f"only {check['rows']} new labelled rows since {check['since']} "
                f"({basis}; production version {version}); "
                f"{params['min_new_rows']} needed: nothing to train"
            )
        return summary

    @task
    def train(data: dict[str, Any]) -> str:
        """Start a training job; if one is already running (a retry), follow that one."""
        params = get_current_context()["params"]
        reason = f"{params['reason']}: {data['new_rows']} new rows since {data['since']}"
        gateway = Gateway.from_connection()
        try:
            accepted = gateway.call("POST", "/v1/training/jobs", json={"reason": reason[:500]})
            job_id = str(accepted["job_id"])
        except GatewayError as exc:
            if exc.error_type != "training_in_progress" or "job_id" not in exc.details:
                raise
            job_id = str(exc.details["job_id"])
            log.warning("a training job was already running; following %s", job_id)
        finally:
            gateway.close()
        log.info("training job %s", job_id)
        return job_id

    @task.sensor(poke_interval=POKE_INTERVAL_S, timeout=TRAINING_TIMEOUT_S, mode="poke")
    def wait_for_training(job_id: str) -> PokeReturnValue:
        """Poke the job until it succeeds; a failed job fails the task (retrying won't help)."""
        gateway = Gateway.from_connection()
        try:
            job = gateway.call("GET", f"/v1/training/jobs/{job_id}")
        finally:
            gateway.close()
        log.info("job %s: %s, stage %s, %.0f%%", job_id, job["status"], job["stage"],
                 100 * job["progress"])  # fmt: skip
        if job["status"] == "failed":
            raise AirflowFailException(f"training job {job_id} failed: {job.get('error')}")
        return PokeReturnValue(is_done=job["status"] == "succeeded", xcom_value=job)

    @task
    def evaluate(job: dict[str, Any]) -> dict[str, Any]:
        """The gate's decision and both models' holdout metrics, as the job recorded them."""
        metrics = job.get("metrics") or {}
        decision = {
            "job_id": job["job_id"],
            "version": job["model_version"],
            "promote": bool(job["promoted"]),
            "decision": job.get("decision"),
            "model_family": metrics.get("model_family"),
            "holdout": metrics.get("holdout", {}),
            "production_version": metrics.get("production_version"),
            "production_holdout": metrics.get("production_holdout", {}),
            "rows": metrics.get("rows"),
        }
        log.info("gate: %s", decision)
        return decision

    @task
    def deploy(decision: dict[str, Any]) -> str:
        """Put the gate-approved version in production; skip when the gate refused it."""
        version = decision["version"]
        if not decision["promote"] or not version:
            raise AirflowSkipException(
                f"gate kept production {decision['production_version']}: {decision['decision']}"
            )
        gateway = Gateway.from_connection()
        try:
            production = _production(gateway)
            if production and production["version"] == version:
                log.info("version %s already holds the production alias", version)
                return str(version)
            try:
                moved = gateway.call(
                    "POST",
                    f"/v1/models/{version}/promote",
                    json={"reason": f"gate passed in training job {decision['job_id']}"},
                )
                log.info("promoted: %s", moved)
            except GatewayError as exc:
                if exc.error_type != "already_production":
                    raise
        finally:
            gateway.close()
        return str(version)

    @task.sensor(poke_interval=min(POKE_INTERVAL_S, 10), timeout=SERVING_TIMEOUT_S, mode="poke")
    def wait_until_served(version: str) -> PokeReturnValue:
        """Done when inference reports serving the promoted version as production."""
        gateway = Gateway.from_connection()
        try:
            production = _production(gateway)
        finally:
            gateway.close()
        serving = production["version"] if production else None
        log.info("inference serves production version %s (want %s)", serving, version)
        return PokeReturnValue(
            is_done=serving == version,
            xcom_value={"version": version, "served_at": time.time()},
        )

    data = extract()
    job = wait_for_training(train(data))
    wait_until_served(deploy(evaluate(job)))


ml_pipeline()
