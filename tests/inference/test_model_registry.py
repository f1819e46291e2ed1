"""Loading from the real MLflow registry; a failed load keeps the old model."""

import dataclasses
from typing import Any

import numpy as np
import pytest

from services.inference.model_registry import ModelHolder, RegistrySource
from shared import registry


async def test_loads_production_and_predicts(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    holder = ModelHolder(source=RegistrySource(mlflow_uri), model_name=model_name)
    assert await holder.refresh() is True
    model = holder.get(registry.PRODUCTION)
    assert model is not None and model.version == trained_model
    assert model.metrics["holdout_accuracy"] > 0.8
    probabilities = model.predict_proba(np.array([[30.0, 5_000.0], [45.0, 400_000.0]]))
    assert probabilities[0] < 0.5 < probabilities[1]
    # Same version behind the alias: nothing to swap.
    assert await holder.refresh() is False


async def test_a_failed_load_keeps_the_old_model(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    holder = ModelHolder(source=RegistrySource(mlflow_uri), model_name=model_name)
    await holder.refresh()
    before = holder.get(registry.PRODUCTION)

    def corrupt_loader(**_: Any) -> Any:
        raise OSError("artifact store unreachable")

    # Pretend the alias moved, and make the next load fail.
    assert before is not None
    holder._models[registry.PRODUCTION] = dataclasses.replace(before, version="0")
    holder.source = RegistrySource(mlflow_uri, loader=corrupt_loader)
    assert await holder.refresh() is False
    assert holder.get(registry.PRODUCTION).version == "0"  # type: ignore[union-attr]
    assert "artifact store unreachable" in (holder.last_error or "")


async def test_unknown_model_means_nothing_loaded(mlflow_uri: str) -> None:
    holder = ModelHolder(source=RegistrySource(mlflow_uri), model_name="no-such-model-anywhere")
    assert await holder.refresh() is False
    assert holder.get(registry.PRODUCTION) is None


async def test_unreachable_registry_is_recorded_not_raised() -> None:
    from ops.devstack import free_port

    holder = ModelHolder(source=RegistrySource(f"http://127.0.0.1:{free_port()}"), model_name="m")
    assert await holder.refresh() is False
    assert holder.last_error
    with pytest.raises(KeyError):
        holder._models["production"]


async def test_serves_the_onnx_form_once_it_agrees_with_sklearn(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    holder = ModelHolder(source=RegistrySource(mlflow_uri), model_name=model_name)
    await holder.refresh()
    model = holder.get(registry.PRODUCTION)
    assert model is not None and model.runtime == "onnx", model and model.runtime_note
    rows = np.array([[30.0, 5_000.0], [45.0, 400_000.0], [67.0, 81_234.56]])
    expected = model.estimator.predict_proba(rows)[:, 1]
    assert np.max(np.abs(model.predict_proba(rows) - expected)) <= 1e-6


class _SwappedOnnx(RegistrySource):
    """Serves another model's ONNX form, or none, in place of the run's own."""

    def __init__(self, tracking_uri: str, payload: bytes | None) -> None:
        super().__init__(tracking_uri)
        self.payload = payload

    def _artifact(self, run_id: str, path: str) -> bytes:
        if path.endswith(".onnx"):
            if self.payload is None:
                raise FileNotFoundError(path)
            return self.payload
        return super()._artifact(run_id, path)


async def test_disagreeing_or_missing_onnx_falls_back_to_sklearn(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    from services.training import synthetic
    from services.training.modeling import candidates
    from services.training.modeling.onnx_export import export_onnx

    frame = synthetic.generate_customers(800, seed=3)
    X, y = candidates.features_and_target(frame)
    other = candidates.build_candidates(seed=3)["logistic_regression"].fit(X, 1 - y)
    for payload, note in ((export_onnx(other), "differs"), (None, "has no")):
        holder = ModelHolder(source=_SwappedOnnx(mlflow_uri, payload), model_name=model_name)
        assert await holder.refresh() is True
        model = holder.get(registry.PRODUCTION)
        assert model is not None and model.runtime == "sklearn"
        assert note in model.runtime_note
        assert 0.0 <= model.predict_proba(np.array([[35.0, 85_000.0]]))[0] <= 1.0


async def test_polls_back_off_while_the_registry_fails_and_reset_once_it_answers(
    mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    from ops.devstack import free_port

    down = RegistrySource(f"http://127.0.0.1:{free_port()}")
    holder = ModelHolder(source=down, model_name=model_name)
    assert holder.retry_delay(10.0) == 10.0
    delays = []
    for _ in range(4):
        await holder.refresh()
        delays.append(holder.retry_delay(10.0))
    assert delays == [20.0, 40.0, 60.0, 60.0]
    holder.source = RegistrySource(mlflow_uri)
    assert await holder.refresh() is True
    assert holder.retry_delay(10.0) == 10.0
