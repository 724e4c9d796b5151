"""The rules of a 婴幼儿备案, beyond each field's own check (`forms.py`).

- 出生日期 not after today and at most `FILING_WINDOW_DAYS` days ago: a baby insured within 90 days
  of birth is covered from the day of birth (the national and Beijing rule for newborns), and the
  hospital files the babies born there while that holds; an older child is enrolled by the
  guardian at the 街道（乡镇） service of the 户籍 instead.
- A 身份证号, when given, is the child's: its birth date is the 出生日期 and its sex digit the 性别.
- The guardian is someone else (not the child's number), and a 父亲 / 母亲 with a 居民身份证 has
  the matching sex digit.
- One 出生医学证明, one filing: a number (or a 身份证号) already 申请中 or 已备案 is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from yibao.core.validators.identity import id_birth_date, id_gender
from yibao.newborns.models import IN_FORCE, InfantFiling

FILING_WINDOW_DAYS = 90
RESIDENT_ID = "01"


@dataclass(frozen=True)
class Problem:
    field: str  # the form field it belongs to ("" for the whole form)
    message: str


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def birth_date_problems(birth: datetime.date | None, today: datetime.date) -> list[Problem]:
    if birth is None:
        return [Problem("birth_date", "请输入出生日期")]
    if birth > today:
        return [Problem("birth_date", "出生日期不能晚于今天")]
    if (today - birth).days > FILING_WINDOW_DAYS:
        return [
            Problem(
                "birth_date",
                f"婴幼儿出生已超过{FILING_WINDOW_DAYS}天，不能由医疗机构办理备案，"
                "请告知监护人到户籍所在地街道（乡镇）社保服务机构办理参保登记",
            )
        ]
    return []


def identity_problems(payload: dict[str, Any]) -> list[Problem]:
    """The child's 身份证号 against the 出生日期 and 性别; the guardian against the child."""
    problems = []
    cert_no = str(payload.get("cert_no") or "")
    birth = _day(payload.get("birth_date"))
    if cert_no:
        if birth is not None and id_birth_date(cert_no) != birth:
            problems.append(Problem("cert_no", "身份证号中的出生日期与填写的出生日期不一致，请核对"))
        if payload.get("gender") and id_gender(cert_no) != payload.get("gender"):
            problems.append(Problem("cert_no", "身份证号中的性别与填写的性别不一致，请核对"))
    guardian_no = str(payload.get("guardian_cert_no") or "").upper()
    if guardian_no and guardian_no == cert_no.upper():
        problems.append(Problem("guardian_cert_no", "监护人证件号码不能与婴幼儿身份证号相同"))
    elif payload.get("guardian_cert_type") == RESIDENT_ID and guardian_no:
        relation = str(payload.get("guardian_relation") or "")
        expected = {InfantFiling.Relation.FATHER.value: "1", InfantFiling.Relation.MOTHER.value: "2"}.get(
            relation
        )
        if expected and id_gender(guardian_no) != expected:
            label = InfantFiling.Relation(relation).label
            problems.append(
                Problem(
                    "guardian_cert_no", f"监护人证件号码中的性别与“{label}”不符，请核对与婴幼儿关系或证件号码"
                )
            )
        if birth is not None and id_birth_date(guardian_no) >= birth:
            problems.append(Problem("guardian_cert_no", "监护人的出生日期应早于婴幼儿，请核对监护人证件号码"))
    return problems


def duplicate_problems(payload: dict[str, Any], *, own: tuple[int, str] | None = None) -> list[Problem]:
    """The 出生医学证明编号 (and the 身份证号) not filed already, by any hospital. `own` (unit id,
    open key): the filing of the application being checked itself (returned and resubmitted, or
    approved now) does not count."""
    others = InfantFiling.objects.filter(status__in=IN_FORCE)
    if own is not None:
        others = others.exclude(application__unit_id=own[0], application__open_key=own[1])
    problems = []
    same = others.filter(birth_cert_no=str(payload.get("birth_cert_no") or "")).first()
    if same is not None:
        problems.append(
            Problem(
                "birth_cert_no",
                f"该出生医学证明编号已办理婴幼儿备案（备案编号 {same.number}，{same.get_status_display()}），"
                "不能重复备案",
            )
        )
    cert_no = str(payload.get("cert_no") or "")
    if cert_no:
        twin = others.filter(cert_no=cert_no).first()
        if twin is not None:
            problems.append(
                Problem(
                    "cert_no",
                    f"该身份证号已办理婴幼儿备案（备案编号 {twin.number}，{twin.get_status_display()}），不能重复备案",
                )
            )
    return problems


def newborn_problems(
    payload: dict[str, Any], *, today: datetime.date, own: tuple[int, str] | None = None, window: bool = True
) -> list[Problem]:
    """Every refusal for one filing, in the order of the form. The 出生日期 window holds when the
    hospital files (saves and submits), not when the agency decides (`window` False)."""
    return [
        *(birth_date_problems(_day(payload.get("birth_date")), today) if window else []),
        *identity_problems(payload),
        *duplicate_problems(payload, own=own),
    ]
