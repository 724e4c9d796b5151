"""The 医疗机构服务 / 零售药店服务 areas of the operator's hall (Yunnan manual 001 §1.3–1.4):
更多服务 (the area's 常用服务 and menu), 定点医疗机构/零售药店信息变更 (the form, then the shared
workspace for 附件上传 and 提交), the two templates (下载模板) and 待审核/已审核业务查询.

Every page is behind the area's business item (`grant_required`: a unit certified for the role,
the item granted); the views are made per area by the factories below.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from yibao.accounts.guards import hall_user
from yibao.cases.models import Application
from yibao.cases.selectors import display_value, open_application
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error
from yibao.institutions.areas import Area
from yibao.institutions.documents import PLEDGE_TITLE, WORKSHEET_TITLE, pledge_pdf, worksheet_pdf
from yibao.institutions.forms import InstitutionChangeForm
from yibao.institutions.rules import CHANGE_ITEMS, LEGAL_REP_FIELDS, local_text, when_required
from yibao.institutions.selectors import (
    PENDING,
    QUERY_TITLES,
    REVIEWED,
    decision_reason,
    institution_applications,
)
from yibao.institutions.services import institution_change_draft_save
from yibao.institutions.types import KINDS, record_values
from yibao.operators.access import GrantedRequest, grant_required
from yibao.units.selectors import institution_of_unit

PAGE_SIZE = 20
View = Callable[..., HttpResponse]
# The manual's hint over the form (§1.3.2 step 3).
SYNC_HINT = (
    "请先在贯标平台完成信息变更，网厅自动同步贯标平台变更信息，无需手动输入。在网厅办理业务时，如所显示的信息"
    "还未同步，需等待网厅界面信息为变更后的信息再提交。"
)
LEGAL_REP_HINT = (
    "注意：由于接口限制，法人相关信息无法同步。如果要变更法人信息，需手动更改标红的部分"
    "（如果法人信息不正确，需联系属地医保部门进行处理）。"
)
# Never put into the page in full (DESIGN §4): left empty, the current value stays.
KEPT = ("legrep_cert_no", "legrep_phone")
NO_INSTITUTION = (
    "未查询到本单位统一社会信用代码对应的定点{noun}信息。请先在贯标平台完成信息维护，待网厅同步后再办理。"
)


def area_menu(area: Area) -> list[tuple[str, str, str]]:
    """The area's menu: (page, label, URL name)."""
    return [
        ("home", "更多服务", area.url_name("home")),
        ("change", f"信息变更：{area.change_name}", area.url_name("change")),
        (PENDING, QUERY_TITLES[PENDING], area.url_name(PENDING)),
        (REVIEWED, QUERY_TITLES[REVIEWED], area.url_name(REVIEWED)),
    ]


def _area_context(area: Area, request: GrantedRequest, page: str) -> dict[str, object]:
    return {
        "area": area,
        "area_page": page,
        "menu": area_menu(area),
        "institution": institution_of_unit(request.unit, area.role),
    }


def home_view(area: Area) -> View:
    @grant_required(area.item_code)
    def home(request: GrantedRequest) -> HttpResponse:
        """更多服务: the area's services and the institution as the hall holds it."""
        context = _area_context(area, request, "home")
        institution = context["institution"]
        return render(
            request,
            "institutions/home.html",
            {
                **context,
                "synced_at": local_text(getattr(institution, "synced_at", None)),
                "no_institution": NO_INSTITUTION.format(noun=area.noun),
            },
        )

    return home


