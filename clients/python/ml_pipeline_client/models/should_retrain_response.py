from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.should_retrain_response_verdict import ShouldRetrainResponseVerdict

T = TypeVar("T", bound="ShouldRetrainResponse")


@_attrs_define
class ShouldRetrainResponse:
    """How production does on recently labelled rows, and whether that calls for a retrain.

    Attributes:
        production_version (None | str):
        since (datetime.datetime):
        rows (int):
        accuracy (float | None):
        roc_auc (float | None):
        threshold (float):
        below_threshold (bool):
        verdict (ShouldRetrainResponseVerdict):
    """

    production_version: None | str
    since: datetime.datetime
    rows: int
    accuracy: float | None
    roc_auc: float | None
    threshold: float
    below_threshold: bool
    verdict: ShouldRetrainResponseVerdict
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        production_version: None | str
        production_version = self.production_version

        since = self.since.isoformat()

        rows = self.rows

        accuracy: float | None
        accuracy = self.accuracy

        roc_auc: float | None
        roc_auc = self.roc_auc

        threshold = self.threshold

        below_threshold = self.below_threshold

        verdict = self.verdict.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "production_version": production_version,
                "since": since,
                "rows": rows,
                "accuracy": accuracy,
                "roc_auc": roc_auc,
                "threshold": threshold,
                "below_threshold": below_threshold,
                "verdict": verdict,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_production_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        production_version = _parse_production_version(d.pop("production_version"))

        since = datetime.datetime.fromisoformat(d.pop("since"))

        rows = d.pop("rows")

        def _parse_accuracy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        accuracy = _parse_accuracy(d.pop("accuracy"))

        def _parse_roc_auc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        roc_auc = _parse_roc_auc(d.pop("roc_auc"))

        threshold = d.pop("threshold")

        below_threshold = d.pop("below_threshold")

        verdict = ShouldRetrainResponseVerdict(d.pop("verdict"))

        should_retrain_response = cls(
            production_version=production_version,
            since=since,
            rows=rows,
            accuracy=accuracy,
            roc_auc=roc_auc,
            threshold=threshold,
            below_threshold=below_threshold,
            verdict=verdict,
        )

        should_retrain_response.additional_properties = d
        return should_retrain_response

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
