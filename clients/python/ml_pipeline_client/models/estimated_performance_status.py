from enum import StrEnum


class EstimatedPerformanceStatus(StrEnum):
    DEGRADED = "degraded"
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
