from enum import StrEnum


class ProcurementErrorCode(StrEnum):
    NOT_CONFIGURED = "procurement.not_configured"
    MALFORMED = "procurement.malformed"
    BAD_SIGNATURE = "procurement.bad_signature"
    EXPIRED = "procurement.expired"
    BAD_CLAIMS = "procurement.bad_claims"
    REPLAYED = "procurement.replayed"
