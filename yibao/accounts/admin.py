from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from yibao.accounts.models import SmsDispatch, User
from yibao.core.masking import mask_phone


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Every login of the hall. The cases app adds the regions of a reviewer (yibao.cases.admin)."""

    list_display = ["username", "kind", "first_name", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_active"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("医保网厅", {"fields": ("kind", "must_change_password")}))


@admin.register(SmsDispatch)
class SmsDispatchAdmin(admin.ModelAdmin):
    """短信发送任务: what was sent, what waits for a retry, what failed. The phone is masked and a
    message with a code or a password never shows its text (blanked once sent in any case)."""

    list_display = ["id", "masked_phone", "purpose", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "purpose"]
    fields = (
        "masked_phone", "purpose", "shown_text", "status", "attempts", "last_error",
        "created_at", "next_attempt_at", "not_after", "claimed_at", "lease_until", "finished_at",
    )  # fmt: skip
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    @admin.display(description="手机号码")
    def masked_phone(self, obj: SmsDispatch) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="短信内容")
    def shown_text(self, obj: SmsDispatch) -> str:
        return "（含验证码或密码，不显示）" if obj.secret else obj.text

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SmsDispatch | None = None) -> bool:
        return False
