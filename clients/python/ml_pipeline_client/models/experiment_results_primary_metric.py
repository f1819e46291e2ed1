from enum import StrEnum


class ExperimentResultsPrimaryMetric(StrEnum):
    ACCURACY = "accuracy"
    CONVERSION = "conversion"

    def __str__(self) -> str:
        return str(self.value)
