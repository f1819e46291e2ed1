from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictRequest")


@_attrs_define
class PredictRequest:
    """One customer to score.

    Attributes:
        idade (int): Customer age in whole years (18–100)
        renda_anual (float): Annual income, a finite number from 0 to 10,000,000
        customer_id (None | str | Unset): Optional stable customer key; A/B assignment sticks to it when given
    """

    idade: int
    renda_anual: float
    customer_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        idade = self.idade

        renda_anual = self.renda_anual

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        else:
            customer_id = self.customer_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "idade": idade,
                "renda_anual": renda_anual,
            }
        )
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        idade = d.pop("idade")

        renda_anual = d.pop("renda_anual")

        def _parse_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        predict_request = cls(
            idade=idade,
            renda_anual=renda_anual,
            customer_id=customer_id,
        )

        return predict_request
