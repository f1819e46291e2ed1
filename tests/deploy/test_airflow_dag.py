"""The Airflow DAG, imported by DagBag and run with dag.test() against the services as processes.

Airflow pins its own FastAPI, Starlette and SQLAlchemy, so it lives in a separate virtualenv
(`.venv-airflow`, made on first use and reused) and runs as a subprocess: tests/deploy/
airflow_driver.py. The DAG only reaches the platform through the gateway, with a service
account taken from an Airflow connection given in the environment.
"""

import csv
import io
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared import registry
from tests.conftest import RUN_ID, scratch_database
from tests.e2e.conftest import RunningStack, _stack
from tests.training.conftest import customers, register_version

pytestmark = pytest.mark.e2e

AIRFLOW_VERSION = "3.3.2"
ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("AIRFLOW_VENV", ROOT / ".venv-airflow"))
DRIVER = Path(__file__).with_name("airflow_driver.py")
DAG_FILE = ROOT / "deploy" / "airflow" / "dags" / "ml_pipeline.py"
SERVICE_ACCOUNT = "airflow-scheduler"
TASKS = ["extract", "train", "wait_for_training", "evaluate", "deploy", "wait_until_served"]


def airflow_venv() -> Path:
    """The Airflow environment's python; installs Airflow there once (about a minute)."""
    python = VENV / "bin" / "python"
    stamp = VENV / f".installed-airflow-{AIRFLOW_VERSION}"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"apache-airflow=={AIRFLOW_VERSION}"],
            check=True,
        )
        stamp.touch()
    return python


@dataclass
class Airflow:
    python: Path
    env: dict[str, str]

    def driver(self, *args: str, extra_env: dict[str, str] | None = None) -> dict[str, Any]:
        result = subprocess.run(
            [str(self.python), str(DRIVER), *args],
            env=self.env | (extra_env or {}),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Airflow:
    python = airflow_venv()
    home = tmp_path_factory.mktemp("airflow-home")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "COV"))}
    env = inherited | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAG_FILE.parent),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "ML_PIPELINE_POKE_INTERVAL_S": "1",
        "ML_PIPELINE_TRAINING_TIMEOUT_S": "600",
        "ML_PIPELINE_SERVING_TIMEOUT_S": "120",
    }
    migrate = subprocess.run(
        [str(python), "-m", "airflow", "db", "migrate"], env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    return Airflow(python, env)


def test_dag_imports_with_the_schedule_and_arguments_asked_for(
    airflow: Airflow, tmp_path: Path
) -> None:
    dag = airflow.driver("inspect")
    assert dag["import_errors"] == {} and dag["dag_ids"] == ["ml_pipeline"]
    assert dag["schedule"] == "0 0 * * *" and dag["catchup"] is False
    assert dag["retries"] == dict.fromkeys(TASKS, 1)
    assert dag["retry_delay_s"] == dict.fromkeys(TASKS, 300.0)
    assert [dag["upstream"][t] for t in TASKS] == [[], *[[t] for t in TASKS[:-1]]]
    assert dag["sensors"] == {
        "wait_for_training": {"timeout": 600.0, "mode": "poke"},
        "wait_until_served": {"timeout": 120.0, "mode": "poke"},
    }
    # The same check on a broken copy reports it: the import test can fail.
    broken = tmp_path / "ml_pipeline.py"
    broken.write_text(DAG_FILE.read_text().replace("def extract()", "def extract(", 1))
    bad = airflow.driver("inspect", extra_env={"ML_PIPELINE_DAGS": str(tmp_path)})
    assert list(bad["import_errors"]) == [str(broken)] and bad["dag_ids"] == []


def test_the_dag_holds_no_ml_code_and_no_credentials() -> None:
    source = DAG_FILE.read_text()
    for forbidden in ("sklearn", "mlflow", "pandas", "numpy", "asyncpg", "services.", "shared."):
        assert f"import {forbidden}" not in source and f"from {forbidden}" not in source
    assert "password=" not in source.replace("password=conn.password", "")
    assert "127.0.0.1" not in source and "localhost" not in source


@dataclass
class Platform:
    running: RunningStack
    password: str

    @property
    def connection(self) -> str:
        port = int(self.running.gateway.rsplit(":", 1)[1])
        return json.dumps(
            {
                "conn_type": "http",
                "host": "127.0.0.1",
                "port": port,
                "login": SERVICE_ACCOUNT,
                "password": self.password,
                "extra": {"scheme": "http"},
            }
        )

    def admin_headers(self) -> dict[str, str]:
        form = {"username": SERVICE_ACCOUNT, "password": self.password}
        token = httpx.post(f"{self.running.gateway}/auth/token", data=form, timeout=10)
        assert token.status_code == 200, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def production(self) -> str | None:
        answer = httpx.get(
            f"{self.running.gateway}/v1/models", headers=self.admin_headers(), timeout=10
        )
        assert answer.status_code == 200, answer.text
        served = answer.json()["production"]
        return None if served is None else str(served["version"])


@pytest.fixture(scope="module")
def platform(
    pg_admin_dsn: str, redis_url: str, mlflow_uri: str, logs_dir: Path
) -> Iterator[Platform]:
    """The four services on their own database and model, production a useless model.

    Production was fitted on inverted labels: any model trained on real outcomes beats it,
    so a retrain is justified as soon as new labelled rows exist.
    """
    name = f"comprou-produto-airflow-{RUN_ID}"
    version = register_version(mlflow_uri, name, seed=71, invert=True)
    registry.client(mlflow_uri).set_registered_model_alias(name, registry.PRODUCTION, version)
    password = secrets.token_urlsafe(18)
    with scratch_database(pg_admin_dsn, "airflow") as dsn:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "services.gateway.users",
                SERVICE_ACCOUNT,
                "--scopes",
                "admin,predict",
            ],  # fmt: skip
            input=password + "\n",
            env=os.environ | {"DATABASE_URL": dsn},
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        for running in _stack(dsn, redis_url, mlflow_uri, name, logs_dir):
            yield Platform(running, password)


