"""The production reference sample read from a real MLflow registry."""

import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from services.drift.detector import DriftThresholds
from services.drift.errors import RegistryUnavailable
from services.drift.reference import REFERENCE_ARTIFACT, RegistryReferences
from shared import registry
from tests.drift.conftest import DriftModel


@pytest.fixture
def mlflow_client(mlflow_uri: str) -> Any:
    registry.configure_mlflow(mlflow_uri)
    return registry.client(mlflow_uri)


@pytest.fixture
def scratch_model(mlflow_client: Any, model_name: str) -> Iterator[str]:
    """A registered model of its own, so moving its alias touches nothing else."""
    name = f"{model_name}-ref-{uuid.uuid4().hex[:6]}"
    mlflow_client.create_registered_model(name)
    yield name
    mlflow_client.delete_registered_model(name)


def _run_with(mlflow_client: Any, experiment: str, reference: str | None) -> str:
    experiment_id = (
        mlflow_client.get_experiment_by_name(experiment)
        or mlflow_client.get_experiment(mlflow_client.create_experiment(experiment))
    ).experiment_id
    run_id = str(mlflow_client.create_run(experiment_id).info.run_id)
    if reference is not None:
        mlflow_client.log_text(run_id, reference, REFERENCE_ARTIFACT)
    mlflow_client.set_terminated(run_id)
    return run_id


def _promote(mlflow_client: Any, name: str, run_id: str | None) -> str:
    version = mlflow_client.create_model_version(
        name, source=f"runs:/{run_id}/model" if run_id else "s3://nowhere/model", run_id=run_id
    )
    mlflow_client.set_registered_model_alias(name, registry.PRODUCTION, version.version)
    return str(version.version)


def _references(mlflow_uri: str, name: str, **kwargs: Any) -> RegistryReferences:
    return RegistryReferences(
        tracking_uri=mlflow_uri, model_name=name, thresholds=DriftThresholds(), **kwargs
    )


async def test_production_sample_becomes_a_cached_detector(
    mlflow_client: Any, mlflow_uri: str, drift_model: DriftModel
) -> None:
    references = _references(mlflow_uri, drift_model.name)
    reference = await references.production()

    assert reference is not None and reference.detector is not None
    assert reference.version == drift_model.version and reference.problem is None
    assert reference.detector.columns == ["idade", "renda_anual", "probability"]
    run_id = mlflow_client.get_model_version(drift_model.name, drift_model.version).run_id
    sample = mlflow_client.download_artifacts(run_id, REFERENCE_ARTIFACT)
    assert reference.size == len(pd.read_csv(sample)) >= 3_000
    assert await references.production() is reference


async def test_the_alias_is_followed_and_old_versions_leave_the_cache(
    mlflow_client: Any, mlflow_uri: str, scratch_model: str, drift_model: DriftModel
) -> None:
    run_id = mlflow_client.get_model_version(drift_model.name, drift_model.version).run_id
    first = _promote(mlflow_client, scratch_model, run_id)
    references = _references(mlflow_uri, scratch_model, cache_size=1)
    before = await references.production()
    second = _promote(mlflow_client, scratch_model, run_id)
    after = await references.production()
    assert before is not None and after is not None
    assert (before.version, after.version) == (first, second)
    mlflow_client.set_registered_model_alias(scratch_model, registry.PRODUCTION, first)
    again = await references.production()
    assert again is not None and again.version == first and again is not before


async def test_no_production_alias_is_none(mlflow_uri: str, mlflow_client: Any) -> None:
    assert await _references(mlflow_uri, f"absent-{uuid.uuid4().hex[:8]}").production() is None


async def test_a_missing_sample_is_reported_then_found_once_logged(
    mlflow_client: Any, mlflow_uri: str, scratch_model: str
) -> None:
    run_id = _run_with(mlflow_client, scratch_model, reference=None)
    version = _promote(mlflow_client, scratch_model, run_id)
    references = _references(mlflow_uri, scratch_model)

    missing = await references.production()
    assert missing is not None and missing.version == version and missing.detector is None
    assert missing.problem == f"run {run_id} has no {REFERENCE_ARTIFACT}"
    rows = "\n".join(f"{30 + i % 40},{20_000 + 100 * i},{i / 300}" for i in range(300))
    mlflow_client.log_text(run_id, f"idade,renda_anual,probability\n{rows}\n", REFERENCE_ARTIFACT)
    found = await references.production()
    assert found is not None and found.detector is not None and found.size == 300


@pytest.mark.parametrize(
    ("sample", "problem"),
    [
        ("idade,renda_anual\n30,1000\n", "lacks column(s): probability"),
        ("idade,renda_anual,probability\nthirty,1000,0.5\n", "is unusable"),
    ],
)
async def test_an_unusable_sample_is_a_problem_not_an_error(
    mlflow_client: Any, mlflow_uri: str, scratch_model: str, sample: str, problem: str
) -> None:
    _promote(mlflow_client, scratch_model, _run_with(mlflow_client, scratch_model, sample))
    reference = await _references(mlflow_uri, scratch_model).production()
    assert reference is not None and reference.detector is None
    assert reference.problem is not None and problem in reference.problem


async def test_a_version_without_a_run(
    mlflow_client: Any, mlflow_uri: str, scratch_model: str
) -> None:
    _promote(mlflow_client, scratch_model, None)
    reference = await _references(mlflow_uri, scratch_model).production()
    assert reference is not None and reference.problem == "the version has no training run"


async def test_an_unreachable_registry_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    references = _references("http://127.0.0.1:9", "any")
    with pytest.raises(RegistryUnavailable) as raised:
        await references.production()
    assert raised.value.status_code == 503 and raised.value.error_type == "registry_unavailable"
