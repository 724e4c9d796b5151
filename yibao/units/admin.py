from django.contrib import admin

from yibao.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["emp_no", "name", "uscc", "division", "qualification"]
    list_filter = ["qualification"]
    search_fields = ["emp_no", "name", "uscc"]
    raw_id_fields = ["account", "division"]
