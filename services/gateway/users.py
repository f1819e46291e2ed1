"""`python -m services.gateway.users`: create or update a gateway user.

python -m services.gateway.users alice --scopes predict    # password read from stdin/tty
"""

import argparse
import asyncio
import getpass
import sys

from services.gateway.passwords import hash_password
from services.gateway.service import ALL_SCOPES
from shared.config import BaseServiceSettings
from shared.contract import printable_text
from shared.db import create_pool
from shared.repositories.users import upsert_user


async def _save(dsn: str, username: str, password: str, scopes: list[str]) -> None:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        await upsert_user(
            pool, username=username, password_hash=hash_password(password), scopes=scopes
        )
    finally:
        await pool.close()


def _username(value: str) -> str:
    try:
        printable_text(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"username {exc}") from None
    if not value.strip():
        raise argparse.ArgumentTypeError("username must not be blank")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create or update a gateway user.")
    parser.add_argument("username", type=_username)
    parser.add_argument("--scopes", default="predict", help="comma-separated: predict,admin")
    args = parser.parse_args(argv)
    scopes = sorted({s.strip() for s in args.scopes.split(",") if s.strip()})
    unknown = set(scopes) - set(ALL_SCOPES)
    if unknown:
        parser.error(f"unknown scopes: {', '.join(sorted(unknown))}")
    password = (
        getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    )
    if len(password) < 8:
        parser.error("password must have at least 8 characters")
    # The shared settings, not the gateway's: adding a user needs no JWT secret.
    dsn = BaseServiceSettings().database_url
    asyncio.run(_save(dsn, args.username, password, scopes))
    sys.stdout.write(f"user {args.username} saved with scopes {','.join(scopes)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
