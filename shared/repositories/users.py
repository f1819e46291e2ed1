"""SQL for gateway users."""

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    password_hash: str
    scopes: list[str]
    disabled: bool


async def get_user(pool: asyncpg.Pool, username: str) -> UserRow | None:
    """A user by name, or None."""
    record = await pool.fetchrow(
        "SELECT username, password_hash, scopes, disabled FROM users WHERE username = $1",
        username,
    )
    return UserRow(**dict(record)) if record else None


@dataclass(frozen=True, slots=True)
class AccountRow:
    scopes: list[str]
    disabled: bool


async def get_account(pool: asyncpg.Pool, username: str) -> AccountRow | None:
    """A user's scopes and disabled flag (no password hash), or None."""
    record = await pool.fetchrow("SELECT scopes, disabled FROM users WHERE username = $1", username)
    return AccountRow(**dict(record)) if record else None


async def set_disabled(pool: asyncpg.Pool, *, username: str, disabled: bool) -> bool:
    """Disable (or enable) a user; False if there is no such user."""
    status = await pool.execute(
        "UPDATE users SET disabled = $2 WHERE username = $1", username, disabled
    )
    return bool(status == "UPDATE 1")


async def count_users(pool: asyncpg.Pool) -> int:
    """How many users exist."""
    return int(await pool.fetchval("SELECT count(*) FROM users"))


async def upsert_user(
    pool: asyncpg.Pool, *, username: str, password_hash: str, scopes: list[str]
) -> None:
    """Create a user, or replace the password and scopes of an existing one."""
    await pool.execute(
        "INSERT INTO users (username, password_hash, scopes) VALUES ($1, $2, $3) "
        "ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
        "scopes = EXCLUDED.scopes, disabled = false",
        username,
        password_hash,
        scopes,
    )


async def insert_first_user(
    pool: asyncpg.Pool, *, username: str, password_hash: str, scopes: list[str]
) -> bool:
    """Create the user only while the table is empty; True if it was created."""
    async with pool.acquire() as conn, conn.transaction():
        # Replicas may start together: the lock makes "only when empty" hold across them.
        await conn.execute("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM users)"):
            return False
        await conn.execute(
            "INSERT INTO users (username, password_hash, scopes) VALUES ($1, $2, $3)",
            username,
            password_hash,
            scopes,
        )
        return True
