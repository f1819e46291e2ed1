"""Errors the training service answers with (all render the shared error body)."""

from typing import Any

from shared.errors import (
    BadRequest,
    Conflict,
    NotFound,
    ServiceError,
    ServiceUnavailable,
    UnprocessableEntity,
)


class TrainingInProgress(Conflict):
    """A job is already queued or running; `details.job_id` names it."""

    error_type = "training_in_progress"

    def __init__(self, job_id: str) -> None:
        super().__init__(
            f"training job {job_id} is already queued or running", details={"job_id": job_id}
        )


class JobNotFound(NotFound):
    error_type = "job_not_found"


class ModelVersionNotFound(NotFound):
    error_type = "model_version_not_found"


class PromotionRefused(Conflict):
    """The candidate did not pass the promotion gate (or could not be compared)."""

    error_type = "promotion_refused"


class NothingToRollBack(Conflict):
    error_type = "no_previous_version"


class RegistryUnavailable(ServiceUnavailable):
    error_type = "registry_unavailable"


class CsvRefused(UnprocessableEntity):
    """The body as a whole is not an acceptable CSV (header, encoding, structure)."""

    error_type = "invalid_csv"


class UnsupportedMediaType(ServiceError):
    status_code = 415
    error_type = "unsupported_media_type"

    def __init__(self, content_type: str | None, **kwargs: Any) -> None:
        super().__init__(
            f"expected a text/csv body, got {content_type or 'no content type'}", **kwargs
        )


class UploadInterrupted(BadRequest):
    error_type = "upload_interrupted"
