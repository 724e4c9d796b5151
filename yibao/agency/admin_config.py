"""django.contrib.admin with the staff login's site (kept apart: an app config imports nothing
that needs the app registry)."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "yibao.agency.admin_site.StaffAdminSite"
