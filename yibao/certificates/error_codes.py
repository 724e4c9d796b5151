from enum import StrEnum


class CertificateErrorCode(StrEnum):
    PERSON_NOT_FOUND = "certificates.person_not_found"
    NOT_GENUINE = "certificates.not_genuine"
    LIMITED = "certificates.limited"
    NOT_FILED = "certificates.not_filed"
