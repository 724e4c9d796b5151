"""导出任务 in the Django admin: read only, for support (is a unit's export stuck, did it fail,
how large was it). Neither the file nor the query is shown: a file leaves the hall only through
导出记录's 下载, audited; the query may name persons (ids) and is no one else's business."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yibao.exports.kinds import KINDS
from yibao.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "unit",
        "kind_title",
        "created_by",
        "status",
        "rows",
        "finished_at",
        "expires_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["unit__name", "=unit__uscc", "=unit__emp_no"]
    list_select_related = ["unit", "created_by"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = readonly_fields = (
        "unit", "created_by", "kind_title", "status", "rows", "error", "attempts", "created_at", "finished_at",
        "expires_at",
    )  # fmt: skip

    @admin.display(description="导出内容", ordering="kind")
    def kind_title(self, job: ExportJob) -> str:
        kind = KINDS.get(job.kind)
        return kind.title if kind else job.kind

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the file would stay behind: exports_recover deletes both
