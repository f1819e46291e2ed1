from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WindowRequest")


@_attrs_define
class WindowRequest:
    """The predictions to test: the newest `last_n`, those since `since`, or the newest
    `last_n` of those since `since`.

        Attributes:
            last_n (int | None | Unset): Newest served predictions to test
            since (datetime.datetime | None | Unset): Only predictions served at or after this time (with a UTC offset)
    """

    last_n: int | None | Unset = UNSET
    since: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        last_n: int | None | Unset
        if isinstance(self.last_n, Unset):
            last_n = UNSET
        else:
            last_n = self.last_n

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if last_n is not UNSET:
            field_dict["last_n"] = last_n
        if since is not UNSET:
            field_dict["since"] = since

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_last_n(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_n = _parse_last_n(d.pop("last_n", UNSET))

        def _parse_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        window_request = cls(
            last_n=last_n,
            since=since,
        )

        return window_request
