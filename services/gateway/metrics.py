"""The gateway's `/metrics` on its own port (METRICS_PORT): never on the public port or ingress.

Internal services keep `/metrics` on their service port, which only the namespace reaches.
The gateway's port is the public one, so its metrics (per-route counts, limiter and account
counters) are served by a small HTTP server in a thread, bound to METRICS_HOST:METRICS_PORT.
"""

import errno
import logging
import threading
from wsgiref.simple_server import WSGIServer

from fastapi import FastAPI
from prometheus_client import start_http_server

logger = logging.getLogger(__name__)


class MetricsServer:
    """Prometheus' exposition server for this process's registry, started and stopped with it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int | None:
        """Bind and serve; the port bound (METRICS_PORT=0 picks one), None if it was taken.

        Under `uvicorn --workers N` every worker tries the same port and the first one wins;
        the others serve without it. Each worker has its own registry, so a scrape sees one
        worker's counts, as it did when /metrics shared the (load-balanced) public port.
        """
        try:
            self._server, self._thread = start_http_server(self.port, addr=self.host)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            logger.warning(
                "metrics port taken (by another worker of this gateway, or another program)",
                extra={"host": self.host, "port": self.port},
            )
            return None
        self.port = self._server.server_port
        logger.info("metrics served", extra={"host": self.host, "port": self.port})
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def drop_public_metrics(app: FastAPI) -> None:
    """Remove the `/metrics` route the shared app builder adds: the gateway's port is public."""
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) != "/metrics"
    ]
