"""Redis hung, then restarted empty, under two gateway replicas that share their limits.

Policy (services/gateway/ratelimit.py): while Redis does not answer, each replica keeps
counting on its own (fail open to per-process limits) and no request waits on Redis for more
than REDIS_TIMEOUT_S (0.25 s); once Redis answers again the replicas share one count.
"""

import logging
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops import devstack
from ops.stack import METRICS, START_ORDER
from tests.conftest import scratch_database
from tests.reliability.conftest import FaultStack, StackFactory, stack_env

pytestmark = pytest.mark.e2e

LIMIT = 20  # per caller per hour: a window that will not roll over during a phase
SENT = 50  # per phase, alternating between the two replicas
logger = logging.getLogger(__name__)  # figures for docs/reliability.md (--log-cli-level=INFO)


@pytest.fixture
def own_redis() -> Iterator[tuple[devstack.ChildProcess, Path, int]]:
    """A redis-server this test may hang, kill and start again on the same port."""
    work = Path(tempfile.mkdtemp(prefix="mlp-fault-redis-"))
    port = devstack.free_port()
    _, child = devstack.start_redis(work, port)
    try:
        yield child, work, port
    finally:
        child.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_redis_outage_fails_open_fast_and_limits_are_shared_again(
    own_redis: tuple[devstack.ChildProcess, Path, int],
    fault_stack: StackFactory,
    pg_admin_dsn: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
) -> None:
    redis, work, port = own_redis
    with scratch_database(pg_admin_dsn, "redis_fault") as dsn:
        env = stack_env(
            dsn=dsn,
            redis_url=f"redis://127.0.0.1:{port}/0",
            mlflow_uri=mlflow_uri,
            model_name=model_name,
            RATE_LIMIT_PREDICT=f"{LIMIT}/hour",
        )
        ports = {name: devstack.free_port() for name in START_ORDER}
        first = fault_stack(env, ports=ports)
        # A second gateway replica beside the first, on the same inference and Redis.
        second = fault_stack(
            env,
            names=("gateway",),
            ports={**ports, "gateway": devstack.free_port(), METRICS: devstack.free_port()},
        )

        allowed, _ = _phase(first, second, "shared-before")
        assert LIMIT <= allowed <= LIMIT + 2

        assert redis.process is not None
        redis.process.send_signal(signal.SIGSTOP)  # hung: connections open, nothing answers
        try:
            allowed, slowest = _phase(first, second, "while-hung")
            logger.info(
                "redis hung: %d of %d allowed, slowest %.0f ms", allowed, SENT, slowest * 1e3
            )
            assert allowed == 2 * LIMIT  # each replica enforces the limit on its own
            assert slowest < 0.25 + 0.15
            ready = first.ready("gateway")
            assert ready.status_code == 200
            assert ready.json()["checks"]["redis"]["status"] == "down"
        finally:
            redis.process.send_signal(signal.SIGCONT)
        redis.stop()
        _, restarted = devstack.start_redis(work, port)
        try:
            time.sleep(1.5)  # each replica retries Redis one second after its last failure
            allowed, _ = _phase(first, second, "shared-after")
            assert LIMIT <= allowed <= LIMIT + 2
            assert first.ready("gateway").json()["checks"]["redis"]["status"] == "up"
        finally:
            restarted.stop()


def _phase(first: FaultStack, second: FaultStack, subject: str) -> tuple[int, float]:
    """SENT predictions from a new caller, alternating replicas at 10/s: (allowed, slowest s)."""
    headers = {"Authorization": f"Bearer {first.token(subject)}"}
    allowed, slowest = 0, 0.0
    with httpx.Client(headers=headers, timeout=5) as client:
        for i in range(SENT):
            replica = (first, second)[i % 2]
            started = time.monotonic()
            answer = client.post(
                f"{replica.gateway}/v1/predict", json={"idade": 30 + i, "renda_anual": 50_000.0}
            )
            slowest = max(slowest, time.monotonic() - started)
            assert answer.status_code in (200, 429), answer.text
            allowed += answer.status_code == 200
            time.sleep(0.1)
    return allowed, slowest
