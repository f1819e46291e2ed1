from enum import StrEnum


class ExperimentResultsRecommendation(StrEnum):
    KEEP = "keep"
    NOT_ENOUGH_DATA = "not_enough_data"
    PROMOTE = "promote"

    def __str__(self) -> str:
        return str(self.value)
