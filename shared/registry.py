"""MLflow registry access shared by inference, training and drift (aliases, never stages)."""

import os
import tempfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

PRODUCTION = "production"
CHALLENGER = "challenger"
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


def resolve_alias(mlflow_client: Any, *, name: str, alias: str) -> VersionInfo | None:
    """The version an alias points at, or None when the model or alias does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        mv = mlflow_client.get_model_version_by_alias(name, alias)
    except MlflowException as exc:
        if _is_not_found(exc):
            return None
        raise
    return VersionInfo(name=name, version=str(mv.version), run_id=mv.run_id, tags=dict(mv.tags))


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


def _is_not_found(exc: Exception) -> bool:
    code = getattr(exc, "error_code", "")
    return code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE")
