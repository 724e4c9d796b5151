"""Names, addresses and company names for demo data, drawn from Faker's zh_CN provider data.

Faker is called a few thousand times to fill pools; the million-row paths only sample from them.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider


@dataclass(frozen=True)
class Region:
    """A city where demo units are registered, with the figures their contributions use.

    The average wages and unit rates are round illustrative figures for demo data, not the
    published local values.
    """

    key: str
    city_code: str  # prefecture-level division, e.g. 530100
    city_short: str  # as it starts a company name
    address_prefix: str  # province and city as an address starts
    postcode_prefix: str
    average_wage: int  # monthly, yuan, for the current contribution year
    unit_rate_bp: int  # unit contribution rate for 310 (maternity included), in basis points
    # 民族 other than 汉族 seen in the region's workforce (GB/T 3304 codes).
    minorities: tuple[str, ...] = ("03", "11", "02", "15")

    @property
    def province(self) -> str:
        return self.city_code[:2]


REGIONS: tuple[Region, ...] = (
    Region(
        "kunming", "530100", "昆明", "云南省昆明市", "6500", 8_000, 750, ("07", "14", "16", "18", "03", "06")
    ),
    Region("beijing", "110100", "北京", "北京市", "1000", 11_800, 800),
    Region("zhengzhou", "410100", "郑州", "河南省郑州市", "4500", 7_300, 700),
    Region("shanghai", "310100", "上海", "上海市", "2000", 12_300, 800),
    Region("guangzhou", "440100", "广州", "广东省广州市", "5100", 10_800, 650, ("08", "13", "15", "03")),
    Region("chengdu", "510100", "成都", "四川省成都市", "6100", 8_600, 750, ("07", "04", "15", "03")),
)


class NamePool:
    """Chinese names: a surname by Faker's frequency weights and one or two given characters."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        surnames = PersonProvider.last_names
        self._surnames = list(surnames)
        self._surname_cum = list(itertools.accumulate(float(w) for w in surnames.values()))
        male = list(PersonProvider.first_names_male)
        female = list(PersonProvider.first_names_female)
        self._given = {True: male, False: female}
        self._single = {True: [n for n in male if len(n) == 1], False: [n for n in female if len(n) == 1]}

    def surname(self) -> str:
        rng = self._rng
        cum = self._surname_cum
        index = min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)
        return self._surnames[index]

    def name(self, *, male: bool) -> str:
        rng = self._rng
        if rng.random() < 0.55:
            singles = self._single[male]
            given = singles[int(rng.random() * len(singles))] + singles[int(rng.random() * len(singles))]
        else:
            names = self._given[male]
            given = names[int(rng.random() * len(names))]
        return self.surname() + given


def address_pool(
    fake: Faker, rng: random.Random, *, prefix: str, counties: list[str], size: int
) -> list[str]:
    """`size` street addresses in the given counties, e.g. «昆明市五华区高路118号3栋2单元602室».

    Faker names a few hundred streets; numbers and flats are drawn here, which is ~50 times faster.
    """
    streets = [fake.street_name() for _ in range(min(size, 300))]
    pool: list[str] = []
    for _ in range(size):
        county = counties[int(rng.random() * len(counties))]
        street = streets[int(rng.random() * len(streets))]
        number = rng.randint(1, 999)
        if rng.random() < 0.75:
            flat = (
                f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 32)}{rng.randint(1, 4):02d}室"
            )
        else:
            flat = ""
        pool.append(f"{prefix}{county}{street}{number}号{flat}")
    return pool


# Lines of business, to vary Faker's four company suffixes.
_ENTERPRISE_SUFFIXES = (
    "科技有限公司", "信息技术有限公司", "网络科技有限公司", "建设工程有限公司", "建筑劳务有限公司",
    "物流有限公司", "商贸有限公司", "餐饮管理有限公司", "物业服务有限公司", "医药连锁有限公司",
    "机械制造有限公司", "食品有限公司", "电子商务有限公司", "文化传媒有限公司", "环保科技有限公司",
    "房地产开发有限公司", "酒店管理有限公司", "汽车销售服务有限公司", "人力资源服务有限公司",
    "农业发展有限公司", "生物科技股份有限公司", "电力工程有限公司", "会计服务有限公司",
)  # fmt: skip
_PUBLIC_BODIES = (
    "{city}市{county}人民医院", "{city}市{county}第{n}中学", "{city}市{county}第{n}小学",
    "{city}市{county}疾病预防控制中心", "{city}市{county}妇幼保健院", "{city}市{county}图书馆",
)  # fmt: skip
_PRIVATE_NON_PROFIT = (
    "{city}市{county}{prefix}职业培训学校", "{city}市{county}{prefix}养老服务中心",
    "{city}市{county}{prefix}幼儿园",
)  # fmt: skip


def company_name(
    fake: Faker, rng: random.Random, *, kind: str, city: str, county: str, taken: set[str]
) -> str:
    """A unit name not in `taken`. `kind` is the USCC department+kind code: 91, 12 or 52."""
    county_short = county.removesuffix("区").removesuffix("县") if len(county) > 2 else county
    for attempt in range(50):
        if kind == "12":
            template = rng.choice(_PUBLIC_BODIES)
            name = template.format(city=city, county=county_short, n=_ordinal(rng.randint(1, 12)))
        elif kind == "52":
            template = rng.choice(_PRIVATE_NON_PROFIT)
            name = template.format(city=city, county=county_short, prefix=fake.company_prefix())
        else:
            suffix = fake.company_suffix() if rng.random() < 0.25 else rng.choice(_ENTERPRISE_SUFFIXES)
            name = f"{city}{fake.company_prefix()}{suffix}"
        if attempt > 20:
            name = f"{name}（{county_short}分公司）" if kind == "91" else f"{name}{attempt}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not find an unused unit name")


def _ordinal(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    return "十" + digits[n - 10]
