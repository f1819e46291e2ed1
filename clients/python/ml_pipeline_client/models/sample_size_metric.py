from enum import StrEnum


class SampleSizeMetric(StrEnum):
    ACCURACY = "accuracy"
    CONVERSION = "conversion"

    def __str__(self) -> str:
        return str(self.value)
