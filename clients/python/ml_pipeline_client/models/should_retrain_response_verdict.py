from enum import StrEnum


class ShouldRetrainResponseVerdict(StrEnum):
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"
    RETRAIN = "retrain"

    def __str__(self) -> str:
        return str(self.value)
