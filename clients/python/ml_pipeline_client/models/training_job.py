from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.training_job_stage_type_0 import TrainingJobStageType0
from ..models.training_job_status import TrainingJobStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_job_metrics import TrainingJobMetrics
    from ..models.training_job_params import TrainingJobParams


T = TypeVar("T", bound="TrainingJob")


@_attrs_define
class TrainingJob:
    """A training job: where it is, and once done, what it produced and whether it promoted.

    Attributes:
        job_id (UUID):
        status (TrainingJobStatus):
        stage (None | TrainingJobStageType0): A failed job keeps the stage it failed in
        progress (float):
        reason (None | str):
        requested_by (None | str):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        mlflow_run_id (None | str):
        model_version (None | str):
        metrics (TrainingJobMetrics):
        promoted (bool):
        decision (None | str): Why the version was or was not promoted
        error (None | str): Why the job failed
        params (TrainingJobParams | Unset):
    """

    job_id: UUID
    status: TrainingJobStatus
    stage: None | TrainingJobStageType0
    progress: float
    reason: None | str
    requested_by: None | str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    mlflow_run_id: None | str
    model_version: None | str
    metrics: TrainingJobMetrics
    promoted: bool
    decision: None | str
    error: None | str
    params: TrainingJobParams | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id = str(self.job_id)

        status = self.status.value

        stage: None | str
        if isinstance(self.stage, TrainingJobStageType0):
            stage = self.stage.value
        else:
            stage = self.stage

        progress = self.progress

        reason: None | str
        reason = self.reason

        requested_by: None | str
        requested_by = self.requested_by

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        mlflow_run_id: None | str
        mlflow_run_id = self.mlflow_run_id

        model_version: None | str
        model_version = self.model_version

        metrics = self.metrics.to_dict()

        promoted = self.promoted

        decision: None | str
        decision = self.decision

        error: None | str
        error = self.error

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job_id": job_id,
                "status": status,
                "stage": stage,
                "progress": progress,
                "reason": reason,
                "requested_by": requested_by,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "mlflow_run_id": mlflow_run_id,
                "model_version": model_version,
                "metrics": metrics,
                "promoted": promoted,
                "decision": decision,
                "error": error,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.training_job_metrics import TrainingJobMetrics  # noqa: PLC0415
        from ..models.training_job_params import TrainingJobParams  # noqa: PLC0415

        d = dict(src_dict)
        job_id = UUID(d.pop("job_id"))

        status = TrainingJobStatus(d.pop("status"))

        def _parse_stage(data: object) -> None | TrainingJobStageType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stage_type_0 = TrainingJobStageType0(data)

                return stage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrainingJobStageType0, data)

        stage = _parse_stage(d.pop("stage"))

        progress = d.pop("progress")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_requested_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        requested_by = _parse_requested_by(d.pop("requested_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_mlflow_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mlflow_run_id = _parse_mlflow_run_id(d.pop("mlflow_run_id"))

        def _parse_model_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model_version = _parse_model_version(d.pop("model_version"))

        metrics = TrainingJobMetrics.from_dict(d.pop("metrics"))

        promoted = d.pop("promoted")

        def _parse_decision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decision = _parse_decision(d.pop("decision"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        _params = d.pop("params", UNSET)
        params: TrainingJobParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = TrainingJobParams.from_dict(_params)

        training_job = cls(
            job_id=job_id,
            status=status,
            stage=stage,
            progress=progress,
            reason=reason,
            requested_by=requested_by,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            mlflow_run_id=mlflow_run_id,
            model_version=model_version,
            metrics=metrics,
            promoted=promoted,
            decision=decision,
            error=error,
            params=params,
        )

        training_job.additional_properties = d
        return training_job

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
