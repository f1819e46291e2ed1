from enum import StrEnum


class LivePerformanceStatus(StrEnum):
    DEGRADED = "degraded"
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
