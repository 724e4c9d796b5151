from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yibao.accounts.models import User
from yibao.cases.models import ReviewerRegion


class ReviewerRegionInline(admin.TabularInline):
    """审核员负责区划: a staff reviewer sees applications of units in these regions."""

    model = ReviewerRegion
    fk_name = "reviewer"
    extra = 0
    raw_id_fields = ["division"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "kind", "first_name", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_active"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("医保网厅", {"fields": ("kind", "must_change_password")}))
    inlines = [ReviewerRegionInline]
