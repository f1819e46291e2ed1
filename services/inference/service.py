"""Scoring: pick the variant, score through the micro-batcher, answer, log off the path."""

import functools
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from prometheus_client import Counter, Histogram

from services.inference.batching import MicroBatcher
from services.inference.errors import ModelNotLoaded
from services.inference.experiments import ExperimentState, Route, assignment_unit
from services.inference.model_registry import ModelHolder, as_rows
from services.inference.prediction_log import PredictionLogWriter
from services.inference.shadow import ShadowScorer
from shared.context import request_id_var
from shared.pseudonym import storable_customer_id
from shared.registry import PRODUCTION
from shared.repositories.predictions import PredictionRow
from shared.schemas import ModelRef, PredictionResponse, PredictRequest, Variant
from shared.service_auth import caller_var
from shared.tracing import span

logger = logging.getLogger("services.inference.predictions")

PREDICTIONS = Counter(
    "inference_predictions_total", "Predictions served", ["variant", "model_version"]
)
LATENCY = Histogram(
    "inference_prediction_latency_seconds",
    "Time to score one request inside the service (once per request; a batch counts once)",
    ["variant"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
# The plan's name: how sure the model is of the label it gave, max(p, 1 - p).
ML_CONFIDENCE = Histogram(
    "ml_prediction_confidence",
    "Probability of the predicted label",
    ["variant"],
    buckets=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
)
CONFIDENCE = Histogram(
    "inference_prediction_probability",
    "Predicted purchase probability",
    ["variant"],
    buckets=tuple(i / 10 for i in range(1, 11)),
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asked, as far as inference needs to know: never a raw username."""

    request_id: str | None
    subject: str | None

    @classmethod
    def current(cls) -> "Caller":
        """The request being handled: its id, and the user its service credential names."""
        caller = caller_var.get()
        return cls(request_id_var.get(), caller.subject if caller is not None else None)


@dataclass
class Scorer:
    """Everything a prediction needs, built once in the lifespan."""

    holder: ModelHolder
    batcher: MicroBatcher
    log_writer: PredictionLogWriter
    threshold: float = 0.5
    log_each: bool = True
    log_inputs: bool = True
    experiments: ExperimentState | None = None
    shadow: ShadowScorer | None = None

    def model_for(self, *, request: PredictRequest, caller: Caller) -> Route:
        """The model that answers this request (and the one that shadows it, if any)."""
        model = self.holder.get(PRODUCTION)
        if model is None:
            raise ModelNotLoaded(PRODUCTION)
        if self.experiments is None:
            return Route(model)
        unit = assignment_unit(
            customer_id=request.customer_id, subject=caller.subject, request_id=caller.request_id
        )
        return self.experiments.route(production=model, unit=unit)


async def predict_one(
    *, scorer: Scorer, request: PredictRequest, caller: Caller
) -> PredictionResponse:
    """Score one customer."""
    started = time.perf_counter()
    await scorer.log_writer.room(1)
    route = scorer.model_for(request=request, caller=caller)
    with span("inference.model", runtime=route.model.runtime):
        if route.model.compiled is not None:
            # ~15 µs inline: cheaper than any queue (micro-batching measured slower here).
            row = np.array([[request.idade, request.renda_anual]], dtype=np.float64)
            probability = float(route.model.compiled.predict_proba(row)[0])
        else:
            # sklearn costs ~0.5-2 ms per call whatever the rows: group concurrent requests.
            probability = await scorer.batcher.score(
                route.model, request.idade, request.renda_anual
            )
    latency_s = time.perf_counter() - started
    with span("inference.log_enqueue"):
        return _record(scorer, [route], [request], caller, [probability], latency_s)[0]


async def predict_many(
    *, scorer: Scorer, requests: list[PredictRequest], caller: Caller
) -> list[PredictionResponse]:
    """Score a batch in order; each instance is routed like a single request."""
    started = time.perf_counter()
    await scorer.log_writer.room(len(requests))
    routes = [scorer.model_for(request=r, caller=caller) for r in requests]
    probabilities = np.zeros(len(requests))
    by_model: dict[int, list[int]] = {}
    for i, route in enumerate(routes):
        by_model.setdefault(id(route.model), []).append(i)
    with span("inference.model", rows=len(requests)):
        for idx in by_model.values():
            rows = as_rows([(requests[i].idade, requests[i].renda_anual) for i in idx])
            # ≤ 1,000 rows in one call: ~0.3 ms with ONNX, ~2 ms with sklearn; no thread hop.
            probabilities[idx] = routes[idx[0]].model.predict_proba(rows)
    latency_s = (time.perf_counter() - started) / len(requests)  # per row, as stored
    with span("inference.log_enqueue", rows=len(requests)):
        return _record(scorer, routes, requests, caller, probabilities.tolist(), latency_s)


@dataclass(frozen=True, slots=True, eq=False)
class _Served:
    """What every prediction of one model version shares: its reference and its metrics."""

    variant: Variant
    ref: ModelRef
    count: Any
    latency: Any
    confidence: Any
    certainty: Any


@functools.lru_cache(maxsize=64)
def _served(name: str, version: str, variant: Variant) -> _Served:
    # Looking metric children up by label costs more than scoring a row: do it once.
    return _Served(
        variant,
        ModelRef(name=name, version=version, variant=variant),
        PREDICTIONS.labels(variant, version),
        LATENCY.labels(variant),
        CONFIDENCE.labels(variant),
        ML_CONFIDENCE.labels(variant),
    )


def _record(
    scorer: Scorer,
    routes: list[Route],
    requests: list[PredictRequest],
    caller: Caller,
    probabilities: list[float],
    latency_s: float,
) -> list[PredictionResponse]:
    """Count, log and queue each prediction for the prediction log; build the answers."""
    now = datetime.now(UTC)
    ids = _new_ids(len(requests))
    latency_ms = latency_s * 1000
    log_lines = scorer.log_each and logger.isEnabledFor(logging.INFO)
    answers = []
    counts: dict[_Served, int] = {}
    for route, request, probability, prediction_id in zip(
        routes, requests, probabilities, ids, strict=True
    ):
        model = route.model
        served = _served(
            model.name, model.version, "challenger" if model.alias != PRODUCTION else "production"
        )
        label = probability >= scorer.threshold
        counts[served] = counts.get(served, 0) + 1
        served.confidence.observe(probability)
        served.certainty.observe(max(probability, 1 - probability))
        row = PredictionRow(
            id=prediction_id,
            created_at=now,
            model_name=model.name,
            model_version=model.version,
            variant=served.variant,
            shadow=False,
            experiment_id=route.experiment_id,
            idade=request.idade,
            renda_anual=request.renda_anual,
            probability=probability,
            label=label,
            latency_ms=latency_ms,
            request_id=caller.request_id,
            subject=caller.subject,
            customer_id=storable_customer_id(request.customer_id),
        )
        scorer.log_writer.submit(row)
        if route.shadow is not None and scorer.shadow is not None:
            scorer.shadow.submit(row, route.shadow)
        if log_lines:
            _log_line(row, with_inputs=scorer.log_inputs)
        # Built without re-validation: every field comes from this function.
        answers.append(
            PredictionResponse.model_construct(
                prediction_id=prediction_id,
                comprou_produto=label,
                probability=probability,
                model=served.ref,
            )
        )
    for served, count in counts.items():
        served.count.inc(count)
        served.latency.observe(latency_s * count)
    return answers


def _new_ids(n: int) -> list[uuid.UUID]:
    """`n` random (version 4) UUIDs from one read of the OS's random source."""
    pool = os.urandom(16 * n)
    return [uuid.UUID(bytes=pool[i : i + 16], version=4) for i in range(0, 16 * n, 16)]


def _log_line(row: PredictionRow, *, with_inputs: bool) -> None:
    """The plan's prediction line; the caller only as its pseudonym, never a customer id."""
    fields: dict[str, Any] = {
        "event_type": "prediction",
        "prediction_id": str(row.id),
        "prediction": row.label,
        "probability": round(row.probability, 6),
        "confidence": round(max(row.probability, 1 - row.probability), 6),
        "response_time_ms": round(row.latency_ms, 3),
        "model_version": row.model_version,
        "variant": row.variant,
        "request_id": row.request_id,
        "subject": row.subject,
    }
    if with_inputs:  # inputs are personal data: INFERENCE_LOG_INPUTS=false keeps them out
        fields["input"] = {"idade": row.idade, "renda_anual": row.renda_anual}
    logger.info("prediction", extra=fields)
