from django.contrib import admin

from yibao.operators.models import Binding, Operator


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "email"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["user"]


@admin.register(Binding)
class BindingAdmin(admin.ModelAdmin):
    list_display = ["unit", "operator", "status"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "operator"]
