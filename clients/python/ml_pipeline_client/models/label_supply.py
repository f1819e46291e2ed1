from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.label_supply_snapshot import LabelSupplySnapshot
from ..types import UNSET, Unset

T = TypeVar("T", bound="LabelSupply")


@_attrs_define
class LabelSupply:
    """Labelled rows that arrived after the data the production model (or the last model the
    gate refused) learnt from: retraining on fewer cannot give a different model.

        Attributes:
            new_labels (int): Labelled rows ingested after the snapshot
            min_new_labels (int):
            since (datetime.datetime | None): The snapshot time; None when unknown
            snapshot (LabelSupplySnapshot):
            enough (bool):
            refused_job_id (None | str | Unset):
            refused_decision (None | str | Unset):
    """

    new_labels: int
    min_new_labels: int
    since: datetime.datetime | None
    snapshot: LabelSupplySnapshot
    enough: bool
    refused_job_id: None | str | Unset = UNSET
    refused_decision: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        new_labels = self.new_labels

        min_new_labels = self.min_new_labels

        since: None | str
        if isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        snapshot = self.snapshot.value

        enough = self.enough

        refused_job_id: None | str | Unset
        if isinstance(self.refused_job_id, Unset):
            refused_job_id = UNSET
        else:
            refused_job_id = self.refused_job_id

        refused_decision: None | str | Unset
        if isinstance(self.refused_decision, Unset):
            refused_decision = UNSET
        else:
            refused_decision = self.refused_decision

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "new_labels": new_labels,
                "min_new_labels": min_new_labels,
                "since": since,
                "snapshot": snapshot,
                "enough": enough,
            }
        )
        if refused_job_id is not UNSET:
            field_dict["refused_job_id"] = refused_job_id
        if refused_decision is not UNSET:
            field_dict["refused_decision"] = refused_decision

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_labels = d.pop("new_labels")

        min_new_labels = d.pop("min_new_labels")

        def _parse_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        since = _parse_since(d.pop("since"))

        snapshot = LabelSupplySnapshot(d.pop("snapshot"))

        enough = d.pop("enough")

        def _parse_refused_job_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refused_job_id = _parse_refused_job_id(d.pop("refused_job_id", UNSET))

        def _parse_refused_decision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refused_decision = _parse_refused_decision(d.pop("refused_decision", UNSET))

        label_supply = cls(
            new_labels=new_labels,
            min_new_labels=min_new_labels,
            since=since,
            snapshot=snapshot,
            enough=enough,
            refused_job_id=refused_job_id,
            refused_decision=refused_decision,
        )

        label_supply.additional_properties = d
        return label_supply

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
