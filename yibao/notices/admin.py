from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from yibao.core.cache_versions import notices_changed
from yibao.notices.models import Message, Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    date_hierarchy = "published_at"

    # The portal page keeps the latest notices in the cache: a notice saved or deleted here
    # (the one place notices are written) makes it stale once the change commits.
    def save_model(self, request: HttpRequest, obj: Notice, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        notices_changed()

    def delete_model(self, request: HttpRequest, obj: Notice) -> None:
        super().delete_model(request, obj)
        notices_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        super().delete_queryset(request, queryset)
        notices_changed()


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """我的消息 / 系统通知 as sent, for staff to look up: read-only (services send them)."""

    list_display = ["title", "category", "unit", "operator", "created_at", "read_at"]
    list_filter = ["category", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["unit", "operator"]
    search_fields = ["title", "unit__name", "operator__name"]
    date_hierarchy = "created_at"
    fields = ["title", "category", "unit", "operator", "body", "created_at", "read_at"]
    readonly_fields = ["title", "category", "unit", "operator", "body", "created_at", "read_at"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
