"""The unit admin's pages (单位管理账号): 单位管理首页, 单位信息, 资质认证, 角色认证."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.accounts.session import unit_admin_required


@unit_admin_required
def unit_home(request: HttpRequest) -> HttpResponse:
    """单位管理首页."""
    return render(request, "units/home.html", {"unit": request.unit})  # type: ignore[attr-defined]
