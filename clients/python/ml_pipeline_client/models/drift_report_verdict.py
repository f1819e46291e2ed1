from enum import StrEnum


class DriftReportVerdict(StrEnum):
    DEGRADED = "degraded"
    DRIFT = "drift"
    INSUFFICIENT_DATA = "insufficient_data"
    NO_DRIFT = "no_drift"

    def __str__(self) -> str:
        return str(self.value)
