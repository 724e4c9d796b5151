"""The default 我的信用 rules and levels, loaded by migration 0005 (editable in the admin)."""

from __future__ import annotations

from typing import Any

# code, name, description, condition, points
DEFAULT_RULES: list[tuple[str, str, str, str, int]] = [
    ("base", "基础分", "所有已注册单位的起始分", "base", 60),
    ("qualified", "资质认证已通过", "营业执照已上传并经医保经办机构审核通过", "qualified", 10),
    ("role-certified", "已通过角色认证", "至少一个单位角色认证通过", "role_certified", 5),
    (
        "operator-granted",
        "已绑定并授权经办人",
        "至少一名经办人已绑定本单位并获得业务授权",
        "operator_granted",
        5,
    ),
    ("legal-rep-mobile", "法人手机号已登记", "单位基础信息中已登记法人手机号", "legal_rep_mobile", 5),
    ("registered-year", "注册满一年", "单位管理账号注册已满一年", "registered_year", 5),
    (
        "paid-12-months",
        "近12个月缴费均已到账",
        "近12个月（不含当月）有缴费记录且全部到账",
        "paid_12_months",
        10,
    ),
    ("unpaid", "存在未到账缴费", "近12个月（不含当月）存在未到账或部分到账的缴费", "unpaid", -20),
]

# code, name, min_score
DEFAULT_LEVELS: list[tuple[str, str, int]] = [
    ("A", "守信", 90),
    ("B", "良好", 75),
    ("C", "一般", 60),
    ("D", "较差", -1000),
]


def credit_defaults_sync(rule_model: Any, level_model: Any) -> dict[str, int]:
    """Create the default rules and levels that do not exist; works with historical models."""
    created = 0
    for position, (code, name, description, condition, points) in enumerate(DEFAULT_RULES):
        _, was_created = rule_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "condition": condition,
                "points": points,
                "sort_order": position * 10,
            },
        )
        created += int(was_created)
    for code, name, min_score in DEFAULT_LEVELS:
        _, was_created = level_model.objects.get_or_create(
            code=code, defaults={"name": name, "min_score": min_score}
        )
        created += int(was_created)
    return {"created": created}
