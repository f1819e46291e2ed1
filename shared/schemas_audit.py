"""The audit trail as the gateway answers it."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AuditEventView(BaseModel):
    id: int
    at: datetime
    actor: str = Field(description="A user's name or pseudonym, or the service acting alone")
    actor_type: Literal["user", "service"]
    action: str = Field(examples=["customer.erase"])
    object_type: str | None
    object_id: str | None
    outcome: Literal["success", "failure", "denied"]
    request_id: str | None
    details: dict[str, Any]


class AuditEventList(BaseModel):
    """Audit events, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {
                            "id": 812,
                            "at": "2026-11-30T14:02:11.532+00:00",
                            "actor": "alice",
                            "actor_type": "user",
                            "action": "customer.erase",
                            "object_type": "customer",
                            "object_id": None,
                            "outcome": "success",
                            "request_id": "3a21b4119f964dccb6b9c72c6cbd3b54",
                            "details": {
                                "key_versions": ["v1"],
                                "deleted": {"predictions": 3, "feedback": 1, "features": 1},
                            },
                        }
                    ]
                }
            ]
        }
    )

    events: list[AuditEventView]
