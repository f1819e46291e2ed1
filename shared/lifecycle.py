"""Shutdown in two steps: drain first, then stop.

uvicorn, on SIGTERM, closes its listener and every idle keep-alive connection at once. HTTP/1.1
has no way to warn a client that an idle connection is about to close, so a request that a
client sends on one at that instant is reset. A service here first *drains* for
`SHUTDOWN_DRAIN_S`: it keeps accepting and answering, but every answer carries
`Connection: close` (so each client drops the connection it used and opens a fresh one for its
next request) and `/health/ready` says `draining`. Only then does uvicorn's own graceful
shutdown begin. A second SIGTERM stops at once.

The SIGTERM handler uvicorn installs is wrapped from the app's lifespan, which runs in the
main thread after uvicorn has installed its handlers (and restores them when it stops).
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

logger = logging.getLogger(__name__)

CONNECTION_CLOSE = (b"connection", b"close")


class Drain:
    """Whether this process is draining; set once, by the first SIGTERM."""

    def __init__(self) -> None:
        self.draining = False

    @contextlib.contextmanager
    def on_sigterm(self, drain_s: float) -> Iterator[None]:
        """While open, the first SIGTERM starts a drain of `drain_s` seconds, then passes the
        signal on to the handler that was there (uvicorn's). Does nothing outside the main
        thread, with `drain_s` 0, or where nothing handles SIGTERM (in-process tests)."""
        if threading.current_thread() is not threading.main_thread() or drain_s <= 0:
            yield
            return
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous):
            yield
            return
        stop = previous

        def handle(sig: int, frame: FrameType | None) -> None:
            if self.draining:  # asked twice: stop now
                stop(sig, frame)
                return
            self.draining = True
            logger.info("SIGTERM: draining for %.1f s before shutting down", drain_s)
            timer = threading.Timer(drain_s, stop, (sig, frame))
            timer.daemon = True
            timer.start()

        signal.signal(signal.SIGTERM, handle)
        try:
            yield
        finally:
            if signal.getsignal(signal.SIGTERM) is handle:
                signal.signal(signal.SIGTERM, previous)
