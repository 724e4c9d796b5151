"""The business catalogue (业务事项目录): loading it from its data file, and where each item's
page lives once built.

The data file holds the items of the manuals; the system admin may rename, reorder or disable
them afterwards, and a reload keeps those edits unless asked to overwrite them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "business_catalogue.json"

# Item code → URL name of its page. Items not listed here lead to the hall's "being built" page.
ITEM_PAGES: dict[str, str] = {
    "case-records": "cases:list",
    "employee-enrollment": "enrollment:enroll",
    "unit-info-change": "changes:unit-info-change",
    "unit-key-info-change": "changes:unit-key-info-change",
    "employee-interruption": "enrollment:interruption",
    "employee-key-info-change": "changes:employee-key-info-change",
    "employee-info-change": "changes:employee-info-change",
    # 异地就医备案 (yibao/filings)
    "filing-retiree-relocation": "filings:retiree-relocation",
    "filing-long-term-residence": "filings:long-term-residence",
    "filing-posted-worker": "filings:posted-worker",
    "filing-referral": "filings:referral",
    # 医疗机构业务办理 (yibao/newborns), 招采企业业务办理 (yibao/procurement)
    "infant-filing": "newborns:filing",
    "procurement-system": "procurement:handoff",
    # 查询服务 (yibao/queries)
    "unit-basic-info": "queries:unit-basic-info",
    "unit-insurance-info": "queries:unit-insurance-info",
    "person-basic-info": "queries:person-basic-info",
    "person-insurance-info": "queries:person-insurance-info",
    "remote-care-filings": "queries:remote-care-filings",
    "roster": "queries:roster",
    "personnel-changes": "queries:personnel-changes",
    "unit-contributions": "contributions:unit",
    "person-contributions": "contributions:person",
    "unit-certificate": "certificates:unit",
    "person-certificate": "certificates:person-search",
    # 医疗机构服务 / 零售药店服务 (yibao/institutions)
    "medins-info-change": "institutions:medical-change",
    "pharmacy-info-change": "institutions:pharmacy-change",
}


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def business_catalogue_sync(role_model: Any, item_model: Any, *, overwrite: bool = False) -> dict[str, int]:
    """Create the function roles and items of the data file; works with historical models."""
    created = updated = 0
    roles = {}
    for position, row in enumerate(_data()["function_roles"]):
        defaults = {"name": row["name"], "service_tab": row["service_tab"], "sort_order": position}
        role = role_model.objects.filter(code=row["code"]).first()
        if role is None:
            role = role_model.objects.create(code=row["code"], **defaults)
            created += 1
        elif overwrite:
            role_model.objects.filter(pk=role.pk).update(**defaults)
            updated += 1
        roles[row["code"]] = role
    for position, row in enumerate(_data()["items"]):
        defaults = {
            "name": row["name"],
            "function_role": roles[row["role"]],
            "menu_group": row["group"],
            "required_role": row["required_role"],
            "description": row["description"],
            "sort_order": position,
        }
        exists = item_model.objects.filter(code=row["code"]).exists()
        if not exists:
            item_model.objects.create(code=row["code"], **defaults)
            created += 1
        elif overwrite:
            item_model.objects.filter(code=row["code"]).update(**defaults)
            updated += 1
    return {"created": created, "updated": updated}
