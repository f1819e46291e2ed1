"""The user admin command and client-IP resolution behind proxies."""

import ipaddress
import os
import subprocess
import sys

import asyncpg
import pytest

from services.gateway.passwords import verify_password
from services.gateway.ratelimit import client_ip
from shared.repositories.users import get_user


async def test_users_command_creates_a_user_that_can_sign_in(
    db_pool: asyncpg.Pool, database_dsn: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.gateway.users", "carla", "--scopes", "predict"],
        input="carla-password-1\n",
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_dsn},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    user = await get_user(db_pool, "carla")
    assert user is not None and user.scopes == ["predict"]
    assert user.password_hash.startswith("$argon2id$")
    assert await verify_password(user.password_hash, "carla-password-1")


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["dave", "--scopes", "root"], "dave-password-1\n", "unknown scopes"),
        (["dave"], "short\n", "at least 8"),
    ],
)
def test_users_command_refuses_bad_input(args: list[str], stdin: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.gateway.users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and message in done.stderr


def _scope(peer: str, forwarded: str | None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 1234), "headers": headers, "path": "/"}


@pytest.mark.parametrize(
    "peer, forwarded, proxies, expected",
    [
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),  # no trusted proxy: header ignored
        ("10.0.0.5", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        # A client can prepend anything; the right-most untrusted hop is the real one.
        ("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.7"),
        ("203.0.113.9", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.9"),  # peer not a proxy
        ("10.0.0.5", "not-an-ip, 10.0.0.7", ["10.0.0.0/8"], "not-an-ip"),
        ("10.0.0.5", None, ["10.0.0.0/8"], "10.0.0.5"),
    ],
)
def test_client_ip(peer: str, forwarded: str | None, proxies: list[str], expected: str) -> None:
    networks = [ipaddress.ip_network(p) for p in proxies]
    assert client_ip(_scope(peer, forwarded), networks) == expected
