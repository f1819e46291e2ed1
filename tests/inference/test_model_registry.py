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
