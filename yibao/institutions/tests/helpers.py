"""Fixtures of the institution tests: a hospital and a pharmacy synced from the 贯标平台 and a unit
certified for each (角色认证 links them by USCC)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from yibao.catalog.models import Institution
from yibao.catalog.sync import institutions_sync
from yibao.catalog.sync_format import rows_from_json
from yibao.catalog.tests.sync_helpers import HOSPITAL_CODE, PHARMACY_CODE, hospital, pharmacy
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

HOSPITAL_USCC = hospital()["uscc"]
PHARMACY_USCC = pharmacy()["uscc"]
SYNCED_AT_PLAF = "2026-03-01 09:30:00"  # the feed rows' 贯标平台更新时间


def sync(*rows: dict[str, str]) -> None:
    report = institutions_sync(feed=rows_from_json([dict(row) for row in rows]), source="test")
    assert report.ok, report.errors


def synced_hospital(**cells: str) -> Institution:
    sync(hospital(**cells))
    return Institution.objects.get(code=HOSPITAL_CODE)


def synced_pharmacy(**cells: str) -> Institution:
    sync(pharmacy(**cells))
    return Institution.objects.get(code=PHARMACY_CODE)


def institution_binding(kind: str, *, granted: bool = True) -> Binding:
    """An operator of a unit certified as 医疗机构 (kind "medical") or 零售药店 ("pharmacy") whose
    USCC is the synced record's, holding the area's item."""
    uscc, item = (
        (HOSPITAL_USCC, "medins-info-change")
        if kind == "medical"
        else (PHARMACY_USCC, "pharmacy-info-change")
    )
    unit = UnitFactory.create(uscc=uscc, roles=["insured", kind], name="昆明市西山区永昌西区社区卫生服务中心")
    binding = BindingFactory.create(unit=unit)
    return grant(binding, item) if granted else binding


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def fake_pdf(name: str = "工作表.pdf") -> SimpleUploadedFile:
    """A spreadsheet renamed .pdf: the upload check reads the content, not the name."""
    return SimpleUploadedFile(
        name, io.BytesIO(b"PK\x03\x04" + b"\x00" * 200).getvalue(), content_type="application/pdf"
    )


def change_data(**values: Any) -> dict[str, Any]:
    """The form as an operator fills it: a new 法人, and the name changed on the 贯标平台."""
    data: dict[str, Any] = {
        "legrep_name": "王建国",
        "legrep_cert_type": "01",
        "legrep_cert_no": "530102198001010015",
        "legrep_phone": "13888001122",
        "change_items": ["legrep", "name"],
        "plaf_changed_at": "2026-03-01 09:00",
    }
    data.update(values)
    return data
