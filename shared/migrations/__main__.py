"""`python -m shared.migrations`: apply pending migrations to $DATABASE_URL."""

import asyncio
import os
import sys

from shared.logs import configure_logging
from shared.migrations import apply_migrations


def main() -> int:
    configure_logging(service="migrations")
    dsn = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/ml_pipeline")
    applied = asyncio.run(apply_migrations(dsn))
    sys.stdout.write(f"migrations applied: {applied or 'none pending'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
