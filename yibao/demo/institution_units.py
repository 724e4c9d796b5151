"""The demo's 定点医药机构 units: one hospital and one retail pharmacy of 昆明 that registered in
the hall with the USCC of a synced demo institution, certified for the role (角色认证 医疗机构 /
零售药店), each with one operator holding the area's business items, so that 医疗机构服务 →
信息变更 can be tried at once. Their 法人 data (kept by the hall, never synced) is filled in.

Recognised by the demo prefixes like the other demo units (单位编号 99…), so a reset removes
them; printed in the account list after the shown units.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from yibao.accounts.models import User
from yibao.catalog.models import Institution
from yibao.core.profiles import get_profile
from yibao.demo import DEMO_EMP_NO_PREFIX
from yibao.demo.numbers import make_id_number
from yibao.operators.models import Binding, BusinessItem, Grant, Operator
from yibao.units.models import Population, RoleCertification, Unit, UnitRole

# (role, the service type looked for, the operator's name, the 法人's name)
KINDS = (
    (UnitRole.MEDICAL, Institution.ServiceType.GENERAL_HOSPITAL, "杨丽华", "赵建明"),
    (UnitRole.PHARMACY, Institution.ServiceType.CHAIN_PHARMACY, "何晓燕", "孙国庆"),
)
REGION = "5301"  # 昆明: the Yunnan manual's hall


def _institution(role: UnitRole, service_type: str) -> Institution | None:
    kind = Institution.Type.MEDICAL if role == UnitRole.MEDICAL else Institution.Type.PHARMACY
    taken = Unit.objects.values("uscc")
    return (
        Institution.objects.filter(
            fixmedins_type=kind,
            service_type=service_type,
            is_active=True,
            endtime__isnull=True,
            division__code__startswith=REGION,
        )
        .exclude(uscc="")
        .exclude(uscc__in=taken)
        .order_by("code")
        .first()
    )


def _free_mobile(rng: random.Random, taken: set[str]) -> str:
    while True:
        mobile = f"199{rng.randint(0, 99_999_999):08d}"
        if mobile not in taken:
            taken.add(mobile)
            return mobile


def demo_institution_units(*, hashed: str, seed: int) -> int:
    """Create the two units (after the institutions are synced); the number of rows written."""
    rng = random.Random(f"institution-units:{seed}")
    taken_mobiles = set(Operator.objects.values_list("mobile", flat=True))
    exclusive = get_profile().exclusive_grants
    populations = list(Population.objects.filter(is_default=True))
    rows = 0
    for number, (role, service_type, operator_name, legrep_name) in enumerate(KINDS, start=1):
        institution = _institution(role, service_type)
        if institution is None:  # the demo feed always has them; nothing to show otherwise
            continue
        admdvs = institution.division_id
        account = f"dw{admdvs}9{number:02d}"
        if User.objects.filter(username=account).exists():
            continue
        legrep_certno = make_id_number(admdvs, datetime.date(1968 + number, 3, 8), 10 + number)
        legrep_tel = _free_mobile(rng, taken_mobiles)
        admin = User.objects.create(
            username=account, password=hashed, kind=User.Kind.UNIT, first_name=institution.name
        )
        unit = Unit.objects.create(
            account=admin,
            emp_no=f"{DEMO_EMP_NO_PREFIX}{admdvs}9{number:05d}",
            name=institution.name,
            uscc=institution.uscc,
            emp_type="30" if role == UnitRole.MEDICAL else "10",
            emp_mgt_type="01",
            division_id=admdvs,
            address=institution.address or "云南省昆明市",
            postcode="650000",
            legal_rep_name=legrep_name,
            legal_rep_cert_type="01",
            legal_rep_cert_no=legrep_certno,
            legal_rep_mobile=legrep_tel,
        )
        unit.populations.set(populations)
        RoleCertification.objects.create(
            unit=unit, role=role, status=RoleCertification.Status.CERTIFIED, decided_at=timezone.now()
        )
        mobile = _free_mobile(rng, taken_mobiles)
        user = User.objects.create(
            username=mobile, password=hashed, kind=User.Kind.OPERATOR, first_name=operator_name
        )
        operator = Operator.objects.create(
            user=user,
            name=operator_name,
            mobile=mobile,
            cert_type="01",
            cert_no=make_id_number(admdvs, datetime.date(1988, 5, number), 20 + number),
        )
        binding = Binding.objects.create(unit=unit, operator=operator, status=Binding.Status.ACTIVE)
        binding.populations.set(populations)
        items = BusinessItem.objects.filter(is_active=True, function_role__code=role.value)
        Grant.objects.bulk_create(
            [Grant(binding=binding, unit=unit, item=item, exclusive=exclusive) for item in items]
        )
        # the hall's own 法人 data of the institution (not synced): what the change form shows
        Institution.objects.filter(pk=institution.pk).update(
            legrep_name=legrep_name, legrep_cert_type="01", legrep_certno=legrep_certno, legrep_tel=legrep_tel
        )
        rows += 6 + len(items)
    return rows


def institution_units() -> list[Unit]:
    """The demo units certified as 医疗机构 or 零售药店, for the account list."""
    return list(
        Unit.objects.filter(
            emp_no__startswith=DEMO_EMP_NO_PREFIX,
            roles__role__in=[UnitRole.MEDICAL, UnitRole.PHARMACY],
            roles__status=RoleCertification.Status.CERTIFIED,
        )
        .select_related("account")
        .order_by("id")
        .distinct()
    )
