"""schemathesis against the running gateway's OpenAPI: no generated request may get a 5xx.

The stack here is its own (database, model name, rate-limit prefix), so the admin calls the
fuzzer makes (promote, rollback, training jobs, experiments) never touch other e2e tests.
"""

import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from services.training.bootstrap import bootstrap
from tests.conftest import RUN_ID, scratch_database
from tests.stacks import stack_env

pytestmark = pytest.mark.e2e
logger = logging.getLogger(__name__)

ADMIN = ("fuzz-admin", "fuzz-admin-password")
JWT_SECRET = "fuzz-secret-0123456789abcdef0123456789abcdef"
# Examples per operation (positive and negative mixed); FUZZ_EXAMPLES=50 for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def fuzz_gateway(
    pg_admin_dsn: str, redis_url: str, mlflow_uri: str, logs_dir: Path
) -> Iterator[str]:
    """A whole stack of its own, on a scratch database and a model no other test serves."""
    model_name = f"comprou-produto-fuzz-{RUN_ID}"
    with scratch_database(pg_admin_dsn, "fuzz") as dsn:
        bootstrap(dsn=dsn, tracking_uri=mlflow_uri, model_name=model_name, demo_rows=1_000)
        stack = ServiceStack(
            env=stack_env(
                dsn=dsn,
                redis_url=redis_url,
                mlflow_uri=mlflow_uri,
                model_name=model_name,
                jwt_secret=JWT_SECRET,
                admin=ADMIN,
                label="fuzz",
            ),
            ports={name: free_port() for name in START_ORDER},
            log_dir=logs_dir / "fuzz",
        )
        stack.log_dir.mkdir(exist_ok=True)
        stack.start()
        try:
            yield stack.url("gateway")
        finally:
            stack.stop()


def _admin_token(gateway: str) -> str:
    form = {"username": ADMIN[0], "password": ADMIN[1], "scope": "admin predict"}
    answer = httpx.post(f"{gateway}/auth/token", data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_no_generated_request_gets_a_server_error(fuzz_gateway: str) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_gateway}/openapi.json")
    auth = {"Authorization": f"Bearer {_admin_token(fuzz_gateway)}"}
    # Logging out revokes the token it is sent with: that route gets a token of its own.
    spare = {"Authorization": f"Bearer {_admin_token(fuzz_gateway)}"}
    session = requests.Session()
    server_errors: list[str] = []
    statuses: Counter[int] = Counter()
    for result in schema.get_all_operations():
        # The document must parse whole: an operation schemathesis can't read is a failure.
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        strategies = [operation.as_strategy(mode) for mode in GenerationMode]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def exercise(case: schemathesis.Case) -> None:
            headers = spare if case.path == "/auth/logout" else auth
            response = case.call(
                base_url=fuzz_gateway, session=session, headers=headers, timeout=30
            )
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append(
                    f"{response.status_code} {case.method} {case.formatted_path} "
                    f"{case.as_curl_command()[:300]} -> {response.text[:300]}"
                )

        exercise()
    logger.warning("schemathesis: %d calls, by status %s", sum(statuses.values()), statuses)
    assert server_errors == []
    # The token held: most calls got past authentication to validation and the services.
    assert statuses[401] < sum(statuses.values()) / 10, statuses
    assert sum(statuses.values()) > 200
