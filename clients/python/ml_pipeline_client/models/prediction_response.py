from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef


T = TypeVar("T", bound="PredictionResponse")


@_attrs_define
class PredictionResponse:
    """A scored customer: the decision, its probability and the model that made it.

    Attributes:
        prediction_id (UUID):
        comprou_produto (bool): Predicted purchase (probability ≥ 0.5)
        probability (float): Probability of purchase
        model (ModelRef):
    """

    prediction_id: UUID
    comprou_produto: bool
    probability: float
    model: ModelRef
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prediction_id = str(self.prediction_id)

        comprou_produto = self.comprou_produto

        probability = self.probability

        model = self.model.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prediction_id": prediction_id,
                "comprou_produto": comprou_produto,
                "probability": probability,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        d = dict(src_dict)
        prediction_id = UUID(d.pop("prediction_id"))

        comprou_produto = d.pop("comprou_produto")

        probability = d.pop("probability")

        model = ModelRef.from_dict(d.pop("model"))

        prediction_response = cls(
            prediction_id=prediction_id,
            comprou_produto=comprou_produto,
            probability=probability,
            model=model,
        )

        prediction_response.additional_properties = d
        return prediction_response

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
