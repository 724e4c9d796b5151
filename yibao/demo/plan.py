"""What the demo data contains, as plain rows: units, operators, persons, insurance, contributions.

Nothing here touches the database; `seed.py` writes what this module produces. Every random
choice comes from one `random.Random(seed)` (and a Faker seeded from it), so a seed gives the same
data for the same day.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from yibao.demo import DEMO_EMP_NO_PREFIX, DEMO_PSN_NO_PREFIX, SHOWN_UNITS
from yibao.demo.numbers import IdNumberFactory, make_mobile, make_uscc
from yibao.demo.people import REGIONS, NamePool, Region, address_pool, company_name

# Region of the n-th unit for the first units, so that a small run still covers several regions
# and the first two units (which share an operator) are in the same city.
_FIRST_REGIONS = ("kunming", "kunming", "beijing", "zhengzhou", "shanghai", "guangzhou", "chengdu")
# Share of the remaining units per region.
_REGION_WEIGHTS = {
    "kunming": 30,
    "beijing": 20,
    "zhengzhou": 20,
    "shanghai": 10,
    "guangzhou": 10,
    "chengdu": 10,
}
# Unit kinds: USCC department+kind code, emp_type code, share.
_UNIT_KINDS = (("91", "10", 0.86), ("12", "30", 0.09), ("52", "80", 0.05))
PERSONAL_RATE_BP = 200  # 2 % of the base
RETIREE_SHARE = 0.08
PAUSED_SHARE = 0.04
MATERNITY_SHARE = 0.9  # workers who also carry 510
# The 生育保险 (510) part of a region's unit rate, in basis points of the base; employees pay none
# of it. A worker who carries 510 has two contribution rows a month: 310 with the rest of the
# unit rate and the personal 2 %, and 510 with this part (the certificates count both).
MATERNITY_RATE_BP = 80
# The shown units (their logins printed) hold the demo filings of every kind and status: at least
# this many persons each, the first of them retirees (安置退休 files only retirees).
SHOWN_PERSONS = 30
SHOWN_RETIREES = 7
UNIT_LATE_SHARE = 0.25  # units whose last month has not arrived yet
# 用工形式 (emp_fom) codes and shares; codes missing from the code table are dropped.
EMP_FORM_SHARES = (("1", 0.80), ("2", 0.06), ("3", 0.03), ("4", 0.04), ("5", 0.06), ("9", 0.01))


def default_unit_count(persons: int) -> int:
    return min(2000, max(6, persons // 2000))


def ym_of(day: date) -> int:
    return day.year * 100 + day.month


def ym_add(ym: int, months: int) -> int:
    index = (ym // 100) * 12 + (ym % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def ym_first_day(ym: int) -> date:
    return date(ym // 100, ym % 100, 1)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def share_of(base_cents: int, rate_bp: int) -> int:
    """base × rate rounded half up to the cent; exact integer arithmetic."""
    return (base_cents * rate_bp + 5_000) // 10_000


@dataclass(frozen=True)
class Window:
    """The contribution months: `months` months ending with last month."""

    first_ym: int
    last_ym: int
    today: date

    @classmethod
    def ending_last_month(cls, today: date, months: int) -> Window:
        last = ym_add(ym_of(today), -1)
        return cls(first_ym=ym_add(last, -(months - 1)), last_ym=last, today=today)

    def months(self) -> list[int]:
        out = [self.first_ym]
        while out[-1] != self.last_ym:
            out.append(ym_add(out[-1], 1))
        return out


@dataclass
class OperatorPlan:
    name: str
    mobile: str
    cert_no: str
    valid_from: date
    valid_to: date | None
    email: str
    units: list[int] = field(default_factory=list)  # indexes into the unit list


@dataclass
class UnitPlan:
    index: int
    region: Region
    admdvs: str
    county: str
    emp_no: str
    name: str
    uscc: str
    emp_type: str
    address: str
    postcode: str
    legal_rep_name: str
    legal_rep_cert_no: str
    legal_rep_mobile: str
    account: str
    qualification: str
    person_count: int = 0
    late_last_month: bool = False


@dataclass
class DemoPlan:
    units: list[UnitPlan]
    operators: list[OperatorPlan]


class Generator:
    """Draws the demo data. Build units first (`plan_units`), then stream `person_chunks`."""

    def __init__(self, *, seed: int, today: date, months: int, counties: dict[str, list[tuple[str, str]]]):
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today = today
        self.window = Window.ending_last_month(today, months)
        self.counties = counties  # city code → [(county code, county name)]
        self.names = NamePool(self.rng)
        self.ids = IdNumberFactory(self.rng)
        self._addresses: dict[str, list[str]] = {}

    # --- units and operators -------------------------------------------------------------------
    def plan_units(
        self,
        *,
        count: int,
        persons: int,
        taken_accounts: set[str],
        taken_mobiles: set[str],
        showcase_persons: int | None = None,
    ) -> DemoPlan:
        rng = self.rng
        by_key = {r.key: r for r in REGIONS}
        keys = list(_REGION_WEIGHTS)
        weights = list(_REGION_WEIGHTS.values())
        regions = [by_key[k] for k in _FIRST_REGIONS[:count]]
        regions += [by_key[k] for k in rng.choices(keys, weights=weights, k=max(0, count - len(regions)))]

        names: set[str] = set()
        usccs: set[str] = set()
        per_county: dict[str, int] = {}
        units: list[UnitPlan] = []
        for index, region in enumerate(regions):
            admdvs, county = rng.choice(self.counties[region.city_code])
            roll = rng.random()
            kind, emp_type = _UNIT_KINDS[0][:2]
            cumulative = 0.0
            for k, t, share in _UNIT_KINDS:
                cumulative += share
                if roll < cumulative:
                    kind, emp_type = k, t
                    break
            if index == 0:
                kind, emp_type = "91", "10"
            name = company_name(self.fake, rng, kind=kind, city=region.city_short, county=county, taken=names)
            uscc = make_uscc(rng, dept_and_kind=kind, admdvs=admdvs)
            while uscc in usccs:
                uscc = make_uscc(rng, dept_and_kind=kind, admdvs=admdvs)
            usccs.add(uscc)
            per_county[admdvs] = per_county.get(admdvs, 0) + 1
            account = f"dw{admdvs}{per_county[admdvs]:03d}"
            while account in taken_accounts:
                per_county[admdvs] += 1
                account = f"dw{admdvs}{per_county[admdvs]:03d}"
            taken_accounts.add(account)
            male = rng.random() < 0.7
            birth = self._birth_date(rng.randint(35, 62))
            units.append(
                UnitPlan(
                    index=index,
                    region=region,
                    admdvs=admdvs,
                    county=county,
                    emp_no=f"{DEMO_EMP_NO_PREFIX}{admdvs}{index + 1:06d}",
                    name=name,
                    uscc=uscc,
                    emp_type=emp_type,
                    address=self._street_address(region, county),
                    postcode=f"{region.postcode_prefix}{rng.randint(0, 99):02d}",
                    legal_rep_name=self.names.name(male=male),
                    legal_rep_cert_no=self.ids.make(region.province, birth, male=male),
                    legal_rep_mobile=self._mobile(taken=None),
                    account=account,
                    # Most demo units are certified so that operators can work at once.
                    qualification="certified" if index < 2 or rng.random() < 0.85 else "uncertified",
                    late_last_month=index > 0 and rng.random() < UNIT_LATE_SHARE,
                )
            )
        self._assign_persons(units, persons, showcase_persons=showcase_persons)

        operators: list[OperatorPlan] = []
        for unit in units:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                male = rng.random() < 0.4
                birth = self._birth_date(rng.randint(24, 55))
                valid_from = self.today - timedelta(days=rng.randint(200, 3600))
                operators.append(
                    OperatorPlan(
                        name=self.names.name(male=male),
                        mobile=self._mobile(taken=taken_mobiles),
                        cert_no=self.ids.make(unit.region.province, birth, male=male),
                        valid_from=valid_from,
                        # Cards of people over 45 are valid for 20 years, others 10 (长期 from 46).
                        valid_to=None if self.today.year - birth.year >= 46 else _add_years(valid_from, 10),
                        email=f"{self.fake.user_name()}{rng.randint(1, 999)}@{rng.choice(_MAIL_DOMAINS)}",
                        units=[unit.index],
                    )
                )
        # An accountant who acts for two units (DESIGN §1): the first operator of unit 0 also
        # serves unit 1.
        if len(units) > 1:
            operators[0].units.append(1)
        return DemoPlan(units=units, operators=operators)

    def _assign_persons(
        self, units: list[UnitPlan], persons: int, *, showcase_persons: int | None = None
    ) -> None:
        """Spread persons over units with a skewed size distribution; every unit gets one if it can.
        `showcase_persons`: the exact size of the first (showcase) unit, the rest spread as usual."""
        rng = self.rng
        if showcase_persons is not None and len(units) > 1:
            first = min(showcase_persons, persons)
            self._assign_persons(units[1:], persons - first)
            units[0].person_count = first
            return
        weights = [math.exp(rng.gauss(0.0, 1.0)) for _ in units]
        weights[0] = max(weights) * 1.2 if len(units) > 1 else weights[0]  # the showcase unit is big
        floor = 1 if persons >= len(units) else 0
        spare = persons - floor * len(units)
        total = sum(weights)
        exact = [spare * w / total for w in weights]
        counts = [int(x) for x in exact]
        remainder = spare - sum(counts)
        for i in sorted(range(len(units)), key=lambda i: exact[i] - counts[i], reverse=True)[:remainder]:
            counts[i] += 1
        counts = [count + floor for count in counts]
        _shown_filled(units, counts)
        for unit, count in zip(units, counts, strict=True):
            unit.person_count = count

    # --- persons -------------------------------------------------------------------------------
    def person_chunks(
        self,
        units: list[UnitPlan],
        unit_ids: list[int],
        *,
        first_person_id: int,
        first_insurance_id: int,
        chunk_size: int,
        stamp: str,
        emp_forms: list[str],
    ) -> Iterator[PersonChunk]:
        """Rows for persons, their insurance and their contribution sources, in chunks."""
        rng = self.rng
        random_ = rng.random
        window = self.window
        today_ord = self.today.toordinal()
        last_month_start = ym_first_day(window.last_ym).toordinal()
        form_codes = [c for c, _ in EMP_FORM_SHARES if c in emp_forms] or emp_forms[:1] or ["1"]
        form_weights = [w for c, w in EMP_FORM_SHARES if c in form_codes] or [1.0]
        form_cum = _cumulative(form_weights)
        chunk = PersonChunk()
        person_id = first_person_id
        insurance_id = first_insurance_id
        for unit, unit_id in zip(units, unit_ids, strict=True):
            region = unit.region
            addresses = self._address_pool(region)
            floor_cents = region.average_wage * 60  # 60 % of the average, in cents
            cap_cents = region.average_wage * 300
            minorities = region.minorities
            psn_prefix = f"{DEMO_PSN_NO_PREFIX}{unit.admdvs}"
            retirees_first = SHOWN_RETIREES if unit.index < SHOWN_UNITS else 0
            for number in range(unit.person_count):
                male = random_() < 0.52
                retiree = random_() < RETIREE_SHARE or number < retirees_first
                if retiree:
                    age = (60 if male else 55) + int(random_() * 18)
                else:
                    # Working ages 18–60 (women to 55), most between 25 and 50.
                    top = 60 if male else 55
                    age = min(top - 1, max(18, int(rng.triangular(18, top, 34))))
                birth_ord = today_ord - int((age + random_()) * 365.2425)
                birth = date.fromordinal(birth_ord)
                cert_no = self.ids.make(region.province, birth, male=male)
                # First job at 18–24, never later than the start of last month.
                work_age = 18 + random_() * min(6.0, max(0.0, age - 18))
                first_work_ord = min(birth_ord + int(work_age * 365.2425), last_month_start)
                first_work = date.fromordinal(first_work_ord)
                if retiree:
                    retire_ord = birth_ord + int((60 if male else 50) * 365.2425)
                    start_ord = first_work_ord + int(random_() * max(1, retire_ord - first_work_ord))
                else:
                    start_ord = first_work_ord + int(random_() * max(1, last_month_start - first_work_ord))
                start = date.fromordinal(start_ord)
                start_ym = ym_of(start)
                first_insured_ym = min(ym_add(ym_of(first_work), int(random_() * 6)), start_ym)
                paused = not retiree and random_() < PAUSED_SHARE and today_ord - start_ord > 90
                pause: date | None = None
                if paused:
                    low = max(start_ord + 60, today_ord - 365)
                    pause = date.fromordinal(low + int(random_() * max(1, today_ord - 1 - low)))
                base = int(region.average_wage * 100 * math.exp(rng.gauss(0.0, 0.42)))
                base = min(cap_cents, max(floor_cents, base))
                psn_no = f"{psn_prefix}{person_id:010d}"
                nation = "01" if random_() < 0.93 else minorities[int(random_() * len(minorities))]
                mobile = make_mobile(rng)
                chunk.persons.append(
                    (
                        person_id, stamp, stamp, psn_no, "01", cert_no, self.names.name(male=male),
                        "1" if male else "2", birth.isoformat(), nation, "CHN", mobile,
                        addresses[int(random_() * len(addresses))], first_work.isoformat(), "1",
                    )
                )  # fmt: skip
                status = "2" if paused else "1"
                psn_type = "1201" if retiree else "1101"
                emp_form = form_codes[min(_pick(form_cum, random_()), len(form_codes) - 1)]
                start_iso = start.isoformat()
                pause_iso = pause.isoformat() if pause else None
                base_text = money(base)
                chunk.insurances.append(
                    (
                        insurance_id, stamp, stamp, person_id, unit_id, "310", status, psn_type, emp_form,
                        start_iso, pause_iso, first_insured_ym, base_text,
                    )
                )  # fmt: skip
                insurance_id += 1
                maternity = not retiree and random_() < MATERNITY_SHARE
                if maternity:
                    chunk.insurances.append(
                        (
                            insurance_id, stamp, stamp, person_id, unit_id, "510", status, psn_type,
                            emp_form, start_iso, pause_iso, first_insured_ym, base_text,
                        )
                    )  # fmt: skip
                    insurance_id += 1
                if not retiree:
                    first_ym = max(window.first_ym, start_ym)
                    last_ym = ym_add(ym_of(pause), -1) if pause else window.last_ym
                    if first_ym <= last_ym:
                        # Last year's base: this year's average wage is ~5 % above last year's,
                        # so the same share of it keeps within last year's 60 %–300 % bounds.
                        prev = base * 95 // 100
                        medical_bp = region.unit_rate_bp - (MATERNITY_RATE_BP if maternity else 0)
                        maternity_bp = MATERNITY_RATE_BP if maternity else 0
                        chunk.sources.append(
                            (
                                person_id, unit_id, first_ym, last_ym, 1 if unit.late_last_month else 0,
                                base_text, money(share_of(base, medical_bp)),
                                money(share_of(base, PERSONAL_RATE_BP)), money(prev),
                                money(share_of(prev, medical_bp)),
                                money(share_of(prev, PERSONAL_RATE_BP)), 1 if maternity else 0,
                                money(share_of(base, maternity_bp)), money(share_of(prev, maternity_bp)),
                            )
                        )  # fmt: skip
                        months = _months_between(first_ym, last_ym)
                        chunk.contribution_rows += months * (2 if maternity else 1)
                person_id += 1
                if len(chunk.persons) >= chunk_size:
                    yield chunk
                    chunk = PersonChunk()
        if chunk.persons:
            yield chunk

    # --- helpers -------------------------------------------------------------------------------
    def _birth_date(self, age: int) -> date:
        return date.fromordinal(self.today.toordinal() - int((age + self.rng.random()) * 365.2425))

    def _mobile(self, *, taken: set[str] | None) -> str:
        mobile = make_mobile(self.rng)
        while taken is not None and mobile in taken:
            mobile = make_mobile(self.rng)
        if taken is not None:
            taken.add(mobile)
        return mobile

    def _street_address(self, region: Region, county: str) -> str:
        return address_pool(self.fake, self.rng, prefix=region.address_prefix, counties=[county], size=1)[0]

    def _address_pool(self, region: Region) -> list[str]:
        pool = self._addresses.get(region.key)
        if pool is None:
            names = [name for _, name in self.counties[region.city_code]]
            pool = address_pool(self.fake, self.rng, prefix=region.address_prefix, counties=names, size=3000)
            self._addresses[region.key] = pool
        return pool


@dataclass
class PersonChunk:
    persons: list[tuple[object, ...]] = field(default_factory=list)
    insurances: list[tuple[object, ...]] = field(default_factory=list)
    sources: list[tuple[object, ...]] = field(default_factory=list)
    contribution_rows: int = 0


_MAIL_DOMAINS = ("163.com", "126.com", "qq.com", "sina.com", "foxmail.com")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _shown_filled(units: list[UnitPlan], counts: list[int]) -> None:
    """Give each shown unit at least SHOWN_PERSONS persons, taken from the largest units (which
    keep their own minimum), as far as the persons go."""

    def least(i: int) -> int:
        return SHOWN_PERSONS if units[i].index < SHOWN_UNITS else 1

    for i, unit in enumerate(units):
        if unit.index >= SHOWN_UNITS:
            continue
        while counts[i] < SHOWN_PERSONS:
            donor = max(range(len(units)), key=lambda j: counts[j] - least(j))
            spare = counts[donor] - least(donor)
            if donor == i or spare <= 0:
                return
            moved = min(spare, SHOWN_PERSONS - counts[i])
            counts[donor] -= moved
            counts[i] += moved


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return [x / total for x in out]


def _pick(cumulative: list[float], roll: float) -> int:
    for i, edge in enumerate(cumulative):
        if roll < edge:
            return i
    return len(cumulative) - 1


def _months_between(first_ym: int, last_ym: int) -> int:
    return (last_ym // 100 - first_ym // 100) * 12 + (last_ym % 100 - first_ym % 100) + 1
