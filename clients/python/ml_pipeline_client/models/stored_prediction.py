from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StoredPrediction")


@_attrs_define
class StoredPrediction:
    """
    Attributes:
        prediction_id (UUID):
        created_at (datetime.datetime):
        model_name (str):
        model_version (str):
        variant (str):
        shadow (bool): Scored in the shadow of the answering model, not answered
        experiment_id (None | UUID):
        idade (int):
        renda_anual (float):
        probability (float):
        comprou_produto (bool): The decision the model gave
        customer_id (str): The stored pseudonym, `<key version>:<hex>`
    """

    prediction_id: UUID
    created_at: datetime.datetime
    model_name: str
    model_version: str
    variant: str
    shadow: bool
    experiment_id: None | UUID
    idade: int
    renda_anual: float
    probability: float
    comprou_produto: bool
    customer_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prediction_id = str(self.prediction_id)

        created_at = self.created_at.isoformat()

        model_name = self.model_name

        model_version = self.model_version

        variant = self.variant

        shadow = self.shadow

        experiment_id: None | str
        if isinstance(self.experiment_id, UUID):
            experiment_id = str(self.experiment_id)
        else:
            experiment_id = self.experiment_id

        idade = self.idade

        renda_anual = self.renda_anual

        probability = self.probability

        comprou_produto = self.comprou_produto

        customer_id = self.customer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prediction_id": prediction_id,
                "created_at": created_at,
                "model_name": model_name,
                "model_version": model_version,
                "variant": variant,
                "shadow": shadow,
                "experiment_id": experiment_id,
                "idade": idade,
                "renda_anual": renda_anual,
                "probability": probability,
                "comprou_produto": comprou_produto,
                "customer_id": customer_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prediction_id = UUID(d.pop("prediction_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        model_name = d.pop("model_name")

        model_version = d.pop("model_version")

        variant = d.pop("variant")

        shadow = d.pop("shadow")

        def _parse_experiment_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                experiment_id_type_0 = UUID(data)

                return experiment_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        experiment_id = _parse_experiment_id(d.pop("experiment_id"))

        idade = d.pop("idade")

        renda_anual = d.pop("renda_anual")

        probability = d.pop("probability")

        comprou_produto = d.pop("comprou_produto")

        customer_id = d.pop("customer_id")

        stored_prediction = cls(
            prediction_id=prediction_id,
            created_at=created_at,
            model_name=model_name,
            model_version=model_version,
            variant=variant,
            shadow=shadow,
            experiment_id=experiment_id,
            idade=idade,
            renda_anual=renda_anual,
            probability=probability,
            comprou_produto=comprou_produto,
            customer_id=customer_id,
        )

        stored_prediction.additional_properties = d
        return stored_prediction

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
