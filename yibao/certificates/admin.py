from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yibao.certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    """Issued certificates, read only: editing a row would break its 验证码 (by design)."""

    list_display = ["number", "kind", "holder_name", "unit", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number"]
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
