from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.variant_results_variant import VariantResultsVariant

T = TypeVar("T", bound="VariantResults")


@_attrs_define
class VariantResults:
    """What one variant served and how its answers turned out.

    Attributes:
        variant (VariantResultsVariant):
        model_version (str):
        predictions (int): Answers served (shadow: scored) in the experiment
        share (float | None): Realised share of the experiment's answers
        outcomes (int): Outcomes received (shadow: on requests both scored)
        accuracy (float | None): Correct predictions among the outcomes
        conversion_rate (float | None): Purchases among the outcomes
        still_needed (int): More outcomes needed to detect the configured effect
    """

    variant: VariantResultsVariant
    model_version: str
    predictions: int
    share: float | None
    outcomes: int
    accuracy: float | None
    conversion_rate: float | None
    still_needed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        variant = self.variant.value

        model_version = self.model_version

        predictions = self.predictions

        share: float | None
        share = self.share

        outcomes = self.outcomes

        accuracy: float | None
        accuracy = self.accuracy

        conversion_rate: float | None
        conversion_rate = self.conversion_rate

        still_needed = self.still_needed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "variant": variant,
                "model_version": model_version,
                "predictions": predictions,
                "share": share,
                "outcomes": outcomes,
                "accuracy": accuracy,
                "conversion_rate": conversion_rate,
                "still_needed": still_needed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        variant = VariantResultsVariant(d.pop("variant"))

        model_version = d.pop("model_version")

        predictions = d.pop("predictions")

        def _parse_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        share = _parse_share(d.pop("share"))

        outcomes = d.pop("outcomes")

        def _parse_accuracy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        accuracy = _parse_accuracy(d.pop("accuracy"))

        def _parse_conversion_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        conversion_rate = _parse_conversion_rate(d.pop("conversion_rate"))

        still_needed = d.pop("still_needed")

        variant_results = cls(
            variant=variant,
            model_version=model_version,
            predictions=predictions,
            share=share,
            outcomes=outcomes,
            accuracy=accuracy,
            conversion_rate=conversion_rate,
            still_needed=still_needed,
        )

        variant_results.additional_properties = d
        return variant_results

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
