from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.comparison_metric import ComparisonMetric

T = TypeVar("T", bound="Comparison")


@_attrs_define
class Comparison:
    """Challenger minus production on one rate: interval and two-sided z-test.

    Attributes:
        metric (ComparisonMetric):
        rate_production (float | None):
        rate_challenger (float | None):
        difference (float | None): Challenger rate minus production rate
        ci_low (float | None):
        ci_high (float | None):
        confidence (float):
        z (float | None):
        p_value (float | None):
    """

    metric: ComparisonMetric
    rate_production: float | None
    rate_challenger: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    z: float | None
    p_value: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric.value

        rate_production: float | None
        rate_production = self.rate_production

        rate_challenger: float | None
        rate_challenger = self.rate_challenger

        difference: float | None
        difference = self.difference

        ci_low: float | None
        ci_low = self.ci_low

        ci_high: float | None
        ci_high = self.ci_high

        confidence = self.confidence

        z: float | None
        z = self.z

        p_value: float | None
        p_value = self.p_value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "rate_production": rate_production,
                "rate_challenger": rate_challenger,
                "difference": difference,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "confidence": confidence,
                "z": z,
                "p_value": p_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = ComparisonMetric(d.pop("metric"))

        def _parse_rate_production(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_production = _parse_rate_production(d.pop("rate_production"))

        def _parse_rate_challenger(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_challenger = _parse_rate_challenger(d.pop("rate_challenger"))

        def _parse_difference(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        difference = _parse_difference(d.pop("difference"))

        def _parse_ci_low(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        ci_low = _parse_ci_low(d.pop("ci_low"))

        def _parse_ci_high(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        ci_high = _parse_ci_high(d.pop("ci_high"))

        confidence = d.pop("confidence")

        def _parse_z(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        z = _parse_z(d.pop("z"))

        def _parse_p_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p_value = _parse_p_value(d.pop("p_value"))

        comparison = cls(
            metric=metric,
            rate_production=rate_production,
            rate_challenger=rate_challenger,
            difference=difference,
            ci_low=ci_low,
            ci_high=ci_high,
            confidence=confidence,
            z=z,
            p_value=p_value,
        )

        comparison.additional_properties = d
        return comparison

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
