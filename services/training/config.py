"""Training settings."""

from pydantic import Field

from shared.config import BaseServiceSettings


class TrainingSettings(BaseServiceSettings):
    """Environment for the training service (names are the env variables, upper-cased)."""

    inference_url: str = "http://127.0.0.1:8001"
    training_seed: int = 42
    training_primary_metric: str = "roc_auc"
    training_min_improvement: float = Field(default=0.0, ge=0)
    training_accuracy_floor: float = Field(default=0.85, ge=0, le=1)
