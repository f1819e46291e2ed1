"""A background step repeated at an interval, that stops when asked even if a step swallows the
cancellation.

Cancelling a task is a request the awaited code may lose: redis-py's async client, for one, can
turn a CancelledError that lands inside a command's timeout into a connection error, which a
step that survives Redis failures then catches. A loop that only `while True`s would go on
sleeping and stepping, and whoever awaits it at shutdown would wait forever (seen: a gateway's
lifespan never finished). Here stopping also sets a flag the loop checks after every step.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Run `step` every `interval_s` seconds in a task, from `start()` until `stop()`."""

    def __init__(self, step: Callable[[], Awaitable[None]], interval_s: float, name: str) -> None:
        self.step = step
        self.interval_s = interval_s
        self.name = name
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Stop the loop and wait for it: a step under way is cancelled or, if it swallows the
        cancellation, finishes, and no further step starts."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # Not `await task` under suppress(CancelledError): that would also swallow a
            # cancellation of the caller itself (a shutdown timeout, say).
            await asyncio.wait({task})
            if not task.cancelled() and task.exception() is not None:
                logger.error("%s stopped with an error", self.name, exc_info=task.exception())

    async def _run(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.interval_s)
            if self._stopping:
                return
            await self.step()
