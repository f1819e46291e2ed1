"""The CSV upload dependency: refuse by headers first, then stream the body."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.requests import ClientDisconnect

from services.training.dependencies import SettingsDep
from services.training.errors import UnsupportedMediaType, UploadInterrupted
from shared.errors import PayloadTooLarge

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv"})


def check_csv_request(
    content_type: str | None, content_length: str | None, *, max_bytes: int
) -> None:
    """Refuse a CSV upload by its headers alone: wrong media type (415) or declared too big."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType(content_type)
    if content_length and (not content_length.isdigit() or int(content_length) > max_bytes):
        raise PayloadTooLarge(f"CSV body exceeds {max_bytes} bytes", error_type="csv_too_large")


def _csv_body(
    request: Request,
    settings: SettingsDep,
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
    content_length: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> AsyncIterator[bytes]:
    check_csv_request(content_type, content_length, max_bytes=settings.training_max_csv_bytes)
    return _body_chunks(request)


async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        # The sender gave up (e.g. the gateway hit its size limit): a 4xx, not a crash.
        raise UploadInterrupted(
            "the client went away before the body ended; nothing was written"
        ) from None


CsvBodyDep = Annotated[AsyncIterator[bytes], Depends(_csv_body)]
