"""Services killed and stopped under load: what clients saw, what Postgres holds afterwards."""

import logging
import signal
import time
from collections.abc import Iterator

import pytest

from ops.load import FixedRateLoad, Outcome, statuses
from tests.conftest import scratch_database
from tests.reliability.conftest import FaultStack, StackFactory, stack_env

pytestmark = pytest.mark.e2e

RATE = 200
DRAIN_S = 1.0  # SHUTDOWN_DRAIN_S: answers go on, with `Connection: close`, this long after SIGTERM
logger = logging.getLogger(__name__)  # figures for docs/reliability.md (--log-cli-level=INFO)


@pytest.fixture
def stack(
    fault_stack: StackFactory,
    pg_admin_dsn: str,
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
) -> Iterator[FaultStack]:
    with scratch_database(pg_admin_dsn, "process_fault") as dsn:
        env = stack_env(
            dsn=dsn,
            redis_url=redis_url,
            mlflow_uri=mlflow_uri,
            model_name=model_name,
            SHUTDOWN_DRAIN_S=str(DRAIN_S),
        )
        yield fault_stack(env, names=("inference", "training", "drift", "gateway"))


def test_inference_killed_under_load_is_a_fast_503_and_recovers_without_restart(
    stack: FaultStack,
) -> None:
    load = stack.load(RATE)
    time.sleep(2)
    stack.signal("inference", signal.SIGKILL)
    killed_at = load.elapsed()
    time.sleep(3)
    ready = stack.ready("gateway")
    assert ready.status_code == 503
    assert ready.json()["checks"]["inference"]["status"] == "down"
    stack.restart("inference")
    back_at = load.elapsed()
    time.sleep(3)
    outcomes = load.stop()

    assert set(statuses(outcomes)) <= {"200", "503"}, _errors(outcomes)
    refused = [o for o in outcomes if o.status == 503]
    assert len(refused) >= RATE * 3 * 0.8
    # Timed from the request leaving the client: the client's own delays on a busy host
    # are not the gateway's.
    assert max(o.service_s for o in refused) < 1.0
    assert all(o.status == 200 for o in outcomes if o.sent_at < killed_at - 0.1)
    after = [o for o in outcomes if o.sent_at > back_at + 0.5]
    assert after and all(o.status == 200 for o in after)
    # SIGKILL loses what the killed process had not flushed (up to 0.2 s of rows); every
    # prediction served by the new process is written.
    rows = stack.predictions_eventually(len(outcomes) - len(refused), within_s=20)
    assert {o.prediction_id for o in after} <= set(rows)
    logger.info(
        "inference SIGKILL: %s; slowest 503 %.0f ms; down %.1f s; %d of %d served rows written",
        statuses(outcomes),
        max(o.service_s for o in refused) * 1000,
        back_at - killed_at,
        len(rows),
        len(outcomes) - len(refused),
    )


def test_sigterm_under_load_completes_in_flight_requests_and_flushes_the_log(
    stack: FaultStack,
) -> None:
    # Inference: every request it took is answered and logged; later ones are a fast 503.
    outcomes = _terminate_under_load(stack, "inference", stack.load(RATE))
    assert set(statuses(outcomes)) <= {"200", "503"}
    served = [o for o in outcomes if o.status == 200]
    assert max(o.service_s for o in outcomes if o.status == 503) < 1.0
    rows = stack.predictions_eventually(len(served), within_s=20)
    assert {o.prediction_id for o in served} == set(rows)
    stack.restart("inference")

    admin = stack.token("operator", scopes=("admin",))
    for name, path in (("training", "/v1/training/jobs"), ("drift", "/v1/drift/reports")):
        load = stack.load(50, token=admin, path=path, method="GET")
        outcomes = _terminate_under_load(stack, name, load)
        assert set(statuses(outcomes)) <= {"200", "503"}, (name, statuses(outcomes))
        assert outcomes[0].status == 200

    # Gateway: it drains first (answers say `Connection: close`, so clients leave their
    # keep-alive connections), then closes its listener: connections are refused from then on.
    # No request on a kept-alive connection is reset, at the signal or after. The one race left
    # is a new connection the kernel queued just as the listener closed (reset with it); behind
    # Kubernetes none arrive by then (preStop, readiness `draining`).
    before = len(stack.predictions())
    load = stack.load(RATE)
    outcomes = _terminate_under_load(stack, "gateway", load)
    signalled_at = stack.signalled_at - load.started_at
    answered = {str(o.status) for o in outcomes if o.status is not None}
    assert answered == {"200"}, statuses(outcomes)
    refused = [o for o in outcomes if o.error == "ClientConnectorError"]
    assert refused and min(o.sent_at for o in refused) >= signalled_at + DRAIN_S - 0.1
    closed_at = min(o.sent_at for o in refused)
    reset = [o for o in outcomes if o.status is None and o.error != "ClientConnectorError"]
    assert all(abs(o.sent_at - closed_at) < 0.3 for o in reset), _errors(outcomes)
    assert len(reset) <= 5, statuses(outcomes)
    logger.info(
        "gateway SIGTERM: %d reset, all within 0.3 s of the listener closing %.2f s after the "
        "signal",
        len(reset),
        closed_at - signalled_at,
    )
    served = [o for o in outcomes if o.status == 200]
    rows = stack.predictions_eventually(before + len(served), within_s=20)
    assert {o.prediction_id for o in served} <= set(rows)


def _terminate_under_load(stack: FaultStack, name: str, load: FixedRateLoad) -> list[Outcome]:
    """SIGTERM `name` 2 s into `load`; it must exit cleanly well inside its grace period."""
    time.sleep(2)
    completed = stack.log(name).count("Application shutdown complete.")
    stack.signal(name, signal.SIGTERM)
    started = stack.signalled_at = time.monotonic()
    # uvicorn shuts down gracefully, then re-raises the signal it caught: -15 is a clean exit.
    assert stack.wait_exit(name, timeout_s=15) in (0, -signal.SIGTERM)
    took = time.monotonic() - started
    assert took < 12
    assert stack.log(name).count("Application shutdown complete.") == completed + 1
    time.sleep(1)
    outcomes = load.stop()
    logger.info("%s SIGTERM: exited in %.2f s; clients saw %s", name, took, statuses(outcomes))
    return outcomes


def _errors(outcomes: list[Outcome]) -> dict[str, str]:
    """One example of each failure, for the assertion message."""
    return {str(o.status or o.error): str(o.error) for o in outcomes if o.status != 200}
