from enum import StrEnum


class LabelSupplySnapshot(StrEnum):
    NONE = "none"
    PRODUCTION = "production"
    REFUSED_JOB = "refused_job"

    def __str__(self) -> str:
        return str(self.value)
