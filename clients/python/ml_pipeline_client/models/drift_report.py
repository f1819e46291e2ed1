from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.drift_report_action import DriftReportAction
from ..models.drift_report_verdict import DriftReportVerdict
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.column_statistics import ColumnStatistics
    from ..models.drift_report_details import DriftReportDetails
    from ..models.drift_report_features import DriftReportFeatures
    from ..models.label_supply import LabelSupply
    from ..models.live_performance import LivePerformance
    from ..models.report_window import ReportWindow


T = TypeVar("T", bound="DriftReport")


@_attrs_define
class DriftReport:
    """The outcome of one drift check, as stored in `drift_reports`.

    Attributes:
        id (int):
        created_at (datetime.datetime):
        model_name (str):
        model_version (None | str): Production version checked; None if none
        window (ReportWindow): The window a check tested: as requested, and the times of its oldest and newest rows.
        reference_size (int):
        current_size (int):
        verdict (DriftReportVerdict):
        features (DriftReportFeatures): Per input feature
        prediction (ColumnStatistics | None): The predicted-probability column, tested like a feature
        performance (LivePerformance): Accuracy and ROC AUC of the production model on the window's predictions with
            feedback.
        action (DriftReportAction):
        details (DriftReportDetails | Unset): Reason, thresholds and the training answer
        labels (LabelSupply | None | Unset): New labelled rows since the production model's data; checked before asking
            for training (`awaiting_labels` when too few)
    """

    id: int
    created_at: datetime.datetime
    model_name: str
    model_version: None | str
    window: ReportWindow
    reference_size: int
    current_size: int
    verdict: DriftReportVerdict
    features: DriftReportFeatures
    prediction: ColumnStatistics | None
    performance: LivePerformance
    action: DriftReportAction
    details: DriftReportDetails | Unset = UNSET
    labels: LabelSupply | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.column_statistics import ColumnStatistics  # noqa: PLC0415
        from ..models.label_supply import LabelSupply  # noqa: PLC0415

        id = self.id

        created_at = self.created_at.isoformat()

        model_name = self.model_name

        model_version: None | str
        model_version = self.model_version

        window = self.window.to_dict()

        reference_size = self.reference_size

        current_size = self.current_size

        verdict = self.verdict.value

        features = self.features.to_dict()

        prediction: dict[str, Any] | None
        if isinstance(self.prediction, ColumnStatistics):
            prediction = self.prediction.to_dict()
        else:
            prediction = self.prediction

        performance = self.performance.to_dict()

        action = self.action.value

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        labels: dict[str, Any] | None | Unset
        if isinstance(self.labels, Unset):
            labels = UNSET
        elif isinstance(self.labels, LabelSupply):
            labels = self.labels.to_dict()
        else:
            labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "model_name": model_name,
                "model_version": model_version,
                "window": window,
                "reference_size": reference_size,
                "current_size": current_size,
                "verdict": verdict,
                "features": features,
                "prediction": prediction,
                "performance": performance,
                "action": action,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.column_statistics import ColumnStatistics  # noqa: PLC0415
        from ..models.drift_report_details import DriftReportDetails  # noqa: PLC0415
        from ..models.drift_report_features import DriftReportFeatures  # noqa: PLC0415
        from ..models.label_supply import LabelSupply  # noqa: PLC0415
        from ..models.live_performance import LivePerformance  # noqa: PLC0415
        from ..models.report_window import ReportWindow  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        model_name = d.pop("model_name")

        def _parse_model_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model_version = _parse_model_version(d.pop("model_version"))

        window = ReportWindow.from_dict(d.pop("window"))

        reference_size = d.pop("reference_size")

        current_size = d.pop("current_size")

        verdict = DriftReportVerdict(d.pop("verdict"))

        features = DriftReportFeatures.from_dict(d.pop("features"))

        def _parse_prediction(data: object) -> ColumnStatistics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                prediction_type_0 = ColumnStatistics.from_dict(data)

                return prediction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ColumnStatistics | None, data)

        prediction = _parse_prediction(d.pop("prediction"))

        performance = LivePerformance.from_dict(d.pop("performance"))

        action = DriftReportAction(d.pop("action"))

        _details = d.pop("details", UNSET)
        details: DriftReportDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = DriftReportDetails.from_dict(_details)

        def _parse_labels(data: object) -> LabelSupply | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                labels_type_0 = LabelSupply.from_dict(data)

                return labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LabelSupply | None | Unset, data)

        labels = _parse_labels(d.pop("labels", UNSET))

        drift_report = cls(
            id=id,
            created_at=created_at,
            model_name=model_name,
            model_version=model_version,
            window=window,
            reference_size=reference_size,
            current_size=current_size,
            verdict=verdict,
            features=features,
            prediction=prediction,
            performance=performance,
            action=action,
            details=details,
            labels=labels,
        )

        drift_report.additional_properties = d
        return drift_report

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
