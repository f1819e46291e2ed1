"""One row against the feature contract: CSV fields or a JSON object in, a feature record out.

Each check raises RowRejected with the reason reported to the caller, line by line.
"""

import csv
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from services.training.errors import CsvRefused
from shared.contract import (
    IDADE_MAX,
    IDADE_MIN,
    LABEL,
    OBSERVED_AT,
    RENDA_MAX,
    RENDA_MIN,
    idade_in_range,
    is_whole,
    parse_label,
    printable_text,
    renda_in_range,
)
from shared.errors import echo
from shared.repositories import features
from shared.schemas_training import FeatureRow, as_utc

REQUIRED = ("idade", "renda_anual", LABEL)
OPTIONAL = (OBSERVED_AT,)
# Clock skew allowed before an observation time counts as "in the future".
_FUTURE_TOLERANCE = timedelta(minutes=5)


class RowRejected(ValueError):
    """One row breaks the contract; the message is the reason reported to the caller."""


@dataclass(frozen=True)
class CsvLayout:
    """Where each contract column sits in the file's rows."""

    width: int
    idade: int
    renda_anual: int
    label: int
    observed_at: int | None

    @classmethod
    def from_header(cls, header: list[str]) -> "CsvLayout":
        """Read the header row; refuse the file if it is not the contract's."""
        names = [name.strip().lower() for name in header]
        expected = f"{','.join(REQUIRED)}[,{','.join(OPTIONAL)}]"
        missing = [name for name in REQUIRED if name not in names]
        unknown = [name for name in names if name not in (*REQUIRED, *OPTIONAL)]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if missing or unknown or duplicated:
            problems = {"missing": missing, "unknown": unknown, "duplicated": duplicated}
            raise CsvRefused(
                f"the header must be {expected}; got {','.join(names) or 'an empty line'}",
                error_type="invalid_csv_header",
                details={"expected": expected, **{k: v for k, v in problems.items() if v}},
            )
        return cls(
            width=len(names),
            idade=names.index("idade"),
            renda_anual=names.index("renda_anual"),
            label=names.index(LABEL),
            observed_at=names.index(OBSERVED_AT) if OBSERVED_AT in names else None,
        )


# ASCII digits only: int() and float() also take "３５" (full-width) and "3_5".
_WHOLE = re.compile(r"[0-9]{1,3}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)


def _number(text: str, name: str) -> float:
    if not _DECIMAL.fullmatch(text):
        raise RowRejected(f"{name} {echo(text)!r} is not a number")
    return float(text)


def _age(text: str) -> int:
    if _WHOLE.fullmatch(text):  # the common case, checked before the slower general path
        whole = int(text)
        if idade_in_range(whole):
            return whole
    text = text.strip()
    if not text:
        raise RowRejected("idade is missing")
    age = _number(text, "idade")
    if not is_whole(age):
        raise RowRejected(f"idade {echo(text)} is not a whole number")
    if not idade_in_range(age):
        raise RowRejected(f"idade {echo(text)} is outside {IDADE_MIN}..{IDADE_MAX}")
    return int(age)


def _income(text: str) -> float:
    text = text.strip()
    if not text:
        raise RowRejected("renda_anual is missing")
    income = _number(text, "renda_anual")
    if not renda_in_range(income):
        raise RowRejected(f"renda_anual {echo(text)} is outside {RENDA_MIN:,.0f}..{RENDA_MAX:,.0f}")
    return income


def _label(text: str) -> bool:
    if not text.strip():
        raise RowRejected(f"{LABEL} is missing")
    try:
        return parse_label(text)
    except ValueError:
        raise RowRejected(
            f"{LABEL} must be 0/1, true/false, yes/no or sim/não, got {echo(text)!r}"
        ) from None


def _observed_at(text: str, *, now: datetime) -> datetime:
    text = text.strip()
    if not text:
        return now
    try:
        moment = as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise RowRejected(f"observed_at {echo(text)!r} is not an ISO 8601 date-time") from None
    if moment > now + _FUTURE_TOLERANCE:
        raise RowRejected(f"observed_at {echo(text)} is in the future")
    return moment


def check_csv_row(
    fields: list[str], layout: CsvLayout, *, now: datetime, source: str
) -> features.FeatureRecord:
    """Turn one CSV row into a feature record, or raise RowRejected with the reason."""
    if len(fields) != layout.width:
        raise RowRejected(f"expected {layout.width} fields, got {len(fields)}")
    at = layout.observed_at
    return (
        _age(fields[layout.idade]),
        _income(fields[layout.renda_anual]),
        _label(fields[layout.label]),
        now if at is None else _observed_at(fields[at], now=now),
        source,
    )


def check_json_row(row: Any, *, now: datetime, source: str) -> features.FeatureRecord:
    """Validate one JSON row against the contract, or raise RowRejected with the reason."""
    try:
        valid = FeatureRow.model_validate(row)
    except ValidationError as exc:
        reasons = [
            f"{'.'.join(str(part) for part in err['loc']) or 'row'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise RowRejected("; ".join(reasons)) from None
    observed = valid.observed_at or now
    if observed > now + _FUTURE_TOLERANCE:
        raise RowRejected(f"observed_at {observed.isoformat()} is in the future")
    return (valid.idade, valid.renda_anual, valid.comprou_produto, observed, source)


def csv_fields(line: str) -> list[str]:
    try:
        printable_text(line)  # no contract field holds a control character
    except ValueError as exc:
        raise RowRejected(f"the line {exc}") from None
    # Plain lines (the common case) split directly; quoted ones go through csv, one line at a
    # time, so a stray quote spoils only its own row instead of swallowing the rows after it.
    if '"' not in line:
        return line.split(",")
    try:
        return next(csv.reader([line], strict=True), [])
    except csv.Error as exc:
        raise RowRejected(f"malformed CSV quoting ({exc})") from None


def csv_header(line: str) -> CsvLayout:
    try:
        return CsvLayout.from_header(csv_fields(line))
    except RowRejected as exc:
        raise CsvRefused(f"the header row is not valid CSV: {exc}", error_type="not_csv") from None
