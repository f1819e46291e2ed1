"""SIGTERM drains before it stops: answers say `Connection: close`, readiness says `draining`.

Run as a real uvicorn process: the signal handling that matters is the server's.
"""

import signal
import time
import uuid
from pathlib import Path

import httpx

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from tests.gateway.conftest import SECRET

DRAIN_S = 3.0


def test_sigterm_drains_keep_alive_clients_before_the_listener_closes(
    database_dsn: str, redis_url: str, logs_dir: Path
) -> None:
    stack = ServiceStack(
        env={
            "ENVIRONMENT": "test",
            "DATABASE_URL": database_dsn,
            "REDIS_URL": redis_url,
            "JWT_SECRET": SECRET,
            "RATE_LIMIT_KEY_PREFIX": f"drain-{uuid.uuid4().hex[:8]}",
            "SHUTDOWN_DRAIN_S": str(DRAIN_S),
        },
        ports={name: free_port() for name in START_ORDER},
        log_dir=logs_dir / "drain",
    )
    stack.start(("gateway",))
    try:
        with httpx.Client(base_url=stack.url("gateway"), timeout=5) as client:
            before = client.get("/health/live")
            assert before.status_code == 200
            assert "close" not in before.headers.get("connection", "")
            assert client.get("/health/ready").json()["status"] != "draining"

            process = stack.children["gateway"].process
            assert process is not None
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            time.sleep(0.3)

            # Still answering, on fresh connections, each told to close after its answer.
            during = [client.get("/health/live") for _ in range(3)]
            assert [r.status_code for r in during] == [200, 200, 200]
            assert all(r.headers["connection"] == "close" for r in during)
            ready = client.get("/health/ready")
            assert (ready.status_code, ready.json()["status"]) == (503, "draining")
            assert process.poll() is None and time.monotonic() - signalled < DRAIN_S

            process.wait(timeout=DRAIN_S + 10)
            stopped_after = time.monotonic() - signalled
        assert stopped_after >= DRAIN_S
        log = (logs_dir / "drain" / "gateway.log").read_text()
        assert "draining for 3.0 s" in log
        assert "Application shutdown complete." in log
    finally:
        stack.stop()
