"""Which model versions this replica serves, and the atomic swap when an alias moves."""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio
import numpy as np
from prometheus_client import Counter, Gauge

from services.inference.compiled import ONNX_ARTIFACT, TOLERANCE, OnnxModel, disagreement
from shared import registry
from shared.contract import FEATURES

logger = logging.getLogger(__name__)

MODEL_VERSION = Gauge(
    "inference_model_version", "Registry version loaded per alias", ["model", "alias"]
)
MODEL_LOAD_FAILURES = Counter(
    "inference_model_load_failures_total", "Model loads that failed (the old model kept serving)"
)
MODEL_RUNTIME = Gauge(
    "inference_model_runtime",
    "1 for the runtime scoring each alias: onnx (verified compiled form) or sklearn",
    ["alias", "runtime"],
)

# After failed reloads the poll interval doubles, up to this many times the configured one:
# a registry that is down is asked less often, and a promotion is still seen within a minute
# of it coming back (at the default 10 s interval).
MAX_BACKOFF_FACTOR = 6

# A representative customer used to warm a freshly loaded model before it takes traffic.
_WARMUP = np.array([[35.0, 85_000.0]])


@dataclass(frozen=True)
class LoadedModel:
    """An immutable, ready-to-serve model version; requests keep the one they started with."""

    name: str
    version: str
    alias: str
    estimator: Any
    run_id: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    compiled: OnnxModel | None = None
    runtime_note: str = "sklearn"

    @property
    def runtime(self) -> str:
        return "sklearn" if self.compiled is None else "onnx"

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        """Probability of purchase for an (n, 2) float64 array in FEATURES order."""
        if self.compiled is not None:
            return self.compiled.predict_proba(rows)
        return np.asarray(self.estimator.predict_proba(rows)[:, 1], dtype=float)


@dataclass
class RegistrySource:
    """Reads aliases and loads versions from the MLflow server (blocking; run in a thread)."""

    tracking_uri: str
    loader: Callable[..., Any] = registry.load_sklearn

    def resolve(self, *, name: str, alias: str) -> registry.VersionInfo | None:
        return registry.resolve_alias(registry.client(self.tracking_uri), name=name, alias=alias)

    def load(self, *, info: registry.VersionInfo, alias: str) -> LoadedModel:
        estimator = self.loader(name=info.name, version=info.version)
        metrics: dict[str, float] = {}
        if info.run_id:
            run = registry.client(self.tracking_uri).get_run(info.run_id)
            metrics = {k: float(v) for k, v in run.data.metrics.items()}
        compiled, note = self.compile(info, estimator)
        model = LoadedModel(
            name=info.name,
            version=info.version,
            alias=alias,
            estimator=estimator,
            run_id=info.run_id,
            metrics=metrics,
            compiled=compiled,
            runtime_note=note,
        )
        model.predict_proba(_WARMUP)  # warm caches; also proves the artefact can predict
        return model

    def compile(self, info: registry.VersionInfo, estimator: Any) -> tuple[OnnxModel | None, str]:
        """The run's ONNX form if it agrees with sklearn on the stored examples, and why (not)."""
        if not info.run_id:
            return None, "sklearn: the version has no training run"
        try:
            payload = self._artifact(info.run_id, ONNX_ARTIFACT)
            rows = _verification_rows(self._artifact(info.run_id, registry.REFERENCE_ARTIFACT))
        except FileNotFoundError as exc:
            return None, f"sklearn: the run has no {exc}"
        try:
            compiled = OnnxModel(payload)
            gap = disagreement(compiled, estimator, rows)
        except Exception as exc:  # a broken compiled form must not block the sklearn one
            return None, f"sklearn: the ONNX form is unusable: {type(exc).__name__}: {exc}"[:300]
        if not gap <= TOLERANCE:
            return None, f"sklearn: ONNX differs from sklearn by {gap:.2e} (> {TOLERANCE:g})"
        return compiled, f"onnx: agrees with sklearn within {gap:.1e} on {len(rows)} rows"

    def _artifact(self, run_id: str, path: str) -> bytes:
        return registry.read_run_artifact(self.tracking_uri, run_id=run_id, path=path)


class ModelHolder:
    """Holds the loaded model per alias; `refresh` swaps in a new version only once it works."""

    def __init__(self, *, source: RegistrySource, model_name: str) -> None:
        self.source = source
        self.model_name = model_name
        self._models: dict[str, LoadedModel] = {}
        self.last_error: str | None = None
        self.failures = 0  # consecutive failed refreshes, whatever the alias
        self._lock = anyio.Lock()

    def get(self, alias: str) -> LoadedModel | None:
        """The model serving `alias`, if any."""
        return self._models.get(alias)

    def retry_delay(self, interval_s: float) -> float:
        """Seconds until the next registry poll: doubled per failed refresh, capped."""
        return interval_s * min(2**self.failures, MAX_BACKOFF_FACTOR)

    async def refresh(self, alias: str = registry.PRODUCTION) -> bool:
        """Follow `alias` in the registry; True if a new version was swapped in."""
        async with self._lock:
            try:
                info = await anyio.to_thread.run_sync(
                    lambda: self.source.resolve(name=self.model_name, alias=alias)
                )
                self._answered()
                current = self._models.get(alias)
                if info is None or (current and current.version == info.version):
                    return False
                loaded = await anyio.to_thread.run_sync(
                    lambda: self.source.load(info=info, alias=alias)
                )
            except Exception as exc:  # any load failure keeps the old model serving
                self._failed(alias, exc)
                return False
            self._models[alias] = loaded
            self.last_error = None
            MODEL_VERSION.labels(self.model_name, alias).set(_numeric(loaded.version))
            for runtime in ("onnx", "sklearn"):
                MODEL_RUNTIME.labels(alias, runtime).set(int(loaded.runtime == runtime))
            logger.info(
                "model swapped",
                extra={
                    "alias": alias,
                    "from_version": current and current.version,
                    "model_version": loaded.version,
                    "runtime": loaded.runtime,
                    "runtime_note": loaded.runtime_note,
                },
            )
            return True

    def _answered(self) -> None:
        if self.failures:
            logger.info("model registry answers again", extra={"failures": self.failures})
        self.failures = 0

    def _failed(self, alias: str, exc: Exception) -> None:
        MODEL_LOAD_FAILURES.inc()
        self.failures += 1
        self.last_error = f"{type(exc).__name__}: {exc}"[:500]
        logger.error(
            "model refresh failed",
            extra={"alias": alias, "error": self.last_error, "failures": self.failures},
        )

    def drop(self, alias: str) -> None:
        """Stop serving `alias` (e.g. an experiment ended)."""
        if self._models.pop(alias, None) is not None:
            MODEL_VERSION.labels(self.model_name, alias).set(0)


def _numeric(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 0.0


def _verification_rows(reference_csv: bytes) -> np.ndarray:
    """The reference sample's inputs (the input example is its first rows)."""
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(reference_csv))
    return np.ascontiguousarray(frame[list(FEATURES)].to_numpy(dtype=np.float64))


def as_rows(instances: list[tuple[int, float]]) -> np.ndarray:
    """Customers as the (n, 2) float array the model takes, in FEATURES order."""
    return np.asarray(instances, dtype=float).reshape(-1, len(FEATURES))
