"""`manage.py seed_demo`: valid identifiers, consistent rows, idempotence, logins, reset."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from yibao.accounts.models import User
from yibao.cases.models import Application
from yibao.contributions.models import Contribution
from yibao.core.profiles import PROFILES
from yibao.core.validators.passwords import ProfilePasswordValidator
from yibao.demo import DEMO_PASSWORD
from yibao.demo.numbers import id_check_char, make_uscc, org_code_check_char, uscc_check_char
from yibao.demo.people import REGIONS
from yibao.demo.plan import Generator, Window, ym_add, ym_of
from yibao.enrollment.models import Insurance, Person
from yibao.filings.models import Filing
from yibao.notices.models import Notice
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

PERSONS = 300
CENT = Decimal("0.01")
MONTHS = 24


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--persons", str(PERSONS), "--months", str(MONTHS), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "units": Unit.objects.count(),
        "operators": Operator.objects.count(),
        "bindings": Binding.objects.count(),
        "persons": Person.objects.count(),
        "insurance": Insurance.objects.count(),
        "contributions": Contribution.objects.count(),
        "notices": Notice.objects.count(),
        "filings": Filing.objects.count(),
        "applications": Application.objects.count(),
    }


@pytest.fixture
def seeded(db: Any) -> str:
    return seed()


# --- check characters ------------------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_char_matches_stdnum(first17: str) -> None:
    assert id_check_char(first17) == ric.calc_check_digit(first17 + "0")


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_uscc_check_char_matches_stdnum(first17: str) -> None:
    assert uscc_check_char(first17) == uscc.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    "code", ["91350200776049653A", "91440101MA5CJQ4N59", "91350213678251743X", "12530000431204582D"]
)
def test_check_chars_of_published_codes(code: str) -> None:
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


def test_made_usccs_carry_both_check_chars() -> None:
    import random

    rng = random.Random(7)
    for kind in ("91", "12", "52"):
        for _ in range(200):
            code = make_uscc(rng, dept_and_kind=kind, admdvs="530102")
            assert uscc.validate(code) == code
            assert org_code_check_char(code[8:16]) == code[16]


# --- the load --------------------------------------------------------------------------------


def test_units_have_valid_codes_and_regions(seeded: str) -> None:
    from yibao.demo.institution_units import institution_units

    hospital_and_pharmacy = institution_units()
    assert len(hospital_and_pharmacy) == 2
    units = [unit for unit in Unit.objects.all() if unit not in hospital_and_pharmacy]
    assert len(units) == 6
    for unit in units:
        assert uscc.validate(unit.uscc) == unit.uscc
        assert org_code_check_char(unit.uscc[8:16]) == unit.uscc[16]
        assert unit.uscc[2:8] == unit.division_id
        assert ric.validate(unit.legal_rep_cert_no)
        assert len(unit.legal_rep_mobile) == 11
        assert unit.account is not None
        assert unit.account.kind == User.Kind.UNIT
        assert unit.account.username.startswith("dw")
        assert unit.account.username.isalnum()
    assert {u.division_id[:4] for u in units} >= {"5301", "1101", "4101"}
    assert len({u.uscc for u in units}) == len(units)


def test_persons_have_valid_unique_ids(seeded: str) -> None:
    persons = list(Person.objects.values_list("cert_no", "gender", "birth_date", "psn_no", "name", "nation"))
    assert len(persons) == PERSONS
    assert len({p[0] for p in persons}) == PERSONS
    assert len({p[3] for p in persons}) == PERSONS
    for cert_no, gender, birth_date, _, name, nation in persons:
        assert ric.validate(cert_no) == cert_no
        assert ric.get_birth_date(cert_no) == birth_date
        assert gender == ("1" if int(cert_no[16]) % 2 else "2")
        assert 2 <= len(name) <= 4
        assert len(nation) == 2
    nations = Counter(p[5] for p in persons)
    assert nations["01"] > PERSONS * 0.8


def test_person_ids_come_from_the_units_province(seeded: str) -> None:
    rows = Insurance.objects.filter(insutype="310").values_list("person__cert_no", "unit__division_id")
    assert {cert[:2] == division[:2] for cert, division in rows} == {True}


def test_insurance_rows(seeded: str) -> None:
    by_type = Counter(Insurance.objects.values_list("insutype", flat=True))
    assert by_type["310"] == PERSONS
    assert 0 < by_type["510"] < PERSONS
    retirees = Insurance.objects.filter(insutype="310", psn_type="1201")
    assert retirees.exists()
    assert not Insurance.objects.filter(insutype="510", psn_type="1201").exists()
    paused = Insurance.objects.filter(status=Insurance.Status.PAUSED)
    assert paused.exists()
    assert not paused.filter(pause_date=None).exists()
    assert not Insurance.objects.filter(status=Insurance.Status.ACTIVE).exclude(pause_date=None).exists()
    for row in Insurance.objects.select_related("unit"):
        assert row.first_insured_ym <= ym_of(row.start_date)


def test_contribution_months_and_amounts(seeded: str) -> None:
    window = Window.ending_last_month(timezone.localdate(), MONTHS)
    counts = {
        (person, insutype): n
        for person, insutype, n in Contribution.objects.values_list("person_id", "insutype")
        .annotate(n=Count("id"))
        .values_list("person_id", "insutype", "n")
    }
    active = Insurance.objects.filter(psn_type="1101", status=Insurance.Status.ACTIVE)
    assert active.filter(insutype="310").exists() and active.filter(insutype="510").exists()
    full = 0
    for row in active:
        first = max(window.first_ym, ym_of(row.start_date))
        expected = (window.last_ym // 100 - first // 100) * 12 + window.last_ym % 100 - first % 100 + 1
        # issue 20 item 14: every 险种 a worker carries is paid, not 310 alone (certificates
        # printed 生育保险 0 months)
        assert counts[(row.person_id, row.insutype)] == expected
        full += expected == MONTHS
    # Most workers joined their unit before the window; recent joiners pay from their first month.
    assert full > active.count() * 0.7
    insured = set(Insurance.objects.values_list("person_id", "insutype"))
    assert set(counts) <= insured  # no contribution of a 险种 the person lacks
    for row in Insurance.objects.filter(status=Insurance.Status.PAUSED):
        last = ym_add(ym_of(row.pause_date), -1)  # type: ignore[arg-type]
        assert not Contribution.objects.filter(person_id=row.person_id, period__gt=last).exists()
    retirees = Insurance.objects.filter(insutype="310", psn_type="1201").values_list("person_id", flat=True)
    assert not Contribution.objects.filter(person_id__in=retirees).exists()

    periods = set(Contribution.objects.values_list("period", flat=True))
    assert periods == set(window.months())
    maternity = {
        (c.person_id, c.period): c for c in Contribution.objects.filter(insutype="510").select_related("unit")
    }
    for c in Contribution.objects.filter(insutype="310").select_related("unit")[:500]:
        assert c.personal_amount == (c.base * 2 / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        paired = maternity.get((c.person_id, c.period))
        unit_amount = c.unit_amount + (paired.unit_amount if paired else 0)
        assert c.base * 6 / 100 <= unit_amount <= c.base * 8 / 100 + 2 * CENT  # the region's rate
        if paired is not None:  # the unit's 0.8 % for 生育保险, nothing of the employee
            assert paired.unit_amount == (c.base * Decimal("0.008")).quantize(CENT, rounding=ROUND_HALF_UP)
            assert (paired.base, paired.personal_amount, paired.arrival) == (c.base, 0, c.arrival)
        assert (c.arrival == Contribution.Arrival.ARRIVED) == (c.arrival_date is not None)
    assert not Contribution.objects.exclude(period=window.last_ym).filter(arrival="0").exists()


def test_bases_within_regional_bounds(seeded: str) -> None:
    from yibao.demo.people import REGIONS

    wages = {r.city_code[:4]: r.average_wage for r in REGIONS}
    for row in Insurance.objects.select_related("unit"):
        wage = wages[row.unit.division_id[:4]]
        assert wage * 0.6 <= row.base <= wage * 3


def test_operator_bound_to_two_units(seeded: str) -> None:
    per_operator = Counter(Binding.objects.values_list("operator_id", flat=True))
    multi = [op for op, n in per_operator.items() if n == 2]
    assert len(multi) == 1
    operator = Operator.objects.get(pk=multi[0])
    assert operator.user.username == operator.mobile
    assert operator.user.kind == User.Kind.OPERATOR
    assert ric.validate(operator.cert_no)
    for unit in Unit.objects.all():
        assert 1 <= unit.bindings.count() <= 4


def test_demo_users_log_in_with_the_demo_password(seeded: str) -> None:
    request = RequestFactory().post("/")
    admin = authenticate(request, username="admin", password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff
    reviewer = authenticate(request, username="shenhe01", password=DEMO_PASSWORD)
    assert reviewer is not None and reviewer.is_staff and not reviewer.is_superuser
    unit = Unit.objects.order_by("id").select_related("account").first()
    assert unit is not None and unit.account is not None
    assert authenticate(request, username=unit.account.username, password=DEMO_PASSWORD) == unit.account
    operator = Operator.objects.order_by("id").first()
    assert operator is not None
    assert authenticate(request, username=operator.mobile, password=DEMO_PASSWORD) == operator.user
    # One hash for everybody.
    assert User.objects.values("password").distinct().count() == 1


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_demo_password_fits_every_profile(profile: str) -> None:
    ProfilePasswordValidator(profile).validate(DEMO_PASSWORD)


def test_output_lists_the_demo_accounts(seeded: str) -> None:
    assert DEMO_PASSWORD in seeded
    assert "admin" in seeded and "shenhe01" in seeded
    assert "经办人（多单位）" in seeded
    first = Unit.objects.order_by("id").first()
    assert first is not None and first.name in seeded


def test_a_certified_hospital_and_pharmacy_with_their_institutions_and_operators(seeded: str) -> None:
    """Issue 16: a hospital and a pharmacy unit whose USCC is a synced institution's, each with an
    operator holding the area's item, printed in the account list."""
    from yibao.demo.institution_units import institution_units
    from yibao.operators.grants import items_in_force
    from yibao.units.selectors import institution_of_unit

    for unit, role, item in zip(
        institution_units(),
        ("medical", "pharmacy"),
        ("medins-info-change", "pharmacy-info-change"),
        strict=True,
    ):
        institution = institution_of_unit(unit, role)
        assert institution is not None and institution.uscc == unit.uscc and institution.name == unit.name
        assert institution.legrep_name == unit.legal_rep_name
        binding = Binding.objects.get(unit=unit)
        assert item in items_in_force(user=binding.operator.user, unit_id=unit.pk)
        assert unit.name in seeded and binding.operator.mobile in seeded and unit.account.username in seeded


