from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Histogram")


@_attrs_define
class Histogram:
    """Reference and current shares over the same bins, for drawing the two distributions.

    Attributes:
        edges (list[float]): Bin edges, one more than the shares
        reference (list[float]): Share of reference rows per bin
        current (list[float]): Share of window rows per bin
    """

    edges: list[float]
    reference: list[float]
    current: list[float]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        edges = self.edges

        reference = self.reference

        current = self.current

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "edges": edges,
                "reference": reference,
                "current": current,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        edges = cast(list[float], d.pop("edges"))

        reference = cast(list[float], d.pop("reference"))

        current = cast(list[float], d.pop("current"))

        histogram = cls(
            edges=edges,
            reference=reference,
            current=current,
        )

        histogram.additional_properties = d
        return histogram

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
