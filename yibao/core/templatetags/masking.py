from django import template

from yibao.core import masking

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_id_number(value)


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def mask_name(value: str | None) -> str:
    return masking.mask_name(value)


@register.filter
def id_shown(value: str | None, display: masking.IdentityDisplay | None) -> str:
    """`{{ cert_no|id_shown:identity }}`: masked unless the page's IdentityDisplay says full."""
    return (display or masking.MASKED).id_number(value)


@register.filter
def phone_shown(value: str | None, display: masking.IdentityDisplay | None) -> str:
    return (display or masking.MASKED).phone(value)
