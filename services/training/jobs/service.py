"""Training job queries: rows from the repository shaped as API answers."""

from uuid import UUID

import asyncpg

from services.training.errors import JobNotFound
from services.training.jobs import report_page
from shared.repositories import training_jobs
from shared.schemas_training import TrainingJob


def job_view(row: training_jobs.TrainingJobRow) -> TrainingJob:
    """A stored job as the API shows it."""
    fields = {name: getattr(row, name) for name in row.__slots__ if name != "id"}
    return TrainingJob.model_validate({"job_id": row.id, **fields})


async def get_job(*, pool: asyncpg.Pool, job_id: UUID) -> TrainingJob:
    """One job, or JobNotFound."""
    row = await training_jobs.get_job(pool, job_id)
    if row is None:
        raise JobNotFound(f"training job {job_id} not found")
    return job_view(row)


async def recent_jobs(*, pool: asyncpg.Pool, limit: int) -> list[TrainingJob]:
    """The latest jobs, newest first."""
    return [job_view(row) for row in await training_jobs.list_jobs(pool, limit=limit)]


async def get_job_html(*, pool: asyncpg.Pool, job_id: UUID) -> str:
    """One job's self-contained page, or JobNotFound."""
    return report_page.render(await get_job(pool=pool, job_id=job_id))
