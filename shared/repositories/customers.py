"""SQL for data-subject requests: everything stored under a customer's pseudonyms, or erase it.

A customer is looked up by every pseudonym it may have (one per configured key version).
Outcomes written before they carried the pseudonym are found through their prediction.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import asyncpg

from shared.repositories.audit_events import AuditEvent, insert_event

_PREDICTIONS = (
    "SELECT id AS prediction_id, created_at, model_name, model_version, variant, shadow, "
    "experiment_id, idade, renda_anual, probability, label AS comprou_produto, customer_id "
    "FROM predictions WHERE customer_id = ANY($1::text[]) ORDER BY created_at, id"
)
_FEEDBACK_MATCH = (
    "customer_id = ANY($1::text[]) OR prediction_id IN "
    "(SELECT id FROM predictions WHERE customer_id = ANY($1::text[]))"
)
_FEEDBACK = (
    "SELECT prediction_id, comprou_produto, received_at, source FROM feedback "
    f"WHERE {_FEEDBACK_MATCH} ORDER BY received_at, prediction_id"  # nosec B608 # constant names; values are $n params
)
_FEATURES = (
    "SELECT id, idade, renda_anual, comprou_produto, observed_at, source FROM features "
    "WHERE customer_id = ANY($1::text[]) ORDER BY observed_at, id"
)


async def customer_data(pool: asyncpg.Pool, pseudonyms: Sequence[str]) -> dict[str, Any]:
    """Every stored row about the customer, per table, read in one snapshot."""
    keys = list(pseudonyms)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        return {
            "predictions": [dict(r) for r in await conn.fetch(_PREDICTIONS, keys)],
            "feedback": [dict(r) for r in await conn.fetch(_FEEDBACK, keys)],
            "labelled_rows": [dict(r) for r in await conn.fetch(_FEATURES, keys)],
        }


async def erase_customer(
    pool: asyncpg.Pool, pseudonyms: Sequence[str], *, audit: AuditEvent
) -> dict[str, int]:
    """Delete the customer's rows and record the erasure, all in one transaction; counts."""
    keys = list(pseudonyms)
    async with pool.acquire() as conn, conn.transaction():
        # Outcomes first: they are found through predictions too.
        feedback = await conn.execute(
            f"DELETE FROM feedback WHERE {_FEEDBACK_MATCH}",  # nosec B608 # constant names; values are $n params
            keys,
        )
        features = await conn.execute(
            "DELETE FROM features WHERE customer_id = ANY($1::text[])", keys
        )
        predictions = await conn.execute(
            "DELETE FROM predictions WHERE customer_id = ANY($1::text[])", keys
        )
        counts = {
            "predictions": _count(predictions),
            "feedback": _count(feedback),
            "features": _count(features),
        }
        details = {**(audit.details or {}), "deleted": counts}
        await insert_event(conn, replace(audit, details=details))
    return counts


def _count(status: str) -> int:
    # asyncpg answers a DELETE with its command tag, "DELETE <rows>".
    return int(status.rsplit(" ", 1)[-1])
