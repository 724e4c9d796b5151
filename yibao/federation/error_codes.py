from enum import StrEnum


class RegistryErrorCode(StrEnum):
    FILE_REFUSED = "registry.file_refused"
    HEADER = "registry.header"
    ROWS = "registry.rows"


class OutboxErrorCode(StrEnum):
    SIGNATURE = "outbox.signature"
    MALFORMED = "outbox.malformed"
