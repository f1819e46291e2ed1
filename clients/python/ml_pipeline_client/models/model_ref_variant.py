from enum import StrEnum


class ModelRefVariant(StrEnum):
    CHALLENGER = "challenger"
    PRODUCTION = "production"

    def __str__(self) -> str:
        return str(self.value)
