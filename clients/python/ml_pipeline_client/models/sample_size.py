from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sample_size_metric import SampleSizeMetric

T = TypeVar("T", bound="SampleSize")


@_attrs_define
class SampleSize:
    """Outcomes each variant needs to detect the minimum effect with the configured power.

    Attributes:
        metric (SampleSizeMetric):
        baseline_rate (float): Production's rate (0.5 until outcomes arrive)
        minimum_detectable_effect (float):
        alpha (float):
        power (float):
        needed_per_variant (int):
    """

    metric: SampleSizeMetric
    baseline_rate: float
    minimum_detectable_effect: float
    alpha: float
    power: float
    needed_per_variant: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric.value

        baseline_rate = self.baseline_rate

        minimum_detectable_effect = self.minimum_detectable_effect

        alpha = self.alpha

        power = self.power

        needed_per_variant = self.needed_per_variant

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "baseline_rate": baseline_rate,
                "minimum_detectable_effect": minimum_detectable_effect,
                "alpha": alpha,
                "power": power,
                "needed_per_variant": needed_per_variant,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = SampleSizeMetric(d.pop("metric"))

        baseline_rate = d.pop("baseline_rate")

        minimum_detectable_effect = d.pop("minimum_detectable_effect")

        alpha = d.pop("alpha")

        power = d.pop("power")

        needed_per_variant = d.pop("needed_per_variant")

        sample_size = cls(
            metric=metric,
            baseline_rate=baseline_rate,
            minimum_detectable_effect=minimum_detectable_effect,
            alpha=alpha,
            power=power,
            needed_per_variant=needed_per_variant,
        )

        sample_size.additional_properties = d
        return sample_size

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
