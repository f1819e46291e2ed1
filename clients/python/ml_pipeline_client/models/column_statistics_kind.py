from enum import StrEnum


class ColumnStatisticsKind(StrEnum):
    CATEGORICAL = "categorical"
    NUMERIC = "numeric"

    def __str__(self) -> str:
        return str(self.value)
