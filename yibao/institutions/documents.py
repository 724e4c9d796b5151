"""The two templates of the 附件上传 table (下载模板): 《两定机构变更工作表》 and 《承诺书》, made for
the operator's institution as A4 PDFs (WeasyPrint, the documents' one CJK face), to print, fill
in by hand where asked, stamp and upload again.

Both are filled with the institution as the hall holds it (the synced record and its 数据同步时间)
and, when the unit has a change in preparation, with what it ticked and the 法人 it entered
(shown in full: the unit entered them and signs for them); values read from the record that are
ID numbers stay masked. What the hall cannot know (a synced item's value before the change) is
left blank to be written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from yibao.catalog.models import Institution
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.pdf import pdf_from_html
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.institutions.areas import MEDICAL, Area
from yibao.institutions.rules import CHANGE_ITEMS, LEGAL_REP, items_of, local_text
from yibao.units.models import Unit

STYLESHEET = Path(__file__).resolve().parent / "templates" / "institutions" / "print" / "documents.css"
WORKSHEET_TITLE = "两定机构变更工作表"
PLEDGE_TITLE = "承诺书"
REGULATION = {
    MEDICAL.slug: "《医疗机构医疗保障定点管理暂行办法》",
}
PHARMACY_REGULATION = "《零售药店医疗保障定点管理暂行办法》"


@dataclass(frozen=True)
class WorkRow:
    item: str
    label: str
    before: str
    after: str
    ticked: bool


def _legal_rep_text(name: str, cert_type: str, cert_no: str, phone: str, *, reveal: bool) -> str:
    if not name and not cert_no:
        return ""
    number = cert_no if reveal else mask_id_number(cert_no)
    tel = phone if reveal else (mask_phone(phone) if phone.isdigit() and len(phone) == 11 else phone)
    parts = [name, f"{code_label('psn_cert_type', cert_type)} {number}".strip(), tel]
    return "，".join(part for part in parts if part)


def _rows(area: Area, institution: Institution, payload: dict[str, Any]) -> list[WorkRow]:
    """变更项目 / 变更前 / 变更后 for each of the six items: the hall's synced value is the one after
    the change (the 贯标平台 is changed first); the 法人 before is the hall's, after the entered."""
    resper = "医院负责人" if area is MEDICAL else "药店负责人"
    ticked = set(items_of(payload))
    resper_now = "，".join(
        part
        for part in (
            institution.hi_resper_name,
            mask_id_number(institution.hi_resper_certno) if institution.hi_resper_certno else "",
            mask_phone(institution.hi_resper_tel)
            if len(institution.hi_resper_tel) == 11
            else institution.hi_resper_tel,
        )
        if part
    )
    before_rep = _legal_rep_text(
        institution.legrep_name, institution.legrep_cert_type, institution.legrep_certno, institution.legrep_tel,
        reveal=False,
    )  # fmt: skip
    after_rep = ""
    if LEGAL_REP in items_of(payload):
        after_rep = _legal_rep_text(
            str(payload.get("legrep_name", "")), str(payload.get("legrep_cert_type", "")),
            str(payload.get("legrep_cert_no", "")), str(payload.get("legrep_phone", "")), reveal=True,
        )  # fmt: skip
    after = {
        LEGAL_REP: after_rep,
        "resper": resper_now,
        "uscc": institution.uscc,
        "licence-no": institution.reg_code if area is MEDICAL else institution.drug_biz_lic_no,
        "name": institution.name,
        "address": institution.address,
    }
    labels = {
        LEGAL_REP: "法人信息",
        "resper": f"{resper}信息",
        "uscc": "统一社会信用代码",
        "licence-no": "执业许可证登记号" if area is MEDICAL else "药品经营许可证编号",
        "name": "机构名称",
        "address": "机构地址",
    }
    return [
        WorkRow(
            item=code,
            label=labels[code],
            before=before_rep if code == LEGAL_REP else "",
            after=after[code],
            ticked=code in ticked,
        )
        for code, _ in CHANGE_ITEMS
    ]


def _context(area: Area, unit: Unit, institution: Institution, payload: dict[str, Any]) -> dict[str, Any]:
    ticked = set(items_of(payload))
    return {
        "area": area,
        "unit": unit,
        "institution": institution,
        "kind_label": institution.get_fixmedins_type_display(),
        "service_type": institution.get_service_type_display() if institution.service_type else "",
        "division": division_full_name(institution.division_id),
        "insu_division": division_full_name(institution.insu_division_id)
        if institution.insu_division_id
        else "",
        "synced_at": local_text(institution.synced_at),
        "plaf_updt_time": local_text(institution.plaf_updt_time),
        "plaf_changed_at": str(payload.get("plaf_changed_at", "")),
        "items": [(code, label, code in ticked) for code, label in CHANGE_ITEMS],
        "ticked_labels": "、".join(label for code, label in CHANGE_ITEMS if code in ticked),
        "rows": _rows(area, institution, payload),
        "regulation": REGULATION.get(area.slug, PHARMACY_REGULATION),
        "made_on": timezone.localdate(),
    }


def worksheet_pdf(area: Area, unit: Unit, institution: Institution, payload: dict[str, Any]) -> bytes:
    """《两定机构变更工作表》 filled with the institution and the change in preparation."""
    html = render_to_string(
        "institutions/print/worksheet.html",
        {**_context(area, unit, institution, payload), "title": WORKSHEET_TITLE},
    )
    return pdf_from_html(html, stylesheet=STYLESHEET)


def pledge_pdf(area: Area, unit: Unit, institution: Institution, payload: dict[str, Any]) -> bytes:
    """《承诺书》 in the institution's name."""
    html = render_to_string(
        "institutions/print/pledge.html",
        {**_context(area, unit, institution, payload), "title": PLEDGE_TITLE},
    )
    return pdf_from_html(html, stylesheet=STYLESHEET)
