"""Open-loop load at a fixed arrival rate, and what a service process holds (RSS, fds, sockets).

A closed loop (wrk, hey) sends less when answers slow down, which hides an outage; here each
request leaves on its own schedule whatever happened to the previous ones.
"""

import asyncio
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from shared.http import create_transport

Body = Callable[[int], dict[str, Any]]


def customer(i: int) -> dict[str, Any]:
    """A plausible prediction request body, different each time."""
    rng = random.Random(i)  # nosec B311 # reproducible test data, not secrets
    return {"idade": rng.randint(18, 80), "renda_anual": round(rng.uniform(5_000, 250_000), 2)}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request as the client saw it; `status` is None when no HTTP answer came back."""

    sent_at: float  # seconds since the load started
    latency_s: float  # from the scheduled departure: client-side delay counts too
    status: int | None
    error: str | None = None
    prediction_id: str | None = None
    model_version: str | None = None
    service_s: float = 0.0  # from the request leaving to its answer: the server's share


@dataclass
class FixedRateLoad:
    """Sends `method` `path` at `rate` requests per second from a thread of its own until stopped.

    Requests leave on a fixed schedule from a bounded set of workers (as wrk2 does): a slow
    server delays the next departures instead of piling up connections, and each latency is
    measured from the request's scheduled time, so that delay is counted, not hidden.
    """

    base_url: str
    token: str
    rate: float
    path: str = "/v1/predict"
    method: str = "POST"  # GET sends no body
    body: Body = customer
    timeout_s: float = 10.0
    concurrency: int = 64
    outcomes: list[Outcome] = field(default_factory=list)
    started_at: float = 0.0
    _next: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "FixedRateLoad":
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()
        while not self.started_at:
            time.sleep(0.01)
        return self

    def stop(self) -> list[Outcome]:
        """Stop sending, wait for every request in flight, return what clients saw."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.timeout_s + 30)
        return self.outcomes

    def elapsed(self) -> float:
        return time.monotonic() - self.started_at

    async def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        # The services' aiohttp-backed transport: httpx's own costs ~2.5 ms of CPU a call,
        # which at 200/s would take half a core from the services under test.
        transport = create_transport(max_connections=self.concurrency)
        async with httpx.AsyncClient(
            base_url=self.base_url, headers=headers, transport=transport, timeout=self.timeout_s
        ) as client:
            self.started_at = time.monotonic()
            await asyncio.gather(*(self._worker(client) for _ in range(self.concurrency)))

    async def _worker(self, client: httpx.AsyncClient) -> None:
        while True:
            i, self._next = self._next, self._next + 1
            due = self.started_at + i / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._stop.is_set():
                return
            await self._one(client, i, due)

    async def _one(self, client: httpx.AsyncClient, i: int, due: float) -> None:
        sent_at = due - self.started_at
        left = time.monotonic()
        try:
            body = self.body(i) if self.method == "POST" else None
            response = await client.request(self.method, self.path, json=body)
        except httpx.HTTPError as exc:
            # The transport's own error says what happened (refused, reset, cut short).
            cause = type(exc.__cause__ or exc).__name__
            now = time.monotonic()
            failed = Outcome(sent_at, now - due, None, cause, service_s=now - left)
            self.outcomes.append(failed)
            return
        answered = time.monotonic()
        prediction_id = version = None
        if response.status_code == 200 and self.path == "/v1/predict":
            answer = response.json()
            prediction_id, version = answer["prediction_id"], answer["model"]["version"]
        self.outcomes.append(
            Outcome(
                sent_at,
                answered - due,
                response.status_code,
                None if response.status_code == 200 else response.text[:200],
                prediction_id,
                version,
                answered - left,
            )
        )


def statuses(outcomes: list[Outcome]) -> dict[str, int]:
    """How many outcomes had each status (or transport error name)."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        key = str(outcome.status) if outcome.status is not None else str(outcome.error)
        counts[key] = counts.get(key, 0) + 1
    return counts


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, nearest rank; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


@dataclass(frozen=True)
class ProcessSample:
    """What one service process holds: resident memory, open fds, connections to a port."""

    rss_mb: float
    open_fds: int
    db_connections: int


def sample_process(pid: int, *, db_port: int) -> ProcessSample:
    """Read /proc for `pid`: VmRSS, the fd count, and its TCP sockets connected to `db_port`."""
    proc = Path(f"/proc/{pid}")
    rss_kb = next(
        int(line.split()[1])
        for line in (proc / "status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    inodes: set[str] = set()
    fds = 0
    for fd in (proc / "fd").iterdir():
        fds += 1
        try:
            target = os.readlink(fd)
        except OSError:  # closed between listing and reading
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return ProcessSample(rss_kb / 1024, fds, _sockets_to(proc, inodes, db_port))


def _sockets_to(proc: Path, inodes: set[str], port: int) -> int:
    count = 0
    for table in ("tcp", "tcp6"):
        path = proc / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            # remote address is "HEX_IP:HEX_PORT"; state 01 is ESTABLISHED.
            if fields[9] in inodes and int(fields[2].rsplit(":", 1)[1], 16) == port:
                count += fields[3] == "01"
    return count
