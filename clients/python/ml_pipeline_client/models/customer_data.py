from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.labelled_row import LabelledRow
    from ..models.stored_feedback import StoredFeedback
    from ..models.stored_prediction import StoredPrediction


T = TypeVar("T", bound="CustomerData")


@_attrs_define
class CustomerData:
    """Everything stored about one customer, per table.

    Attributes:
        key_versions (list[str]): Pseudonym key versions the lookup used
        predictions (list[StoredPrediction]):
        feedback (list[StoredFeedback]):
        labelled_rows (list[LabelledRow]): Training rows made from this customer's reported outcomes
    """

    key_versions: list[str]
    predictions: list[StoredPrediction]
    feedback: list[StoredFeedback]
    labelled_rows: list[LabelledRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_versions = self.key_versions

        predictions = []
        for predictions_item_data in self.predictions:
            predictions_item = predictions_item_data.to_dict()
            predictions.append(predictions_item)

        feedback = []
        for feedback_item_data in self.feedback:
            feedback_item = feedback_item_data.to_dict()
            feedback.append(feedback_item)

        labelled_rows = []
        for labelled_rows_item_data in self.labelled_rows:
            labelled_rows_item = labelled_rows_item_data.to_dict()
            labelled_rows.append(labelled_rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_versions": key_versions,
                "predictions": predictions,
                "feedback": feedback,
                "labelled_rows": labelled_rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.labelled_row import LabelledRow  # noqa: PLC0415
        from ..models.stored_feedback import StoredFeedback  # noqa: PLC0415
        from ..models.stored_prediction import StoredPrediction  # noqa: PLC0415

        d = dict(src_dict)
        key_versions = cast(list[str], d.pop("key_versions"))

        predictions = []
        _predictions = d.pop("predictions")
        for predictions_item_data in _predictions:
            predictions_item = StoredPrediction.from_dict(predictions_item_data)

            predictions.append(predictions_item)

        feedback = []
        _feedback = d.pop("feedback")
        for feedback_item_data in _feedback:
            feedback_item = StoredFeedback.from_dict(feedback_item_data)

            feedback.append(feedback_item)

        labelled_rows = []
        _labelled_rows = d.pop("labelled_rows")
        for labelled_rows_item_data in _labelled_rows:
            labelled_rows_item = LabelledRow.from_dict(labelled_rows_item_data)

            labelled_rows.append(labelled_rows_item)

        customer_data = cls(
            key_versions=key_versions,
            predictions=predictions,
            feedback=feedback,
            labelled_rows=labelled_rows,
        )

        customer_data.additional_properties = d
        return customer_data

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
