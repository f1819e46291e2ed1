"""Registry calls from async code: run off the event loop, failures mapped to service errors."""

import functools
from collections.abc import Callable
from typing import TypeVar

import anyio

from services.training.config import TrainingSettings
from services.training.errors import ModelVersionNotFound, RegistryUnavailable
from shared import registry

T = TypeVar("T")


async def in_registry_thread(call: Callable[[], T], *, what: str) -> T:
    """Run a blocking MLflow call in a worker thread; not found → 404, any other failure → 503."""
    from mlflow.exceptions import MlflowException

    try:
        return await anyio.to_thread.run_sync(call)
    except MlflowException as exc:
        if registry.is_not_found(exc):
            raise ModelVersionNotFound(f"{what} not found in the model registry") from exc
        raise RegistryUnavailable(f"model registry failed on {what}: {exc.message[:200]}") from exc
    except OSError as exc:
        raise RegistryUnavailable(f"model registry unreachable on {what}") from exc


def current_production(settings: TrainingSettings) -> registry.VersionInfo | None:
    """The version behind the production alias, or None (blocking: call in a thread)."""
    return registry.production_version(settings.mlflow_tracking_uri, name=settings.model_name)


async def read_production(settings: TrainingSettings) -> registry.VersionInfo | None:
    """The version behind the production alias, read off the event loop."""
    return await in_registry_thread(
        functools.partial(current_production, settings), what="production"
    )


async def require_version(settings: TrainingSettings, version: str) -> None:
    """ModelVersionNotFound unless `version` is registered under this service's model."""
    await in_registry_thread(
        functools.partial(
            registry.require_version,
            settings.mlflow_tracking_uri,
            name=settings.model_name,
            version=version,
        ),
        what=f"model version {version}",
    )
