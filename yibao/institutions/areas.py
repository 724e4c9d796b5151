"""The two areas of the hall for designated institutions (Yunnan manual 001 §1.3.2; Beijing
manual 002 §四.1: 常用服务 switches to 医疗机构服务): one for a unit certified as 医疗机构, one for
a unit certified as 零售药店. Each has its own 常用服务 (更多服务) and menu: 信息变更 (the
kind's 信息变更), 待审核业务查询 and 已审核业务查询, all behind the kind's business item."""

from __future__ import annotations

from dataclasses import dataclass

from yibao.units.models import UnitRole


@dataclass(frozen=True)
class Area:
    slug: str  # in the URLs: hall/institutions/<slug>/
    role: UnitRole  # the 角色认证 that opens it
    title: str  # 医疗机构服务
    noun: str  # 医疗机构
    item_code: str  # the business item (and application type) of its 信息变更
    change_name: str  # 定点医疗机构信息变更

    def url_name(self, page: str) -> str:
        return f"institutions:{self.slug}-{page}"

    @property
    def home_url_name(self) -> str:
        return self.url_name("home")


MEDICAL = Area(
    slug="medical",
    role=UnitRole.MEDICAL,
    title="医疗机构服务",
    noun="医疗机构",
    item_code="medins-info-change",
    change_name="定点医疗机构信息变更",
)
PHARMACY = Area(
    slug="pharmacy",
    role=UnitRole.PHARMACY,
    title="零售药店服务",
    noun="零售药店",
    item_code="pharmacy-info-change",
    change_name="定点零售药店信息变更",
)
AREAS = (MEDICAL, PHARMACY)


def area_of_item(item_code: str) -> Area | None:
    return next((area for area in AREAS if area.item_code == item_code), None)
