"""Events a person should hear about, posted to a Slack-compatible webhook off the request path.

`notify(event)` only queues: a background task per process posts each event with a timeout,
retries transport failures, 5xx and 429 with back-off, and gives up (logging it) after the
last attempt. NOTIFY_WEBHOOK_URL unset means off: `notify` returns at once and nothing runs.
The body is Slack's incoming-webhook format (`text` plus one attachment with fields), which
Mattermost, Rocket.Chat and most chat tools accept as is.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

Severity = Literal["info", "warning", "critical"]
_COLORS = {"info": "#439FE0", "warning": "#E8A33D", "critical": "#D00000"}


class NotifySettings(BaseSettings):
    """Where events go and how hard to try."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, frozen=True)

    notify_webhook_url: str | None = None
    notify_timeout_s: float = Field(default=5.0, gt=0)
    notify_retries: int = Field(default=3, ge=0)
    notify_backoff_s: float = Field(default=1.0, ge=0)
    notify_max_pending: int = Field(default=1000, ge=1)


@dataclass(frozen=True)
class Event:
    """One thing that happened: a kind to filter on, a title to read, the facts to act on."""

    kind: str
    title: str
    severity: Severity
    fields: dict[str, str]
    service: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def payload(self) -> dict[str, Any]:
        """The Slack-compatible JSON body."""
        facts = {"event": self.kind, "service": self.service, **self.fields}
        return {
            "text": f"[{self.severity}] {self.title}",
            "attachments": [
                {
                    "color": _COLORS[self.severity],
                    "fallback": self.title,
                    "title": self.title,
                    "fields": [
                        {"title": name, "value": value, "short": len(value) < 40}
                        for name, value in facts.items()
                    ],
                    "ts": int(self.at.timestamp()),
                }
            ],
        }


class WebhookNotifier:
    """Posts queued events in the background; `send` never waits on the network."""

    def __init__(self, settings: NotifySettings) -> None:
        if not settings.notify_webhook_url:
            raise ValueError("NOTIFY_WEBHOOK_URL is not set")
        self.settings = settings
        self.url: str = settings.notify_webhook_url
        self.delivered = 0
        self.failed = 0
        self._queue: asyncio.Queue[Event] | None = None
        self._worker: asyncio.Task[None] | None = None

    def send(self, event: Event) -> bool:
        """Queue an event; False (logged) when the queue is full."""
        queue = self._running_queue()
        try:
            queue.put_nowait(event)
        except asyncio.QueueFull:
            logger.warning("notification dropped: queue full", extra={"event": event.kind})
            return False
        return True

    async def drain(self) -> None:
        """Wait until every queued event was delivered or given up on."""
        if self._queue is not None:
            await self._queue.join()

    async def aclose(self) -> None:
        """Deliver what is queued, then stop the background task."""
        await self.drain()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    def _running_queue(self) -> asyncio.Queue[Event]:
        # Started on first use, in the loop that uses it (a new loop gets a new worker).
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue(maxsize=self.settings.notify_max_pending)
            self._worker = asyncio.get_running_loop().create_task(
                self._deliver_forever(self._queue), name="webhook-notifier"
            )
        return self._queue

    async def _deliver_forever(self, queue: asyncio.Queue[Event]) -> None:
        timeout = httpx.Timeout(self.settings.notify_timeout_s)
        async with httpx.AsyncClient(timeout=timeout) as client:
            while True:
                event = await queue.get()
                try:
                    await self._deliver(client, event)
                finally:
                    queue.task_done()

    async def _deliver(self, client: httpx.AsyncClient, event: Event) -> None:
        attempts = self.settings.notify_retries + 1
        for attempt in range(1, attempts + 1):
            problem = await self._post(client, event)
            if problem is None:
                self.delivered += 1
                return
            if problem.startswith("rejected") or attempt == attempts:
                break
            await asyncio.sleep(self.settings.notify_backoff_s * 2 ** (attempt - 1))
        self.failed += 1
        logger.warning(
            "notification not delivered",
            extra={"event": event.kind, "problem": problem, "attempts": attempt},
        )

    async def _post(self, client: httpx.AsyncClient, event: Event) -> str | None:
        """None when delivered; otherwise why not ("rejected ..." is not worth a retry)."""
        try:
            answer = await client.post(self.url, json=event.payload())
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if answer.is_success:
            return None
        if answer.status_code == 429 or answer.status_code >= 500:
            return f"HTTP {answer.status_code}"
        return f"rejected: HTTP {answer.status_code} {answer.text[:200]}"


class _Process:
    notifier: WebhookNotifier | None = None
    configured = False


_process = _Process()


def notifier() -> WebhookNotifier | None:
    """This process's notifier, built from the environment on first use; None when off."""
    if not _process.configured:
        settings = NotifySettings()
        _process.notifier = WebhookNotifier(settings) if settings.notify_webhook_url else None
        _process.configured = True
    return _process.notifier


def notify(event: Event) -> None:
    """Queue `event` for the webhook when one is configured; never raises, never waits."""
    try:
        sender = notifier()
        if sender is not None:
            sender.send(event)
    except Exception:  # telling people must never break the thing they are told about
        logger.exception("notification not queued", extra={"event": event.kind})


def reset() -> None:
    """Forget the process notifier so the next `notify` reads the environment again."""
    _process.notifier = None
    _process.configured = False
