"""定点医疗机构信息变更 and 定点零售药店信息变更 as application types (Yunnan manual 001 §1.3.2).

The record is the unit's 定点医药机构 (`units.selectors.institution_of_unit`: the synced
`catalog.Institution` with the unit's USCC). Its synced values are shown read-only (they change
on the 贯标平台 and arrive by the sync); the application carries the 法人 (kept by the hall), the
ticked 变更内容 and the 贯标平台变更时间. The review page shows every value as it was at
submission beside the record now; approval records the 法人 onto the institution
(`catalog.services.institution_legal_rep_record`, audited).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, FieldSpec, application_type_register, form_values
from yibao.catalog.models import Institution
from yibao.catalog.services import institution_legal_rep_record
from yibao.core.errors import ApplicationError
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.institutions.areas import MEDICAL, PHARMACY, Area
from yibao.institutions.error_codes import InstitutionErrorCode
from yibao.institutions.forms import InstitutionChangeForm
from yibao.institutions.rules import (
    CHANGE_ITEM_LABELS,
    LEGAL_REP_FIELDS,
    PLEDGE,
    WORKSHEET,
    change_refusals,
    items_of,
    local_text,
    material_lines,
    material_specs,
)
from yibao.units.models import Unit
from yibao.units.selectors import institution_of_unit


def _choices(choices: type[Any]) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(str(value), value))


def _code(table: str) -> Callable[[Any], str]:
    return lambda value: code_label(table, str(value))


def _items(value: Any) -> str:
    codes = value if isinstance(value, list | tuple) else [value]
    return "、".join(CHANGE_ITEM_LABELS.get(str(code), str(code)) for code in codes if code)


ONLINE = {"1": "正常联网", "0": "未联网"}
YES_NO = {"1": "是", "0": "否"}


def _fields(area: Area) -> tuple[FieldSpec, ...]:
    """The manual's form: 机构信息 and 机构属性 (read-only, synced), the 法人 (entered here),
    变更内容 and the 贯标平台变更时间; the sync's two times last."""
    noun = area.noun
    common_head = (
        FieldSpec("code", f"{noun}编号", editable=False),
        FieldSpec("name", f"{noun}名称", editable=False),
        FieldSpec("abbr", f"{noun}简称", editable=False),
        FieldSpec(
            "service_type", "医疗服务机构类型", editable=False, shown=_choices(Institution.ServiceType)
        ),
        FieldSpec("uscc", "统一社会信用代码", editable=False),
        FieldSpec("insu_division", "医保区划", editable=False, shown=division_full_name),
        FieldSpec("legrep_name", "法人姓名"),
        FieldSpec("legrep_cert_type", "法人证件类型", shown=_code("psn_cert_type")),
        FieldSpec("legrep_cert_no", "法人证件号码"),
        FieldSpec("legrep_phone", "法人联系电话"),
        FieldSpec("reg_code", "注册登记代码", editable=False),
        FieldSpec("lic_issue_date", "经营许可证发证日期", editable=False),
        FieldSpec("lic_expiry_date", "经营许可证有效截止日期", editable=False),
        FieldSpec("address", "地址", editable=False),
        FieldSpec("division", "定点所属行政区划", editable=False),
    )
    kind_fields: tuple[FieldSpec, ...]
    if area is PHARMACY:
        kind_fields = (
            FieldSpec("drug_biz_lic_no", "药品经营许可证编号", editable=False),
            FieldSpec("phac_chan_type", "连锁类型", editable=False, shown=_choices(Institution.ChainType)),
            FieldSpec("brch_flag", "分店标志", editable=False, shown=lambda v: YES_NO.get(str(v), str(v))),
            FieldSpec("phar_psncnt", "药师人数", editable=False),
        )
    else:
        kind_fields = (
            FieldSpec("hosp_lv", "医院等级", editable=False, shown=_code("hosp_lv")),
            FieldSpec(
                "lmtpric_hosp_lv", "限价医院等级", editable=False, shown=_choices(Institution.PriceLevel)
            ),
            FieldSpec(
                "dedc_hosp_lv",
                "起付线(报销)等级",
                editable=False,
                shown=_choices(Institution.DeductibleLevel),
            ),
        )
    common_tail = (
        FieldSpec("nat_plaf_code", "国家异地平台机构编号", editable=False),
        FieldSpec("prov_plaf_code", "省内异地平台机构编号", editable=False),
        FieldSpec(
            "out_fixmedins_type", "异地医药机构类型", editable=False, shown=_choices(Institution.OutType)
        ),
        FieldSpec(
            "fix_onln_open_flag",
            "定点联网开通标志",
            editable=False,
            shown=lambda v: ONLINE.get(str(v), str(v)),
        ),
        FieldSpec(
            "out_onln_open_type", "异地联网开通标志", editable=False, shown=_choices(Institution.OutOnline)
        ),
        FieldSpec("hi_resper_name", f"{'医院' if area is MEDICAL else '药店'}负责人姓名", editable=False),
        FieldSpec(
            "hi_resper_cert_type",
            f"{'医院' if area is MEDICAL else '药店'}负责人证件类型",
            editable=False,
            shown=_code("psn_cert_type"),
        ),
        FieldSpec(
            "hi_resper_cert_no", f"{'医院' if area is MEDICAL else '药店'}负责人证件号码", editable=False
        ),
        FieldSpec(
            "hi_resper_phone", f"{'医院' if area is MEDICAL else '药店'}负责人联系电话", editable=False
        ),
        FieldSpec("begntime", "开始日期", editable=False),
        FieldSpec("endtime", "结束日期", editable=False),
        FieldSpec(
            "mutual_recog_flag", "省市互认标志", editable=False, shown=_choices(Institution.MutualRecognition)
        ),
        FieldSpec("change_items", "变更内容", shown=_items),
        FieldSpec("plaf_changed_at", "贯标平台变更时间"),
        FieldSpec("plaf_updt_time", "贯标平台更新时间", editable=False),
        FieldSpec("synced_at", "数据同步时间", editable=False),
    )
    return common_head + kind_fields + common_tail


