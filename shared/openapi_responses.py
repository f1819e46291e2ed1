"""Fills in what every operation's responses should say but FastAPI can't infer.

- Each error response in the shared body gets an example with a real error type and message.
- Operations that take a body document 413: the body limit applies to every route.
- 429 answers declare `Retry-After`; every answer of a deprecated operation declares
  `Deprecation` (and `Sunset` when the operation names one).
"""

from typing import Any

from shared.deprecation import SUNSET

ERROR_SCHEMA_REF = "#/components/schemas/ErrorBody"
REQUEST_ID = "3f0c9a7e5b1d4c2a8e6f7a9b0c1d2e3f"
TIMESTAMP = "2026-11-30T12:00:00.000000+00:00"
# status → (type, message, details): one typical case per status, as the services write them.
ERROR_EXAMPLES: dict[int, tuple[str, str, Any]] = {
    400: (
        "malformed_json",
        "request body is not valid JSON",
        [{"field": "body", "message": "JSON decode error", "type": "json_invalid"}],
    ),
    401: ("missing_token", "missing bearer token", None),
    403: ("insufficient_scope", "token lacks scope: admin", None),
    404: ("not_found", "not found", None),
    409: ("conflict", "conflicts with the current state", None),
    413: ("payload_too_large", "request body exceeds 1048576 bytes", None),
    415: ("unsupported_media_type", "send the rows as text/csv", None),
    422: (
        "validation_error",
        "invalid request: idade",
        [
            {
                "field": "idade",
                "message": "Input should be greater than or equal to 18",
                "type": "greater_than_equal",
                "input": 17,
            }
        ],
    ),
    429: (
        "rate_limited",
        "rate limit exceeded: 6000 per 1 minute",
        {"limit": "6000 per 1 minute", "retry_after_s": 7},
    ),
    502: (
        "upstream_malformed",
        "inference service gave a malformed answer",
        {"upstream": "inference"},
    ),
    503: (
        "upstream_unavailable",
        "inference service is unavailable",
        {"upstream": "inference", "reason": "ConnectError"},
    ),
    504: (
        "upstream_timeout",
        "inference service did not answer in time",
        {"upstream": "inference"},
    ),
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 0},
}
DEPRECATION = {
    "description": "This operation is deprecated (RFC 9745): `@` and the Unix time it was",
    "schema": {"type": "string"},
}
SUNSET_HEADER = {
    "description": "When the operation will be removed (RFC 8594)",
    "schema": {"type": "string"},
}


def error_example(status: int) -> dict[str, Any]:
    """The example error body documented for `status`."""
    error_type, message, details = ERROR_EXAMPLES[status]
    return {
        "error": {
            "type": error_type,
            "message": message,
            "request_id": REQUEST_ID,
            "timestamp": TIMESTAMP,
            "details": details,
        }
    }


def complete_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Add error examples and response headers to every operation of `document` in place."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _complete_operation(operation)
    return document


def _complete_operation(operation: dict[str, Any]) -> None:
    if "requestBody" in operation and "413" not in operation["responses"]:
        # Every service enforces a body size limit before routing, whatever the route says.
        operation["responses"]["413"] = {
            "description": "Request body too large",
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
        }
    for status, answer in operation["responses"].items():
        media = answer.get("content", {}).get("application/json", {})
        code = int(status) if str(status).isdigit() else 0
        is_error_body = media.get("schema", {}).get("$ref") == ERROR_SCHEMA_REF
        if is_error_body and code in ERROR_EXAMPLES and "example" not in media:
            media["example"] = error_example(code)
        if code == 429:
            answer.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
        if operation.get("deprecated"):
            headers = answer.setdefault("headers", {})
            headers.setdefault("Deprecation", DEPRECATION)
            if operation.get(SUNSET):
                headers.setdefault("Sunset", SUNSET_HEADER)
