"""The audit log is append-only: the application's role may add and read, nobody may change."""

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from shared import audit
from shared.repositories import model_events
from shared.repositories.audit_events import list_events

APP_ROLE = "ml_pipeline_app"


def as_role(dsn: str, role: str) -> str:
    """The same database, signed in as `role` (the test server trusts local connections)."""
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@pytest.fixture
async def app_conn(database_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(as_role(database_dsn, APP_ROLE))
    try:
        yield conn
    finally:
        await conn.close()


async def test_the_app_role_adds_and_reads_but_cannot_change_or_remove(
    app_conn: asyncpg.Connection,
) -> None:
    assert await app_conn.fetchval("SELECT current_user") == APP_ROLE
    event_id = await app_conn.fetchval(
        "INSERT INTO audit_events (actor, actor_type, action, outcome) "
        "VALUES ('alice', 'user', 'test.append_only', 'success') RETURNING id"
    )
    assert await app_conn.fetchval("SELECT actor FROM audit_events WHERE id = $1", event_id)
    for statement in (
        "UPDATE audit_events SET actor = 'mallory' WHERE id = $1",
        "DELETE FROM audit_events WHERE id = $1",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await app_conn.execute(statement, event_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("TRUNCATE audit_events")
    # Everything else stays the application's to write.
    await app_conn.execute("DELETE FROM feedback WHERE false")
    assert await app_conn.fetchval("SELECT actor FROM audit_events WHERE id = $1", event_id) == (
        "alice"
    )


async def test_even_the_owner_is_refused_by_the_trigger(db_pool: asyncpg.Pool) -> None:
    await audit.record(db_pool, "test.owner", actor="ops", actor_type="user")
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await db_pool.execute(statement)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await db_pool.execute("TRUNCATE audit_events")
    assert [e.actor for e in await list_events(db_pool, action="test.owner")][0] == "ops"


async def test_listing_filters_by_actor_action_prefix_and_time(db_pool: asyncpg.Pool) -> None:
    marker = await db_pool.fetchval("SELECT now()")
    await audit.record(db_pool, "probe.first", actor="probe-a", actor_type="user")
    await audit.record(db_pool, "probe.second", actor="probe-b", actor_type="user")
    await audit.record(db_pool, "other.thing", actor="probe-a", actor_type="user")
    assert [e.action for e in await list_events(db_pool, action="probe.*", since=marker)] == [
        "probe.second",
        "probe.first",
    ]
    mine = await list_events(db_pool, actor="probe-a", since=marker)
    assert [e.action for e in mine] == ["other.thing", "probe.first"]
    assert len(await list_events(db_pool, since=marker, limit=1)) == 1


async def test_a_failed_audit_write_is_logged_not_raised(
    db_pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    # U+0000 is refused by Postgres: the write fails, the action it describes must not.
    await audit.record(db_pool, "probe.broken", actor="nul\x00", actor_type="user")
    assert "audit write failed" in caplog.text


async def test_every_alias_move_is_audited_with_its_actor(db_pool: asyncpg.Pool) -> None:
    marker = await db_pool.fetchval("SELECT now()")
    moves: list[dict[str, Any]] = [
        {"alias": "production", "action": "promote", "from_version": "1", "to_version": "2"},
        {"alias": "production", "action": "rollback", "from_version": "2", "to_version": "1"},
        {
            "alias": "challenger",
            "action": "experiment_start",
            "from_version": None,
            "to_version": "3",
        },
        {
            "alias": "challenger",
            "action": "experiment_end",
            "from_version": "3",
            "to_version": None,
            "audit_action": "experiment.conclude",
        },
    ]
    for move in moves:
        await model_events.record_event(db_pool, model_name="audit-m", actor="alice", **move)
    events = await list_events(db_pool, actor="alice", since=marker)
    assert [(e.action, e.object_id) for e in reversed(events)] == [
        ("model.promote", "2"),
        ("model.rollback", "1"),
        ("experiment.start", "3"),
        ("experiment.conclude", "3"),
    ]
    assert all(e.actor_type == "user" and e.details["model"] == "audit-m" for e in events)