# Record attribute of each field whose name differs (ID and phone numbers are named so that the
# hall's masking recognises them: *cert_no, *phone).
ATTRIBUTE = {
    "insu_division": "insu_division_id",
    "division": "division_id",
    "legrep_cert_no": "legrep_certno",
    "legrep_phone": "legrep_tel",
    "hi_resper_cert_no": "hi_resper_certno",
    "hi_resper_phone": "hi_resper_tel",
}
NOT_ON_RECORD = ("change_items", "plaf_changed_at")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return local_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def record_values(area: Area, institution: Institution | None) -> dict[str, Any]:
    """The institution as the type's fields read it (all empty without one)."""
    values: dict[str, Any] = {}
    for spec in _fields(area):
        if spec.name in NOT_ON_RECORD or institution is None:
            values[spec.name] = ""
        else:
            values[spec.name] = _text(getattr(institution, ATTRIBUTE.get(spec.name, spec.name)))
    return values


def legal_rep_now(institution: Institution) -> dict[str, str]:
    return {name: _text(getattr(institution, ATTRIBUTE.get(name, name))) for name in LEGAL_REP_FIELDS}


NOT_FOUND = "未查询到本单位统一社会信用代码对应的{kind}信息，请先在贯标平台完成信息维护，待网厅同步后再办理"


def institution_required(unit: Unit, area: Area) -> Institution:
    institution = institution_of_unit(unit, area.role)
    if institution is None:
        raise ApplicationError(InstitutionErrorCode.NOT_FOUND, NOT_FOUND.format(kind=f"定点{area.noun}"))
    return institution


def _current(area: Area) -> Callable[[Unit], dict[str, Any]]:
    return lambda unit: record_values(area, institution_of_unit(unit, area.role))


def _check(area: Area) -> Callable[[Unit, dict[str, Any]], list[str]]:
    """The rules against the record, at saving and again at submitting (a sync may have come)."""

    def check(unit: Unit, payload: dict[str, Any]) -> list[str]:
        institution = institution_of_unit(unit, area.role)
        if institution is None:
            return [NOT_FOUND.format(kind=f"定点{area.noun}")]
        refusals = change_refusals(
            legal_rep_now=legal_rep_now(institution),
            plaf_updt_time=institution.plaf_updt_time,
            synced_at=institution.synced_at,
            payload=payload,
            now=timezone.now(),
        )
        return [refusal.message for refusal in refusals]

    return check


def _apply(area: Area) -> Callable[[Application], None]:
    """通过: the payload checked by the form again, then the 法人 recorded onto the institution."""

    def apply(application: Application) -> None:
        values = form_values(
            InstitutionChangeForm, application.payload, code=InstitutionErrorCode.INVALID_VALUE
        )
        institution = institution_required(application.unit, area)
        institution_legal_rep_record(
            institution_id=institution.pk,
            values={
                "legrep_name": values["legrep_name"],
                "legrep_cert_type": values["legrep_cert_type"],
                "legrep_certno": values["legrep_cert_no"],
                "legrep_tel": values["legrep_phone"],
            },
            actor=application.reviewer,
            note={
                "application": application.number,
                "change_items": items_of(application.payload),
                "plaf_changed_at": application.payload.get("plaf_changed_at", ""),
            },
        )

    return apply


def _kind(area: Area, licence_name: str) -> ApplicationType:
    lines = material_lines(
        licence_name=licence_name,
        templates={WORKSHEET: area.url_name("worksheet"), PLEDGE: area.url_name("pledge")},
    )
    specs = material_specs(lines, {})
    return ApplicationType(
        code=area.item_code,
        name=area.change_name,
        item_code=area.item_code,
        fields=_fields(area),
        form=InstitutionChangeForm,
        form_page=area.url_name("change"),
        current=_current(area),
        apply=_apply(area),
        check=_check(area),
        materials=specs,
        materials_of=lambda payload: material_specs(lines, payload),
        submit_label="提交",
    )


MEDINS_INFO_CHANGE = application_type_register(_kind(MEDICAL, "医疗机构许可证"))
PHARMACY_INFO_CHANGE = application_type_register(_kind(PHARMACY, "药品经营许可证"))
KINDS = {MEDICAL.slug: MEDINS_INFO_CHANGE, PHARMACY.slug: PHARMACY_INFO_CHANGE}
