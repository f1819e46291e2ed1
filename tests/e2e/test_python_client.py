"""The README's Python example, run against the stack: sign in, score, feedback, 401/422/429."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.devstack import free_port
from ops.stack import ServiceStack
from tests.e2e.conftest import ADMIN, RunningStack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "python"
EXAMPLE = ROOT / "examples" / "python_client.py"

sys.path.insert(0, str(CLIENT))  # the generated client, as `pip install ./clients/python` would

from ml_pipeline_client import AuthenticatedClient  # noqa: E402

from examples.python_client import RequestRejected, ScoringSession  # noqa: E402


def test_example_script_scores_sends_feedback_and_reports_422(running_stack: RunningStack) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(CLIENT), str(ROOT)]),
        "GATEWAY_URL": running_stack.gateway,
        "API_USERNAME": ADMIN[0],
        "API_PASSWORD": ADMIN[1],
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-3000:]
    events = {e["event"]: e for e in map(json.loads, done.stdout.splitlines())}
    assert 0.0 <= events["scored"]["probability"] <= 1.0
    assert events["scored"]["model"]["name"] == running_stack.model_name
    assert events["feedback"]["prediction_id"] == events["scored"]["prediction_id"]
    assert events["rejected"] == {"event": "rejected", "status": 422, "fields": ["idade"]}


def _readme_python_session() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The same session in Python", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_readme_python_session_runs(running_stack: RunningStack) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(CLIENT),
        "GATEWAY_URL": running_stack.gateway,
        "ADMIN_USERNAME": ADMIN[0],
        "ADMIN_PASSWORD": ADMIN[1],
    }
    done = subprocess.run(
        [sys.executable, "-c", _readme_python_session()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    scored, young = done.stdout.splitlines()
    status, probability, _version = scored.split()
    assert status == "200" and 0.0 <= float(probability) <= 1.0
    assert young == "422 validation_error idade"


def test_expired_token_is_renewed_once(running_stack: RunningStack) -> None:
    session = ScoringSession(running_stack.gateway, *ADMIN)
    session.client = AuthenticatedClient(base_url=running_stack.gateway, token="expired-token")
    scored = session.score(idade=40, renda_anual=120_000.0)
    assert 0.0 <= scored.probability <= 1.0
    assert session.sign_ins == 2


def test_wrong_password_is_a_clear_rejection(running_stack: RunningStack) -> None:
    with pytest.raises(RequestRejected) as rejected:
        ScoringSession(running_stack.gateway, ADMIN[0], "wrong-password")
    assert rejected.value.status == 401


@pytest.fixture(scope="module")
def strict_gateway(running_stack: RunningStack, logs_dir: Path) -> Iterator[str]:
    """A second gateway on the same services whose predict limit is two calls a second."""
    ports = dict(running_stack.stack.ports, gateway=free_port())
    env = dict(
        running_stack.stack.env,
        RATE_LIMIT_PREDICT="2/second",
        RATE_LIMIT_KEY_PREFIX=f"strict-{free_port()}",
    )
    stack = ServiceStack(env=env, ports=ports, log_dir=logs_dir / "strict-gateway")
    (logs_dir / "strict-gateway").mkdir(exist_ok=True)
    stack.start(["gateway"], timeout=60)
    try:
        yield stack.url("gateway")
    finally:
        stack.stop()


def test_rate_limit_waits_for_retry_after(strict_gateway: str) -> None:
    session = ScoringSession(strict_gateway, *ADMIN)
    started = time.monotonic()
    probabilities = [
        session.score(idade=30 + i, renda_anual=50_000.0).probability for i in range(5)
    ]
    elapsed = time.monotonic() - started
    assert len(probabilities) == 5
    assert session.waited_s >= 1, "five calls at 2/second must have met a 429"
    assert elapsed >= session.waited_s * 0.9
