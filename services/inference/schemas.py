"""Inference-local response models."""

from uuid import UUID

from pydantic import BaseModel


class ReloadResponse(BaseModel):
    swapped: dict[str, bool]
    versions: dict[str, str | None]
    last_error: str | None = None
    experiment_id: UUID | None = None
    experiment_mode: str | None = None
