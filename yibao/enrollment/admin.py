from django.contrib import admin

from yibao.enrollment.models import Insurance, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["psn_no", "name", "gender", "birth_date"]
    search_fields = ["psn_no", "=cert_no", "name"]
    show_full_result_count = False


@admin.register(Insurance)
class InsuranceAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "insutype", "status", "start_date"]
    list_filter = ["insutype", "status"]
    raw_id_fields = ["person", "unit"]
    show_full_result_count = False
