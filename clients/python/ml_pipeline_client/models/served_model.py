from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.served_model_variant import ServedModelVariant
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.served_model_metrics import ServedModelMetrics


T = TypeVar("T", bound="ServedModel")


@_attrs_define
class ServedModel:
    """A model version an inference replica is serving.

    Attributes:
        name (str):
        version (str):
        variant (ServedModelVariant):
        run_id (None | str | Unset):
        metrics (ServedModelMetrics | Unset):
        since (datetime.datetime | None | Unset): When this replica loaded it
    """

    name: str
    version: str
    variant: ServedModelVariant
    run_id: None | str | Unset = UNSET
    metrics: ServedModelMetrics | Unset = UNSET
    since: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        variant = self.variant.value

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        else:
            run_id = self.run_id

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "variant": variant,
            }
        )
        if run_id is not UNSET:
            field_dict["run_id"] = run_id
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if since is not UNSET:
            field_dict["since"] = since

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.served_model_metrics import ServedModelMetrics  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        variant = ServedModelVariant(d.pop("variant"))

        def _parse_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_id = _parse_run_id(d.pop("run_id", UNSET))

        _metrics = d.pop("metrics", UNSET)
        metrics: ServedModelMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = ServedModelMetrics.from_dict(_metrics)

        def _parse_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        served_model = cls(
            name=name,
            version=version,
            variant=variant,
            run_id=run_id,
            metrics=metrics,
            since=since,
        )

        served_model.additional_properties = d
        return served_model

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
