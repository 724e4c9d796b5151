from enum import StrEnum


class OperatorErrorCode(StrEnum):
    DETAILS_REQUIRED = "operators.details_required"
    MOBILE_NOT_OPERATOR = "operators.mobile_not_operator"
    ALREADY_BOUND = "operators.already_bound"
    NOT_FOUND = "operators.not_found"
    LAST_OPERATOR = "operators.last_operator"
    UNKNOWN_ITEM = "operators.unknown_item"
    ROLE_MISSING = "operators.role_missing"
    UNKNOWN_POPULATION = "operators.unknown_population"
    POPULATION_REQUIRED = "operators.population_required"
    HELD_ELSEWHERE = "operators.held_elsewhere"
    NO_VERIFICATION_PHONE = "operators.no_verification_phone"
