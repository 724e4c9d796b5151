"""Persons, drafts and decided filings for the 备案 tests, built through the services."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

from yibao.accounts.models import User
from yibao.agency.tests.helpers import reviewer
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.core.uploads import upload_check
from yibao.enrollment.models import Person
from yibao.enrollment.scope import PersonScope
from yibao.filings.services import CANCEL, CHANGE, NEW, filing_draft_save
from yibao.filings.types import filing_type
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

ITEMS = ("filing-retiree-relocation", "filing-long-term-residence", "filing-posted-worker", "filing-referral")
SHENZHEN = "440300"  # 深圳市: the units of the factories are in 昆明市 (530112)


def filing_binding(**kwargs: Any) -> Binding:
    return grant(BindingFactory.create(**kwargs), *ITEMS, "case-records")


def insured(binding: Binding, *, psn_type: str = "1101", start: datetime.date | None = None) -> Person:
    """A person 正常参保 with the binding's unit (职工基本医疗保险), insured for a year by default."""
    begun = start or timezone.localdate() - datetime.timedelta(days=365)
    return InsuranceFactory.create(
        unit=binding.unit,
        psn_type=psn_type,
        start_date=begun,
        first_insured_ym=begun.year * 100 + begun.month,
    ).person


def filing_values(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "insutype": "310", "care_division": SHENZHEN, "address": "深圳市南山区科技园1号", "phone": "13912345678",
        "start_date": today.isoformat(), "network": "1", **changes,
    }  # fmt: skip


def referral_values(**changes: str) -> dict[str, str]:
    return filing_values(
        **{"out_hospital": "昆明医科大学第一附属医院", "in_hospital": "北京协和医院", **changes}
    )


def draft(
    binding: Binding, person: Person, kind: str, values: dict[str, str], *, action: str = NEW,
    filing_id: int | None = None,
) -> Application:  # fmt: skip
    return filing_draft_save(
        kind=filing_type(kind, action), unit=binding.unit, actor=binding.operator.user,
        scope=PersonScope(unit=binding.unit), person_id=person.pk, values=values, filing_id=filing_id,
    )  # fmt: skip


def upload(application: Application, code: str, actor: User) -> None:
    case_services.material_upload(
        application=application, code=code, upload=upload_check(io.BytesIO(png_bytes())),
        original_name="证明.png", actor=actor,
    )  # fmt: skip


def submit(application: Application, actor: User) -> Application:
    return case_services.application_submit(application=application, actor=actor)


def approve(application: Application, username: str = "shenhe-ba") -> None:
    checker = User.objects.filter(username=username).first() or reviewer(username)
    case_services.application_claim(application=application, reviewer=checker)
    case_services.application_approve(application=application, reviewer=checker, opinion="同意")


def filed(binding: Binding, person: Person, kind: str = "referral", **changes: str) -> Application:
    """A filing approved (已备案) through its application."""
    values = referral_values(**changes) if kind == "referral" else filing_values(**changes)
    application = draft(binding, person, kind, values)
    if kind == "referral" or values.get("commitment") != "1":
        proof = {"referral": "referral-proof", "retiree-relocation": "settlement-proof",
                 "long-term-residence": "residence-proof", "posted-worker": "posting-proof"}[kind]  # fmt: skip
        upload(application, proof, binding.operator.user)
    submit(application, binding.operator.user)
    approve(application)
    return application


__all__ = ["CANCEL", "CHANGE", "NEW"]
