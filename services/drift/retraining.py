"""Asking the training service for a new model; every outcome is an answer, never an exception."""

import logging
from dataclasses import asdict, dataclass
from typing import Any, Literal

import httpx

logger = logging.getLogger(__name__)

RequestOutcome = Literal["training_requested", "training_busy", "training_unavailable"]
# The training service keeps at most this much of a reason; the report keeps all of it.
MAX_REASON_CHARS = 500


@dataclass(frozen=True)
class TrainingAnswer:
    """What training said to a job request, as the action a report records."""

    action: RequestOutcome
    job_id: str | None = None
    status_code: int | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The answer for the report's details."""
        return {key: value for key, value in asdict(self).items() if value is not None}


class TrainingClient:
    """`POST {TRAINING_URL}/v1/training/jobs` with a reason, over the pooled client."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")

    async def request_job(self, *, reason: str) -> TrainingAnswer:
        """Ask for a training job: started, busy (one is queued or running) or unavailable."""
        try:
            response = await self.client.post(
                f"{self.base_url}/v1/training/jobs",
                json={"reason": reason[:MAX_REASON_CHARS]},
            )
        except httpx.HTTPError as exc:
            logger.warning("training unreachable", extra={"reason": type(exc).__name__})
            return TrainingAnswer("training_unavailable", error=type(exc).__name__)
        body = _json_object(response)
        if response.status_code == 409:
            details = _error(body).get("details")
            job_id = details.get("job_id") if isinstance(details, dict) else None
            return TrainingAnswer("training_busy", _text(job_id), 409, _error_type(body))
        if response.is_success and body.get("job_id"):
            return TrainingAnswer("training_requested", _text(body["job_id"]), response.status_code)
        logger.warning("training refused a job", extra={"status": response.status_code})
        return TrainingAnswer(
            "training_unavailable",
            status_code=response.status_code,
            error=_error_type(body) or "unexpected answer",
        )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(body: dict[str, Any]) -> dict[str, Any]:
    error = body.get("error")
    return error if isinstance(error, dict) else {}


def _error_type(body: dict[str, Any]) -> str | None:
    return _text(_error(body).get("type"))


def _text(value: object) -> str | None:
    return None if value is None else str(value)
