from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yibao.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Every login of the hall. The cases app adds the regions of a reviewer (yibao.cases.admin)."""

    list_display = ["username", "kind", "first_name", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_active"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("医保网厅", {"fields": ("kind", "must_change_password")}))
