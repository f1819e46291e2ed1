from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_event_view_actor_type import AuditEventViewActorType
from ..models.audit_event_view_outcome import AuditEventViewOutcome

if TYPE_CHECKING:
    from ..models.audit_event_view_details import AuditEventViewDetails


T = TypeVar("T", bound="AuditEventView")


@_attrs_define
class AuditEventView:
    """
    Attributes:
        id (int):
        at (datetime.datetime):
        actor (str): A user's name or pseudonym, or the service acting alone
        actor_type (AuditEventViewActorType):
        action (str):
        object_type (None | str):
        object_id (None | str):
        outcome (AuditEventViewOutcome):
        request_id (None | str):
        details (AuditEventViewDetails):
    """

    id: int
    at: datetime.datetime
    actor: str
    actor_type: AuditEventViewActorType
    action: str
    object_type: None | str
    object_id: None | str
    outcome: AuditEventViewOutcome
    request_id: None | str
    details: AuditEventViewDetails
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        at = self.at.isoformat()

        actor = self.actor

        actor_type = self.actor_type.value

        action = self.action

        object_type: None | str
        object_type = self.object_type

        object_id: None | str
        object_id = self.object_id

        outcome = self.outcome.value

        request_id: None | str
        request_id = self.request_id

        details = self.details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "at": at,
                "actor": actor,
                "actor_type": actor_type,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "outcome": outcome,
                "request_id": request_id,
                "details": details,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_view_details import AuditEventViewDetails  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        actor_type = AuditEventViewActorType(d.pop("actor_type"))

        action = d.pop("action")

        def _parse_object_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        object_type = _parse_object_type(d.pop("object_type"))

        def _parse_object_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        object_id = _parse_object_id(d.pop("object_id"))

        outcome = AuditEventViewOutcome(d.pop("outcome"))

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        details = AuditEventViewDetails.from_dict(d.pop("details"))

        audit_event_view = cls(
            id=id,
            at=at,
            actor=actor,
            actor_type=actor_type,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            request_id=request_id,
            details=details,
        )

        audit_event_view.additional_properties = d
        return audit_event_view

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
