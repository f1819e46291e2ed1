from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LabelledRow")


@_attrs_define
class LabelledRow:
    """
    Attributes:
        id (int):
        idade (int):
        renda_anual (float):
        comprou_produto (bool):
        observed_at (datetime.datetime):
        source (str):
    """

    id: int
    idade: int
    renda_anual: float
    comprou_produto: bool
    observed_at: datetime.datetime
    source: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        idade = self.idade

        renda_anual = self.renda_anual

        comprou_produto = self.comprou_produto

        observed_at = self.observed_at.isoformat()

        source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "idade": idade,
                "renda_anual": renda_anual,
                "comprou_produto": comprou_produto,
                "observed_at": observed_at,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        idade = d.pop("idade")

        renda_anual = d.pop("renda_anual")

        comprou_produto = d.pop("comprou_produto")

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        source = d.pop("source")

        labelled_row = cls(
            id=id,
            idade=idade,
            renda_anual=renda_anual,
            comprou_produto=comprou_produto,
            observed_at=observed_at,
            source=source,
        )

        labelled_row.additional_properties = d
        return labelled_row

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
