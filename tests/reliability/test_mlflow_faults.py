"""MLflow stopped and restarted; a promotion while 200 req/s flow.

The registry server here is this module's own, so stopping it leaves the suite's alone.
"""

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ops import devstack
from ops.load import statuses
from shared import registry
from tests.ab_models import register_version
from tests.conftest import scratch_database
from tests.reliability.conftest import FaultStack, StackFactory, stack_env

pytestmark = pytest.mark.e2e

MODEL = "reliability-model"
logger = logging.getLogger(__name__)  # figures for docs/reliability.md (--log-cli-level=INFO)


@dataclass
class OwnMlflow:
    work_dir: Path
    port: int
    child: devstack.ChildProcess
    versions: tuple[str, str]

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.child.stop()

    def start(self) -> None:
        _, self.child = devstack.start_mlflow(self.work_dir, self.port)

    def promote(self, version: str) -> None:
        registry.client(self.uri).set_registered_model_alias(MODEL, registry.PRODUCTION, version)


@pytest.fixture(scope="module")
def own_mlflow(mlflow_uri: str) -> Iterator[OwnMlflow]:
    """An MLflow server this module may stop, holding two versions of one model."""
    work = Path(tempfile.mkdtemp(prefix="mlp-fault-mlflow-"))
    port = devstack.free_port()
    uri, child = devstack.start_mlflow(work, port)
    versions = tuple(
        register_version(tracking_uri=uri, name=MODEL, family="logistic_regression", seed=seed)
        for seed in (1, 2)
    )
    server = OwnMlflow(work, port, child, (versions[0], versions[1]))
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        registry.configure_mlflow(mlflow_uri)  # the fluent API's server for later tests


@pytest.fixture
def stack_on_own_mlflow(
    own_mlflow: OwnMlflow, fault_stack: StackFactory, pg_admin_dsn: str, redis_url: str
) -> Iterator[FaultStack]:
    own_mlflow.promote(own_mlflow.versions[0])
    with scratch_database(pg_admin_dsn, "mlflow_fault") as dsn:
        env = stack_env(dsn=dsn, redis_url=redis_url, mlflow_uri=own_mlflow.uri, model_name=MODEL)
        yield fault_stack(env)


def test_mlflow_outage_keeps_serving_and_a_promotion_is_picked_up_on_recovery(
    own_mlflow: OwnMlflow, stack_on_own_mlflow: FaultStack, logs_dir: Path
) -> None:
    fault = stack_on_own_mlflow
    old, new = own_mlflow.versions
    own_mlflow.stop()
    load = fault.load(100)
    replica = devstack.start_service(
        "inference",
        port=devstack.free_port(),
        env=fault.stack.service_env("inference"),
        log_dir=logs_dir / "mlflow-outage-replica",
    )
    try:
        time.sleep(8)
        for name in ("inference", "gateway"):
            assert fault.ready(name).status_code == 200
        # A replica started during the outage has no model: not ready, and it says why.
        replica_url = f"http://127.0.0.1:{replica.args[replica.args.index('--port') + 1]}"
        devstack.wait_http(f"{replica_url}/health/live", timeout=60, process=replica.process)
        ready = httpx.get(f"{replica_url}/health/ready", timeout=5)
        assert ready.status_code == 503
        model = ready.json()["checks"]["model"]
        assert model["status"] == "down"
        assert str(own_mlflow.port) in model["error"]
        outcomes = load.stop()
        assert statuses(outcomes) == {"200": len(outcomes)}
        assert {o.model_version for o in outcomes} == {old}
        assert fault.log("inference").count("model refresh failed") >= 2

        own_mlflow.start()
        own_mlflow.promote(new)
        promoted = time.monotonic()
        assert _serving(fault.gateway, fault.token(), new, within_s=30)
        logger.info(
            "mlflow outage: %s at 100 req/s; %d failed refreshes logged; "
            "promotion served %.1f s after the alias moved",
            statuses(outcomes),
            fault.log("inference").count("model refresh failed"),
            time.monotonic() - promoted,
        )
        devstack.wait_http(f"{replica_url}/health/ready", timeout=30, process=replica.process)
        assert httpx.get(f"{replica_url}/health/ready").json()["checks"]["model"]["version"] == new
        assert "model registry answers again" in fault.log("inference")
    finally:
        replica.stop()


def test_promotion_under_load_fails_nothing_and_versions_match_the_log(
    own_mlflow: OwnMlflow, stack_on_own_mlflow: FaultStack
) -> None:
    fault = stack_on_own_mlflow
    old, new = own_mlflow.versions
    load = fault.load(200)
    time.sleep(2)
    own_mlflow.promote(new)
    time.sleep(6)  # the poll (1 s here) finds the alias moved; the swap is atomic
    outcomes = load.stop()

    assert statuses(outcomes) == {"200": len(outcomes)}
    versions = [o.model_version for o in sorted(outcomes, key=lambda o: o.sent_at)]
    assert versions[0] == old and versions[-1] == new
    rows = fault.predictions_eventually(len(outcomes), within_s=30)
    assert len(rows) == len(outcomes)
    mismatched = [o for o in outcomes if rows[str(o.prediction_id)] != o.model_version]
    assert mismatched == []
    logger.info(
        "swap under load: %s; %d answered by %s, %d by %s; all match the log",
        statuses(outcomes),
        versions.count(old),
        old,
        versions.count(new),
        new,
    )


def _serving(gateway: str, token: str, version: str, *, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        answer = httpx.post(
            f"{gateway}/v1/predict",
            json={"idade": 40, "renda_anual": 90_000.0},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        if answer.json()["model"]["version"] == version:
            return True
        time.sleep(0.5)
    return False
