"""Per-request context that crosses module boundaries without being passed around."""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
