"""The Django admin (系统管理) behind the staff login: both factors, the hall's lockout."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from yibao.core.guards import staff_verified


class StaffAdminSite(admin.AdminSite):
    site_header = "医保公共服务平台 系统管理"
    site_title = "系统管理"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and staff_verified(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The admin's own login page is replaced by the staff login (with its captcha, lockout and
        second factor)."""
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('agency:login')}?{urlencode({'next': target})}")
