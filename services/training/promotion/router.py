"""Promotion routes: internal, reached through the gateway (admin only there)."""

from typing import Annotated

from fastapi import APIRouter, Path

from services.training.dependencies import HttpClientDep, PoolDep, SettingsDep
from services.training.promotion import service
from shared.schemas_training import PromoteRequest, PromotionResponse, RollbackRequest
from shared.service_auth import CallerDep

router = APIRouter(tags=["training"])
VersionPath = Annotated[str, Path(pattern=r"^[1-9][0-9]{0,9}$", description="Registry version")]


@router.post("/v1/models/{version}/promote", summary="Move production to a version")
async def promote(
    version: VersionPath,
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    caller: CallerDep,
    body: PromoteRequest | None = None,
) -> PromotionResponse:
    request = body or PromoteRequest()
    result = await service.promote_version(
        pool=pool,
        settings=settings,
        http_client=http_client,
        version=version,
        force=request.force,
        actor=caller.actor,
        reason=request.reason,
    )
    return PromotionResponse.model_validate(result.to_dict())


@router.post("/v1/models/rollback", summary="Move production back to the previous version")
async def rollback(
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    caller: CallerDep,
    body: RollbackRequest | None = None,
) -> PromotionResponse:
    request = body or RollbackRequest()
    result = await service.rollback(
        pool=pool,
        settings=settings,
        http_client=http_client,
        actor=caller.actor,
        reason=request.reason,
    )
    return PromotionResponse.model_validate(result.to_dict())
