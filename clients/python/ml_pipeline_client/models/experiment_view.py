from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.experiment_view_mode import ExperimentViewMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExperimentView")


@_attrs_define
class ExperimentView:
    """An experiment as recorded.

    Attributes:
        id (UUID):
        model_name (str):
        production_version (str): Production version when it started
        challenger_version (str):
        traffic (float): Share of customers the challenger answers (0 in shadow)
        mode (ExperimentViewMode):
        started_at (datetime.datetime):
        active (bool):
        ended_at (datetime.datetime | None | Unset):
        outcome (None | str | Unset):
    """

    id: UUID
    model_name: str
    production_version: str
    challenger_version: str
    traffic: float
    mode: ExperimentViewMode
    started_at: datetime.datetime
    active: bool
    ended_at: datetime.datetime | None | Unset = UNSET
    outcome: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        model_name = self.model_name

        production_version = self.production_version

        challenger_version = self.challenger_version

        traffic = self.traffic

        mode = self.mode.value

        started_at = self.started_at.isoformat()

        active = self.active

        ended_at: None | str | Unset
        if isinstance(self.ended_at, Unset):
            ended_at = UNSET
        elif isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        else:
            outcome = self.outcome

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "model_name": model_name,
                "production_version": production_version,
                "challenger_version": challenger_version,
                "traffic": traffic,
                "mode": mode,
                "started_at": started_at,
                "active": active,
            }
        )
        if ended_at is not UNSET:
            field_dict["ended_at"] = ended_at
        if outcome is not UNSET:
            field_dict["outcome"] = outcome

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        model_name = d.pop("model_name")

        production_version = d.pop("production_version")

        challenger_version = d.pop("challenger_version")

        traffic = d.pop("traffic")

        mode = ExperimentViewMode(d.pop("mode"))

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        active = d.pop("active")

        def _parse_ended_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ended_at = _parse_ended_at(d.pop("ended_at", UNSET))

        def _parse_outcome(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        experiment_view = cls(
            id=id,
            model_name=model_name,
            production_version=production_version,
            challenger_version=challenger_version,
            traffic=traffic,
            mode=mode,
            started_at=started_at,
            active=active,
            ended_at=ended_at,
            outcome=outcome,
        )

        experiment_view.additional_properties = d
        return experiment_view

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
