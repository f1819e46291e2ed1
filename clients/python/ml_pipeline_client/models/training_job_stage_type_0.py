from enum import StrEnum


class TrainingJobStageType0(StrEnum):
    DONE = "done"
    EVALUATE = "evaluate"
    EXTRACT = "extract"
    PROMOTE = "promote"
    QUEUED = "queued"
    REGISTER = "register"
    TRAIN = "train"
    VALIDATE = "validate"

    def __str__(self) -> str:
        return str(self.value)
