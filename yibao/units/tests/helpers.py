"""Files and records the unit tests share."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.security import hostile_files
from yibao.accounts.models import User
from yibao.catalog.models import Institution
from yibao.contributions.models import Contribution
from yibao.contributions.summaries import unit_months_summarise
from yibao.core.tests.factories import PersonFactory
from yibao.units.models import Unit

PDF = hostile_files.clean_pdf()
PDF_WITH_SCRIPT = hostile_files.pdf_javascript_open_action()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def designated_institution(
    unit: Unit, *, kind: str = Institution.Type.MEDICAL, code: str = "H53011200001"
) -> Institution:
    return Institution.objects.create(
        code=code, fixmedins_type=kind, name=f"{unit.name}门诊部", uscc=unit.uscc, division_id="530112"
    )


def contribution(unit: Unit, period: int, *, arrived: bool = True) -> Contribution:
    """One contribution row, and the unit's monthly summary made again as the feed import does."""
    row = Contribution.objects.create(
        unit=unit,
        person=PersonFactory.create(),
        insutype="310",
        period=period,
        base=Decimal("6000.00"),
        unit_amount=Decimal("480.00"),
        personal_amount=Decimal("120.00"),
        arrival=Contribution.Arrival.ARRIVED if arrived else Contribution.Arrival.PENDING,
    )
    unit_months_summarise(unit_id=unit.pk, periods=[period])
    return row


def account_of(unit: Unit) -> User:
    """The unit admin's user (factory units always have one)."""
    assert unit.account is not None
    return unit.account
