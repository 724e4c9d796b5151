from enum import StrEnum


class InstitutionErrorCode(StrEnum):
    NOT_FOUND = "institutions.not_found"
    INVALID_VALUE = "institutions.invalid_value"
    LEGAL_REP_NOT_TICKED = "institutions.legal_rep_not_ticked"
    LEGAL_REP_UNCHANGED = "institutions.legal_rep_unchanged"
    NOT_SYNCED_YET = "institutions.not_synced_yet"
    CLAIM_IN_FUTURE = "institutions.claim_in_future"
