from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.ingest_rows_request_feature_row_comprou_produto_type_1 import (
    IngestRowsRequestFeatureRowComprouProdutoType1,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="IngestRowsRequestFeatureRow")


@_attrs_define
class IngestRowsRequestFeatureRow:
    """One labelled customer, checked against the feature contract.

    Attributes:
        idade (int): Customer age in whole years (18–100)
        renda_anual (float): Annual income, a finite number from 0 to 10,000,000
        comprou_produto (bool | IngestRowsRequestFeatureRowComprouProdutoType1 | str): Whether the customer bought: 0/1,
            true/false, yes/no or sim/não
        observed_at (datetime.datetime | None | Unset): When the outcome was observed (UTC if no offset); default now
    """

    idade: int
    renda_anual: float
    comprou_produto: bool | IngestRowsRequestFeatureRowComprouProdutoType1 | str
    observed_at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        idade = self.idade

        renda_anual = self.renda_anual

        comprou_produto: bool | int | str
        if isinstance(self.comprou_produto, IngestRowsRequestFeatureRowComprouProdutoType1):
            comprou_produto = self.comprou_produto.value
        else:
            comprou_produto = self.comprou_produto

        observed_at: None | str | Unset
        if isinstance(self.observed_at, Unset):
            observed_at = UNSET
        elif isinstance(self.observed_at, datetime.datetime):
            observed_at = self.observed_at.isoformat()
        else:
            observed_at = self.observed_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "idade": idade,
                "renda_anual": renda_anual,
                "comprou_produto": comprou_produto,
            }
        )
        if observed_at is not UNSET:
            field_dict["observed_at"] = observed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        idade = d.pop("idade")

        renda_anual = d.pop("renda_anual")

        def _parse_comprou_produto(data: object) -> bool | IngestRowsRequestFeatureRowComprouProdutoType1 | str:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                comprou_produto_type_1 = IngestRowsRequestFeatureRowComprouProdutoType1(data)

                return comprou_produto_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | IngestRowsRequestFeatureRowComprouProdutoType1 | str, data)

        comprou_produto = _parse_comprou_produto(d.pop("comprou_produto"))

        def _parse_observed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                observed_at_type_0 = datetime.datetime.fromisoformat(data)

                return observed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        observed_at = _parse_observed_at(d.pop("observed_at", UNSET))

        ingest_rows_request_feature_row = cls(
            idade=idade,
            renda_anual=renda_anual,
            comprou_produto=comprou_produto,
            observed_at=observed_at,
        )

        return ingest_rows_request_feature_row
