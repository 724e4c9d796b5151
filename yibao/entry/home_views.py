"""The two home pages of the hall: 单位管理首页 (unit admin) and 单位网厅首页 (operator).

Each gathers what other apps know about the unit — 我的信用 (contributions), 最新公告 (notices),
我的待办件 (cases), the operator's services (operators) — so they sit at the top of the order.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from yibao.accounts.guards import hall_user
from yibao.cases.selectors import operator_todos
from yibao.contributions.credit import unit_credit
from yibao.institutions.areas import AREAS
from yibao.notices.selectors import notice_list_latest
from yibao.operators.access import current_population_code
from yibao.operators.forms import PopulationSwitchForm
from yibao.operators.selectors import binding_populations, menu_groups, operator_menu, service_tabs
from yibao.operators.session import OperatorRequest, operator_required
from yibao.procurement.services import procurement_target
from yibao.units.guards import UnitRequest, unit_admin_required
from yibao.units.selectors import roles_certified_labels, unit_roles_held


@unit_admin_required
def unit_home(request: UnitRequest) -> HttpResponse:
    """单位管理首页: 公司简要信息, 我的信用, 最新公告."""
    unit = request.unit
    return render(
        request,
        "entry/unit_home.html",
        {
            "unit": unit,
            "roles": roles_certified_labels(unit),
            "credit": unit_credit(unit),
            "notices": notice_list_latest(limit=5),
        },
    )


@operator_required
def operator_home(request: OperatorRequest) -> HttpResponse:
    """单位网厅首页 of an operator: 经办人信息, 我的信用, 常用服务, 我的待办件."""
    unit = request.unit
    binding = request.binding
    roles = unit_roles_held(unit)
    tabs = service_tabs(roles)
    tab = request.GET.get("tab", "")
    tab = tab if tab in {code for code, _ in tabs} else tabs[0][0]
    entries = [
        e for e in operator_menu(binding=binding, roles=roles) if e.item.function_role.service_tab == tab
    ]
    allowed = {e.item.code for e in entries if e.allowed}
    # 医疗机构服务 → 更多服务 (Yunnan manual 001 §1.3.2): the area of each institution role the
    # operator may work in
    more_services = [(area.title, area.home_url_name) for area in AREAS if area.item_code in allowed]
    populations = binding_populations(binding)
    population = current_population_code(request, binding, [p.code for p in populations])
    return render(
        request,
        "entry/operator_home.html",
        {
            "operator": binding.operator,
            "unit": unit,
            "tabs": tabs,
            "tab": tab,
            "groups": menu_groups(entries),
            "more_services": more_services,
            "populations": populations,
            "population_form": PopulationSwitchForm(
                populations=populations, initial={"population": population}
            ),
            "current_population": next((p for p in populations if p.code == population), None),
            "credit": unit_credit(unit),
            "todos": operator_todos(unit=unit, user=hall_user(request)),
            # a tile whose outside system is not configured says so before it is opened
            "unavailable_items": {"procurement-system"} if procurement_target() is None else set(),
        },
    )
