"""Inference errors."""

from shared.errors import NotFound, ServiceUnavailable


class ModelNotLoaded(ServiceUnavailable):
    error_type = "model_not_loaded"

    def __init__(self, alias: str = "production") -> None:
        super().__init__(f"no model is loaded for alias '{alias}' yet")


class ModelVersionNotFound(NotFound):
    error_type = "model_not_found"
