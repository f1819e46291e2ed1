"""Inference settings."""

from pydantic import Field

from shared.config import BaseServiceSettings


class InferenceSettings(BaseServiceSettings):
    """Environment for the inference service (names are the env variables, upper-cased)."""

    inference_reload_interval_s: float = Field(default=10.0, gt=0)
    inference_batch_max_size: int = Field(default=256, ge=1)
    inference_log_batch_size: int = Field(default=2000, ge=1)
    inference_log_flush_interval_s: float = Field(default=0.2, gt=0)
    inference_log_max_pending: int = Field(default=200_000, ge=1_000)
    inference_log_predictions: bool = True
    # The prediction line carries the customer's inputs (personal data) unless this is off.
    inference_log_inputs: bool = True
    inference_threshold: float = Field(default=0.5, gt=0, lt=1)
    inference_shadow_max_pending: int = Field(default=10_000, ge=1)
    inference_shadow_batch_size: int = Field(default=512, ge=1)
    inference_shadow_linger_s: float = Field(default=0.05, ge=0, le=5)
    # Score through the thin ASGI entries; off = plain FastAPI routes (same behaviour).
    inference_fast_path: bool = True
