from enum import StrEnum


class CaseErrorCode(StrEnum):
    NOT_FOUND = "cases.not_found"
    NOT_ALLOWED = "cases.not_allowed"
    WRONG_STATE = "cases.wrong_state"
    FIELD_NOT_EDITABLE = "cases.field_not_editable"
    NOT_PRINTED = "cases.not_printed"
    MATERIALS_MISSING = "cases.materials_missing"
    STAMPED_FORM_STALE = "cases.stamped_form_stale"
    NOTHING_CHANGED = "cases.nothing_changed"
    ALREADY_CLAIMED = "cases.already_claimed"
    NOT_CLAIMED = "cases.not_claimed"
    REASON_REQUIRED = "cases.reason_required"
    MATERIAL_UNKNOWN = "cases.material_unknown"
    INVALID_VALUE = "cases.invalid_value"
    RULE_REFUSED = "cases.rule_refused"
    ALREADY_OPEN = "cases.already_open"
    TOO_MANY_MATERIALS = "cases.too_many_materials"
