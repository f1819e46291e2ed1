"""Inference errors."""

from shared.errors import Conflict, Forbidden, NotFound, ServiceUnavailable


class ModelNotLoaded(ServiceUnavailable):
    error_type = "model_not_loaded"

    def __init__(self, alias: str = "production") -> None:
        super().__init__(f"no model is loaded for alias '{alias}' yet")


class ModelVersionNotFound(NotFound):
    error_type = "model_not_found"


class PredictionNotFound(NotFound):
    error_type = "prediction_not_found"


class FeedbackAlreadyRecorded(Conflict):
    error_type = "feedback_already_recorded"


class NotPredictionOwner(Forbidden):
    error_type = "not_prediction_owner"
