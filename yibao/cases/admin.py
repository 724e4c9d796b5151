"""申报/办件 in the Django admin: applications read-only (decided only on the agency workbench,
through the services), and the regions each reviewer covers (审核员负责区划), editable, also on the
staff user's own page (accounts' user admin, registered again here with the inline)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yibao.accounts.admin import UserAdmin
from yibao.accounts.models import User
from yibao.cases.models import Application, Event, Material, ReviewerRegion
from yibao.cases.types import type_name


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fields = readonly_fields = ("at", "action", "actor_label", "note")


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = readonly_fields = ("code", "original_name", "content_type", "size", "uploaded_at")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: an application changes only through the state machine's services."""

    list_display = ["number", "type_label", "unit", "division", "status", "submitted_at", "reviewer"]
    list_filter = ["status", "type_code", "submitted_at"]
    search_fields = ["=number", "unit__name", "=unit__uscc"]
    list_select_related = ["unit", "division", "reviewer"]
    date_hierarchy = "submitted_at"
    inlines = [MaterialInline, EventInline]

    @admin.display(description="业务类型", ordering="type_code")
    def type_label(self, obj: Application) -> str:
        return type_name(obj.type_code)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewerRegion)
class ReviewerRegionAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "division"]
    list_select_related = ["reviewer", "division"]
    search_fields = ["reviewer__username", "reviewer__first_name", "division__code", "division__name"]
    raw_id_fields = ["reviewer", "division"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "reviewer":
            kwargs["limit_choices_to"] = {"is_staff": True}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewerRegionInline(admin.TabularInline):
    """审核员负责区划: a staff reviewer sees applications of units in these regions."""

    model = ReviewerRegion
    fk_name = "reviewer"
    extra = 0
    raw_id_fields = ["division"]


class ReviewerUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ReviewerRegionInline]


admin.site.unregister(User)
admin.site.register(User, ReviewerUserAdmin)
