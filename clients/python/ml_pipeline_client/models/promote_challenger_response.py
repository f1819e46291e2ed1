from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.challenger_promotion import ChallengerPromotion
    from ..models.experiment_results import ExperimentResults
    from ..models.experiment_view import ExperimentView


T = TypeVar("T", bound="PromoteChallengerResponse")


@_attrs_define
class PromoteChallengerResponse:
    """The concluded experiment, its final results and the promotion that ended it.

    Attributes:
        experiment (ExperimentView): An experiment as recorded.
        results (ExperimentResults): Per-variant results, the significance test and what to do next.
        promotion (ChallengerPromotion): The production alias move that concluded the experiment (undo: rollback).
    """

    experiment: ExperimentView
    results: ExperimentResults
    promotion: ChallengerPromotion
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        experiment = self.experiment.to_dict()

        results = self.results.to_dict()

        promotion = self.promotion.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "experiment": experiment,
                "results": results,
                "promotion": promotion,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.challenger_promotion import ChallengerPromotion  # noqa: PLC0415
        from ..models.experiment_results import ExperimentResults  # noqa: PLC0415
        from ..models.experiment_view import ExperimentView  # noqa: PLC0415

        d = dict(src_dict)
        experiment = ExperimentView.from_dict(d.pop("experiment"))

        results = ExperimentResults.from_dict(d.pop("results"))

        promotion = ChallengerPromotion.from_dict(d.pop("promotion"))

        promote_challenger_response = cls(
            experiment=experiment,
            results=results,
            promotion=promotion,
        )

        promote_challenger_response.additional_properties = d
        return promote_challenger_response

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
