"""Rows for the demo catalogues and for the search benchmark, in the loader's row format.

Everything is derived from fixed seeds, so the same call gives the same rows: seeding again
changes nothing, and the benchmark rows are the same on every machine.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from yibao.catalog.demo.samples import (
    CITY_OVERRIDES,
    DEMO_CITIES,
    DEMO_PROVINCES,
    GENERICS,
    GIVEN_NAMES,
    MANUFACTURERS,
    PHARMACY_CHAINS,
    PRICE_FACTORS,
    ROADS,
    SERVICE_ITEMS,
    STREETS,
    SURNAMES,
    TOWNS,
    Generic,
)
from yibao.catalog.models import Institution
from yibao.catalog.regions import region_full_name, region_index

Row = dict[str, Any]
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
MEDICAL = Institution.ServiceType


# --- numbers ---------------------------------------------------------------------------------


def make_uscc(rng: random.Random, *, authority_and_kind: str, admdvs: str) -> str:
    """A 统一社会信用代码 that passes both check characters (organisation code and USCC)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    check = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    first17 = authority_and_kind + admdvs + org
    return first17 + stdnum_uscc.calc_check_digit(first17)


def make_mobile(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def make_landline(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(6000_0000 if len(area) == 3 else 6000_000, 6999_9999)}"


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


# --- drugs -------------------------------------------------------------------------------------


def _drug_products() -> Iterator[tuple[int, Generic, int, Any, int, str]]:
    """(generic index, generic, form index, form, spec index, spec) for every product."""
    for g_index, generic in enumerate(GENERICS):
        for f_index, (form, specs) in enumerate(generic.forms):
            for s_index, spec in enumerate(specs):
                yield g_index, generic, f_index, form, s_index, spec


def _drug_row(
    g_index: int, generic: Generic, form: Any, s_index: int, spec: str, enterprise: int, maker: str
) -> Row:
    name_code = f"{'ABCDEFGH'[g_index // 100]}{g_index % 100:03d}"
    if generic.tcm:
        code = f"Z{generic.atc}{name_code}{form.code[0]}{form.code[2:]}{s_index:02d}{enterprise:05d}"
        approval = f"国药准字Z{20000000 + (g_index * 7919 + enterprise * 104729) % 9999999}"
    else:
        code = f"X{generic.atc}{name_code}{form.code}{s_index:02d}01{enterprise:05d}"
        approval = f"国药准字H{20000000 + (g_index * 7919 + enterprise * 104729) % 9999999}"
    return {
        "code": code,
        "name": f"{form.prefix}{generic.name}{form.suffix}",
        "dosage_form": form.name,
        "spec": spec,
        "manufacturer": maker,
        "approval_no": approval,
        "category": generic.category,
        "payment_limit": generic.limit,
    }


def demo_drug_rows() -> list[Row]:
    """A few hundred drugs: every product of GENERICS from two or three demo manufacturers."""
    rows = []
    for g_index, generic, _f, form, s_index, spec in _drug_products():
        rng = random.Random(f"drug:{g_index}:{form.code}:{s_index}")
        makers = rng.sample(range(len(MANUFACTURERS)), k=rng.choice((2, 2, 3)))
        rows += [
            _drug_row(g_index, generic, form, s_index, spec, enterprise + 1, MANUFACTURERS[enterprise])
            for enterprise in sorted(makers)
        ]
    return rows


def bench_drug_rows(count: int) -> list[Row]:
    """`count` drugs for the benchmark: the demo products made by numbered manufacturers."""
    products = list(_drug_products())
    rows: list[Row] = []
    for enterprise in itertools.count(1001):
        for g_index, generic, _f, form, s_index, spec in products:
            if len(rows) == count:
                return rows
            base = MANUFACTURERS[enterprise % len(MANUFACTURERS)].removesuffix("有限公司")
            maker = f"{base}第{enterprise}分公司"
            rows.append(_drug_row(g_index, generic, form, s_index, spec, enterprise, maker))
    return rows


# --- institutions and pharmacies -------------------------------------------------------------


def _counties(city: str) -> list[str]:
    children = [code for code, _ in region_index().children.get(city, [])]
    return children or [city]


def _short(code: str) -> str:
    return region_index().names.get(code, "")


def _city_label(city: str) -> str:
    index = region_index()
    name = index.names.get(city, "")
    if name in {"市辖区", "县"}:
        return index.names.get(index.parents[city] or "", "")
    return name


def _institution(
    rng: random.Random,
    *,
    code: str,
    name: str,
    admdvs: str,
    area: str,
    service_type: str,
    hosp_lv: str,
    kind: str,
) -> Row:
    pharmacy = kind == Institution.Type.PHARMACY
    begin = datetime.date(2015 + rng.randint(0, 9), rng.randint(1, 12), 1)
    return {
        "code": code,
        "fixmedins_type": kind,
        "name": name,
        "uscc": make_uscc(rng, authority_and_kind="91" if pharmacy else "12", admdvs=admdvs),
        "division_id": admdvs,
        "service_type": service_type,
        "hosp_lv": hosp_lv,
        "address": f"{region_full_name(admdvs)}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
        "tel": make_landline(rng, area),
        "hi_resper_name": make_name(rng),
        "hi_resper_tel": make_mobile(rng),
        "fix_onln_open_flag": rng.random() < 0.85,
        "begntime": begin,
        "endtime": None if rng.random() < 0.7 else begin.replace(year=begin.year + 5),
        "memo": "",
    }


def demo_institution_rows() -> tuple[list[Row], list[Row]]:
    """(medical institutions, pharmacies) of the demo cities."""
    medical: list[Row] = []
    pharmacies: list[Row] = []
    for city, area in DEMO_CITIES:
        city_name = _city_label(city)
        counties = _counties(city)
        seat = counties[0]
        city_hospitals: tuple[tuple[str, str, str], ...] = (
            (f"{city_name}第一人民医院", MEDICAL.GENERAL_HOSPITAL, "02"),
            (f"{city_name}中医医院", MEDICAL.TCM_HOSPITAL, "02"),
            (f"{city_name}第二人民医院", MEDICAL.GENERAL_HOSPITAL, "03"),
            (f"{city_name}妇幼保健院", MEDICAL.MATERNAL_CHILD, "03"),
        )
        for seq, (name, service_type, level) in enumerate(city_hospitals, start=1):
            code = f"H{seat}{seq:05d}"
            medical.append(
                _institution(
                    random.Random(code), code=code, name=name, admdvs=seat, area=area,
                    service_type=service_type, hosp_lv=level, kind=Institution.Type.MEDICAL,
                )
            )  # fmt: skip
        for county in counties:
            county_name = _short(county)
            rng = random.Random(f"county:{county}")
            district = county_name.endswith("区")
            local: list[tuple[str, str, str]] = [
                (
                    f"{city_name}{county_name}人民医院",
                    MEDICAL.GENERAL_HOSPITAL,
                    rng.choice(("05", "05", "06")),
                ),
                (f"{city_name}{county_name}中医医院", MEDICAL.TCM_HOSPITAL, rng.choice(("05", "06"))),
            ]
            for street in rng.sample(STREETS, k=2):
                if district:
                    local.append(
                        (f"{county_name}{street}街道社区卫生服务中心", MEDICAL.COMMUNITY_CENTRE, "08")
                    )
                else:
                    local.append((f"{county_name}{rng.choice(TOWNS)}卫生院", MEDICAL.TOWNSHIP_CENTRE, "09"))
            local.append((f"{county_name}{rng.choice(SURNAMES)}氏中医诊所", MEDICAL.CLINIC, "11"))
            for seq, (name, service_type, level) in enumerate(local, start=11):
                code = f"H{county}{seq:05d}"
                medical.append(
                    _institution(
                        random.Random(code), code=code, name=name, admdvs=county, area=area,
                        service_type=service_type, hosp_lv=level, kind=Institution.Type.MEDICAL,
                    )
                )  # fmt: skip
            chains = rng.sample(PHARMACY_CHAINS, k=2)
            shops = [
                (f"{chain}（{county_name}{rng.choice(STREETS)}店）", MEDICAL.CHAIN_PHARMACY)
                for chain in chains
            ]
            shops.append(
                (f"{county_name}{rng.choice(ROADS)}{rng.choice(SURNAMES)}氏药店", MEDICAL.SINGLE_PHARMACY)
            )
            for seq, (name, service_type) in enumerate(shops, start=1):
                code = f"P{county}{seq:05d}"
                pharmacies.append(
                    _institution(
                        random.Random(code), code=code, name=name, admdvs=county, area=area,
                        service_type=service_type, hosp_lv="11", kind=Institution.Type.PHARMACY,
                    )
                )  # fmt: skip
    return medical, pharmacies


def bench_institution_rows(count: int) -> tuple[list[Row], list[Row]]:
    """`count` institutions for the benchmark (three in five medical), spread over every county."""
    index = region_index()
    counties = [
        code
        for province, _ in index.children.get(None, [])
        for city, _ in index.children.get(province, [])
        for code in _counties(city)
    ]
    medical: list[Row] = []
    pharmacies: list[Row] = []
    names: tuple[tuple[str, str, str], ...] = (
        ("人民医院", MEDICAL.GENERAL_HOSPITAL, "05"),
        ("中医医院", MEDICAL.TCM_HOSPITAL, "06"),
        ("社区卫生服务中心", MEDICAL.COMMUNITY_CENTRE, "08"),
    )
    for number in range(count):
        county = counties[number % len(counties)]
        seq = 50000 + number // len(counties)
        rng = random.Random(f"bench:{number}")
        county_name = _short(county)
        if number % 5 < 3:
            suffix, service_type, level = names[number % 5]
            code = f"H{county}{seq:05d}"
            name = f"{county_name}{rng.choice(STREETS)}{suffix}"
            medical.append(
                _institution(
                    rng, code=code, name=name, admdvs=county, area="0000", service_type=service_type,
                    hosp_lv=level, kind=Institution.Type.MEDICAL,
                )
            )  # fmt: skip
        else:
            code = f"P{county}{seq:05d}"
            name = f"{rng.choice(PHARMACY_CHAINS)}（{county_name}{rng.choice(STREETS)}店）"
            pharmacies.append(
                _institution(
                    rng, code=code, name=name, admdvs=county, area="0000",
                    service_type=MEDICAL.CHAIN_PHARMACY, hosp_lv="11", kind=Institution.Type.PHARMACY,
                )
            )  # fmt: skip
    return medical, pharmacies


# --- agencies ------------------------------------------------------------------------------------


def demo_agency_rows() -> list[Row]:
    rows = []
    area_of = dict(DEMO_CITIES)
    hours = "工作日 上午9:00—12:00，下午13:30—17:00（法定节假日除外）"
    for province in DEMO_PROVINCES:
        rng = random.Random(f"agency:{province}")
        capital, area = next((c, a) for c, a in DEMO_CITIES if c.startswith(province[:2]))
        rows.append(
            {
                "code": f"{province}01",
                "name": f"{_short(province)}医疗保障事业管理中心",
                "division_id": province,
                "address": f"{region_full_name(_counties(capital)[0])}{rng.choice(ROADS)}"
                f"{rng.randint(1, 300)}号",
                "phone": f"{make_landline(rng, area)}，12393",
                "office_hours": hours,
                "postcode": "",
            }
        )
    for city, area in DEMO_CITIES:
        rng = random.Random(f"agency:{city}")
        city_name = _city_label(city)
        if _short(city) not in {"", "市辖区"}:
            rows.append(
                {
                    "code": f"{city}01",
                    "name": f"{city_name}医疗保障事业管理中心",
                    "division_id": city,
                    "address": f"{region_full_name(city)}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                    "phone": make_landline(rng, area),
                    "office_hours": hours,
                    "postcode": "",
                }
            )
        for county in _counties(city):
            rng = random.Random(f"agency:{county}")
            rows.append(
                {
                    "code": f"{county}01",
                    "name": f"{_short(county)}医疗保障服务中心",
                    "division_id": county,
                    "address": f"{region_full_name(county)}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
                    f"政务服务中心{rng.randint(1, 3)}楼",
                    "phone": make_landline(rng, area_of[city]),
                    "office_hours": hours
                    if rng.random() < 0.7
                    else "周一至周六 上午8:30—12:00，下午14:00—17:30",
                    "postcode": "",
                }
            )
    return rows


# --- service items -------------------------------------------------------------------------------


def demo_service_item_rows() -> list[Row]:
    cent = Decimal("0.01")
    rows = [
        _service_item(item, province, (Decimal(item.price) * Decimal(PRICE_FACTORS[province])).quantize(cent))
        for province in DEMO_PROVINCES
        for item in SERVICE_ITEMS
    ]
    for city in CITY_OVERRIDES:  # the cities set their own bed fees
        factor = Decimal(PRICE_FACTORS[city[:2] + "0000"]) * Decimal("1.10")
        rows += [
            _service_item(item, city, (Decimal(item.price) * factor).quantize(cent))
            for item in SERVICE_ITEMS[3:6]
        ]
    return rows


def _service_item(item: Any, admdvs: str, price: Decimal) -> Row:
    return {
        "code": f"00{item.code9}{item.suffix}",
        "division_id": admdvs,
        "payment_class": item.payment_class,
        "category": item.category,
        "name": item.name,
        "description": item.description,
        "exclusions": item.exclusions,
        "unit": item.unit,
        "price": price,
    }
