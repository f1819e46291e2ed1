from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.column_statistics_effect_metric import ColumnStatisticsEffectMetric
from ..models.column_statistics_kind import ColumnStatisticsKind
from ..models.column_statistics_test import ColumnStatisticsTest
from ..models.column_statistics_verdict import ColumnStatisticsVerdict
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.histogram import Histogram


T = TypeVar("T", bound="ColumnStatistics")


@_attrs_define
class ColumnStatistics:
    """One column's test: statistic, p-value against its corrected threshold, effect size.

    Attributes:
        name (str):
        kind (ColumnStatisticsKind):
        test (ColumnStatisticsTest):
        statistic (float | None):
        p_value (float | None):
        p_threshold (float): alpha divided by the number of tested columns
        effect_metric (ColumnStatisticsEffectMetric):
        effect_size (float | None):
        effect_threshold (float):
        psi (float | None):
        reference_size (int):
        current_size (int):
        drifted (bool):
        verdict (ColumnStatisticsVerdict):
        reference_dropped (int | Unset):  Default: 0.
        current_dropped (int | Unset):  Default: 0.
        histogram (Histogram | None | Unset): Both distributions binned alike (numeric columns)
    """

    name: str
    kind: ColumnStatisticsKind
    test: ColumnStatisticsTest
    statistic: float | None
    p_value: float | None
    p_threshold: float
    effect_metric: ColumnStatisticsEffectMetric
    effect_size: float | None
    effect_threshold: float
    psi: float | None
    reference_size: int
    current_size: int
    drifted: bool
    verdict: ColumnStatisticsVerdict
    reference_dropped: int | Unset = 0
    current_dropped: int | Unset = 0
    histogram: Histogram | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.histogram import Histogram  # noqa: PLC0415

        name = self.name

        kind = self.kind.value

        test = self.test.value

        statistic: float | None
        statistic = self.statistic

        p_value: float | None
        p_value = self.p_value

        p_threshold = self.p_threshold

        effect_metric = self.effect_metric.value

        effect_size: float | None
        effect_size = self.effect_size

        effect_threshold = self.effect_threshold

        psi: float | None
        psi = self.psi

        reference_size = self.reference_size

        current_size = self.current_size

        drifted = self.drifted

        verdict = self.verdict.value

        reference_dropped = self.reference_dropped

        current_dropped = self.current_dropped

        histogram: dict[str, Any] | None | Unset
        if isinstance(self.histogram, Unset):
            histogram = UNSET
        elif isinstance(self.histogram, Histogram):
            histogram = self.histogram.to_dict()
        else:
            histogram = self.histogram

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
                "test": test,
                "statistic": statistic,
                "p_value": p_value,
                "p_threshold": p_threshold,
                "effect_metric": effect_metric,
                "effect_size": effect_size,
                "effect_threshold": effect_threshold,
                "psi": psi,
                "reference_size": reference_size,
                "current_size": current_size,
                "drifted": drifted,
                "verdict": verdict,
            }
        )
        if reference_dropped is not UNSET:
            field_dict["reference_dropped"] = reference_dropped
        if current_dropped is not UNSET:
            field_dict["current_dropped"] = current_dropped
        if histogram is not UNSET:
            field_dict["histogram"] = histogram

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.histogram import Histogram  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        kind = ColumnStatisticsKind(d.pop("kind"))

        test = ColumnStatisticsTest(d.pop("test"))

        def _parse_statistic(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        statistic = _parse_statistic(d.pop("statistic"))

        def _parse_p_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p_value = _parse_p_value(d.pop("p_value"))

        p_threshold = d.pop("p_threshold")

        effect_metric = ColumnStatisticsEffectMetric(d.pop("effect_metric"))

        def _parse_effect_size(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        effect_size = _parse_effect_size(d.pop("effect_size"))

        effect_threshold = d.pop("effect_threshold")

        def _parse_psi(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        psi = _parse_psi(d.pop("psi"))

        reference_size = d.pop("reference_size")

        current_size = d.pop("current_size")

        drifted = d.pop("drifted")

        verdict = ColumnStatisticsVerdict(d.pop("verdict"))

        reference_dropped = d.pop("reference_dropped", UNSET)

        current_dropped = d.pop("current_dropped", UNSET)

        def _parse_histogram(data: object) -> Histogram | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                histogram_type_0 = Histogram.from_dict(data)

                return histogram_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Histogram | None | Unset, data)

        histogram = _parse_histogram(d.pop("histogram", UNSET))

        column_statistics = cls(
            name=name,
            kind=kind,
            test=test,
            statistic=statistic,
            p_value=p_value,
            p_threshold=p_threshold,
            effect_metric=effect_metric,
            effect_size=effect_size,
            effect_threshold=effect_threshold,
            psi=psi,
            reference_size=reference_size,
            current_size=current_size,
            drifted=drifted,
            verdict=verdict,
            reference_dropped=reference_dropped,
            current_dropped=current_dropped,
            histogram=histogram,
        )

        column_statistics.additional_properties = d
        return column_statistics

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
