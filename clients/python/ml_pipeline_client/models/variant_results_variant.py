from enum import StrEnum


class VariantResultsVariant(StrEnum):
    CHALLENGER = "challenger"
    PRODUCTION = "production"

    def __str__(self) -> str:
        return str(self.value)
