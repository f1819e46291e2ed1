"""Can retraining help? Only with labelled rows the current models have not seen.

Input drift without new labels retrains on the same rows and reproduces the production model;
after the gate refused a model, the same rows give the same refusal. So a check counts the
labelled rows ingested after the newer of two snapshots: the data the production version
learnt from, and the data of the last job if the gate refused it.
"""

from datetime import datetime

import asyncpg

from shared.repositories import monitoring
from shared.schemas_drift import LabelSupply


async def label_supply(
    pool: asyncpg.Pool, *, production_snapshot: datetime | None, min_new_labels: int
) -> LabelSupply:
    """New labelled rows since the relevant snapshot, and whether they are enough to retrain."""
    since, snapshot = production_snapshot, "production" if production_snapshot else "none"
    refused = await monitoring.last_finished_job(pool)
    stamp = refused.data_extracted_at if refused and not refused.promoted else None
    if stamp is not None and (since is None or stamp > since):
        since, snapshot = stamp, "refused_job"
    else:
        refused = None
    count = await monitoring.count_labels_since(pool, since)
    return LabelSupply(
        new_labels=count,
        min_new_labels=min_new_labels,
        since=since,
        snapshot=snapshot,
        refused_job_id=refused.id if refused else None,
        refused_decision=refused.decision if refused else None,
        enough=count >= min_new_labels,
    )


def withheld_reason(supply: LabelSupply) -> str:
    """Why no training was asked for, in words a person reading the report understands."""
    counted = (
        f"{supply.new_labels} labelled rows arrived since {supply.since.isoformat()}"
        if supply.since
        else f"{supply.new_labels} labelled rows exist"
    )
    needed = f"at least {supply.min_new_labels} are needed for a retrain to learn anything new"
    if supply.snapshot == "refused_job":
        return (
            f"the last training job ({supply.refused_job_id}) was refused by the gate on the "
            f"same data ({supply.refused_decision}); {counted}, {needed}"
        )
    return f"{counted} (the production model's training data), {needed}"
