"""The audit trail as the gateway answers it."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


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

    events: list[AuditEventView]
