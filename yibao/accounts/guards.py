"""Route guards on the identity alone: logged in, and of which kind (DESIGN §1).

The guards that also need a unit live with the unit and the operator: `unit_admin_required` in
`yibao.units.guards`, the operator's in `yibao.operators.session`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from yibao.accounts.models import User
from yibao.core.guards import Guard, mark_guard

View = TypeVar("View", bound=Callable[..., HttpResponse])
LOGIN_URL = "entry:login"


def hall_user(request: HttpRequest) -> User:
    """The logged-in user of a guarded view (the guard has checked it is one of ours)."""
    return cast(User, request.user)


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.LOGIN)


@dataclass(frozen=True)
class KindPage:
    label: str  # the account, as the manuals name it
    does: str  # what it is for
    how: str  # how to log in with it
    home: str  # its home page (URL name) and the link's text
    home_label: str


KIND_PAGES = {
    User.Kind.UNIT: KindPage(
        "单位管理账号",
        "单位信息、资质认证、角色认证和单位经办人（新增、权限管理、重置密码、解除绑定）由单位管理账号办理。",
        "请退出后在“单位账号登录”中使用单位账号登录；如您是经办人，需要授权或调整权限，请联系本单位的单位管理账号。",
        "entry:unit-home",
        "返回单位管理首页",
    ),
    User.Kind.OPERATOR: KindPage(
        "经办人账号",
        "网上经办、业务查询、打印服务和个人中心由经办人账号办理；单位管理账号只维护单位信息和经办人，不能办理业务。",
        "请退出后在“经办人账号登录”中使用经办人手机号登录；如还没有经办人账号，请在【单位经办人】中新增经办人。",
        "entry:operator-home",
        "返回单位网厅首页",
    ),
    User.Kind.STAFF: KindPage(
        "经办机构工作人员账号",
        "单位网厅的页面由单位管理账号和经办人账号使用。",
        "请退出后使用单位账号或经办人账号登录。",
        "agency:workbench",
        "返回经办机构工作台",
    ),
}


def kind_refusal(request: HttpRequest, kind: str) -> HttpResponse | None:
    """Anonymous users are sent to log in; a user of another kind is told, in the hall, which
    account the page needs and what to do (403), instead of a bare «页面不存在»."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
    current = getattr(request.user, "kind", None)
    if current == kind:
        return None
    if current not in KIND_PAGES:
        raise Http404
    needed, own = KIND_PAGES[User.Kind(kind)], KIND_PAGES[User.Kind(current)]
    return render(
        request,
        "errors/wrong_account.html",
        {
            "needed_label": needed.label,
            "current_label": own.label,
            "explanation": needed.does,
            "advice": needed.how,
            "home_url": reverse(own.home),
            "home_label": own.home_label,
        },
        status=403,
    )
