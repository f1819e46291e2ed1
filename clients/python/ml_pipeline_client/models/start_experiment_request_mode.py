from enum import StrEnum


class StartExperimentRequestMode(StrEnum):
    AB = "ab"
    SHADOW = "shadow"

    def __str__(self) -> str:
        return str(self.value)
