from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.ingest_rows_request_feature_row import IngestRowsRequestFeatureRow


T = TypeVar("T", bound="IngestRowsRequest")


@_attrs_define
class IngestRowsRequest:
    """Labelled rows sent as JSON; each row is checked on its own.

    Attributes:
        rows (list[IngestRowsRequestFeatureRow]): 1 to 10000 rows
    """

    rows: list[IngestRowsRequestFeatureRow]

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingest_rows_request_feature_row import IngestRowsRequestFeatureRow  # noqa: PLC0415

        d = dict(src_dict)
        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = IngestRowsRequestFeatureRow.from_dict(rows_item_data)

            rows.append(rows_item)

        ingest_rows_request = cls(
            rows=rows,
        )

        return ingest_rows_request
