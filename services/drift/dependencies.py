"""Annotated dependencies for drift routes."""

from typing import Annotated

from fastapi import Depends, Request

from services.drift.service import DriftMonitor


async def get_monitor(request: Request) -> DriftMonitor:
    """The app's drift monitor (pool, references, training client, policy)."""
    monitor: DriftMonitor = request.app.state.monitor
    return monitor


MonitorDep = Annotated[DriftMonitor, Depends(get_monitor)]
