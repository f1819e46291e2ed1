"""Drift errors."""

from shared.errors import NotFound, ServiceUnavailable


class RegistryUnavailable(ServiceUnavailable):
    """The model registry did not answer, so the production version is unknown."""

    error_type = "registry_unavailable"


class ReportNotFound(NotFound):
    """No drift report has that id."""

    error_type = "drift_report_not_found"
