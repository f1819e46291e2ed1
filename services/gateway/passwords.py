"""Password hashing with argon2id, run off the event loop and bounded in concurrency."""

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Each argon2 hash takes ~64 MiB for ~50 ms: a few at once keeps memory bounded under bursts.
_limiter = anyio.CapacityLimiter(4)
# Verifying against this when the user is unknown keeps the timing of both answers alike.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """argon2id hash of `password` (blocking)."""
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; None hash (unknown user) costs the same and fails."""
    return await anyio.to_thread.run_sync(_verify, password_hash, password, limiter=_limiter)
