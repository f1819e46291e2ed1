from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ingest_report_source import IngestReportSource
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rejection import Rejection


T = TypeVar("T", bound="IngestReport")


@_attrs_define
class IngestReport:
    """What an ingest did: rows accepted (written in one transaction) and rows rejected.

    Attributes:
        source (IngestReportSource):
        received (int): Data rows read (blank lines are not counted)
        accepted (int):
        rejected (int):
        rejections (list[Rejection]): Why each row was rejected (the first 1000)
        rejections_truncated (bool | Unset):  Default: False.
    """

    source: IngestReportSource
    received: int
    accepted: int
    rejected: int
    rejections: list[Rejection]
    rejections_truncated: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source = self.source.value

        received = self.received

        accepted = self.accepted

        rejected = self.rejected

        rejections = []
        for rejections_item_data in self.rejections:
            rejections_item = rejections_item_data.to_dict()
            rejections.append(rejections_item)

        rejections_truncated = self.rejections_truncated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source": source,
                "received": received,
                "accepted": accepted,
                "rejected": rejected,
                "rejections": rejections,
            }
        )
        if rejections_truncated is not UNSET:
            field_dict["rejections_truncated"] = rejections_truncated

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rejection import Rejection  # noqa: PLC0415

        d = dict(src_dict)
        source = IngestReportSource(d.pop("source"))

        received = d.pop("received")

        accepted = d.pop("accepted")

        rejected = d.pop("rejected")

        rejections = []
        _rejections = d.pop("rejections")
        for rejections_item_data in _rejections:
            rejections_item = Rejection.from_dict(rejections_item_data)

            rejections.append(rejections_item)

        rejections_truncated = d.pop("rejections_truncated", UNSET)

        ingest_report = cls(
            source=source,
            received=received,
            accepted=accepted,
            rejected=rejected,
            rejections=rejections,
            rejections_truncated=rejections_truncated,
        )

        ingest_report.additional_properties = d
        return ingest_report

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
