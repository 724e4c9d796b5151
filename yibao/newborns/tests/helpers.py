"""Hospitals, babies and their filings for the 婴幼儿备案 tests, built through the services."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.core.uploads import upload_check
from yibao.demo.numbers import make_id_number
from yibao.newborns.services import newborn_draft_save
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

ITEM = "infant-filing"
CHAOYANG = "110105"  # 北京市朝阳区
FATHER_ID = make_id_number("110105", datetime.date(1990, 3, 7), 11)  # odd: a man
MOTHER_ID = make_id_number("110108", datetime.date(1992, 5, 20), 24)  # even: a woman


def hospital(**kwargs: Any) -> Binding:
    """An operator of a unit certified 医疗机构, holding 婴幼儿备案 and 办件记录查询."""
    unit = UnitFactory.create(roles=["insured", "medical"], division_id="110105", **kwargs)
    return grant(BindingFactory.create(unit=unit), ITEM, "case-records")


def baby(*, days_old: int = 3, n: int = 1, with_id: bool = True, **changes: str) -> dict[str, str]:
    """A boy born `days_old` days ago, his father as guardian; `n` tells babies apart."""
    born = timezone.localdate() - datetime.timedelta(days=days_old)
    values: dict[str, str] = {
        "name": "张小宝", "gender": "1", "birth_date": born.isoformat(), "birth_cert_no": f"Q{110000000 + n:09d}",
        "division": CHAOYANG,
        "address": "北京市朝阳区安贞路2号", "guardian_relation": "father", "guardian_name": "张伟",
        "guardian_cert_type": "01", "guardian_cert_no": FATHER_ID, "guardian_phone": "13912345678",
    }  # fmt: skip
    values.update(changes)
    if "cert_no" not in changes:  # the child's own number: its birth date, its sex digit
        sequence = 2 * n + (1 if values["gender"] == "1" else 2)
        values["cert_no"] = make_id_number(CHAOYANG, born, sequence) if with_id else ""
    return values


def draft(binding: Binding, values: dict[str, str]) -> Application:
    return newborn_draft_save(unit=binding.unit, actor=binding.operator.user, values=values)


def submitted(binding: Binding, values: dict[str, str]) -> Application:
    """A filing saved, its 出生医学证明 uploaded, and submitted."""
    application = draft(binding, values)
    actor = binding.operator.user
    case_services.material_upload(
        application=application, code="birth-certificate", upload=upload_check(io.BytesIO(png_bytes())),
        original_name="出生医学证明.png", actor=actor,
    )  # fmt: skip
    return case_services.application_submit(application=application, actor=actor)
