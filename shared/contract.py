"""The feature contract, declared once: every service validates customers against it."""

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

FEATURES: Final = ("idade", "renda_anual")
LABEL: Final = "comprou_produto"
IDADE_MIN: Final = 18
IDADE_MAX: Final = 100
RENDA_MIN: Final = 0.0
RENDA_MAX: Final = 10_000_000.0

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
