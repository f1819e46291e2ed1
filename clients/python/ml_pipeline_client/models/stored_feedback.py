from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StoredFeedback")


@_attrs_define
class StoredFeedback:
    """
    Attributes:
        prediction_id (UUID):
        comprou_produto (bool): The outcome reported
        received_at (datetime.datetime):
        source (str):
    """

    prediction_id: UUID
    comprou_produto: bool
    received_at: datetime.datetime
    source: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prediction_id = str(self.prediction_id)

        comprou_produto = self.comprou_produto

        received_at = self.received_at.isoformat()

        source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prediction_id": prediction_id,
                "comprou_produto": comprou_produto,
                "received_at": received_at,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prediction_id = UUID(d.pop("prediction_id"))

        comprou_produto = d.pop("comprou_produto")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        source = d.pop("source")

        stored_feedback = cls(
            prediction_id=prediction_id,
            comprou_produto=comprou_produto,
            received_at=received_at,
            source=source,
        )

        stored_feedback.additional_properties = d
        return stored_feedback

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
