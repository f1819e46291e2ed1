from enum import StrEnum


class ColumnStatisticsVerdict(StrEnum):
    DRIFT = "drift"
    INSUFFICIENT_DATA = "insufficient_data"
    NO_DRIFT = "no_drift"

    def __str__(self) -> str:
        return str(self.value)
