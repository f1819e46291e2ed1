"""MLflow sits behind its basic-auth app: only the services' account may move an alias.

Without it anyone who reaches the server could point `production` anywhere, skipping the
promotion gate and the model_events audit.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from mlflow import MlflowClient

from ops import devstack
from shared import registry
from tests.conftest import RUN_ID

ALIAS_API = "/api/2.0/mlflow/registered-models/alias"
MODEL_API = "/api/2.0/mlflow/registered-models/get"


def two_versions(tracking_uri: str, name: str) -> MlflowClient:
    """A registered model `name` with versions 1 and 2, `production` on version 1."""
    # Bound to this server for the registry too: another test may have pointed MLflow's
    # process-wide registry URI at the suite's server (shared.registry.configure_mlflow).
    client = registry.client(tracking_uri)
    experiment = client.create_experiment(f"{name}-experiment")
    run = client.create_run(experiment)
    client.create_registered_model(name)
    for _ in range(2):
        client.create_model_version(name, f"runs:/{run.info.run_id}/model", run.info.run_id)
    client.set_registered_model_alias(name, "production", "1")
    return client


def production(tracking_uri: str, name: str) -> str:
    """The version `production` points at, read with the services' credentials."""
    return registry.client(tracking_uri).get_model_version_by_alias(name, "production").version


def move_alias(tracking_uri: str, name: str, auth: tuple[str, str] | None) -> httpx.Response:
    """The raw REST call that moves `production` to version 2."""
    body = {"name": name, "alias": "production", "version": "2"}
    return httpx.post(f"{tracking_uri}{ALIAS_API}", json=body, auth=auth, timeout=10)


@pytest.fixture(scope="module")
def probe_model(mlflow_uri: str) -> str:
    name = f"auth-probe-{RUN_ID}"
    two_versions(mlflow_uri, name)
    return name


def test_health_answers_without_credentials(mlflow_uri: str) -> None:
    # Probes and `wait_http` sign nothing; the API behind them does.
    assert httpx.get(f"{mlflow_uri}/health", timeout=5).status_code == 200
    assert httpx.get(f"{mlflow_uri}{MODEL_API}", timeout=5).status_code == 401


@pytest.mark.parametrize(
    "auth", [None, ("nobody", "guess"), "wrong-password"], ids=["none", "unknown", "wrong"]
)
def test_alias_does_not_move_without_valid_credentials(
    mlflow_uri: str,
    mlflow_credentials: devstack.MlflowCredentials,
    probe_model: str,
    auth: tuple[str, str] | str | None,
) -> None:
    if auth == "wrong-password":
        auth = (mlflow_credentials.username, mlflow_credentials.password + "x")
    assert not isinstance(auth, str)
    answer = move_alias(mlflow_uri, probe_model, auth)
    assert answer.status_code == 401, answer.text
    assert production(mlflow_uri, probe_model) == "1"


def test_other_accounts_get_no_permission_by_default(
    mlflow_uri: str, mlflow_credentials: devstack.MlflowCredentials, probe_model: str
) -> None:
    admin = (mlflow_credentials.username, mlflow_credentials.password)
    user = (f"reader-{RUN_ID}", "reader-password-0123456789")
    created = httpx.post(
        f"{mlflow_uri}/api/2.0/mlflow/users/create",
        json={"username": user[0], "password": user[1]},
        auth=admin,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    # default_permission = NO_PERMISSIONS: a signed-in account that was granted nothing
    # can neither read the model nor move its alias.
    read = httpx.get(f"{mlflow_uri}{MODEL_API}", params={"name": probe_model}, auth=user)
    assert read.status_code == 403, read.text
    assert move_alias(mlflow_uri, probe_model, user).status_code == 403
    assert production(mlflow_uri, probe_model) == "1"


def test_the_services_account_moves_the_alias(
    mlflow_uri: str, mlflow_credentials: devstack.MlflowCredentials, probe_model: str
) -> None:
    admin = (mlflow_credentials.username, mlflow_credentials.password)
    answer = move_alias(mlflow_uri, probe_model, admin)
    assert answer.status_code == 200, answer.text
    assert production(mlflow_uri, probe_model) == "2"


@pytest.fixture
def mlflow_databases(pg_admin_dsn: str) -> Iterator[tuple[str, str]]:
    """Fresh registry and user-store databases, dropped afterwards."""
    names = (f"mlp_test_mlflow_{RUN_ID}", f"mlp_test_mlflow_auth_{RUN_ID}")
    dsns = [devstack.create_database(pg_admin_dsn, name, drop_first=True) for name in names]
    yield dsns[0], dsns[1]
    for name in names:
        devstack.drop_database(pg_admin_dsn, name)


async def one_value(dsn: str, query: str) -> object:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()


def test_registry_and_users_on_postgres(
    tmp_path: Path,
    mlflow_credentials: devstack.MlflowCredentials,
    mlflow_databases: tuple[str, str],
) -> None:
    # As deployed: the registry and the user store in Postgres databases of their own.
    registry_dsn, users_dsn = mlflow_databases
    url, child = devstack.start_mlflow(
        tmp_path,
        devstack.free_port(),
        credentials=mlflow_credentials,
        backend_store_uri=registry_dsn,
        auth_database_uri=users_dsn,
    )
    try:
        name = f"pg-probe-{RUN_ID}"
        two_versions(url, name)
        assert move_alias(url, name, None).status_code == 401
        admin = (mlflow_credentials.username, mlflow_credentials.password)
        assert move_alias(url, name, admin).status_code == 200
        alias_query = f"SELECT version FROM registered_model_aliases WHERE name = '{name}'"
        assert asyncio.run(one_value(registry_dsn, alias_query)) == 2
        user_query = f"SELECT count(*) FROM users WHERE username = '{admin[0]}' AND is_admin"
        assert asyncio.run(one_value(users_dsn, user_query)) == 1
    finally:
        child.stop()
    assert not list(tmp_path.glob("*.db")), "nothing may fall back to SQLite"


def test_make_run_keeps_its_generated_account_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_uri: str
) -> None:
    # `make run` sets no credentials: the first start makes an account, later starts must
    # find the same one, because the user store ignores any other admin password.
    # Emptied rather than deleted, so the run's values come back afterwards.
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "")
    for _ in range(2):
        url, child = devstack.start_mlflow(tmp_path, devstack.free_port())
        child.stop()
    kept = devstack.mlflow_credentials(tmp_path)
    assert (tmp_path / "credentials.env").stat().st_mode & 0o077 == 0
    assert kept.password not in (tmp_path / "basic_auth.ini").read_text()
    other = devstack.MlflowCredentials(kept.username, kept.password + "-changed")
    with pytest.raises(RuntimeError, match="holds another password"):
        devstack.start_mlflow(tmp_path, devstack.free_port(), credentials=other)
