"""我的消息 of the unit admin and 系统通知 of the operator (个人中心).

Both read one mailbox: the unit's (messages to the unit with no operator) or the operator's.
A message named in a URL comes only through `access_message`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.entry.authentication import operator_of
from yibao.notices.access import access_message
from yibao.notices.forms import MessageFilterForm
from yibao.notices.mailboxes import Mailbox
from yibao.notices.selectors import message_list, message_unread_count
from yibao.notices.services import message_mark_read, messages_mark_all_read
from yibao.operators.session import operator_login_required
from yibao.units.guards import UnitRequest, unit_admin_required

PAGE_SIZE = 20
ALL_READ = "已将全部消息标为已读"
NONE_UNREAD = "没有未读消息"


@dataclass(frozen=True)
class Box:
    """What differs between the two mailboxes' pages."""

    title: str
    section: str  # the breadcrumb before the title
    list_url: str
    detail_url: str
    read_all_url: str
    layout: str


UNIT_BOX = Box(
    title="我的消息",
    section="",
    list_url="entry:unit-messages",
    detail_url="entry:unit-message",
    read_all_url="entry:unit-messages-read-all",
    layout="layouts/unit_admin.html",
)
OPERATOR_BOX = Box(
    title="系统通知",
    section="个人中心",
    list_url="entry:notifications",
    detail_url="entry:notification",
    read_all_url="entry:notifications-read-all",
    layout="entry/account_base.html",
)


def _unit_mailbox(request: UnitRequest) -> Mailbox:
    return Mailbox.of_unit(request.unit)


def _operator_mailbox(request: HttpRequest) -> Mailbox:
    operator = operator_of(hall_user(request))
    if operator is None:
        raise Http404
    return Mailbox.of_operator(operator)


def _list(request: HttpRequest, mailbox: Mailbox, box: Box) -> HttpResponse:
    form, filters = MessageFilterForm.from_query(request.GET)
    page = Paginator(message_list(mailbox=mailbox, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = message_unread_count(mailbox=mailbox)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "entry/message_list.html",
        {
            "box": box,
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "query_string": query.urlencode(),
            "unread_count": unread,
            "unread_messages": unread,  # the nav badge: the same number, no second query
        },
    )


def _detail(request: HttpRequest, mailbox: Mailbox, box: Box, message_id: int) -> HttpResponse:
    message = access_message(mailbox=mailbox, message_id=message_id)
    message_mark_read(message=message)
    return render(request, "entry/message_detail.html", {"box": box, "message": message})


def _read_all(request: HttpRequest, mailbox: Mailbox, box: Box) -> HttpResponse:
    changed = messages_mark_all_read(mailbox=mailbox)
    flash.success(request, ALL_READ if changed else NONE_UNREAD)
    return redirect(box.list_url)


# --- 单位管理账号: 我的消息 ------------------------------------------------------------------


@unit_admin_required
def unit_message_list(request: UnitRequest) -> HttpResponse:
    return _list(request, _unit_mailbox(request), UNIT_BOX)


@unit_admin_required
def unit_message_detail(request: UnitRequest, message_id: int) -> HttpResponse:
    return _detail(request, _unit_mailbox(request), UNIT_BOX, message_id)


@require_POST
@unit_admin_required
def unit_messages_read_all(request: UnitRequest) -> HttpResponse:
    return _read_all(request, _unit_mailbox(request), UNIT_BOX)


# --- 经办人: 个人中心 → 系统通知 ---------------------------------------------------------------


@operator_login_required
def operator_message_list(request: HttpRequest) -> HttpResponse:
    return _list(request, _operator_mailbox(request), OPERATOR_BOX)


@operator_login_required
def operator_message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    return _detail(request, _operator_mailbox(request), OPERATOR_BOX, message_id)


@require_POST
@operator_login_required
def operator_messages_read_all(request: HttpRequest) -> HttpResponse:
    return _read_all(request, _operator_mailbox(request), OPERATOR_BOX)