def change_view(area: Area) -> View:
    kind = KINDS[area.slug]

    @grant_required(area.item_code)
    def change(request: GrantedRequest) -> HttpResponse:
        """定点医疗机构/零售药店信息变更: the synced record read-only, the 法人 entered here,
        变更内容 and 贯标平台变更时间; 下一步 saves the draft and goes on to 附件上传 and 提交."""
        unit = request.unit
        institution = institution_of_unit(unit, area.role)
        context = _area_context(area, request, "change")
        if institution is None:
            return render(
                request,
                "institutions/change.html",
                {**context, "kind": kind, "no_institution": NO_INSTITUTION.format(noun=area.noun)},
            )
        current = record_values(area, institution)
        pending = open_application(unit, kind)
        draft = pending.payload if pending else {}
        initial = {name: value for name, value in {**current, **draft}.items() if name not in KEPT}
        key = request.POST.get("submit_key", "")
        done = Application.objects.filter(submit_key=key, unit=unit).first() if key else None
        if done is not None:  # the same form sent twice: show what the first one made
            return redirect("cases:edit", application_id=done.pk)
        data = None
        if request.method == "POST":
            data = request.POST.copy()
            for name in KEPT:
                if not str(data.get(name, "")).strip():
                    data[name] = draft.get(name) or current.get(name, "")
        form = InstitutionChangeForm(data, initial=initial)
        for name in KEPT:
            value = draft.get(name) or current.get(name)
            if value:
                form.fields[
                    name
                ].help_text = f"当前：{display_value(name, value)}。如需变更请输入新的号码，不变更请留空"
                form.fields[name].required = False
        if request.method == "POST" and form.is_valid():
            try:
                application = institution_change_draft_save(
                    area=area,
                    kind=kind,
                    unit=unit,
                    actor=hall_user(request),
                    values=form.cleaned_data,
                    application=pending,
                    origin=RequestOrigin.from_request(request),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return redirect("cases:edit", application_id=application.pk)
        shown_fields = {spec.name: spec for spec in kind.fields}

        def read_only(names: tuple[str, ...]) -> list[tuple[str, str]]:
            return [
                (shown_fields[n].label, display_value(n, current.get(n, ""), spec=shown_fields[n]) or "—")
                for n in names
                if n in shown_fields
            ]

        lines = kind.materials_for(draft)
        return render(
            request,
            "institutions/change.html",
            {
                **context,
                "kind": kind,
                "form": form,
                "pending": pending,
                "info": read_only(INFO_FIELDS),
                "attributes": read_only(ATTRIBUTE_FIELDS),
                "legal_rep": [form[name] for name in LEGAL_REP_FIELDS],
                "synced_at": current.get("synced_at") or "尚未同步",
                "plaf_updt_time": current.get("plaf_updt_time") or "—",
                "sync_hint": SYNC_HINT,
                "legal_rep_hint": LEGAL_REP_HINT,
                "materials": [(spec, when_required(spec.code)) for spec in lines],
                "change_items": CHANGE_ITEMS,
                "submit_key": secrets.token_urlsafe(18),
            },
        )

    return change


# The manual's two blocks of the form: 医疗机构信息 (the 法人 among them, entered) and 机构属性.
INFO_FIELDS = (
    "code", "name", "abbr", "service_type", "uscc", "insu_division", "reg_code",
    "lic_issue_date", "lic_expiry_date", "drug_biz_lic_no", "address",
)  # fmt: skip
ATTRIBUTE_FIELDS = (
    "division", "hosp_lv", "lmtpric_hosp_lv", "dedc_hosp_lv", "phac_chan_type", "brch_flag", "phar_psncnt",
    "nat_plaf_code", "prov_plaf_code", "out_fixmedins_type", "fix_onln_open_flag", "out_onln_open_type",
    "hi_resper_name", "hi_resper_cert_type", "hi_resper_cert_no", "hi_resper_phone", "begntime", "endtime",
    "mutual_recog_flag",
)  # fmt: skip


def query_view(area: Area, query: str) -> View:
    @grant_required(area.item_code)
    def records(request: GrantedRequest) -> HttpResponse:
        """待审核业务查询 / 已审核业务查询 of the area's 信息变更."""
        rows = institution_applications(unit=request.unit, area=area, query=query)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for application in page.object_list:
            application.reason = decision_reason(application)
        return render(
            request,
            "institutions/records.html",
            {
                **_area_context(area, request, query),
                "title": QUERY_TITLES[query],
                "reviewed": query == REVIEWED,
                "page_obj": page,
            },
        )

    return records


def _pdf_download(content: bytes, title: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"template.pdf\"; filename*=UTF-8''{quote(title)}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def template_view(area: Area, which: str) -> View:
    make, title = (worksheet_pdf, WORKSHEET_TITLE) if which == "worksheet" else (pledge_pdf, PLEDGE_TITLE)
    kind = KINDS[area.slug]

    @grant_required(area.item_code)
    def template(request: GrantedRequest) -> HttpResponse:
        """下载模板: the template filled with the institution and the change in preparation."""
        institution = institution_of_unit(request.unit, area.role)
        if institution is None:
            return redirect(area.url_name("change"))
        pending = open_application(request.unit, kind)
        content = make(area, request.unit, institution, pending.payload if pending else {})
        return _pdf_download(content, title)

    return template


__all__ = ["PENDING", "REVIEWED", "change_view", "home_view", "query_view", "template_view"]
