from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.experiment_results_primary_metric import ExperimentResultsPrimaryMetric
from ..models.experiment_results_recommendation import ExperimentResultsRecommendation
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.comparison import Comparison
    from ..models.experiment_view import ExperimentView
    from ..models.sample_size import SampleSize
    from ..models.shadow_agreement import ShadowAgreement
    from ..models.variant_results import VariantResults


T = TypeVar("T", bound="ExperimentResults")


@_attrs_define
class ExperimentResults:
    """Per-variant results, the significance test and what to do next.

    Attributes:
        experiment (ExperimentView): An experiment as recorded.
        variants (list[VariantResults]):
        primary_metric (ExperimentResultsPrimaryMetric):
        comparisons (list[Comparison]):
        sample_size (SampleSize): Outcomes each variant needs to detect the minimum effect with the configured power.
        recommendation (ExperimentResultsRecommendation):
        summary (str): The recommendation in one sentence
        shadow (None | ShadowAgreement | Unset):
    """

    experiment: ExperimentView
    variants: list[VariantResults]
    primary_metric: ExperimentResultsPrimaryMetric
    comparisons: list[Comparison]
    sample_size: SampleSize
    recommendation: ExperimentResultsRecommendation
    summary: str
    shadow: None | ShadowAgreement | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.shadow_agreement import ShadowAgreement  # noqa: PLC0415

        experiment = self.experiment.to_dict()

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        primary_metric = self.primary_metric.value

        comparisons = []
        for comparisons_item_data in self.comparisons:
            comparisons_item = comparisons_item_data.to_dict()
            comparisons.append(comparisons_item)

        sample_size = self.sample_size.to_dict()

        recommendation = self.recommendation.value

        summary = self.summary

        shadow: dict[str, Any] | None | Unset
        if isinstance(self.shadow, Unset):
            shadow = UNSET
        elif isinstance(self.shadow, ShadowAgreement):
            shadow = self.shadow.to_dict()
        else:
            shadow = self.shadow

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "experiment": experiment,
                "variants": variants,
                "primary_metric": primary_metric,
                "comparisons": comparisons,
                "sample_size": sample_size,
                "recommendation": recommendation,
                "summary": summary,
            }
        )
        if shadow is not UNSET:
            field_dict["shadow"] = shadow

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comparison import Comparison  # noqa: PLC0415
        from ..models.experiment_view import ExperimentView  # noqa: PLC0415
        from ..models.sample_size import SampleSize  # noqa: PLC0415
        from ..models.shadow_agreement import ShadowAgreement  # noqa: PLC0415
        from ..models.variant_results import VariantResults  # noqa: PLC0415

        d = dict(src_dict)
        experiment = ExperimentView.from_dict(d.pop("experiment"))

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = VariantResults.from_dict(variants_item_data)

            variants.append(variants_item)

        primary_metric = ExperimentResultsPrimaryMetric(d.pop("primary_metric"))

        comparisons = []
        _comparisons = d.pop("comparisons")
        for comparisons_item_data in _comparisons:
            comparisons_item = Comparison.from_dict(comparisons_item_data)

            comparisons.append(comparisons_item)

        sample_size = SampleSize.from_dict(d.pop("sample_size"))

        recommendation = ExperimentResultsRecommendation(d.pop("recommendation"))

        summary = d.pop("summary")

        def _parse_shadow(data: object) -> None | ShadowAgreement | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shadow_type_0 = ShadowAgreement.from_dict(data)

                return shadow_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShadowAgreement | Unset, data)

        shadow = _parse_shadow(d.pop("shadow", UNSET))

        experiment_results = cls(
            experiment=experiment,
            variants=variants,
            primary_metric=primary_metric,
            comparisons=comparisons,
            sample_size=sample_size,
            recommendation=recommendation,
            summary=summary,
            shadow=shadow,
        )

        experiment_results.additional_properties = d
        return experiment_results

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
