"""Drift errors."""

from shared.errors import ServiceUnavailable


class RegistryUnavailable(ServiceUnavailable):
    """The model registry did not answer, so the production version is unknown."""

    error_type = "registry_unavailable"