def _csv_rows(rows: int, seed: int) -> bytes:
    """Labelled customers without `observed_at`: the platform stamps them as observed now."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["idade", "renda_anual", "comprou_produto"])
    frame = customers(rows, seed=seed, days=1)
    for age, income, bought in frame[["idade", "renda_anual", "comprou_produto"]].itertuples(
        index=False
    ):
        writer.writerow([int(age), round(float(income), 2), int(bought)])
    return out.getvalue().encode()


def _states(run: dict[str, Any]) -> dict[str, str]:
    return {task: info["state"] for task, info in run["tasks"].items()}


def test_dag_promotes_only_when_new_data_justifies_it(airflow: Airflow, platform: Platform) -> None:
    conn = {"AIRFLOW_CONN_ML_PIPELINE_GATEWAY": platform.connection}
    assert platform.production() == "1"

    # No labelled rows at all: extract skips with a reason, nothing is trained or promoted.
    idle = airflow.driver("run", "{}", extra_env=conn)
    assert idle["state"] == "success", idle
    assert _states(idle) == dict.fromkeys(TASKS, "skipped"), idle
    assert platform.production() == "1"

    ingest = httpx.post(
        f"{platform.running.gateway}/v1/features/csv",
        content=_csv_rows(3_000, seed=72),
        headers={**platform.admin_headers(), "Content-Type": "text/csv"},
        timeout=60,
    )
    assert ingest.status_code == 200 and ingest.json()["accepted"] == 3_000, ingest.text

    # New outcomes that production gets wrong: train, the gate passes, version 2 serves.
    justified = airflow.driver("run", json.dumps({"min_new_rows": 500}), extra_env=conn)
    assert justified["state"] == "success", justified
    assert _states(justified) == dict.fromkeys(TASKS, "success"), justified
    extracted = justified["tasks"]["extract"]["xcom"]
    assert extracted["new_rows"] == 3_000 and extracted["production_version"] == "1"
    assert extracted["snapshot_basis"] == "inference started serving it"
    gate = justified["tasks"]["evaluate"]["xcom"]
    assert gate["promote"] is True and gate["version"] == "2", gate
    assert gate["holdout"]["accuracy"] > gate["production_holdout"]["accuracy"] + 0.3
    assert justified["tasks"]["wait_until_served"]["xcom"]["version"] == "2"
    assert platform.production() == "2"
    prediction = httpx.post(
        f"{platform.running.gateway}/v1/predict",
        json={"idade": 40, "renda_anual": 80_000.0},
        headers=platform.admin_headers(),
        timeout=10,
    )
    assert prediction.json()["model"]["version"] == "2", prediction.text

    # Nothing new since version 2's training job read its data: skipped, nothing promoted.
    again = airflow.driver("run", json.dumps({"min_new_rows": 500}), extra_env=conn)
    assert _states(again) == dict.fromkeys(TASKS, "skipped"), again
    assert platform.production() == "2"
