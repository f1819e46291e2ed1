"""The production version's reference sample, turned into a ready DriftDetector.

Training logs, with every run, the artifact `reference/reference.csv`: a random sample of
its training inputs (up to 5,000 rows) with the model's predicted probability for each.
The alias `production` is resolved on every check (one registry call) so a promotion or a
rollback is seen at once; the sample of a version is downloaded once and its detector kept
(a version's run never changes), for the few most recent versions.
"""

import io
import logging
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Protocol

import anyio
import pandas as pd

from services.drift.detector import DriftDetector, DriftThresholds
from services.drift.errors import RegistryUnavailable
from shared import registry
from shared.contract import FEATURES
from shared.registry import REFERENCE_ARTIFACT

logger = logging.getLogger(__name__)

PREDICTION_COLUMN = "probability"
REFERENCE_COLUMNS = (*FEATURES, PREDICTION_COLUMN)


@dataclass(frozen=True)
class ProductionReference:
    """The production version and its detector; no detector when it has no usable sample."""

    model_name: str
    version: str
    detector: DriftDetector | None
    size: int = 0
    problem: str | None = None
    # When the version's training data was extracted: labels ingested later are new to it.
    data_extracted_at: datetime | None = None
    # The version's holdout calibration error: whether its probabilities back an estimate.
    holdout_ece: float | None = None


class ReferenceSource(Protocol):
    """Where a check gets the production version and its reference."""

    async def production(self) -> ProductionReference | None:
        """The current production version's reference, or None when no version is in production."""
        ...


class RegistryReferences:
    """References read from the MLflow registry, with a per-version cache of detectors."""

    def __init__(
        self,
        *,
        tracking_uri: str,
        model_name: str,
        thresholds: DriftThresholds,
        categorical: Collection[str] = (),
        cache_size: int = 4,
    ) -> None:
        self.tracking_uri = tracking_uri
        self.model_name = model_name
        self.thresholds = thresholds
        self.categorical = tuple(categorical)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, ProductionReference] = OrderedDict()

    async def production(self) -> ProductionReference | None:
        """Resolve `production`, then return its cached detector or build one from its sample."""
        version = await anyio.to_thread.run_sync(self._resolve)
        if version is None:
            return None
        cached = self._cache.get(version.version)
        if cached is not None:
            self._cache.move_to_end(version.version)
            return cached
        reference = await anyio.to_thread.run_sync(partial(self._load, version))
        # A missing sample is not cached: a later check may find it (or the registry back).
        if reference.detector is not None:
            self._cache[version.version] = reference
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return reference

    def _resolve(self) -> registry.VersionInfo | None:
        try:
            return registry.production_version(self.tracking_uri, name=self.model_name)
        except Exception as exc:  # whatever the client raises, the registry is not usable
            raise RegistryUnavailable(
                "model registry unavailable", details={"reason": type(exc).__name__}
            ) from exc

    def _load(self, version: registry.VersionInfo) -> ProductionReference:
        snapshot: datetime | None = None
        ece: float | None = None

        def missing(problem: str) -> ProductionReference:
            logger.warning(
                "no drift reference", extra={"version": version.version, "problem": problem}
            )
            return ProductionReference(
                self.model_name,
                version.version,
                None,
                problem=problem,
                data_extracted_at=snapshot,
                holdout_ece=ece,
            )

        if not version.run_id:
            return missing("the version has no training run")
        snapshot, ece = self._run_facts(version.run_id)
        try:
            frame = self._download(version.run_id)
        except FileNotFoundError:
            return missing(f"run {version.run_id} has no {REFERENCE_ARTIFACT}")
        absent = [name for name in REFERENCE_COLUMNS if name not in frame.columns]
        if absent:
            return missing(f"{REFERENCE_ARTIFACT} lacks column(s): {', '.join(absent)}")
        try:
            detector = DriftDetector(
                {name: frame[name].to_numpy() for name in REFERENCE_COLUMNS},
                thresholds=self.thresholds,
                categorical=self.categorical,
            )
        except ValueError as exc:
            return missing(f"{REFERENCE_ARTIFACT} is unusable: {exc}")
        return ProductionReference(
            self.model_name,
            version.version,
            detector,
            size=len(frame),
            data_extracted_at=snapshot,
            holdout_ece=ece,
        )

    def _run_facts(self, run_id: str) -> tuple[datetime | None, float | None]:
        """The run's `data_extracted_at` param and `holdout_ece` metric, when it has them."""
        try:
            data = registry.client(self.tracking_uri).get_run(run_id).data
            stamp = data.params.get("data_extracted_at")
            ece = data.metrics.get("holdout_ece")
            return (datetime.fromisoformat(stamp) if stamp else None), ece
        except ValueError:
            return None, None
        except Exception as exc:  # the client's errors differ by store; sort them by code
            if registry.is_not_found(exc):
                return None, None
            raise RegistryUnavailable(
                "model registry unavailable", details={"reason": type(exc).__name__}
            ) from exc

    def _download(self, run_id: str) -> pd.DataFrame:
        """The run's reference sample; FileNotFoundError when the run has none."""
        try:
            raw = registry.read_run_artifact(
                self.tracking_uri, run_id=run_id, path=REFERENCE_ARTIFACT
            )
        except FileNotFoundError:
            raise
        except Exception as exc:  # any other failure: the registry is not usable now
            raise RegistryUnavailable(
                "model registry unavailable", details={"reason": type(exc).__name__}
            ) from exc
        return pd.read_csv(io.BytesIO(raw))
