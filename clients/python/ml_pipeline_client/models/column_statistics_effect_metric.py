from enum import StrEnum


class ColumnStatisticsEffectMetric(StrEnum):
    NORMALISED_WASSERSTEIN = "normalised_wasserstein"
    PSI = "psi"

    def __str__(self) -> str:
        return str(self.value)
