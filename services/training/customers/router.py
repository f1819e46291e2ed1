"""Data-subject routes: internal, reached through the gateway (admin only there).

The gateway sends pseudonyms, never the raw customer id, so neither this service nor its
logs ever hold one. POST for both: the lookup travels in the body, not in a logged URL.
"""

from fastapi import APIRouter

from services.training.customers import service
from services.training.dependencies import PoolDep
from shared.schemas_customers import CustomerData, CustomerLookup, ErasureReport

router = APIRouter(tags=["customers"])


@router.post("/v1/customers/data", summary="Everything stored about one customer")
async def export_customer(body: CustomerLookup, pool: PoolDep) -> CustomerData:
    return await service.export_customer(pool=pool, pseudonyms=body.pseudonyms)


@router.post("/v1/customers/erase", summary="Erase one customer's rows")
async def erase_customer(body: CustomerLookup, pool: PoolDep) -> ErasureReport:
    return await service.erase_customer(pool=pool, pseudonyms=body.pseudonyms)
