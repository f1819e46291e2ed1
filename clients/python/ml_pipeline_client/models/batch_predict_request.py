from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.predict_request import PredictRequest


T = TypeVar("T", bound="BatchPredictRequest")


@_attrs_define
class BatchPredictRequest:
    """Up to MAX_BATCH_INSTANCES customers scored in one call, answered in order.

    Attributes:
        instances (list[PredictRequest]): 1 to 1000 customers
    """

    instances: list[PredictRequest]

    def to_dict(self) -> dict[str, Any]:
        instances = []
        for instances_item_data in self.instances:
            instances_item = instances_item_data.to_dict()
            instances.append(instances_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instances": instances,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.predict_request import PredictRequest  # noqa: PLC0415

        d = dict(src_dict)
        instances = []
        _instances = d.pop("instances")
        for instances_item_data in _instances:
            instances_item = PredictRequest.from_dict(instances_item_data)

            instances.append(instances_item)

        batch_predict_request = cls(
            instances=instances,
        )

        return batch_predict_request
