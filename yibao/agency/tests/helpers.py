"""Submitted applications and reviewers for the workbench's tests, built through the services."""

from __future__ import annotations

import io
from typing import Any

from yibao.accounts.models import User
from yibao.cases import services
from yibao.cases.models import Application, ReviewerRegion
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.tests.factories import BindingFactory, UnitFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.operators.models import Binding
from yibao.units.tests.helpers import PDF, png_bytes

NEW_ID = "110101199003070011"
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": NEW_ID,
}  # fmt: skip


def reviewer(username: str = "shenhe-yn", *, region: str | None = "530000", name: str = "审核员甲") -> User:
    user = UserFactory.create(is_staff=True, username=username, first_name=name)
    if region is not None:
        ReviewerRegion.objects.create(reviewer=user, division_id=region)
    return user


def key_change_binding(**unit: Any) -> Binding:
    return grant(
        BindingFactory.create(unit=UnitFactory.create(**unit)), "unit-info-change", "unit-key-info-change"
    )


def upload(application: Application, code: str, content: bytes, actor: User, name: str) -> None:
    services.material_upload(
        application=application, code=code, upload=upload_check(io.BytesIO(content)), original_name=name,
        actor=actor,
    )  # fmt: skip


def submitted_key_change(binding: Binding | None = None, **changes: str) -> Application:
    """A 单位参保关键信息变更 printed, with the stamped form (PNG) and licence (PDF), submitted."""
    binding = binding or key_change_binding()
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload={**KEY, **changes}
    )
    services.application_print_mark(application=draft, actor=user)
    upload(draft, "stamped-form", png_bytes(), user, "盖章表.png")
    upload(draft, "licence", PDF, user, "营业执照.pdf")
    return services.application_submit(application=draft, actor=user)
