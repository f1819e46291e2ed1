from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChallengerPromotion")


@_attrs_define
class ChallengerPromotion:
    """The production alias move that concluded the experiment (undo: rollback).

    Attributes:
        action (Literal['promote']):
        version (str): Now in production: the former challenger
        previous_version (None | str): Production before; rollback restores it
        forced (bool):
        reason (str):
        inference_reloaded (bool): Whether inference confirmed the reload
    """

    action: Literal["promote"]
    version: str
    previous_version: None | str
    forced: bool
    reason: str
    inference_reloaded: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

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
        action = cast(Literal["promote"], d.pop("action"))
        if action != "promote":
            raise ValueError(f"action must match const 'promote', got '{action}'")

        version = d.pop("version")

        def _parse_previous_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_version = _parse_previous_version(d.pop("previous_version"))

        forced = d.pop("forced")

        reason = d.pop("reason")

        inference_reloaded = d.pop("inference_reloaded")

        challenger_promotion = cls(
            action=action,
            version=version,
            previous_version=previous_version,
            forced=forced,
            reason=reason,
            inference_reloaded=inference_reloaded,
        )

        challenger_promotion.additional_properties = d
        return challenger_promotion

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
