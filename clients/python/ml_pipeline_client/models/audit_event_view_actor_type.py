from enum import StrEnum


class AuditEventViewActorType(StrEnum):
    SERVICE = "service"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