def test_notices_published(seeded: str) -> None:
    titles = set(Notice.objects.values_list("title", flat=True))
    assert "关于单位网厅上线的公告" in titles
    assert "关于调整2026年度职工医保缴费基数上下限的通知" in titles
    assert Notice.objects.filter(is_published=True).count() >= 5


def test_second_run_creates_nothing(seeded: str) -> None:
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "already present" in output
    assert DEMO_PASSWORD in output


def test_reset_rebuilds_the_same_data_and_keeps_other_rows(seeded: str) -> None:
    before = snapshot()
    names = list(Person.objects.order_by("psn_no").values_list("name", "cert_no"))
    other = Person.objects.create(
        psn_no="43000030281000120001",
        cert_no="11010519491231002X",
        name="张三",
        gender="2",
        birth_date="1949-12-31",
    )
    seed("--reset")
    after = snapshot()
    assert after == {**before, "persons": before["persons"] + 1}
    assert Person.objects.filter(pk=other.pk).exists()
    # Same seed, same data.
    again = list(Person.objects.exclude(pk=other.pk).order_by("psn_no").values_list("name", "cert_no"))
    assert again == names
    # The load assigned ids itself; the id sequences moved past them.
    later = Person.objects.create(
        psn_no="43000030281000120002",
        cert_no="440524188001010014",
        name="李四",
        gender="1",
        birth_date="1880-01-01",
    )
    assert later.pk > max(Person.objects.exclude(pk=later.pk).values_list("id", flat=True))
    assert Insurance.objects.create(
        person=later,
        unit=Unit.objects.earliest("id"),
        insutype="310",
        start_date="2020-01-01",
        first_insured_ym=202001,
        base=5000,
    ).pk


