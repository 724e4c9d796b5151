"""婴幼儿备案 as an application type: the hospital's entries, the 出生医学证明 scan, the agency's
review (通过 / 退回补正 / 不通过) in the shared workbench. It registers a child, so its pages show
one value per 项目 (no 变更前)."""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, FieldSpec, MaterialSpec, application_type_register, form_values
from yibao.core.reference import code_label
from yibao.newborns import services
from yibao.newborns.codes import INFANT_FILING
from yibao.newborns.error_codes import NewbornErrorCode
from yibao.newborns.forms import NewbornForm
from yibao.newborns.models import InfantFiling
from yibao.units.models import Unit


def _relation(value: str) -> str:
    return str(InfantFiling.Relation(value).label) if value in InfantFiling.Relation.values else value


FIELDS = (
    FieldSpec("name", "姓名"),
    FieldSpec("gender", "性别"),
    FieldSpec("birth_date", "出生日期"),
    FieldSpec("birth_cert_no", "出生医学证明编号"),
    FieldSpec("cert_no", "身份证号"),
    FieldSpec("division", "户籍所在地"),
    FieldSpec("address", "现居住地址"),
    FieldSpec("guardian_relation", "与婴幼儿关系", shown=_relation),
    FieldSpec("guardian_name", "监护人姓名"),
    FieldSpec(
        "guardian_cert_type",
        "监护人证件类型",
        shown=lambda value: code_label("psn_cert_type", value) or value,
    ),
    FieldSpec("guardian_cert_no", "监护人证件号码"),
    FieldSpec("guardian_phone", "监护人联系电话"),
)

BIRTH_CERTIFICATE = MaterialSpec(
    "birth-certificate",
    "出生医学证明",
    note="出生医学证明正页（婴儿姓名、出生日期、编号清晰可见），扫描或拍照上传",
)


def _current(unit: Unit) -> dict[str, Any]:
    return {}  # a new child: nothing before


def _apply(application: Application) -> None:
    form_values(NewbornForm, application.payload, code=NewbornErrorCode.INVALID_VALUE)
    services.newborn_apply(application)


INFANT_FILING_TYPE = application_type_register(
    ApplicationType(
        code=INFANT_FILING,
        name="婴幼儿备案",
        item_code=INFANT_FILING,
        form_page="newborns:filing",
        fields=FIELDS,
        current=_current,
        apply=_apply,
        form=NewbornForm,
        materials=(BIRTH_CERTIFICATE,),
        requires_change=False,
        changes_record=False,
        check=services.newborn_problems_of,
        status_changed=services.newborn_status_follow,
        distinct_by=("birth_cert_no",),  # one open 婴幼儿备案 per 出生医学证明 at a hospital
    )
)
