from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promotion_response_action import PromotionResponseAction

T = TypeVar("T", bound="PromotionResponse")


@_attrs_define
class PromotionResponse:
    """The production alias moved: to which version, from which, and why.

    Attributes:
        action (PromotionResponseAction):
        version (str):
        previous_version (None | str):
        forced (bool):
        reason (str):
        inference_reloaded (bool): Inference confirmed the reload; if not, its polling picks the change up
    """

    action: PromotionResponseAction
    version: str
    previous_version: None | str
    forced: bool
    reason: str
    inference_reloaded: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        version = self.version

        previous_version: None | str
        previous_version = self.previous_version

        forced = self.forced

        reason = self.reason

        inference_reloaded = self.inference_reloaded

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "version": version,
                "previous_version": previous_version,
                "forced": forced,
                "reason": reason,
                "inference_reloaded": inference_reloaded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = PromotionResponseAction(d.pop("action"))

        version = d.pop("version")

        def _parse_previous_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_version = _parse_previous_version(d.pop("previous_version"))

        forced = d.pop("forced")

        reason = d.pop("reason")

        inference_reloaded = d.pop("inference_reloaded")

        promotion_response = cls(
            action=action,
            version=version,
            previous_version=previous_version,
            forced=forced,
            reason=reason,
            inference_reloaded=inference_reloaded,
        )

        promotion_response.additional_properties = d
        return promotion_response

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
