"""The feature contract, declared once: every service validates customers against it.

The age and income rules live here: the request models below, the CSV ingest and the
training data-quality check all apply these constants and predicates.
"""

import re
from typing import Annotated, Any, Final, overload

import numpy as np
import numpy.typing as npt
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

FEATURES: Final = ("idade", "renda_anual")
LABEL: Final = "comprou_produto"
IDADE_MIN: Final = 18
IDADE_MAX: Final = 100
RENDA_MIN: Final = 0.0
RENDA_MAX: Final = 10_000_000.0
# When a labelled example was observed (a column of the feature table, not a model input).
OBSERVED_AT: Final = "observed_at"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@overload
def idade_in_range(value: float) -> bool: ...
@overload
def idade_in_range(value: FloatArray) -> BoolArray: ...
def idade_in_range(value: Any) -> Any:
    """Whether an age (or each of an array of ages) lies in IDADE_MIN..IDADE_MAX."""
    # `&`, not `and`: the same expression serves a number and an array.
    return (value >= IDADE_MIN) & (value <= IDADE_MAX)


@overload
def is_whole(value: float) -> bool: ...
@overload
def is_whole(value: FloatArray) -> BoolArray: ...
def is_whole(value: Any) -> Any:
    """Whether a number (or each of an array) is a whole number; NaN and inf are not."""
    return np.isfinite(value) & (np.floor(value) == value)


@overload
def renda_in_range(value: float) -> bool: ...
@overload
def renda_in_range(value: FloatArray) -> BoolArray: ...
def renda_in_range(value: Any) -> Any:
    """Whether an income (or each of an array) lies in RENDA_MIN..RENDA_MAX (so is finite)."""
    return (value >= RENDA_MIN) & (value <= RENDA_MAX)


# Strict: "35" or true are not ages; JSON numbers only.
Idade = Annotated[
    int,
    Field(
        strict=True,
        ge=IDADE_MIN,
        le=IDADE_MAX,
        description=f"Customer age in whole years ({IDADE_MIN}–{IDADE_MAX})",
        examples=[35],
    ),
]
RendaAnual = Annotated[
    float,
    Field(
        strict=True,
        ge=RENDA_MIN,
        le=RENDA_MAX,
        allow_inf_nan=False,
        description="Annual income, a finite number from 0 to 10,000,000",
        examples=[85000.0],
    ),
]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable_text(value: str) -> str:
    """Refuse control characters and unpaired surrogates (Postgres refuses U+0000 outright)."""
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no unpaired surrogates)") from None
    return value


# Free text that is stored or logged: a customer id, a reason, an actor, a username.
Text = Annotated[str, AfterValidator(printable_text)]

# FastAPI parses bodies with `json.loads`, which accepts ~1,000 levels; pydantic serialises
# at most a few hundred, so a deep value held as `Any` and relayed onward crashed the relay.
MAX_JSON_DEPTH: Final = 32


def shallow_json(value: Any) -> Any:
    """Refuse a JSON value nested deeper than MAX_JSON_DEPTH (walked without recursion)."""
    level: list[Any] = [value]
    for _ in range(MAX_JSON_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return value
    if any(isinstance(item, dict | list) for item in level):
        raise ValueError(f"must not nest deeper than {MAX_JSON_DEPTH} levels")
    return value


# A JSON object kept untyped (checked later, field by field) but never arbitrarily deep.
JsonObject = Annotated[dict[str, Any], AfterValidator(shallow_json)]


class CustomerFeatures(BaseModel):
    """The model's inputs; unknown fields are rejected so typos never pass silently."""

    model_config = ConfigDict(extra="forbid")

    idade: Idade
    renda_anual: RendaAnual


_TRUE = frozenset({"1", "true", "t", "yes", "y", "sim", "s"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "nao", "não"})


def parse_label(value: object) -> bool:
    """Read a purchase label written as 0/1, true/false, yes/no or sim/não."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(f"label must be 0/1, true/false, yes/no or sim/não, got {value!r}")
