from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.served_model import ServedModel


T = TypeVar("T", bound="ModelsResponse")


@_attrs_define
class ModelsResponse:
    """
    Attributes:
        production (None | ServedModel):
        challenger (None | ServedModel | Unset):
    """

    production: None | ServedModel
    challenger: None | ServedModel | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.served_model import ServedModel  # noqa: PLC0415

        production: dict[str, Any] | None
        if isinstance(self.production, ServedModel):
            production = self.production.to_dict()
        else:
            production = self.production

        challenger: dict[str, Any] | None | Unset
        if isinstance(self.challenger, Unset):
            challenger = UNSET
        elif isinstance(self.challenger, ServedModel):
            challenger = self.challenger.to_dict()
        else:
            challenger = self.challenger

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "production": production,
            }
        )
        if challenger is not UNSET:
            field_dict["challenger"] = challenger

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.served_model import ServedModel  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_production(data: object) -> None | ServedModel:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                production_type_0 = ServedModel.from_dict(data)

                return production_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServedModel, data)

        production = _parse_production(d.pop("production"))

        def _parse_challenger(data: object) -> None | ServedModel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                challenger_type_0 = ServedModel.from_dict(data)

                return challenger_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServedModel | Unset, data)

        challenger = _parse_challenger(d.pop("challenger", UNSET))

        models_response = cls(
            production=production,
            challenger=challenger,
        )

        models_response.additional_properties = d
        return models_response

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
