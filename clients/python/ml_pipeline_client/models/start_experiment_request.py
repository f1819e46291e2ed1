from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.start_experiment_request_mode import StartExperimentRequestMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="StartExperimentRequest")


@_attrs_define
class StartExperimentRequest:
    """Start an experiment: a registered version becomes the `challenger`.

    Attributes:
        challenger_version (str): Registry version to test; must exist and differ from production
        traffic (float | None | Unset): Mode `ab` only: share of customers (0 < traffic < 1) the challenger answers
        mode (StartExperimentRequestMode | Unset): `ab` splits customers between the models; `shadow` has the challenger
            score every request after production has answered, and never answer Default: StartExperimentRequestMode.AB.
        reason (None | str | Unset): Why, for the record
    """

    challenger_version: str
    traffic: float | None | Unset = UNSET
    mode: StartExperimentRequestMode | Unset = StartExperimentRequestMode.AB
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        challenger_version = self.challenger_version

        traffic: float | None | Unset
        if isinstance(self.traffic, Unset):
            traffic = UNSET
        else:
            traffic = self.traffic

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "challenger_version": challenger_version,
            }
        )
        if traffic is not UNSET:
            field_dict["traffic"] = traffic
        if mode is not UNSET:
            field_dict["mode"] = mode
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        challenger_version = d.pop("challenger_version")

        def _parse_traffic(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        traffic = _parse_traffic(d.pop("traffic", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: StartExperimentRequestMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = StartExperimentRequestMode(_mode)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        start_experiment_request = cls(
            challenger_version=challenger_version,
            traffic=traffic,
            mode=mode,
            reason=reason,
        )

        return start_experiment_request
