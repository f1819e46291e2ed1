"""Writing the audit trail: who (a person or a service), what, on which object, the outcome.

The actor is taken from the service credential of the request in progress (internal
services) unless the caller names it (the gateway, which knows the signed-in user). A failed
audit write is logged loudly and never undoes or fails the action it describes; erasures and
retention runs write theirs in their own transaction instead (see their repositories).
"""

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

import asyncpg

from shared.context import request_id_var
from shared.repositories import audit_events
from shared.repositories.audit_events import AuditEvent, Executor, insert_event
from shared.schemas_audit import AuditEventList, AuditEventView
from shared.service_auth import caller_var

logger = logging.getLogger(__name__)

Outcome = Literal["success", "failure", "denied"]
ActorType = Literal["user", "service"]


def event(
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    outcome: Outcome = "success",
    actor: str | None = None,
    actor_type: ActorType | None = None,
    details: dict[str, Any] | None = None,
    service: str = "unknown",
) -> AuditEvent:
    """An event for the request in progress; the actor defaults to its credential's."""
    if actor is None:
        caller = caller_var.get()
        if caller is not None:
            actor = caller.actor
            actor_type = actor_type or ("user" if caller.subject else "service")
        else:
            actor, actor_type = service, "service"
    return AuditEvent(
        actor=actor,
        actor_type=actor_type or "user",
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        request_id=request_id_var.get(),
        details=details,
    )


async def record(db: Executor, action: str, **fields: Any) -> None:
    """Append an event; a database failure is logged, never raised (see the module docstring)."""
    entry = event(action, **fields)
    try:
        await insert_event(db, entry)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        logger.error(
            "audit write failed",
            extra={"action": action, "actor": entry.actor, "error": str(exc)[:300]},
        )


async def list_events(
    *,
    pool: asyncpg.Pool,
    actor: str | None,
    action: str | None,
    since: datetime | None,
    limit: int,
) -> AuditEventList:
    """Events newest first, filtered; `action` may end in `.*` for a prefix."""
    rows = await audit_events.list_events(
        pool, actor=actor, action=action, since=since, limit=limit
    )
    return AuditEventList(events=[AuditEventView.model_validate(asdict(row)) for row in rows])
