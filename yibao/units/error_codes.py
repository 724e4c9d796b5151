from enum import StrEnum


class UnitErrorCode(StrEnum):
    NOTHING_CHANGED = "units.nothing_changed"
    ADDRESS_REQUIRED = "units.address_required"
    LICENCE_PENDING = "units.licence_pending"
    LICENCE_CERTIFIED = "units.licence_certified"
    REVIEW_NOT_PENDING = "units.review_not_pending"
    REASON_REQUIRED = "units.reason_required"
    ROLE_CERTIFIED = "units.role_certified"
    ROLE_PENDING = "units.role_pending"
    CERTIFICATE_OTHER_UNIT = "units.certificate_other_unit"
    CERTIFICATE_BOUND = "units.certificate_bound"
    CERTIFICATE_UNBOUND = "units.certificate_unbound"
