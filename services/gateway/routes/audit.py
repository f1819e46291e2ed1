"""`GET /v1/audit/events`: the audit trail, newest first, for admins."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import ADMIN_LIMIT, AdminCaller, PoolDep
from shared import audit
from shared.contract import Text
from shared.errors import responses
from shared.schemas_audit import AuditEventList


def build_router(settings: GatewaySettings) -> APIRouter:
    """The audit listing; admin scope, limited per caller."""
    router = APIRouter(tags=["privacy"], dependencies=[ADMIN_LIMIT])

    @router.get(
        "/v1/audit/events",
        response_model=AuditEventList,
        summary="Who did what, when",
        description="The append-only audit log, newest first: sign-ins (successful and "
        "failed), user changes, ingest, outcomes, training jobs, promotions and rollbacks, "
        "experiments, access exports, erasures and retention runs. Each event names the "
        "actor (a user, or a service acting on its own), the action, its object, the outcome "
        "and the request id. Filter by `actor`, by `action` (exact, or a prefix such as "
        "`customer.*`) and by `since`; `limit` 1–1000 (default 100). Needs scope `admin`.",
        responses=responses(401, 403, 422, 429, 503),
    )
    async def list_events(
        caller: AdminCaller,
        pool: PoolDep,
        actor: Annotated[Text | None, Query(max_length=200)] = None,
        action: Annotated[Text | None, Query(max_length=100, examples=["customer.*"])] = None,
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> AuditEventList:
        return await audit.list_events(
            pool=pool, actor=actor, action=action, since=since, limit=limit
        )

    return router
