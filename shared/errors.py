"""One error base for every service and the handlers that render the shared error body."""

import logging
import math
from datetime import UTC, datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.context import request_id_var

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error meant for the caller: it carries its HTTP status and error type."""

    status_code = 500
    error_type = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code or self.status_code
        self.error_type = error_type or self.error_type
        self.details = details
        self.headers = headers


class BadRequest(ServiceError):
    status_code = 400
    error_type = "bad_request"


class Unauthorized(ServiceError):
    status_code = 401
    error_type = "unauthorized"

    def __init__(self, message: str = "not authenticated", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(ServiceError):
    status_code = 403
    error_type = "forbidden"


class NotFound(ServiceError):
    status_code = 404
    error_type = "not_found"


class Conflict(ServiceError):
    status_code = 409
    error_type = "conflict"


class PayloadTooLarge(ServiceError):
    status_code = 413
    error_type = "payload_too_large"


class UnprocessableEntity(ServiceError):
    status_code = 422
    error_type = "validation_error"


class BadGateway(ServiceError):
    status_code = 502
    error_type = "bad_gateway"


class ServiceUnavailable(ServiceError):
    status_code = 503
    error_type = "service_unavailable"


class GatewayTimeout(ServiceError):
    status_code = 504
    error_type = "gateway_timeout"


class ErrorDetail(BaseModel):
    type: str = Field(description="Machine-readable error type", examples=["validation_error"])
    message: str = Field(description="Human-readable explanation")
    request_id: str | None = Field(description="The request's X-Request-ID")
    timestamp: datetime
    details: Any = Field(default=None, description="Field errors or other structured context")


class ErrorBody(BaseModel):
    """The error body every service returns, whatever the status."""

    error: ErrorDetail


def error_response(
    *,
    status_code: int,
    error_type: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a JSONResponse in the shared error shape."""
    body = {
        "error": {
            "type": error_type,
            "message": message,
            "request_id": request_id_var.get(),
            "timestamp": datetime.now(UTC).isoformat(),
            "details": details,
        }
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


# Caller input echoed in an error body is cut to this many characters: a 5,000-character
# field must not come back whole (or fill logs and proxies on the way).
ECHO_CHARS = 100
# At most this many field names in a 422's message (`details` lists every field).
MESSAGE_FIELDS = 10


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """Caller text made safe to echo: bounded, and encodable even with lone surrogates."""
    # A lone surrogate cannot be encoded as UTF-8: rendering it would crash the error body.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > limit:
        text = f"{text[:limit]}…[{len(text) - limit} more characters]"
    return text


def _json_safe(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return value if abs(value) < 2**63 else echo(str(value))
    return echo(value if isinstance(value, str) else repr(value))


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Reduce pydantic errors to field, message and type, with inputs echoed bounded and safe."""
    details = []
    for err in errors:
        # Keys of the caller's object appear in `loc` too (e.g. an unknown field's name).
        loc = [echo(str(part)) for part in err.get("loc", ()) if part not in ("body", "query")]
        if err.get("type") == "json_invalid":
            loc = []  # the location is a character offset, not a field
        item: dict[str, Any] = {
            "field": ".".join(loc) or "body",
            # Some messages quote the value they refuse (e.g. "got '…'").
            "message": echo(str(err.get("msg", "invalid value")), limit=3 * ECHO_CHARS),
            "type": err.get("type", "value_error"),
        }
        if "input" in err and not isinstance(err["input"], dict | list):
            item["input"] = _json_safe(err["input"])
        details.append(item)
    return details


def render(exc: ServiceError) -> JSONResponse:
    """The shared error body for a ServiceError."""
    if exc.status_code >= 500:
        logger.warning("service error", extra={"error_type": exc.error_type, "detail": exc.message})
    return error_response(
        status_code=exc.status_code,
        error_type=exc.error_type,
        message=exc.message,
        details=exc.details,
        headers=exc.headers,
    )


async def _service_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return render(exc)


def invalid_request(errors: Any) -> ServiceError:
    """400 for a body that is not JSON, 422 naming the fields for one that fails validation."""
    errors = list(errors)
    details = validation_details(errors)
    if any(err.get("type") == "json_invalid" for err in errors):
        return BadRequest(
            "request body is not valid JSON", error_type="malformed_json", details=details
        )
    names = sorted({d["field"] for d in details})
    fields = ", ".join(names[:MESSAGE_FIELDS]) + (", …" if len(names) > MESSAGE_FIELDS else "")
    return UnprocessableEntity(f"invalid request: {fields}", details=details)


async def _validation_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return render(invalid_request(exc.errors()))


async def _http_exception_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error_type = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(
        status_code=exc.status_code,
        error_type=error_type,
        message=str(exc.detail),
        headers=getattr(exc, "headers", None),
    )


async def _database_down_handler(_: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
    return render(
        ServiceUnavailable(
            "the database is unavailable; try again shortly",
            error_type="database_unavailable",
            headers={"Retry-After": "5"},
        )
    )


# Raised when Postgres cannot be reached or a connection drops mid-request.
DATABASE_DOWN: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    ConnectionError,
)


def install_error_handlers(app: FastAPI) -> None:
    """Route expected exceptions through the shared error body (crashes: `EdgeMiddleware`)."""
    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down_handler)
    app.add_exception_handler(ServiceError, _service_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "Malformed request (e.g. the body is not JSON)",
        401: "Missing, expired or invalid bearer token",
        403: "The token lacks the scope this route needs",
        404: "Not found",
        409: "Conflicts with the current state",
        413: "Request body too large",
        422: "A field failed validation; `details` names it",
        429: "Rate limit exceeded; see Retry-After",
        502: "An internal service gave a malformed answer",
        503: "An internal service or dependency is unavailable",
        504: "An internal service did not answer in time",
    }.items()
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses."""
    return {code: ERROR_RESPONSES[code] for code in codes}
