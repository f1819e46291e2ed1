from enum import StrEnum


class DriftReportAction(StrEnum):
    AWAITING_LABELS = "awaiting_labels"
    COOLDOWN = "cooldown"
    NONE = "none"
    NO_REFERENCE = "no_reference"
    TRAINING_BUSY = "training_busy"
    TRAINING_REQUESTED = "training_requested"
    TRAINING_UNAVAILABLE = "training_unavailable"

    def __str__(self) -> str:
        return str(self.value)
