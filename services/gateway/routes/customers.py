"""Data-subject requests (LGPD/GDPR access and erasure), answered by the training service.

The raw customer id stops here: the gateway turns it into its pseudonym under every
configured key version and sends only those, so rows written before a key rotation are found.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import (
    ADMIN_LIMIT,
    AdminCaller,
    Principal,
    PseudonymsDep,
    TrainingDep,
)
from services.gateway.upstream import Upstream
from shared.contract import Text
from shared.errors import responses
from shared.pseudonym import PseudonymKeys
from shared.schemas_customers import CustomerData, CustomerLookup, ErasureReport

CustomerIdPath = Annotated[
    Text,
    Path(
        min_length=1,
        max_length=128,
        description="The `customer_id` as it was sent with predictions",
        examples=["c-981"],
    ),
]
_ERRORS = responses(401, 403, 422, 429, 502, 503, 504)
_JSON = {"Content-Type": "application/json"}


async def _ask(
    training: Upstream,
    path: str,
    answer: type[CustomerData] | type[ErasureReport],
    *,
    customer_id: str,
    keys: PseudonymKeys,
    caller: Principal,
) -> Response:
    lookup = CustomerLookup(pseudonyms=keys.every_pseudonym(customer_id))
    return await training.relay(
        "POST", path, answer, content=lookup.model_dump_json(), headers=_JSON, **caller.named()
    )


def build_router(settings: GatewaySettings) -> APIRouter:
    """Access and erasure routes; admin scope, limited per caller."""
    router = APIRouter(tags=["privacy"], dependencies=[ADMIN_LIMIT])

    @router.get(
        "/v1/customers/{customer_id}/data",
        response_model=CustomerData,
        summary="Everything stored about one customer (access request)",
        description="Answers a data subject's access request: every prediction made for this "
        "`customer_id` (with the model name, version and variant that made it), every outcome "
        "reported for those predictions, and the labelled training rows made from them. Rows "
        "written under an older pseudonym key are included. A customer with nothing stored "
        "gets empty lists. The export is recorded in the audit log. Needs scope `admin`.",
        responses=_ERRORS,
    )
    async def customer_data(
        customer_id: CustomerIdPath,
        caller: AdminCaller,
        training: TrainingDep,
        keys: PseudonymsDep,
    ) -> Response:
        return await _ask(
            training,
            "/v1/customers/data",
            CustomerData,
            customer_id=customer_id,
            keys=keys,
            caller=caller,
        )

    @router.delete(
        "/v1/customers/{customer_id}",
        response_model=ErasureReport,
        summary="Erase one customer (deletion request)",
        description="Answers a data subject's deletion request: deletes the customer's "
        "predictions, outcomes and labelled training rows, under every configured pseudonym "
        "key, in one transaction, and answers how many rows went from each table. Drift "
        "checks and A/B results computed afterwards simply lack those rows. The erasure is "
        "recorded in the audit log without the customer's id. Erasing again answers zeros. "
        "Needs scope `admin`.",
        responses=_ERRORS,
    )
    async def erase_customer(
        customer_id: CustomerIdPath,
        caller: AdminCaller,
        training: TrainingDep,
        keys: PseudonymsDep,
    ) -> Response:
        return await _ask(
            training,
            "/v1/customers/erase",
            ErasureReport,
            customer_id=customer_id,
            keys=keys,
            caller=caller,
        )

    return router
