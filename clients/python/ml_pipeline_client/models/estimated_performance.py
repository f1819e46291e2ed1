from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.estimated_performance_status import EstimatedPerformanceStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="EstimatedPerformance")


@_attrs_define
class EstimatedPerformance:
    """Accuracy and ROC AUC expected from the model's own probabilities, before any label.

    Confidence-based: valid while the model is calibrated and P(outcome | inputs) holds
    (covariate shift); a change in the relationship itself shows only in live performance.

        Attributes:
            rows (int): Predictions in the window the estimate is taken over
            status (EstimatedPerformanceStatus):
            accuracy_floor (float):
            method (Literal['confidence_based'] | Unset):  Default: 'confidence_based'.
            accuracy (float | None | Unset):
            roc_auc (float | None | Unset):
            triggers (bool | Unset): Whether an estimate below the floor makes the verdict degraded Default: False.
            model_ece (float | None | Unset): Expected calibration error of the production version on its training holdout;
                above the service's limit the estimate is shown but never triggers
    """

    rows: int
    status: EstimatedPerformanceStatus
    accuracy_floor: float
    method: Literal["confidence_based"] | Unset = "confidence_based"
    accuracy: float | None | Unset = UNSET
    roc_auc: float | None | Unset = UNSET
    triggers: bool | Unset = False
    model_ece: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows

        status = self.status.value

        accuracy_floor = self.accuracy_floor

        method = self.method

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

        triggers = self.triggers

        model_ece: float | None | Unset
        if isinstance(self.model_ece, Unset):
            model_ece = UNSET
        else:
            model_ece = self.model_ece

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rows": rows,
                "status": status,
                "accuracy_floor": accuracy_floor,
            }
        )
        if method is not UNSET:
            field_dict["method"] = method
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if roc_auc is not UNSET:
            field_dict["roc_auc"] = roc_auc
        if triggers is not UNSET:
            field_dict["triggers"] = triggers
        if model_ece is not UNSET:
            field_dict["model_ece"] = model_ece

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rows = d.pop("rows")

        status = EstimatedPerformanceStatus(d.pop("status"))

        accuracy_floor = d.pop("accuracy_floor")

        method = cast(Literal["confidence_based"] | Unset, d.pop("method", UNSET))
        if method != "confidence_based" and not isinstance(method, Unset):
            raise ValueError(f"method must match const 'confidence_based', got '{method}'")

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

        triggers = d.pop("triggers", UNSET)

        def _parse_model_ece(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        model_ece = _parse_model_ece(d.pop("model_ece", UNSET))

        estimated_performance = cls(
            rows=rows,
            status=status,
            accuracy_floor=accuracy_floor,
            method=method,
            accuracy=accuracy,
            roc_auc=roc_auc,
            triggers=triggers,
            model_ece=model_ece,
        )

        estimated_performance.additional_properties = d
        return estimated_performance

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
