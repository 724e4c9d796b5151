from enum import StrEnum


class FilingErrorCode(StrEnum):
    PERSON_NOT_FOUND = "filings.person_not_found"
    FILING_NOT_FOUND = "filings.filing_not_found"
    NOT_ELIGIBLE = "filings.not_eligible"
    INVALID_VALUE = "filings.invalid_value"
    INSURED_PLACE = "filings.insured_place"
    DATES = "filings.dates"
    OVERLAP = "filings.overlap"
    TOO_EARLY = "filings.too_early"
    ALREADY_OPEN = "filings.already_open"
    COMMITMENT = "filings.commitment"
