"""Agency staff's side of the unit pages: reviewing licences (资质认证) and roles (角色认证), and
the 我的信用 rules. Every decision goes through the services (audit and 我的消息)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from yibao.accounts.models import User
from yibao.core.cache_versions import HallRecordsAdmin
from yibao.core.errors import ApplicationError
from yibao.core.file_responses import uploaded_file_response
from yibao.units.access import access_licence_for_staff
from yibao.units.forms import ReviewReasonForm
from yibao.units.models import CreditLevel, CreditRule, LicenceSubmission, RoleCertification, Unit
from yibao.units.services import credit_setting_save, licence_review, role_certification_review


@admin.register(Unit)
class UnitAdmin(HallRecordsAdmin, admin.ModelAdmin):
    list_display = ["emp_no", "name", "uscc", "division", "qualification"]
    list_filter = ["qualification"]
    search_fields = ["emp_no", "name", "uscc"]
    raw_id_fields = ["account", "division"]
    # decided by 资质认证 review only, so it always agrees with the licence submissions
    readonly_fields = ["qualification"]


class ReviewAdmin(admin.ModelAdmin):
    """通过 / 不通过 actions; 不通过 asks for the reason on an intermediate page."""

    actions = ["approve", "reject"]
    review_name = ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: decided only through the actions

    def has_review_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def decide(self, obj: Any, *, approve: bool, reason: str, reviewer: User) -> None:
        raise NotImplementedError

    def _decide_all(
        self, request: HttpRequest, queryset: QuerySet[Any], *, approve: bool, reason: str
    ) -> None:
        done = 0
        for obj in queryset:
            try:
                self.decide(obj, approve=approve, reason=reason, reviewer=request.user)  # type: ignore[arg-type]
            except ApplicationError as error:
                self.message_user(request, f"{obj}：{error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            verb = "通过" if approve else "不通过"
            self.message_user(request, f"已审核{verb} {done} 条{self.review_name}", messages.SUCCESS)

    @admin.action(description="通过", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide_all(request, queryset, approve=True, reason="")

    @admin.action(description="不通过", permissions=["review"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        form = ReviewReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._decide_all(request, queryset, approve=False, reason=form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/units/review_reject.html",
            {
                **self.admin_site.each_context(request),
                "title": f"不通过：{self.review_name}",
                "opts": self.model._meta,
                "queryset": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(LicenceSubmission)
class LicenceSubmissionAdmin(ReviewAdmin):
    review_name = "营业执照"
    list_display = [
        "unit",
        "status",
        "created_at",
        "content_type",
        "size",
        "reviewed_by",
        "reviewed_at",
        "file_link",
    ]
    list_filter = ["status"]
    search_fields = ["unit__name", "=unit__uscc", "=unit__emp_no"]
    list_select_related = ["unit", "reviewed_by"]
    readonly_fields = [
        "unit",
        "file_link",
        "content_type",
        "size",
        "status",
        "reason",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
        "created_at",
    ]
    fields = list(readonly_fields)

    @admin.display(description="营业执照文件")
    def file_link(self, obj: LicenceSubmission) -> str:
        url = reverse("admin:units_licencesubmission_file", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">查看</a>', url)

    def get_urls(self) -> list[URLPattern]:
        view: Callable[..., HttpResponse] = self.admin_site.admin_view(self.file_view)
        return [
            path("<int:submission_id>/file/", view, name="units_licencesubmission_file"),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        submission = access_licence_for_staff(submission_id=submission_id)
        return uploaded_file_response(submission.file, submission.content_type, f"营业执照-{submission.pk}")

    def decide(self, obj: LicenceSubmission, *, approve: bool, reason: str, reviewer: User) -> None:
        licence_review(submission=obj, approve=approve, reason=reason, reviewer=reviewer)


@admin.register(RoleCertification)
class RoleCertificationAdmin(ReviewAdmin):
    review_name = "角色认证"
    list_display = ["unit", "role", "status", "reason", "decided_by", "decided_at", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["unit__name", "=unit__uscc", "=unit__emp_no"]
    list_select_related = ["unit", "decided_by"]
    readonly_fields = ["unit", "role", "status", "reason", "decided_by", "decided_at", "created_at"]
    fields = list(readonly_fields)

    def decide(self, obj: RoleCertification, *, approve: bool, reason: str, reviewer: User) -> None:
        role_certification_review(certification=obj, approve=approve, reason=reason, reviewer=reviewer)


class CreditSettingAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        credit_setting_save(setting=obj, actor=request.user)  # type: ignore[arg-type]


@admin.register(CreditRule)
class CreditRuleAdmin(CreditSettingAdmin):
    list_display = ["sort_order", "code", "name", "condition", "points", "is_active"]
    list_display_links = ["code", "name"]
    list_filter = ["is_active", "condition"]
    search_fields = ["code", "name"]


@admin.register(CreditLevel)
class CreditLevelAdmin(CreditSettingAdmin):
    list_display = ["code", "name", "min_score"]
