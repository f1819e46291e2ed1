"""Gateway routes for drift (being built)."""

from fastapi import APIRouter
from slowapi import Limiter

from services.gateway.config import GatewaySettings


def build_router(limiter: Limiter, settings: GatewaySettings) -> APIRouter:
    """Routes for drift."""
    return APIRouter()
