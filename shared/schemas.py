"""Request and response models that cross service boundaries (gateway ↔ internal services)."""

from datetime import datetime
from typing import Annotated, Final, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contract import CustomerFeatures, Text

MAX_BATCH_INSTANCES: Final = 1000

Variant = Literal["production", "challenger"]


class PredictRequest(CustomerFeatures):
    """One customer to score."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"idade": 35, "renda_anual": 85000.0}]},
    )

    customer_id: Annotated[
        Text | None,
        Field(
            default=None,
            min_length=1,
            max_length=128,
            description="Optional stable customer key; A/B assignment sticks to it when given",
        ),
    ] = None


class BatchPredictRequest(BaseModel):
    """Up to MAX_BATCH_INSTANCES customers scored in one call, answered in order."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "instances": [
                        {"idade": 35, "renda_anual": 85000.0},
                        {"idade": 52, "renda_anual": 31000.0, "customer_id": "c-981"},
                    ]
                }
            ]
        },
    )

    instances: list[PredictRequest] = Field(
        min_length=1,
        max_length=MAX_BATCH_INSTANCES,
        description=f"1 to {MAX_BATCH_INSTANCES} customers",
    )


class ModelRef(BaseModel):
    name: str = Field(examples=["comprou-produto"])
    version: str = Field(examples=["3"])
    variant: Variant = Field(examples=["production"])


class PredictionResponse(BaseModel):
    """A scored customer: the decision, its probability and the model that made it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prediction_id": "0b8f0a57-3f5e-4a53-9b58-1e0f6f1f3f7e",
                    "comprou_produto": True,
                    "probability": 0.83,
                    "model": {"name": "comprou-produto", "version": "3", "variant": "production"},
                }
            ]
        }
    )

    prediction_id: UUID
    comprou_produto: bool = Field(description="Predicted purchase (probability ≥ 0.5)")
    probability: float = Field(ge=0.0, le=1.0, description="Probability of purchase")
    model: ModelRef


class BatchPredictionResponse(BaseModel):
    predictions: list[PredictionResponse]


class ServedModel(BaseModel):
    """A model version an inference replica is serving."""

    name: str
    version: str
    variant: Variant
    run_id: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    since: datetime | None = Field(default=None, description="When this replica loaded it")


class ModelsResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "production": {
                        "name": "comprou-produto",
                        "version": "4",
                        "variant": "production",
                        "run_id": "0f3b8c0d2c2c4e5f9a1d7c6b5a4e3d2c",
                        "metrics": {"roc_auc": 0.93, "accuracy": 0.885},
                        "since": "2026-11-30T09:15:02Z",
                    },
                    "challenger": None,
                }
            ]
        }
    )

    production: ServedModel | None
    challenger: ServedModel | None = None
