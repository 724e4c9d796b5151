"""Fixtures of the catalogue tests: rows made through the services, so search keys are real."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from yibao.catalog.models import Agency, Drug, Institution, ServiceItem
from yibao.catalog.regions import region_index_clear
from yibao.catalog.services import catalog_entry_save


@pytest.fixture(autouse=True)
def _fresh_region_index() -> Iterator[None]:
    region_index_clear()
    yield
    region_index_clear()


def _counter() -> Callable[[], int]:
    state = {"n": 0}

    def next_number() -> int:
        state["n"] += 1
        return state["n"]

    return next_number


@pytest.fixture
def make_drug(db: None) -> Callable[..., Drug]:
    number = _counter()

    def make(name: str = "阿莫西林胶囊", **fields: Any) -> Drug:
        n = number()
        values: dict[str, Any] = {
            "code": f"XJ01CAA001B00101{n:02d}{n:05d}",
            "name": name,
            "dosage_form": "胶囊剂",
            "spec": "0.25g",
            "manufacturer": "云岭制药有限公司",
            "approval_no": "国药准字H20003263",
            "category": Drug.Category.A,
            "payment_limit": "",
        }
        return catalog_entry_save(entry=Drug(**(values | fields)), actor=None)  # type: ignore[return-value]

    return make


@pytest.fixture
def make_institution(db: None) -> Callable[..., Institution]:
    number = _counter()

    def make(name: str = "昆明市第一人民医院", *, pharmacy: bool = False, **fields: Any) -> Institution:
        n = number()
        admdvs = fields.pop("division_id", "530102")
        prefix = "P" if pharmacy else "H"
        values: dict[str, Any] = {
            "code": f"{prefix}{admdvs}{n:05d}",
            "fixmedins_type": Institution.Type.PHARMACY if pharmacy else Institution.Type.MEDICAL,
            "name": name,
            "uscc": "91530112MA6NQ2P807",
            "division_id": admdvs,
            "service_type": Institution.ServiceType.CHAIN_PHARMACY
            if pharmacy
            else Institution.ServiceType.GENERAL_HOSPITAL,
            "hosp_lv": "11" if pharmacy else "02",
            "address": "云南省昆明市五华区人民路1号",
            "tel": "0871-63211234",
            "hi_resper_name": "王芳",
            "hi_resper_tel": "13987654321",
            "fix_onln_open_flag": True,
            "begntime": datetime.date(2020, 1, 1),
        }
        return catalog_entry_save(entry=Institution(**(values | fields)), actor=None)  # type: ignore[return-value]

    return make


@pytest.fixture
def make_agency(db: None) -> Callable[..., Agency]:
    number = _counter()

    def make(name: str = "五华区医疗保障服务中心", **fields: Any) -> Agency:
        n = number()
        admdvs = fields.pop("division_id", "530102")
        values: dict[str, Any] = {
            "code": f"{admdvs}{n:02d}",
            "name": name,
            "division_id": admdvs,
            "address": "云南省昆明市五华区人民路2号",
            "phone": "0871-63212345",
            "office_hours": "工作日 上午9:00—12:00，下午13:30—17:00",
        }
        return catalog_entry_save(entry=Agency(**(values | fields)), actor=None)  # type: ignore[return-value]

    return make


@pytest.fixture
def make_service_item(db: None) -> Callable[..., ServiceItem]:
    number = _counter()

    def make(name: str = "普通门诊诊查费", **fields: Any) -> ServiceItem:
        n = number()
        values: dict[str, Any] = {
            "code": f"00110200{n:03d}0000",
            "division_id": "530000",
            "payment_class": "01",
            "category": "综合医疗服务类",
            "name": name,
            "description": "指医护人员提供的诊疗服务。",
            "exclusions": "",
            "unit": "次",
            "price": Decimal("10.00"),
        }
        return catalog_entry_save(entry=ServiceItem(**(values | fields)), actor=None)  # type: ignore[return-value]

    return make
