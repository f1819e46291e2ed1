"""Registered model versions for experiment tests: a production model and a challenger.

Each version is a candidate pipeline fitted on seeded synthetic customers and logged the way
training logs models (skops, pinned requirements), so inference loads it like any other.
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import mlflow
import mlflow.sklearn

from services.training import synthetic
from services.training.modeling import candidates
from shared import registry
from shared.contract import FEATURES, LABEL
from shared.repositories import experiments
from shared.repositories.experiments import ExperimentRow


@dataclass(frozen=True)
class AbModels:
    tracking_uri: str
    name: str
    production: str
    challenger: str


def register_model(
    tracking_uri: str,
    name: str,
    model: Any,
    *,
    experiment: str,
    run_name: str,
    metrics: dict[str, float],
) -> str:
    """Log a fitted pipeline as training does (skops, pinned requirements), register it under
    `name` and return the version."""
    registry.configure_mlflow(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name):
        mlflow.log_metrics(metrics)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            pip_requirements=candidates.model_pip_requirements(),
            skops_trusted_types=registry.SKOPS_TRUSTED_TYPES,
        )
    return str(mlflow.register_model(info.model_uri, name).version)


def register_version(*, tracking_uri: str, name: str, family: str, seed: int) -> str:
    """Fit candidate `family` on synthetic customers and register it; returns the version."""
    frame = synthetic.generate_customers(3_000, seed=seed)
    model = candidates.build_candidates(seed=seed)[family]
    model.fit(candidates.feature_frame(frame[list(FEATURES)]), frame[LABEL].to_numpy())
    return register_model(
        tracking_uri,
        name,
        model,
        experiment=f"{name}-fixtures",
        run_name=family,
        metrics={"seed": seed},
    )


@functools.cache
def ab_models(tracking_uri: str, base_name: str) -> AbModels:
    """Two versions of a model of its own (`<base_name>-ab`), the first in production."""
    name = f"{base_name}-ab"
    production = register_version(
        tracking_uri=tracking_uri, name=name, family="logistic_regression", seed=1
    )
    challenger = register_version(
        tracking_uri=tracking_uri, name=name, family="hist_gradient_boosting", seed=2
    )
    registry.client(tracking_uri).set_registered_model_alias(name, registry.PRODUCTION, production)
    return AbModels(
        tracking_uri=tracking_uri, name=name, production=production, challenger=challenger
    )


@functools.cache
def extra_version(tracking_uri: str, name: str) -> str:
    """One more registered version of `name` (production untouched): a challenger for it."""
    return register_version(
        tracking_uri=tracking_uri, name=name, family="logistic_regression", seed=3
    )


async def begin_experiment(
    pool: asyncpg.Pool, models: AbModels, *, mode: str = "ab", traffic: float = 0.2
) -> ExperimentRow:
    """Record a running experiment and point `challenger` at its version, as training does."""
    row = ExperimentRow(
        id=uuid.uuid4(),
        model_name=models.name,
        production_version=models.production,
        challenger_version=models.challenger,
        traffic=traffic if mode == "ab" else 0.0,
        mode=mode,
        started_at=datetime.now(UTC),
        ended_at=None,
        outcome=None,
    )
    client = registry.client(models.tracking_uri)
    client.set_registered_model_alias(models.name, registry.CHALLENGER, models.challenger)
    assert await experiments.insert_experiment(pool, row)
    return row


async def finish_experiment(pool: asyncpg.Pool, models: AbModels) -> None:
    """End whatever experiment runs for the model and remove its `challenger` alias."""
    await experiments.end_active(pool, model_name=models.name, outcome="stopped")
    client = registry.client(models.tracking_uri)
    aliases = client.get_registered_model(models.name).aliases
    if registry.CHALLENGER in aliases:
        client.delete_registered_model_alias(models.name, registry.CHALLENGER)
