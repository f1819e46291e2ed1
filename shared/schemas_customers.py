"""Data-subject requests (access and erasure): the gateway's answers and training's input."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.pseudonym import MAX_KEYS

Pseudonym = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,8}:[0-9a-f]{32}$")]


class CustomerLookup(BaseModel):
    """Internal: the customer under every configured key version (never the raw id)."""

    model_config = ConfigDict(extra="forbid")

    pseudonyms: list[Pseudonym] = Field(min_length=1, max_length=MAX_KEYS)


class StoredPrediction(BaseModel):
    prediction_id: UUID
    created_at: datetime
    model_name: str
    model_version: str
    variant: str
    shadow: bool = Field(description="Scored in the shadow of the answering model, not answered")
    experiment_id: UUID | None
    idade: int
    renda_anual: float
    probability: float
    comprou_produto: bool = Field(description="The decision the model gave")
    customer_id: str = Field(description="The stored pseudonym, `<key version>:<hex>`")


class StoredFeedback(BaseModel):
    prediction_id: UUID
    comprou_produto: bool = Field(description="The outcome reported")
    received_at: datetime
    source: str


class LabelledRow(BaseModel):
    id: int
    idade: int
    renda_anual: float
    comprou_produto: bool
    observed_at: datetime
    source: str


class CustomerData(BaseModel):
    """Everything stored about one customer, per table."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_versions": ["v1"],
                    "predictions": [
                        {
                            "prediction_id": "0b8f0a57-3f5e-4a53-9b58-1e0f6f1f3f7e",
                            "created_at": "2026-11-30T12:00:00Z",
                            "model_name": "comprou-produto",
                            "model_version": "3",
                            "variant": "production",
                            "shadow": False,
                            "experiment_id": None,
                            "idade": 35,
                            "renda_anual": 85000.0,
                            "probability": 0.83,
                            "comprou_produto": True,
                            "customer_id": "v1:5f2b6c0d9e8a7b6c5d4e3f2a1b0c9d8e",
                        }
                    ],
                    "feedback": [],
                    "labelled_rows": [],
                }
            ]
        }
    )

    key_versions: list[str] = Field(description="Pseudonym key versions the lookup used")
    predictions: list[StoredPrediction]
    feedback: list[StoredFeedback]
    labelled_rows: list[LabelledRow] = Field(
        description="Training rows made from this customer's reported outcomes"
    )


class ErasureCounts(BaseModel):
    predictions: int
    feedback: int
    features: int


class ErasureReport(BaseModel):
    """What an erasure removed, per table (all in one transaction)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"deleted": {"predictions": 3, "feedback": 1, "features": 1}}]
        }
    )

    deleted: ErasureCounts
