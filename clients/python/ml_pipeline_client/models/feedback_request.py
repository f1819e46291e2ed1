from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="FeedbackRequest")


@_attrs_define
class FeedbackRequest:
    """The actual outcome for a prediction served earlier.

    Attributes:
        prediction_id (UUID): `prediction_id` from the prediction response
        comprou_produto (bool): Did the customer buy?
    """

    prediction_id: UUID
    comprou_produto: bool

    def to_dict(self) -> dict[str, Any]:
        prediction_id = str(self.prediction_id)

        comprou_produto = self.comprou_produto

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "prediction_id": prediction_id,
                "comprou_produto": comprou_produto,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prediction_id = UUID(d.pop("prediction_id"))

        comprou_produto = d.pop("comprou_produto")

        feedback_request = cls(
            prediction_id=prediction_id,
            comprou_produto=comprou_produto,
        )

        return feedback_request
