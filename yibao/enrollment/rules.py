"""The rules of 职工参保登记, shared by the single form and the batch file (Henan manual 004).

`row_problems` checks one row on its own (no database); `rows_against_records` checks many rows
against the records in sets (one query per batch of ID numbers), and `duplicate_rows` finds rows
of one file that conflict with each other. Each problem names the column it is about.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from yibao.core.errors import ApplicationError
from yibao.core.reference import code_label
from yibao.core.spreadsheets.cells import Problem
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.contact import validate_mobile
from yibao.core.validators.identity import validate_cert_number
from yibao.core.validators.names import validate_person_name
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.standing import in_force

MIN_WORKING_AGE = 16
# 人员类别 of employees (the first two digits): 11 在职, 12 退休, 13 离休; 14 and 15 are residents'.
EMPLOYEE_GROUPS = frozenset({"11", "12", "13"})
RETIRED, LIXIU = "12", "13"
# The earliest statutory retirement (women in special jobs, or on loss of working capacity).
RETIREMENT_MIN_AGE = 45
LIXIU_BEFORE = datetime.date(1949, 10, 1)  # 离休: joined the revolution before the founding
ID_CARRIES_FACTS = frozenset({"01"})  # the certificate types whose number gives gender and birth
NATIONALITY = re.compile(r"[A-Z]{3}")
ADDRESS_MAX_LENGTH = 200
BATCH = 900  # ID numbers per query (SQLite allows 999 parameters)


@dataclass(slots=True)
class EnrollmentRow:
    """One person to enroll: the fields of 单个人员参保登记 and of one line of the batch file."""

    cert_type: str
    cert_no: str
    name: str
    gender: str = ""
    birth_date: datetime.date | None = None
    nation: str = ""
    nationality: str = "CHN"
    mobile: str = ""
    address: str = ""
    first_work_date: datetime.date | None = None
    psn_type: str = "1101"
    emp_form: str = ""
    insutypes: tuple[str, ...] = ()
    start_date: datetime.date | None = None
    base: Decimal | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """What the region allows this year: the 险种 offered, the base bounds and the earliest
    参保日期 (the profile's rule, e.g. the current month only); `today` dates the other checks."""

    insutypes: frozenset[str]
    base_floor: Decimal
    base_cap: Decimal
    earliest_start: datetime.date
    latest_start: datetime.date
    today: datetime.date


def id_facts(cert_type: str, cert_no: str) -> tuple[str, datetime.date] | None:
    """Gender and birth date carried by a 居民身份证 number (18 digits), else None."""
    if cert_type != "01" or len(cert_no) != 18:
        return None
    try:
        birth = datetime.date(int(cert_no[6:10]), int(cert_no[10:12]), int(cert_no[12:14]))
    except ValueError:
        return None
    return ("1" if int(cert_no[16]) % 2 else "2"), birth


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def parse_base(value: object) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else None


def _person_problems(row: EnrollmentRow, limits: Limits) -> list[Problem]:
    """The person's own fields: name, certificate, gender and birth date, contact details."""
    problems: list[Problem] = []
    try:
        row.name = validate_person_name(row.name, cert_type=row.cert_type, field="name")
    except ApplicationError as error:
        problems.append(Problem("姓名", error.message))
    try:
        row.cert_no = validate_cert_number(row.cert_type, row.cert_no, field="cert_no")
    except ApplicationError as error:
        problems.append(Problem("证件号码", error.message))
        cert_ok = False
    else:
        cert_ok = True
    facts = id_facts(row.cert_type, row.cert_no) if cert_ok else None
    if facts is not None:
        gender, birth = facts
        if row.gender and row.gender != gender:
            problems.append(Problem("性别", "性别与身份证号码不一致"))
        if row.birth_date and row.birth_date != birth:
            problems.append(Problem("出生日期", "出生日期与身份证号码不一致"))
        row.gender, row.birth_date = gender, birth
    # A 居民身份证 number carries the gender and the birth date: when the number is wrong, that
    # is the one thing to say (its missing gender and birth date follow from it).
    from_id = row.cert_type in ID_CARRIES_FACTS and not cert_ok
    if not row.gender and not from_id:
        problems.append(Problem("性别", "请选择性别"))
    if row.birth_date is None and not from_id:
        problems.append(Problem("出生日期", "请输入出生日期"))
    elif row.birth_date is not None and row.birth_date > limits.today:
        problems.append(Problem("出生日期", "出生日期不能晚于今天"))
    row.nationality = (row.nationality or "CHN").strip().upper()
    if row.nationality in {"中国", "中华人民共和国"}:
        row.nationality = "CHN"
    if not NATIONALITY.fullmatch(row.nationality):
        problems.append(Problem("国籍", "国籍请填写三位字母代码，如 CHN"))
    elif not row.nation and row.nationality == "CHN":
        problems.append(Problem("民族", "请选择民族"))
    if row.mobile:
        try:
            row.mobile = validate_mobile(row.mobile.replace(" ", "").replace("-", ""), field="mobile")
        except ApplicationError:
            problems.append(Problem("手机号码", "请输入正确的手机号码（以1开头的11位数字）"))
    if len(row.address) > ADDRESS_MAX_LENGTH:
        problems.append(Problem("联系地址", f"联系地址不能超过{ADDRESS_MAX_LENGTH}个字"))
    return problems


def employee_psn_type(code: str) -> bool:
    """A 人员类别 of employees (在职, 退休, 离休), the only ones 职工参保登记 takes."""
    return code[:2] in EMPLOYEE_GROUPS


def _psn_type_label(code: str) -> str:
    return code_label("psn_type", code) or code


def _work_problems(row: EnrollmentRow, limits: Limits) -> list[Problem]:
    """首次参加工作日期 and 人员类别 against the person's age."""
    problems: list[Problem] = []
    work, birth = row.first_work_date, row.birth_date
    if work is not None and work > limits.today:
        problems.append(Problem("首次参加工作日期", "首次参加工作日期不能晚于今天"))
    elif work is not None and birth is not None and work < birth:
        problems.append(Problem("首次参加工作日期", "首次参加工作日期不能早于出生日期"))
    elif work is not None and birth is not None and age_on(birth, work) < MIN_WORKING_AGE:
        problems.append(Problem("首次参加工作日期", f"首次参加工作日期时未满{MIN_WORKING_AGE}周岁，请核对"))
    group = row.psn_type[:2]
    if not row.psn_type:
        problems.append(Problem("人员类别", "请选择人员类别"))
    elif not employee_psn_type(row.psn_type):
        problems.append(
            Problem(
                "人员类别",
                f"「{_psn_type_label(row.psn_type)}」是城乡居民的人员类别，职工参保登记请选择在职、退休或离休的人员类别",
            )
        )
    elif group == RETIRED and birth is not None:
        if age_on(birth, row.start_date or limits.latest_start) < RETIREMENT_MIN_AGE:
            problems.append(
                Problem(
                    "人员类别",
                    f"未满{RETIREMENT_MIN_AGE}周岁，不能登记为「{_psn_type_label(row.psn_type)}」，请核对人员类别",
                )
            )
    elif group == LIXIU and (
        (birth is not None and birth >= LIXIU_BEFORE) or (work is not None and work >= LIXIU_BEFORE)
    ):
        problems.append(
            Problem("人员类别", "离休人员须在1949年10月1日前参加革命工作，请核对人员类别和首次参加工作日期")
        )
    if not row.emp_form:
        problems.append(Problem("用工形式", "请选择用工形式"))
    return problems


def row_problems(row: EnrollmentRow, limits: Limits) -> list[Problem]:
    """Everything that can be said of one row without looking at the records: the one rule set
    of the single form and the batch file. Normalises the name, the certificate number, the
    nationality and the mobile, and fills the gender and birth date from the ID number."""
    problems = _person_problems(row, limits)
    problems += _work_problems(row, limits)
    if not row.insutypes:
        problems.append(Problem("险种", "请选择参保险种"))
    else:
        offered = [t for t in row.insutypes if t not in limits.insutypes]
        if offered:
            allowed = "、".join(sorted(limits.insutypes))
            problems.append(
                Problem("险种", f"险种{'、'.join(offered)}不在本统筹区可参保的险种内（{allowed}）")
            )
    start = row.start_date
    if start is None:
        problems.append(Problem("参保日期", "请输入参保日期"))
    elif not limits.earliest_start <= start <= limits.latest_start:
        problems.append(
            Problem(
                "参保日期",
                f"参保日期须在{limits.earliest_start:%Y-%m-%d}至{limits.latest_start:%Y-%m-%d}之间，"
                "更早的补缴请到医保经办机构办理",
            )
        )
    if row.birth_date is not None and row.birth_date <= limits.today:
        age = age_on(row.birth_date, start or limits.latest_start)
        if age < MIN_WORKING_AGE:
            problems.append(Problem("出生日期", f"未满{MIN_WORKING_AGE}周岁，不能参加职工基本医疗保险"))
    if row.base is None:
        problems.append(Problem("月缴费基数", "请输入正确的月缴费基数，如 6000.00"))
    elif not limits.base_floor <= row.base <= limits.base_cap:
        problems.append(
            Problem("月缴费基数", f"月缴费基数须在{limits.base_floor}至{limits.base_cap}元之间（本地上下限）")
        )
    return problems


def duplicate_rows(keys: Sequence[tuple[str, str] | None]) -> dict[int, Problem]:
    """Rows (by position) whose ID number appeared on an earlier row; the problem names both rows
    by their spreadsheet row numbers (the header is row 1)."""
    first: dict[tuple[str, str], int] = {}
    found: dict[int, Problem] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            earlier = first[key] + 2
            found[first[key]] = Problem("证件号码", f"证件号码与第{index + 2}行重复")
            found[index] = Problem("证件号码", f"证件号码与第{earlier}行重复")
        else:
            first[key] = index
    return found


@dataclass(frozen=True)
class Known:
    """What the records say of the persons of a batch (keys are (证件类型, 证件号码))."""

    persons: dict[tuple[str, str], Person]
    active: dict[tuple[int, str], int]  # (person id, 险种) → unit id of the active insurance


def records_for(keys: Iterable[tuple[str, str]]) -> Known:
    """The persons and their active insurances, in sets: one query per BATCH ID numbers."""
    unique = sorted(set(keys))
    persons: dict[tuple[str, str], Person] = {}
    for start in range(0, len(unique), BATCH):
        wanted = set(unique[start : start + BATCH])
        # both columns, so the (cert_type, cert_no) unique index answers it
        candidates = Person.objects.filter(
            cert_type__in={kind for kind, _ in wanted}, cert_no__in={number for _, number in wanted}
        )
        for person in candidates:
            if (person.cert_type, person.cert_no) in wanted:
                persons[(person.cert_type, person.cert_no)] = person
    active: dict[tuple[int, str], int] = {}
    ids = sorted(p.pk for p in persons.values())
    today = timezone.localdate()
    for start in range(0, len(ids), BATCH):
        rows = (  # active today: a pause counts from its date (`standing`)
            Insurance.objects.filter(person_id__in=ids[start : start + BATCH])
            .filter(in_force(today))
            .values_list("person_id", "insutype", "unit_id")
        )
        for person_id, insutype, unit_id in rows:
            active[(person_id, insutype)] = unit_id
    return Known(persons=persons, active=active)


def _same_name(name: str) -> str:
    """A name as compared: full-width forms and spacing do not matter."""
    return "".join(to_halfwidth(name).split()).upper()


def record_problems(row: EnrollmentRow, known: Known, *, unit_id: int) -> list[Problem]:
    """Refusals that need the records: deceased, already actively insured (here or elsewhere)."""
    person = known.persons.get((row.cert_type, row.cert_no))
    if person is None:
        return []
    problems = []
    if row.name.strip() and _same_name(row.name) != _same_name(person.name):
        # The one fact a new employer checks against the records: the name it was given. Nothing
        # else of the person (birth date, mobile, address) is shown to a unit the person is not of.
        problems.append(Problem("姓名", "姓名与该证件号码在医保系统登记的姓名不一致，请核对后重新填写"))
    if person.survival == "2":
        problems.append(Problem("证件号码", "该人员已登记死亡，不能参保"))
    for insutype in row.insutypes:
        holder = known.active.get((person.pk, insutype))
        if holder == unit_id:
            problems.append(Problem("险种", f"该人员已在本单位参保（险种{insutype}），无需重复登记"))
        elif holder is not None:
            problems.append(
                Problem("险种", f"该人员已在其他单位正常参保（险种{insutype}），请先由原单位办理中断参保")
            )
    return problems
