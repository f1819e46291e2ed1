from enum import StrEnum


class ServedModelVariant(StrEnum):
    CHALLENGER = "challenger"
    PRODUCTION = "production"

    def __str__(self) -> str:
        return str(self.value)