def test_deferred_index_load_restores_every_index(db: Any) -> None:
    tables = [Person._meta.db_table, Insurance._meta.db_table, Contribution._meta.db_table]

    def constraints() -> dict[str, dict[str, Any]]:
        with connection.cursor() as cursor:
            return {t: connection.introspection.get_constraints(cursor, t) for t in tables}

    before = constraints()
    seed("--defer-indexes", "always")
    assert constraints() == before
    assert Person.objects.count() == PERSONS
    active = Insurance.objects.filter(insutype="310", psn_type="1101").values_list("person_id", flat=True)
    assert Contribution.objects.filter(person_id__in=active).exists()


@pytest.mark.django_db(transaction=True)
def test_reset_refuses_to_orphan_rows_of_other_tables(reference_data: None) -> None:
    """Outside a test transaction the load runs as in real use (on SQLite: foreign keys off and
    checked before the commit). A row elsewhere that points at a demo person stops the reset,
    and the whole load rolls back.

    The reference data comes from `reference_data`, not `serialized_rollback`: that one reloads
    the migrations' rows into tables an earlier transactional test's flush has refilled
    (post_migrate: content types, permissions), and fails on their unique keys."""
    seed()
    before = snapshot()
    person = Person.objects.order_by("id").first()
    assert person is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE demo_test_referrer (id integer PRIMARY KEY, "
            f"person_id bigint NOT NULL REFERENCES {Person._meta.db_table} (id))"
        )
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO demo_test_referrer (id, person_id) VALUES (1, %s)", [person.pk])
        with pytest.raises(CommandError, match="rolled back"):
            seed("--reset")
        assert snapshot() == before
        assert Person.objects.filter(pk=person.pk).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE demo_test_referrer")
    # A second run after all that still finds the demo data and leaves it alone.
    assert "already present" in seed()
    assert snapshot() == before


def test_showcase_unit_gets_the_asked_size() -> None:
    generator = Generator(seed=1, today=date(2026, 11, 23), months=2, counties=_plan_counties())
    plan = generator.plan_units(
        count=8, persons=1_000, taken_accounts=set(), taken_mobiles=set(), showcase_persons=600
    )
    sizes = [unit.person_count for unit in plan.units]
    assert sizes[0] == 600
    assert sum(sizes) == 1_000
    assert all(size >= 1 for size in sizes)


def _plan_counties() -> dict[str, list[tuple[str, str]]]:
    return {region.city_code: [(region.city_code[:4] + "02", "某某区")] for region in REGIONS}


def test_a_demo_units_certificate_counts_the_months_of_each_insutype(seeded: str) -> None:
    """issue 20 item 14: every certificate printed 生育保险 0 months."""
    from yibao.certificates.selectors import unit_certificate_content

    unit = Unit.objects.filter(insurances__insutype="510").distinct().first()
    assert unit is not None
    content = unit_certificate_content(unit, today=timezone.localdate())
    months = {row["insutype"]: row["months"] for row in content["rows"]}
    assert months["310"] > 0 and months["510"] > 0, content["rows"]
