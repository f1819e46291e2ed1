"""Helpers for thin ASGI entries: the hot routes that skip FastAPI's routing and dependencies.

A thin entry must answer exactly as its documented FastAPI route would; these helpers give it
the same body errors (FastAPI's locations, the shared error body) and a JSON answer.
"""

from typing import TypeVar

from fastapi import Response
from pydantic import BaseModel, ValidationError
from starlette.types import Receive, Scope

from shared.errors import invalid_request
from shared.middleware import read_body

ModelT = TypeVar("ModelT", bound=BaseModel)

_EMPTY_BODY = [{"type": "missing", "loc": ("body",), "msg": "Field required"}]


async def read_model(receive: Receive, model: type[ModelT]) -> ModelT:
    """The request body validated as `model`; 400 for broken JSON, 422 naming the fields."""
    return validate(await read_body(receive), model)


def validate(raw: bytes, model: type[ModelT]) -> ModelT:
    """A JSON body validated as `model`, with the errors FastAPI would give for it."""
    if not raw:
        raise invalid_request(_EMPTY_BODY)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        # Located like FastAPI's own body errors, so both entries report the same fields.
        raise invalid_request(
            [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors()]
        ) from None


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (lower-case `name`)."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def json_answer(model: BaseModel, status_code: int = 200) -> Response:
    """A model serialised straight to JSON bytes (no second validation pass)."""
    return Response(model.model_dump_json(), status_code=status_code, media_type=_JSON)


_JSON = "application/json"
