"""Deprecation notices: `deprecated: true` in the OpenAPI document and a `Deprecation` header.

Declare a route with `**deprecation(since=..., sunset=...)`; the document marks the operation
deprecated and every response from it (errors included) carries `Deprecation` (RFC 9745),
plus `Sunset` (RFC 8594) and a `Link` to its successor when given. Declare a field with
`Field(**deprecated_field(since=..., note=...))`; its schema says `deprecated: true` and every
route whose request or response model holds it answers with `Deprecation` from that date.
"""

from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]
SINCE = "x-deprecated-since"
SUNSET = "x-sunset"
SUCCESSOR = "x-successor"


def deprecation(
    *, since: date, sunset: date | None = None, successor: str | None = None
) -> dict[str, Any]:
    """Route keyword arguments that mark an operation deprecated from `since`."""
    extra: dict[str, str] = {SINCE: since.isoformat()}
    if sunset:
        extra[SUNSET] = sunset.isoformat()
    if successor:
        extra[SUCCESSOR] = successor
    return {"deprecated": True, "openapi_extra": extra}


def deprecated_field(*, since: date, note: str) -> dict[str, Any]:
    """`Field` keyword arguments that mark a model field deprecated from `since`."""
    return {"deprecated": note, "json_schema_extra": {SINCE: since.isoformat()}}


def deprecation_headers(route: APIRoute) -> Headers:
    """The response headers announcing that `route`, or a field it takes or gives, is deprecated."""
    extra = route.openapi_extra or {}
    if not route.deprecated:
        dates = _deprecated_fields(route)
        if not dates:
            return []
        known = sorted(d for d in dates if d)
        return [(b"deprecation", f"@{_epoch(known[0])}".encode() if known else b"true")]
    since = extra.get(SINCE)
    # RFC 9745 wants a date; a route marked deprecated without one still says so.
    notice = f"@{_epoch(since)}" if since else "true"
    headers = [(b"deprecation", notice.encode())]
    if extra.get(SUNSET):
        sunset = datetime.combine(date.fromisoformat(extra[SUNSET]), datetime.min.time(), UTC)
        headers.append((b"sunset", format_datetime(sunset, usegmt=True).encode()))
    if extra.get(SUCCESSOR):
        headers.append((b"link", f'<{extra[SUCCESSOR]}>; rel="successor-version"'.encode()))
    return headers


def _deprecated_fields(route: APIRoute) -> list[str | None]:
    """The `since` dates (None when not given) of deprecated fields in the route's models."""
    models = [p.field_info.annotation for p in route.dependant.body_params]
    found: list[str | None] = []
    seen: set[type] = set()
    pending = [*models, route.response_model]
    while pending:
        annotation = pending.pop()
        pending.extend(get_args(annotation))
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            continue
        if annotation in seen:
            continue
        seen.add(annotation)
        for field in annotation.model_fields.values():
            pending.append(field.annotation)
            if field.deprecated:
                extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
                since = extra.get(SINCE)
                found.append(str(since) if since else None)
    return found


def _epoch(day: str) -> int:
    return int(datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC).timestamp())


class DeprecationHeaderMiddleware:
    """Adds the deprecation headers to responses from deprecated routes; free when none is."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self._api = api
        self._active: bool | None = None
        self._by_route: dict[int, Headers] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._active is None:
            # Routes are complete once the app serves; ask the document on the first request.
            self._active = any_deprecated(self._api.openapi())
        if not self._active:
            await self.app(scope, receive, send)
            return

        async def send_with_notice(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = self._headers_for(scope.get("route"))
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_notice)

    def _headers_for(self, route: object) -> Headers:
        if not isinstance(route, APIRoute):
            return []
        key = id(route)
        if key not in self._by_route:
            self._by_route[key] = deprecation_headers(route)
        return self._by_route[key]


def any_deprecated(document: dict[str, Any]) -> bool:
    """Whether the OpenAPI document marks any operation or schema field deprecated."""
    operations = any(
        isinstance(operation, dict) and operation.get("deprecated")
        for item in document.get("paths", {}).values()
        for operation in item.values()
    )
    fields = any(
        isinstance(field, dict) and field.get("deprecated")
        for schema in document.get("components", {}).get("schemas", {}).values()
        for field in schema.get("properties", {}).values()
    )
    return operations or fields
