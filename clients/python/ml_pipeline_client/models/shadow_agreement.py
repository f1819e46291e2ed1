from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ShadowAgreement")


@_attrs_define
class ShadowAgreement:
    """Both models on the same requests (shadow mode only).

    Attributes:
        requests (int): Answers served during the experiment
        shadowed (int): Of those, scored by the challenger too
        agreement_rate (float | None): Same decision from both models
        paired_outcomes (int):
        only_production_correct (int):
        only_challenger_correct (int):
        mcnemar_p_value (float | None): Exact McNemar test on the requests where exactly one model was right
    """

    requests: int
    shadowed: int
    agreement_rate: float | None
    paired_outcomes: int
    only_production_correct: int
    only_challenger_correct: int
    mcnemar_p_value: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requests = self.requests

        shadowed = self.shadowed

        agreement_rate: float | None
        agreement_rate = self.agreement_rate

        paired_outcomes = self.paired_outcomes

        only_production_correct = self.only_production_correct

        only_challenger_correct = self.only_challenger_correct

        mcnemar_p_value: float | None
        mcnemar_p_value = self.mcnemar_p_value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requests": requests,
                "shadowed": shadowed,
                "agreement_rate": agreement_rate,
                "paired_outcomes": paired_outcomes,
                "only_production_correct": only_production_correct,
                "only_challenger_correct": only_challenger_correct,
                "mcnemar_p_value": mcnemar_p_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        requests = d.pop("requests")

        shadowed = d.pop("shadowed")

        def _parse_agreement_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        agreement_rate = _parse_agreement_rate(d.pop("agreement_rate"))

        paired_outcomes = d.pop("paired_outcomes")

        only_production_correct = d.pop("only_production_correct")

        only_challenger_correct = d.pop("only_challenger_correct")

        def _parse_mcnemar_p_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mcnemar_p_value = _parse_mcnemar_p_value(d.pop("mcnemar_p_value"))

        shadow_agreement = cls(
            requests=requests,
            shadowed=shadowed,
            agreement_rate=agreement_rate,
            paired_outcomes=paired_outcomes,
            only_production_correct=only_production_correct,
            only_challenger_correct=only_challenger_correct,
            mcnemar_p_value=mcnemar_p_value,
        )

        shadow_agreement.additional_properties = d
        return shadow_agreement

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
