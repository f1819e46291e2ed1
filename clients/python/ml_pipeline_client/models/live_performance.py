from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.live_performance_status import LivePerformanceStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.estimated_performance import EstimatedPerformance


T = TypeVar("T", bound="LivePerformance")


@_attrs_define
class LivePerformance:
    """Accuracy and ROC AUC of the production model on the window's predictions with feedback.

    Attributes:
        labelled (int): Predictions in the window that received feedback
        status (LivePerformanceStatus):
        accuracy_floor (float):
        min_labelled (int):
        accuracy (float | None | Unset):
        roc_auc (float | None | Unset): None when one class is missing
        estimate (EstimatedPerformance | None | Unset): The label-free estimate over the whole window
    """

    labelled: int
    status: LivePerformanceStatus
    accuracy_floor: float
    min_labelled: int
    accuracy: float | None | Unset = UNSET
    roc_auc: float | None | Unset = UNSET
    estimate: EstimatedPerformance | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.estimated_performance import EstimatedPerformance  # noqa: PLC0415

        labelled = self.labelled

        status = self.status.value

        accuracy_floor = self.accuracy_floor

        min_labelled = self.min_labelled

        accuracy: float | None | Unset
        if isinstance(self.accuracy, Unset):
            accuracy = UNSET
        else:
            accuracy = self.accuracy

        roc_auc: float | None | Unset
        if isinstance(self.roc_auc, Unset):
            roc_auc = UNSET
        else:
            roc_auc = self.roc_auc

        estimate: dict[str, Any] | None | Unset
        if isinstance(self.estimate, Unset):
            estimate = UNSET
        elif isinstance(self.estimate, EstimatedPerformance):
            estimate = self.estimate.to_dict()
        else:
            estimate = self.estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "labelled": labelled,
                "status": status,
                "accuracy_floor": accuracy_floor,
                "min_labelled": min_labelled,
            }
        )
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if roc_auc is not UNSET:
            field_dict["roc_auc"] = roc_auc
        if estimate is not UNSET:
            field_dict["estimate"] = estimate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.estimated_performance import EstimatedPerformance  # noqa: PLC0415

        d = dict(src_dict)
        labelled = d.pop("labelled")

        status = LivePerformanceStatus(d.pop("status"))

        accuracy_floor = d.pop("accuracy_floor")

        min_labelled = d.pop("min_labelled")

        def _parse_accuracy(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        accuracy = _parse_accuracy(d.pop("accuracy", UNSET))

        def _parse_roc_auc(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        roc_auc = _parse_roc_auc(d.pop("roc_auc", UNSET))

        def _parse_estimate(data: object) -> EstimatedPerformance | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                estimate_type_0 = EstimatedPerformance.from_dict(data)

                return estimate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EstimatedPerformance | None | Unset, data)

        estimate = _parse_estimate(d.pop("estimate", UNSET))

        live_performance = cls(
            labelled=labelled,
            status=status,
            accuracy_floor=accuracy_floor,
            min_labelled=min_labelled,
            accuracy=accuracy,
            roc_auc=roc_auc,
            estimate=estimate,
        )

        live_performance.additional_properties = d
        return live_performance

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
