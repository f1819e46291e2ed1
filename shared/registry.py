"""MLflow registry access for every service: each alias read and alias move lives here.

Aliases, never stages. Every function is blocking (the MLflow client is synchronous): async
callers run them in a worker thread.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

PRODUCTION = "production"
CHALLENGER = "challenger"
# Tag on a promoted version naming the one it replaced: rollback follows it back.
PREVIOUS_PRODUCTION_TAG = "previous_production"
# Every training run logs a sample of its inputs with the model's probabilities here; drift
# compares live traffic with it.
REFERENCE_ARTIFACT = "reference/reference.csv"
# The error codes with which the MLflow server says "no such model, version or artifact".
NOT_FOUND_CODES = frozenset({"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"})
# MLflow's SQL store answers a missing alias (on an existing model) with this code instead.
_MISSING_ALIAS_CODE = "INVALID_PARAMETER_VALUE"
# The only types a stored model may contain beyond skops' defaults. The loader uses this
# list, not the one the artifact declares, so a tampered artifact cannot widen it.
SKOPS_TRUSTED_TYPES: list[str] = [
    "numpy.asarray",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A registered model version behind an alias."""

    name: str
    version: str
    run_id: str | None
    tags: dict[str, str]


def configure_mlflow(tracking_uri: str, *, timeout_s: int = 10, max_retries: int = 2) -> None:
    """Point MLflow at the server and bound its retries so a down server fails fast."""
    # MLflow's defaults retry for minutes; a service must report "unavailable" promptly.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", str(max_retries))
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(timeout_s))
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)


def client(tracking_uri: str) -> Any:
    """A registry client bound to one server."""
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def is_not_found(exc: Exception) -> bool:
    """Whether an MLflow error says the thing asked for does not exist."""
    return getattr(exc, "error_code", "") in NOT_FOUND_CODES


def resolve_alias(mlflow_client: Any, *, name: str, alias: str) -> VersionInfo | None:
    """The version an alias points at, or None when the model or alias does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        mv = mlflow_client.get_model_version_by_alias(name, alias)
    except MlflowException as exc:
        if is_not_found(exc) or exc.error_code == _MISSING_ALIAS_CODE:
            return None
        raise
    return VersionInfo(name=name, version=str(mv.version), run_id=mv.run_id, tags=dict(mv.tags))


def production_version(tracking_uri: str, *, name: str) -> VersionInfo | None:
    """The version behind `production`, or None when nothing is in production."""
    return resolve_alias(client(tracking_uri), name=name, alias=PRODUCTION)


def require_version(tracking_uri: str, *, name: str, version: str) -> None:
    """Raise MLflow's not-found error unless `version` of `name` is registered."""
    client(tracking_uri).get_model_version(name, version)


def point_production(
    tracking_uri: str, *, name: str, version: str, replaced: str | None, rollback: bool = False
) -> None:
    """Write the `production` alias; only the training service's `move_production` calls this.

    A promotion tags `version` with the version it replaces, so a rollback can walk back. A
    rollback stamps the replaced version instead: the target keeps its own tag, so rolling
    back again walks further.
    """
    registry = client(tracking_uri)
    if not rollback and replaced and replaced != version:
        registry.set_model_version_tag(name, version, PREVIOUS_PRODUCTION_TAG, replaced)
    registry.set_registered_model_alias(name, PRODUCTION, version)
    if rollback and replaced:
        registry.set_model_version_tag(
            name, replaced, "rolled_back_at", datetime.now(UTC).isoformat()
        )


def point_challenger(tracking_uri: str, *, name: str, version: str) -> None:
    """Make `version` the challenger; MLflow's not-found error when it is not registered."""
    registry = client(tracking_uri)
    registry.get_model_version(name, version)
    registry.set_registered_model_alias(name, CHALLENGER, version)


def drop_challenger(tracking_uri: str, *, name: str) -> None:
    """Remove the challenger alias; nothing to do when it (or the model) is gone already."""
    from mlflow.exceptions import MlflowException

    try:
        client(tracking_uri).delete_registered_model_alias(name, CHALLENGER)
    except MlflowException as exc:
        if not is_not_found(exc):
            raise


def load_sklearn(*, name: str, version: str) -> Any:
    """Load a registered sklearn model (skops format) by exact version."""
    import mlflow.artifacts

    with tempfile.TemporaryDirectory(prefix="model-") as folder:
        local = mlflow.artifacts.download_artifacts(f"models:/{name}/{version}", dst_path=folder)
        return load_skops_model(local)


def load_skops_model(model_dir: str | PathLike[str]) -> Any:
    """Load an MLflow sklearn model folder saved with skops, trusting only SKOPS_TRUSTED_TYPES."""
    import skops.io
    from mlflow.models import Model

    flavor = Model.load(Path(model_dir) / "MLmodel").flavors["sklearn"]
    if flavor.get("serialization_format") != "skops":
        raise ValueError(f"expected a skops model, got {flavor.get('serialization_format')!r}")
    return skops.io.load(Path(model_dir) / flavor["pickled_model"], trusted=SKOPS_TRUSTED_TYPES)


def read_run_artifact(tracking_uri: str, *, run_id: str, path: str) -> bytes:
    """The bytes of one artifact of a run; FileNotFoundError when the run has no such file."""
    import mlflow.artifacts

    with tempfile.TemporaryDirectory(prefix="artifact-") as folder:
        try:
            local = mlflow.artifacts.download_artifacts(
                run_id=run_id, artifact_path=path, dst_path=folder, tracking_uri=tracking_uri
            )
        except Exception as exc:  # the client's errors differ by store; sort them by code
            if is_not_found(exc):
                raise FileNotFoundError(path) from exc
            raise
        return Path(local).read_bytes()
