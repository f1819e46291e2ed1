"""`python -m services.gateway.users`: create, update, disable or enable a gateway user.

python -m services.gateway.users alice --scopes predict    # password read from stdin/tty
python -m services.gateway.users disable alice             # refused everywhere within 60 s
python -m services.gateway.users enable alice
"""

import argparse
import asyncio
import getpass
import sys

import asyncpg

from services.gateway.passwords import hash_password
from services.gateway.service import ALL_SCOPES
from shared import audit
from shared.config import BaseServiceSettings
from shared.contract import printable_text
from shared.db import create_pool
from shared.errors import NotFound
from shared.repositories.users import set_disabled, upsert_user

ACTIONS = ("disable", "enable")
# Who the audit log names for changes made with this command (it runs with database access).
CLI_ACTOR = "users-command"


async def set_user_disabled(
    *, pool: asyncpg.Pool, username: str, disabled: bool, actor: str | None = None
) -> None:
    """Disable or enable a user: their tokens are refused (or accepted) again; 404 if unknown.

    `actor` is the admin who asked; without one the change came from this command.
    """
    if not await set_disabled(pool, username=username, disabled=disabled):
        raise NotFound(f"no user named {username!r}", error_type="user_not_found")
    await audit.record(
        pool,
        "user.disable" if disabled else "user.enable",
        object_type="user",
        object_id=username,
        actor=actor or CLI_ACTOR,
        actor_type="user" if actor else "service",
    )


async def _save(dsn: str, username: str, password: str, scopes: list[str]) -> None:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        await upsert_user(
            pool, username=username, password_hash=hash_password(password), scopes=scopes
        )
        await audit.record(
            pool,
            "user.save",
            object_type="user",
            object_id=username,
            actor=CLI_ACTOR,
            actor_type="service",
            details={"scopes": scopes},
        )
    finally:
        await pool.close()


async def _set_disabled(dsn: str, username: str, disabled: bool) -> None:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        await set_user_disabled(pool=pool, username=username, disabled=disabled)
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


def _switch(action: str, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m services.gateway.users {action}",
        description=f"{action.capitalize()} a gateway user.",
    )
    parser.add_argument("username", type=_username)
    args = parser.parse_args(argv)
    dsn = BaseServiceSettings().database_url
    try:
        asyncio.run(_set_disabled(dsn, args.username, action == "disable"))
    except NotFound as exc:
        sys.stderr.write(f"{exc.message}\n")
        return 1
    sys.stdout.write(f"user {args.username} {action}d\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ACTIONS:
        return _switch(argv[0], argv[1:])
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
