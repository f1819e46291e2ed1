from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.window_request import WindowRequest


T = TypeVar("T", bound="DriftCheckRequest")


@_attrs_define
class DriftCheckRequest:
    """Run a drift check now; every field is optional.

    Attributes:
        window (None | Unset | WindowRequest): Which predictions to test; the service default when omitted
        trigger (bool | Unset): Ask training for a new model when the verdict is drift or degraded (false: report only)
            Default: True.
    """

    window: None | Unset | WindowRequest = UNSET
    trigger: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        from ..models.window_request import WindowRequest  # noqa: PLC0415

        window: dict[str, Any] | None | Unset
        if isinstance(self.window, Unset):
            window = UNSET
        elif isinstance(self.window, WindowRequest):
            window = self.window.to_dict()
        else:
            window = self.window

        trigger = self.trigger

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if window is not UNSET:
            field_dict["window"] = window
        if trigger is not UNSET:
            field_dict["trigger"] = trigger

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.window_request import WindowRequest  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_window(data: object) -> None | Unset | WindowRequest:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                window_type_0 = WindowRequest.from_dict(data)

                return window_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WindowRequest, data)

        window = _parse_window(d.pop("window", UNSET))

        trigger = d.pop("trigger", UNSET)

        drift_check_request = cls(
            window=window,
            trigger=trigger,
        )

        return drift_check_request
