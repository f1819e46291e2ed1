"""Calls to internal services, with their failures mapped to 502, 503 and 504.

Requests go straight to the shared httpx transport: the gateway needs none of the client's
per-request cookie, auth, redirect and event-hook machinery, which cost about a tenth of its
CPU per forwarded prediction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from fastapi import Response
from pydantic import BaseModel, ValidationError

from shared.context import request_id_var
from shared.errors import BadGateway, GatewayTimeout, ServiceError, ServiceUnavailable
from shared.service_auth import ServiceCredentials
from shared.tracing import with_trace_headers

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Upstream:
    """One internal service behind the process's shared pooled transport.

    Every request carries a service credential addressed to this service (its `name`), naming
    the user it is made for, if any: the only identity internal services believe.
    """

    name: str
    base_url: str
    transport: httpx.AsyncBaseTransport
    credentials: ServiceCredentials
    timeout_s: float = 10.0
    connect_timeout_s: float = 1.0
    _urls: dict[str, httpx.URL] = field(default_factory=dict, compare=False, repr=False)

    async def send(
        self,
        method: str,
        path: str,
        *,
        timeout_s: float | None = None,
        subject: str | None = None,
        scopes: Iterable[str] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request (for `subject`, if given) and read the answer; transport errors raise."""
        headers = kwargs.pop("headers", None) or {}
        headers = (
            self.credentials.authorization(self.name, subject=subject, scopes=scopes) | headers
        )
        request_id = request_id_var.get()
        if request_id:
            headers = {"X-Request-ID": request_id, **headers}
        headers = with_trace_headers(headers)
        timeout = httpx.Timeout(timeout_s or self.timeout_s, connect=self.connect_timeout_s)
        request = httpx.Request(
            method,
            self._url(path),
            headers=headers,
            extensions={"timeout": timeout.as_dict()},
            **kwargs,
        )
        response = await self.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _url(self, path: str) -> httpx.URL:
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(f"{self.base_url}{path}")
            if len(self._urls) < 64:  # static paths only in practice; ids make the rest
                self._urls[path] = url
        return url

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request; a 2xx answer comes back, anything else raises a ServiceError."""
        try:
            response = await self.send(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ServiceUnavailable(
                f"{self.name} service is unavailable",
                error_type="upstream_unavailable",
                details={"upstream": self.name, "reason": type(exc).__name__},
            ) from exc
        except httpx.TimeoutException as exc:
            raise GatewayTimeout(
                f"{self.name} service did not answer in time",
                error_type="upstream_timeout",
                details={"upstream": self.name},
            ) from exc
        except httpx.HTTPError as exc:
            raise BadGateway(
                f"{self.name} service connection failed",
                error_type="upstream_error",
                details={"upstream": self.name, "reason": type(exc).__name__},
            ) from exc
        if response.is_success:
            return response
        raise self._relay_error(response)

    async def relay(
        self,
        method: str,
        path: str,
        model: type[BaseModel],
        *,
        status_code: int = 200,
        **kwargs: Any,
    ) -> Response:
        """Call, check the answer against `model`, and pass its bytes on unchanged."""
        answer = await self.call(method, path, **kwargs)
        self.parse(answer, model)
        return Response(answer.content, status_code=status_code, media_type="application/json")

    def parse(self, response: httpx.Response, model: type[ModelT]) -> ModelT:
        """Validate an upstream answer; a malformed one is a 502."""
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise BadGateway(
                f"{self.name} service gave a malformed answer",
                error_type="upstream_malformed",
                details={"upstream": self.name},
            ) from exc

    def _relay_error(self, response: httpx.Response) -> ServiceError:
        # Upstream errors already use the shared body: keep their status and meaning.
        try:
            error = response.json()["error"]
            message, error_type = str(error["message"]), str(error["type"])
        except (ValueError, KeyError, TypeError):
            return BadGateway(
                f"{self.name} service answered {response.status_code} without an error body",
                error_type="upstream_malformed",
                details={"upstream": self.name},
            )
        status = response.status_code if response.status_code in _RELAYED else 502
        return ServiceError(
            message,
            status_code=status,
            error_type=error_type,
            details=error.get("details"),
            headers={"Retry-After": response.headers["Retry-After"]}
            if "Retry-After" in response.headers
            else None,
        )


_RELAYED = frozenset({400, 404, 409, 413, 422, 429, 503, 504})
