from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ShouldRetrainRequest")


@_attrs_define
class ShouldRetrainRequest:
    """
    Attributes:
        since (datetime.datetime | None | Unset): Score rows observed since then (default: the last 7 days)
        min_rows (int | Unset):  Default: 200.
    """

    since: datetime.datetime | None | Unset = UNSET
    min_rows: int | Unset = 200

    def to_dict(self) -> dict[str, Any]:
        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        min_rows = self.min_rows

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if since is not UNSET:
            field_dict["since"] = since
        if min_rows is not UNSET:
            field_dict["min_rows"] = min_rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        min_rows = d.pop("min_rows", UNSET)

        should_retrain_request = cls(
            since=since,
            min_rows=min_rows,
        )

        return should_retrain_request
