"""The two bounds behind the hostile-input tests, at their edges."""

import json

import pytest

from shared.contract import MAX_JSON_DEPTH, shallow_json
from shared.errors import ECHO_CHARS, echo, validation_details


def _depth(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def test_json_depth_bound_is_exact() -> None:
    assert shallow_json(_depth(MAX_JSON_DEPTH)) == _depth(MAX_JSON_DEPTH)
    with pytest.raises(ValueError, match=f"deeper than {MAX_JSON_DEPTH}"):
        shallow_json(_depth(MAX_JSON_DEPTH + 1))


def test_wide_shallow_values_pass() -> None:
    wide = {f"k{i}": [{"a": [1, 2]}] * 50 for i in range(200)}
    assert shallow_json(wide) is wide


def test_echo_cuts_and_survives_lone_surrogates() -> None:
    assert echo("x" * ECHO_CHARS) == "x" * ECHO_CHARS
    assert echo("x" * (ECHO_CHARS + 7)) == "x" * ECHO_CHARS + "…[7 more characters]"
    assert echo("a\ud800b").encode("utf-8") == b"a\\ud800b"


def test_validation_details_are_always_json_encodable() -> None:
    errors = [
        {"loc": ("body", "k\udfff" * 300), "msg": "bad", "type": "extra_forbidden", "input": 1},
        {"loc": ("body", "n"), "msg": "big", "type": "int", "input": 10**40},
        {"loc": ("body", "f"), "msg": "nan", "type": "float", "input": float("nan")},
    ]
    details = validation_details(errors)
    json.dumps(details, ensure_ascii=False, allow_nan=False).encode("utf-8")
    assert len(details[0]["field"]) < 2 * ECHO_CHARS
    assert details[1]["input"] == str(10**40) and details[2]["input"] == "nan"
