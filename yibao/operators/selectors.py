"""Reads for the operator's hall and the unit admin's operator pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from yibao.operators.models import Binding, BusinessItem, FunctionRole, Grant, MenuGroup, Operator, ServiceTab
from yibao.units.models import Population, Unit, UnitRole


@dataclass(frozen=True)
class MenuEntry:
    item: BusinessItem
    granted: bool
    role_missing: bool

    @property
    def allowed(self) -> bool:
        return self.granted and not self.role_missing


def operator_menu(*, binding: Binding, roles: set[str]) -> list[MenuEntry]:
    """Every active business item, with whether this operator may open it in this unit."""
    granted = set(Grant.objects.filter(binding=binding).values_list("item_id", flat=True))
    items = BusinessItem.objects.filter(is_active=True).select_related("function_role")
    return [
        MenuEntry(
            item=item,
            granted=item.pk in granted,
            role_missing=bool(item.required_role) and item.required_role not in roles,
        )
        for item in items
    ]


# Which unit roles open which tab of 常用服务.
TAB_ROLES: dict[str, set[str]] = {
    ServiceTab.INSURED: {UnitRole.INSURED},
    ServiceTab.MEDICAL: {UnitRole.MEDICAL, UnitRole.PHARMACY},
    ServiceTab.PROCUREMENT: {UnitRole.PROCUREMENT, UnitRole.PHARMA},
}


def service_tabs(roles: set[str]) -> list[tuple[str, str]]:
    """The 常用服务 tabs the unit's roles open, in manual order (参保单位服务 when none is held)."""
    tabs = [(tab.value, tab.label) for tab in ServiceTab if TAB_ROLES[tab] & roles]
    return tabs or [(ServiceTab.INSURED.value, ServiceTab.INSURED.label)]


def menu_groups(entries: list[MenuEntry], *, group: str = "") -> list[tuple[str, list[MenuEntry]]]:
    """Entries by menu group (查询服务, 经办服务 …), optionally one group only."""
    labels = dict(MenuGroup.choices)
    result = []
    for code, label in labels.items():
        if group and code != group:
            continue
        chosen = [e for e in entries if e.item.menu_group == code]
        if chosen:
            result.append((label, chosen))
    return result


def unit_bindings(unit: Unit) -> QuerySet[Binding]:
    """The operators bound to a unit (单位经办人), newest first, with their grants counted."""
    return (
        Binding.objects.filter(unit=unit, status=Binding.Status.ACTIVE)
        .select_related("operator")
        .annotate(grant_count=Count("grants"))
        .order_by("-created_at", "-pk")
    )


def active_binding_count(unit: Unit) -> int:
    return Binding.objects.filter(unit=unit, status=Binding.Status.ACTIVE).count()


@dataclass(frozen=True)
class GrantChoice:
    item: BusinessItem
    role_missing: bool
    holders: list[str]  # other operators of the unit holding it


@dataclass(frozen=True)
class GrantGroup:
    role: FunctionRole
    choices: list[GrantChoice]

    @property
    def all_disabled(self) -> bool:
        return all(c.role_missing for c in self.choices)


def grant_groups(*, binding: Binding, roles: set[str]) -> list[GrantGroup]:
    """The 功能角色 groups of the grant dialog, with who else holds each item in this unit."""
    others: dict[int, list[str]] = {}
    for item_id, name in (
        Grant.objects.filter(unit=binding.unit, binding__status=Binding.Status.ACTIVE)
        .exclude(binding=binding)
        .values_list("item_id", "binding__operator__name")
    ):
        others.setdefault(item_id, []).append(name)
    active = Q(is_active=True)
    function_roles = FunctionRole.objects.prefetch_related(
        Prefetch("items", queryset=BusinessItem.objects.filter(active).order_by("sort_order", "code"))
    )
    groups = []
    for role in function_roles:
        choices = [
            GrantChoice(
                item=item,
                role_missing=bool(item.required_role) and item.required_role not in roles,
                holders=others.get(item.pk, []),
            )
            for item in role.items.all()
        ]
        if choices:
            groups.append(GrantGroup(role=role, choices=choices))
    return groups


def binding_populations(binding: Binding) -> list[Population]:
    return list(binding.populations.order_by("sort_order", "code"))


def operator_for_mobile(mobile: str) -> Operator | None:
    return Operator.objects.filter(mobile=mobile).select_related("user").first()
