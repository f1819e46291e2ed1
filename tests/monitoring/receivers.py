"""HTTP receivers run inside the suite: a Slack-style webhook and an OTLP/HTTP trace collector."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


@dataclass
class Receiver:
    """What a receiver got, and how to answer the next requests."""

    url: str
    bodies: list[bytes] = field(default_factory=list)
    # Statuses to answer with first (then 200): lets a test make the sender retry.
    failures: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, found: Callable[[], bool], timeout: float = 30.0) -> None:
        """Poll until `found()` holds; fail with what arrived otherwise."""
        deadline = time.monotonic() + timeout
        while not found():
            if time.monotonic() > deadline:
                raise AssertionError(f"not received in {timeout} s; got {len(self.bodies)} bodies")
            time.sleep(0.1)


@contextmanager
def receiver(path: str) -> Iterator[Receiver]:
    """A local HTTP server recording every POST body sent to `path`."""
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state = holder["state"]
            with state.lock:
                status = state.failures.pop(0) if state.failures else 200
                if status == 200 and self.path == path:
                    state.bodies.append(body)
            self.send_response(status if self.path == path else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:  # keep pytest output clean
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["state"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["state"]
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Span:
    """One exported span, flattened."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any]


def spans(collector: Receiver) -> list[Span]:
    """Every span the collector received (OTLP/HTTP protobuf bodies)."""
    found = []
    with collector.lock:
        bodies = list(collector.bodies)
    for body in bodies:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    found.append(
                        Span(
                            service=resource.get("service.name", ""),
                            name=span.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_id=span.parent_span_id.hex(),
                            attributes={a.key: _value(a.value) for a in span.attributes},
                        )
                    )
    return found


def _value(value: Any) -> Any:
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


def webhook_messages(hook: Receiver) -> list[dict[str, Any]]:
    """Every webhook body received, parsed, with its attachment fields as a dict."""
    with hook.lock:
        bodies = list(hook.bodies)
    messages = []
    for body in bodies:
        message = json.loads(body)
        attachment = message["attachments"][0]
        message["facts"] = {f["title"]: f["value"] for f in attachment["fields"]}
        messages.append(message)
    return messages
