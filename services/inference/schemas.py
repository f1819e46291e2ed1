"""Inference-local response models."""

from pydantic import BaseModel


class ReloadResponse(BaseModel):
    swapped: dict[str, bool]
    versions: dict[str, str | None]
    last_error: str | None = None
