"""The feature contract and label spellings."""

import pytest
from pydantic import ValidationError

from shared.contract import CustomerFeatures, parse_label


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, True),
        (0, False),
        (True, True),
        ("sim", True),
        ("Não", False),
        ("nao", False),
        (" yes ", True),
        ("NO", False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
    ],
)
def test_label_spellings(value: object, expected: bool) -> None:
    assert parse_label(value) is expected


@pytest.mark.parametrize("value", [2, "maybe", None, 0.5, ""])
def test_unknown_labels_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="label must be"):
        parse_label(value)


def test_bounds_are_inclusive() -> None:
    assert CustomerFeatures(idade=18, renda_anual=0).renda_anual == 0
    assert CustomerFeatures(idade=100, renda_anual=10_000_000).idade == 100


@pytest.mark.parametrize(
    "payload",
    [
        {"idade": 35, "renda_anual": float("inf")},
        {"idade": 35, "renda_anual": 10_000_000.01},
        {"idade": "35", "renda_anual": 1.0},
        {"idade": 35, "renda_anual": 1.0, "x": 1},
    ],
)
def test_contract_violations(payload: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CustomerFeatures.model_validate(payload)


@pytest.mark.parametrize("text", ["a\x00b", "tab\there", "esc\x1b", "c1\x85", "lone\ud800"])
def test_text_refuses_control_characters_and_lone_surrogates(text: str) -> None:
    from shared.schemas_training import NewTrainingJob

    with pytest.raises(ValidationError):
        NewTrainingJob.model_validate({"reason": text})
    assert NewTrainingJob.model_validate({"reason": "monthly ✓ retrain 😀"}).reason
