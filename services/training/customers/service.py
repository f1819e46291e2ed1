"""Answer access and erasure requests for a customer known only by its pseudonyms."""

import asyncpg

from shared import audit
from shared.repositories import customers
from shared.schemas_customers import CustomerData, ErasureReport


def _versions(pseudonyms: list[str]) -> list[str]:
    return [pseudonym.split(":", 1)[0] for pseudonym in pseudonyms]


async def export_customer(*, pool: asyncpg.Pool, pseudonyms: list[str]) -> CustomerData:
    """Everything stored about the customer; the export itself is audited."""
    data = await customers.customer_data(pool, pseudonyms)
    # The audit row never names the customer: after an erasure nothing may point back at it.
    await audit.record(
        pool,
        "customer.export",
        object_type="customer",
        service="training",
        details={table: len(rows) for table, rows in data.items()},
    )
    return CustomerData.model_validate({"key_versions": _versions(pseudonyms), **data})


async def erase_customer(*, pool: asyncpg.Pool, pseudonyms: list[str]) -> ErasureReport:
    """Delete the customer's rows in one transaction with its audit row; counts per table."""
    event = audit.event(
        "customer.erase",
        object_type="customer",
        service="training",
        details={"key_versions": _versions(pseudonyms)},
    )
    counts = await customers.erase_customer(pool, pseudonyms, audit=event)
    return ErasureReport.model_validate({"deleted": counts})
