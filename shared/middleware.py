"""The one ASGI layer in front of every service: request ids, body limits, last-resort errors.

It replaces a stack of separate middlewares (request id, two body limits, Starlette's server
error layer, FastAPI's telemetry) because each layer costs per request: this one does all of
that in a single pass, and can hand chosen routes straight to a thin ASGI handler.
"""

import logging
import re
import uuid
from collections.abc import Mapping, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.context import request_id_var
from shared.errors import ServiceError, error_response, render
from shared.lifecycle import CONNECTION_CLOSE, Drain
from shared.service_auth import ServiceGuard, caller_var

logger = logging.getLogger(__name__)

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Every answer declares its content type: never let a browser guess another one.
_NOSNIFF = (b"x-content-type-options", b"nosniff")


class EdgeMiddleware:
    """Adopt or mint the request id, refuse oversized bodies, turn crashes into a 500 body.

    Paths under `streaming_prefixes` skip the body limit: those routes stream their bodies and
    enforce their own, larger, limit while reading. With a `guard` (internal services), every
    request but the probes must carry a valid service credential, checked before the body is read.
    Once the service drains for shutdown (`drain`), every answer says `Connection: close`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        streaming_prefixes: Sequence[str] = (),
        guard: ServiceGuard | None = None,
        drain: Drain,
    ) -> None:
        self.app = app
        self.drain = drain
        self.max_bytes = max_bytes
        self.streaming_prefixes = tuple(streaming_prefixes)
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        incoming = headers.get(b"x-request-id")
        request_id = (
            incoming.decode("latin-1")
            if incoming and _VALID_REQUEST_ID.match(incoming.decode("latin-1"))
            else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        id_header = (b"x-request-id", request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), id_header, _NOSNIFF]
                if self.drain.draining:
                    message["headers"].append(CONNECTION_CLOSE)
            await send(message)

        caller_token = None
        try:
            if self.guard is not None:
                try:
                    caller = self.guard.check(scope["path"], headers.get(b"authorization"))
                except ServiceError as exc:
                    await render(exc)(scope, _no_body, send_with_id)
                    return
                caller_token = caller_var.set(caller)
            if not scope["path"].startswith(self.streaming_prefixes):
                receive = await self._bounded(headers, receive)
                if receive is _REJECTED:
                    await self._too_large(scope, send_with_id)
                    return
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # the last resort: no stack trace leaves the service
            logger.error("unhandled error", exc_info=exc)
            if not started:
                response = error_response(
                    status_code=500, error_type="internal_error", message="internal server error"
                )
                await response(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            if caller_token is not None:
                caller_var.reset(caller_token)

    async def _bounded(self, headers: Mapping[bytes, bytes], receive: Receive) -> Receive:
        declared = headers.get(b"content-length")
        if declared is not None:
            ok = declared.isdigit() and int(declared) <= self.max_bytes
            return receive if ok else _REJECTED
        if headers.get(b"transfer-encoding") is None:
            return receive  # no body at all
        # Chunked: the size is only known once read, so read it (bounded) first.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return _REJECTED
            more = message.get("more_body", False)
        return _replay(b"".join(chunks), receive)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        response = error_response(
            status_code=413,
            error_type="payload_too_large",
            message=f"request body exceeds {self.max_bytes} bytes",
        )
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _rejected() -> Message:  # a sentinel; never awaited
    return {"type": "http.disconnect"}


_REJECTED: Receive = _rejected


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _headers(scope: Scope) -> dict[bytes, bytes]:
    # Only the few headers this layer reads; later duplicates do not override the first.
    wanted = {}
    for key, value in scope.get("headers", ()):
        if key in _READ and key not in wanted:
            wanted[key] = value
    return wanted


_READ = frozenset({b"x-request-id", b"content-length", b"transfer-encoding", b"authorization"})


async def read_body(receive: Receive) -> bytes:
    """The whole request body (already bounded by EdgeMiddleware)."""
    message = await receive()
    body = message.get("body", b"")
    if not message.get("more_body", False):
        return bytes(body)
    chunks = [body]
    while message.get("more_body", False):
        message = await receive()
        chunks.append(message.get("body", b""))
    return b"".join(chunks)
