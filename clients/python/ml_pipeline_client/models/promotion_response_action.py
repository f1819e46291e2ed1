from enum import StrEnum


class PromotionResponseAction(StrEnum):
    PROMOTE = "promote"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
